"""The Colab path without Colab: the built wheel, installed into a clean virtual
environment, runs the dataset notebook (smoke) from a folder with no clone beside it."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.notebooks
def test_the_wheel_runs_the_dataset_notebook_outside_a_clone(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(ROOT)], check=True,
                   capture_output=True, timeout=600)
    (wheel,) = wheels.glob("mnist1d_lib-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    torch = f"torch=={__import__('torch').__version__.split('+')[0]}"  # the one installed here
    subprocess.run([str(python), "-m", "pip", "install", "-q", torch, str(wheel),
                    "--extra-index-url", "https://download.pytorch.org/whl/cpu"],
                   check=True, capture_output=True, timeout=1200)
    work = tmp_path / "elsewhere"
    work.mkdir()
    source = (ROOT / "notebooks" / "dataset.py").read_text()
    script = re.sub(r'^profile = "\w+"', 'profile = "smoke"', source, count=1, flags=re.M)
    (work / "dataset.py").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MNIST1D_", "PYTHON"))}
    done = subprocess.run([str(python), "dataset.py"], cwd=work, env=dict(env, MPLBACKEND="Agg"),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Outside a clone of the book" in done.stdout
    assert (work / "results" / "smoke" / "dataset.json").exists()
