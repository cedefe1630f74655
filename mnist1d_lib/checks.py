"""Argument checks that fail with a message naming the argument and its allowed range."""
from __future__ import annotations

import numpy as np


def check_in_range(name: str, value, low, high, inclusive: bool = True) -> None:
    """Raise ValueError unless ``low <= value <= high`` (strict when not ``inclusive``)."""
    ok = (low <= value <= high) if inclusive else (low < value < high)
    if not ok or value != value:  # value != value catches NaN
        bracket = "[{}, {}]" if inclusive else "({}, {})"
        raise ValueError(f"{name}={value!r} is out of range: allowed {bracket.format(low, high)}")


def check_signals(name: str, x: np.ndarray) -> None:
    """Raise ValueError unless ``x`` is a 2-D array of signals (n, length)."""
    if np.ndim(x) != 2:
        raise ValueError(f"{name} must have shape (n, length), got shape {np.shape(x)}")
