"""Tag papermill's injected parameters cell of executed notebooks ``remove-cell``, so that
the book shows no parameters cell (the notebook's own one is tagged so already).
Standard library only.

    python tools/hide_parameters.py NOTEBOOK.ipynb [...]
"""
import json
import sys
from pathlib import Path


def hide(path: Path) -> None:
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        hide(Path(name))
