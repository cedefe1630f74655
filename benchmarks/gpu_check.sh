#!/usr/bin/env bash
# What a session with a GPU machine runs, from the repository root on that machine:
#   1. the record: the notebooks named as arguments at the paper profile on CUDA, PARALLEL at a
#      time (each computing its missing outputs on WORKERS processes), the heaviest first, each
#      within what is left of DEADLINE seconds, timed. A notebook stopped by the deadline keeps
#      every computation it finished (each is stored at once); its checkpoints stay there;
#   2. meanwhile, in the background, the CPU-against-CUDA agreement test (tests/test_devices.py);
#   3. then the engine benchmark (benchmarks/run.py --quick) on the quiet GPU, within BENCH_S seconds.
# Notebooks run as plain Python scripts (their py:percent source, with the parameters cell set),
# so the machine needs only the library's dependencies; mnist1d travels as a wheel in .whl/.
# Logs, timings and a tarball of the notebooks' results go to $OUT; unpack it here, commit what is complete.
#
#   OUT=/tmp/out DEADLINE=480 PARALLEL=2 WORKERS=2 MNIST1D_GIT_COMMIT=<the commit sent> \
#       bash benchmarks/gpu_check.sh lottery_perturbation lottery_lr
# (the notebooks of the paper profile not yet complete: `make record-status` lists them).
# The copy's own git may name another commit (on 2026-11-30 it named main's HEAD, dirty), so
# MNIST1D_GIT_COMMIT names the commit sent in the results' provenance. What a run printed, and
# how long a lottery group took there, is kept in benchmarks/measured/2026-11-30-h200/.
set -u
OUT=${OUT:?set OUT to a folder for the logs}
DEADLINE=${DEADLINE:-480}
PARALLEL=${PARALLEL:-4}
start=$(date +%s)
python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl || exit 1  # mnist1d
export PYTHONPATH=$PWD:/tmp/site PYTHONUNBUFFERED=1 MPLBACKEND=Agg MNIST1D_CACHE=/tmp/mnist1d_cache
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/device.txt"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' | tee -a "$OUT/device.txt"

export MNIST1D_WORKERS=${WORKERS:-2} OMP_NUM_THREADS=2
timeout 200 python3 -m pytest -q -p no:cacheprovider tests/test_devices.py > "$OUT/devices.txt" 2>&1 &
tests=$!

run_notebook() {  # run_notebook PROFILE NAME SECONDS: execute notebooks/NAME.py on CUDA at PROFILE
  (cd notebooks && sed -e "s/^profile = \"quick\"/profile = \"$1\"/" -e 's/^device = "auto"/device = "cuda"/' \
    "$2.py" | timeout "$3" python3 -)
}
export -f run_notebook
export start DEADLINE
mkdir -p /tmp/logs
printf '%s\n' "$@" | xargs -P "$PARALLEL" -I{} bash -c \
  'left=$(( DEADLINE - ($(date +%s) - start) )); s=$(date +%s);
   if [ "$left" -lt 30 ]; then echo "paper {} skipped: deadline"; exit 0; fi
   run_notebook paper {} "$left" > /tmp/logs/paper_{}.log 2>&1; echo "paper {} rc=$? $(( $(date +%s) - s ))s"' \
  | tee "$OUT/timings.txt"
tail -n 20 /tmp/logs/paper_*.log > "$OUT/paper_logs.txt" 2>/dev/null
# the notebooks' results and figures (not their checkpoints: a lottery round's are 26 MB)
tar czf "$OUT/results.tgz" $(for nb in "$@"; do ls -d results/paper/$nb.json results/paper/figures/$nb 2>/dev/null; done)
wait $tests; tail -3 "$OUT/devices.txt"
timeout "${BENCH_S:-120}" python3 benchmarks/run.py --quick --device cuda > "$OUT/bench.txt" 2>&1; tail -n 30 "$OUT/bench.txt"
