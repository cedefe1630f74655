"""Reading double-descent sweeps: final errors, interpolation thresholds, test-error
peaks, means over seeds, and the measurements behind the scorecard.

Kept apart from ``double_descent`` (which trains) so that a change to how curves are
read never invalidates stored sweeps. Errors are in percent.
"""
from __future__ import annotations

from functools import partial
from typing import Sequence

import numpy as np
import pandas as pd

from .claims import Claim
from .double_descent import ABLATIONS, REPORT_BASE, ablation_computation
from .notebook import record_measurements
from .profiles import get_profile
from .seeds import Seeded, join_rows, member_seeds, split_rows

NO_PEAK_POINTS = 2.0  # a curve "has no peak" when it rises at most this far (points) above its minimum
RISE_CORRELATION = 0.9  # test error "rises" with label noise when their Spearman correlation reaches this


def final_table(sweep: dict) -> pd.DataFrame:
    """One row per member: its settings and final train/test error (%) and loss."""
    table = pd.DataFrame(sweep["members"])
    for key in ("train_err", "test_err", "train_loss", "test_loss"):
        table[key] = np.asarray(sweep[key])[:, -1]
    return table


def interpolation_threshold(widths: np.ndarray, train_err: np.ndarray) -> float | None:
    """The smallest width whose train error is 0 (None if none reaches it)."""
    zero = np.flatnonzero(np.asarray(train_err) == 0)
    return float(np.asarray(widths)[zero[0]]) if len(zero) else None


def second_peak(widths: np.ndarray, test_err: np.ndarray, train_err: np.ndarray) -> dict:
    """The second peak of a test-error curve over increasing widths.

    The classical minimum is the lowest test error at widths up to the
    interpolation threshold (all widths if it is never reached); the peak is the
    highest test error at or beyond it. ``height`` (points) is peak minus minimum:
    about 0 for a curve that only falls.
    """
    widths, test_err = np.asarray(widths), np.asarray(test_err)
    threshold = interpolation_threshold(widths, train_err)
    upto = len(widths) if threshold is None else int(np.flatnonzero(widths == threshold)[0]) + 1
    i_min = int(np.argmin(test_err[:upto]))
    i_peak = i_min + int(np.argmax(test_err[i_min:]))
    return {"width": float(widths[i_peak]), "index": i_peak, "height": float(test_err[i_peak] - test_err[i_min]),
            "threshold": threshold,
            "threshold_index": None if threshold is None else int(np.flatnonzero(widths == threshold)[0])}


def is_local_peak(x: np.ndarray, y: np.ndarray, at: float) -> bool:
    """Whether ``y`` at ``x == at`` is higher than at its neighbours on the grid ``x``
    (sorted); False when ``at`` is not on the grid."""
    hits = np.flatnonzero(np.asarray(x) == at)
    if not len(hits):
        return False
    i, y = int(hits[0]), np.asarray(y)
    neighbours = [y[j] for j in (i - 1, i + 1) if 0 <= j < len(y)]
    return bool(all(y[i] > n for n in neighbours))


def curve_features(table: pd.DataFrame, **where) -> pd.DataFrame:
    """Per seed, the features of one width curve: threshold, peak width and height,
    and whether the peak lies within one grid step of the threshold. ``where``
    selects the curve (e.g. ``architecture="mlp", label_noise=0.15``)."""
    rows = []
    part = table.loc[np.logical_and.reduce([table[k] == v for k, v in where.items()])] if where else table
    for seed, curve in part.sort_values("width").groupby("seed"):
        peak = second_peak(curve["width"].to_numpy(), curve["test_err"].to_numpy(),
                               curve["train_err"].to_numpy())
        at_threshold = peak["threshold_index"] is not None and abs(peak["index"] - peak["threshold_index"]) <= 1
        rows.append({"seed": seed, "threshold": peak["threshold"], "peak_width": peak["width"],
                     "peak_height": peak["height"], "peak_at_threshold": at_threshold})
    return pd.DataFrame(rows)


