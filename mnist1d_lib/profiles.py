"""Run profiles: the single place where ``smoke``, ``quick``, ``full`` and ``paper`` are defined.

- ``paper``: the record. The authors' exact settings in every chapter (their notebooks
  in greydanus/mnist1d), and for every seed-report ablation the schedule of the chapter
  it ablates, with at least 3 seeds or trials everywhere.
- ``full``: the one-hour approximation on 2 CPU cores: the paper's settings with
  shortened schedules, each cut commented below (and listed on the differences page).
- ``quick``: every experiment's shape at a fraction of the cost; never the record.
- ``smoke``: only checks that a notebook runs (seconds).

``customised`` applies a reader's own seeds and settings to one chapter's section:
every value is checked before anything runs, and the result is a new profile whose
results are stored apart from the record.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field, fields, replace

import numpy as np


@dataclass(frozen=True)
class DatasetSettings:
    """Settings of the ``dataset`` chapter."""

    tsne_samples: int = 2000  # points per t-SNE map (paper Fig. 3 uses a few thousand)
    try_mnist: bool = True  # download MNIST when reachable, else fall back to sklearn digits
    seeds: tuple[int, ...] = (0,)  # the first seeds the t-SNE maps and the example picks


@dataclass(frozen=True)
class ClassificationSettings:
    """Settings of the ``classification`` chapter (paper Table 1, Fig. 2)."""

    steps: int = 6000  # Adam steps, as in the authors' notebook
    # Steps between evaluations (authors: 250). Every evaluation passes the 6 members over
    # 8500 signals; the GRU's alone cost 1.8 s (measured), a tenth of the chapter at 250.
    eval_every: int = 500
    # Model seeds (init and batch order). Five seeds took 19 min of the full book's hour
    # (the GRU dominates); three give the error bars.
    seeds: tuple[int, ...] = (0, 1, 2)
    val_size: int = 500  # held out of the 4000 training examples for early stopping


PAPER, FULL = "paper", "full"  # the record's profile (the paper's settings) and its one-hour stand-in
PAPER_MLP_WIDTHS = (2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 47, 61, 80, 104, 135, 177, 230, 300)  # unique(geomspace(2, 300, 20))
PAPER_CNN_CHANNELS = tuple(range(2, 30, 2)) + tuple(range(30, 101, 5))


@dataclass(frozen=True)
class DoubleDescentSettings:
    """Settings of the ``double_descent`` chapter (paper Fig. 5; SGD lr 0.01, momentum 0.9, batch 100)."""

    # MLP sweeps (paper: 500 epochs). Both sweeps cost 53-61 ms per step at one thread
    # (measured, 114 members); at 400 epochs the noisy peak sits at the threshold for all
    # three seeds, at 300-350 for two of three (evaluations of an earlier full run).
    epochs: int = 400
    # The paper's widths but 300: those 6 members cost a quarter of the sweep's time and the
    # noisy curve only keeps falling past its peak.
    mlp_widths: tuple[int, ...] = PAPER_MLP_WIDTHS[:-1]
    # CNN sweep (paper: 500 epochs, PAPER_CNN_CHANNELS). At the paper's settings its three
    # seeds take about an hour on a 2-core CPU (measured 178 ms per step for all 87 models);
    # 150 epochs of channels up to 60 (~100 ms per step of the 54 members) take 10 min.
    cnn_epochs: int = 150
    cnn_channels: tuple[int, ...] = tuple(range(2, 31, 2)) + (40, 50, 60)
    seeds: tuple[int, ...] = (0, 1, 2)
    label_noise: float = 0.15  # paper: 15 % of training labels replaced by a uniform class
    eval_epochs: int = 100  # epochs between evaluations (one pass over 16000 signals for every member)
    n_train: int = 4000
    n_test: int = 12000  # authors' notebook: 16000 signals, train split 0.25


@dataclass(frozen=True)
class DoubleDescentAblationSettings:
    """Settings of the double-descent ablations (seed report 2.1): 2-hidden-layer MLP
    of ``width`` units with ``label_noise`` unless the ablation varies it."""

    epochs: int = 150  # shorter than the chapter's to keep every ablation in a few minutes
    width: int = 64  # near the interpolation threshold of the noisy 2-layer MLP
    label_noise: float = 0.15
    n_layers: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    noise_levels: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(11))  # 0 .. 0.5
    depth_for_widths: int = 3  # the hidden-size ablation's fixed depth
    widths: tuple[int, ...] = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
    dropouts: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    # The dropout ablation also on the seed report's own base (its Table 1: 10 hidden units,
    # 1 layer, no label noise), besides the base above
    dropout_report_base: bool = False
    heatmap_noise_levels: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    seeds: tuple[int, ...] = (0, 1, 2)
    eval_epochs: int = 75


@dataclass(frozen=True)
class MetalearnLRSettings:
    """Settings of the learning-rate chapter (paper Fig. 6; the authors' notebook: MLP
    40-50-10 tanh, SGD for 200 steps of batch 50, meta-loss the mean inner loss, outer
    lr 0.3) and of its ablations (seed report 2.2)."""

    starts: tuple[float, ...] = (0.15, 1.5)  # paper: a too-low and a too-high start
    outer_steps: int = 50  # paper: 50
    inner_steps: int = 200
    seeds: tuple[int, ...] = (0, 1, 2)
    grid_lrs: tuple[float, ...] = (0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65,
                                   0.7, 0.75, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0)
    grid_unrolls: int = 10  # inner problems averaged per grid point: those of the first outer steps
    init_lrs: tuple[float, ...] = (0.05, 0.15, 0.5, 1.0, 1.5, 2.5)
    hidden_sizes: tuple[int, ...] = (10, 25, 50, 100, 200)
    outer_lrs: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3)
    meta_lr_outer_steps: int = 100  # small meta learning rates need more steps (seed report 2.2.3)
    stability_outer_lrs: tuple[float, ...] = (0.1, 0.3, 0.35, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class MetalearnActivationSettings:
    """Settings of the activation-function chapter (paper Fig. 7; the authors' notebook:
    MLP 40-128-10 with hidden noise ±0.1, RMSprop lr 0.01 mu 0.4 for 301 steps of batch
    100, meta-loss the mean of the last 200 inner losses, outer lr 0.3, meta-gradients
    clamped to ±0.1, 8000/2000 signals) and of its ablations (seed report 2.3)."""

    # Paper: 301 outer steps, about an hour on a CPU. One outer step takes ~9 s on 2 CPU
    # cores (one unroll of 301 steps); the first 40 steps hold most of the gain in the
    # authors' log (test accuracy 48.6 -> 64 of its final ~68).
    outer_steps: int = 25
    inner_steps: int = 301
    meta_loss_last: int = 200
    hidden: int = 128
    n_samples: int = 10000
    fresh_seeds: tuple[int, ...] = (100, 101, 102, 103, 104)  # retraining seeds, unseen while metalearning
    # Metalearning runs of the chapter, one learned activation each (authors: one run).
    # Each is its own stored computation, so a record spread over sessions keeps every finished run.
    meta_seeds: tuple[int, ...] = (0,)
    knots: tuple[float, ...] = tuple(float(k) for k in range(-5, 6))  # the piecewise-linear fit's knots
    # Ablations: shorter outer schedules (seed report 2.3 ran the chapter's 301 steps).
    ablation_outer_steps: int = 3
    mus: tuple[float, ...] = (0.3, 0.4, 0.5, 0.7, 1.0)
    hidden_sizes: tuple[int, ...] = (50, 100, 200)  # the seed report's (its 400 ran out of memory)
    hidden_outer_steps: int = 2  # the widest members cost ~4x the chapter's per step
    # A stack whose hidden units (members x width) exceed this keeps the unroll's state every
    # checkpoint_every steps: unchecked, 128 units take ~4.7 GB of graph, 7 x 128 ~33 GB (measured).
    checkpoint_above: int = 128
    checkpoint_every: int = 20
    # The hidden-width ablation meters its graph with a saved-tensor hook, under which an unroll
    # kept whole is never freed: unchecked, 50 units grew to 19 GB over 301 outer steps, and 100 were
    # killed for memory at the first (12 steps, 50 units: 6.2 GB unchecked, 0.6 GB checkpointed). Its
    # members wider than this are checkpointed.
    hidden_checkpoint_above: int = 64
    noise_levels: tuple[float, ...] = (0.0, 0.1)


PAPER_SPARSITY = tuple(float(s) for s in np.linspace(0.0, 1.0, 100))  # linspace(0, 1, 100)
PAPER_TICKET_ROUND = 91  # the authors' ticket: round 91, sparsity 0.919


def paper_rounds(every: int) -> tuple[int, ...]:
    """Rounds of the paper's 100 kept when using every ``every``-th one: round 0 (dense)
    and the rounds ``91 - every * k`` down to 1 and up to 99, so that the paper's ticket
    round is always among them."""
    return (0,) + tuple(r for r in range(PAPER_TICKET_ROUND % every or every, 100, every))


@dataclass(frozen=True)
class LotterySettings:
    """Settings of the lottery-ticket chapter (paper Fig. 4; the authors' notebook: MLP
    40-500-500-10 residual, Adam lr 2e-2, batch 100, 1501 steps per round, 100 rounds at
    sparsity linspace(0, 1, 100), 2 trials; the round-91 ticket retrained 6000 steps of
    batch 500 on new data) and of its ablations (seed report 2.4)."""

    hidden: int = 500
    lr: float = 2e-2
    # Paper: all 100 rounds of 1501 steps: 65 min at one thread here for the 4 runs
    # (26 ms per step of the 4-member stack). We keep every fifth round (with the paper's
    # ticket round 91) and 400 steps per round: ~4 min.
    rounds: tuple[int, ...] = paper_rounds(5)
    round_steps: int = 400
    trials: tuple[int, ...] = (0, 1)
    ticket_round: int = PAPER_TICKET_ROUND
    # Paper: 6000 steps of batch 500; its logs show test accuracy at step 1000 within a point
    # of step 6000 (train accuracy is 100 % by then). Our 300 steps (~4 min at one thread for
    # the 30 networks) end while the curves still rise: the paper profile runs the 6000.
    asymptote_steps: int = 300
    asymptote_batch: int = 500
    asymptote_eval_every: int = 100
    adjacency_draws: int = 1000  # random masks per permutation test
    # Ablations (seed report 2.4.1-2.4.4): shorter schedules than the chapter.
    ablation_rounds: tuple[int, ...] = paper_rounds(15)
    ablation_steps: int = 150
    input_noise: float = 0.5  # std of Gaussian noise added to the inputs (the data's std is ~1)
    label_noise: float = 0.2  # fraction of training labels replaced by a uniform class
    crop: tuple[int, int] = (10, 30)  # positions kept by the cropping perturbation
    lrs: tuple[float, ...] = (5e-3, 2e-2, 5e-2)


@dataclass(frozen=True)
class SSLSettings:
    """Settings of the self-supervised chapter (paper Fig. 8; the authors' notebook:
    SimCLR, Adam lr 0.01, batch 100, 200 epochs, tau 0.5) and of the projection-head
    study (seed report 2.5.2)."""

    n_samples: int = 5000  # signals, 80 % for training (the paper's MNIST-1D)
    # Paper: 200 epochs. The probes change by about a point from epoch 150 on (read off the
    # earlier 200-epoch run); 150 save a quarter of the chapter.
    epochs: int = 150
    seeds: tuple[int, ...] = (0, 1, 2)
    eval_every: int = 50  # epochs between the kNN and linear probes during training (authors: 10)
    tsne_samples: int = 2000  # training signals in the t-SNE maps (authors: all 4000)
    # Projection-head study: shorter training (one model takes ~2 min per 100 epochs here).
    head_epochs: int = 30
    head_seeds: tuple[int, ...] = (0, 1)
    head_depths: tuple[int, ...] = (0, 1, 2, 3)  # hidden layers of the head
    head_widths: tuple[int, ...] = (32, 125, 512)
    head_out_dims: tuple[int, ...] = (4, 16, 64)


@dataclass(frozen=True)
class PoolingSettings:
    """Settings of the pooling chapter (paper Fig. 9; the authors' notebook: Adam lr 1e-2,
    batch 100, 6000 steps, 1000 test signals)."""

    sizes: tuple[int, ...] = (1000, 2000, 5000, 10000, 20000, 50000)
    seeds: tuple[int, ...] = (0, 1, 2)
    # Paper: 6000 steps. The 18 sizes x seeds of one method cost 60-110 ms per stacked step
    # at one thread here (3-6 ms per model), so 6000 steps of all five methods would take
    # ~35 min; 1500 (3 epochs at 50k, 150 at 1k) take a quarter. Every verdict read at step
    # 1500 of an earlier 2000-step run was the one read at 2000.
    steps: int = 1500
    lr: float = 1e-2
    eval_every: int = 500
    # The authors generate a new dataset (and test set) per size; False: nested subsets of
    # one set of the largest size, sharing its test signals (the full profile's cheaper choice).
    fresh_data: bool = False


@dataclass(frozen=True)
class Profile:
    """A named set of chapter settings."""

    name: str
    # The named profile a reader's customised run starts from (None: this is a named profile)
    base: str | None = None
    # Formats of every saved figure: PNG for the book, PDF for papers (smoke, which only
    # checks that the notebooks run, skips the PDFs: a third of a second to a second each).
    figure_formats: tuple[str, ...] = ("png", "pdf")
    dataset: DatasetSettings = field(default_factory=DatasetSettings)
    classification: ClassificationSettings = field(default_factory=ClassificationSettings)
    double_descent: DoubleDescentSettings = field(default_factory=DoubleDescentSettings)
    dd_ablations: DoubleDescentAblationSettings = field(default_factory=DoubleDescentAblationSettings)
    metalearn_lr: MetalearnLRSettings = field(default_factory=MetalearnLRSettings)
    metalearn_afunc: MetalearnActivationSettings = field(default_factory=MetalearnActivationSettings)
    lottery: LotterySettings = field(default_factory=LotterySettings)
    ssl: SSLSettings = field(default_factory=SSLSettings)
    pooling: PoolingSettings = field(default_factory=PoolingSettings)

    @property
    def folder(self) -> str:
        """Its results folder under ``results/``: the name, or ``runs/<name>`` for a
        reader's customised profile (never a folder of record)."""
        return self.name if self.base is None else f"runs/{self.name}"


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        figure_formats=("png",),
        dataset=DatasetSettings(tsne_samples=100, try_mnist=False),
        classification=ClassificationSettings(steps=20, eval_every=20, seeds=(0, 1), val_size=500),
        double_descent=DoubleDescentSettings(epochs=2, mlp_widths=(4, 16, 64), cnn_epochs=2, cnn_channels=(4, 16),
                                             seeds=(0, 1), eval_epochs=1, n_test=1000),
        dd_ablations=DoubleDescentAblationSettings(epochs=2, n_layers=(1, 2), noise_levels=(0.0, 0.3),
                                                   widths=(8, 32), dropouts=(0.0, 0.3),
                                                   heatmap_noise_levels=(0.0, 0.3), seeds=(0, 1), eval_epochs=1),
        metalearn_lr=MetalearnLRSettings(outer_steps=2, inner_steps=10, seeds=(0, 1), grid_lrs=(0.1, 0.5, 1.0),
                                         grid_unrolls=2, init_lrs=(0.15, 1.5), hidden_sizes=(10, 50),
                                         outer_lrs=(0.1, 0.3), meta_lr_outer_steps=2, stability_outer_lrs=(0.3, 1e4)),
        metalearn_afunc=MetalearnActivationSettings(outer_steps=2, inner_steps=10, meta_loss_last=5, hidden=16,
                                                    n_samples=2000, fresh_seeds=(100, 101), ablation_outer_steps=1,
                                                    mus=(0.4, 1.0), hidden_sizes=(8, 16), hidden_outer_steps=1,
                                                    checkpoint_above=8, hidden_checkpoint_above=8, checkpoint_every=3),
        lottery=LotterySettings(hidden=32, rounds=(0, 50, 91), round_steps=20, asymptote_steps=20,
                                asymptote_batch=100, asymptote_eval_every=20, adjacency_draws=50,
                                ablation_rounds=(0, 91), ablation_steps=10),
        ssl=SSLSettings(n_samples=500, epochs=1, seeds=(0, 1), eval_every=1, tsne_samples=100, head_epochs=1, head_seeds=(0,),
                        head_depths=(0, 1), head_widths=(125,), head_out_dims=(16,)),
        pooling=PoolingSettings(sizes=(200, 500), seeds=(0, 1), steps=20, eval_every=20),
    ),
    "quick": Profile(
        name="quick",
        dataset=DatasetSettings(tsne_samples=1000),
        classification=ClassificationSettings(steps=500, eval_every=250),
        double_descent=DoubleDescentSettings(epochs=20, mlp_widths=PAPER_MLP_WIDTHS[::2], cnn_epochs=8,
                                             cnn_channels=(2, 4, 8, 12, 16, 20, 24, 30, 40, 60), eval_epochs=5),
        dd_ablations=DoubleDescentAblationSettings(epochs=15, noise_levels=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
                                                   widths=(4, 8, 16, 32, 64, 128, 256), eval_epochs=5),
        metalearn_lr=MetalearnLRSettings(outer_steps=15, seeds=(0, 1), grid_lrs=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7,
                                                                                  0.8, 1.0, 1.5),
                                         grid_unrolls=3, init_lrs=(0.15, 0.5, 1.5), hidden_sizes=(10, 50, 200),
                                         meta_lr_outer_steps=15, stability_outer_lrs=(0.3, 1.0, 10.0)),
        metalearn_afunc=MetalearnActivationSettings(outer_steps=5, inner_steps=40, meta_loss_last=25,
                                                    fresh_seeds=(100, 101, 102), ablation_outer_steps=2,
                                                    mus=(0.4, 1.0), hidden_sizes=(50, 500), hidden_outer_steps=1,
                                                    checkpoint_every=10),
        lottery=LotterySettings(rounds=paper_rounds(15), round_steps=80, asymptote_steps=80,
                                asymptote_eval_every=25, adjacency_draws=200, ablation_rounds=paper_rounds(30),
                                ablation_steps=40),
        ssl=SSLSettings(epochs=8, seeds=(0, 1), eval_every=4, tsne_samples=1000, head_epochs=6,
                        head_depths=(0, 1, 3), head_widths=(32, 125), head_out_dims=(16, 64)),
        pooling=PoolingSettings(sizes=(1000, 5000, 20000), seeds=(0, 1), steps=400, eval_every=200),
    ),
    "full": Profile(name="full"),
    # The record: the authors' settings (their notebooks), >= 3 seeds or trials everywhere.
    "paper": Profile(
        name="paper",
        # More seeds where three left verdicts inconclusive (their 95 % intervals straddled the tolerance)
        # and the compute allows: five for the learning-rate chapter and its ablations; ten for SimCLR and
        # pooling, where five still left them so; twenty for Table 1, whose tolerance is its own ± (one
        # std: 1-2 points). A stored stack's seeds are reused (``Run.compute_seeds``): more cost the new ones
        classification=ClassificationSettings(eval_every=250, seeds=tuple(range(20))),
        metalearn_lr=MetalearnLRSettings(seeds=(0, 1, 2, 3, 4)),
        double_descent=DoubleDescentSettings(epochs=500, mlp_widths=PAPER_MLP_WIDTHS, cnn_epochs=500,
                                             cnn_channels=PAPER_CNN_CHANNELS),
        # Seed report 2.1: the chapter's 500 epochs, so that the models interpolate
        dd_ablations=DoubleDescentAblationSettings(epochs=500, eval_epochs=100, dropout_report_base=True),
        metalearn_afunc=MetalearnActivationSettings(outer_steps=301, ablation_outer_steps=301,
                                                    hidden_outer_steps=301, meta_seeds=(0, 1, 2)),
        # The ablations: the chapter's schedule up to its ticket round (91, sparsity 0.919), where their
        # claims are read (at the final round): the rounds after it prune towards sparsity 1, a network
        # with no weights left, and an exponential schedule cannot reach 1 at all
        lottery=LotterySettings(rounds=tuple(range(100)), round_steps=1501, trials=(0, 1, 2), asymptote_steps=6000,
                                asymptote_eval_every=250, ablation_rounds=tuple(range(PAPER_TICKET_ROUND + 1)),
                                ablation_steps=1501),
        ssl=SSLSettings(epochs=200, seeds=tuple(range(10)), eval_every=10, tsne_samples=4000, head_epochs=200,
                        head_seeds=(0, 1, 2)),
        pooling=PoolingSettings(steps=6000, eval_every=250, fresh_data=True, seeds=tuple(range(10))),
    ),
}


