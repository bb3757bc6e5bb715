/* The data of the worked example: p pixels x n channels, three components mixed with integer
   weights plus a small integer "noise", so that every program computing it gets exactly the
   same doubles (the example builds it as a Mat, write_app_data.c as the HDF5 map /X that the
   program smoothnmf reads).  Some entries are 0: an AIJ matrix of it is really sparse. */
#ifndef SMOOTHNMF_EXAMPLE_APP_DATA_H
#define SMOOTHNMF_EXAMPLE_APP_DATA_H

#include <petscsys.h>

/* X[r, c] = sum_j a_j(r) s_j(c) + noise(r, c), s_j a triangular peak of half-width 6 at channel (j + 1) n / 4 */
static inline PetscScalar AppDataValue(PetscInt r, PetscInt c, PetscInt n)
{
  const PetscInt a[3] = {1 + r % 11, 1 + (3 * r) % 7, 1 + (r / 5) % 6}; /* abundances a_j(r) */
  PetscInt       v    = (r * 7 + c * 3) % 5;                            /* noise, 0 to 4 */
  for (PetscInt j = 0; j < 3; j++) {
    const PetscInt mu = (j + 1) * n / 4, d = c > mu ? c - mu : mu - c;
    v += a[j] * (d < 6 ? 6 - d : 0); /* a_j(r) s_j(c) */
  }
  return (PetscScalar)v;
}

#endif
