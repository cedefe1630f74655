"""Reading the self-supervised and projection-head results: tables, curves and the
measurements behind the scorecard (kept apart from ``ssl`` so that changing how
results are read never invalidates a stored run). Accuracies in %.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import ssl
from .notebook import record_measurements

PAPER_ISOLATED = (0, 3, 6, 8)  # digits the paper's t-SNE shows as isolated clusters


def variant(result: dict, name: str) -> dict:
    return next(v for v in result["variants"] if v["variant"] == name)


def guillotine_table(result: dict) -> pd.DataFrame:
    """Linear-probe accuracy of every layer, mean ± std over seeds: rows layers, columns variants."""
    columns = {}
    for v in result["variants"]:
        probes = np.asarray(v["probes"])
        cells = [f"{m:.1f} ± {s:.1f}" for m, s in zip(probes.mean(0), probes.std(0, ddof=1))]
        columns[v["variant"]] = pd.Series(cells, index=v["layers"])
    longest = max(result["variants"], key=lambda v: len(v["layers"]))["layers"]
    return pd.DataFrame(columns).reindex(longest).fillna("")


def guillotine_curves(result: dict) -> dict[str, tuple[list[str], np.ndarray]]:
    """variant -> (layer names, probes (seeds, layers))."""
    return {v["variant"]: (v["layers"], np.asarray(v["probes"])) for v in result["variants"]}


def history_curves(result: dict, key: str) -> dict[str, np.ndarray]:
    """variant -> ``key`` (``knn_acc``, ``linear_acc`` or ``loss``) over the probed epochs (seeds, E)."""
    return {v["variant"]: np.asarray(v["history"][key], dtype=float) for v in result["variants"]}


def isolated_digits(result: dict, n: int = len(PAPER_ISOLATED)) -> list[list[int]]:
    """Per seed: the ``n`` digits with the highest class silhouette in Z (default projector)."""
    sil = np.asarray(variant(result, "default")["class_silhouette"])
    return [sorted(np.argsort(-s)[:n].tolist()) for s in sil]


def silhouette_table(result: dict) -> pd.DataFrame:
    """Class silhouette in Z (cosine) per digit, mean ± std over seeds, most isolated first."""
    sil = np.asarray(variant(result, "default")["class_silhouette"])
    table = pd.DataFrame({"digit": range(sil.shape[1]), "silhouette": sil.mean(0), "std": sil.std(0, ddof=1)})
    table["paper: isolated"] = table["digit"].isin(PAPER_ISOLATED)
    return table.sort_values("silhouette", ascending=False).round(3).reset_index(drop=True)


def chapter_measurements(result: dict) -> dict[str, list]:
    """The chapter's scorecard values (one per seed; per variant and seed for the peak)."""
    default = np.asarray(variant(result, "default")["probes"])
    h_index = variant(result, "default")["layers"].index("conv3 (H)")
    peak_mid = [bool(np.argmax(p[1:]) < len(p) - 2) for v in result["variants"] for p in np.asarray(v["probes"])]
    return {
        "self_supervised/probe_before_projector": default[:, h_index].tolist(),
        "self_supervised/pixel_probe": default[:, 0].tolist(),
        "self_supervised/knn_output": np.asarray(variant(result, "default")["history"]["knn_acc"])[:, -1].tolist(),
        "self_supervised/peak_mid_network": peak_mid,
        "self_supervised/isolated_digits": [len(set(d) & set(PAPER_ISOLATED)) for d in isolated_digits(result)],
    }


def chapter_results(run, settings, device: str) -> dict:
    """Train (or load) the chapter in ``run`` and record its measurements."""
    result = run.compute("chapter", *ssl.chapter_computation(settings, device))
    record_measurements(run, chapter_measurements(result))
    return result


def head_table(rows: list[dict]) -> pd.DataFrame:
    """One row per head: depth, width, output size, and the probes before and after it (means over seeds)."""
    table = pd.DataFrame([{"hidden layers": r["hidden"], "width": r["width"], "output dim": r["out_dim"],
                           "probe before head (H)": np.mean(r["before_head"]),
                           "probe after head (Z)": np.mean(r["after_head"])} for r in rows])
    table["drop through head"] = table["probe before head (H)"] - table["probe after head (Z)"]
    return table.round(1)


def head_results(run, settings, device: str) -> tuple[list[dict], pd.DataFrame]:
    """Train (or load) the projection-head study in ``run``, record its measurement, and
    return its rows and table."""
    rows = run.compute("heads", *ssl.head_computation(settings, device))
    record_measurements(run, {"self_supervised_projector/head_lowers_probe": [bool(b > a) for r in rows
                                                                   for b, a in zip(r["before_head"], r["after_head"])]})
    return rows, head_table(rows)
