"""The benchmark runs and prints its rows (timings are measured, never asserted)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_prints_one_row_per_workload_as_json():
    done = subprocess.run([sys.executable, "run.py", "--quick", "--json", "--only", "lottery", "metalearn"],
                          cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)
    assert [r["workload"].split(",")[0] for r in rows] == ["metalearn activation", "lottery search"]
    for r in rows:
        assert set(r) == {"workload", "authors_s", "ours_s", "ratio", "gflops", "peak_fraction"}
        assert r["authors_s"] > 0 and r["ours_s"] > 0
        assert abs(r["ratio"] - r["authors_s"] / r["ours_s"]) <= 0.05 * r["ratio"]
