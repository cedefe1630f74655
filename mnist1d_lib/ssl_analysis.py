"""Reading the self-supervised and projection-head results: tables, curves and the
measurements behind the scorecard (kept apart from ``ssl`` so that changing how
results are read never invalidates a stored run). Accuracies in %.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from .claims import Claim
from . import ssl
from .notebook import record_measurements
from .reference import ssl_probe_per_layer
from .profiles import get_profile
from .seeds import Seeded, join_leading, split_leading

PAPER_ISOLATED = (0, 3, 6, 8)  # digits the paper's t-SNE shows as isolated clusters
_AUTHORS = ssl_probe_per_layer()  # the authors' single run of each variant, pixels first (reference data)


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
        **{f"self_supervised/{name}": values for name, values in layer_probes(result).items()},
    }


def layer_probes(result: dict) -> dict[str, list[float]]:
    """Per seed: the best layer's probe accuracy (%) of the deep and the no-projector
    variants, and the probe of H (the encoder output) without a projector."""
    out = {}
    for name in ("deep", "none"):
        probes = np.asarray(variant(result, name)["probes"])[:, 1:]  # (seeds, layers), pixels left out
        out[f"best_layer_{name}"] = probes.max(1).tolist()
    none = variant(result, "none")
    out["probe_h_no_projector"] = np.asarray(none["probes"])[:, none["layers"].index("conv3 (H)")].tolist()
    return out


# The chapter's and the head study's computations, per seed. Lists that are not per seed:
# the probe epochs, the layer names and the t-SNE maps (of the first seed)
_SHARED = frozenset({"epoch", "layers", "tsne_before", "tsne_after", "tsne_y"})
CHAPTER = Seeded(ssl.chapter_computation, partial(split_leading, shared=_SHARED),
                 partial(join_leading, shared=_SHARED), first_seed_only=True)
HEADS = Seeded(ssl.head_computation, split_leading, join_leading, field="head_seeds")


def chapter_results(run, settings, device: str) -> dict:
    """Train (or load) the chapter in ``run`` and record its measurements."""
    result = run.compute_seeds("chapter", CHAPTER, settings, device)
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
    rows = run.compute_seeds("heads", HEADS, settings, device)
    record_measurements(run, {"self_supervised_projector/head_lowers_probe": [bool(b > a) for r in rows
                                                                   for b, a in zip(r["before_head"], r["after_head"])]})
    return rows, head_table(rows)


# Claims --------------------------------------------------------------------------------------------------------
# What the paper (or the seed report) says that this chapter measures; the cause of each
# known miss (one of claims.CAUSE_KINDS, with a one-line reason: a "schedule" cause holds only
# off the paper profile); and, for the differences page, why we believe a miss at the one-hour
# full profile differs.

CLAIMS = [
        Claim("self_supervised/probe_before_projector", "self_supervised",
              "linear-probe test accuracy (%) of H, the encoder output before the projector, probe run to "
              "convergence (Fig. 8: 82; authors' notebook 82.1, probe with tol 1e-2; tolerance 3)", 82.0, 3.0),
        Claim("self_supervised/pixel_probe", "self_supervised",
              "the same probe on the raw signals (Fig. 8: 33; authors' notebook 32.8; tolerance 1)", 32.8, 1.0),
        Claim("self_supervised/knn_output", "self_supervised",
              "kNN (k=10, cosine) test accuracy (%) on the projector output Z after training (authors' notebook "
              "74.1; tolerance 3)", 74.1, 3.0),
        Claim("self_supervised/best_layer_deep", "self_supervised",
              "the best layer's linear-probe test accuracy (%) with the deep projector (Fig. 8; authors' notebook "
              f"{max(_AUTHORS['deep'][1:]):g}; tolerance 3)", max(_AUTHORS["deep"][1:]), 3.0),
        Claim("self_supervised/best_layer_none", "self_supervised",
              "the best layer's linear-probe test accuracy (%) without a projector (Fig. 8; authors' notebook "
              f"{max(_AUTHORS['none'][1:]):g}; tolerance 3)", max(_AUTHORS["none"][1:]), 3.0),
        Claim("self_supervised/probe_h_no_projector", "self_supervised",
              "without a projector, the probe of H, the encoder output, falls far below the best layer (Fig. 8; "
              f"authors' notebook {_AUTHORS['none'][-1]:g}; tolerance 5)", _AUTHORS["none"][-1], 5.0),
        Claim("self_supervised/peak_mid_network", "self_supervised",
              "the probe accuracy peaks before the last layer, for the default, deep and no projector "
              "(Fig. 8; one value per variant and seed)", True),
        Claim("self_supervised/isolated_digits", "self_supervised",
              "how many of the paper's isolated t-SNE clusters (digits 0, 3, 6, 8) are among the 4 digits with "
              "the highest class silhouette in Z (Fig. 8: 4; tolerance 1)", 4.0, 1.0),
        Claim("self_supervised_projector/head_lowers_probe", "self_supervised_projector",
              "the probe reads more from H (before the head) than from Z (after it), for every head depth, width "
              "and output size (seed report 2.5.2; shorter training; ours)", None),
]
CAUSES = {
    "self_supervised/knn_output": (
        "method", "the paper's 74.1 is one run; ours is a mean over seeds with their own augmentations"),
}
_FULL, _PAPER = get_profile("full").ssl, get_profile("paper").ssl

EXPLANATIONS = {
    "self_supervised/knn_output":
        "No explanation specific to the kNN accuracy found in the chapter. Its listed differences are several "
        "seeds, each with its own weights, batch order and augmentations, against the authors' single run, and, "
        f"at the full profile, probes every {_FULL.eval_every} epochs of {_FULL.epochs} instead of every "
        f"{_PAPER.eval_every} of {_PAPER.epochs}.",
    "self_supervised/probe_before_projector":
        "Our probe runs to convergence, where the authors' tol=1e-2 stops early and depends on the scikit-learn "
        "version; and the paper's 82 % is one run (the authors' second gave 81.5), against our mean over seeds "
        "with their own weights, batches and augmentations.",
    "self_supervised/pixel_probe":
        "Our probe runs to convergence (scikit-learn's default tolerance, up to 5000 iterations), where the "
        "authors' tol=1e-2 stops L-BFGS after about 11 iterations; the chapter gives no other reason for the "
        "pixel baseline.",
    "self_supervised/peak_mid_network":
        "No explanation found in the chapter. It checks every projector variant and seed separately, with a probe "
        "run to convergence, where the paper shows one run per variant.",
    "self_supervised/isolated_digits":
        "We measure isolation as each digit's cosine silhouette in Z, over several seeds, instead of reading the "
        "paper's single t-SNE map by eye; the chapter gives no further explanation.",
}
