/* The results of a solve: W, G W, H, the losses table, the stop reason, times, the scree. */
#include <smoothnmf/private/nmfimpl.h>

static PetscErrorCode CheckSolved(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(nmf->solved, PETSC_COMM_SELF, PETSC_ERR_ORDER, "call NMFSolve first");
  PetscFunctionReturn(0);
}

/*@
   NMFGetW - Gets W (m x k, already divided by the normalization factor).

   Not Collective

   Output Parameters:
+  m, k - its shape (each may be NULL)
-  W    - row-major values, the same on every rank; they belong to the object

   Level: beginner

.seealso: NMFGetWMat()
@*/
PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (m) *m = nmf->G.empty() ? nmf->n : nmf->m;
  if (k) *k = nmf->k;
  *W = nmf->W.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetGW - Gets D = G W (n x k): the component spectra.

   Not Collective

   Output Parameters:
+  n, k - its shape (each may be NULL)
-  GW   - row-major values, the same on every rank; they belong to the object

   Level: beginner

.seealso: NMFGetGWMat()
@*/
PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (n) *n = nmf->n;
  if (k) *k = nmf->k;
  *GW = nmf->GW.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetH - Gets H as a global vector of the abundance DM (k values per pixel, the solver's
   layout).

   Not Collective

   Output Parameter:
.  H - the vector; it belongs to the object (do not destroy it)

   Level: intermediate

.seealso: NMFGetHMat(), NMFGetAbundanceDM()
@*/
PetscErrorCode NMFGetH(NMF nmf, Vec *H)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *H = nmf->H;
  PetscFunctionReturn(0);
}

/*@
   NMFGetLosses - Gets the per-iteration losses table (espm's get_losses()).

   Not Collective

   Output Parameters:
+  n_iter   - the number of iterations (rows)
.  ncolumns - the number of columns
-  table    - column j at table[j*n_iter + i]; it belongs to the object

   Level: beginner

.seealso: NMFGetLossName(), NMFLossNames
@*/
PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *n_iter   = nmf->n_iter;
  *ncolumns = (PetscInt)nmf->loss_names.size();
  *table    = nmf->losses_table.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetLossName - Gets the name of column j of the losses table (full_loss, KL_div_loss,
   log_reg_loss, Lapl_reg_loss, gamma, rel_W, rel_H, then ang_pI, mse_pI, true_KL_loss with a
   ground truth).

   Not Collective

   Output Parameter:
.  name - the name; it belongs to the object

   Level: beginner
@*/
PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  PetscCheck(j >= 0 && j < (PetscInt)nmf->loss_names.size(), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "losses column %" PetscInt_FMT " does not exist (%zu columns)", j, nmf->loss_names.size());
  *name = nmf->loss_names[j].c_str();
  PetscFunctionReturn(0);
}

/*@
   NMFGetIterationNumber - Gets the number of iterations done.

   Not Collective

   Output Parameter:
.  n_iter - the number of iterations

   Level: beginner
@*/
PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter)
{
  PetscFunctionBegin;
  *n_iter = nmf->n_iter;
  PetscFunctionReturn(0);
}

/*@
   NMFGetConvergedReason - Gets why the iteration stopped.

   Not Collective

   Output Parameter:
.  reason - NMF_CONVERGED_REL_CHANGE_WH, NMF_CONVERGED_REL_CHANGE_LOSS, NMF_CONVERGED_MAX_ITER
            (converged, > 0), NMF_DIVERGED_NAN, NMF_DIVERGED_NEGATIVE_DECREASE (diverged, < 0),
            or NMF_CONVERGED_ITERATING before NMFSolve()

   Level: beginner

.seealso: NMFConvergedReasonName()
@*/
PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason)
{
  PetscFunctionBegin;
  *reason = nmf->reason;
  PetscFunctionReturn(0);
}

/*@
   NMFGetConstKL - Gets the constant of the KL loss, computed on the prepared X.

   Not Collective

   Output Parameter:
.  const_KL - the constant

   Level: advanced
@*/
PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL)
{
  PetscFunctionBegin;
  *const_KL = nmf->const_KL;
  PetscFunctionReturn(0);
}

/*@
   NMFGetReconstructionError - Gets the loss of the final W, H (espm's reconstruction_err_).

   Not Collective

   Output Parameter:
.  err - the loss

   Level: beginner
@*/
PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err)
{
  PetscFunctionBegin;
  *err = nmf->reconstruction_err;
  PetscFunctionReturn(0);
}

/*@
   NMFGetTimes - Gets the seconds spent in the set-up (preparation and initialization) and in
   the iterations.

   Not Collective

   Output Parameters:
+  init_seconds - the set-up time (may be NULL)
-  fit_seconds  - the iteration time (may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds)
{
  PetscFunctionBegin;
  if (init_seconds) *init_seconds = nmf->init_seconds;
  if (fit_seconds) *fit_seconds = nmf->fit_seconds;
  PetscFunctionReturn(0);
}

/*@
   NMFGetScree - Gets the singular values computed for NMFSetScree(): of X as prepared for the
   fit (all-zero pixels/channels set to log_shift, normalized with -nmf_normalize), in
   decreasing order, and ||X||_F^2 (the sum of all squared singular values: the explained
   variance ratio of component j is S[j]^2 / sum_squares).

   Not Collective

   Output Parameters:
+  N           - the number of values (0 before NMFSetUp() or when none were asked for)
.  S           - the values; they belong to the object
-  sum_squares - ||X||_F^2
   (each may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares)
{
  PetscFunctionBegin;
  if (N) *N = (PetscInt)nmf->scree.size();
  if (S) *S = nmf->scree.data();
  if (sum_squares) *sum_squares = nmf->scree_sum_squares;
  PetscFunctionReturn(0);
}
