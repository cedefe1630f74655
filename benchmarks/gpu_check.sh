#!/usr/bin/env bash
# The CUDA check of the book, for a GPU machine whose python3 already has torch:
# unit tests on CUDA, the stacked-trainer benchmark on CUDA, and the timed
# full-profile execution of every notebook with DEVICE=cuda.
# Missing pure-Python packages (papermill, jupytext, ipykernel, mnist1d, ...) may be
# given as wheels in .whl/. Results go to $OUT (or ./gpu_check).
set -uo pipefail
OUT=${OUT:-gpu_check}
mkdir -p "$OUT"
SITE=/tmp/site
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target $SITE .whl/*.whl || exit 1
fi
# a wrapper, not a symlink: a symlinked venv interpreter would lose its venv (and torch)
mkdir -p $SITE/bin && printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v python3)" > $SITE/bin/python
chmod +x $SITE/bin/python && touch $SITE/.installed
export PYTHONPATH=$SITE:$PWD PATH=$SITE/bin:$PATH PYTHONUNBUFFERED=1 MNIST1D_RESULTS=/tmp/results
nvidia-smi -L
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
echo "== unit tests (device=auto picks CUDA)"
timeout 120 python3 -m pytest -q -m "not notebooks" -p no:cacheprovider tests 2>&1 | tail -15
echo "== benchmark"
timeout 120 python3 benchmarks/bench_train_many.py --device cuda --steps 500
echo "== make execute PROFILE=full DEVICE=cuda"
start=$(date +%s)
timeout 300 make -j2 execute PROFILE=full DEVICE=cuda VENV=$SITE EXEC_DIR=/tmp/executed 2>&1 | grep -v "Executing:" | tail -20
echo "make execute wall time: $(( $(date +%s) - start )) s"
cp /tmp/results/full/*.json /tmp/results/full/scorecard.csv "$OUT"/ 2>/dev/null
python3 - <<'PY'
import json, glob
for p in sorted(glob.glob("/tmp/results/full/*.json")):
    d = json.load(open(p))
    print(p.split("/")[-1], "runtime_s", d["runtime_s"], "compute_s", d["compute_s"], d["device"])
PY
