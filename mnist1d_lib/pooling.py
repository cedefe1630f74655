"""Pooling against striding across training-set sizes (paper Fig. 9; the authors'
pooling notebook): a two-layer CNN whose downsampling is none, a stride of 2, or
max, average or L2 pooling over pairs, trained on 1k..50k signals.

With ``settings.fresh_data`` (the paper profile) every size has its own generated
dataset of ``size`` training and 1,000 test signals, as in the authors' notebook;
otherwise all sizes are nested prefixes of one training set of the largest size and
share its test signals, so that sizes differ only in how much data a model sees.
For one method, every size and seed is one member of a single stack
(``train.fit_stacked`` with one input set and one subset per member).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data import Dataset, make_dataset
from .stacking import stack_models
from .train import TrainConfig, _as_tensors, fit_stacked, init_model, resolve_device

METHODS = ("none", "stride 2", "max", "average", "L2")
POOLS = {
    "none": lambda h: h,
    "stride 2": lambda h: h,
    "max": lambda h: F.max_pool1d(h, 2),
    "average": lambda h: F.avg_pool1d(h, 2),
    "L2": lambda h: F.lp_pool1d(h, norm_type=2, kernel_size=2),
}


class PoolingCNN(nn.Module):
    """Conv1d(1 -> 20, k3, padding 1) -> ReLU -> downsample -> Conv1d(20 -> 20, k3) ->
    ReLU -> downsample -> linear read-out, where "downsample" is ``method``: nothing,
    the convolution's own stride 2, or a pooling over pairs. x ([members,] batch, length)."""

    def __init__(self, method: str = "max", channels: int = 20, length: int = 40):
        super().__init__()
        if method not in METHODS:
            raise ValueError(f"method={method!r}: choose one of {', '.join(METHODS)}")
        self.method = method
        stride = 2 if method == "stride 2" else 1
        self.conv1 = nn.Conv1d(1, channels, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=stride, padding=1)
        out_len = length if method == "none" else length // 4
        self.linear = nn.Linear(channels * out_len, 10)

    def _pool(self, h: torch.Tensor) -> torch.Tensor:
        lead = h.shape[:-2]  # pooling takes (N, C, L): fold a member axis into N
        return POOLS[self.method](h.reshape(-1, *h.shape[-2:])).reshape(*lead, h.shape[-2], -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self._pool(self.conv1(x.unsqueeze(-2)).relu())
        h = self._pool(self.conv2(h).relu())
        return self.linear(h.flatten(-2))


def pooling_data(sizes: tuple[int, ...], n_test: int = 1000) -> Dataset:
    """One generated dataset with ``max(sizes)`` training and ``n_test`` test signals."""
    n = max(sizes) + n_test
    return make_dataset(num_samples=n, train_split=max(sizes) / n)


def member_data(sizes: tuple[int, ...], fresh: bool, n_test: int = 1000) -> list[Dataset]:
    """The dataset of each size: its own generated one (``fresh``), or the first ``size``
    signals of one shared dataset (the same test signals for all)."""
    if fresh:
        return [make_dataset(num_samples=size + n_test, train_split=size / (size + n_test)) for size in sizes]
    shared = pooling_data(sizes, n_test)
    return [Dataset(x=shared.x[:size], y=shared.y[:size], x_test=shared.x_test, y_test=shared.y_test, t=shared.t)
            for size in sizes]


def train_method(method: str, datasets: list[Dataset], seeds: list[int], config: TrainConfig,
                 device: str) -> dict:
    """Train one ``PoolingCNN(method)`` per (dataset, seed) pair as one stack: member k sees
    ``datasets[k]`` (zero-padded to the largest, each drawing batches from its own
    examples only) and is tested on that dataset's test signals. Returns the history
    of ``train.fit_stacked``: ``step`` (E,), ``test_acc`` and ``test_loss`` (members, E)."""
    device = resolve_device(device)
    n = max(len(d.y) for d in datasets)

    def padded(x, y):  # (members, n, length), (members, n)
        xs, ys = np.zeros((len(x), n, x[0].shape[-1])), np.zeros((len(y), n), dtype=np.int64)
        for k, (xk, yk) in enumerate(zip(x, y)):
            xs[k, :len(yk)], ys[k, :len(yk)] = xk, yk
        return _as_tensors(xs, ys, device)

    stacked = stack_models([init_model(lambda: PoolingCNN(method), s) for s in seeds]).to(device)
    train = padded([d.x for d in datasets], [d.y for d in datasets])
    test = _as_tensors(np.stack([d.x_test for d in datasets]), np.stack([d.y_test for d in datasets]), device)
    return fit_stacked(stacked, train, {"test": test}, config, seeds,
                       train_subsets=[np.arange(len(d.y)) for d in datasets], desc=f"pooling: {method}",
                       eval_train=False)


def chapter_computation(settings, device: str):
    """The chapter's computation for ``Run.compute``: (config, fn); ``fn`` trains every
    method at every size and seed and returns rows of (method, size, seed, test_acc
    curve over ``step``, final test accuracy)."""
    config = {"settings": settings}

    def compute():
        members = [(size, seed) for size in settings.sizes for seed in settings.seeds]
        by_size = dict(zip(settings.sizes, member_data(settings.sizes, settings.fresh_data)))
        train = TrainConfig(steps=settings.steps, lr=settings.lr, eval_every=settings.eval_every)
        rows, step = [], None
        for method in METHODS:
            history = train_method(method, [by_size[size] for size, _ in members], [s for _, s in members], train,
                                   device)
            step = history["step"].tolist()
            rows += [{"method": method, "size": size, "seed": seed, "test_acc": history["test_acc"][k].tolist(),
                      "final_test_acc": float(history["test_acc"][k, -1])}
                     for k, (size, seed) in enumerate(members)]
        return {"step": step, "runs": rows}

    return config, compute
