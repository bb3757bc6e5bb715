"""scikit-learn's check_estimator passes for smoothnmf.SmoothNMF in the two configurations
espm's own tests use (espm/tests/test_estimators.py, test_NMF_scikit: without and with
lambda_L), each check run and reported by name; and the estimator contract (get_params,
set_params, clone, pickle of a fitted estimator).
usage: python3 check_sklearn_estimator.py
"""
import pickle
import sys

import numpy as np
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

import smoothnmf

fails = 0
configs = [
    dict(n_components=5, max_iter=200, force_simplex=False, mu=1.0, epsilon_reg=1.0, hspy_comp=False, verbose=0),
    dict(n_components=5, lambda_L=2.0, max_iter=200, force_simplex=False, mu=1.0, epsilon_reg=1.0, hspy_comp=False, verbose=0),
]
for params in configs:
    est = smoothnmf.SmoothNMF(**params)
    ran = 0
    for e, check in check_estimator(est, generate_only=True):
        name = getattr(check, "func", check).__name__
        try:
            check(e)
            ran += 1
        except Exception as ex:  # noqa: BLE001
            fails += 1
            print(f"FAIL {name} with {params}: {type(ex).__name__}: {str(ex)[:300]}")
    print(f"check_estimator, {params}: {ran} checks passed")
    if ran < 25:  # scikit-learn 1.2 runs 29 for a transformer without transform()
        fails += 1
        print("FAIL fewer checks than scikit-learn runs")

# the contract, spelled out
est = smoothnmf.SmoothNMF(n_components=3, lambda_L=0.7, mu=[0.1, 0.2, 0.3], shape_2d=(5, 4), verbose=0, random_state=0)
p = est.get_params()
if p["lambda_L"] != 0.7 or p["mu"] != [0.1, 0.2, 0.3] or p["n_components"] != 3 or p["force_simplex"] is not True:
    fails += 1
    print(f"FAIL get_params {p}")
if clone(est).get_params() != p:
    fails += 1
    print("FAIL clone")
est.set_params(lambda_L=0.2)
if est.lambda_L != 0.2:
    fails += 1
    print("FAIL set_params")
X = np.random.default_rng(0).poisson(5.0, size=(40, 20)).astype(float)
est.fit(X)
again = pickle.loads(pickle.dumps(est))
if not (np.array_equal(again.W_, est.W_) and np.array_equal(again.H_, est.H_)):
    fails += 1
    print("FAIL pickle of a fitted estimator")
for name in ("W_", "H_", "G_", "components_", "n_components_", "n_iter_", "const_KL_", "losses_", "reconstruction_err_"):
    if not hasattr(est, name):
        fails += 1
        print(f"FAIL no fitted attribute {name}")
print(f"{fails} failure(s)")
sys.exit(1 if fails else 0)
