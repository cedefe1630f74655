"""The paper's claims and the verdicts our results give them.

Each ``Claim`` names the paper's value and where it comes from; notebooks record
the matching measurement with ``Run.record(claim_id, values)``. A verdict is

* numbers: ``reproduced`` when the mean over seeds lies within ``tolerance`` of
  the paper's value, ``partial`` within twice that, else ``not reproduced``;
* yes/no claims: ``reproduced`` when it holds for every seed, ``partial`` for
  some, ``not reproduced`` for none;
* ``new`` for our additions (no paper value), ``not run`` without a result.

``write_scorecard(profile)`` writes ``results/<profile>/scorecard.csv``;
``report`` turns it into the book's pages.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .files import atomic_write_text
from .results import load_results, results_dir

COLUMNS = ["claim_id", "section", "description", "paper", "reproduced", "spread", "n_seeds", "verdict"]
VERDICTS = ("reproduced", "partial", "not reproduced", "new", "not run")


@dataclass(frozen=True)
class Claim:
    claim_id: str
    section: str  # the notebook that measures it
    description: str  # what is claimed, with the figure/table it comes from
    paper: float | bool | None  # None: our addition
    tolerance: float = 0.0  # numbers only: allowed |ours - paper|
    paper_spread: float | None = None  # the paper's own ± (std over its runs), where it states one

    def verdict(self, values: list | None) -> str:
        if values is None:
            return "not run"
        if self.paper is None:
            return "new"
        if isinstance(self.paper, bool):
            held = sum(bool(v) for v in values)
            return "reproduced" if held == len(values) else "partial" if held else "not reproduced"
        clean = [v for v in values if v is not None]
        if not clean:
            return "not reproduced"  # every run diverged
        gap = abs(float(np.mean(clean)) - self.paper)
        return "reproduced" if gap <= self.tolerance else "partial" if gap <= 2 * self.tolerance else "not reproduced"


def table1_claim_id(data_name: str, model: str) -> str:
    """Claim id of a Table 1 test accuracy: data ``original`` or ``shuffled``."""
    return f"classification/{'' if data_name == 'original' else data_name + '/'}{model}/test_acc"


def _classification_claims() -> list[Claim]:
    # Table 1: mean +- std over 3 runs; tolerance = twice the paper's std
    table1 = {"logistic": (32, 1, 32, 1), "mlp": (68, 2, 68, 2), "cnn": (94, 2, 56, 2), "gru": (91, 2, 57, 2)}
    claims = []
    for model, (acc, std, acc_shuffled, std_shuffled) in table1.items():
        claims.append(Claim(table1_claim_id("original", model), "classification",
                            f"{model} test accuracy (%), final step (Table 1: {acc} ± {std}; tolerance 2 std)",
                            float(acc), 2.0 * std, float(std)))
        claims.append(Claim(table1_claim_id("shuffled", model), "classification",
                            f"{model} test accuracy (%) on feature-shuffled data, final step "
                            f"(Table 1: {acc_shuffled} ± {std_shuffled}; tolerance 2 std)",
                            float(acc_shuffled), 2.0 * std_shuffled, float(std_shuffled)))
    claims += [
        Claim("classification/nonlinear_train_acc_100", "classification",
              "MLP, CNN and GRU reach 100% train accuracy, on original and shuffled data (Sec. 3)", True),
        Claim("classification/shuffle_drop_cnn_gru", "classification",
              "feature shuffling costs CNN and GRU ~35 points of test accuracy (Table 1: mean of 38 and 34; "
              "tolerance 5)", 36.0, 5.0),
        Claim("classification/mlp_best_shuffled", "classification",
              "on feature-shuffled data the MLP has the best test accuracy (Table 1)", True),
        Claim("classification/early_stopped_gain", "classification",
              "test accuracy gained (points, mean over models) by early stopping on a validation split "
              "instead of the final step (ours)", None),
    ]
    return claims


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
        Claim("double_descent_label_noise/test_error_rises", "double_descent_label_noise",
              "test error rises with the label-noise fraction, 0 to 0.5: Spearman correlation >= 0.9 "
              "(seed report 2.1.2)", True),
        Claim("double_descent_width/peak_height", "double_descent_width",
              "3-hidden-layer MLP, 15 % label noise: height of the test-error peak over width (points; "
              "seed report 2.1.3 says the curve has the shape of the depth curve)", None),
        Claim("double_descent_dropout/no_dropout_best", "double_descent_dropout",
              "dropout does not help: the lowest test error is at dropout 0 (seed report 2.1.4)", True),
        Claim("double_descent_dropout_noise/best_dropout_at_max_noise", "double_descent_dropout_noise",
              "the dropout rate with the lowest test error at the highest label-noise fraction (ours)", None),
    ]


def _metalearn_claims() -> list[Claim]:
    afunc = "learned activation (ELU + meta-MLP), test accuracy (%) of an MLP retrained from 5 fresh seeds"
    short = "a shorter outer schedule than the chapter's (see the notebook); accuracy over 5 fresh seeds"
    return [
        Claim("metalearn_lr/converged_lr", "metalearn_lr",
              "metalearned SGD learning rate after the outer steps, mean of the starts 0.15 and 1.5 (Fig. 6: 0.62; "
              "tolerance 0.06, 10 %)", 0.62, 0.06),
        Claim("metalearn_lr/starts_agree", "metalearn_lr",
              "the starts 0.15 and 1.5 converge to the same learning rate, within 10 % (Fig. 6)", True),
        Claim("metalearn_lr/grid_minimum_agrees", "metalearn_lr",
              "the minimum of the outer objective over a grid of fixed learning rates lies within a factor 1.25 "
              "of the metalearned rate (ours)", None),
        Claim("metalearn_lr_init/starts_converge", "metalearn_lr_init",
              "every initial learning rate from 0.05 to 2.5 that does not diverge converges to the same rate, "
              "within 10 % (seed report 2.2.1; the notebook lists the starts that diverge)", True),
        Claim("metalearn_lr_hidden/saturates", "metalearn_lr_hidden",
              "for every hidden size the learned rate saturates: the means of its last two blocks of 10 outer steps "
              "differ by at most 5 % (seed report 2.2.2)", True),
        Claim("metalearn_lr_meta_lr/smallest_moves", "metalearn_lr_meta_lr",
              "how far the smallest meta learning rate moves the learned rate, as a fraction of the largest's "
              "move (seed report 2.2.3: all move towards saturation; ours)", None),
        Claim("metalearn_lr_stability/largest_stable_meta_lr", "metalearn_lr_stability",
              "largest meta learning rate of the grid below which no run diverges, i.e. reaches inf, NaN or a "
              "meta-loss above 100 nats (seed report 2.2.4: 0.35, with 0.3 already blowing up; tolerance 0.05)",
              0.35, 0.05),
        Claim("metalearn_afunc/beats_relu_elu_swish", "metalearn_afunc",
              f"{afunc}: more than 5 points above the best of ReLU, ELU and Swish (Fig. 7)", True),
        Claim("metalearn_afunc/gain_over_relu_elu_swish", "metalearn_afunc",
              f"{afunc}: points above the best of ReLU, ELU and Swish, seed by seed (ours)", None),
        Claim("metalearn_afunc/learned_acc", "metalearn_afunc",
              f"{afunc} (authors' notebook: 68.4 after 301 outer steps, one seed; ours: fewer outer steps on a "
              "CPU, see the chapter; tolerance 2)", 68.4, 2.0),
        Claim("metalearn_afunc/piecewise_fit_acc", "metalearn_afunc",
              "test accuracy (%) with a piecewise-linear fit of the learned activation (knots at -5..5), 5 fresh "
              "seeds (their run: 66.4; tolerance 2)", 66.4, 2.0),
        Claim("metalearn_afunc/non_monotonic", "metalearn_afunc",
              "the learned activation is non-monotonic on [-5, 5] (Fig. 7)", True),
        Claim("metalearn_afunc/n_extrema", "metalearn_afunc",
              "local extrema of the learned activation on [-5, 5], turns of at least 0.02 (Fig. 7: two)", 2.0, 0.0),
        Claim("metalearn_afunc_mu/mu_1_worst", "metalearn_afunc_mu",
              "RMSprop decay mu = 1 (no adaptation: plain SGD at lr 0.01) is worst by more than 10 points "
              f"(seed report 2.3.1: 30.4 % against 64-68 %; {short})", True),
        Claim("metalearn_afunc_hidden/acc_rises_with_width", "metalearn_afunc_hidden",
              "test accuracy rises with the hidden size, 50 to 500: Spearman correlation >= 0.9 "
              f"(seed report 2.3.2, 50-200 only: 59.4, 63.4, 69.0; {short})", True),
        Claim("metalearn_afunc_hidden/graph_mb_widest", "metalearn_afunc_hidden",
              "peak autograd graph (MB) of the widest inner MLP's unroll, with checkpointing (seed report 2.3.2: "
              "out of memory above 200 units; ours)", None),
        Claim("metalearn_afunc_noise/no_effect", "metalearn_afunc_noise",
              "removing the hidden-unit noise changes test accuracy by at most 2 points (seed report 2.3.3: "
              f"67.4 with, 67.6 without; {short})", True),
    ]


def _lottery_claims() -> list[Claim]:
    short = "shorter schedule than the chapter"
    claims = [
        Claim("lottery/ticket_beats_random_high_sparsity", "lottery",
              "the ticket (magnitude pruning, rewound) beats a random mask of equal sparsity at every round of "
              "sparsity >= 0.9 (Fig. 4b)", True),
        Claim("lottery/ticket_beats_dense", "lottery",
              "the ~92 % sparse ticket (round 91) has a higher final test accuracy than the dense network "
              "(Fig. 4b)", True),
        Claim("lottery/beats_dense_up_to", "lottery",
              "highest sparsity of the schedule at which the ticket still beats the dense network (paper: "
              "'even above 95 %'; ours)", None),
        Claim("lottery/asymptote_acc_92", "lottery",
              "test accuracy (%) of the ~92 % ticket retrained on new data (seed 43), batch 500 (Fig. 4c: ~70; "
              "tolerance 3)", 70.0, 3.0),
        Claim("lottery/flipped_acc", "lottery",
              "test accuracy (%) of the ~92 % ticket retrained on time-flipped new data (Fig. 4d: ~70; "
              "tolerance 3)", 70.0, 3.0),
        Claim("lottery/shuffled_worse_than_dense", "lottery",
              "on feature-shuffled new data the ticket is worse than the dense network (Fig. 4d)", True),
        Claim("lottery/reinit_beats_dense", "lottery",
              "the ticket's mask on new random weights (seed + 1) still beats a dense network from those weights "
              "(authors' notebook)", True),
        Claim("lottery/mask_adjacency_p", "lottery",
              "permutation p-value of the ticket's adjacent kept first-layer weights against random masks with "
              "the same kept inputs per unit (Fig. 4e shows it qualitatively; ours)", None),
        Claim("lottery/mask_adjacency_p_margins", "lottery",
              "the same p-value against random masks that also keep each input's number of units (so that "
              "favouring some input positions is not counted as local; ours)", None),
        Claim("lottery_schedule/linear_not_worse", "lottery_schedule",
              "a linear sparsity schedule gives a ticket at least as accurate as an exponential one at the same "
              f"final sparsity (seed report 2.4.2; {short})", True),
        Claim("lottery_schedule/linear_minus_exponential", "lottery_schedule",
              f"ticket test accuracy (points), linear minus exponential schedule, final round ({short}; ours)", None),
        Claim("lottery_init/xavier_within_2_points", "lottery_init",
              f"Xavier instead of PyTorch's default initialisation changes the ticket's accuracy by at most 2 points "
              f"(seed report 2.4.3: 'not much difference'; {short})", True),
        Claim("lottery_init/xavier_minus_default", "lottery_init",
              f"ticket test accuracy (points), Xavier minus default initialisation, final round ({short}; ours)", None),
    ]
    for perturbation in ("none", "input_noise", "label_noise", "crop"):
        claims.append(Claim(f"lottery_perturbation/ticket_beats_random/{perturbation}", "lottery_perturbation",
                            f"perturbation '{perturbation}': the ticket beats a random mask at the final "
                            f"(~92 %) sparsity (seed report 2.4.1; {short}; ours)", None))
    for lr in ("0.005", "0.02", "0.05"):
        claims.append(Claim(f"lottery_lr/ticket_beats_random/{lr}", "lottery_lr",
                            f"Adam lr {lr}: the ticket beats a random mask at the final (~92 %) sparsity "
                            f"(seed report 2.4.4; {short}; ours)", None))
    return claims


def _ssl_and_pooling_claims() -> list[Claim]:
    return [
        Claim("ssl/probe_before_projector", "ssl",
              "linear-probe test accuracy (%) of H, the encoder output before the projector, probe run to "
              "convergence (Fig. 8: 82; authors' notebook 82.1, probe with tol 1e-2; tolerance 3)", 82.0, 3.0),
        Claim("ssl/pixel_probe", "ssl",
              "the same probe on the raw signals (Fig. 8: 33; authors' notebook 32.8; tolerance 1)", 32.8, 1.0),
        Claim("ssl/knn_output", "ssl",
              "kNN (k=10, cosine) test accuracy (%) on the projector output Z after training (authors' notebook "
              "74.1; tolerance 3)", 74.1, 3.0),
        Claim("ssl/peak_mid_network", "ssl",
              "the probe accuracy peaks before the last layer, for the default, deep and no projector "
              "(Fig. 8; one value per variant and seed)", True),
        Claim("ssl/isolated_digits", "ssl",
              "how many of the paper's isolated t-SNE clusters (digits 0, 3, 6, 8) are among the 4 digits with "
              "the highest class silhouette in Z (Fig. 8: 4; tolerance 1)", 4.0, 1.0),
        Claim("ssl_projector/head_lowers_probe", "ssl_projector",
              "the probe reads more from H (before the head) than from Z (after it), for every head depth, width "
              "and output size (seed report 2.5.2; shorter training; ours)", None),
        Claim("pooling/helps_low_data", "pooling",
              "at the smallest training set (1k) every pooling method (max, average, L2) beats both no pooling and "
              "stride 2 (Fig. 9)", True),
        Claim("pooling/gap_shrinks", "pooling",
              "the margin of pooling over no pooling and striding is smaller at 50k training signals than at 1k "
              "(Fig. 9)", True),
        Claim("pooling/gap_low_data", "pooling",
              "worst pooling minus best non-pooling test accuracy at 1k (points; authors' notebook: 77.2 - 59.2 "
              "= 18.0; tolerance 5)", 18.0, 5.0),
        Claim("pooling/gap_high_data", "pooling",
              "worst pooling minus best non-pooling test accuracy at 50k (points; authors' notebook: 97.1 - 96.3 "
              "= 0.8; tolerance 2)", 0.8, 2.0),
    ]


CLAIMS: list[Claim] = [
    Claim("dataset/frozen_equal", "dataset",
          "mnist1d.make_dataset with the paper's arguments (Table 2) equals the frozen mnist1d_data.pkl "
          "(x within 1e-12, labels exact)", True),
    Claim("dataset/knn_pixel_acc", "dataset",
          "kNN (k=10) test accuracy (%) in pixel space (authors' notebook: 59.6; tolerance 1)", 59.6, 1.0),
    Claim("dataset/logistic_pixel_acc", "dataset",
          "standardised logistic regression test accuracy (%) in pixel space (authors' notebook: 32.8; "
          "tolerance 1)", 32.8, 1.0),
    Claim("dataset/tsne_2d_digits_separate_better", "dataset",
          "a 2-D digit set forms clearer t-SNE class clusters than MNIST-1D: higher silhouette of the labels "
          "in the t-SNE map (Fig. 3)", True),
    *_classification_claims(),
    *_double_descent_claims(),
    *_metalearn_claims(),
    *_lottery_claims(),
    *_ssl_and_pooling_claims(),
]
CLAIMS_BY_ID = {c.claim_id: c for c in CLAIMS}


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: ""}[value]
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def scorecard_rows(results: dict[str, dict]) -> list[dict]:
    """One row per claim (in ``CLAIMS`` order) from a profile's notebook results."""
    recorded = {}
    for doc in results.values():
        recorded.update(doc.get("metrics", {}))
    unknown = set(recorded) - set(CLAIMS_BY_ID)
    if unknown:
        raise ValueError(f"results record claims that the scorecard does not know: {sorted(unknown)}")
    rows = []
    for claim in CLAIMS:
        values = recorded.get(claim.claim_id, {}).get("values")
        numeric = values is not None and values and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in values if v is not None)
        if values is None:
            reproduced, spread = "", ""
        elif numeric:
            clean = [v for v in values if v is not None]
            reproduced = f"{np.mean(clean):.2f}" if clean else "diverged"
            spread = f"{np.std(clean, ddof=1):.2f}" if len(clean) > 1 else ""  # one value: no spread
        else:
            held = sum(bool(v) for v in values)
            reproduced = f"{'yes' if held == len(values) else 'no'} ({held}/{len(values)})"
            spread = ""
        rows.append({"claim_id": claim.claim_id, "section": claim.section, "description": claim.description,
                     "paper": _fmt(claim.paper), "reproduced": reproduced, "spread": spread,
                     "n_seeds": len(values) if values is not None else 0, "verdict": claim.verdict(values)})
    return rows


def write_scorecard(profile: str) -> list[dict]:
    """Write ``results/<profile>/scorecard.csv`` and return its rows."""
    rows = scorecard_rows(load_results(profile))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(results_dir(profile) / "scorecard.csv", buf.getvalue())
    return rows


def verdict_table(metrics: dict, section: str):
    """The scorecard rows of one notebook's section, from its recorded metrics, as a
    DataFrame (for the end of each chapter)."""
    import pandas as pd

    rows = [r for r in scorecard_rows({"this run": {"metrics": metrics}}) if r["section"] == section]
    return pd.DataFrame(rows).drop(columns=["section"])
