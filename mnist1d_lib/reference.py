"""Numbers read from the outputs of the authors' notebooks (greydanus/mnist1d), each
with its source, in ``authors_reference.json`` beside this module: reference data to
draw and compare against, never typed into a chapter."""
from __future__ import annotations

import functools
import importlib.resources
import json


@functools.lru_cache(maxsize=1)
def authors() -> dict:
    """The whole reference file: ``{section: {..., "source": "notebook, commit, printed line"}}``."""
    return json.loads((importlib.resources.files(__package__) / "authors_reference.json").read_text())


def pooling_final_acc() -> dict[int, dict[str, float]]:
    """The authors' single run per cell of the pooling notebook: {size: {method: test accuracy %}}."""
    table = authors()["pooling"]["final_test_acc"]
    return {int(size): {method: table[method][size] for method in table} for size in next(iter(table.values()))}
