/* Writes the worked example's data (app_data.h) as the map /X, (p, n), of a new HDF5 file, so
   that the program smoothnmf can factorize the same matrix as the example application.
     write_app_data FILE [-app_pixels p] [-app_channels n] */
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include "../example/app_data.h"

int main(int argc, char **argv)
{
  PetscInt     p = 60, n = 16, xs, xm;
  DM           da;
  Vec          X;
  PetscScalar *x;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "usage: write_app_data FILE [-app_pixels p] [-app_channels n]");
  PetscCall(PetscOptionsGetInt(NULL, "app_", "-pixels", &p, NULL));
  PetscCall(PetscOptionsGetInt(NULL, "app_", "-channels", &n, NULL));
  PetscCall(NMFCreateDataDM(PETSC_COMM_WORLD, n, 0, p, NULL, NULL, &da)); /* 1-D: pixel r is row r */
  PetscCall(NMFCreateDataVec(da, &X));
  PetscCall(DMDAGetCorners(da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(VecGetArray(X, &x));
  for (PetscInt r = xs; r < xs + xm; r++)
    for (PetscInt c = 0; c < n; c++) x[(r - xs) * n + c] = AppDataValue(r, c, n);
  PetscCall(NMFIOWriteMap(PETSC_COMM_WORLD, argv[1], "X", da, x, PETSC_TRUE));
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(VecDestroy(&X));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscFinalize());
  return 0;
}
