#!/bin/bash
# Restart from a checkpoint, deterministically: an uninterrupted 3-rank run writes a checkpoint
# every 10 iterations and stops by its own stopping rule; the run restarted from its last
# checkpoint must give the same result bit for bit at 3 ranks, and within 1e-9 at 2 ranks (and
# at 1), with the same n_iter and stop_reason.  Each configuration keeps state across iterations
# differently: plain (the stopping rules' losses), line search (gamma_H), projected gradient
# with line search (gamma_H and gamma_W), no simplex with normalization (the final rescale).
# usage: run_restart.sh BUILD_DIR CONFIG   (CONFIG: plain, linesearch, projected_gradient, nosimplex)
build=$1; config=$2
. "$(dirname "$0")/common.sh"

make_map 24 20 48 3 5
opts=(-i map.h5 -nmf_n_components 3 -nmf_random_state 2 -nmf_verbose 0 -nmf_mu 0.02)
case "$config" in
  plain) opts+=(-nmf_max_iter 200) ;;
  linesearch) opts+=(-nmf_max_iter 200 -nmf_linesearch) ;;
  projected_gradient) opts+=(-nmf_max_iter 45 -nmf_algo projected_gradient -nmf_linesearch -nmf_no_stop_criterion) ;;
  nosimplex) opts+=(-nmf_max_iter 200 -nmf_force_simplex false -nmf_normalize) ;;
  *) fail "unknown configuration $config" ;;
esac

nmf 3 "${opts[@]}" -o ref.h5 -checkpoint ck.h5 -checkpoint_every 10 || fail "the uninterrupted run failed"
n_iter=$(attr ref.h5 n_iter)
ck_iter=$(attr ck.h5 n_iter)
echo "uninterrupted: $n_iter iterations; last checkpoint at iteration $ck_iter"
[ "$n_iter" -gt 10 ] || fail "the run stopped before the first checkpoint ($n_iter iterations)"
[ "$ck_iter" -eq $(( (n_iter - 1) / 10 * 10 )) ] || fail "the last checkpoint is at iteration $ck_iter, expected the last multiple of 10 below $n_iter"
[ "$(attr ck.h5 n_ranks)" = 3 ] || fail "the checkpoint does not record 3 ranks"

# the checkpoint is kept while restarting from it (-restart and -checkpoint the same file)
cp ck.h5 ck_saved.h5
nmf 3 "${opts[@]}" -o same_ranks.h5 -restart ck.h5 -checkpoint ck.h5 -checkpoint_every 10 || fail "the restart at 3 ranks failed"
same ref.h5 same_ranks.h5 0
for np in 2 1; do
  nmf $np "${opts[@]}" -o np$np.h5 -restart ck_saved.h5 || fail "the restart at $np ranks failed"
  same ref.h5 np$np.h5 1e-9
done
# the restarted result records the run's fit time, not only the part after the restart
fit=$(attr same_ranks.h5 fit_seconds)
awk -v f="$fit" 'BEGIN { exit !(f > 0) }' || fail "fit_seconds $fit"
echo PASS
