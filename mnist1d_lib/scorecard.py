"""The paper's claims and the verdicts our results give them, with their uncertainty.

Each ``Claim`` names the paper's value and where it comes from; notebooks record
the matching measurement with ``Run.record(claim_id, values)`` (one value per seed).
A verdict accounts for seed-to-seed spread:

* numbers: the 95 % interval of (our mean - the paper's value), from Student's t over
  our seeds (``evidence``). Where the paper states a spread over its own runs, it enters
  through the tolerance (Table 1: twice the paper's std), not the interval, so that
  enough seeds can always settle a claim.
  ``reproduced`` when the whole interval lies within ``tolerance``, ``partial`` when it
  lies outside the tolerance but within twice it, ``not reproduced`` when it lies beyond
  twice the tolerance, and ``inconclusive`` when it straddles a boundary (more seeds would
  settle it). A single value (a deterministic quantity) is compared as it is.
* yes/no claims: k of n seeds hold, with a Wilson 95 % interval for the rate.
  ``reproduced`` when all hold (n >= 3; fewer is ``inconclusive``), ``not reproduced``
  when none do, else ``partial``: a claim whose seeds disagree is never reproduced.
* ``new`` for our additions (no paper value), ``not run`` without a result.

Every partial, not-reproduced or inconclusive row carries a ``cause`` (``schedule``,
``method``, ``underpowered`` or ``genuine``) and a one-line reason (``CAUSES``).
``write_scorecard(profile)`` writes ``results/<profile>/scorecard.csv``; ``report``
turns it into the book's pages.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .files import atomic_write_text
from .profiles import paper_rounds
from .results import load_results, results_dir

COLUMNS = ["claim_id", "section", "description", "paper", "reproduced", "spread", "interval", "n_seeds",
           "verdict", "cause", "reason"]
VERDICTS = ("reproduced", "partial", "inconclusive", "not reproduced", "new", "not run")
MISSES = ("partial", "inconclusive", "not reproduced")
CAUSE_KINDS = ("schedule", "method", "underpowered", "genuine")
MIN_SEEDS_FOR_YES = 3  # a yes/no claim held by fewer seeds than this is inconclusive


@dataclass(frozen=True)
class Evidence:
    """What a claim's values say: ``mean`` (numbers) or ``held`` of ``n`` (yes/no), and the
    95 % ``interval``: of (our mean - paper) for numbers, of the holding rate for yes/no."""

    n: int
    mean: float | None = None
    held: int | None = None
    interval: tuple[float, float] | None = None


def wilson_interval(held: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score 95 % interval of a rate observed as ``held`` of ``n``."""
    if n == 0:
        return 0.0, 1.0
    p = held / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Claim:
    claim_id: str
    section: str  # the notebook that measures it
    description: str  # what is claimed, with the figure/table it comes from
    paper: float | bool | None  # None: our addition
    tolerance: float = 0.0  # numbers only: allowed |ours - paper|
    paper_spread: float | None = None  # the paper's own std over its runs, where it states one (shown)
    deterministic: bool = False  # measured once, with no seed-to-seed spread (e.g. a data check)

    def evidence(self, values: list) -> Evidence:
        """Mean or count and 95 % interval of ``values`` (one per seed; None: a diverged run)."""
        if isinstance(self.paper, bool):
            held = sum(bool(v) for v in values)
            return Evidence(n=len(values), held=held, interval=wilson_interval(held, len(values)))
        clean = np.asarray([v for v in values if v is not None], dtype=float)
        if not len(clean):
            return Evidence(n=0)
        mean = float(clean.mean())
        if len(clean) < 2 or self.paper is None:
            return Evidence(n=len(clean), mean=mean)
        half = float(stats.t.ppf(0.975, len(clean) - 1) * math.sqrt(clean.var(ddof=1) / len(clean)))
        gap = mean - float(self.paper)
        return Evidence(n=len(clean), mean=mean, interval=(gap - half, gap + half))

    def verdict(self, values: list | None) -> str:
        if values is None:
            return "not run"
        if self.paper is None:
            return "new"
        ev = self.evidence(values)
        if isinstance(self.paper, bool):
            if ev.held == 0:
                return "not reproduced"
            if ev.held < ev.n:
                return "partial"
            return "reproduced" if ev.n >= MIN_SEEDS_FOR_YES or self.deterministic else "inconclusive"
        if ev.mean is None:
            return "not reproduced"  # every run diverged
        low, high = ev.interval or (ev.mean - self.paper,) * 2
        tol = self.tolerance
        if -tol <= low and high <= tol:
            return "reproduced"
        if high < -2 * tol or low > 2 * tol:
            return "not reproduced"
        if (high < -tol or low > tol) and -2 * tol <= low and high <= 2 * tol:
            return "partial"
        return "inconclusive"


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
              "every initial learning rate from 0.05 to 2.5 converges to the same rate, within 10 %; a start that "
              "diverges counts as a failure (seed report 2.2.1)", True),
        Claim("metalearn_lr_init/stable_starts_agree", "metalearn_lr_init",
              "the starts that do not diverge converge to the same rate, within 10 % (ours: the claim above "
              "counts a diverging start as a failure)", None),
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
        Claim("metalearn_afunc_mu/mu_05_best", "metalearn_afunc_mu",
              "RMSprop decay mu = 0.5 gives the highest test accuracy of the mu values (seed report 2.3.1)", True),
        Claim("metalearn_afunc_hidden/acc_rises_with_width", "metalearn_afunc_hidden",
              "test accuracy rises with the hidden size (50 to 200): Spearman correlation >= 0.9 "
              f"(seed report 2.3.2: 59.4, 63.4, 69.0; {short})", True),
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
        Claim("lottery/beats_dense_above_95", "lottery",
              "the ticket still beats the dense network at some sparsity above 95 % (Fig. 4b: 'even above 95 %')",
              True),
        Claim("lottery/random_below_dense_92", "lottery",
              "a random mask of the ticket's ~92 % sparsity is below the dense network (Fig. 4b)", True),
        Claim("lottery/spatial_prior", "lottery",
              "the ticket's first-layer mask keeps adjacent inputs together more than chance: p < 0.05 against "
              "random masks that keep each unit's and each input's number of kept weights (the margins null; the "
              "looser per-unit null is shown beside it) (Fig. 4e)", True),
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
        Claim("self_supervised/probe_before_projector", "self_supervised",
              "linear-probe test accuracy (%) of H, the encoder output before the projector, probe run to "
              "convergence (Fig. 8: 82; authors' notebook 82.1, probe with tol 1e-2; tolerance 3)", 82.0, 3.0),
        Claim("self_supervised/pixel_probe", "self_supervised",
              "the same probe on the raw signals (Fig. 8: 33; authors' notebook 32.8; tolerance 1)", 32.8, 1.0),
        Claim("self_supervised/knn_output", "self_supervised",
              "kNN (k=10, cosine) test accuracy (%) on the projector output Z after training (authors' notebook "
              "74.1; tolerance 3)", 74.1, 3.0),
        Claim("self_supervised/peak_mid_network", "self_supervised",
              "the probe accuracy peaks before the last layer, for the default, deep and no projector "
              "(Fig. 8; one value per variant and seed)", True),
        Claim("self_supervised/isolated_digits", "self_supervised",
              "how many of the paper's isolated t-SNE clusters (digits 0, 3, 6, 8) are among the 4 digits with "
              "the highest class silhouette in Z (Fig. 8: 4; tolerance 1)", 4.0, 1.0),
        Claim("self_supervised_projector/head_lowers_probe", "self_supervised_projector",
              "the probe reads more from H (before the head) than from Z (after it), for every head depth, width "
              "and output size (seed report 2.5.2; shorter training; ours)", None),
        Claim("pooling/stride_not_better", "pooling",
              "striding (stride 2) is no better than no pooling at any training-set size (Fig. 9; authors' "
              "notebook: below it at all six sizes)", True),
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
              "= 0.8; tolerance 1, so that a reversed sign is not a match)", 0.8, 1.0),
    ]


