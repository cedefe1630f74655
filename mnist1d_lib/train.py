"""Training: the one-model loop and a trainer for many independent models at once.

Both follow the paper's schedule (Adam, lr 1e-2, batch 100, 6000 steps, evaluation
every 250 steps) unless a ``TrainConfig`` says otherwise, and both are seeded the
same way: ``torch.manual_seed(seed)`` before the model is built (initial weights)
and a ``torch.Generator`` seeded with ``seed`` for the order of the mini-batches.
So member ``k`` of ``train_many(..., seeds)`` follows the same trajectory as
``train_one(..., seeds[k])``, up to floating-point rounding. At one thread a member's
numbers are bitwise the same at any position in any stack, alone included (tested). That
is why Adam runs as ``foreach`` and not ``fused``: the fused CPU kernel updates the last
elements of a stacked parameter whose size is not a multiple of its vector width (e.g. a
3 x 100 bias) on a scalar path that rounds differently, and those belong to the last
member; long trainings amplify that (seed 0's Table-1 MLP after 6000 steps: 63.3 % test
accuracy first in a stack of two, 65.4 % last of three). The foreach step is ~3x slower
than the fused one (0.73 against 0.27 ms for 20 stacked Table-1 MLPs; 2-15 % of a step).

Histories hold accuracies in percent and mean cross-entropy losses in nats.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.std import tqdm

from . import checkpoints
from .checks import check_in_range
from .data import Dataset
from .stacking import stack_models, unstack_model

EVAL_CHUNK = 8192  # examples per evaluation forward pass (bounds memory)


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings; the defaults are the paper's classification schedule."""

    steps: int = 6000  # optimiser steps
    batch_size: int = 100
    lr: float = 1e-2
    optimizer: str = "adam"  # "adam" or "sgd"
    momentum: float = 0.0  # SGD only
    weight_decay: float = 0.0
    eval_every: int = 250  # steps between evaluations (the initial model is evaluated too)

    def __post_init__(self):
        check_in_range("steps", self.steps, 1, 10**8)
        check_in_range("batch_size", self.batch_size, 1, 10**7)
        check_in_range("lr", self.lr, 0.0, 100.0, inclusive=False)
        check_in_range("momentum", self.momentum, 0.0, 1.0)
        check_in_range("weight_decay", self.weight_decay, 0.0, 10.0)
        check_in_range("eval_every", self.eval_every, 1, self.steps)
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer={self.optimizer!r}: choose 'adam' or 'sgd'")

    def eval_steps(self) -> list[int]:
        """Steps after which the model is evaluated: 0, eval_every, ..., and the last step."""
        steps = list(range(0, self.steps + 1, self.eval_every))
        return steps if steps[-1] == self.steps else steps + [self.steps]


class TrainingDiverged(RuntimeError):
    """The training loss became inf or NaN."""

    def __init__(self, step: int, detail: str = ""):
        self.step = step
        super().__init__(f"training diverged at step {step} (non-finite loss){detail}; try a smaller lr")


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when present, else the CPU; asking for an absent CUDA is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise ValueError(f"device={device!r}: choose 'auto', 'cpu' or 'cuda'")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} requested but CUDA is not available on this machine")
    return torch.device(device)


def batch_schedule(n: int, steps: int, batch_size: int, seed: int) -> torch.Tensor:
    """Mini-batch indices (steps, batch_size): consecutive epochs, each a seeded
    random permutation of ``range(n)``."""
    gen = torch.Generator().manual_seed(seed)
    n_epochs = math.ceil(steps * batch_size / n)
    order = torch.cat([torch.randperm(n, generator=gen) for _ in range(n_epochs)])
    return order[: steps * batch_size].view(steps, batch_size)


def init_model(make_model: Callable[[], nn.Module], seed: int) -> nn.Module:
    """Build a model with initial weights drawn from ``torch.manual_seed(seed)``."""
    torch.manual_seed(seed)
    return make_model()


def _optimizer(params, config: TrainConfig) -> torch.optim.Optimizer:
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay, foreach=True)
    return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)