def get_profile(name: str) -> Profile:
    """Return the profile called ``name``; raise ValueError naming the valid ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}: choose one of {', '.join(sorted(PROFILES))}"
        ) from None


# The field of each section that holds its seeds (or trials), which ``seeds=`` replaces
SEED_FIELDS = {"dataset": "seeds", "classification": "seeds", "double_descent": "seeds", "dd_ablations": "seeds",
               "metalearn_lr": "seeds", "metalearn_afunc": "fresh_seeds", "lottery": "trials", "ssl": "seeds",
               "pooling": "seeds"}
# Notebooks whose seeds are another field of their section: the projection-head study's heads, and
# the activation chapter's metalearning runs (each its own computation, so a new seed costs only its
# run; its ablations' seeds are the retraining seeds, ``fresh_seeds``)
NOTEBOOK_SEED_FIELDS = {"self_supervised_projector": "head_seeds", "metalearn_afunc": "meta_seeds"}
# Allowed ranges by field name; other ints are counts (>= 1), other floats rates (> 0)
FRACTIONS = {"label_noise", "noise_levels", "dropouts", "heatmap_noise_levels"}
FROM_ZERO = {"seeds", "trials", "fresh_seeds", "head_seeds", "meta_seeds", "rounds", "ablation_rounds", "ticket_round",
             "crop", "input_noise", "knots", "momentum", "head_depths"}


def parse_seeds(seeds) -> tuple[int, ...]:
    """Seeds as a tuple of ints from a list, an int, or a string "0-9" / "0,3,7"."""
    if isinstance(seeds, str):
        parts = [p.strip() for p in seeds.split(",") if p.strip()]
        out = []
        for part in parts:
            match = re.fullmatch(r"(\d+)\s*-\s*(\d+)", part)
            if match:
                out += range(int(match[1]), int(match[2]) + 1)
            elif part.isdigit():
                out.append(int(part))
            else:
                raise ValueError(f"seeds={seeds!r}: write a list of ints, a range such as '0-9', or '0,3,7'")
        seeds = out
    seeds = (seeds,) if isinstance(seeds, int) and not isinstance(seeds, bool) else tuple(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty: give at least one seed, e.g. [0] or '0-4'")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
            raise ValueError(f"seeds: {seed!r} is not a seed; seeds are integers in [0, 2**31)")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds {list(seeds)} repeat a seed")
    return tuple(int(s) for s in seeds)


def _check_number(name: str, value, default) -> int | float:
    kind = int if isinstance(default, (int, np.integer)) and not isinstance(default, bool) else float
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or (kind is int and float(value) != int(value)):
        raise ValueError(f"{name}={value!r}: expected {'an integer' if kind is int else 'a number'}")
    value = kind(value)
    if name in FRACTIONS:
        low, high, text = 0.0, 1.0, "[0, 1] (a fraction)"
    elif name in FROM_ZERO:
        low, high, text = 0, math.inf, ">= 0"
    elif kind is int:
        low, high, text = 1, math.inf, ">= 1"
    else:
        low, high, text = math.ulp(0.0), math.inf, "> 0"
    if not (low <= value <= high) or value != value:
        raise ValueError(f"{name}={value!r} is out of range: allowed {text}")
    return value


def _check_value(name: str, value, default):
    """``value`` for the settings field ``name`` (default ``default``), converted and checked."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name}={value!r}: expected True or False")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{name}={value!r}: expected a string")
        return value
    if isinstance(default, tuple):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = (value,)
        if not isinstance(value, (list, tuple)) or not value:
            raise ValueError(f"{name}={value!r}: expected a non-empty list")
        example = default[0] if default else 1.0
        return tuple(_check_number(name, v, example) for v in value)
    return _check_number(name, value, default)