CLAIMS: list[Claim] = [
    Claim("dataset/frozen_equal", "dataset",
          "mnist1d.make_dataset with the paper's arguments (Table 2) equals the frozen mnist1d_data.pkl "
          "(x within 1e-12, labels exact)", True, deterministic=True),
    Claim("dataset/knn_pixel_acc", "dataset",
          "kNN (k=10) test accuracy (%) in pixel space (authors' notebook: 59.6; tolerance 1)", 59.6, 1.0,
          deterministic=True),
    Claim("dataset/logistic_pixel_acc", "dataset",
          "standardised logistic regression test accuracy (%) in pixel space (authors' notebook: 32.8; "
          "tolerance 1)", 32.8, 1.0, deterministic=True),
    Claim("dataset/tsne_2d_digits_separate_better", "dataset",
          "a 2-D digit set forms clearer t-SNE class clusters than MNIST-1D: higher silhouette of the labels "
          "in the t-SNE map (Fig. 3); measured only where MNIST can be downloaded", True),
    Claim("dataset/tsne_substitute_separates_better", "dataset",
          "the same on scikit-learn's 8x8 digits, a substitute where MNIST cannot be downloaded (ours: it says "
          "nothing about MNIST itself)", None),
    *_classification_claims(),
    *_double_descent_claims(),
    *_metalearn_claims(),
    *_lottery_claims(),
    *_ssl_and_pooling_claims(),
]
CLAIMS_BY_ID = {c.claim_id: c for c in CLAIMS}

