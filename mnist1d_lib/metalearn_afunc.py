"""Metalearning an activation function (paper Fig. 7) and its ablations (seed report
2.3): the metalearning runs, the retraining of learned and standard activations from
fresh seeds, and the memory of the unrolled graph.

Accuracies are test accuracies in % of an inner MLP trained for the unroll's inner
steps from a fresh seed (whole test set, no hidden noise); memory is in MB (10^6 bytes).
"""
from __future__ import annotations

import resource
from contextlib import nullcontext
from dataclasses import replace
from typing import Callable

import numpy as np
import torch

from .data import Dataset, make_dataset
from .learned_activation import (
    LearnedActivation, PiecewiseLinear, activation_curve, fit_piecewise_linear, inner_learned_activation, init_activation_params,
)
from .metalearn import (
    ACTIVATION_CONFIG, ACTIVATIONS, MetalearnConfig, Stack, graph_memory, inner_fixed, member_configs, metalearn,
    train_inner,
)
from .train import resolve_device

BASELINES = ("relu", "swish", "elu", "softplus", "tanh", "sigmoid")  # the authors' notebook's comparison
CURVE_X = np.linspace(-5.0, 5.0, 201)  # where learned activations are read (the authors plot [-5, 5])
MEMORY_PROBE_STEPS = 10  # unroll length whose full graph is measured to extrapolate the unrolled graph's size

# ablation -> (member field, axis label, settings field with its values)
ABLATIONS = {
    "mu": ("mu", "RMSprop decay mu", "mus"),
    "hidden": ("sizes", "hidden units", "hidden_sizes"),
    "noise": ("hidden_noise", "hidden-unit noise", "noise_levels"),
}


def afunc_data(settings) -> Dataset:
    """``settings.n_samples`` signals split 80/20 (the authors' notebook: 8000 / 2000)."""
    return make_dataset(num_samples=settings.n_samples)


def base_config(settings, outer_steps: int | None = None, hidden: int | None = None,
                members: int = 1) -> MetalearnConfig:
    """The authors' settings with the profile's schedule and hidden width. A stack of
    ``members`` whose hidden units together exceed ``settings.checkpoint_above`` keeps
    the unroll's state every ``checkpoint_every`` steps (its graph grows with the units)."""
    hidden = hidden or settings.hidden
    return replace(ACTIVATION_CONFIG, sizes=(ACTIVATION_CONFIG.sizes[0], hidden, ACTIVATION_CONFIG.sizes[-1]),
                   inner_steps=settings.inner_steps, meta_loss_last=settings.meta_loss_last,
                   outer_steps=outer_steps or settings.outer_steps,
                   checkpoint_every=settings.checkpoint_every if hidden * members > settings.checkpoint_above else None)


def learn(configs: list[MetalearnConfig], data: Dataset, device: str, desc: str = "metalearn activation",
          measure_memory: bool = False) -> list[dict]:
    """Metalearn the activation of every member at once (meta-MLP seeded by the member's
    seed); one summary per member: its settings, ``meta_loss``, ``final_inner_loss``,
    ``test_acc`` (S,), the learned curve at every outer step ``curves`` (S, len(CURVE_X)),
    ``final_meta_params``, ``final_curve``, ``diverged``, ``diverged_at``, and, with
    ``measure_memory`` (about 10 % slower), the stack's peak autograd graph ``graph_mb``."""
    with graph_memory() if measure_memory else nullcontext() as meter:
        histories = metalearn(init_activation_params([c.seed for c in configs]), inner_learned_activation, data,
                              configs, device=device, desc=desc)
    out = []
    for c, h in zip(configs, histories):
        rows = zip(*h["meta_params"])  # one tuple of arrays per outer step
        out.append({"mu": c.mu, "hidden": c.sizes[1], "hidden_noise": c.hidden_noise, "seed": c.seed,
                    "meta_loss": h["meta_loss"], "final_inner_loss": h["final_inner_loss"], "test_acc": h["test_acc"],
                    "curves": [activation_curve(row, CURVE_X) for row in rows],
                    "final_meta_params": h["final_meta_params"],
                    "final_curve": activation_curve(h["final_meta_params"], CURVE_X),
                    "diverged": h["diverged"], "diverged_at": h["diverged_at"],
                    **({"graph_mb": meter.peak_bytes / 1e6} if measure_memory else {})})
    return out


def retrain(config: MetalearnConfig, activations: dict[str, Callable], seeds, data: Dataset,
            device: str) -> dict[str, list[float]]:
    """Test accuracy (%) of an inner MLP trained with ``config`` from every seed in
    ``seeds`` (all seeds at once), for each named activation (elementwise functions)."""
    stack = Stack(member_configs(config, seed=seeds), resolve_device(device))
    return {name: train_inner(stack, inner_fixed(f), data)["test_acc"].tolist() for name, f in activations.items()}


def learned_function(final_meta_params: list, n_members: int, device: str) -> Callable:
    """A learned activation (one member's final meta-parameters) as a fixed elementwise
    function for ``n_members`` stacked members."""
    params = [torch.as_tensor(np.asarray(p), dtype=torch.get_default_dtype(), device=resolve_device(device))
              .expand(n_members, *np.shape(p)) for p in final_meta_params]
    return LearnedActivation(params)