def seed_summary(table: pd.DataFrame, by: Sequence[str], values: Sequence[str] = ("train_err", "test_err")
                 ) -> pd.DataFrame:
    """Mean and std over seeds of ``values`` for each setting in ``by``; flat columns
    ``<value>_mean``, ``<value>_std``."""
    stats = table.groupby(list(by))[list(values)].agg(["mean", "std"])
    stats.columns = [f"{v}_{s}" for v, s in stats.columns]
    return stats.reset_index()


def chapter_measurements(mlp: pd.DataFrame, cnn: pd.DataFrame, label_noise: float) -> dict[str, list]:
    """Per seed, the scorecard measurements of the chapter from the final tables."""
    noisy = curve_features(mlp, label_noise=label_noise)
    clean = curve_features(mlp, label_noise=0.0)
    cnn_noisy = curve_features(cnn, label_noise=label_noise)
    return {
        "double_descent/mlp_noisy/peak_width": noisy["peak_width"].tolist(),
        "double_descent/mlp_noisy/peak_at_threshold": noisy["peak_at_threshold"].tolist(),
        "double_descent/mlp_noisy/peak_height": noisy["peak_height"].tolist(),
        "double_descent/mlp_clean/no_peak": (clean["peak_height"] <= NO_PEAK_POINTS).tolist(),
        "double_descent/cnn_noisy/peak_channels": cnn_noisy["peak_width"].tolist(),
        "double_descent/cnn_noisy/peak_at_threshold": cnn_noisy["peak_at_threshold"].tolist(),
    }


def ablation_measurements(ablation: str, table: pd.DataFrame) -> dict[str, list]:
    """Per seed, the quantities the seed report states for each ablation (section 2.1):
    ``depth``: the test error has a local peak at 2 hidden layers; ``label_noise``: test error
    rises with label noise (Spearman rank correlation >= ``RISE_CORRELATION``); ``width``: a test-error
    peak of more than 2 points above the classical minimum; ``dropout``: no dropout
    gives the lowest test error; ``dropout_noise``: the dropout rate with the lowest test
    error at the highest label noise (ours)."""
    column = ABLATIONS[ablation][0]
    out = {}
    if ablation == "dropout_noise":
        noisiest = table[table["label_noise"] == table["label_noise"].max()]
        best = noisiest.loc[noisiest.groupby("seed")["test_err"].idxmin()].sort_values("seed")
        return {"double_descent_dropout_noise/best_dropout_at_max_noise": best["dropout"].tolist()}
    for seed, part in table.sort_values(column if isinstance(column, str) else list(column)).groupby("seed"):
        x, train, test = part[column].to_numpy(), part["train_err"].to_numpy(), part["test_err"].to_numpy()
        if ablation == "depth":
            out.setdefault("double_descent_depth/peak_at_2_layers", []).append(is_local_peak(x, test, 2))
            out.setdefault("double_descent_depth/train_zero_from_2_layers", []).append(bool((train[x >= 2] == 0).all()))
        elif ablation == "label_noise":
            rho = pd.Series(test).corr(pd.Series(x), method="spearman")
            out.setdefault("double_descent_label_noise/test_error_rises", []).append(bool(rho >= RISE_CORRELATION))
            out.setdefault("double_descent_label_noise/train_zero_up_to_15", []).append(
                bool((train[x <= 0.15 + 1e-9] == 0).all() and (train[x > 0.15 + 1e-9] > 0).any()))
        elif ablation == "width":
            out.setdefault("double_descent_width/peak_height", []).append(second_peak(x, test, train)["height"])
        elif ablation == "dropout":
            for width, base in part.groupby("width"):
                claim = "no_dropout_best" if width != REPORT_BASE["width"] else "no_dropout_best_report_base"
                best = base.loc[base["test_err"].idxmin(), "dropout"]
                out.setdefault(f"double_descent_dropout/{claim}", []).append(bool(best == 0.0))
    return out




def ablation_seeded(ablation: str) -> Seeded:
    """One ablation's computation, per seed: a sweep's rows are its members. Dropout draws
    its masks for the whole stack from one generator, so a sweep with dropout is never split
    (every seed is computed afresh)."""
    return Seeded(lambda settings, device: ablation_computation(settings, ablation, device),
                  partial(split_rows, rows="members"), partial(join_rows, rows="members"),
                  seeds_of=member_seeds, splittable=lambda config: not any(m["dropout"] for m in config["members"]))