def _as_tensors(x: np.ndarray, y: np.ndarray, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    return (torch.as_tensor(np.ascontiguousarray(x), dtype=torch.get_default_dtype(), device=device),
            torch.as_tensor(np.ascontiguousarray(y), dtype=torch.int64, device=device))


def _eval_sets(data: Dataset, val: tuple[np.ndarray, np.ndarray] | None, device) -> dict:
    sets = {"train": _as_tensors(data.x, data.y, device), "test": _as_tensors(data.x_test, data.y_test, device)}
    if val is not None:
        sets["val"] = _as_tensors(*val, device)
    return sets


@torch.no_grad()
def _loss_and_acc(logits_fn, x: torch.Tensor, y: torch.Tensor,
                  weights: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean loss and accuracy (%, in float64 so that it is an exact fraction) of
    ``logits_fn`` on (x, y): x (n, length), or (members, n, length) for one input set
    per member. The logits may carry a leading member axis (members, n, classes),
    with ``y`` (n,) or (members, n); ``weights`` (members, n) then restricts each
    member's average to its own examples (0/1 entries)."""
    losses, correct = 0.0, 0.0
    for start in range(0, x.shape[-2], EVAL_CHUNK):
        stop = start + EVAL_CHUNK
        logits = logits_fn(x[..., start:stop, :])
        yb = y[..., start:stop].expand(logits.shape[:-1])
        loss = F.cross_entropy(logits.transpose(-1, -2) if logits.dim() == 3 else logits, yb, reduction="none")
        hit = (logits.argmax(-1) == yb).double()
        if weights is not None:
            loss, hit = loss * weights[:, start:stop], hit * weights[:, start:stop]
        losses = losses + loss.double().sum(-1)
        correct = correct + hit.sum(-1)
    count = x.shape[-2] if weights is None else weights.double().sum(-1)
    return losses / count, 100.0 * correct / count


def _progress(total: int, desc: str, enabled: bool):
    return tqdm(total=total, desc=desc, disable=not enabled, mininterval=2.0, leave=False)


def train_one(make_model: Callable[[], nn.Module], data: Dataset, config: TrainConfig, seed: int,
              device: str = "auto", val: tuple[np.ndarray, np.ndarray] | None = None,
              progress: bool = True, desc: str = "train") -> tuple[nn.Module, dict]:
    """Train one model: the straightforward loop of the authors' notebook.

    Returns the trained model and its history: ``step`` (E,) and, for each of
    ``train``, ``test`` (and ``val`` when given), ``<set>_loss`` and ``<set>_acc`` (E,).
    """
    device = resolve_device(device)
    model = init_model(make_model, seed).to(device)
    opt = _optimizer(model.parameters(), config)
    sets = _eval_sets(data, val, device)
    x, y = sets["train"]
    batches = batch_schedule(len(y), config.steps, config.batch_size, seed).to(device)
    eval_steps = set(config.eval_steps())
    history = {"step": []}

    def record(step):
        model.eval()
        history["step"].append(step)
        for name, (xs, ys) in sets.items():
            loss, acc = _loss_and_acc(model, xs, ys)
            history.setdefault(f"{name}_loss", []).append(loss.item())
            history.setdefault(f"{name}_acc", []).append(acc.item())
        model.train()

    record(0)
    with _progress(config.steps, desc, progress) as bar:
        for step in range(1, config.steps + 1):
            idx = batches[step - 1]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            if not torch.isfinite(loss):
                raise TrainingDiverged(step)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if step in eval_steps:
                record(step)
            bar.update()
    return model, {k: np.asarray(v) for k, v in history.items()}


def train_many(make_model: Callable[[], nn.Module] | Sequence[Callable[[], nn.Module]], data: Dataset,
               config: TrainConfig, seeds: Sequence[int],
               device: str = "auto", val: tuple[np.ndarray, np.ndarray] | None = None,
               y_train: np.ndarray | None = None, train_subsets: Sequence[np.ndarray | None] | None = None,
               progress: bool = True, desc: str = "train", eval_train: bool = True) -> tuple[list[nn.Module], dict]:
    """Train ``len(seeds)`` independent models of one architecture at once.

    The members are stacked into one module (``stacking.stack_models``), so one
    forward pass, backward pass and optimiser step update all of them; Adam and
    SGD act element-wise, so members never interact. ``make_model`` is one model
    factory or one per member; members of a ReLU architecture may then differ in
    width (they are zero-padded to the largest, which is exact). ``y_train`` (members,
    n_train) optionally gives each member its own training labels (e.g. its own
    label noise); by default all use ``data.y``. ``train_subsets`` optionally gives
    each member the indices of the training examples it may use (``None``: all);
    such a member follows ``train_one`` on the dataset restricted to its subset, and
    its train metrics are measured on its subset (e.g. members that hold out a
    validation split train beside members that use every example). ``eval_train=False``
    skips the train metrics (they cost a pass over the whole training set per evaluation).

    Returns the trained models (one plain ``nn.Module`` per seed) and a history
    whose metric arrays have shape (members, E) (``step``: (E,)).
    """
    device = resolve_device(device)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    makers = [make_model] * len(seeds) if callable(make_model) else list(make_model)
    if len(makers) != len(seeds):
        raise ValueError(f"make_model must be one factory or one per seed ({len(seeds)}), got {len(makers)}")
    models = [init_model(m, s) for m, s in zip(makers, seeds)]
    stacked = stack_models(models, pad=True).to(device)
    sets = _eval_sets(data, val, device)
    x, y = sets.pop("train")
    if y_train is not None:
        if np.shape(y_train) != (len(seeds), len(data.y)):
            raise ValueError(f"y_train must have shape (members, n_train) = {(len(seeds), len(data.y))}, "
                             f"got {np.shape(y_train)}")
        y = torch.as_tensor(y_train, dtype=torch.int64, device=device)
    history = fit_stacked(stacked, (x, y), sets, config, seeds, train_subsets, progress, desc, eval_train)
    trained = [unstack_model(stacked, k, models[k]).to(device) for k in range(len(seeds))]
    return trained, history


def fit_stacked(stacked: nn.Module, train: tuple[torch.Tensor, torch.Tensor], evals: dict, config: TrainConfig,
                seeds: Sequence[int], train_subsets: Sequence[np.ndarray | None] | None = None,
                progress: bool = True, desc: str = "train", eval_train: bool = True) -> dict:
    """Train the members of an already stacked module in place (see ``train_many``).

    ``train`` is (x, y): x (n, length) shared by all members or (members, n, length),
    one input set per member; y (n,) or (members, n). ``evals`` maps a set's name to
    (x, y) of the same conventions (e.g. ``{"test": ...}``); the training set is
    evaluated too, as ``train``, unless ``eval_train`` is False. Member k draws its mini-batches with
    ``batch_schedule(..., seeds[k])`` from its ``train_subsets[k]`` (indices; ``None``:
    all examples), on which its train metrics are measured too.

    Returns the history: ``step`` (E,) and ``<set>_loss``, ``<set>_acc`` (members, E).
    """
    x, y = train
    members, n = len(seeds), y.shape[-1]
    device = y.device
    if x.shape[-2] != n or (x.dim() == 3 and x.shape[0] != members):
        raise ValueError(f"training inputs {tuple(x.shape)} do not match {members} members of {n} labels")
    x_members = x.expand(members, -1, -1)  # (members, n_train, length): a view when shared
    y_members = y.expand(members, -1)  # (members, n_train)
    subsets = [np.arange(n) if sub is None else np.asarray(sub)
               for sub in (train_subsets if train_subsets is not None else [None] * members)]
    if len(subsets) != members:
        raise ValueError(f"train_subsets must give one entry per seed ({members}), got {len(subsets)}")
    batches = torch.stack([torch.as_tensor(sub)[batch_schedule(len(sub), config.steps, config.batch_size, s)]
                           for sub, s in zip(subsets, seeds)], dim=1).to(device)  # (steps, members, batch)
    train_weights = torch.zeros(members, n, device=device)  # (members, n_train): 1 on each own subset
    for k, sub in enumerate(subsets):
        train_weights[k, torch.as_tensor(sub, device=device)] = 1.0
    sets = {"train": (x, y), **evals} if eval_train else dict(evals)
    opt = _optimizer(stacked.parameters(), config)
    member_rows = torch.arange(members, device=device)[:, None]
    eval_steps = set(config.eval_steps())
    history = {"step": []}

    def record(step):
        history["step"].append(step)
        stacked.eval()
        for name, (xs, ys) in sets.items():
            loss, acc = _loss_and_acc(lambda xb: stacked(xb.expand(members, -1, -1)), xs, ys,
                                      train_weights if name == "train" else None)
            history.setdefault(f"{name}_loss", []).append(loss.cpu())
            history.setdefault(f"{name}_acc", []).append(acc.cpu())
        stacked.train()

    slot, start = checkpoints.slot("fit_stacked"), 1
    saved = slot.load() if slot else None
    if saved:
        stacked.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        history, start = saved["history"], saved["step"] + 1
    else:
        record(0)
    with _progress(config.steps, desc, progress) as bar:
        bar.update(start - 1)
        for step in range(start, config.steps + 1):
            idx = batches[step - 1]  # (members, batch)
            logits = stacked(x_members[member_rows, idx])  # (members, batch, classes)
            per_member = F.cross_entropy(logits.transpose(1, 2), y_members[member_rows, idx],
                                         reduction="none").mean(1)  # (members,)
            if not torch.isfinite(per_member).all():
                bad = [seeds[i] for i in torch.nonzero(~torch.isfinite(per_member)).flatten().tolist()]
                raise TrainingDiverged(step, f" for seed(s) {bad}")
            opt.zero_grad(set_to_none=True)
            per_member.sum().backward()  # each member's gradient is that of its own mean loss
            opt.step()
            if step in eval_steps:
                record(step)
            if slot and (step == config.steps or slot.due()):
                slot.save({"model": stacked.state_dict(), "optimizer": opt.state_dict(), "history": history,
                           "step": step})
            bar.update()
    return {k: (np.asarray(v) if k == "step" else torch.stack(v, dim=1).numpy()) for k, v in history.items()}


def early_stopping(history: dict, select: str = "val_acc", report: str = "test_acc") -> dict:
    """For each member, the evaluation with the best ``select`` metric (first one on
    ties) and the ``report`` metric there. Works on (E,) or (members, E) histories.

    Returns ``{"step": (members,), report: (members,)}`` arrays.
    """
    if select not in history:
        raise ValueError(f"history has no {select!r}: train with a validation split")
    chosen = np.atleast_2d(history[select]).argmax(axis=1)  # (members,)
    values = np.atleast_2d(history[report])[np.arange(len(chosen)), chosen]
    return {"step": np.asarray(history["step"])[chosen], report: values}
