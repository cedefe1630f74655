"""Keep every ``notebooks/<name>.py`` (py:percent, the source) paired with a
``notebooks/<name>.ipynb`` that has no outputs, no cell ids and no execution counts,
and its Colab badge and install cell pointing at ``repository.url`` of ``_config.yml``.

    python tools/notebook_pairs.py          # write the .ipynb files
    python tools/notebook_pairs.py notebooks/dataset.py  # write the .ipynb of the given .py files
    python tools/notebook_pairs.py --check  # exit 1 when a pair has drifted
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext

from mnist1d_lib.paths import colab_url, repository_url

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def with_repository(py_path: Path) -> str:
    """The .py text with its Colab link and its install URL made from ``_config.yml``."""
    text = py_path.read_text()
    text = re.sub(r"\(https://colab\.research\.google\.com/github/[^)]*\)", f"({colab_url(py_path.stem)})", text)
    return re.sub(r'"git\+https://github\.com/[^"]*"', f'"git+{repository_url()}"', text)


def expected_ipynb(py_path: Path) -> str:
    """The .ipynb text that belongs to a py:percent notebook."""
    nb = jupytext.read(py_path)
    nb.nbformat, nb.nbformat_minor = 4, 4  # 4.4 has no cell ids
    for cell in nb.cells:
        cell.pop("id", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return jupytext.writes(nb, fmt="ipynb")


def drifted() -> list[str]:
    """Names of notebooks whose .ipynb is missing or differs from its .py."""
    bad = []
    for py in sorted(NOTEBOOKS.glob("*.py")):
        ipynb = py.with_suffix(".ipynb")
        if not ipynb.exists() or ipynb.read_text() != expected_ipynb(py) or py.read_text() != with_repository(py):
            bad.append(py.stem)
    return bad


def main(argv: list[str]) -> int:
    if "--check" in argv:
        bad = drifted()
        if bad:
            print(f"out of sync with their .py: {', '.join(bad)} (run `make sync`)")
        return 1 if bad else 0
    for py in [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("*.py")):
        if py.read_text() != with_repository(py):
            py.write_text(with_repository(py))
        py.with_suffix(".ipynb").write_text(expected_ipynb(py))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
