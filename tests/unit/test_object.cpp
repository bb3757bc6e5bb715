/* The NMF object as a PETSc object: its header (name, communicator, references), the type
   registry with a fourth type registered from outside the library, NMFReset, the convergence
   test, the viewer of -nmf_view and the debug checks.  Registered at 1 and 3 ranks. */
#include "unit_helpers.h"
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

static double KeyX(PetscInt q, PetscInt i) { return 1 + 0.6 * std::sin(0.37 * i + 1.1 * q + 0.2) + 0.3 * std::cos(0.5 * q + 0.9 * i); }

static NMF Problem()
{
  NMF nmf = MakeKeyedNMF(PETSC_COMM_WORLD, 12, 6, 7, 3, KeyX);
  PCALL(NMFSetRandomState(nmf, 3));
  PCALL(NMFSetMaxIter(nmf, 20));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSetVerbose(nmf, 0));
  return nmf;
}

/* ---- a fourth type, written here as an application would: Lee and Seung's multiplicative KL
   updates without regularization or simplex,
     H <- H .* (D^T (X / (D H))) ./ (D^T 1),   W <- W .* (G^T (X / (G W H)) H^T) ./ (G^T 1 rowsum(H)^T),
   which is what log_surrogate computes with lambda_L = 0, mu = 0 and force_simplex false */
static int lee_seung_setups = 0;

