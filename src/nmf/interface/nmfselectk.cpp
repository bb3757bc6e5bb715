/* Choosing n_components by stability (NMFk, doc/select_k.md): for each k of a range, the fit of X
   itself and R fits of resampled copies of X, every one with the object's type and parameters;
   the R k spectra matched into k groups and the silhouettes of the groups; the suggestion.  The
   fits share the object's X as read (the fit of X reads it in place, each resampled copy is a
   float32 copy made for its fit and freed after it). */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

const char *const NMFResampleTypes[] = {"poisson", "uniform", "NMFResampleType", "NMF_RESAMPLE_", nullptr};

/* the resampled copy r (1..R) of the fits at k: its own stream of draws */
static inline PetscInt64 ResampleStream(PetscInt k, PetscInt r) { return ((PetscInt64)k << 20) + r; }

static PetscErrorCode CheckNotRunning(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->select.complete && nmf->select.fits.empty(), nmf->comm, PETSC_ERR_ORDER, "the selection's settings must be set before NMFSelectK");
  PetscFunctionReturn(0);
}

/*@
   NMFSetSelectKRange - Sets the range of n_components that NMFSelectK() compares.

   Logically Collective

   Input Parameters:
+  nmf  - the NMF object
.  kmin - the smallest k, at least 1
-  kmax - the largest k, at least kmin (and at most the channels and the pixels of the data,
          checked by NMFSelectK())

   Options Database Key:
.  -nmf_select_k KMIN:KMAX - the range (the program then selects k before its fit)

   Level: intermediate

.seealso: NMFSelectK(), NMFSetSelectKResamples(), NMFSetSelectKThreshold()
@*/
PetscErrorCode NMFSetSelectKRange(NMF nmf, PetscInt kmin, PetscInt kmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(CheckNotRunning(nmf));
  PetscCheck(kmin >= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k range %" PetscInt_FMT ":%" PetscInt_FMT ": KMIN must be at least 1", kmin, kmax);
  PetscCheck(kmax >= kmin, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k range %" PetscInt_FMT ":%" PetscInt_FMT " is empty (inverted): expected KMIN:KMAX with KMIN <= KMAX", kmin, kmax);
  PetscCheck(kmax <= 4096, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k range %" PetscInt_FMT ":%" PetscInt_FMT ": KMAX above 4096 components", kmin, kmax);
  nmf->select.kmin = kmin;
  nmf->select.kmax = kmax;
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKRange - Gets the range of NMFSelectK() (0, 0: none set).

   Not Collective

   Level: intermediate
@*/
PetscErrorCode NMFGetSelectKRange(NMF nmf, PetscInt *kmin, PetscInt *kmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (kmin) *kmin = nmf->select.kmin;
  if (kmax) *kmax = nmf->select.kmax;
  PetscFunctionReturn(0);
}

/*@
   NMFSetSelectKResamples - Sets R, the number of resampled copies of X fitted for each k
   (default 10).

   Logically Collective

   Input Parameters:
+  nmf - the NMF object
-  R   - at least 2 (a silhouette needs two members in a group)

   Options Database Key:
.  -nmf_select_k_resamples <10> - R

   Level: intermediate

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFSetSelectKResamples(NMF nmf, PetscInt R)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(CheckNotRunning(nmf));
  PetscCheck(R >= 2 && R <= 100000, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k_resamples = %" PetscInt_FMT ": at least 2 resampled copies per k are needed (a silhouette compares two fits or more)", R);
  nmf->select.R = R;
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKResamples - Gets R (NMFSetSelectKResamples()).

   Not Collective

   Level: intermediate
@*/
PetscErrorCode NMFGetSelectKResamples(NMF nmf, PetscInt *R)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  *R = nmf->select.R;
  PetscFunctionReturn(0);
}

/*@
   NMFSetSelectKThreshold - Sets the minimum silhouette a k must reach to be suggested (default 0.8).

   Logically Collective

   Input Parameters:
+  nmf       - the NMF object
-  threshold - in [-1, 1]

   Options Database Key:
.  -nmf_select_k_threshold <0.8> - the threshold

   Level: intermediate

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFSetSelectKThreshold(NMF nmf, PetscReal threshold)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(CheckNotRunning(nmf));
  PetscCheck(threshold >= -1 && threshold <= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k_threshold = %g: a silhouette lies in [-1, 1]", (double)threshold);
  nmf->select.threshold = threshold;
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKThreshold - Gets the threshold (NMFSetSelectKThreshold()).

   Not Collective

   Level: intermediate
@*/
PetscErrorCode NMFGetSelectKThreshold(NMF nmf, PetscReal *threshold)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  *threshold = nmf->select.threshold;
  PetscFunctionReturn(0);
}

/*@
   NMFSetSelectKMinImprovement - Sets how much the relative error of the fit of X must fall from
   the previous k of the range for a k to be suggested: rel_error(k) < (1 - fraction)
   rel_error(k - 1) (default 0: it must fall).

   Logically Collective

   Input Parameters:
+  nmf      - the NMF object
-  fraction - in [0, 1)

   Options Database Key:
.  -nmf_select_k_min_improvement <0> - the fraction

   Level: advanced

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFSetSelectKMinImprovement(NMF nmf, PetscReal fraction)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(CheckNotRunning(nmf));
  PetscCheck(fraction >= 0 && fraction < 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k_min_improvement = %g: expected a fraction in [0, 1)", (double)fraction);
  nmf->select.min_improvement = fraction;
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKMinImprovement - Gets the fraction (NMFSetSelectKMinImprovement()).

   Not Collective

   Level: advanced
@*/
PetscErrorCode NMFGetSelectKMinImprovement(NMF nmf, PetscReal *fraction)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  *fraction = nmf->select.min_improvement;
  PetscFunctionReturn(0);
}

/*@
   NMFSetSelectKResampling - Sets how the copies of X are drawn.

   Logically Collective

   Input Parameters:
+  nmf   - the NMF object
.  type  - NMF_RESAMPLE_POISSON (default: each count drawn again from Poisson(X)) or
           NMF_RESAMPLE_UNIFORM (NMFk's bootstrap by noise: X (1 + noise u), u uniform in [-1, 1))
-  noise - the noise of NMF_RESAMPLE_UNIFORM, in (0, 1) (default 0.03)

   Options Database Keys:
+  -nmf_select_k_resampling <poisson,uniform> - the type
-  -nmf_select_k_noise <0.03> - the noise

   Level: intermediate

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFSetSelectKResampling(NMF nmf, NMFResampleType type, PetscReal noise)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(CheckNotRunning(nmf));
  PetscCheck(type == NMF_RESAMPLE_POISSON || type == NMF_RESAMPLE_UNIFORM, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k_resampling: expected poisson or uniform");
  PetscCheck(noise > 0 && noise < 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k_noise = %g: expected a value in (0, 1)", (double)noise);
  nmf->select.resampling = type;
  nmf->select.noise      = noise;
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKResampling - Gets the resampling (NMFSetSelectKResampling()).

   Not Collective

   Level: intermediate
@*/
PetscErrorCode NMFGetSelectKResampling(NMF nmf, NMFResampleType *type, PetscReal *noise)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (type) *type = nmf->select.resampling;
  if (noise) *noise = nmf->select.noise;
  PetscFunctionReturn(0);
}