# The cause of each known miss (cause_of): one of CAUSE_KINDS and a one-line reason. A
# "schedule" cause holds only off the paper profile; at the paper's settings such a miss is
# reported as genuine until another reason is found.
CAUSES = {
    "classification/shuffled/gru/test_acc": (
        "method", "Table 1 is not the authors' public notebook run, which gave 53.3, as we do"),
    "classification/mlp/test_acc": (
        "method", "Table 1 is not the authors' public notebook run (65.1 at step 6000), which ours matches"),
    "classification/shuffled/mlp/test_acc": (
        "method", "Table 1 is not the authors' public notebook run (66.0 at step 6000), which ours matches"),
    "classification/nonlinear_train_acc_100": (
        "genuine", "on shuffled data the CNN and GRU do not always reach 100 % train accuracy in 6000 steps"),
    "double_descent/cnn_noisy/peak_channels": ("schedule", "fewer CNN epochs move the threshold and the peak"),
    "double_descent/cnn_noisy/peak_at_threshold": (
        "genuine", "the CNN's test-error peak sits two grid steps below its threshold, on a nearly flat curve"),
    "double_descent_depth/peak_at_2_layers": ("schedule", "the peak at 2 layers needs 150+ epochs"),
    "double_descent_dropout/no_dropout_best": (
        "method", "our base sits at the noisy interpolation threshold, where dropout helps; the seed report's "
                  "base was 10 units, 1 layer"),
    "metalearn_lr_hidden/saturates": ("genuine", "the learned rate keeps moving by more than 5 % per 10 steps"),
    "metalearn_lr_stability/largest_stable_meta_lr": (
        "method", "the seed report blew up at 0.3, the paper's own meta learning rate: its code likely differed"),
    "metalearn_afunc/learned_acc": ("schedule", "fewer outer steps than the paper's 301"),
    "metalearn_afunc/piecewise_fit_acc": ("schedule", "fewer outer steps than the paper's 301"),
    "metalearn_afunc/n_extrema": ("schedule", "fewer outer steps: the curve stays near its ELU start"),
    "metalearn_afunc_hidden/acc_rises_with_width": ("schedule", "2 outer steps: accuracy measures the inner MLP"),
    "lottery/shuffled_worse_than_dense": ("schedule", "a coarser search and shorter retraining; the gap is 1-2 points"),
    "lottery_schedule/linear_not_worse": ("schedule", "short ablation schedule"),
    "lottery_init/xavier_within_2_points": ("schedule", "short ablation schedule"),
    "self_supervised/knn_output": (
        "method", "the paper's 74.1 is one run; ours is a mean over seeds with their own augmentations"),
    "pooling/gap_low_data": ("schedule", "fewer steps, nested subsets instead of a fresh dataset per size"),
}

