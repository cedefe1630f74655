"""MNIST-1D data, generated with the official ``mnist1d`` package (never downloaded).

The default call reproduces the paper's frozen ``mnist1d_data.pkl``: 4000 train and
1000 test signals of length 40, dataset seed 42. Generated sets are cached on disk
(``$MNIST1D_CACHE`` or ``~/.cache/mnist1d_lib``) because the generator is pure
Python (about 0.5 ms per signal).
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.resources
import json
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from mnist1d.data import get_dataset_args, get_templates
from mnist1d.data import make_dataset as _mnist1d_make_dataset
from mnist1d.utils import ObjectView

from .checks import check_in_range
from .files import atomic_write_bytes

N_CLASSES = 10


@dataclass(frozen=True)
class Dataset:
    """A train/test split. ``x``: (n_train, length) float64, ``y``: (n_train,) int64;
    likewise ``x_test``/``y_test``. ``t``: (length,) the signal's time axis."""

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    t: np.ndarray

    @property
    def length(self) -> int:
        return self.x.shape[1]


def dataset_args(num_samples: int = 5000, train_split: float = 0.8, seed: int = 42, **overrides):
    """The ``mnist1d`` generator arguments (paper Table 2 unless overridden)."""
    check_in_range("num_samples", num_samples, 10, 10_000_000)
    check_in_range("train_split", train_split, 0.0, 1.0, inclusive=False)
    args = get_dataset_args(as_dict=True)
    unknown = set(overrides) - set(args)
    if unknown:
        raise ValueError(f"unknown dataset argument(s) {sorted(unknown)}: allowed are {sorted(args)}")
    args.update(num_samples=num_samples, train_split=train_split, seed=seed, **overrides)
    args.pop("url")
    return args


def _cache_dir() -> Path:
    return Path(os.environ.get("MNIST1D_CACHE", Path.home() / ".cache" / "mnist1d_lib"))


def make_dataset(num_samples: int = 5000, train_split: float = 0.8, seed: int = 42, **overrides) -> Dataset:
    """Generate MNIST-1D with ``mnist1d.make_dataset`` (cached on disk by its arguments).

    ``num_samples`` signals in total, the first ``train_split`` fraction for training;
    ``seed`` is the dataset seed (the paper uses 42). ``overrides`` are further
    ``mnist1d`` arguments (e.g. ``iid_noise_scale``).
    """
    args = dataset_args(num_samples, train_split, seed, **overrides)
    key = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()[:16]
    path = _cache_dir() / f"mnist1d_{key}.npz"
    if path.exists():
        with np.load(path) as f:
            return Dataset(**{k: f[k] for k in ("x", "y", "x_test", "y_test", "t")})
    raw = _mnist1d_make_dataset(ObjectView(dict(args)))
    data = Dataset(
        x=raw["x"], y=raw["y"].astype(np.int64), x_test=raw["x_test"],
        y_test=raw["y_test"].astype(np.int64), t=raw["t"],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = BytesIO()
    np.savez(buf, x=data.x, y=data.y, x_test=data.x_test, y_test=data.y_test, t=data.t)
    atomic_write_bytes(path, buf.getvalue())
    return data


def templates() -> dict:
    """The ten digit templates: ``x`` (10, 12), ``t`` (12,), ``y`` (10,)."""
    return get_templates()


def load_frozen(path: str | Path) -> Dataset:
    """Load the paper's frozen ``mnist1d_data.pkl``."""
    import pickle

    with open(path, "rb") as f:
        raw = pickle.load(f)
    return Dataset(x=raw["x"], y=raw["y"].astype(np.int64), x_test=raw["x_test"],
                   y_test=raw["y_test"].astype(np.int64), t=raw["t"])


def frozen_difference(ours: Dataset, frozen: Dataset) -> dict:
    """Largest absolute difference of the signals and whether all labels agree."""
    same_shape = ours.x.shape == frozen.x.shape and ours.x_test.shape == frozen.x_test.shape
    if not same_shape:
        return {"max_abs_dx": float("inf"), "labels_equal": False}
    dx = max(np.abs(ours.x - frozen.x).max(), np.abs(ours.x_test - frozen.x_test).max())
    labels = bool(np.array_equal(ours.y, frozen.y) and np.array_equal(ours.y_test, frozen.y_test))
    return {"max_abs_dx": float(dx), "labels_equal": labels}


def validation_indices(n_train: int, val_size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (kept for training, held out for validation) of a seeded random split
    of ``n_train`` training examples."""
    check_in_range("val_size", val_size, 1, n_train - 1)
    order = np.random.default_rng(seed).permutation(n_train)
    return np.sort(order[val_size:]), np.sort(order[:val_size])


def split_validation(data: Dataset, val_size: int, seed: int = 0) -> tuple[Dataset, tuple[np.ndarray, np.ndarray]]:
    """Carve ``val_size`` examples out of the training set (``validation_indices``).

    Returns the reduced dataset (same test set) and ``(x_val, y_val)``.
    """
    train, val = validation_indices(len(data.y), val_size, seed)
    reduced = Dataset(x=data.x[train], y=data.y[train], x_test=data.x_test, y_test=data.y_test, t=data.t)
    return reduced, (data.x[val], data.y[val])


def generation_steps(label: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """The stages through which ``mnist1d`` turns the template of ``label`` into a
    signal, as (stage name, signal) pairs, with the package's own functions in the
    package's order (pad, dilate, scale, translate, noise, shear, subsample)."""
    tf = importlib.import_module("mnist1d.transform")  # the package re-exports a function of that name
    check_in_range("label", label, 0, N_CLASSES - 1)
    args = ObjectView(dataset_args())
    rng_state = np.random.get_state()
    np.random.seed(seed)
    try:
        x = templates()["x"][label]
        steps = [("template", x)]
        x = tf.pad(x + 1e-8, args.padding)
        steps.append(("pad", x))
        x = tf.interpolate(x, args.template_len + args.padding[-1])
        steps.append(("dilate", x))
        x = x * (1 + args.scale_coeff * (np.random.rand() - 0.5))
        steps.append(("scale", x))
        x = tf.translate(x, args.max_translation)
        steps.append(("translate", x))
        mask = x != 0
        x = mask * x + (1 - mask) * tf.corr_noise_like(x, args.corr_noise_scale)
        x = x + tf.iid_noise_like(x, args.iid_noise_scale)
        steps.append(("add noise", x))
        x = tf.shear(x, args.shear_scale)
        steps.append(("shear", x))
        x = tf.interpolate(x, args.final_seq_length)
        steps.append(("subsample to 40", x))
    finally:
        np.random.set_state(rng_state)
    return steps


def frozen_path() -> Path:
    """The paper's frozen ``mnist1d_data.pkl`` (Apache-2.0, see NOTICE), shipped inside
    this package, so that it is there in a clone, an installed wheel and Colab alike."""
    return Path(str(importlib.resources.files(__package__) / "mnist1d_data.pkl"))