/* the -nmf_select_k options, inside NMFSetFromOptions */
PetscErrorCode NMFSelectKSetFromOptions_Private(NMF nmf, PetscOptionItems *PetscOptionsObject)
{
  char        range[256] = "";
  PetscBool   flg;
  PetscInt    R = nmf->select.R;
  PetscReal   t = nmf->select.threshold, noise = nmf->select.noise, imp = nmf->select.min_improvement;
  PetscEnum   type = (PetscEnum)nmf->select.resampling;
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)nmf, &prefix));
  PetscCall(PetscOptionsString("-nmf_select_k", "choose n_components by stability (NMFk) over KMIN:KMAX, then fit the suggested k", "NMFSetSelectKRange", range, range, sizeof range, &flg));
  if (flg) {
    char     *end;
    long long kmin = strtoll(range, &end, 10), kmax = -1;
    bool      ok = end != range && *end == ':';
    if (ok) {
      const char *s = end + 1;
      kmax          = strtoll(s, &end, 10);
      ok            = end != s && !*end;
    }
    PetscCheck(ok, nmf->comm, PETSC_ERR_ARG_WRONG, "-%snmf_select_k '%s': expected KMIN:KMAX, two integers with 1 <= KMIN <= KMAX (e.g. 2:8)", prefix ? prefix : "", range);
    PetscCheck(kmin >= 1 && kmin <= kmax, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%snmf_select_k '%s': %s: expected KMIN:KMAX with 1 <= KMIN <= KMAX", prefix ? prefix : "", range, kmin < 1 ? "KMIN must be at least 1" : "the range is empty (inverted)");
    PetscCall(NMFSetSelectKRange(nmf, (PetscInt)kmin, (PetscInt)PetscMin(kmax, (long long)PETSC_MAX_INT)));
  }
  PetscCall(PetscOptionsInt("-nmf_select_k_resamples", "resampled copies of X fitted for each k (at least 2)", "NMFSetSelectKResamples", R, &R, &flg));
  if (flg) PetscCall(NMFSetSelectKResamples(nmf, R));
  PetscCall(PetscOptionsReal("-nmf_select_k_threshold", "the minimum silhouette a suggested k reaches", "NMFSetSelectKThreshold", t, &t, &flg));
  if (flg) PetscCall(NMFSetSelectKThreshold(nmf, t));
  PetscCall(PetscOptionsReal("-nmf_select_k_min_improvement", "the fraction by which the relative error must fall from the previous k", "NMFSetSelectKMinImprovement", imp, &imp, &flg));
  if (flg) PetscCall(NMFSetSelectKMinImprovement(nmf, imp));
  PetscBool flg2;
  PetscCall(PetscOptionsEnum("-nmf_select_k_resampling", "how the copies are drawn: poisson (the counts drawn again) or uniform (X (1 + noise u))", "NMFSetSelectKResampling", NMFResampleTypes, type, &type, &flg));
  PetscCall(PetscOptionsReal("-nmf_select_k_noise", "the noise of the uniform resampling, in (0, 1)", "NMFSetSelectKResampling", noise, &noise, &flg2));
  if (flg || flg2) PetscCall(NMFSetSelectKResampling(nmf, (NMFResampleType)type, noise));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ the fits */

/* a fit of the selection: the object's type and parameters at k, its masks, G, stopping rule and
   monitors (an application's, the checkpoints': they see each fit, with the fit as argument);
   no progress line, no scree; the data given by the caller */
static PetscErrorCode CreateFit(NMF nmf, PetscInt k, NMFDataType type, void *array, PetscBool owned, NMF *fit)
{
  NMF         s;
  const char *prefix;
  std::string fprefix;

  PetscFunctionBegin;
  PetscCall(NMFCreate(nmf->comm, &s));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)nmf, &prefix));
  fprefix = std::string(prefix ? prefix : "") + "select_k_"; /* -select_k_nmf_view views every fit */
  PetscCall(NMFSetOptionsPrefix(s, fprefix.c_str()));
  PetscCall(NMFSetType(s, ((PetscObject)nmf)->type_name));
  NMFParamCopy_Private(nmf, s);
  s->k               = k;
  s->scree_n         = 0;
  s->verbose         = 0;
  s->monitor_default = 0;
  s->G               = nmf->G;
  s->m               = nmf->m;
  s->select_parent   = nmf;
  PetscCall(NMFSetDataShared_Private(s, nmf->daX, type, array, owned));
  if (nmf->nav_mask) {
    PetscCall(PetscObjectReference((PetscObject)nmf->nav_mask));
    s->nav_mask = nmf->nav_mask;
  }
  s->signal_mask   = nmf->signal_mask;
  s->converged     = nmf->converged;
  s->converged_ctx = nmf->converged_ctx;
  for (PetscInt i = 0; i < nmf->nmonitors; i++) PetscCall(NMFMonitorSet(s, nmf->monitor[i], nmf->monitor_ctx[i], NULL));
  *fit = s;
  PetscFunctionReturn(0);
}

