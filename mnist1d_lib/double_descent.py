"""Deep double descent (paper Fig. 5): train and test error against model width.

A sweep is a list of ``Member`` runs (architecture, width, depth, dropout, label
noise, seed). ``train_sweep`` trains them all with ``train.train_many``: members of
one architecture and depth are stacked, widths grouped by ``plan_groups`` so that
few stacks are needed and little compute goes into zero-padding narrow members
to the widest of their stack. Errors are in percent; a member's train error is
measured against the labels it was trained on (noisy ones included), as in the
authors' notebook. Reading the curves (thresholds, peaks, claims) is in
``double_descent_analysis``, so that it can change without invalidating stored sweeps.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from .checks import check_in_range
from .data import Dataset, make_dataset
from .models import CNN, PlainMLP
from .train import TrainConfig, train_many
from .transforms import corrupt_labels

ARCHITECTURES = ("mlp", "cnn")
# One more stack costs about as much per step as this many multiply-accumulates per
# example (measured on a 2-core CPU: ~1 ms of per-step overhead for the MLP, ~5 ms
# for the CNN); plan_groups weighs padding waste against it.
GROUP_OVERHEAD_MACS = {"mlp": 100_000, "cnn": 300_000}
PLAN_SEEDS = 3  # seeds the stack plan is made for (the record's), whatever seeds a sweep trains
LABEL_SEED_OFFSET = 10_000  # label-noise draws use seed + offset, apart from the weight seeds


def double_descent_data(n_train: int = 4000, n_test: int = 12000) -> Dataset:
    """MNIST-1D with the paper's generator settings but more test signals (authors'
    notebook: 16000 signals, train split 0.25), so that test curves are smooth."""
    return make_dataset(num_samples=n_train + n_test, train_split=n_train / (n_train + n_test))


@dataclass(frozen=True)
class Member:
    """One training run of a sweep."""

    architecture: str  # "mlp" (models.PlainMLP) or "cnn" (models.CNN)
    width: int  # hidden units per layer (mlp) or channels per convolution (cnn)
    seed: int  # initial weights, batch order and label-noise draw
    label_noise: float = 0.0  # probability that a training label is replaced by a uniform class
    n_layers: int = 2  # hidden layers (mlp only)
    dropout: float = 0.0  # dropout rate of the hidden layers (mlp only)

    def __post_init__(self):
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture={self.architecture!r}: choose one of {', '.join(ARCHITECTURES)}")
        check_in_range("width", self.width, 1, 100_000)
        check_in_range("label_noise", self.label_noise, 0.0, 1.0)
        if self.architecture == "cnn" and (self.n_layers != 2 or self.dropout):
            raise ValueError("n_layers and dropout apply to the mlp only")

    def build(self) -> nn.Module:
        if self.architecture == "cnn":
            return CNN(channels=self.width)
        return PlainMLP(n_hidden=self.width, n_layers=self.n_layers, dropout=self.dropout)

    def labels(self, y: np.ndarray) -> np.ndarray:
        """This member's training labels (n,): ``y`` with its own label noise.
        Members of one seed share the noisy labels, so a width curve sees one data set."""
        return corrupt_labels(y, self.label_noise, seed=LABEL_SEED_OFFSET + self.seed) if self.label_noise else y


def sweep_config(epochs: int, eval_epochs: int, n_train: int = 4000, batch_size: int = 100) -> TrainConfig:
    """The paper's schedule: SGD, lr 0.01, momentum 0.9, batch 100, ``epochs`` passes."""
    steps_per_epoch = n_train // batch_size
    return TrainConfig(steps=epochs * steps_per_epoch, batch_size=batch_size, lr=0.01, optimizer="sgd",
                       momentum=0.9, eval_every=min(eval_epochs, epochs) * steps_per_epoch)


