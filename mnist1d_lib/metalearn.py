"""Gradient-based metalearning through unrolled optimisation (paper Figs. 6 and 7).

An inner MLP is trained for ``inner_steps`` steps with a differentiable optimiser,
keeping the whole graph, so that the meta-loss (the mean inner training loss, or
the mean of the last K of them) can be differentiated with respect to
meta-parameters: the inner learning rate (Fig. 6) or the parameters of a small MLP
that shapes the inner activation function (Fig. 7). The outer loop is plain
gradient descent on those meta-parameters, every outer step a fresh unroll from
freshly initialised inner weights; both the initial weights and the mini-batch
order are seeded by ``config.seed + outer step``, so runs are deterministic.

Losses are mean cross-entropies in nats. The MLP is functional: its parameters are
a list ``[W1, b1, W2, b2, ...]`` with ``W`` (out, in) and ``b`` (out,), as in ``nn.Linear``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple, Protocol, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .checks import check_in_range
from .data import Dataset
from .train import _as_tensors, _progress, batch_schedule, resolve_device

Params = list[torch.Tensor]
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "elu": F.elu, "softplus": F.softplus,
               "sigmoid": torch.sigmoid, "swish": F.silu}
OPTIMIZERS = ("sgd", "rmsprop")


@dataclass(frozen=True)
class MetalearnConfig:
    """Inner and outer settings; the defaults are the authors' learning-rate notebook (Fig. 6)."""

    sizes: tuple[int, ...] = (40, 50, 10)  # inner MLP widths: input, hidden layer(s), classes
    activation: str = "tanh"  # inner activation when it is not learned (a key of ACTIVATIONS)
    optimizer: str = "sgd"  # inner optimiser: "sgd" or "rmsprop"
    inner_lr: float = 1e-2  # inner learning rate when it is not learned
    mu: float = 0.4  # RMSprop: decay of the running mean of squared gradients
    eps: float = 1e-8  # RMSprop: added to the root mean square
    inner_steps: int = 200
    batch_size: int = 50
    hidden_noise: float = 0.0  # half-width of the uniform noise added to the hidden units
    meta_loss_last: int | None = None  # meta-loss = mean of the last K inner losses; None: of all
    outer_lr: float = 0.3
    outer_steps: int = 50
    grad_clamp: float | None = None  # clamp each meta-gradient entry to [-c, c]; None: no clamp
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
        check_in_range("mu", self.mu, 0.0, 1.0, inclusive=False)  # mu = 0: NaN meta-gradients at zero gradients
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


# The authors' activation-function notebook (Fig. 7); outer_steps as in its run of record.
ACTIVATION_CONFIG = MetalearnConfig(sizes=(40, 128, 10), optimizer="rmsprop", inner_lr=1e-2, mu=0.4,
                                    inner_steps=301, batch_size=100, hidden_noise=0.1, meta_loss_last=200,
                                    outer_lr=0.3, outer_steps=301, grad_clamp=0.1)