/* the relative error ||X - G W H||_F / ||X||_F of a solved fit over its data entries (X as
   prepared, so G W f with f its normalization) and its unit spectra (the columns of G W over the
   unmasked channels, component-major) */
static PetscErrorCode FitMeasures(NMF s, double *rel_error, std::vector<double> &spectra)
{
  const PetscInt     n = s->n, k = s->k;
  const double       f = s->norm_factor;
  const PetscScalar *h;
  double             sums[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(s->H, &h));
  PetscCall(NMFForPixelBlocks_Private(s, [&](PetscInt q0, PetscInt nb, const double *x) {
    for (PetscInt q = 0; q < nb; q++) {
      if (NMFPixelMasked_Private(s, q0 + q)) continue;
      const double      *xq = x + (size_t)q * n;
      const PetscScalar *hq = h + (size_t)(q0 + q) * k;
      for (PetscInt i = 0; i < n; i++) {
        if (NMFChannelMasked_Private(s, i)) continue;
        double y = 0;
        for (PetscInt c = 0; c < k; c++) y += s->GW[i * k + c] * hq[c];
        const double r = xq[i] - f * y; /* X - G W H, in the units of X as prepared */
        sums[0] += r * r;
        sums[1] += xq[i] * xq[i];
      }
    }
    return PetscErrorCode(0);
  }));
  PetscCall(VecRestoreArrayRead(s->H, &h));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, s->comm));
  *rel_error = std::sqrt(sums[0] / sums[1]);
  spectra.assign((size_t)k * n, 0.0);
  for (PetscInt c = 0; c < k; c++) {
    double  norm = 0;
    double *sc   = spectra.data() + (size_t)c * n;
    for (PetscInt i = 0; i < n; i++) {
      const double v = NMFChannelMasked_Private(s, i) || !std::isfinite(s->GW[i * k + c]) ? 0.0 : s->GW[i * k + c];
      sc[i]          = v;
      norm += v * v;
    }
    norm = norm > 0 ? 1 / std::sqrt(norm) : 0;
    for (PetscInt i = 0; i < n; i++) sc[i] *= norm;
  }
  PetscFunctionReturn(0);
}

