/* What a checkpoint and its restart share: the parameters a restart must keep, the names of the
   losses columns, and the hash that tells a checkpoint's state is whole (checkpoint_write.cpp
   writes them, checkpoint_read.cpp compares them). */
#include <smoothnmf/private/ioimpl.h>
#include <cstdio>
#include <cstdlib>

static NMFCheckpointParam Param(const char *name, std::vector<double> values, std::string text = "")
{
  if (text.empty())
    for (size_t i = 0; i < values.size(); i++) text += (i ? "," : "") + NMFNumberText_Private(values[i]);
  return NMFCheckpointParam{name, text, values};
}

static NMFCheckpointParam Flag(const char *name, PetscBool v)
{
  return Param(name, {v ? 1.0 : 0.0}, v ? "true" : "false");
}

/* a hash of a replicated array as two exact doubles (its high and low 32 bits), or none */
static NMFCheckpointParam Hashed(const char *name, const std::vector<double> &a, const char *what)
{
  if (a.empty()) return Param(name, {}, "none");
  uint64_t h = 0;
  for (size_t i = 0; i < a.size(); i++) h += NMFHashValue_Private(i, a[i]);
  char text[128];
  snprintf(text, sizeof text, "%s with checksum %016llx", what, (unsigned long long)h);
  return Param(name, {(double)(h >> 32), (double)(h & 0xffffffffULL), (double)a.size()}, text);
}

/* the same for a vector of the abundance DM (keyed by global pixel and component).  Collective. */
static PetscErrorCode HashedAbundance(NMF nmf, const char *name, Vec v, const char *what, NMFCheckpointParam *param)
{
  uint64_t h = 0;

  PetscFunctionBegin;
  if (!v) {
    *param = Param(name, {}, "none");
    PetscFunctionReturn(0);
  }
  const PetscScalar *a;
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    PetscInt qg;
    PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
    for (PetscInt c = 0; c < nmf->k; c++) h += NMFHashValue_Private((uint64_t)qg * nmf->k + c, a[q * nmf->k + c]);
  }
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, nmf->comm));
  char text[128];
  snprintf(text, sizeof text, "%s with checksum %016llx", what, (unsigned long long)h);
  *param = Param(name, {(double)(h >> 32), (double)(h & 0xffffffffULL)}, text);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFCheckpointParams_Private(NMF nmf, std::vector<NMFCheckpointParam> &params)
{
  NMFCheckpointParam fixed_H, true_H;

  PetscFunctionBegin;
  params.clear();
  std::vector<double> values;
  std::string         text;
  for (PetscInt i = 0; i < NMFParamCount; i++) /* the parameters a restart must keep, from the table */
    if (NMFParamTable[i].flags & NMF_PARAM_RESTART) {
      NMFParamValues_Private(nmf, &NMFParamTable[i], false, values, text);
      params.push_back(Param(NMFParamTable[i].name, values, text));
    }
  params.push_back(Flag("transform", nmf->hold_W)); /* W held fixed */
  params.push_back(Hashed("G", nmf->G, "a G"));
  params.push_back(Hashed("fixed_W", nmf->fixed_W, "a mask"));
  PetscCall(HashedAbundance(nmf, "fixed_H", nmf->fixed_H, "a mask", &fixed_H));
  params.push_back(fixed_H);
  params.push_back(Hashed("true_D", nmf->true_D, "a ground truth"));
  PetscCall(HashedAbundance(nmf, "true_H", nmf->true_H, "a ground truth", &true_H));
  params.push_back(true_H);
  PetscFunctionReturn(0);
}

std::string NMFCheckpointLossNames_Private(NMF nmf)
{
  std::string s;
  for (size_t j = 0; j < nmf->loss_names.size(); j++) s += (j ? "," : "") + nmf->loss_names[j];
  return s;
}

PetscErrorCode NMFCheckpointStateHash_Private(NMF nmf, uint64_t *hash)
{
  const uint64_t     W_TAG = 1ULL << 60, SCALAR_TAG = 2ULL << 60, LOSS_TAG = 3ULL << 60;
  const PetscScalar *H;
  uint64_t           h = 0;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H, &H));
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    PetscInt qg;
    PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
    for (PetscInt c = 0; c < nmf->k; c++) h += NMFHashValue_Private((uint64_t)qg * nmf->k + c, H[q * nmf->k + c]);
  }
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, nmf->comm));
  for (size_t i = 0; i < nmf->W.size(); i++) h += NMFHashValue_Private(W_TAG + i, nmf->W[i]);
  const double scalars[] = {(double)nmf->n_iter, nmf->eval_before, nmf->eval_init, nmf->gamma_H, nmf->gamma_W};
  for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) h += NMFHashValue_Private(SCALAR_TAG + i, scalars[i]);
  for (size_t j = 0; j < nmf->losses.size(); j++)
    for (size_t i = 0; i < nmf->losses[j].size(); i++) h += NMFHashValue_Private(LOSS_TAG + (j << 32) + i, nmf->losses[j][i]);
  *hash = h;
  PetscFunctionReturn(0);
}
