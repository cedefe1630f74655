"""Checkpoints inside a long computation, so that a stopped run resumes where it stopped.

``results.Run.compute`` runs each computation inside ``resumable(cache_key)``. Every
training loop in it (``train.fit_stacked``, ``ssl.train_contrastive``,
``metalearn.metalearn``) asks for its next ``slot()``, numbered by call order, which
is fixed by the computation's code and config. A loop saves its whole state there
(parameters, optimiser, history so far, every random generator) every
``MNIST1D_CHECKPOINT_S`` seconds (default 60) at a step boundary, and once when it ends.
On a rerun, a finished loop returns its saved result at once and an unfinished one
continues from its last save, so the result equals an uninterrupted run bit for bit
(a test kills a run with SIGKILL and checks). The folder is removed when the
computation's value has been stored.
"""
from __future__ import annotations

import contextlib
import os
import random
import shutil
import time
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch

from .files import atomic_write_bytes
from .paths import checkpoints_dir

_scope: ContextVar["Scope | None"] = ContextVar("checkpoint_scope", default=None)


def interval_s() -> float:
    """Seconds between saves of an unfinished loop (``$MNIST1D_CHECKPOINT_S``, default 60)."""
    return float(os.environ.get("MNIST1D_CHECKPOINT_S", 60))


class Scope:
    """The checkpoints of one computation: a folder, a counter of slots handed out, and
    the compute seconds of earlier, stopped attempts: each attempt leaves a file
    ``attempt-<start time>``, and its time is taken to run to its last save."""

    def __init__(self, folder: Path):
        self.folder, self.calls, self.started = folder, 0, time.time()
        starts = sorted(float(p.name.split("-", 1)[1]) for p in folder.glob("attempt-*"))
        saves = [p.stat().st_mtime for p in folder.glob("*.pt")]
        ends = starts[1:] + [self.started]
        self.earlier = sum(max([t for t in saves if start <= t < end], default=start) - start
                           for start, end in zip(starts, ends))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"attempt-{self.started:.3f}").touch()

    def elapsed(self) -> float:
        """Compute seconds of this computation over all its attempts."""
        return self.earlier + time.time() - self.started


class Slot:
    """One training loop's checkpoint file."""

    def __init__(self, path: Path):
        self.path, self.last_save = path, time.monotonic()

    def load(self) -> dict | None:
        """The saved state (random generators restored), or None if there is none."""
        if not self.path.exists():
            return None
        state = torch.load(self.path, map_location="cpu", weights_only=False)
        set_rng_state(state.pop("rng"))
        return state

    def due(self) -> bool:
        return time.monotonic() - self.last_save >= interval_s()

    def save(self, state: dict[str, Any]) -> None:
        """Write ``state`` and the random generators' states atomically."""
        buffer = _Buffer()
        torch.save({**state, "rng": rng_state()}, buffer)
        atomic_write_bytes(self.path, buffer.getvalue())
        self.last_save = time.monotonic()


class _Buffer(list):
    """A minimal writable file object for ``torch.save``."""

    def write(self, data: bytes) -> int:
        self.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self)


def rng_state() -> dict:
    """The states of every random generator a computation may draw from."""
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


@contextlib.contextmanager
def resumable(key: str, fresh: bool = False) -> Iterator[None]:
    """Let the training loops of the computation ``key`` checkpoint under
    ``checkpoints_dir()/key`` (``fresh``: forget earlier checkpoints first)."""
    folder = checkpoints_dir() / key
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    token = _scope.set(Scope(folder))
    try:
        yield
    finally:
        _scope.reset(token)


def elapsed() -> float | None:
    """Compute seconds of the running computation over all its attempts (None outside ``resumable``)."""
    scope = _scope.get()
    return None if scope is None else scope.elapsed()


def discard(key: str) -> None:
    """Remove the checkpoints of a computation whose value is stored."""
    shutil.rmtree(checkpoints_dir() / key, ignore_errors=True)


def slot(kind: str) -> Slot | None:
    """The next checkpoint slot of the running computation, or None outside ``resumable``."""
    scope = _scope.get()
    if scope is None:
        return None
    scope.calls += 1
    return Slot(scope.folder / f"{scope.calls:05d}-{kind}.pt")