/* one fit: r = 0 the fit of X (in place, or a double copy when its preparation would change X:
   float64 with normalize), r >= 1 the resampled copy r; *stopped when a monitor interrupted it */
static PetscErrorCode RunFit(NMF nmf, NMFSelectKFits &fk, PetscInt r, PetscBool *stopped)
try {
  const PetscInt k = fk.k;
  NMF            s;
  double         t0 = MPI_Wtime(), rel = 0;

  PetscFunctionBegin;
  *stopped = PETSC_FALSE;
  if (r == 0) {
    if (nmf->xtype == NMF_DATA_FLOAT64 && nmf->normalize) {
      double *copy;
      PetscCall(PetscMalloc1(NMFLocalSizeX_Private(nmf) + 1, &copy));
      PetscCall(PetscArraycpy(copy, (const double *)nmf->Xc, NMFLocalSizeX_Private(nmf)));
      PetscCall(CreateFit(nmf, k, NMF_DATA_FLOAT64, copy, PETSC_TRUE, &s));
    } else
      PetscCall(CreateFit(nmf, k, nmf->xtype, nmf->Xc, PETSC_FALSE, &s)); /* the preparation leaves X as it is (zero pixels and channels to log_shift at most) */
  } else {
    void       *copy;
    NMFDataType ctype;
    PetscCall(NMFResampleData_Private(nmf, nmf->select.resampling, nmf->select.noise, nmf->random_state, ResampleStream(k, r), &ctype, &copy));
    PetscCall(CreateFit(nmf, k, ctype, copy, PETSC_TRUE, &s));
    if (nmf->select.random_starts) { /* NMFk: each copy from its own random start, keyed by (random_state, k, r) */
      s->init         = NMF_INIT_RANDOM;
      s->random_state = (PetscInt64)(NMFHashMix_Private((uint64_t)nmf->random_state ^ NMFHashMix_Private((uint64_t)ResampleStream(k, r))) & 0x7fffffff);
    }
  }
  PetscErrorCode ierr = NMFSolve(s);
  if (ierr) PetscCall(NMFDestroy(&s));
  PetscCall(ierr);
  if (s->reason == NMF_INTERRUPTED) {
    *stopped = PETSC_TRUE;
    PetscCall(NMFDestroy(&s));
    PetscFunctionReturn(0);
  }
  std::vector<double> spectra;
  PetscCall(FitMeasures(s, &rel, spectra));
  if (r == 0) {
    fk.loss      = s->reconstruction_err;
    fk.rel_error = rel;
  }
  fk.spectra.insert(fk.spectra.end(), spectra.begin(), spectra.end());
  fk.n_iter.push_back((double)s->n_iter);
  fk.done = r + 1;
  if (nmf->verbose > 0) {
    if (r == 0)
      PetscCall(PetscPrintf(nmf->comm, "select_k: k %" PetscInt_FMT ", fit of X: %" PetscInt_FMT " iterations (%s), loss %.6g, relative error %.6g, %.2f s\n", k, s->n_iter, NMFConvergedReasonName(s->reason), fk.loss, fk.rel_error, MPI_Wtime() - t0));
    else
      PetscCall(PetscPrintf(nmf->comm, "select_k: k %" PetscInt_FMT ", resample %" PetscInt_FMT "/%" PetscInt_FMT ": %" PetscInt_FMT " iterations (%s), %.2f s\n", k, r, nmf->select.R, s->n_iter, NMFConvergedReasonName(s->reason), MPI_Wtime() - t0));
  }
  PetscCall(NMFDestroy(&s));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* the table from the fits, and the suggestion: the largest k whose minimum silhouette reaches
   the threshold and whose relative error falls from the previous k's; none: the k of the best
   minimum silhouette */
static PetscErrorCode FinishTable(NMF nmf)
try {
  NMFSelectKState &S = nmf->select;
  const PetscInt   n = nmf->n, R = S.R;

  PetscFunctionBegin;
  S.k.clear(), S.silhouette_min.clear(), S.silhouette_mean.clear(), S.rel_error.clear(), S.loss.clear();
  for (const NMFSelectKFits &fk : S.fits) {
    const PetscInt        k     = fk.k;
    const double         *x_fit = fk.spectra.data(), *runs = x_fit + (size_t)k * n; /* the fit of X, then the R copies */
    std::vector<PetscInt> label;
    double                smin, smean;
    PetscCall(NMFMatchedClusters_Private(R, k, n, runs, x_fit, label));
    PetscCall(NMFSilhouettes_Private(R, k, n, runs, label, &smin, &smean));
    S.k.push_back(k);
    S.silhouette_min.push_back(smin);
    S.silhouette_mean.push_back(smean);
    S.rel_error.push_back(fk.rel_error);
    S.loss.push_back(fk.loss);
  }
  PetscInt suggested = 0, best = 0;
  for (size_t j = 0; j < S.k.size(); j++) {
    const bool stable   = S.silhouette_min[j] >= S.threshold;
    const bool improves = j == 0 || S.rel_error[j] < (1 - S.min_improvement) * S.rel_error[j - 1];
    if (stable && improves) suggested = S.k[j];
    if (S.silhouette_min[j] > S.silhouette_min[best]) best = (PetscInt)j;
  }
  if (!suggested) {
    suggested = S.k[best];
    PetscCall(PetscInfo(nmf, "no k reached the silhouette threshold %g: suggesting the most stable, %" PetscInt_FMT "\n", (double)S.threshold, suggested));
  }
  S.suggested = suggested;
  S.complete  = PETSC_TRUE;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSelectK - Chooses n_components by stability, the NMFk method, with the object's type and
   parameters: for each k of the range (NMFSetSelectKRange()), the fit of X and R fits of
   resampled copies of X (NMFSetSelectKResamples(), NMFSetSelectKResampling()); the R k spectra
   G W are matched into k groups, each fit giving one spectrum to each group; the table holds, per
   k, the minimum over the groups and the mean of the silhouettes (cosine distance), the relative
   error ||X - G W H||_F / ||X||_F and the loss of the fit of X.  The suggestion is the largest k
   whose minimum silhouette reaches the threshold (NMFSetSelectKThreshold()) and whose relative
   error falls from the previous k's; n_components is set to it, so that NMFSolve() then fits it
   as a normal run.

   Collective

   Input Parameter:
.  nmf - the NMF object, with its data, not yet solved

   Notes:
   The draws of the copies are keyed by (random_state, k, copy, global index of the value): the
   table is the same at any number of ranks.  A random_state not given is drawn here, once, and
   kept for the fit that follows.  The fits read the object's X in place (a resampled copy is a
   float32 copy made for its fit); with float64 data and normalize, the fit of X works on a copy,
   as its preparation scales X.  Monitors and the convergence test set on the object apply to
   every fit (the fit is their argument); an NMFInterrupt() from one stops the selection, with the
   reason NMF_INTERRUPTED (NMFGetConvergedReason()).  Custom initial values, held entries, a ground
   truth and one mu per component are tied to one k: they are refused.

   Level: intermediate

.seealso: NMFGetSelectKTable(), NMFGetSelectKSuggestion(), NMFSelectKView(), doc/select_k.md
@*/
PetscErrorCode NMFSelectK(NMF nmf)
try {
  NMFSelectKState &S  = nmf->select;
  double           t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(S.kmin >= 1, nmf->comm, PETSC_ERR_ORDER, "no range to select k from: call NMFSetSelectKRange (-nmf_select_k KMIN:KMAX) first");
  PetscCheck(nmf->Xc, nmf->comm, PETSC_ERR_ORDER, "no data: call NMFSetData before NMFSelectK");
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSelectK comes before NMFSetUp/NMFSolve (call NMFReset first)");
  PetscCheck(S.kmax <= nmf->n && S.kmax <= nmf->p, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "select_k range %" PetscInt_FMT ":%" PetscInt_FMT ": KMAX is larger than the %s (%" PetscInt_FMT "): give KMAX <= min(channels, pixels) = %" PetscInt_FMT, S.kmin, S.kmax, S.kmax > nmf->n ? "channels" : "pixels", S.kmax > nmf->n ? nmf->n : nmf->p, PetscMin(nmf->n, nmf->p));
  PetscCheck(nmf->init != NMF_INIT_CUSTOM && nmf->W_init.empty() && !nmf->H_init, nmf->comm, PETSC_ERR_ARG_INCOMP, "select_k fits every k of its range: custom initial W or H (of one k) cannot be given");
  PetscCheck(nmf->fixed_W.empty() && !nmf->fixed_H && !nmf->hold_W && !nmf->transform_n, nmf->comm, PETSC_ERR_ARG_INCOMP, "select_k fits every k of its range: held entries of W or H, or a transform (of one k), cannot be given");
  PetscCheck(!nmf->true_H, nmf->comm, PETSC_ERR_ARG_INCOMP, "select_k fits every k of its range: a ground truth (of one k) cannot be given");
  PetscCheck(nmf->mu.size() <= 1, nmf->comm, PETSC_ERR_ARG_INCOMP, "select_k fits every k of its range: give one value of mu, not one per component");
  PetscCheck(!S.complete, nmf->comm, PETSC_ERR_ORDER, "NMFSelectK has run on this object already");
  if (nmf->fingerprint_wanted) { /* checkpoints or a restart: the fingerprint of X as given */
    NMFFingerprintSums fp;
    PetscCall(NMFSetUpMasks_Private(nmf));
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) { return NMFFingerprintBlock_Private(nmf, q0, nb, x, &fp); }));
    PetscCall(NMFFingerprintFinish_Private(nmf, &fp));
  }
  if (!nmf->restart_file.empty()) PetscCall(NMFSelectKRestore_Private(nmf)); /* the fits done before a stop, or the table */
  if (!nmf->random_state_set) {                                              /* espm's None: drawn once, for every fit and the fit that follows */
    PetscCall(NMFDrawRandomState_Private(nmf));
    nmf->random_state_set = PETSC_TRUE;
  }
  if (!S.complete) {
    if (S.fits.empty())
      for (PetscInt k = S.kmin; k <= S.kmax; k++) {
        S.fits.emplace_back();
        S.fits.back().k = k;
      }
    for (NMFSelectKFits &fk : S.fits)
      for (PetscInt r = fk.done; r <= S.R; r++) {
        PetscBool stopped = PETSC_FALSE;
        PetscCall(RunFit(nmf, fk, r, &stopped));
        if (stopped) {
          nmf->reason = NMF_INTERRUPTED;
          S.seconds += MPI_Wtime() - t0;
          PetscFunctionReturn(0);
        }
      }
    PetscCall(FinishTable(nmf));
  }
  S.seconds += MPI_Wtime() - t0;
  nmf->k      = S.suggested;
  nmf->reason = NMF_CONVERGED_ITERATING;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@C
   NMFGetSelectKTable - Gets the table of NMFSelectK(): one row per k of the range.

   Not Collective

   Output Parameters (each may be NULL; the arrays belong to the object):
