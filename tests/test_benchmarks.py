"""The benchmark scripts run (their timings are printed, never asserted)."""
import subprocess
import sys
from pathlib import Path


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
