#!/bin/bash
# The rank selection through the program (issue 14, doc/select_k.md), at NP ranks:
# - a generated map of 3 phases (smoothnmf_demo_map, uint16 .hspy): -nmf_select_k 1:5 suggests 3,
#   prints the table with the suggestion on rank 0, and writes /select_k/{k, silhouette_min,
#   silhouette_mean, rel_error, loss} and /select_k@suggested_k beside a result of 3 components;
# - that result is the normal run with -nmf_n_components 3 and the same options, bit for bit;
# - the table at NP ranks equals the one at 1 rank to 1e-9 up to the suggested k; past it (fits in
#   different local minima), 1e-6 for each row whose fits stopped at the same iterations;
# - a signal (SIGUSR1 to mpiexec) during the selection stops it with a checkpoint and the command
#   that resumes it; the resumed run gives the uninterrupted table and result; a restart with
#   another range, or without -nmf_select_k, is refused in one line;
# - scripts/report.py draws the selection curves beside the maps.
# usage: select_k.sh BUILD_DIR NP
set -u
build=$1; np=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }
mpi() { local n=$1; shift; timeout -k 5 300 "${MPIEXEC:-mpiexec}" -n "$n" --oversubscribe "$@"; }
opts=(-nmf_select_k 1:5 -nmf_select_k_resamples 4 -nmf_tol 1e-6 -nmf_max_iter 1000 -nmf_random_state 1 -nmf_verbose 0)
mpi "$np" "$build/smoothnmf_demo_map" -o map.hspy -ny 24 -nx 24 -n 96 -k 3 -counts 200 -seed 301 >/dev/null || fail "the generator failed"

mpi "$np" "$build/smoothnmf" -i map.hspy -o sel.h5 "${opts[@]}" > log 2>&1 || { cat log; fail "the selection failed"; }
cat log
[ "$(grep -c 'select_k: suggested n_components = 3' log)" = 1 ] || fail "expected one line 'select_k: suggested n_components = 3'"
grep -q '<- suggested' log || fail "the table does not mark the suggestion"
if [ "$np" = 1 ]; then cp sel.h5 sel_1.h5; else
  mpi 1 "$build/smoothnmf" -i map.hspy -o sel_1.h5 "${opts[@]}" > /dev/null 2>&1 || fail "the 1-rank selection failed"
fi
# the normal run at the suggested k
mpi "$np" "$build/smoothnmf" -i map.hspy -o plain.h5 -nmf_n_components 3 "${opts[@]:4}" > /dev/null 2>&1 || fail "the plain run failed"
/usr/bin/python3 - <<'PY' || fail "the result file"
import h5py, numpy as np
with h5py.File("sel.h5") as f, h5py.File("sel_1.h5") as g, h5py.File("plain.h5") as p:
    s = f["select_k"]
    assert s.attrs["suggested_k"] == 3, s.attrs["suggested_k"]
    names = ["k", "silhouette_min", "silhouette_mean", "rel_error", "loss"]
    for name in names:
        assert s[name].shape == (5,), (name, s[name].shape)
    assert list(s["k"][:]) == [1, 2, 3, 4, 5]
    assert s["silhouette_min"][2] >= 0.8 and s["silhouette_min"][3] < 0.8, s["silhouette_min"][:]
    assert np.all(np.diff(s["rel_error"][:]) < 0), s["rel_error"][:]
    # every fit whose stopping rule ended it at the same iteration gives the same numbers; at a
    # k where the fits do not settle, one may stop an iteration apart (the rounding of the
    # reductions at the stopping threshold): that row is reported, not compared
    same = np.all(s["n_iter"][:] == g["select_k/n_iter"][:], axis=1)
    assert same[:3].all(), ("the fits up to the suggested k stopped at other iterations", s["n_iter"][:], g["select_k/n_iter"][:])
    stable = s["k"][:] <= s.attrs["suggested_k"]
    for name in names:
        a, b = s[name][:], g["select_k"][name][:]
        d = np.abs(a - b) / np.maximum(1, np.abs(b))
        assert d[stable].max() < 1e-9, (name, d)
        # past the suggestion the fits land in different local minima, whose rounding grows
        # over the iterations: 1e-6 there
        assert d[same & ~stable].max(initial=0) < 1e-6, (name, d)
    if not same.all():
        print("rows whose fits stopped an iteration apart at 1 rank:", s["k"][:][~same])
    assert f["W"].shape == (96, 3), f["W"].shape
    for name in ["W", "H", "GW"]:
        assert np.array_equal(f[name][:], p[name][:]), name
    assert f.attrs["n_iter"] == p.attrs["n_iter"]
    print("table at 1 rank equals; the result is the plain run at k = 3")
