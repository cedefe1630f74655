"""Metalearning the learning rate (paper Fig. 6) and its ablations (seed report 2.2):
which runs metalearn together, the outer objective on a grid of fixed learning
rates, and the measurements behind the scorecard.

Every setting and seed of a notebook is one member of a single stack (see
``metalearn``); learning rates are per step of plain SGD, losses in nats.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .data import Dataset, make_dataset
from .metalearn import MetalearnConfig, Stack, inner_fixed, inner_learned_lr, member_configs, metalearn, train_inner
from .train import resolve_device

BASE = MetalearnConfig()  # the authors' notebook: 40-50-10 tanh, SGD, 200 steps of batch 50, outer lr 0.3

# ablation -> (member field, axis label, settings field with its values, settings field with its outer steps)
ABLATIONS = {
    "init": ("inner_lr", "initial learning rate", "init_lrs", "outer_steps"),
    "hidden": ("sizes", "hidden units", "hidden_sizes", "outer_steps"),
    "meta_lr": ("outer_lr", "meta learning rate", "outer_lrs", "meta_lr_outer_steps"),
    "stability": ("outer_lr", "meta learning rate", "stability_outer_lrs", "outer_steps"),
}


def lr_data() -> Dataset:
    """The paper's default split (4000 train / 1000 test), as in the authors' notebook."""
    return make_dataset()


def base_config(settings, outer_steps: int | None = None) -> MetalearnConfig:
    """The authors' settings with the profile's inner and outer steps."""
    return replace(BASE, inner_steps=settings.inner_steps, outer_steps=outer_steps or settings.outer_steps)


def learn(configs: list[MetalearnConfig], data: Dataset, device: str, desc: str = "metalearn lr") -> list[dict]:
    """Metalearn the learning rate of every member, each starting from its ``inner_lr``,
    one stack per seed (a stack sums its meta-losses over inner steps in an order that
    depends on its size, so seeds train apart: a seed's numbers are then the same whatever
    seeds run beside it); one summary per member: its settings, the learning rate used at
    every outer step ``lr`` (S,), ``meta_loss``, ``final_inner_loss``, ``test_acc`` (S,),
    ``final_lr``, ``diverged``, ``diverged_at``."""
    histories = [None] * len(configs)
    for seed in dict.fromkeys(c.seed for c in configs):
        members = [i for i, c in enumerate(configs) if c.seed == seed]
        group = [configs[i] for i in members]
        for i, h in zip(members, metalearn([[c.inner_lr for c in group]], inner_learned_lr, data, group,
                                           device=device, desc=f"{desc}, seed {seed}")):
            histories[i] = h
    return [{"start_lr": c.inner_lr, "hidden": c.sizes[1], "outer_lr": c.outer_lr, "seed": c.seed,
             "lr": h["meta_params"][0], "meta_loss": h["meta_loss"], "final_inner_loss": h["final_inner_loss"],
             "test_acc": h["test_acc"], "final_lr": float(h["final_meta_params"][0]), "diverged": h["diverged"],
             "diverged_at": h["diverged_at"]} for c, h in zip(configs, histories)]


def chapter_configs(settings) -> list[MetalearnConfig]:
    """Both starting learning rates, for every seed."""
    return member_configs(base_config(settings), inner_lr=settings.starts, seed=settings.seeds)


def grid_objective(settings, data: Dataset, device: str) -> dict:
    """The outer objective (mean inner training loss, nats) at every fixed learning rate
    of ``settings.grid_lrs``, for the inner problems of the first ``grid_unrolls`` outer
    steps of seed 0 (initial weights and batches seeded 0, 1, ...): lists ``lr``,
    ``unroll`` and ``objective``, one entry per (lr, unroll)."""
    configs = member_configs(base_config(settings), inner_lr=settings.grid_lrs, seed=range(settings.grid_unrolls))
    out = train_inner(Stack(configs, resolve_device(device)), inner_fixed(), data)
    return {"lr": [c.inner_lr for c in configs], "unroll": [c.seed for c in configs],
            "objective": out["losses"].mean(0)}


def chapter_computation(settings, device: str) -> tuple[dict, Callable[[], dict]]:
    """The chapter's cache config and its computation: the metalearning runs and the grid."""
    configs = chapter_configs(settings)

    def compute() -> dict:
        data = lr_data()
        return {"runs": learn(configs, data, device), "grid": grid_objective(settings, data, device)}
    return {"members": configs, "grid_lrs": settings.grid_lrs, "grid_unrolls": settings.grid_unrolls}, compute


def ablation_configs(settings, ablation: str) -> list[MetalearnConfig]:
    """One member per value of the ablation and seed; the learned rate starts at 0.15
    (the paper's low start) except where the ablation sets it."""
    field, _, values_field, steps_field = ABLATIONS[ablation]
    values = getattr(settings, values_field)
    if field == "sizes":
        values = [(BASE.sizes[0], h, BASE.sizes[-1]) for h in values]
    base = replace(base_config(settings, getattr(settings, steps_field)), inner_lr=settings.starts[0])
    return member_configs(base, **{field: values}, seed=settings.seeds)


def ablation_computation(settings, ablation: str, device: str) -> tuple[dict, Callable[[], list[dict]]]:
    """An ablation's cache config and its computation (every member at once)."""
    configs = ablation_configs(settings, ablation)
    return {"ablation": ablation, "members": configs}, lambda: learn(configs, lr_data(), device, f"lr {ablation}")