def forward_macs(model: nn.Module, length: int = 40) -> int:
    """Multiply-accumulates of one example's forward pass through the model's
    ``nn.Linear`` and ``nn.Conv1d`` layers (counted with forward hooks)."""
    total = 0

    def count(layer, _inputs, out):
        nonlocal total
        per_output = layer.weight[0].numel()  # in (x k) weights per output value
        total += per_output * out[0].numel()

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv1d))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, length))
    for h in hooks:
        h.remove()
    return total


def plan_groups(costs: Sequence[float], counts: Sequence[int], overhead: float) -> list[list[int]]:
    """Split items into stacks, minimising the total cost
    sum over stacks of (members in the stack x cost of its largest item + ``overhead``).

    ``costs[i]``: cost of one member of item i (e.g. MACs per example); ``counts[i]``:
    its members. Optimal over stacks of cost-consecutive items (dynamic
    programming). Returns lists of item indices, cheapest stack first.
    """
    if len(costs) != len(counts):
        raise ValueError("costs and counts must have the same length")
    order = np.argsort(costs, kind="stable")
    c = np.asarray(costs, dtype=float)[order]
    n = np.concatenate([[0], np.cumsum(np.asarray(counts)[order])])
    best, cut = np.zeros(len(c) + 1), np.zeros(len(c) + 1, dtype=int)
    for j in range(1, len(c) + 1):
        options = [best[i] + (n[j] - n[i]) * c[j - 1] + overhead for i in range(j)]
        cut[j] = int(np.argmin(options))
        best[j] = options[cut[j]]
    groups, j = [], len(c)
    while j:
        groups.append([int(k) for k in order[cut[j]:j]])
        j = cut[j]
    return groups[::-1]


def stacks(members: Sequence[Member], overhead: dict[str, float] | None = None) -> list[list[int]]:
    """Member indices per stack: one architecture and depth per stack, widths grouped
    by ``plan_groups`` with each width weighted by its forward MACs and by its members
    per seed times ``PLAN_SEEDS``. The grouping depends on the widths and on what one
    seed trains, never on how many seeds: a member is zero-padded to the same width
    whatever seeds train beside it, so its numbers are the same in any sweep that holds
    it (at one thread, ``train.py``), and a sweep's seeds can be computed apart."""
    overhead = GROUP_OVERHEAD_MACS if overhead is None else overhead
    result = []
    for key in sorted({(m.architecture, m.n_layers) for m in members}):
        idx = [i for i, m in enumerate(members) if (m.architecture, m.n_layers) == key]
        widths = sorted({members[i].width for i in idx})
        macs = [forward_macs(Member(key[0], w, 0, n_layers=key[1]).build()) for w in widths]
        n_seeds = len({members[i].seed for i in idx})
        counts = [PLAN_SEEDS * sum(members[i].width == w for i in idx) / n_seeds for w in widths]
        for group in plan_groups(macs, counts, overhead[key[0]]):
            chosen = {widths[g] for g in group}
            result.append([i for i in idx if members[i].width in chosen])
    return result


def train_sweep(members: Sequence[Member], data: Dataset, config: TrainConfig, device: str = "auto",
                progress: bool = True) -> dict:
    """Train every member; stacks of members train together.

    Returns ``members`` (list of dicts), ``step`` (E,), and ``train_err``,
    ``test_err`` (%), ``train_loss``, ``test_loss`` (nats), each (members, E), in
    the order of ``members``.
    """
    members = list(members)
    if not members:
        raise ValueError("a sweep needs at least one member")
    keys = ("train_err", "test_err", "train_loss", "test_loss")
    out = {k: [None] * len(members) for k in keys}
    step = None
    for idx in stacks(members):
        group = [members[i] for i in idx]
        _, history = train_many([m.build for m in group], data, config, seeds=[m.seed for m in group],
                                device=device, y_train=np.stack([m.labels(data.y) for m in group]),
                                progress=progress, desc=f"{group[0].architecture} width "
                                                        f"{min(m.width for m in group)}-{max(m.width for m in group)}")
        step = history["step"]
        for k, i in enumerate(idx):
            out["train_err"][i] = 100.0 - history["train_acc"][k]
            out["test_err"][i] = 100.0 - history["test_acc"][k]
            out["train_loss"][i] = history["train_loss"][k]
            out["test_loss"][i] = history["test_loss"][k]
    return {"members": [asdict(m) for m in members], "step": step, **{k: np.stack(v) for k, v in out.items()}}