static PetscErrorCode NMFSetUp_LeeSeung(NMF nmf)
{
  PetscFunctionBegin;
  lee_seung_setups++;
  PetscCheck(nmf->lambda_L == 0 && !nmf->force_simplex, nmf->comm, PETSC_ERR_ARG_INCOMP, "lee_seung has no Laplacian and no simplex: set lambda_L 0 and force_simplex false");
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFHStep_LeeSeung(NMF nmf, const PetscReal D[])
{
  const PetscInt      k = nmf->k, n = nmf->n;
  const PetscScalar  *H;
  PetscScalar        *Hn;
  std::vector<double> colsum(k, 0.0);

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) colsum[c] += D[i * k + c];
  PetscCall(VecGetArrayRead(nmf->H, &H));
  PetscCall(VecGetArray(nmf->H_new, &Hn));
  for (PetscInt e = 0; e < nmf->p_local * k; e++) Hn[e] = PetscMax(H[e] * nmf->num[e] / colsum[e % k], nmf->log_shift);
  PetscCall(VecRestoreArray(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFCreate_LeeSeung(NMF nmf)
{
  PetscFunctionBegin;
  nmf->ops->setup = NMFSetUp_LeeSeung;
  nmf->ops->hstep = NMFHStep_LeeSeung;
  nmf->ops->wstep = NMFSurrogateWStep_Private; /* the multiplicative KL W step */
  PetscFunctionReturn(0);
}

/* a type whose H step breaks H >= log_shift, for the debug checks */
static PetscErrorCode NMFHStep_Broken(NMF nmf, const PetscReal D[])
{
  PetscFunctionBegin;
  PetscCall(NMFHStep_LeeSeung(nmf, D));
  if (nmf->n_iter == 2) {
    PetscInt q0;
    PetscCall(NMFGlobalPixelIndex_Private(nmf, 0, &q0));
    if (q0 <= 5 && 5 < q0 + nmf->p_local) { /* pixel 5, component 1, on its owner */
      PetscScalar *Hn;
      PetscCall(VecGetArray(nmf->H_new, &Hn));
      Hn[(5 - q0) * nmf->k + 1] = -0.25;
      PetscCall(VecRestoreArray(nmf->H_new, &Hn));
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFCreate_Broken(NMF nmf)
{
  PetscFunctionBegin;
  PetscCall(NMFCreate_LeeSeung(nmf));
  nmf->ops->hstep = NMFHStep_Broken;
  PetscFunctionReturn(0);
}

TEST_CASE("an NMF is a PETSc object: name, communicator, class id, references", "[object]")
{
  NMF          nmf, other;
  const char  *name;
  MPI_Comm     comm;
  PetscClassId id;
  int          cmp;

  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(PetscObjectSetName((PetscObject)nmf, "my_fit"));
  PCALL(PetscObjectGetName((PetscObject)nmf, &name));
  CHECK(std::string(name) == "my_fit");
  PCALL(PetscObjectGetComm((PetscObject)nmf, &comm));
  MPI_Comm_compare(comm, PETSC_COMM_WORLD, &cmp);
  CHECK((cmp == MPI_IDENT || cmp == MPI_CONGRUENT));
  PCALL(PetscObjectGetClassId((PetscObject)nmf, &id));
  CHECK(id == NMF_CLASSID);
  NMFType type;
  PCALL(NMFGetType(nmf, &type));
  CHECK(std::string(type) == NMFLOGSURROGATE);
  /* a second reference keeps the object alive through one NMFDestroy */
  PCALL(PetscObjectReference((PetscObject)nmf));
  other = nmf;
  PCALL(NMFDestroy(&other));
  CHECK(other == nullptr);
  PetscInt k;
  PCALL(NMFGetNComponents(nmf, &k)); /* still valid */
  CHECK(k == 2);
  PCALL(NMFDestroy(&nmf));
  CHECK(nmf == nullptr);
}

TEST_CASE("a fourth type registered from outside the library solves as log_surrogate does", "[object]")
{
  PCALL(NMFRegister("lee_seung", NMFCreate_LeeSeung));
  const double zero = 0;
  NMF          ref = Problem(), mine = Problem();
  for (NMF nmf : {ref, mine}) {
    PCALL(NMFSetLambdaL(nmf, 0));
    PCALL(NMFSetMu(nmf, 1, &zero));
    PCALL(NMFSetForceSimplex(nmf, PETSC_FALSE));
  }
  PCALL(NMFSetType(ref, NMFLOGSURROGATE));
  /* the new type is chosen by the option users know */
  PCALL(PetscOptionsSetValue(NULL, "-ls_nmf_algo", "lee_seung"));
  PCALL(NMFSetOptionsPrefix(mine, "ls_"));
  PCALL(NMFSetFromOptions(mine));
  NMFType type;
  PCALL(NMFGetType(mine, &type));
  CHECK(std::string(type) == "lee_seung");
  lee_seung_setups = 0;
  PCALL(NMFSolve(ref));
  PCALL(NMFSolve(mine));
  CHECK(lee_seung_setups == 1); /* its own set-up ran, once */
  FitResult a = GetFitResult(ref), b = GetFitResult(mine);
  CHECK(a.n_iter == 20);
  CHECK(b.n_iter == a.n_iter);
  CHECK(MaxRelDiff(b.W, a.W) < 1e-12);
  CHECK(MaxRelDiff(b.H, a.H) < 1e-12);
  CHECK(MaxRelDiff(b.losses, a.losses) < 1e-12);
  /* the loss of plain Lee-Seung decreases at every iteration (columns are iterations) */
  for (PetscInt it = 1; it < b.n_iter; it++) CHECK(b.losses[it] <= b.losses[it - 1] * (1 + 1e-12));
  PCALL(NMFDestroy(&ref));
  PCALL(NMFDestroy(&mine));
  PCALL(PetscOptionsClearValue(NULL, "-ls_nmf_algo"));
}

TEST_CASE("a type's own checks run at the set-up, before any iteration", "[object]")
{
  NMF nmf = Problem();
  PCALL(NMFRegister("lee_seung", NMFCreate_LeeSeung));
  PCALL(NMFSetType(nmf, "lee_seung"));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = NMFSetUp(nmf); /* lambda_L 1: refused, on every rank */
  PetscPopErrorHandler();
  CHECK(ierr == PETSC_ERR_ARG_INCOMP);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("an unknown type is refused with a line naming it", "[object]")
{
  NMF nmf;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = NMFSetType(nmf, "no_such_algo");
  PetscPopErrorHandler();
  CHECK(ierr == PETSC_ERR_ARG_UNKNOWN_TYPE);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("NMFReset: the same object solves again to the same result, and with another type", "[object]")
{
  NMF nmf = Problem();
  PCALL(NMFSolve(nmf));
  FitResult first = GetFitResult(nmf);
  PCALL(NMFReset(nmf));
  PCALL(NMFSolve(nmf));
  FitResult again = GetFitResult(nmf);
  CHECK(again.n_iter == first.n_iter);
  CHECK(MaxRelDiff(again.W, first.W) == 0);
  CHECK(MaxRelDiff(again.H, first.H) == 0);
  CHECK(MaxRelDiff(again.losses, first.losses) == 0);
  /* another type after a reset: the result of a fresh object of that type */
  PCALL(NMFReset(nmf));
  PCALL(NMFSetType(nmf, NMFPROJECTEDGRADIENT));
  PCALL(NMFSolve(nmf));
  FitResult pg    = GetFitResult(nmf);
  NMF       fresh = Problem();
  PCALL(NMFSetType(fresh, NMFPROJECTEDGRADIENT));
  PCALL(NMFSolve(fresh));
  FitResult pg_fresh = GetFitResult(fresh);
  CHECK(MaxRelDiff(pg.W, pg_fresh.W) == 0);
  CHECK(MaxRelDiff(pg.H, pg_fresh.H) == 0);
  CHECK(MaxRelDiff(pg.W, first.W) > 1e-6); /* it did change the algorithm */
  PCALL(NMFDestroy(&fresh));
  PCALL(NMFDestroy(&nmf));
}

/* stops after iteration 5 with its own reason, and sees what NMFConvergedDefault sees */
struct StopAt {
  PetscInt calls     = 0;
  double   last_loss = 0;
};
static PetscErrorCode StopAtFive(NMF nmf, PetscInt it, PetscReal loss, PetscReal rel_W, PetscReal rel_H, NMFConvergedReason *reason, void *ctx)
{
  StopAt *s = (StopAt *)ctx;
  PetscFunctionBegin;
  s->calls++;
  s->last_loss = loss;
  PetscCall(NMFConvergedDefault(nmf, it, loss, rel_W, rel_H, reason, NULL));
  if (it == 5) *reason = NMF_CONVERGED_REL_CHANGE_LOSS;
  PetscFunctionReturn(0);
}

TEST_CASE("NMFSetConvergenceTest replaces the stopping rules", "[object]")
{
  NMF    nmf = Problem();
  StopAt s;
  PCALL(NMFSetConvergenceTest(nmf, StopAtFive, &s, NULL));
  PCALL(NMFSolve(nmf));
  FitResult r = GetFitResult(nmf);
  CHECK(r.n_iter == 5);
  CHECK(r.reason == NMF_CONVERGED_REL_CHANGE_LOSS);
  CHECK(s.calls == 5);
  CHECK(s.last_loss == r.losses[4]); /* full_loss of the last iteration */
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("-nmf_view ascii:FILE writes the view to FILE", "[object]")
{
  long long pid = (long long)getpid();
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, PETSC_COMM_WORLD);
  const std::string file = "/tmp/smoothnmf_unit_view_" + std::to_string(pid) + ".txt";
  NMF               nmf  = Problem();
  PCALL(PetscOptionsSetValue(NULL, "-vw_nmf_view", ("ascii:" + file).c_str()));
  PCALL(NMFSetOptionsPrefix(nmf, "vw_"));
  PCALL(NMFSetFromOptions(nmf));
  PCALL(NMFSolve(nmf));
  PCALL(PetscOptionsClearValue(NULL, "-vw_nmf_view"));
  MPI_Barrier(PETSC_COMM_WORLD);
  std::ifstream     in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string v = text.str();
  CHECK(v.find("type: log_surrogate") != std::string::npos);
  CHECK(v.find("n_components 3") != std::string::npos);
  CHECK(v.find("stopped after 20 iterations: max_iter") != std::string::npos);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (CommRank(PETSC_COMM_WORLD) == 0) std::remove(file.c_str());
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("debug checks the iterates after every step and says where one failed", "[object]")
{
  PCALL(NMFRegister("broken", NMFCreate_Broken));
  NMF nmf = Problem();
  PCALL(NMFSetLambdaL(nmf, 0));
  PCALL(NMFSetForceSimplex(nmf, PETSC_FALSE));
  PCALL(NMFSetType(nmf, "broken"));
  PCALL(NMFSetDebug(nmf, PETSC_TRUE));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = NMFSolve(nmf);
  PetscPopErrorHandler();
  CHECK(ierr == PETSC_ERR_FP);
  PetscInt it;
  PCALL(NMFGetIterationNumber(nmf, &it));
  CHECK(it == 2); /* found right after the broken step, not later */
  PCALL(NMFDestroy(&nmf));
  /* the same type without debug runs through (the floor of the next step hides the damage) */
  nmf = Problem();
  PCALL(NMFSetLambdaL(nmf, 0));
  PCALL(NMFSetForceSimplex(nmf, PETSC_FALSE));
  PCALL(NMFSetType(nmf, "broken"));
  PCALL(NMFSolve(nmf));
  PCALL(NMFDestroy(&nmf));
  /* and debug on a correct run changes nothing */
  NMF a = Problem(), b = Problem();
  PCALL(NMFSetDebug(b, PETSC_TRUE));
  PCALL(NMFSolve(a));
  PCALL(NMFSolve(b));
  FitResult fa = GetFitResult(a), fb = GetFitResult(b);
  CHECK(MaxRelDiff(fa.H, fb.H) == 0);
  PCALL(NMFDestroy(&a));
  PCALL(NMFDestroy(&b));
}
