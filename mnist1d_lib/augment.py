"""The self-supervised chapter's data augmentations (the authors' ``augment``), on
torch tensors of signals x (members, n, length), one ``torch.Generator`` per member
so that a member's views do not depend on the other members of its stack.

One view of a signal: remove its offset and linear trend, shift it circularly by
0..max_shift-1 positions, then add a random linear trend and offset. The default
strengths are the spread of the offsets (0.30) and slopes (0.04 per position) in
the training set, as measured in the authors' notebook.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch

OFFSET_STD = 0.3
SLOPE_STD = 0.04
MAX_SHIFT = 10  # the authors' training uses shifts 0..9


def centred_time(length: int, device=None) -> torch.Tensor:
    """(length,): positions minus their mean, t = i - (length - 1) / 2."""
    return torch.arange(length, device=device) - (length - 1) / 2


def _per_member(x: torch.Tensor, generators: Sequence[torch.Generator],
                draw: Callable[[tuple, torch.Generator], torch.Tensor]) -> torch.Tensor:
    """(members, n, 1): member k's values drawn with ``generators[k]``, on x's device."""
    if x.dim() != 3 or x.shape[0] != len(generators):
        raise ValueError(f"x must have shape (members, n, length) with one generator per member "
                         f"({len(generators)}), got {tuple(x.shape)}")
    return torch.stack([draw((x.shape[1], 1), g) for g in generators]).to(x.device)


def remove_offset_and_slope(x: torch.Tensor) -> torch.Tensor:
    """Each signal minus its mean and its least-squares linear trend over ``centred_time``."""
    t = centred_time(x.shape[-1], x.device)
    slopes = (x * t).sum(-1, keepdim=True) / (t ** 2).sum()
    return x - x.mean(-1, keepdim=True) - slopes * t


def circular_shift(x: torch.Tensor, max_shift: int, generators: Sequence[torch.Generator]) -> torch.Tensor:
    """Roll each signal right by its own uniform shift in 0..max_shift-1 (``torch.roll`` direction)."""
    if max_shift < 1:
        raise ValueError(f"max_shift={max_shift} must be at least 1 (1 means no shift)")
    length = x.shape[-1]
    shifts = _per_member(x, generators, lambda shape, g: torch.randint(0, max_shift, shape, generator=g))
    source = (torch.arange(length, device=x.device) - shifts) % length  # output i reads input i - shift
    return torch.gather(x, -1, source)


def add_offset_and_slope(x: torch.Tensor, offset_std: float, slope_std: float,
                         generators: Sequence[torch.Generator]) -> torch.Tensor:
    """Add to each signal a Gaussian offset and a Gaussian slope times ``centred_time``."""
    slopes = _per_member(x, generators, lambda shape, g: torch.randn(shape, generator=g)) * slope_std
    offsets = _per_member(x, generators, lambda shape, g: torch.randn(shape, generator=g)) * offset_std
    return x + slopes.to(x.dtype) * centred_time(x.shape[-1], x.device) + offsets.to(x.dtype)


def view(x: torch.Tensor, generators: Sequence[torch.Generator], max_shift: int = MAX_SHIFT,
         offset_std: float = OFFSET_STD, slope_std: float = SLOPE_STD) -> torch.Tensor:
    """One augmented view of signals x (members, n, length), same shape."""
    return add_offset_and_slope(circular_shift(remove_offset_and_slope(x), max_shift, generators),
                                offset_std, slope_std, generators)