def chapter_members(settings) -> dict[str, list[Member]]:
    """The paper's three curves (``DoubleDescentSettings``): MLP without and with
    label noise (trained together), and the CNN with label noise."""
    s = settings
    return {
        "mlp": [Member("mlp", w, seed, noise) for noise in (0.0, s.label_noise) for w in s.mlp_widths
                for seed in s.seeds],
        "cnn": [Member("cnn", c, seed, s.label_noise) for c in s.cnn_channels for seed in s.seeds],
    }


def chapter_computation(settings, architecture: str, device: str = "auto") -> tuple[dict, Callable[[], dict]]:
    """One architecture's sweep of the chapter (``chapter_members``) as (config, fn) for
    ``results.Run.compute``: the MLP at ``settings.epochs``, the CNN at ``settings.cnn_epochs``,
    on ``double_descent_data(settings.n_train, settings.n_test)``; ``fn`` = ``train_sweep``."""
    members = chapter_members(settings)[architecture]
    epochs = settings.cnn_epochs if architecture == "cnn" else settings.epochs
    schedule = sweep_config(epochs, settings.eval_epochs, settings.n_train)
    return ({"members": members, "schedule": schedule, "n_train": settings.n_train, "n_test": settings.n_test},
            lambda: train_sweep(members, double_descent_data(settings.n_train, settings.n_test), schedule, device))


# What each ablation varies: the Member field, and its axis label.
ABLATIONS = {
    "depth": ("n_layers", "hidden layers"),
    "label_noise": ("label_noise", "label-noise fraction"),
    "width": ("width", "hidden units per layer"),
    "dropout": ("dropout", "dropout rate"),
    "dropout_noise": (("dropout", "label_noise"), "dropout rate × label-noise fraction"),
}


# The seed report's own base model (its Table 1): one hidden layer of 10 units, clean labels
REPORT_BASE = {"architecture": "mlp", "width": 10, "n_layers": 1, "label_noise": 0.0}


def ablation_members(settings, ablation: str) -> list[Member]:
    """Members of one ablation (``DoubleDescentAblationSettings``): a 2-hidden-layer
    MLP of ``settings.width`` units with ``settings.label_noise``, except for the
    setting the ablation varies (the dropout ablation also on ``REPORT_BASE`` when
    ``settings.dropout_report_base``)."""
    s = settings
    base = {"architecture": "mlp", "width": s.width, "label_noise": s.label_noise}
    variants = {
        "depth": [dict(base, n_layers=d) for d in s.n_layers],
        "label_noise": [dict(base, label_noise=p) for p in s.noise_levels],
        "width": [dict(base, width=w, n_layers=s.depth_for_widths) for w in s.widths],
        "dropout": [dict(base, dropout=p) for p in s.dropouts]
        + [dict(REPORT_BASE, dropout=p) for p in s.dropouts if s.dropout_report_base],
        "dropout_noise": [dict(base, label_noise=p, dropout=d) for p in s.heatmap_noise_levels for d in s.dropouts],
    }
    if ablation not in variants:
        raise ValueError(f"unknown ablation {ablation!r}: choose one of {', '.join(variants)}")
    return [Member(seed=seed, **v) for v in variants[ablation] for seed in s.seeds]


def ablation_computation(settings, ablation: str, device: str = "auto") -> tuple[dict, Callable[[], dict]]:
    """What one ablation trains, as (cache key, computation) for ``results.Run.compute``:
    its members, on the chapter's data, at ``settings.epochs``."""
    members = ablation_members(settings, ablation)
    schedule = sweep_config(settings.epochs, settings.eval_epochs)
    return ({"members": members, "schedule": schedule},
            lambda: train_sweep(members, double_descent_data(), schedule, device))