# Why we believe our measurement differs from the paper's, per claim, from the chapters'
# texts; the book's differences page shows the entry of every claim that is partial or
# not reproduced (claims that turn out reproduced never show theirs).
EXPLANATIONS = {
    "classification/shuffled/gru/test_acc":
        "The authors' own public-notebook run of the same code gave 53.3 at step 6000, below Table 1's 57 ± 2; "
        "the chapter reads Table 1 as coming from other runs (selection or a different step count). Our "
        "mini-batches are also shuffled epochs, not the notebook's fixed order.",
    "classification/nonlinear_train_acc_100":
        "The chapter notes that on feature-shuffled data the CNN and GRU do not always reach 100 % train accuracy "
        "within 6000 steps, so the paper's statement holds for original data only; the claim needs 100 % for "
        "every seed, model and dataset.",
    "double_descent/cnn_noisy/peak_channels":
        "For time, the CNN trains 150 epochs (paper 500) over channels 2-30, then 40, 50, 60 (paper up to 100). "
        "The chapter says fewer epochs fit less, moving the interpolation threshold and the peak to more channels, "
        "so the position is not comparable with the paper's 18-20.",
    "double_descent/cnn_noisy/peak_at_threshold":
        "The shorter CNN schedule (150 epochs, channels up to 60) moves the threshold to more channels. At the "
        "paper's own settings the peak does not sit at the threshold either: it lies below it by more than one "
        "grid step (the chapter's table of the paper-settings run), where the CNN's test error is nearly flat "
        "across the channels up to its threshold, so its highest point is not sharply placed. A seed with no "
        "width at 0 % train error counts as a miss.",
    "double_descent_dropout/no_dropout_best":
        "The chapter expects regularisation could help here: the ablation's width (64) sits near the interpolation "
        "threshold under 15 % label noise, where double descent peaks. The seed report states neither width, "
        "schedule nor dropout placement; ours is dropout after each hidden ReLU, 150 epochs.",
    "metalearn_lr_hidden/saturates":
        "No explanation found in the chapter. The ablation runs the chapter's 50 outer steps from the low start "
        "0.15, and the saturation test (last two blocks of 10 steps within 5 %) is ours; the seed report states "
        "neither a step count nor a criterion.",
    "metalearn_lr_stability/largest_stable_meta_lr":
        "The seed report blew up already at 0.3, the paper's own meta learning rate; with the authors' settings "
        "the chapter sees no blow-up at 0.3 and concludes that the seed report's implementation likely differed, "
        "in a way it does not state.",
    "metalearn_afunc/learned_acc":
        "The full profile runs 25 outer steps instead of 301 (about 9 s each on a 2-core CPU); the authors' "
        "log is near 64 % by step 40 of a final 68 %. We also retrain from 5 fresh seeds and test on the whole "
        "test set without noise.",
    "metalearn_afunc/piecewise_fit_acc":
        "The fit is of a curve metalearned for 25 outer steps instead of 301, and it is scored from 5 fresh seeds "
        "on the whole test set without hidden noise, where the paper's 66.4 is one training read on the first 500 "
        "test signals.",
    "metalearn_afunc/n_extrema":
        "With 25 outer steps instead of 301 the learned curve may stay close to its monotonic ELU start (the "
        "ablation chapters note this for short schedules), and we count extrema with a stated 0.02 turn threshold, "
        "where the paper counts two by eye.",
    "metalearn_afunc_hidden/acc_rises_with_width":
        "This ablation metalearns only 2 outer steps (seed report: the chapter's 301) over sizes 50-200 (as the seed "
        "report), so the chapter reads its accuracies as mostly the inner MLP's capacity. Our criterion "
        "(Spearman at least 0.9 per fresh seed) fails if two neighbouring sizes swap.",
    "lottery/shuffled_worse_than_dense":
        "The paper's gap is small: the authors' log puts the ticket only 1-2 points below the dense network on "
        "shuffled data (63.7 and 61.9 against 64.9 and 64.2 in notebooks/5. lottery_tickets.ipynb; an older "
        "notebook, lottery-tickets.ipynb, has 63.0 and 62.6 against 63.1 and 64.4). At the full profile our "
        "search is coarser (every 5th round, 400 steps not 1501) and retraining lasts 300 steps, not 6000.",
    "lottery_schedule/linear_not_worse":
        f"No explanation found in the chapter. At the full profile the ablation uses {len(paper_rounds(15))} rounds "
        "of 150 steps (paper: 100 rounds of 1501), and the main chapter warns that coarser pruning steps may "
        "give weaker tickets at high sparsity; the seed report gives no numbers.",
    "lottery_init/xavier_within_2_points":
        f"No explanation found in the chapter. At the full profile the ablation's schedule is short "
        f"({len(paper_rounds(15))} rounds of 150 steps instead of 100 of 1501), and the 2-point bound is our "
        "reading of the seed report's 'not much difference', which gives no number.",
    "self_supervised/knn_output":
        "No explanation specific to the kNN accuracy found in the chapter. Its listed differences are several "
        "seeds, each with its own weights, batch order and augmentations, against the authors' single run "
        "(74.1), and probes every 50 epochs instead of every 10.",
    "pooling/gap_low_data":
        "The full profile trains 1500 steps instead of 6000 (150 epochs at 1k), on nested subsets of one generated "
        "set instead of a new dataset per size, and over seeds with different initial weights; the authors' 18.0 "
        "is a single run with seed 0.",

    "classification/logistic/test_acc":
        "No explanation specific to logistic regression found in the chapter. Its general note: Table 1 seems to "
        "come from runs other than the public notebook's (whose own run gave 31.5 against 32 ± 1), and our "
        "mini-batches are shuffled epochs, not a fixed order.",
    "classification/shuffled/logistic/test_acc":
        "No explanation specific to logistic regression found in the chapter. Its general note: Table 1 seems to "
        "come from runs other than the public notebook's (whose own run gave 31.5 against 32 ± 1), and our "
        "mini-batches are shuffled epochs, not a fixed order.",
    "classification/mlp/test_acc":
        "The chapter cites the MLP as an entry where the authors' own notebook run (65.1 at step 6000) falls below "
        "Table 1's 68 ± 2, and reads Table 1 as coming from other runs (selection or a different step count); our "
        "batches are shuffled epochs, not a fixed order.",
    "classification/shuffled/mlp/test_acc":
        "The authors' own notebook run gave 66.0 at step 6000 against Table 1's 68 ± 2; the chapter reads Table 1 "
        "as coming from other runs (selection or a different step count). Our mini-batches are shuffled epochs, "
        "not a fixed order.",
    "classification/cnn/test_acc":
        "The authors' own notebook run gave 92.3 at step 6000 against Table 1's 94 ± 2; the chapter reads Table 1 "
        "as coming from other runs (selection or a different step count). Our mini-batches are shuffled epochs, "
        "not a fixed order.",
    "classification/shuffled/cnn/test_acc":
        "The authors' own notebook run gave 58.7 at step 6000 against Table 1's 56 ± 2, and the chapter reads "
        "Table 1 as coming from other runs; it also notes the CNN does not always reach 100 % train accuracy on "
        "shuffled data within 6000 steps.",
    "classification/gru/test_acc":
        "The authors' own notebook run gave 89.1 at step 6000 against Table 1's 91 ± 2; the chapter reads Table 1 "
        "as coming from other runs (selection or a different step count). Our mini-batches are shuffled epochs, "
        "not a fixed order.",
    "classification/shuffle_drop_cnn_gru":
        "No explanation specific to this gap found in the chapter. It rests on the CNN and GRU entries, which the "
        "chapter reads as coming from runs other than the public notebook's (drops of 33.6 and 35.8); on "
        "shuffled data these models may not reach 100 % train accuracy.",
    "classification/mlp_best_shuffled":
        "No explanation found in the chapter. Table 1's margin is 68 against 56 and 57; the authors' own notebook "
        "run has 66.0 against 58.7 (CNN) and 53.3 (GRU), and the chapter reads Table 1 as coming from other runs.",
    "double_descent/mlp_noisy/peak_width":
        "The full profile trains 400 epochs instead of 500 (the chapter says the noisy MLPs interpolate well "
        "before either), and we locate the peak per seed, each with its own draw of noisy labels, where the paper "
        "shows one run (peak ~50, notebook 47-61).",
    "double_descent/mlp_noisy/peak_at_threshold":
        "No explanation found in the chapter. It lists 400 epochs instead of 500 and a threshold and peak located "
        "per seed, each seed with its own noisy labels, where the paper shows a single run.",
    "double_descent/mlp_clean/no_peak":
        "No explanation found in the chapter. Ours, like the authors' notebook (a deep copy of the data), trains "
        "the clean curve on clean labels; our 'no peak' test allows test error to rise at most 2 points above its "
        "classical minimum.",
    "double_descent_depth/peak_at_2_layers":
        "The seed report used one run and did not state its width or schedule; we use width 64, near the "
        "two-layer interpolation threshold, 150 epochs (the chapter's 400 shortened) and several seeds.",
    "double_descent_label_noise/test_error_rises":
        "The seed report's width and schedule are not stated; ours are width 64 and 150 epochs, and 'rises' is "
        "our per-seed Spearman correlation of at least 0.9 over noise levels 0 to 0.5.",
    "metalearn_lr/converged_lr":
        "No explanation found in the chapter beyond seeding: each outer step's weights and batches are seeded by "
        "seed plus step, where the authors' notebook draws weights from the global random state and walks the "
        "data in order; the paper's 0.62 is one run.",
    "metalearn_lr/starts_agree":
        "No explanation found in the chapter beyond seeding (weights and batches seeded per outer step, where the "
        "authors draw from the global random state and walk the data in order); the 10 % agreement criterion is "
        "ours, and the paper shows one run.",
    "metalearn_lr_init/starts_converge":
        "No explanation found in the chapter. Starts range from 0.05 to 2.5 over the chapter's 50 outer steps; "
        "those that diverge are left out, and 'the same rate' is our 10 % criterion, where the seed report shows "
        "curves without a number.",
    "metalearn_afunc/beats_relu_elu_swish":
        "The full profile metalearns 25 outer steps instead of 301, and we retrain every activation from 5 fresh "
        "seeds on the whole test set without noise, where the paper trains each once; the chapter says the "
        "'+5 points' then stands or falls against seed noise.",
    "metalearn_afunc/non_monotonic":
        "With 25 outer steps instead of 301 the learned curve may stay close to its monotonic ELU start (the "
        "ablation chapters note this for short schedules), and turns under our 0.02 threshold do not count as "
        "extrema.",
    "metalearn_afunc_mu/mu_1_worst":
        "This ablation metalearns 3 outer steps (seed report: 301); the chapter notes that with so short a "
        "schedule the activations stay close to their start, so accuracy mostly measures the inner optimiser. "
        "The 10-point margin and the fresh-seed retraining are ours.",
    "metalearn_afunc_noise/no_effect":
        "This ablation metalearns 3 outer steps (seed report: 301) and retrains from fresh seeds; the 2-point "
        "bound is our reading of the seed report's 67.4 against 67.6. The chapter offers no further explanation.",
    "lottery/ticket_beats_random_high_sparsity":
        "Our search keeps every 5th of the paper's 100 rounds, with 400 steps per round instead of 1501; the "
        "chapter notes that pruning several percent of the weights per round instead of 1 % may give slightly "
        "weaker tickets at the highest sparsities.",
    "lottery/ticket_beats_dense":
        "Our search keeps every 5th of the paper's 100 rounds (including the ticket round 91), with 400 steps "
        "per round instead of 1501; the chapter notes that coarser pruning may give slightly weaker tickets at "
        "the highest sparsities.",
    "lottery/asymptote_acc_92":
        "Retraining lasts 300 steps of batch 500 instead of 6000 (the authors' logs move by at most 2 points "
        "from step 1000 to 6000), and the ticket comes from a coarser search: every 5th round, 400 steps per "
        "round instead of 1501.",
    "lottery/flipped_acc":
        "Retraining lasts 300 steps of batch 500 instead of 6000 (the authors' logs move by at most 2 points "
        "from step 1000 to 6000), and the ticket comes from a coarser search: every 5th round, 400 steps per "
        "round instead of 1501.",
    "lottery/reinit_beats_dense":
        "No explanation found in the chapter beyond its schedule: a coarser search (every 5th round, 400 steps "
        "per round instead of 1501) and 300 retraining steps instead of 6000.",
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
    "pooling/helps_low_data":
        "The full profile trains 1500 steps instead of 6000 (150 epochs at 1k), on nested subsets of one generated "
        "set instead of a new dataset per size, and over seeds with different initial weights where the authors "
        "ran one (seed 0).",
    "pooling/gap_shrinks":
        "The full profile trains 1500 steps instead of 6000 (150 epochs at 1k, only 3 at 50k), on nested subsets "
        "of one generated set, over several seeds; the paper's margins come from single runs with seed 0.",
    "pooling/gap_high_data":
        "At 50k the full profile's 1500 steps are only 3 epochs (the paper's 6000: 12), the sizes are nested "
        "subsets of one generated set, and the authors' 0.8 is a single run with seed 0, against our mean over "
        "seeds.",
}


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: ""}[value]
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _interval_text(claim: Claim, values: list) -> str:
    ev = claim.evidence(values)
    if ev.interval is None:
        return ""
    low, high = ev.interval
    if ev.held is not None:
        return f"rate {low:.2f}-{high:.2f}"
    return f"{low:+.3g} to {high:+.3g}"