def chapter_computation(settings, device: str, meta_seed: int = 0) -> tuple[dict, Callable[[], dict]]:
    """The chapter's cache config and computation for one metalearning run (``meta_seed``):
    the run, the piecewise-linear fit of its final curve, and the retraining of the learned,
    the fitted and the standard activations from ``settings.fresh_seeds``."""
    config = replace(base_config(settings), seed=meta_seed)

    def compute() -> dict:
        data = afunc_data(settings)
        (run,) = learn([config], data, device)
        fit = fit_piecewise_linear(CURVE_X, run["final_curve"], settings.knots)
        activations = {"learned": learned_function(run["final_meta_params"], len(settings.fresh_seeds), device),
                       "piecewise fit": PiecewiseLinear(settings.knots, fit),
                       **{name: ACTIVATIONS[name] for name in BASELINES}}
        return {"run": run, "fit_values": fit,
                "accuracy": retrain(config, activations, settings.fresh_seeds, data, device)}
    return {"config": config, "fresh_seeds": settings.fresh_seeds, "knots": settings.knots,
            "n_samples": settings.n_samples}, compute


def ablation_configs(settings, ablation: str, device: str = "cpu") -> list[list[MetalearnConfig]]:
    """The ablation's members, grouped into stacks. On a GPU all values that share their
    shapes (mu, noise) form one stack (measured 3.9x faster than one by one for 7 mu
    values on an H200); on a CPU every member is its own stack, since the stacked
    learned activation's large intermediate tensors made one outer step 2.8x slower than
    the members one by one (measured: 250 s against 7 x 11.5 s on 2 cores). Hidden
    widths always run one by one, checkpointed above ``settings.hidden_checkpoint_above``."""
    field, _, values_field = ABLATIONS[ablation]
    values = getattr(settings, values_field)
    if ablation == "hidden":
        return [[replace(base_config(settings, settings.hidden_outer_steps, hidden=h),
                         checkpoint_every=settings.checkpoint_every if h > settings.hidden_checkpoint_above else None)]
                for h in values]
    groups = [values] if resolve_device(device).type == "cuda" else [[v] for v in values]
    return [member_configs(base_config(settings, settings.ablation_outer_steps, members=len(group)),
                           **{field: group}) for group in groups]


def graph_mb_without_checkpoints(config: MetalearnConfig, data: Dataset, device: str) -> float:
    """The autograd graph (MB) one outer step of ``config`` would hold without
    checkpointing: measured for a ``MEMORY_PROBE_STEPS``-step unroll, scaled to
    ``inner_steps`` (the graph grows linearly with the unroll)."""
    steps = min(MEMORY_PROBE_STEPS, config.inner_steps)
    probe = replace(config, inner_steps=steps, meta_loss_last=steps, outer_steps=1, checkpoint_every=None)
    with graph_memory() as meter:
        metalearn(init_activation_params([probe.seed]), inner_learned_activation, data, [probe], progress=False,
                  device=device)
    return meter.peak_bytes / 1e6 * config.inner_steps / steps


def _stack_computation(settings, ablation: str, configs: list[MetalearnConfig], device: str) -> Callable[[], list[dict]]:
    def compute() -> list[dict]:
        data, out = afunc_data(settings), []
        for config, member in zip(configs, learn(configs, data, device, f"activation {ablation}",
                                                 measure_memory=ablation == "hidden")):
            learned = learned_function(member["final_meta_params"], len(settings.fresh_seeds), device)
            member["accuracy"] = retrain(config, {"learned": learned}, settings.fresh_seeds, data, device)["learned"]
            if ablation == "hidden":
                member["checkpoint_every"] = config.checkpoint_every
                member["graph_mb_unchecked"] = graph_mb_without_checkpoints(config, data, device)
                member["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
            out.append(member)
        return out
    return compute


def ablation_computations(settings, ablation: str, device: str) -> dict[str, tuple[dict, Callable[[], list[dict]]]]:
    """An ablation's computations for ``Run.compute_many``, one per stack of
    ``ablation_configs`` (so that each is stored, and resumable across sessions, on its
    own), keyed ``"<ablation>: <values>"``: metalearn the stack, then retrain each
    member's final activation from ``settings.fresh_seeds`` under its own settings. Each
    member's summary gains ``accuracy`` (per fresh seed) and, for hidden widths,
    ``graph_mb_unchecked`` and the process's peak resident memory ``peak_rss_mb``."""
    def value(config: MetalearnConfig) -> str:  # the ablated setting of a member
        return f"{config.sizes[1] if ablation == 'hidden' else getattr(config, ABLATIONS[ablation][0]):g}"

    return {f"{ablation}: {', '.join(value(c) for c in configs)}":
            ({"ablation": ablation, "stack": configs, "fresh_seeds": settings.fresh_seeds},
             _stack_computation(settings, ablation, configs, device))
            for configs in ablation_configs(settings, ablation, device)}
