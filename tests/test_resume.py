"""A run killed with SIGKILL in the middle of a computation resumes from its checkpoints
and ends with exactly the result of an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

JOB = Path(__file__).with_name("resume_job.py")


def _job(kind: str, folder: Path, env_extra=None) -> subprocess.Popen:
    env = dict(os.environ, MNIST1D_RESULTS=str(folder / "results"), MNIST1D_CHECKPOINTS=str(folder / "checkpoints"),
               MNIST1D_CHECKPOINT_S="0", OMP_NUM_THREADS="1", **(env_extra or {}))
    return subprocess.Popen([sys.executable, str(JOB), kind], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _value(folder: Path, kind: str):
    return json.loads((folder / "results" / "smoke" / f"resume_{kind}.json").read_text())["outputs"][kind]["value"]


@pytest.mark.parametrize("kind, marker", [("fit", "00002-fit_stacked.pt"), ("metalearn", "00001-metalearn.pt"),
                                          ("contrastive", "00001-train_contrastive.pt")])
def test_a_killed_run_resumes_to_the_uninterrupted_result(tmp_path, kind, marker):
    whole = _job(kind, tmp_path / "whole")
    assert whole.wait(timeout=600) == 0, whole.stderr.read()

    stopped = tmp_path / "stopped"
    job = _job(kind, stopped)
    deadline = time.time() + 300
    while not list((stopped / "checkpoints").glob(f"*/{marker}")):
        assert job.poll() is None, f"the job ended before its checkpoint: {job.stderr.read()}"
        assert time.time() < deadline
        time.sleep(0.05)
    job.send_signal(signal.SIGKILL)  # right after a save: mid-way through the loop
    job.wait()
    assert job.returncode == -signal.SIGKILL, "the job ended before it was killed"
    assert not (stopped / "results" / "smoke" / f"resume_{kind}.json").exists()
    assert list((stopped / "checkpoints").glob("*/*.pt"))

    resumed = _job(kind, stopped)
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read()
    assert _value(stopped, kind) == _value(tmp_path / "whole", kind)  # bitwise: same JSON floats
    assert not list((stopped / "checkpoints").glob("*/*.pt"))  # discarded once the value is stored


def test_compute_seconds_add_up_over_attempts(tmp_path, monkeypatch):
    import mnist1d_lib as m1

    monkeypatch.setenv("MNIST1D_CHECKPOINTS", str(tmp_path))
    folder = tmp_path / "key"
    folder.mkdir()
    start = float(int(time.time()) - 1000)  # a whole second: the file name keeps 3 decimals
    (folder / f"attempt-{start:.3f}").touch()  # an earlier attempt, stopped 100 s after its start
    save = folder / "00001-fit_stacked.pt"
    save.touch()
    os.utime(save, (start + 100, start + 100))
    with m1.checkpoints.resumable("key"):
        assert 100.0 <= m1.checkpoints.elapsed() < 110.0
