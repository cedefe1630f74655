"""The learned activation function of Fig. 7, and how to read it: its curve, its
local extrema and a piecewise-linear fit that can replace it."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .metalearn import Inner, Params, Stack, init_mlp, mlp_forward, stack_params

SCALE = 0.2  # the meta-MLP's output is scaled by 0.2, as in the authors' notebook


class LearnedActivation:
    """ELU(x) + 0.2 * meta_mlp(x) for M members, with meta_mlp a 1-n-1 tanh MLP applied
    to every element. ``params`` are stacked ``[w1 (M, n, 1), b1 (M, n), w2 (M, 1, n),
    b2 (M, 1)]``; the input ``x`` (M, ...) carries the member axis first."""

    def __init__(self, params: Sequence[torch.Tensor]):
        self.params = list(params)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        bump = mlp_forward(self.params, x.reshape(x.shape[0], -1, 1), torch.tanh)  # (M, x[0].numel(), 1)
        return F.elu(x) + SCALE * bump.reshape(x.shape)


def init_activation_params(seeds: Sequence[int], n_hidden: int = 100) -> Params:
    """Initial meta-parameters of ``LearnedActivation``: one 1-n_hidden-1 MLP per seed
    (``nn.Linear``'s initialisation), stacked."""
    return stack_params([init_mlp((1, n_hidden, 1), seed) for seed in seeds])


def inner_learned_activation(meta_params: Params, stack: Stack) -> Inner:
    """Fig. 7: ``meta_params`` are the stacked meta-MLPs of a ``LearnedActivation``."""
    return Inner(LearnedActivation(meta_params), stack.optimizer())


def activation_curve(params: Sequence[torch.Tensor | np.ndarray], x: np.ndarray) -> np.ndarray:
    """Values (n,) of one member's learned activation, meta-parameters ``params``
    (tensors or arrays, without the member axis, as in a history row), at ``x`` (n,)."""
    with torch.no_grad():
        stacked = [torch.as_tensor(np.asarray(p), dtype=torch.get_default_dtype())[None] for p in params]
        grid = torch.as_tensor(np.asarray(x), dtype=torch.get_default_dtype())[None]
        return LearnedActivation(stacked)(grid)[0].numpy()


class PiecewiseLinear:
    """The piecewise-linear function through (``knots``, ``values``), both (K,), extended
    linearly beyond the first and the last knot; applied elementwise to tensors."""

    def __init__(self, knots: Sequence[float], values: Sequence[float]):
        self.knots = torch.as_tensor(np.asarray(knots), dtype=torch.get_default_dtype())
        self.values = torch.as_tensor(np.asarray(values), dtype=torch.get_default_dtype())
        if self.knots.dim() != 1 or len(self.knots) < 2 or self.knots.shape != self.values.shape:
            raise ValueError("knots and values must be 1-D of the same length >= 2")
        if not bool((self.knots.diff() > 0).all()):
            raise ValueError("knots must increase")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        knots, values = self.knots.to(x.device, x.dtype), self.values.to(x.device, x.dtype)
        segment = (torch.searchsorted(knots, x.detach().contiguous()) - 1).clamp(0, len(knots) - 2)
        x0, y0 = knots[segment], values[segment]
        slope = (values[segment + 1] - y0) / (knots[segment + 1] - x0)
        return y0 + slope * (x - x0)


def fit_piecewise_linear(x: np.ndarray, y: np.ndarray, knots: Sequence[float]) -> np.ndarray:
    """Least-squares values (K,) at ``knots`` of the piecewise-linear function closest
    to the points (``x``, ``y``), both (n,)."""
    knots = np.asarray(knots, dtype=float)
    basis = np.stack([PiecewiseLinear(knots, np.eye(len(knots))[k])(torch.as_tensor(np.asarray(x, dtype=float)))
                      .numpy() for k in range(len(knots))], axis=1)  # (n, K)
    return np.linalg.lstsq(basis, np.asarray(y, dtype=float), rcond=None)[0]


def local_extrema(x: np.ndarray, y: np.ndarray, min_rise: float = 0.01) -> list[tuple[float, str]]:
    """Interior local maxima and minima of the curve (``x``, ``y``), both (n,), as
    (position, "max" | "min"), in order. A turn counts only when the curve rises and
    falls by at least ``min_rise`` on each side of it, so that flat noise is no extremum."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    found, hi, lo, trend, ext = [], 0, 0, 0, 0  # trend: +1 rising, -1 falling, 0 not yet known
    for i in range(1, len(y)):
        if trend == 0:
            hi, lo = (i if y[i] > y[hi] else hi), (i if y[i] < y[lo] else lo)
            if y[hi] - y[lo] >= min_rise:
                trend, ext, first = (1, hi, lo) if hi > lo else (-1, lo, hi)
                if first > 0 and abs(y[0] - y[first]) >= min_rise:
                    found.append((float(x[first]), "min" if trend == 1 else "max"))
        elif trend * (y[i] - y[ext]) > 0:
            ext = i
        elif trend * (y[ext] - y[i]) >= min_rise:
            found.append((float(x[ext]), "max" if trend == 1 else "min"))
            trend, ext = -trend, i
    return found
