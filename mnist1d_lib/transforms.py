"""Transforms of inputs and labels used by the experiments.

Spatial transforms act on signals ``x`` of shape (n, length) and apply the same
fixed rearrangement to every signal, so a model without a spatial prior (MLP)
is unaffected while a CNN or GRU loses its inductive bias.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from .checks import check_in_range, check_signals
from .data import N_CLASSES, Dataset


def shuffle_permutation(length: int, seed: int = 42) -> np.ndarray:
    """The fixed feature permutation of the paper (``np.random.seed(42); permutation(40)``)."""
    return np.random.RandomState(seed).permutation(length)


def shuffle_features(x: np.ndarray, seed: int = 42) -> np.ndarray:
    """Permute the positions of every signal with one fixed random permutation."""
    check_signals("x", x)
    return x[:, shuffle_permutation(x.shape[1], seed)]


def flip(x: np.ndarray) -> np.ndarray:
    """Reverse every signal in time."""
    check_signals("x", x)
    return x[:, ::-1].copy()


def swap_chunks(x: np.ndarray, n_chunks: int = 2) -> np.ndarray:
    """Cut every signal into ``n_chunks`` equal chunks and reverse their order
    (the order inside a chunk is kept). ``n_chunks=2`` swaps the two halves."""
    check_signals("x", x)
    length = x.shape[1]
    check_in_range("n_chunks", n_chunks, 2, length)
    if length % n_chunks:
        raise ValueError(f"n_chunks={n_chunks} must divide the signal length {length}")
    chunks = np.split(x, n_chunks, axis=1)
    return np.concatenate(chunks[::-1], axis=1)


def crop(x: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Keep positions ``start:stop`` of every signal: (n, length) -> (n, stop - start)."""
    check_signals("x", x)
    check_in_range("start", start, 0, x.shape[1] - 1)
    check_in_range("stop", stop, start + 1, x.shape[1])
    return x[:, start:stop].copy()


def add_input_noise(x: np.ndarray, std: float, seed: int) -> np.ndarray:
    """Add i.i.d. Gaussian noise of standard deviation ``std`` (in units of the
    dataset's standard deviation, which is 1)."""
    check_signals("x", x)
    check_in_range("std", std, 0.0, 100.0)
    return x + std * np.random.default_rng(seed).standard_normal(x.shape)


def corrupt_labels(y: np.ndarray, fraction: float, seed: int, n_classes: int = N_CLASSES) -> np.ndarray:
    """Label noise as in the paper's double-descent notebook: each label is, with
    probability ``fraction``, replaced by a class drawn uniformly from all
    ``n_classes`` (so it may by chance keep its value).

    ``y``: (n,) int. Returns a new array; ``y`` is left unchanged.
    """
    if np.ndim(y) != 1:
        raise ValueError(f"y must have shape (n,), got shape {np.shape(y)}")
    check_in_range("fraction", fraction, 0.0, 1.0)
    rng = np.random.default_rng(seed)
    replace_mask = rng.random(len(y)) < fraction
    noisy = y.copy()
    noisy[replace_mask] = rng.integers(0, n_classes, replace_mask.sum())
    return noisy


def transform_inputs(data: Dataset, fn: Callable[[np.ndarray], np.ndarray]) -> Dataset:
    """Apply a signal transform to the training and the test inputs alike."""
    return replace(data, x=fn(data.x), x_test=fn(data.x_test))


SPATIAL_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "original": lambda x: x,
    "shuffled": shuffle_features,
    "flipped": flip,
    "chunk-swapped": swap_chunks,
}