PY

# a signal during the selection, then the resume command
"${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "$build/smoothnmf" -i map.hspy -o out.h5 -checkpoint ck.h5 "${opts[@]}" -nmf_verbose 1 > slog 2>&1 &
launcher=$!
for i in $(seq 600); do grep -q "select_k: k 3, fit of X" slog && break; sleep 0.1; done # the fits of k 1 and 2 done
kill -USR1 $launcher
wait $launcher; status=$?
cat slog
[ "$status" = 3 ] || fail "the stopped selection exited with $status, expected 3"
[ ! -e out.h5 ] || fail "an output was written by the interrupted run"
line=$(grep '^smoothnmf: stopped by signal' slog | head -1)
[[ $line == *"resume with: "* ]] || fail "no resume command"
resume=${line#*resume with: }
/usr/bin/python3 -c "
import h5py; f = h5py.File('ck.h5'); s = f['select_k']
done = sum(int(g.attrs['done']) for g in s['fits'].values())
print('the checkpoint holds', done, 'fits done; complete:', s.attrs['complete'])
assert s.attrs['complete'] == 0 and done < 5 * 5" || fail "the checkpoint is not the selection's, in progress"
mpi "$np" "$build/smoothnmf" -i map.hspy -o other.h5 -restart ck.h5 -nmf_select_k 1:4 "${opts[@]:2}" > rlog 2>&1 && fail "a restart with another range ran"
grep -q "nmf_select_k 1:5, this run has 1:4" rlog || { cat rlog; fail "no line naming the other range"; }
mpi "$np" "$build/smoothnmf" -i map.hspy -o other.h5 -restart ck.h5 -nmf_n_components 3 "${opts[@]:4}" > rlog 2>&1 && fail "a restart without -nmf_select_k ran"
grep -q "checkpoint of a rank selection" rlog || { cat rlog; fail "no line naming the selection"; }
[ ! -e other.h5 ] || fail "a refused restart wrote an output"
echo "+ $resume"
eval "timeout -k 5 300 $resume" > /dev/null 2>&1 || fail "the resume command failed"
/usr/bin/python3 - <<'PY' || fail "the resumed result"
import h5py, numpy as np
with h5py.File("out.h5") as f, h5py.File("sel.h5") as g:
    for name in ["k", "silhouette_min", "silhouette_mean", "rel_error", "loss"]:
        assert np.array_equal(f["select_k"][name][:], g["select_k"][name][:]), name
    for name in ["W", "H"]:
        assert np.array_equal(f[name][:], g[name][:]), name
    print("the resumed selection gives the uninterrupted table and result")
PY

# the report draws the curves
/usr/bin/python3 "$src/scripts/report.py" sel.h5 -o report.png > rep 2>&1 || { cat rep; fail "report.py failed"; }
[ -s report.png ] || fail "no report"
grep -q "select_k" rep || { cat rep; fail "the report has no selection panel"; }
/usr/bin/python3 "$src/scripts/report.py" plain.h5 -o plain.png > rep 2>&1 || fail "report.py failed on a plain result"
grep -q "select_k" rep && fail "a plain result got a selection panel"
echo "PASS"