def ablation_results(run, settings, ablation: str, device: str = "auto") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train one ablation (``double_descent.ablation_computation``, stored by ``run``),
    record its seed-report measurements in ``run``, and return its final table (one row
    per run) and the mean ± std over seeds of each setting."""
    table = final_table(run.compute_seeds("sweep", ablation_seeded(ablation), settings, device))
    record_measurements(run, ablation_measurements(ablation, table))
    column = ABLATIONS[ablation][0]
    main = table[table["width"] != REPORT_BASE["width"]] if ablation == "dropout" else table
    return table, seed_summary(main, [column] if isinstance(column, str) else list(column))


def report_base_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The dropout ablation on the seed report's own model (``REPORT_BASE``): mean ± std
    over seeds of train and test error per dropout rate (empty when it was not run)."""
    return seed_summary(table[table["width"] == REPORT_BASE["width"]], ["dropout"])


# Claims --------------------------------------------------------------------------------------------------------
# What the paper (or the seed report) says that this chapter measures; the cause of each
# known miss (one of claims.CAUSE_KINDS, with a one-line reason: a "schedule" cause holds only
# off the paper profile); and, for the differences page, why we believe a miss at the one-hour
# full profile differs.

def _double_descent_claims() -> list[Claim]:
    noisy = "2-hidden-layer MLP, 15 % label noise"
    return [
        Claim("double_descent/mlp_noisy/peak_width", "double_descent",
              f"{noisy}: hidden units at the test-error peak (Fig. 5: ~50; authors' notebook: 47-61; "
              "tolerance 15, about one step of the width grid there)", 50.0, 15.0),
        Claim("double_descent/mlp_noisy/peak_at_threshold", "double_descent",
              f"{noisy}: the test-error peak lies at the interpolation threshold, the smallest width with "
              "0 % train error, within one step of the width grid (Fig. 5)", True),
        Claim("double_descent/mlp_noisy/peak_height", "double_descent",
              f"{noisy}: height of the test-error peak above the classical minimum (points; ours)", None),
        Claim("double_descent/mlp_clean/no_peak", "double_descent",
              "2-hidden-layer MLP without label noise: no test-error peak, i.e. test error rises at most 2 points "
              "above its classical minimum (Fig. 5)", True),
        Claim("double_descent/cnn_noisy/peak_channels", "double_descent",
              "CNN, 15 % label noise: channels at the test-error peak (authors' notebook: 18-20; tolerance 4, "
              "two steps of the channel grid)", 18.0, 4.0),
        Claim("double_descent/cnn_noisy/peak_at_threshold", "double_descent",
              "CNN, 15 % label noise: the test-error peak lies at the interpolation threshold, within one step "
              "of the channel grid (Fig. 5: the CNN behaves as the MLP)", True),
        Claim("double_descent_depth/peak_at_2_layers", "double_descent_depth",
              "MLP of fixed width, 15 % label noise: over 1-6 hidden layers the test error has a local peak at 2 "
              "layers, above 1 and 3 (seed report 2.1.1)", True),
        Claim("double_descent_depth/train_zero_from_2_layers", "double_descent_depth",
              "train error is 0 for 2 or more hidden layers (seed report 2.1.1: 'dropping to zero when the number "
              "of hidden layers reaches 2 or more')", True),
        Claim("double_descent_label_noise/test_error_rises", "double_descent_label_noise",
              "test error rises with the label-noise fraction, 0 to 0.5: Spearman correlation >= 0.9 (seed report "
              "2.1.2; nearly true by construction, since noisy labels cost test accuracy)", True),
        Claim("double_descent_label_noise/train_zero_up_to_15", "double_descent_label_noise",
              "train error stays 0 up to 15 % label noise and is above 0 beyond it (seed report 2.1.2: 'the "
              "training error remains zero until the label noise reaches 0.15. It then increases')", True),
        Claim("double_descent_width/peak_height", "double_descent_width",
              "3-hidden-layer MLP, 15 % label noise: height of the test-error peak over width (points; "
              "seed report 2.1.3 says the curve has the shape of the depth curve)", None),
        Claim("double_descent_dropout/no_dropout_best", "double_descent_dropout",
              "dropout does not help: the lowest test error is at dropout 0 (seed report 2.1.4)", True),
        Claim("double_descent_dropout/no_dropout_best_report_base", "double_descent_dropout",
              "on the seed report's own model (its Table 1: 1 hidden layer of 10 units, clean labels) dropout "
              "does not help: the lowest test error is at dropout 0 (seed report 2.1.4)", True),
        Claim("double_descent_dropout_noise/best_dropout_at_max_noise", "double_descent_dropout_noise",
              "the dropout rate with the lowest test error at the highest label-noise fraction (ours)", None),
    ]


