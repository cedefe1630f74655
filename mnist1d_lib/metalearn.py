"""Gradient-based metalearning through unrolled optimisation (paper Figs. 6 and 7).

An inner MLP is trained for ``inner_steps`` steps with a differentiable optimiser,
keeping the graph, so that the meta-loss (the mean inner training loss, or the mean
of the last K of them) can be differentiated with respect to meta-parameters: the
inner learning rate (Fig. 6) or the parameters of a small MLP that shapes the inner
activation function (Fig. 7, ``learned_activation``). The outer loop is plain
gradient descent on those meta-parameters, every outer step a fresh unroll from
freshly initialised inner weights; the initial weights, the mini-batch order and the
hidden-unit noise are seeded by ``config.seed + outer step``, so runs are deterministic.

**Members.** Independent metalearning runs that share their shapes (several seeds,
starting learning rates, meta learning rates, RMSprop decays, noise levels) train as
one *stack*: every tensor carries a leading member axis M, ``W`` (M, out, in) and
``b`` (M, out), and the summed loss gives each member its own gradients. Members of
different hidden widths are zero-padded to the widest, which is exact when the
activation maps 0 to 0 and there is no hidden noise (padded units then stay zero).

**Memory.** ``checkpoint_every`` = k keeps only the inner state every k steps and
recomputes each segment's graph during the backward pass (exact, about 1.5x the
compute): the graph of a 301-step unroll of a 500-unit MLP with a learned activation
would otherwise take tens of GB.

Losses are mean cross-entropies in nats.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Callable, Iterator, NamedTuple, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import checkpoints
from .checks import check_in_range
from .data import Dataset
from .train import _as_tensors, _loss_and_acc, _progress, batch_schedule, resolve_device

Params = list[torch.Tensor]
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "elu": F.elu, "softplus": F.softplus,
               "sigmoid": torch.sigmoid, "swish": F.silu}
OPTIMIZERS = ("sgd", "rmsprop")


@dataclass(frozen=True)
class MetalearnConfig:
    """Inner and outer settings of one member; the defaults are the authors'
    learning-rate notebook (Fig. 6)."""

    sizes: tuple[int, ...] = (40, 50, 10)  # inner MLP widths: input, hidden layer(s), classes
    activation: str = "tanh"  # inner activation when it is not learned (a key of ACTIVATIONS)
    optimizer: str = "sgd"  # inner optimiser: "sgd" or "rmsprop"
    inner_lr: float = 1e-2  # inner learning rate (the starting value when it is learned)
    mu: float = 0.4  # RMSprop: decay of the running mean of squared gradients (1: plain SGD)
    eps: float = 1e-8  # RMSprop: added to the root mean square
    inner_steps: int = 200
    batch_size: int = 50
    hidden_noise: float = 0.0  # half-width of the uniform noise added to the hidden units
    meta_loss_last: int | None = None  # meta-loss = mean of the last K inner losses; None: of all
    outer_lr: float = 0.3
    outer_steps: int = 50
    grad_clamp: float | None = None  # clamp each meta-gradient entry to [-c, c]; None: no clamp
    checkpoint_every: int | None = None  # keep the inner state every k steps only (saves memory)
    max_meta_loss: float = 100.0  # a meta-loss above this (nats; chance is ln 10 = 2.3) counts as diverged
    seed: int = 0

    def __post_init__(self):
        if len(self.sizes) < 2:
            raise ValueError(f"sizes={self.sizes!r}: give at least the input and output widths")
        for width in self.sizes:
            check_in_range("sizes", width, 1, 10**6)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation={self.activation!r}: choose one of {sorted(ACTIVATIONS)}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer={self.optimizer!r}: choose 'sgd' or 'rmsprop'")
        check_in_range("inner_lr", self.inner_lr, 0.0, math.inf, inclusive=False)
        if not 0.0 < self.mu <= 1.0:  # mu = 0: NaN meta-gradients where a gradient is zero
            raise ValueError(f"mu={self.mu!r} is out of range: allowed (0, 1]")
        check_in_range("eps", self.eps, 0.0, 1.0)
        check_in_range("inner_steps", self.inner_steps, 1, 10**7)
        check_in_range("batch_size", self.batch_size, 1, 10**7)
        check_in_range("hidden_noise", self.hidden_noise, 0.0, 100.0)
        if self.meta_loss_last is not None:
            check_in_range("meta_loss_last", self.meta_loss_last, 1, self.inner_steps)
        check_in_range("outer_lr", self.outer_lr, 0.0, math.inf, inclusive=False)
        check_in_range("outer_steps", self.outer_steps, 1, 10**7)
        if self.grad_clamp is not None:
            check_in_range("grad_clamp", self.grad_clamp, 0.0, math.inf, inclusive=False)
        if self.checkpoint_every is not None:
            check_in_range("checkpoint_every", self.checkpoint_every, 1, self.inner_steps)
        check_in_range("max_meta_loss", self.max_meta_loss, 0.0, math.inf, inclusive=False)


NOISE_SEED_OFFSET = 1_000_003  # hidden noise of layer l is seeded apart from the weights: offset * (l + 1) + seed

# Settings a member of a stack may have of its own; all other settings are shared.
MEMBER_FIELDS = ("sizes", "inner_lr", "mu", "hidden_noise", "outer_lr", "seed")

# The authors' activation-function notebook (Fig. 7); outer_steps as in its run of record.
ACTIVATION_CONFIG = MetalearnConfig(sizes=(40, 128, 10), optimizer="rmsprop", inner_lr=1e-2, mu=0.4,
                                    inner_steps=301, batch_size=100, hidden_noise=0.1, meta_loss_last=200,
                                    outer_lr=0.3, outer_steps=301, grad_clamp=0.1)


def init_mlp(sizes: Sequence[int], seed: int, device: str | torch.device = "cpu") -> Params:
    """Parameters ``[W1, b1, ...]`` of one MLP, ``W`` (out, in) and ``b`` (out,), drawn like
    ``nn.Linear``'s default: every entry of a layer uniform in ±1/sqrt(fan_in), from a
    ``torch.Generator`` seeded with ``seed``; in the default dtype."""
    gen = torch.Generator().manual_seed(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        for shape in ((fan_out, fan_in), (fan_out,)):
            params.append(((2 * torch.rand(shape, generator=gen) - 1) * bound).to(device))
    return params


def stack_params(members: Sequence[Params], sizes: Sequence[int] | None = None) -> Params:
    """Stack the parameters of M MLPs into ``[W1 (M, out, in), b1 (M, out), ...]``,
    zero-padding each to ``sizes`` (default: the largest width of every layer)."""
    if sizes is None:
        sizes = [max(p[0].shape[1] for p in members)] + [max(p[2 * i].shape[0] for p in members)
                                                          for i in range(len(members[0]) // 2)]
    stacked = []
    for i in range(len(members[0])):
        shape = (sizes[i // 2 + 1], sizes[i // 2]) if i % 2 == 0 else (sizes[i // 2 + 1],)
        padded = [F.pad(p[i], [x for dim in reversed(range(p[i].dim())) for x in (0, shape[dim] - p[i].shape[dim])])
                  for p in members]
        stacked.append(torch.stack(padded))
    return stacked


def mlp_forward(params: Sequence[torch.Tensor], x: torch.Tensor, activation: Callable[[torch.Tensor], torch.Tensor],
                noise: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
    """Logits (M, batch, out) of M stacked MLPs ``params`` on ``x`` (M, batch, in).

    ``activation`` acts on every hidden layer's pre-activations; ``noise`` (one tensor
    (M, width) per hidden layer) is then added to the hidden units, the same for
    every example of the batch, as in the authors' notebook.
    """
    h = x
    n_layers = len(params) // 2
    for layer in range(n_layers):
        weight, bias = params[2 * layer], params[2 * layer + 1]
        h = torch.baddbmm(bias.unsqueeze(1), h, weight.transpose(1, 2))  # (M, batch, width)
        if layer < n_layers - 1:
            h = activation(h)
            if noise is not None:
                h = h + noise[layer].unsqueeze(1)
    return h


def _per_member(value: float | torch.Tensor, like: torch.Tensor) -> float | torch.Tensor:
    """A float, or a per-member tensor (M,) shaped to broadcast against ``like`` (M, ...)."""
    if isinstance(value, torch.Tensor) and value.dim() == 1:
        return value.view(-1, *[1] * (like.dim() - 1))
    return value


@dataclass(frozen=True, eq=False)
class SGD:
    """Plain SGD, p <- p - lr * g; ``lr`` is a float or a per-member tensor (M,),
    which may require grad."""

    lr: float | torch.Tensor

    def init_state(self, params: Params) -> list:
        return []

    def step(self, params: Params, grads: Sequence[torch.Tensor], state: list) -> tuple[Params, list]:
        return [p - _per_member(self.lr, p) * g for p, g in zip(params, grads)], state


@dataclass(frozen=True, eq=False)
class RMSprop:
    """RMSprop in the authors' hand-written form: s <- mu * s + (1 - mu) * g^2,
    p <- p - lr * g / (sqrt(s) + eps), with the running mean ``s`` starting at one
    (``torch.optim.RMSprop`` starts it at zero). ``lr`` and ``mu`` are floats or
    per-member tensors (M,)."""

    lr: float | torch.Tensor
    mu: float | torch.Tensor = 0.4
    eps: float = 1e-8

    def init_state(self, params: Params) -> list:
        return [torch.ones_like(p) for p in params]

    def step(self, params: Params, grads: Sequence[torch.Tensor], state: list) -> tuple[Params, list]:
        state = [_per_member(self.mu, s) * s + (1 - _per_member(self.mu, s)) * g**2 for s, g in zip(state, grads)]
        return [p - _per_member(self.lr, p) * g / (s.sqrt() + self.eps)
                for p, g, s in zip(params, grads, state)], state


class Inner(NamedTuple):
    """What one unroll needs: the hidden activation and the inner optimiser."""

    activation: Callable[[torch.Tensor], torch.Tensor]
    optimizer: SGD | RMSprop


class Stack:
    """M member configs that train together, and their per-member settings as tensors (M,)."""

    def __init__(self, configs: Sequence[MetalearnConfig], device: str | torch.device = "cpu"):
        if not configs:
            raise ValueError("give at least one member config")
        shared = {f.name for f in fields(MetalearnConfig)} - set(MEMBER_FIELDS)
        for c in configs[1:]:
            differ = sorted(name for name in shared if getattr(c, name) != getattr(configs[0], name))
            if differ:
                raise ValueError(f"members of a stack may differ only in {MEMBER_FIELDS}; they differ in {differ}")
            if (len(c.sizes), c.sizes[0], c.sizes[-1]) != (len(configs[0].sizes), configs[0].sizes[0],
                                                           configs[0].sizes[-1]):
                raise ValueError("members of a stack need the same depth, input and output sizes")
        self.configs, self.config, self.device = list(configs), configs[0], torch.device(device)
        self.sizes = tuple(max(c.sizes[i] for c in configs) for i in range(len(configs[0].sizes)))
        self.padded = any(c.sizes != self.sizes for c in configs)

        def member_values(name: str) -> torch.Tensor:
            return torch.tensor([float(getattr(c, name)) for c in configs], device=self.device)

        self.inner_lr, self.mu = member_values("inner_lr"), member_values("mu")
        self.outer_lr, self.hidden_noise = member_values("outer_lr"), member_values("hidden_noise")

    def __len__(self) -> int:
        return len(self.configs)

    def check_padding(self, activation: Callable[[torch.Tensor], torch.Tensor]) -> None:
        """Refuse padding where it would change the result: unless ``activation`` maps 0
        to 0 and no member has hidden noise, padded units would not stay zero."""
        if not self.padded:
            return
        at_zero = activation(torch.zeros(len(self), 1, 1, device=self.device))
        if bool(at_zero.abs().max() > 0) or float(self.hidden_noise.abs().max()) > 0:
            raise ValueError("members of different widths can be stacked only with an activation that maps 0 to 0 "
                             "and no hidden noise; run them as separate stacks")

    def optimizer(self, lr: float | torch.Tensor | None = None) -> SGD | RMSprop:
        """The inner optimiser at ``lr`` (default: each member's ``inner_lr``)."""
        lr = self.inner_lr if lr is None else lr
        return SGD(lr) if self.config.optimizer == "sgd" else RMSprop(lr, self.mu, self.config.eps)

    def init_params(self, outer_step: int) -> Params:
        """Fresh inner weights of every member, seeded by ``seed + outer_step``, padded."""
        return stack_params([init_mlp(c.sizes, c.seed + outer_step, self.device) for c in self.configs], self.sizes)

    def batches(self, data_x: torch.Tensor, data_y: torch.Tensor, outer_step: int):
        """Inputs (inner_steps, M, batch, in) and labels (inner_steps, M, batch) of every
        inner step, each member's batch order seeded by ``seed + outer_step``."""
        idx = torch.stack([batch_schedule(len(data_y), c.inner_steps, c.batch_size, c.seed + outer_step)
                           for c in self.configs], dim=1).to(data_x.device)  # (steps, M, batch)
        return data_x[idx], data_y[idx]

    def noise(self, outer_step: int) -> list[torch.Tensor] | None:
        """Hidden-unit noise, one tensor (inner_steps, M, width) per hidden layer: uniform
        in ±hidden_noise, one draw per unit and step, seeded by ``seed + outer_step``;
        None when no member has noise."""
        if float(self.hidden_noise.abs().max()) == 0:
            return None
        layers = []
        for layer, width in enumerate(self.sizes[1:-1]):
            draws = []
            for c in self.configs:
                gen = torch.Generator().manual_seed(NOISE_SEED_OFFSET * (layer + 1) + c.seed + outer_step)
                u = torch.rand(c.inner_steps, c.sizes[layer + 1], generator=gen)
                draws.append(F.pad(c.hidden_noise * (2 * u - 1), (0, width - c.sizes[layer + 1])))
            layers.append(torch.stack(draws, dim=1).to(self.device, torch.get_default_dtype()))
        return layers

    def inputs(self, data: Dataset, outer_step: int) -> tuple[torch.Tensor, torch.Tensor, list | None]:
        """What outer step ``outer_step``'s unroll reads: its batches' inputs and labels
        (``batches``) and the hidden noise (``noise``)."""
        x, y = _as_tensors(data.x, data.y, self.device)
        return (*self.batches(x, y, outer_step), self.noise(outer_step))

    def test_accuracy(self, params: Params, activation: Callable[[torch.Tensor], torch.Tensor],
                      data: Dataset) -> torch.Tensor:
        """Test accuracy (M,) in % of the stacked MLPs ``params`` on the whole test set, without noise."""
        x_test, y_test = _as_tensors(data.x_test, data.y_test, self.device)
        params = [p.detach() for p in params]
        return _loss_and_acc(lambda xb: mlp_forward(params, xb.expand(len(self), *xb.shape), activation),
                             x_test, y_test)[1]

    def loss_weights(self) -> torch.Tensor:
        """Weights (inner_steps,) of the inner losses in the meta-loss (they sum to one)."""
        steps, last = self.config.inner_steps, self.config.meta_loss_last or self.config.inner_steps
        weights = torch.zeros(steps, device=self.device)
        weights[steps - last:] = 1.0 / last
        return weights


MakeInner = Callable[[Params, Stack], Inner]


def inner_fixed(activation: Callable[[torch.Tensor], torch.Tensor] | None = None) -> MakeInner:
    """An inner problem with nothing learned: ``activation`` (default: the config's)
    and each member's own learning rate; ``meta_params`` are ignored."""
    def make(meta_params: Params, stack: Stack) -> Inner:
        return Inner(activation or ACTIVATIONS[stack.config.activation], stack.optimizer())
    return make


def inner_learned_lr(meta_params: Params, stack: Stack) -> Inner:
    """Fig. 6: ``meta_params = [lr (M,)]`` are the inner optimiser's learning rates."""
    return Inner(ACTIVATIONS[stack.config.activation], stack.optimizer(lr=meta_params[0]))


class GraphMemory:
    """The bytes autograd keeps for backward passes, counted by storage (a tensor saved
    by several operations counts once): ``peak_bytes`` is the largest graph held at once,
    one unroll or, with checkpointing, one segment. Use ``with graph_memory() as meter:``."""

    def __init__(self):
        self.held: dict[int, int] = {}
        self.current = self.peak_bytes = 0

    def pack(self, tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in self.held:
            self.held[storage.data_ptr()] = storage.nbytes()
            self.current += storage.nbytes()
            self.peak_bytes = max(self.peak_bytes, self.current)
        return tensor

    def release(self) -> None:
        """The graph counted so far has been freed (a backward pass without create_graph ran)."""
        self.held.clear()
        self.current = 0


_METERS: list[GraphMemory] = []


@contextmanager
def graph_memory() -> Iterator[GraphMemory]:
    """Measure the peak autograd graph memory of the code in the block (see ``GraphMemory``)."""
    meter = GraphMemory()
    _METERS.append(meter)
    try:
        with torch.autograd.graph.saved_tensors_hooks(meter.pack, lambda tensor: tensor):
            yield meter
    finally:
        _METERS.remove(meter)


def _graph_freed() -> None:
    for meter in _METERS:
        meter.release()


class State(NamedTuple):
    """The inner state between steps: parameters and optimiser state."""

    params: Params
    opt_state: list


def _inner_steps(state: State, meta_params: Params, stack: Stack, make_inner: MakeInner, xs: torch.Tensor,
                 ys: torch.Tensor, noise: list[torch.Tensor] | None, steps: range,
                 create_graph: bool) -> tuple[torch.Tensor, State]:
    """Run the inner ``steps`` from ``state``: returns the losses (len(steps), M), each
    on its mini-batch before that step's update, and the state after the last step.
    With ``create_graph`` the graph runs through every step; without it every step's
    state is detached (a forward pass that keeps no graph)."""
    inner = make_inner(meta_params, stack)
    params, opt_state = state
    losses = []
    for t in steps:
        step_noise = None if noise is None else [n[t] for n in noise]
        logits = mlp_forward(params, xs[t], inner.activation, step_noise)  # (M, batch, classes)
        loss = F.cross_entropy(logits.transpose(1, 2), ys[t], reduction="none").mean(1)  # (M,)
        grads = torch.autograd.grad(loss.sum(), params, create_graph=create_graph)
        params, opt_state = inner.optimizer.step(params, grads, opt_state)
        if not create_graph:
            _graph_freed()
            params = [p.detach().requires_grad_() for p in params]
            opt_state = [s.detach() for s in opt_state]
            loss = loss.detach()
        losses.append(loss)
    return torch.stack(losses), State(params, opt_state)


def _start_state(params0: Params, stack: Stack) -> State:
    params = [p.detach().requires_grad_() for p in params0]
    return State(params, stack.optimizer().init_state(params))


def unroll(params0: Params, meta_params: Params, stack: Stack, make_inner: MakeInner, data: Dataset,
           outer_step: int = 0) -> tuple[torch.Tensor, Params]:
    """Train the stacked inner MLPs from ``params0`` for ``inner_steps`` steps, keeping
    the graph: returns the losses (inner_steps, M), differentiable with respect to
    ``meta_params``, and the final parameters."""
    xs, ys, noise = stack.inputs(data, outer_step)
    losses, state = _inner_steps(_start_state(params0, stack), meta_params, stack, make_inner, xs, ys, noise,
                                 range(stack.config.inner_steps), create_graph=True)
    return losses, state.params


def meta_gradient(params0: Params, meta_params: Params, stack: Stack, make_inner: MakeInner, data: Dataset,
                  outer_step: int = 0) -> tuple[torch.Tensor, list[torch.Tensor], Params]:
    """Inner losses (inner_steps, M, detached), the gradient of the summed meta-losses
    with respect to ``meta_params`` (each member's own, since members are independent)
    and the final inner parameters (detached).

    With ``checkpoint_every`` = k, a forward pass without graph keeps the state every
    k steps; the backward pass then rebuilds one segment's graph at a time, from the
    last to the first, and carries the adjoint of the inner state across segments.
    """
    xs, ys, noise = stack.inputs(data, outer_step)
    weights = stack.loss_weights()
    steps, every = stack.config.inner_steps, stack.config.checkpoint_every
    state = _start_state(params0, stack)
    if every is None:
        losses, final = _inner_steps(state, meta_params, stack, make_inner, xs, ys, noise, range(steps), True)
        meta_loss = (losses * weights[:, None]).sum()
        grads = torch.autograd.grad(meta_loss, meta_params, allow_unused=True)
        _graph_freed()
        return losses.detach(), _zeros_for_unused(grads, meta_params), [p.detach() for p in final.params]

    segments = [range(start, min(start + every, steps)) for start in range(0, steps, every)]
    starts, all_losses = [], []
    for segment in segments:  # forward: keep only the state at each segment's start
        starts.append(State([p.detach() for p in state.params], [s.detach() for s in state.opt_state]))
        losses, state = _inner_steps(state, meta_params, stack, make_inner, xs, ys, noise, segment, False)
        all_losses.append(losses)
    final = [p.detach() for p in state.params]
    adjoint, grads = None, [torch.zeros_like(m) for m in meta_params]
    for segment, start in zip(reversed(segments), reversed(starts)):  # backward, one segment's graph at a time
        state = State([p.clone().requires_grad_() for p in start.params],
                      [s.clone().requires_grad_() for s in start.opt_state])
        losses, end = _inner_steps(state, meta_params, stack, make_inner, xs, ys, noise, segment, True)
        outputs, grad_outputs = [(losses * weights[segment.start:segment.stop, None]).sum()], [None]
        if adjoint is not None:
            outputs += list(end.params) + list(end.opt_state)
            grad_outputs += adjoint
        inputs = list(state.params) + list(state.opt_state)
        got = torch.autograd.grad(outputs, inputs + list(meta_params), grad_outputs, allow_unused=True)
        _graph_freed()
        adjoint = _zeros_for_unused(got[:len(inputs)], inputs)
        grads = [g + d for g, d in zip(grads, _zeros_for_unused(got[len(inputs):], meta_params))]
    return torch.cat(all_losses), grads, final


def _zeros_for_unused(grads: Sequence[torch.Tensor | None], like: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    return [torch.zeros_like(x) if g is None else g for g, x in zip(grads, like)]


def _finite_members(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    """(M,) bool: whether every entry of member m is finite in all ``tensors`` (M, ...)."""
    ok = torch.ones(tensors[0].shape[0], dtype=torch.bool, device=tensors[0].device)
    for t in tensors:
        ok &= torch.isfinite(t.reshape(t.shape[0], -1)).all(1)
    return ok


def metalearn(meta_params: Sequence[torch.Tensor | float | np.ndarray], make_inner: MakeInner, data: Dataset,
              configs: MetalearnConfig | Sequence[MetalearnConfig], progress: bool = True,
              device: str = "auto", desc: str = "metalearn") -> list[dict]:
    """Outer loop: ``outer_steps`` steps of gradient descent on ``meta_params`` (initial
    values with a leading member axis M, one entry per config; copied, never
    modified), each through a fresh unroll of every member at once.

    Returns one history per member, of numpy arrays: ``step`` (S,), ``meta_loss`` (S,),
    ``final_inner_loss`` (S,) and ``inner_losses`` (S, inner_steps) in nats,
    ``test_acc`` (S,) in % (each unroll's final inner weights on the whole test set,
    without hidden noise), ``meta_params`` (one array (S, *shape) per meta-parameter:
    the values each step's unroll used), ``final_meta_params`` (the values after the
    last finite update), ``diverged`` and ``diverged_at``. When a member's inner loss,
    meta-loss, meta-gradient or meta-parameters become inf or NaN, or its meta-loss
    exceeds ``max_meta_loss`` (finite but absurd: weights blown up by a huge or negative
    learning rate), it stops without raising: ``diverged`` is True, ``diverged_at`` the
    first outer step that could not be completed, and its curves hold only the steps
    before it. The other members go on.
    """
    configs = [configs] if isinstance(configs, MetalearnConfig) else list(configs)
    device = resolve_device(device)
    stack = Stack(configs, device)
    meta = [_as_meta_tensor(p, device) for p in meta_params]
    if any(p.dim() == 0 or p.shape[0] != len(stack) for p in meta):
        raise ValueError(f"meta_params need a leading member axis of {len(stack)} (one per config), "
                         f"got shapes {[tuple(p.shape) for p in meta]}")
    with torch.no_grad():
        stack.check_padding(make_inner(meta, stack).activation)
    M, steps = len(stack), configs[0].outer_steps
    records = {k: np.full((steps, M), np.nan) for k in ("meta_loss", "final_inner_loss", "test_acc")}
    inner_losses = np.full((steps, M, configs[0].inner_steps), np.nan)
    meta_rows = [np.full((steps, *p.shape), np.nan) for p in meta]
    diverged_at = [None] * M
    slot, start = checkpoints.slot("metalearn"), 0
    saved = slot.load() if slot else None
    if saved:
        meta = [p.to(device) for p in saved["meta"]]
        records, inner_losses, meta_rows = saved["records"], saved["inner_losses"], saved["meta_rows"]
        diverged_at = saved["diverged_at"]
        start = steps if all(d is not None for d in diverged_at) else saved["step"] + 1
    with _progress(steps, desc, progress) as bar:
        bar.update(start)
        for step in range(start, steps):
            active = torch.tensor([d is None for d in diverged_at], device=device)
            leaves = [p.detach().requires_grad_() for p in meta]
            losses, grads, final = meta_gradient(stack.init_params(step), leaves, stack, make_inner, data, step)
            loss = (losses * stack.loss_weights()[:, None]).sum(0)  # (M,)
            ok = _finite_members([losses.T, loss] + list(grads)) & (loss <= stack.config.max_meta_loss) & active
            acc = stack.test_accuracy(final, make_inner([p.detach() for p in meta], stack).activation, data)
            for i, p in enumerate(meta):
                meta_rows[i][step] = p.detach().cpu().numpy()
            records["meta_loss"][step], records["final_inner_loss"][step] = loss.detach().cpu(), losses[-1].cpu()
            records["test_acc"][step], inner_losses[step] = acc.cpu(), losses.T.cpu()
            updated = _outer_step(meta, grads, stack)
            moved = ok & _finite_members(updated)
            for m in range(M):
                if diverged_at[m] is None and not moved[m]:
                    diverged_at[m] = step if not ok[m] else step + 1
            meta = [torch.where(_per_member(moved, p), u, p) for p, u in zip(meta, updated)]
            bar.update()
            stop = all(d is not None for d in diverged_at)
            if slot and (stop or step == steps - 1 or slot.due()):
                slot.save({"meta": meta, "records": records, "inner_losses": inner_losses, "meta_rows": meta_rows,
                           "diverged_at": diverged_at, "step": step})
            if stop:
                break
    return [_member_history(m, records, inner_losses, meta_rows, meta, diverged_at[m]) for m in range(M)]


def _as_meta_tensor(value, device: torch.device) -> torch.Tensor:
    """A detached copy of a meta-parameter (tensor, array or nested list) in the default dtype on ``device``."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(device, torch.get_default_dtype()).clone()
    return torch.as_tensor(np.asarray(value), dtype=torch.get_default_dtype()).to(device)


def _outer_step(meta: Params, grads: Sequence[torch.Tensor], stack: Stack) -> Params:
    """One step of gradient descent on the meta-parameters at each member's outer lr
    (gradients clamped if asked)."""
    with torch.no_grad():
        if stack.config.grad_clamp is not None:
            grads = [g.clamp(-stack.config.grad_clamp, stack.config.grad_clamp) for g in grads]
        return [p - _per_member(stack.outer_lr, p) * g for p, g in zip(meta, grads)]


def _member_history(m: int, records: dict, inner_losses: np.ndarray, meta_rows: list, meta: Params,
                    diverged_at: int | None) -> dict:
    n = len(records["meta_loss"]) if diverged_at is None else diverged_at
    out = {"step": np.arange(n, dtype=np.int64)}
    out.update({k: v[:n, m].astype(np.float64) for k, v in records.items()})
    out["inner_losses"] = inner_losses[:n, m].astype(np.float64)  # (S, inner_steps)
    out["meta_params"] = [rows[:n, m] for rows in meta_rows]
    out["final_meta_params"] = [p[m].detach().cpu().numpy() for p in meta]
    out["diverged"], out["diverged_at"] = diverged_at is not None, diverged_at
    return out


def train_inner(stack: Stack, make_inner: MakeInner, data: Dataset, meta_params: Params | None = None,
                outer_step: int = 0) -> dict:
    """Train every member once with nothing learned (no graph kept): returns its
    ``losses`` (inner_steps, M) and its ``test_acc`` (M,) in % (final weights, whole test
    set, no hidden noise). ``meta_params`` (stacked, fixed) parameterise ``make_inner``."""
    meta = [] if meta_params is None else [_as_meta_tensor(p, stack.device) for p in meta_params]
    inner = make_inner(meta, stack)
    with torch.no_grad():
        stack.check_padding(inner.activation)
    xs, ys, noise = stack.inputs(data, outer_step)
    losses, state = _inner_steps(_start_state(stack.init_params(outer_step), stack), meta, stack, make_inner,
                                 xs, ys, noise, range(stack.config.inner_steps), False)
    return {"losses": losses.cpu().numpy(), "test_acc": stack.test_accuracy(state.params, inner.activation,
                                                                            data).cpu().numpy()}


def member_configs(base: MetalearnConfig, **values: Sequence) -> list[MetalearnConfig]:
    """One config per combination of ``values`` (lists of member fields), the first
    field varying slowest: ``member_configs(c, inner_lr=[0.15, 1.5], seed=[0, 1])``."""
    names = list(values)
    for name in names:
        if name not in MEMBER_FIELDS:
            raise ValueError(f"{name!r} is not a member setting: choose from {MEMBER_FIELDS}")
    configs = [base]
    for name in names:
        configs = [replace(c, **{name: v}) for c in configs for v in values[name]]
    return configs
