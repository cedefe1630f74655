"""The benchmark scripts run (their timings are printed, never asserted)."""
import json
import subprocess
import sys
from pathlib import Path

import mnist1d_lib as m1

ROOT = Path(__file__).resolve().parents[1]


def run_script(name, *args):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_train_many_benchmark_runs():
    out = run_script("bench_train_many.py", "--steps", "250", "--seeds", "2", "--models", "logistic", "mlp")
    assert "speed-up" in out and out.strip().splitlines()[-1].startswith("all")


def test_double_descent_benchmark_runs():
    out = run_script("bench_double_descent.py", "--epochs", "1", "--seeds", "1")
    assert "38 models" in out and "speed-up:" in out


def test_metalearn_benchmark_runs():
    out = run_script("bench_metalearn.py", "--inner-steps", "3", "--members", "2")
    assert out.count("speed-up vs authors") == 5 and "checkpoint every 3" in out


def test_lottery_benchmark_runs():
    out = run_script("bench_lottery.py", "--rounds", "2", "--steps", "3")
    assert "authors' one-model loop" in out and "speed-up:" in out


def test_double_descent_at_the_papers_settings_writes_its_measurements(tmp_path):
    out = tmp_path / "dd.json"
    run_script("dd_paper_settings.py", "--device", "cpu", "--epochs", "1", "--seeds", "1", "--max-size", "8",
               "--n-test", "500", "--out", str(out))
    doc = json.loads(out.read_text())
    assert doc["settings"]["mlp_widths"] == [2, 3, 4, 5, 7] and doc["settings"]["cnn_channels"] == [2, 4, 6, 8]
    assert set(doc["measurements"]) == {c.claim_id for c in m1.scorecard.CLAIMS if c.section == "double_descent"}
    assert len(doc["final"]["mlp"]["test_err"]) == 2 * 5 and len(doc["final"]["cnn"]["test_err"]) == 4