CLAIMS = _double_descent_claims()
CAUSES = {
    "double_descent/cnn_noisy/peak_channels": ("schedule", "fewer CNN epochs move the threshold and the peak"),
    "double_descent/cnn_noisy/peak_at_threshold": (
        "genuine", "the CNN's test-error peak sits two grid steps below its threshold, on a nearly flat curve"),
    "double_descent_depth/peak_at_2_layers": ("schedule", "the peak at 2 layers needs 150+ epochs"),
    "double_descent_dropout/no_dropout_best": (
        "method", "our base sits at the noisy interpolation threshold, where dropout helps; the seed report's "
                  "base was 10 units, 1 layer"),
}
_FULL, _PAPER = get_profile("full").double_descent, get_profile("paper").double_descent
_ABL = get_profile("full").dd_ablations
_CNN = (f"the CNN trains {_FULL.cnn_epochs} epochs (paper {_PAPER.cnn_epochs}) over channels "
        f"{_FULL.cnn_channels[0]}-{max(_FULL.cnn_channels)} (paper up to {max(_PAPER.cnn_channels)})")
_MLP = f"{_FULL.epochs} epochs instead of {_PAPER.epochs}"
_ABLATION = f"width {_ABL.width}, {_ABL.epochs} epochs (the chapter's {_PAPER.epochs} shortened)"

EXPLANATIONS = {
    "double_descent/cnn_noisy/peak_channels":
        f"For time, {_CNN}. The chapter says fewer epochs fit less, moving the interpolation threshold and the "
        "peak to more channels, so the position is not comparable with the paper's.",
    "double_descent/cnn_noisy/peak_at_threshold":
        f"At the full profile {_CNN}, which moves the threshold to more channels. At the paper's own settings the "
        "peak does not sit at the threshold either: it lies below it by more than one grid step, where the CNN's "
        "test error is nearly flat across the channels up to its threshold, so its highest point is not sharply "
        "placed. A seed with no width at 0 % train error counts as a miss.",
    "double_descent_dropout/no_dropout_best":
        f"The chapter expects regularisation could help here: the ablation's width ({_ABL.width}) sits near the "
        f"interpolation threshold under {_ABL.label_noise * 100:g} % label noise, where double descent peaks. The seed "
        f"report states neither width, schedule nor dropout placement; ours is dropout after each hidden ReLU, "
        f"{_ABL.epochs} epochs.",
    "double_descent/mlp_noisy/peak_width":
        f"The full profile trains {_MLP} (the chapter says the noisy MLPs interpolate well before either), and we "
        "locate the peak per seed, each with its own draw of noisy labels, where the paper shows one run.",
    "double_descent/mlp_noisy/peak_at_threshold":
        f"No explanation found in the chapter. It lists {_MLP} and a threshold and peak located per seed, each "
        "seed with its own noisy labels, where the paper shows a single run.",
    "double_descent/mlp_clean/no_peak":
        "No explanation found in the chapter. Ours, like the authors' notebook (a deep copy of the data), trains "
        f"the clean curve on clean labels; our 'no peak' test allows test error to rise at most {NO_PEAK_POINTS:g} "
        "points above its classical minimum.",
    "double_descent_depth/peak_at_2_layers":
        f"The seed report used one run and did not state its width or schedule; we use {_ABLATION} and several "
        "seeds.",
    "double_descent_label_noise/test_error_rises":
        f"The seed report's width and schedule are not stated; ours are {_ABLATION}, and 'rises' is our per-seed "
        f"Spearman correlation of at least {RISE_CORRELATION:g} over noise levels {_ABL.noise_levels[0]:g} to "
        f"{_ABL.noise_levels[-1]:g}.",
}
