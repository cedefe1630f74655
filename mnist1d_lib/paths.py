"""Where things live: the checkout, results of record, checkpoints. Imports nothing of ours."""
from __future__ import annotations

import os
import re
from pathlib import Path

LIBRARY_DIR = Path(__file__).resolve().parent


def in_clone() -> bool:
    """Whether this library runs from a clone of the book (with its results of record),
    rather than from an installed wheel (Colab, a laptop)."""
    return any((parent / "_toc.yml").exists() for parent in [LIBRARY_DIR.parent, *LIBRARY_DIR.parents])


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


def repository_url() -> str:
    """``repository.url`` of the book's ``_config.yml`` (the one place that names the repository)."""
    text = (repo_root() / "_config.yml").read_text()
    match = re.search(r"^repository:\s*\n(?:\s+.*\n)*?\s+url:\s*(\S+)", text, re.M)
    if not match:
        raise ValueError("_config.yml has no repository.url")
    return match[1].rstrip("/")


def colab_url(notebook: str) -> str:
    """The Colab link of ``notebooks/<notebook>.ipynb`` on the repository's main branch."""
    return repository_url().replace("https://github.com/", "https://colab.research.google.com/github/") \
        + f"/blob/main/notebooks/{notebook}.ipynb"
