"""The notebooks as a whole: pairing, table of contents, and a smoke run of the book."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebook_pairs  # noqa: E402

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))


def test_every_notebook_pair_is_in_sync():
    assert NOTEBOOKS, "no notebooks found"
    assert notebook_pairs.drifted() == []


def test_committed_notebooks_have_no_outputs():
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
        for cell in nb["cells"]:
            assert not cell.get("outputs") and "id" not in cell, name


def test_every_notebook_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    def files_of(entries):
        for entry in entries:
            yield entry["file"]
            yield from files_of(entry.get("sections", []))

    files = {f for part in toc["parts"] for f in files_of(part["chapters"])}
    assert {f"book/executed/{name}" for name in NOTEBOOKS} <= files


def test_every_notebook_has_a_parameters_cell():
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
        params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(params) == 1, name
        source = "".join(params[0]["source"])
        for key in ("profile", "seed", "device"):
            assert f"{key} =" in source, (name, key)


@pytest.mark.notebooks
def test_smoke_profile_executes_every_notebook_and_builds_the_book(tmp_path):
    """`make book PROFILE=smoke`: papermill runs each notebook, then jupyter-book -W."""
    env = dict(os.environ, MNIST1D_RESULTS=str(tmp_path / "results"))
    result = subprocess.run(
        ["make", "book", "PROFILE=smoke", f"EXEC_DIR={tmp_path / 'executed'}", f"BOOK_DIR={tmp_path / 'book'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    for name in NOTEBOOKS:
        doc = json.loads((tmp_path / "results" / "smoke" / f"{name}.json").read_text())
        assert doc["profile"] == "smoke" and doc["metrics"], name
        assert (tmp_path / "book" / "_build" / "html" / "book" / "executed" / f"{name}.html").exists()
    scorecard = (tmp_path / "results" / "smoke" / "scorecard.csv").read_text()
    assert scorecard.startswith("claim_id,section,description,paper,reproduced,spread,n_seeds,verdict")
