import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

import mnist1d_lib as m1


@pytest.fixture(scope="session")
def data():
    """The paper's default split (generated once, cached on disk)."""
    return m1.data.make_dataset()


@pytest.fixture(scope="module")
def one_thread():
    """For modules of tiny problems (``pytestmark = pytest.mark.usefixtures("one_thread")``):
    one thread is fastest, and far faster when other processes share the cores."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def float64():
    """Run a test in float64, where the stacked trainer must match the one-model loop
    to rounding error (in float32 chaotic training amplifies rounding differences)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.fixture
def results_tmp(tmp_path, monkeypatch):
    """Results and checkpoints in a temporary folder (a checkpoint left in the checkout
    would be resumed by a later computation with the same key)."""
    monkeypatch.setenv("MNIST1D_RESULTS", str(tmp_path))
    monkeypatch.setenv("MNIST1D_CHECKPOINTS", str(tmp_path / ".checkpoints"))
    return tmp_path


def small(data, n_train=500, n_test=200):
    """A small slice of the data for fast training tests."""
    return m1.data.Dataset(x=data.x[:n_train], y=data.y[:n_train], x_test=data.x_test[:n_test],
                           y_test=data.y_test[:n_test], t=data.t)


@pytest.fixture(scope="session")
def smoke_book(tmp_path_factory):
    """A reader's run (``python -m mnist1d_lib run metalearn_lr --profile smoke --seeds
    0-3``), then `make book PROFILE=smoke RUN=<that run>` into a temporary folder, once
    per test session: ``returncode``, ``stdout``, ``stderr``, ``results`` (the results
    folder), ``html`` and ``run`` (the reader's run folder under _build/executed/)."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("smoke_book")
    env = dict(os.environ, MNIST1D_RESULTS=str(out / "results"))
    own = subprocess.run([sys.executable, "-m", "mnist1d_lib", "run", "metalearn_lr", "--profile", "smoke",
                          "--seeds", "0-3", "--device", "cpu"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=600)
    run = re.search(r"notebook .*/_build/executed/(runs/[^/]+)/metalearn_lr.ipynb", own.stdout)
    done = subprocess.run(
        ["make", "book", "PROFILE=smoke", f"EXEC_DIR={out / 'executed'}", f"BOOK_DIR={out / 'book'}",
         f"RUN={run[1] if run else 'missing'}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    return types.SimpleNamespace(returncode=own.returncode or done.returncode, stdout=own.stdout + done.stdout,
                                 stderr=own.stderr + done.stderr, results=out / "results",
                                 html=out / "book" / "_build" / "html", run=run[1] if run else None)