def cause_of(claim: Claim, verdict: str, values: list, profile: str | None) -> tuple[str, str]:
    """(cause, one-line reason) of a miss: from ``CAUSES`` where we know it; an interval
    that straddles a boundary is ``underpowered``; otherwise, outside the paper profile, the
    shortened schedule is presumed (``schedule``), and at the paper's settings ``genuine``."""
    if verdict not in MISSES:
        return "", ""
    if verdict == "inconclusive":
        ev = claim.evidence(values)
        if ev.held is not None:
            return "underpowered", f"only {ev.n} seed(s): at least {MIN_SEEDS_FOR_YES} must all hold"
        return "underpowered", (f"the 95 % interval of ours - paper ({_interval_text(claim, values)}) straddles "
                                f"the tolerance ±{claim.tolerance:g} or ±{2 * claim.tolerance:g}: "
                                f"{ev.n} seeds do not settle it")
    on_paper = profile in (None, "paper")
    if claim.claim_id in CAUSES and not (on_paper and CAUSES[claim.claim_id][0] == "schedule"):
        return CAUSES[claim.claim_id]
    if not on_paper:
        return "schedule", f"presumed: the {profile} profile shortens the paper's schedule (differences page)"
    return "genuine", "it fails at the paper's own settings; no difference of method explains it so far"


