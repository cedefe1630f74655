"""Where things live: the checkout, results of record, checkpoints. Imports nothing of ours."""
from __future__ import annotations

import os
from pathlib import Path

LIBRARY_DIR = Path(__file__).resolve().parent


def repo_root() -> Path:
    """The checkout this library lives in (else the working directory)."""
    for parent in [LIBRARY_DIR.parent, *LIBRARY_DIR.parents]:
        if (parent / "_toc.yml").exists():
            return parent
    return Path.cwd()


def results_dir(profile: str) -> Path:
    """Where a profile's results go: ``results/<profile>`` of the checkout, or
    ``$MNIST1D_RESULTS/<profile>`` (the tests use a temporary folder)."""
    return Path(os.environ.get("MNIST1D_RESULTS", repo_root() / "results")) / profile


def checkpoints_dir() -> Path:
    """Checkpoints of unfinished computations: ``.checkpoints`` of the checkout (gitignored),
    or ``$MNIST1D_CHECKPOINTS``."""
    return Path(os.environ.get("MNIST1D_CHECKPOINTS", repo_root() / ".checkpoints"))