def init_mlp(sizes: Sequence[int], seed: int, device: str | torch.device = "cpu") -> Params:
    """Parameters ``[W1, b1, ...]`` drawn like ``nn.Linear``'s default: every entry of
    a layer uniform in ±1/sqrt(fan_in), from a ``torch.Generator`` seeded with ``seed``.
    They are leaves that require grad, in the default dtype."""
    gen = torch.Generator().manual_seed(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        for shape in ((fan_out, fan_in), (fan_out,)):
            p = (2 * torch.rand(shape, generator=gen) - 1) * bound
            params.append(p.to(device).requires_grad_())
    return params


def mlp_forward(params: Sequence[torch.Tensor], x: torch.Tensor, activation: Callable[[torch.Tensor], torch.Tensor],
                hidden_noise: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Logits (batch, out) of the MLP ``params`` on ``x`` (batch, in).

    ``activation`` acts on every hidden layer's pre-activations. With ``hidden_noise``
    > 0, uniform noise in ±hidden_noise is then added to each hidden unit: one draw
    per unit and forward pass, shared by the batch, as in the authors' notebook.
    """
    h = x
    n_layers = len(params) // 2
    for layer in range(n_layers):
        h = F.linear(h, params[2 * layer], params[2 * layer + 1])  # (batch, width)
        if layer < n_layers - 1:
            h = activation(h)
            if hidden_noise > 0:
                u = torch.rand(h.shape[-1], generator=generator, dtype=h.dtype).to(h.device)  # (width,)
                h = h + hidden_noise * (2 * u - 1)
    return h


class Optimizer(Protocol):
    """A differentiable inner optimiser: the new parameters are tensors built from the
    old ones and the gradients, so the graph runs through every step."""

    def init_state(self, params: Params) -> list: ...

    def step(self, params: Params, grads: Sequence[torch.Tensor], state: list) -> tuple[Params, list]: ...


@dataclass(frozen=True, eq=False)
class SGD:
    """Plain SGD, p <- p - lr * g; ``lr`` may be a tensor that requires grad."""

    lr: float | torch.Tensor

    def init_state(self, params: Params) -> list:
        return []

    def step(self, params, grads, state):
        return [p - self.lr * g for p, g in zip(params, grads)], state


@dataclass(frozen=True, eq=False)
class RMSprop:
    """RMSprop in the authors' hand-written form: s <- mu * s + (1 - mu) * g^2,
    p <- p - lr * g / (sqrt(s) + eps), with the running mean ``s`` starting at one
    (``torch.optim.RMSprop`` starts it at zero)."""

    lr: float | torch.Tensor
    mu: float = 0.4
    eps: float = 1e-8

    def init_state(self, params: Params) -> list:
        return [torch.ones_like(p) for p in params]

    def step(self, params, grads, state):
        state = [self.mu * s + (1 - self.mu) * g**2 for s, g in zip(state, grads)]
        return [p - self.lr * g / (s.sqrt() + self.eps) for p, g, s in zip(params, grads, state)], state


def make_optimizer(config: MetalearnConfig, lr: float | torch.Tensor | None = None) -> Optimizer:
    """The inner optimiser named by ``config``, at ``lr`` (default ``config.inner_lr``)."""
    lr = config.inner_lr if lr is None else lr
    return SGD(lr) if config.optimizer == "sgd" else RMSprop(lr, config.mu, config.eps)


class LearnedActivation:
    """ELU(x) + scale * meta_mlp(x), with meta_mlp a 1-n-1 tanh MLP (parameters
    ``params``, see ``init_activation_params``) applied to every element of ``x``."""

    def __init__(self, params: Sequence[torch.Tensor], scale: float = 0.2):
        self.params, self.scale = list(params), scale

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        bump = mlp_forward(self.params, x.reshape(-1, 1), torch.tanh)  # (x.numel(), 1)
        return F.elu(x) + self.scale * bump.reshape(x.shape)


def init_activation_params(seed: int = 0, n_hidden: int = 100) -> Params:
    """Initial meta-parameters of ``LearnedActivation``: a 1-n_hidden-1 MLP."""
    return init_mlp((1, n_hidden, 1), seed)


def activation_curve(params: Sequence[torch.Tensor | np.ndarray], x: np.ndarray, scale: float = 0.2) -> np.ndarray:
    """Values (n,) of the learned activation with meta-parameters ``params`` (tensors,
    or the arrays of one row of a history) at the points ``x`` (n,)."""
    with torch.no_grad():
        tensors = [torch.as_tensor(p, dtype=torch.get_default_dtype()).cpu() for p in params]
        grid = torch.as_tensor(np.asarray(x), dtype=torch.get_default_dtype())
        return LearnedActivation(tensors, scale)(grid).numpy()


class Inner(NamedTuple):
    """What one unroll needs: the hidden activation and the inner optimiser."""

    activation: Callable[[torch.Tensor], torch.Tensor]
    optimizer: Optimizer


def inner_learned_lr(meta_params: Params, config: MetalearnConfig) -> Inner:
    """Fig. 6: ``meta_params = [lr]`` (a scalar) is the inner optimiser's learning rate."""
    return Inner(ACTIVATIONS[config.activation], make_optimizer(config, lr=meta_params[0]))


def inner_learned_activation(meta_params: Params, config: MetalearnConfig) -> Inner:
    """Fig. 7: ``meta_params`` are the meta-MLP of a ``LearnedActivation``."""
    return Inner(LearnedActivation(meta_params), make_optimizer(config))


MakeInner = Callable[[Params, MetalearnConfig], Inner]


def unroll(params0: Params, meta_params: Params, data: Dataset, config: MetalearnConfig, make_inner: MakeInner,
           seed: int = 0) -> torch.Tensor:
    """Train the inner MLP from ``params0`` (tensors that require grad) for
    ``config.inner_steps`` steps, keeping the graph.

    Mini-batches come from ``batch_schedule(..., seed)`` over the training set, the
    hidden noise from a generator seeded with ``seed``. Returns the training losses
    (inner_steps,), each on its mini-batch before that step's update, differentiable
    with respect to ``meta_params`` (and ``params0``).
    """
    activation, optimizer = make_inner(meta_params, config)
    x, y = _as_tensors(data.x, data.y, params0[0].device)
    batches = batch_schedule(len(y), config.inner_steps, config.batch_size, seed)  # (inner_steps, batch)
    noise = torch.Generator().manual_seed(seed)
    params = list(params0)
    state = optimizer.init_state(params)
    losses = []
    for idx in batches:
        logits = mlp_forward(params, x[idx], activation, config.hidden_noise, noise)  # (batch, classes)
        loss = F.cross_entropy(logits, y[idx])
        grads = torch.autograd.grad(loss, params, create_graph=True)
        params, state = optimizer.step(params, grads, state)
        losses.append(loss)
    return torch.stack(losses)


def meta_loss(losses: torch.Tensor, config: MetalearnConfig) -> torch.Tensor:
    """Mean of the inner losses (inner_steps,), or of the last ``config.meta_loss_last``."""
    return losses.mean() if config.meta_loss_last is None else losses[-config.meta_loss_last:].mean()


def _all_finite(tensors: Sequence[torch.Tensor]) -> bool:
    return all(bool(torch.isfinite(t).all()) for t in tensors)


def _outer_step(meta: Params, grads: Sequence[torch.Tensor], config: MetalearnConfig) -> Params:
    """One step of gradient descent on the meta-parameters (gradients clamped if asked)."""
    with torch.no_grad():
        if config.grad_clamp is not None:
            grads = [g.clamp(-config.grad_clamp, config.grad_clamp) for g in grads]
        return [(p - config.outer_lr * g).requires_grad_() for p, g in zip(meta, grads)]


def _stack_rows(rows: list[np.ndarray], like: torch.Tensor) -> np.ndarray:
    return np.stack(rows) if rows else np.zeros((0, *like.shape))


def metalearn(meta_params: Sequence[torch.Tensor | float], make_inner: MakeInner, data: Dataset,
              config: MetalearnConfig, progress: bool = True, device: str = "auto") -> dict:
    """Outer loop: ``config.outer_steps`` steps of gradient descent on ``meta_params``
    (initial values; copied, never modified), each through a fresh ``unroll``.

    Returns a history of numpy arrays: ``step`` (S,), ``meta_loss`` (S,),
    ``final_inner_loss`` (S,) and ``inner_losses`` (S, inner_steps) in nats,
    ``meta_params`` (one array (S, *shape) per meta-parameter: the values each step's
    unroll used), ``final_meta_params`` (the values after the last finite update),
    ``diverged`` and ``diverged_at``. When an inner loss, the meta-loss or the
    meta-parameters become inf or NaN, the loop stops without raising: ``diverged`` is
    True, ``diverged_at`` the first outer step that could not be completed with finite
    values, and the curves hold only the finite steps before it.
    """
    device = resolve_device(device)
    meta = [torch.as_tensor(p, dtype=torch.get_default_dtype()).detach().clone().to(device).requires_grad_()
            for p in meta_params]
    history = {"step": [], "meta_loss": [], "final_inner_loss": [], "inner_losses": []}
    rows, diverged_at = [], None
    with _progress(config.outer_steps, "metalearn", progress) as bar:
        for step in range(config.outer_steps):
            params0 = init_mlp(config.sizes, seed=config.seed + step, device=device)
            losses = unroll(params0, meta, data, config, make_inner, seed=config.seed + step)
            loss = meta_loss(losses, config)
            if not _all_finite([losses, loss]):
                diverged_at = step
                break
            grads = torch.autograd.grad(loss, meta)
            history["step"].append(step)
            history["meta_loss"].append(loss.item())
            history["final_inner_loss"].append(losses[-1].item())
            history["inner_losses"].append(losses.detach().cpu().numpy())
            rows.append([p.detach().cpu().numpy() for p in meta])
            updated = _outer_step(meta, grads, config)
            if not _all_finite(updated):
                diverged_at = step + 1
                break
            meta = updated
            bar.update()
    out = {k: np.asarray(v, dtype=np.int64 if k == "step" else np.float64) for k, v in history.items()}
    out["inner_losses"] = out["inner_losses"].reshape(-1, config.inner_steps)  # (S, inner_steps), also when S = 0
    out["meta_params"] = [_stack_rows([r[i] for r in rows], p) for i, p in enumerate(meta)]
    out["final_meta_params"] = [p.detach().cpu().numpy() for p in meta]
    out["diverged"], out["diverged_at"] = diverged_at is not None, diverged_at
    return out