def parse_overrides(text: str) -> dict:
    """``"epochs=300 mlp_widths=[8,16]"`` -> ``{"epochs": 300, "mlp_widths": [8, 16]}``
    (values are Python literals; a list must not contain spaces)."""
    import ast

    out = {}
    for item in text.split():
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"overrides {text!r}: write name=value pairs separated by spaces, e.g. 'epochs=300'")
        try:
            out[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[name] = value
    return out


def customised(profile: str, section: str, seeds=None, overrides: dict | None = None,
               notebook: str | None = None) -> Profile:
    """``profile`` with its ``section`` changed by a reader: ``seeds`` (a list or "0-9")
    replace the seeds of the section (of ``notebook``, where it has its own: the head
    study's heads), ``overrides`` any of its settings by name. Every value is
    checked first; a bad one raises ValueError naming the field and what is allowed.
    Without changes the named profile itself is returned; with changes, a new profile
    named ``<profile>-<hash of the changes>``, which stores its results apart."""
    base = get_profile(profile)
    if isinstance(overrides, str):  # "epochs=300 mlp_widths=[8,16]", as make's SET= gives it
        overrides = parse_overrides(overrides)
    if section not in SEED_FIELDS:
        raise ValueError(f"unknown section {section!r}: choose one of {', '.join(SEED_FIELDS)}")
    if not isinstance(overrides or {}, dict):
        raise ValueError(f"overrides={overrides!r}: expected a dict of setting names to values")
    overrides = dict(overrides or {})
    settings = getattr(base, section)
    valid = {f.name: getattr(settings, f.name) for f in fields(settings)}
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown} for {section}: valid are {', '.join(sorted(valid))}")
    changes = {name: _check_value(name, value, valid[name]) for name, value in overrides.items()}
    if seeds is not None:
        changes[NOTEBOOK_SEED_FIELDS.get(notebook, SEED_FIELDS[section])] = parse_seeds(seeds)
    changes = {k: v for k, v in changes.items() if v != valid[k]}
    if not changes:
        return base
    digest = hashlib.sha256(json.dumps({"section": section, "changes": changes}, sort_keys=True,
                                       default=list).encode()).hexdigest()[:8]
    return replace(base, name=f"{base.name}-{digest}", base=base.name, **{section: replace(settings, **changes)})