+  nk              - the number of rows
.  k               - the k of each row
.  silhouette_min  - the minimum over the k groups of their mean silhouette
.  silhouette_mean - the mean silhouette of the R k spectra
.  rel_error       - ||X - G W H||_F / ||X||_F of the fit of X (over its data entries)
-  loss            - the loss of the fit of X (NMFGetReconstructionError() of that fit)

   Level: intermediate

.seealso: NMFSelectK(), NMFGetSelectKSuggestion()
@*/
PetscErrorCode NMFGetSelectKTable(NMF nmf, PetscInt *nk, const PetscInt **k, const PetscReal **silhouette_min, const PetscReal **silhouette_mean, const PetscReal **rel_error, const PetscReal **loss)
{
  const NMFSelectKState &S = nmf->select;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(S.complete, nmf->comm, PETSC_ERR_ORDER, "no table: NMFSelectK has not completed");
  if (nk) *nk = (PetscInt)S.k.size();
  if (k) *k = S.k.data();
  if (silhouette_min) *silhouette_min = S.silhouette_min.data();
  if (silhouette_mean) *silhouette_mean = S.silhouette_mean.data();
  if (rel_error) *rel_error = S.rel_error.data();
  if (loss) *loss = S.loss.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetSelectKSuggestion - Gets the k NMFSelectK() suggests (the object's n_components after it).

   Not Collective

   Level: intermediate

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFGetSelectKSuggestion(NMF nmf, PetscInt *k)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(nmf->select.complete, nmf->comm, PETSC_ERR_ORDER, "no suggestion: NMFSelectK has not completed");
  *k = nmf->select.suggested;
  PetscFunctionReturn(0);
}

/*@C
   NMFSelectKView - Prints the table of NMFSelectK() and its suggestion.

   Collective

   Input Parameters:
+  nmf    - the NMF object
-  viewer - an ASCII viewer (NULL: standard output)

   Level: intermediate

.seealso: NMFSelectK()
@*/
PetscErrorCode NMFSelectKView(NMF nmf, PetscViewer viewer)
{
  const NMFSelectKState &S = nmf->select;
  PetscBool              isascii;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(nmf->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii || !S.complete) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "select_k: %" PetscInt_FMT " resampled copies (%s) per k, silhouette threshold %g\n", S.R, NMFResampleTypes[S.resampling], (double)S.threshold));
  PetscCall(PetscViewerASCIIPrintf(viewer, "     k  silhouette_min  silhouette_mean   rel_error         loss\n"));
  for (size_t j = 0; j < S.k.size(); j++)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  %4d  %14.4f  %15.4f  %10.6f  %11.6g%s\n", (int)S.k[j], S.silhouette_min[j], S.silhouette_mean[j], S.rel_error[j], S.loss[j], S.k[j] == S.suggested ? "  <- suggested" : ""));
  PetscCall(PetscViewerASCIIPrintf(viewer, "select_k: suggested n_components = %" PetscInt_FMT "\n", S.suggested));
  PetscFunctionReturn(0);
}
