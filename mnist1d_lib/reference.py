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


def double_descent_test_error(curve: str) -> dict[int, float]:
    """The authors' single run of a double-descent curve (``mlp_clean``, ``mlp_noisy`` or
    ``cnn_noisy``): {width or channels: final test error %}, from their notebook's deep-copy version."""
    table = authors()["double_descent"]["deepcopy_version_9129ceb9"][f"{curve}_test_error"]
    return {int(width): float(err) for width, err in table.items()}


SSL_VARIANTS = {"default": "default_projector", "deep": "deep_projector", "none": "no_projector"}


def ssl_probe_per_layer() -> dict[str, list[float]]:
    """The authors' single run of each SimCLR variant (``default``, ``deep``, ``none``): linear-probe
    test accuracy % of the pixels and of every layer after it, in the order of ``ssl`` layers."""
    table = authors()["self_supervised"]["linear_probe_per_layer"]
    return {ours: [float(v) for v in table[theirs]] for ours, theirs in SSL_VARIANTS.items()}


def metalearn_afunc_log() -> dict[str, dict[int, float]]:
    """The authors' one activation-metalearning run, every 10th outer step:
    ``{"test_acc": {step: % on the first 500 test signals}, "mean_inner_loss": {step: nats}}``."""
    table = authors()["metalearn_afunc"]
    return {key: {int(step): float(v) for step, v in table[f"{key}_by_outer_step"].items()}
            for key in ("test_acc", "mean_inner_loss")}


def metalearn_lr_log() -> dict[float, dict[int, float]]:
    """The authors' two learning-rate metalearning runs: {start lr: {outer step: learned lr}}."""
    return {float(start): {int(step): float(lr) for step, lr in run.items()}
            for start, run in authors()["metalearn_lr"]["inner_lr_by_outer_step"].items()}


def metalearn_lr_converged() -> float:
    """The learning rate both of the authors' runs converge to, as their notebook states it (~0.62)."""
    return float(authors()["metalearn_lr"]["converged_lr"])
