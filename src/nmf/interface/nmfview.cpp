/* NMFView: the object's summary (data, type, every parameter of the table, the result). */
#include <smoothnmf/private/nmfimpl.h>
#include <cstdio>
#include <cstring>
#include <string>

/*@C
   NMFView - Prints the NMF object: the data's sizes, the type, every parameter and, after a
   solve, how it stopped.

   Collective

   Input Parameters:
+  nmf - the NMF object
-  viewer - an ASCII viewer (NULL: standard output)

   Options Database Key:
.  -nmf_view [viewer] - after NMFSolve(), in PETSc's viewer syntax (-nmf_view ascii:run.txt)

   Level: beginner

.seealso: NMFViewFromOptions(), PetscObjectViewFromOptions()
@*/
PetscErrorCode NMFView(NMF nmf, PetscViewer viewer)
try {
  char      line[1024];
  PetscBool isascii;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(nmf->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)nmf, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  if (nmf->has_shape)
    snprintf(line, sizeof line, "data: %d channels x %d pixels, image %d x %d (Laplacian)", (int)nmf->n, (int)nmf->p, (int)nmf->ny, (int)nmf->nx);
  else
    snprintf(line, sizeof line, "data: %d channels x %d pixels, no image shape (identity in place of the Laplacian)", (int)nmf->n, (int)nmf->p);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  if (nmf->Xc) PetscCall(PetscViewerASCIIPrintf(viewer, "X in memory: %s\n", NMFDataTypes[nmf->xtype]));
  if (nmf->nav_mask || !nmf->signal_mask.empty()) {
    if (nmf->setupcalled)
      PetscCall(PetscViewerASCIIPrintf(viewer, "masks: %d pixels and %d channels left out of the data term (doc/masks.md)\n", (int)(nmf->p - nmf->p_data), (int)(nmf->n - nmf->n_data)));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "masks: %s%s%s (applied at the set-up)\n", nmf->nav_mask ? "a navigation mask" : "", nmf->nav_mask && !nmf->signal_mask.empty() ? " and " : "", nmf->signal_mask.empty() ? "" : "a signal mask"));
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "G: %s; loss %s\n", nmf->G.empty() ? "identity (implicit)" : "given", nmf->l2 ? "l2" : "KL"));
  /* the parameters, from the table, a few to a line */
  std::string         out, item, text;
  std::vector<double> values;
  for (PetscInt i = 0; i < NMFParamCount; i++) {
    const NMFParamInfo *p = &NMFParamTable[i];
    NMFParamValues_Private(nmf, p, nmf->setupcalled && p->kind == NMF_PARAM_INIT, values, text);
    if (p->kind == NMF_PARAM_REALS && values.empty()) text = !strcmp(p->name, "gamma") ? nmf->gamma_default_text : "none";
    if (p->kind == NMF_PARAM_SEED && !nmf->random_state_set && !nmf->setupcalled) text = "drawn at the set-up";
    item = std::string(p->name) + " " + text;
    if (!out.empty() && out.size() + item.size() > 100) {
      PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", out.c_str()));
      out.clear();
    }
    out += (out.empty() ? "" : ", ") + item;
  }
  if (!out.empty()) PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", out.c_str()));
  if (nmf->ops->view) PetscCall((*nmf->ops->view)(nmf, viewer));
  if (nmf->solved) {
    snprintf(line, sizeof line, "stopped after %d iterations: %s; reconstruction_err %.10g; set-up %.3f s, iterations %.3f s", (int)nmf->n_iter, NMFConvergedReasonName(nmf->reason), nmf->reconstruction_err, nmf->init_seconds, nmf->fit_seconds);
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  }
  if (!nmf->scree.empty()) {
    std::string sv;
    for (size_t j = 0; j < nmf->scree.size(); j++) {
      snprintf(line, sizeof line, " %.6g", nmf->scree[j]);
      sv += line;
    }
    PetscCall(PetscViewerASCIIPrintf(viewer, "scree, the %d leading singular values of X:%s\n", (int)nmf->scree.size(), sv.c_str()));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@C
   NMFViewFromOptions - Views the object as the option name asks (PETSc's viewer syntax).

   Collective

   Input Parameters:
+  nmf - the NMF object
.  obj - an object whose prefix to use instead (or NULL)
-  name - the option, e.g. "-nmf_view"

   Level: intermediate

.seealso: NMFView()
@*/
PetscErrorCode NMFViewFromOptions(NMF nmf, PetscObject obj, const char name[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(PetscObjectViewFromOptions((PetscObject)nmf, obj, name));
  PetscFunctionReturn(0);
}
