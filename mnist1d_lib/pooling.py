"""Pooling against striding across training-set sizes (paper Fig. 9; the authors'
pooling notebook): a two-layer CNN whose downsampling is none, a stride of 2, or
max, average or L2 pooling over pairs, trained on 1k..50k signals.

All sizes are nested prefixes of one generated training set of 50,000 signals and
share its 1,000 test signals, so sizes differ only in how much data a model sees
(the authors generate a new dataset per size). For one method, every size and seed
is one member of a single stack (``train.train_many`` with ``train_subsets``).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data import Dataset, make_dataset
from .train import TrainConfig, train_many

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


def chapter_computation(settings, device: str):
    """The chapter's computation for ``Run.compute``: (config, fn); ``fn`` trains every
    method at every size and seed and returns rows of (method, size, seed, test_acc
    curve over ``step``, final test accuracy)."""
    config = {"settings": settings}

    def compute():
        data = pooling_data(settings.sizes)
        train = TrainConfig(steps=settings.steps, lr=settings.lr, eval_every=settings.eval_every)
        members = [(size, seed) for size in settings.sizes for seed in settings.seeds]
        subsets = [np.arange(size) for size, _ in members]
        rows, step = [], None
        for method in METHODS:
            _, history = train_many(lambda: PoolingCNN(method), data, train, [s for _, s in members], device,
                                    train_subsets=subsets, desc=f"pooling: {method}", eval_train=False)
            step = history["step"].tolist()
            rows += [{"method": method, "size": size, "seed": seed, "test_acc": history["test_acc"][k].tolist(),
                      "final_test_acc": float(history["test_acc"][k, -1])}
                     for k, (size, seed) in enumerate(members)]
        return {"step": step, "runs": rows}

    return config, compute
