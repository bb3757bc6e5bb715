#!/bin/bash
# scripts/smoothnmf.slurm runs as it is outside SLURM, with srun replaced by a shim that starts
# mpiexec at 2 ranks: its options are accepted by the program, it writes the result and the
# -log_view file, its #SBATCH lines come before the first command, and the checkpoint lines
# (options of another branch) are comments.
# usage: run_slurm_script.sh BUILD_DIR SOURCE_DIR WORK
set -eu
build=$1; src=$2; work=$3
script=$src/scripts/smoothnmf.slurm
fail() { echo "FAILED: $*" >&2; exit 1; }
bash -n "$script" || fail "syntax"
first_cmd=$(grep -n -v -E '^\s*(#|$)' "$script" | head -1 | cut -d: -f1)
last_sbatch=$(grep -n '^#SBATCH' "$script" | tail -1 | cut -d: -f1)
[ "$last_sbatch" -lt "$first_cmd" ] || fail "an #SBATCH line after the first command is ignored by sbatch"
grep -q '^#SBATCH --ntasks-per-node' "$script" || fail "no --ntasks-per-node"
if grep -v -E '^\s*#' "$script" | grep -q -e '-checkpoint' -e '-restart'; then fail "checkpoint options outside comments"; fi
grep -q -e '-checkpoint_every' "$script" || fail "the checkpoint lines are missing"

tmp=$(mktemp -d "$work/slurm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cat > "$tmp/bin/srun" <<SHIM
#!/bin/bash
while [ \$# -gt 0 ] && [ "\${1#--}" != "\$1" ]; do shift; done # srun's own options
exec ${MPIEXEC:-mpiexec} -n 2 --oversubscribe "\$@"
SHIM
chmod +x "$tmp/bin/srun"
ln -s "$build/smoothnmf" "$tmp/bin/smoothnmf"
"${MPIEXEC:-mpiexec}" -n 1 "$build/tests/embedding/write_app_data" "$tmp/data.h5"
(cd "$tmp" && PATH=$tmp/bin:$PATH SLURM_JOB_ID=77 bash "$script" "$tmp/data.h5:/X" "$tmp/result.h5" -nmf_max_iter 6 -nmf_verbose 0) > "$tmp/job.out" 2>&1 \
  || { cat "$tmp/job.out"; fail "the job failed"; }
[ -s "$tmp/result.h5" ] || fail "no result file"
grep -q '^NMFHStep ' "$tmp/smoothnmf-77.log" || fail "no -log_view file with the NMF events"
grep -q 'n_components 4' "$tmp/job.out" || fail "-nmf_view did not print the script's n_components"
echo "the batch script ran: result, -log_view file, -nmf_view summary"