def scorecard_rows(results: dict[str, dict], profile: str | None = None) -> list[dict]:
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
            reproduced = f"{np.mean(clean):.3g}" if clean else "diverged"
            spread = f"{np.std(clean, ddof=1):.2g}" if len(clean) > 1 else ""  # one value: no spread
        else:
            held = sum(bool(v) for v in values)
            reproduced = f"{'yes' if held == len(values) else 'no'} ({held}/{len(values)})"
            spread = ""
        verdict = claim.verdict(values)
        cause, reason = cause_of(claim, verdict, values, profile) if values is not None else ("", "")
        rows.append({"claim_id": claim.claim_id, "section": claim.section, "description": claim.description,
                     "paper": _fmt(claim.paper) + (f" ± {claim.paper_spread:g}" if claim.paper_spread else ""),
                     "reproduced": reproduced, "spread": spread,
                     "interval": _interval_text(claim, values) if values is not None else "",
                     "n_seeds": len(values) if values is not None else 0, "verdict": verdict,
                     "cause": cause, "reason": reason})
    return rows


def write_scorecard(profile: str) -> list[dict]:
    """Write ``results/<profile>/scorecard.csv`` and return its rows."""
    rows = scorecard_rows(load_results(profile), profile)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(results_dir(profile) / "scorecard.csv", buf.getvalue())
    return rows


def with_spread(row: dict) -> str:
    """A scorecard row's value as shown beside others: "mean ± std", or the value alone."""
    return f"{row['reproduced']} ± {row['spread']}" if row["spread"] else row["reproduced"]


def verdict_table(metrics: dict, section: str):
    """The scorecard rows of one notebook's section, from its recorded metrics, as a
    DataFrame (for the end of each chapter)."""
    import pandas as pd

    rows = [r for r in scorecard_rows({"this run": {"metrics": metrics}}) if r["section"] == section]
    return pd.DataFrame(rows).drop(columns=["section"])
