/* The results of a solve: W, G W, H, the losses table, the stop reason, times, the scree. */
#include <smoothnmf/private/nmfimpl.h>

static PetscErrorCode CheckSolved(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(nmf->solved, PETSC_COMM_SELF, PETSC_ERR_ORDER, "call NMFSolve first");
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (m) *m = nmf->G.empty() ? nmf->n : nmf->m;
  if (k) *k = nmf->k;
  *W = nmf->W.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (n) *n = nmf->n;
  if (k) *k = nmf->k;
  *GW = nmf->GW.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetH(NMF nmf, Vec *H)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *H = nmf->H;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *n_iter   = nmf->n_iter;
  *ncolumns = (PetscInt)nmf->loss_names.size();
  *table    = nmf->losses_table.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  PetscCheck(j >= 0 && j < (PetscInt)nmf->loss_names.size(), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "losses column %" PetscInt_FMT " does not exist (%zu columns)", j, nmf->loss_names.size());
  *name = nmf->loss_names[j].c_str();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter)
{
  PetscFunctionBegin;
  *n_iter = nmf->n_iter;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason)
{
  PetscFunctionBegin;
  *reason = nmf->reason;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL)
{
  PetscFunctionBegin;
  *const_KL = nmf->const_KL;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err)
{
  PetscFunctionBegin;
  *err = nmf->reconstruction_err;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds)
{
  PetscFunctionBegin;
  if (init_seconds) *init_seconds = nmf->init_seconds;
  if (fit_seconds) *fit_seconds = nmf->fit_seconds;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares)
{
  PetscFunctionBegin;
  if (N) *N = (PetscInt)nmf->scree.size();
  if (S) *S = nmf->scree.data();
  if (sum_squares) *sum_squares = nmf->scree_sum_squares;
  PetscFunctionReturn(0);
}


