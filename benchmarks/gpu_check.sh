#!/usr/bin/env bash
# The checks a session with a GPU machine runs, from the repository root on that machine:
#   1. the unit tests with CUDA as the default device (notebook runs left out);
#   2. every notebook at the smoke profile on CUDA, six at a time (the CUDA path of every chapter);
#   3. the notebooks named as arguments at the full profile on CUDA, one after another and timed,
#      each within what is left of DEADLINE seconds (counted from the start).
# Notebooks run as plain Python scripts (their py:percent source, with the parameters cell set),
# so the machine needs only the library's own dependencies; mnist1d and jupytext travel as wheels in .whl/.
# Results land in results/<profile>/ as usual; logs, timings and a tarball of the results go to $OUT.
#
#   OUT=/tmp/out DEADLINE=480 bash benchmarks/gpu_check.sh metalearn_afunc double_descent
set -u
OUT=${OUT:?set OUT to a folder for the logs}
DEADLINE=${DEADLINE:-480}
start=$(date +%s)
python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl || exit 1  # mnist1d, jupytext (imported by the tests)
export PYTHONPATH=$PWD:/tmp/site PYTHONUNBUFFERED=1 MPLBACKEND=Agg MNIST1D_CACHE=/tmp/mnist1d_cache
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/device.txt"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' | tee -a "$OUT/device.txt"

timeout 120 python3 -m pytest -q -m "not notebooks" -p no:cacheprovider tests > "$OUT/tests.txt" 2>&1
tail -5 "$OUT/tests.txt"

run_notebook() {  # run_notebook PROFILE NAME: execute notebooks/NAME.py on CUDA at PROFILE
  (cd notebooks && sed -e "s/^profile = \"quick\"/profile = \"$1\"/" -e 's/^device = "cpu"/device = "cuda"/' \
    "$2.py" | python3 -)
}
export -f run_notebook

mkdir -p /tmp/logs
ls notebooks/*.py | xargs -n1 basename | sed 's/\.py$//' | xargs -P 6 -I{} bash -c \
  's=$(date +%s); run_notebook smoke {} > /tmp/logs/smoke_{}.log 2>&1; echo "smoke {} rc=$? $(( $(date +%s) - s ))s"' \
  | tee "$OUT/timings.txt"
tail -n 5 /tmp/logs/smoke_*.log > "$OUT/smoke_logs.txt"

for name in "$@"; do
  left=$(( DEADLINE - ($(date +%s) - start) ))
  if [ "$left" -lt 20 ]; then echo "full $name skipped: deadline" | tee -a "$OUT/timings.txt"; continue; fi
  s=$(date +%s)
  timeout "$left" bash -c "run_notebook full $name" > "/tmp/logs/full_$name.log" 2>&1
  echo "full $name rc=$? $(( $(date +%s) - s ))s" | tee -a "$OUT/timings.txt"
done
tail -n 20 /tmp/logs/full_*.log > "$OUT/full_logs.txt" 2>/dev/null
tar czf "$OUT/results.tgz" results/smoke results/full
