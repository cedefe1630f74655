"""Lottery tickets (paper Fig. 4; the authors' notebook): the ticket search, the
retraining of tickets to their asymptote on new and rearranged data, and the
spatial prior of the first-layer masks.

The network is the authors' residual MLP 40-500-500-10 (``models.MLP``) trained
with Adam (lr 2e-2, batch 100) for ``round_steps`` per pruning round. Every
(criterion, trial) pair is one member of a single masked stack: trial ``t``
initialises its weights with seed ``t`` and draws its mini-batches with seed ``t``
in every round, so magnitude and random pruning of one trial differ only in
their masks, and the dense network is round 0 (sparsity 0).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable

import numpy as np
import torch
from torch import nn

from .checks import check_in_range
from .data import Dataset, make_dataset
from .models import MLP
from .profiles import PAPER_SPARSITY
from .pruning import (
    CRITERIA, SCHEDULES, adjacency_test, layer_sparsity, masked_layers, masked_stack, prune_mask, scores, sparsity_schedule,
)
from .train import TrainConfig, _as_tensors, _progress, fit_stacked, init_model, resolve_device
from .transforms import add_input_noise, corrupt_labels, crop, flip, shuffle_features, swap_chunks, transform_inputs

INITS = ("default", "xavier")
RANDOM_SCORE_SEED = 7_919  # random scores of trial t in round r: seed RANDOM_SCORE_SEED * (r + 1) + t
REINIT_SEED_OFFSET = 1  # "new random weights": trial t initialised with seed t + 1, as the authors do
SHUFFLE_SEED = 0  # the authors' notebook shuffles with np.random.seed(0)
NEW_DATA_SEED = 43  # "a new dataset from the same distribution": the paper's seed 42 + 1

# Rearrangements of the input positions for the asymptote runs (train and test alike).
REARRANGEMENTS = {
    "original": lambda x: x,
    "shuffled": lambda x: shuffle_features(x, SHUFFLE_SEED),
    "flipped": flip,
    "chunk-swapped": swap_chunks,  # the authors' x[20:40] + x[0:20]
}


@dataclass(frozen=True)
class SearchConfig:
    """One ticket search: every criterion x trial, pruned along ``schedule``."""

    schedule: tuple[float, ...]  # sparsity of each round; round 0 should be 0 (dense)
    train: TrainConfig = field(default_factory=lambda: TrainConfig(steps=1501, lr=2e-2, eval_every=1501))
    hidden: int = 500
    criteria: tuple[str, ...] = CRITERIA
    trials: tuple[int, ...] = (0, 1)
    init: str = "default"  # "default" (PyTorch's) or "xavier" (uniform weights, zero biases)
    keep_rounds: tuple[int, ...] = ()  # rounds whose masks are returned

    def __post_init__(self):
        if not self.schedule:
            raise ValueError("schedule must hold at least one sparsity")
        for s in self.schedule:
            check_in_range("sparsity", s, 0.0, 1.0)
        if any(c not in CRITERIA for c in self.criteria):
            raise ValueError(f"criteria={self.criteria!r}: choose from {', '.join(CRITERIA)}")
        if self.init not in INITS:
            raise ValueError(f"init={self.init!r}: choose one of {', '.join(INITS)}")
        for r in self.keep_rounds:
            check_in_range("keep_rounds entry", r, 0, len(self.schedule) - 1)

    def members(self) -> list[tuple[str, int]]:
        """(criterion, trial) of every member, in stack order."""
        return [(c, t) for c in self.criteria for t in self.trials]


def build_mlp(hidden: int, seed: int, init: str = "default", length: int = 40) -> nn.Module:
    """The authors' MLP length-hidden-hidden-10 (residual), initial weights seeded ``seed``."""
    model = init_model(lambda: MLP(length=length, n_hidden=hidden), seed)
    if init == "xavier":
        with torch.no_grad():
            for layer in (model.linear1, model.linear2, model.linear3):
                nn.init.xavier_uniform_(layer.weight)
                layer.bias.zero_()
    return model


def _prune(stacked: nn.Module, init: list[torch.Tensor], members: list[tuple[str, int]], sparsity: float,
           round_index: int) -> None:
    """Score each member's trained parameters by its criterion, prune every layer to
    ``sparsity`` and rewind the kept parameters to ``init`` (one (K, P) tensor per layer)."""
    for layer, start in zip(masked_layers(stacked), init):
        trained = layer.vector()
        gens = [torch.Generator().manual_seed(RANDOM_SCORE_SEED * (round_index + 1) + t) for _, t in members]
        layer_scores = torch.stack([scores(c, trained[k], gens[k]) for k, (c, _) in enumerate(members)])
        layer.set(start, prune_mask(layer_scores, sparsity))


def search(data: Dataset, config: SearchConfig, device: str = "cpu", progress: bool = True,
           desc: str = "ticket search") -> dict:
    """Iterative layer-wise pruning with rewinding to the initial weights, all
    members at once: in round r every member is pruned to ``schedule[r]`` by its
    criterion (scores from its weights trained in round r - 1), rewound, and trained
    for ``config.train.steps`` steps.

    Returns ``sparsity`` (R,), ``members`` [(criterion, trial)], the final ``train_loss``,
    ``train_acc``, ``test_loss``, ``test_acc`` (members, R) of every round (losses in
    nats, accuracies in %), ``layer_sparsity`` (members, R, 3) as realised, and
    ``masks``: {round: one (members, P) bool tensor per layer} for ``keep_rounds``.
    """
    device = resolve_device(device)
    members = config.members()
    stacked = masked_stack([build_mlp(config.hidden, t, config.init, data.x.shape[1]) for _, t in members]).to(device)
    init = [layer.vector().clone() for layer in masked_layers(stacked)]
    train, test = _as_tensors(data.x, data.y, device), _as_tensors(data.x_test, data.y_test, device)
    seeds = [t for _, t in members]
    out = {k: [] for k in ("train_loss", "train_acc", "test_loss", "test_acc", "layer_sparsity")}
    masks = {}
    with _progress(len(config.schedule), desc, progress) as bar:
        for r, sparsity in enumerate(config.schedule):
            _prune(stacked, init, members, sparsity, r)
            history = fit_stacked(stacked, train, {"test": test}, config.train, seeds, progress=False)
            for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
                out[key].append(history[key][:, -1])
            out["layer_sparsity"].append(layer_sparsity(stacked))
            if r in config.keep_rounds:
                masks[r] = [layer.mask_vector().bool().cpu() for layer in masked_layers(stacked)]
            bar.update()
    result = {key: np.stack(v, axis=1) for key, v in out.items()}  # (members, R[, layers])
    return {"sparsity": np.asarray(config.schedule), "members": members, **result, "masks": masks}


@dataclass(frozen=True)
class RetrainMember:
    """One network of an asymptote run: ``net`` (dense, ticket or random) with ``masks``
    (one (P,) bool tensor per layer; ``None``: dense) on initial weights seeded ``seed``
    (``init``: the trial's ``original`` ones or ``new`` ones), trained on ``data`` (a
    key of the data variants)."""

    net: str
    data: str
    trial: int
    seed: int
    init: str = "original"
    masks: tuple[torch.Tensor, ...] | None = None


def retrain(members: list[RetrainMember], variants: dict[str, Dataset], config: TrainConfig, hidden: int,
            device: str = "cpu", progress: bool = True, desc: str = "asymptotes") -> dict:
    """Train every member from its (masked) initial weights on its own data variant,
    all at once (one input set per member).

    Returns ``step`` (E,) and ``train_acc``, ``test_acc``, ``test_loss`` (members, E).
    """
    device = resolve_device(device)
    missing = {m.data for m in members} - variants.keys()
    if missing:
        raise ValueError(f"no data variant named {sorted(missing)}: have {sorted(variants)}")
    stacked = masked_stack([build_mlp(hidden, m.seed) for m in members]).to(device)
    for i, layer in enumerate(masked_layers(stacked)):
        vector = layer.vector()
        mask = torch.stack([torch.ones(vector.shape[1], dtype=torch.bool) if m.masks is None else m.masks[i]
                            for m in members]).to(device=device, dtype=vector.dtype)
        layer.set(vector, mask)
    sets = {name: (_as_tensors(v.x, v.y, device), _as_tensors(v.x_test, v.y_test, device))
            for name, v in variants.items()}

    def per_member(which):  # (members, n, length) inputs and (members, n) labels
        return (torch.stack([sets[m.data][which][0] for m in members]),
                torch.stack([sets[m.data][which][1] for m in members]))

    history = fit_stacked(stacked, per_member(0), {"test": per_member(1)}, config,
                          seeds=[m.seed for m in members], progress=progress, desc=desc)
    return {"step": history["step"], **{k: history[k] for k in ("train_acc", "test_acc", "test_loss")}}


def rearranged(data: Dataset) -> dict[str, Dataset]:
    """``data`` under every rearrangement of ``REARRANGEMENTS`` (train and test inputs alike)."""
    return {name: Dataset(x=fn(data.x), y=data.y, x_test=fn(data.x_test), y_test=data.y_test, t=data.t)
            for name, fn in REARRANGEMENTS.items()}


def asymptote_members(ticket: tuple[torch.Tensor, ...], random: tuple[torch.Tensor, ...], trial: int,
                      variants) -> list[RetrainMember]:
    """The authors' asymptote runs of one trial: dense, ticket (magnitude mask) and random
    (random mask) networks from the trial's original initial weights on every data
    variant, and the same three from new initial weights (seed trial + 1) on the
    original data. ``ticket``, ``random``: one (P,) bool mask per layer."""
    nets = {"dense": None, "ticket": tuple(ticket), "random": tuple(random)}
    out = []
    for data in variants:
        out += [RetrainMember(net, data, trial, trial, "original", mask) for net, mask in nets.items()]
    return out + [RetrainMember(net, "original", trial, trial + REINIT_SEED_OFFSET, "new", mask)
                  for net, mask in nets.items()]


def pack_mask(mask: torch.Tensor) -> str:
    """A (P,) bool mask as base64 text of its packed bits (compact in JSON)."""
    return base64.b64encode(np.packbits(mask.numpy().astype(bool)).tobytes()).decode()


def unpack_mask(text: str, size: int) -> torch.Tensor:
    """The (size,) bool mask of ``pack_mask``."""
    bits = np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8))[:size]
    return torch.from_numpy(bits.astype(bool))


def layer_sizes(hidden: int, length: int = 40) -> tuple[int, ...]:
    """Parameters P (weight and bias) of each layer of the MLP length-hidden-hidden-10."""
    return (hidden * length + hidden, hidden * hidden + hidden, 10 * hidden + 10)


def first_layer_mask(masks: list[torch.Tensor], member: int, hidden: int, length: int = 40) -> np.ndarray:
    """Member's first-layer weight mask (hidden, length) bool, from its layer-0 (members, P) mask."""
    return masks[0][member, : hidden * length].view(hidden, length).numpy()


def mask_rows(mask: np.ndarray) -> list[str]:
    """A (units, inputs) 0/1 mask as one string of '0'/'1' per unit (compact in JSON)."""
    return ["".join("1" if v else "0" for v in row) for row in np.asarray(mask, dtype=bool)]


def spatial_prior(mask: np.ndarray, n_random: int, seed: int = 0) -> dict:
    """Adjacency of the kept first-layer weights against both nulls of ``pruning.adjacency_test``."""
    return {null: adjacency_test(mask, null, n_random, seed) for null in ("rows", "margins")}


def search_config(settings, schedule: tuple[float, ...], steps: int, lr: float | None = None,
                  init: str = "default", keep_rounds: tuple[int, ...] = ()) -> SearchConfig:
    """A search with the profile's network and trials: ``steps`` Adam steps (batch 100) per round."""
    train = TrainConfig(steps=steps, lr=lr or settings.lr, eval_every=steps)
    return SearchConfig(schedule=tuple(float(s) for s in schedule), train=train, hidden=settings.hidden,
                        trials=settings.trials, init=init, keep_rounds=keep_rounds)


def _search_summary(found: dict) -> dict:
    """The JSON-ready part of a ``search`` result (everything but the masks)."""
    return {"sparsity": found["sparsity"].tolist(), "criterion": [c for c, _ in found["members"]],
            "trial": [t for _, t in found["members"]],
            **{k: found[k].tolist() for k in ("train_loss", "train_acc", "test_loss", "test_acc", "layer_sparsity")}}


def search_prefix(summary: dict, rounds: int) -> dict:
    """A search summary (``_search_summary``) cut to its first ``rounds`` rounds: what
    the same search along the first ``rounds`` sparsities of its schedule returns (a
    round never depends on the rounds after it)."""
    per_round = ("train_loss", "train_acc", "test_loss", "test_acc", "layer_sparsity")
    return {k: v[:rounds] if k == "sparsity" else [m[:rounds] for m in v] if k in per_round else v
            for k, v in summary.items()}


def chapter_prefix(settings, ablation: str, value: str) -> int | None:
    """The number of rounds of the chapter's ticket search that the group ``value`` of
    ``ablation`` equals (the baseline group, where the ablations run the chapter's
    schedule up to a round at the chapter's steps per round, as the paper profile does),
    or None when the group's search or data differ from the chapter's."""
    chapter = search_config(settings, tuple(PAPER_SPARSITY[r] for r in settings.rounds), settings.round_steps)
    config, _ = ablation_computations(settings, ablation, "cpu")[f"{ablation}: {value}"]
    n = len(config["search"].schedule)
    same = config == {"search": replace(chapter, schedule=chapter.schedule[:n])}
    return n if same else None


SEARCH_FIELDS = ("hidden", "lr", "rounds", "round_steps", "trials", "ticket_round", "adjacency_draws")
ASYMPTOTE_FIELDS = ("hidden", "lr", "asymptote_steps", "asymptote_batch", "asymptote_eval_every")


def search_computation(settings, device: str):
    """The chapter's ticket search for ``Run.compute``: (config, fn). ``fn`` searches
    tickets on the paper's data (every criterion and trial in one stack) and tests the
    ticket round's first-layer masks for a spatial prior.

    Returns ``search`` (see ``_search_summary``), ``ticket_index``, ``ticket_masks`` (per
    search member: the ticket round's mask of each layer, ``pack_mask`` text) and
    ``spatial`` (per member: its first-layer mask as rows of '0'/'1', the fraction of
    units keeping each input, and both adjacency tests).
    """
    schedule = tuple(PAPER_SPARSITY[r] for r in settings.rounds)
    ticket = settings.rounds.index(settings.ticket_round)
    config = {"settings": {f: getattr(settings, f) for f in SEARCH_FIELDS}, "schedule": schedule,
              "ticket_index": ticket}

    def compute():
        found = search(make_dataset(), search_config(settings, schedule, settings.round_steps, keep_rounds=(ticket,)),
                       device)
        masks = found["masks"][ticket]
        spatial = []
        for k, (criterion, trial) in enumerate(found["members"]):
            mask = first_layer_mask(masks, k, settings.hidden)
            spatial.append({"criterion": criterion, "trial": trial, "mask": mask_rows(mask),
                            "input_kept": mask.mean(0).tolist(),
                            **spatial_prior(mask, settings.adjacency_draws,
                                            seed=len(CRITERIA) * trial + CRITERIA.index(criterion))})
        return {"search": _search_summary(found), "ticket_index": ticket,
                "ticket_masks": [[pack_mask(layer[k]) for layer in masks] for k in range(len(found["members"]))],
                "spatial": spatial}

    return config, compute


MEMBER_FIELDS = ("criterion", "trial", "train_loss", "train_acc", "test_loss", "test_acc", "layer_sparsity")


def split_trials(value: dict, trials: list[int]) -> dict[int, dict]:
    """{trial: ``value`` with that trial's members only}, for a search summary
    (``_search_summary``) or the chapter's search (``search_computation``'s value, whose
    ``ticket_masks`` and ``spatial`` follow its members)."""
    summary = value.get("search", value)
    return {t: _members([value], [(0, i) for i, u in enumerate(summary["trial"]) if u == t]) for t in trials}


def join_trials(parts: list[dict]) -> dict:
    """The value a search of the ``parts``' trials (one part per trial, in order) returns:
    members criterion by criterion, trials in the parts' order."""
    criteria = dict.fromkeys(parts[0].get("search", parts[0])["criterion"])
    return _members(parts, [(j, i) for c in criteria for j, p in enumerate(parts)
                            for i, u in enumerate(p.get("search", p)["criterion"]) if u == c])


def _members(parts: list[dict], picks: list[tuple[int, int]]) -> dict:
    """The members ``picks`` = [(part, member index)] of ``parts``; other fields from the first."""
    first = parts[0]
    if "search" in first:
        return {**first, "search": _members([p["search"] for p in parts], picks),
                **{k: [parts[j][k][i] for j, i in picks] for k in ("ticket_masks", "spatial")}}
    return {k: [parts[j][k][i] for j, i in picks] if k in MEMBER_FIELDS else v for k, v in first.items()}


def asymptote_computation(settings, searched: dict, trial: int, device: str):
    """One trial's asymptote runs for ``Run.compute``: (config, fn). ``fn`` retrains the
    trial's ticket and random masks of ``searched`` (a ``search_computation`` result)
    and the dense network on new data (seed 43) and its rearrangements, and from new
    initial weights (``asymptote_members``), all in one stack.

    Returns ``step`` (E,) and ``asymptotes``: one row per network (net, data, trial,
    init, test_acc and train_acc curves over ``step``, in %).
    """
    members = list(zip(searched["search"]["criterion"], searched["search"]["trial"]))
    masks = {criterion: searched["ticket_masks"][members.index((criterion, trial))] for criterion in CRITERIA}
    digest = hashlib.sha256("".join(masks["magnitude"] + masks["random"]).encode()).hexdigest()[:16]
    config = {"settings": {f: getattr(settings, f) for f in ASYMPTOTE_FIELDS}, "trial": trial, "masks": digest}

    def compute():
        unpacked = {c: tuple(unpack_mask(text, size) for text, size in zip(masks[c], layer_sizes(settings.hidden)))
                    for c in CRITERIA}
        variants = rearranged(make_dataset(seed=NEW_DATA_SEED))
        nets = asymptote_members(unpacked["magnitude"], unpacked["random"], trial, variants)
        retrain_config = TrainConfig(steps=settings.asymptote_steps, batch_size=settings.asymptote_batch, lr=settings.lr,
                                     eval_every=settings.asymptote_eval_every)
        history = retrain(nets, variants, retrain_config, settings.hidden, device, desc=f"asymptotes, trial {trial}")
        return {"step": history["step"].tolist(),
                "asymptotes": [{"net": m.net, "data": m.data, "trial": m.trial, "init": m.init,
                                "test_acc": history["test_acc"][k].tolist(),
                                "train_acc": history["train_acc"][k].tolist()} for k, m in enumerate(nets)]}

    return config, compute


def perturbed_data(settings, perturbation: str) -> Dataset:
    """The paper's data under one perturbation of the seed report (2.4.1): ``none``,
    ``input noise`` (Gaussian, std ``settings.input_noise``, train and test), ``label
    noise`` (``settings.label_noise`` of the training labels replaced by a uniform
    class) or ``crop`` (positions ``settings.crop`` kept, train and test)."""
    data = make_dataset()
    if perturbation == "none":
        return data
    if perturbation == "input noise":
        return replace(data, x=add_input_noise(data.x, settings.input_noise, seed=1),
                       x_test=add_input_noise(data.x_test, settings.input_noise, seed=2))
    if perturbation == "label noise":
        return replace(data, y=corrupt_labels(data.y, settings.label_noise, seed=0))
    if perturbation == "crop":
        return transform_inputs(data, lambda x: crop(x, *settings.crop))
    raise ValueError(f"perturbation={perturbation!r}: choose one of {', '.join(PERTURBATIONS)}")


PERTURBATIONS = ("none", "input noise", "label noise", "crop")
ABLATIONS = {  # ablation -> the setting it varies
    "perturbation": "perturbation",
    "schedule": "schedule",
    "init": "init",
    "lr": "lr",
}


def ablation_groups(settings, ablation: str) -> list[tuple[str, Callable[[], Dataset], SearchConfig]]:
    """(value, its data (made when called), search) of every group of an ablation. Groups
    differ in what one stack cannot hold (input length, learning rate, schedule); each group
    trains both criteria and all trials together, on the ablation's schedule: the chapter's
    sparsities at ``settings.ablation_rounds``. Every ablation's baseline (no perturbation,
    the linear schedule, the default init, the chapter's learning rate) is that same search."""
    rounds = settings.ablation_rounds
    linear = tuple(PAPER_SPARSITY[r] for r in rounds)
    steps = settings.ablation_steps
    if ablation == "perturbation":
        return [(p, partial(perturbed_data, settings, p), search_config(settings, linear, steps))
                for p in PERTURBATIONS]
    if ablation == "schedule":
        final = PAPER_SPARSITY[max(rounds)]
        return [(kind, make_dataset, search_config(settings, linear if kind == "linear" else
                                                   sparsity_schedule(kind, len(rounds), final), steps))
                for kind in SCHEDULES]
    if ablation == "init":
        return [(init, make_dataset, search_config(settings, linear, steps, init=init)) for init in INITS]
    if ablation == "lr":
        return [(f"{lr:g}", make_dataset, search_config(settings, linear, steps, lr=lr)) for lr in settings.lrs]
    raise ValueError(f"ablation={ablation!r}: choose one of {', '.join(ABLATIONS)}")


def _group_computation(desc: str, data: Callable[[], Dataset], config: SearchConfig, device: str):
    def compute():
        return _search_summary(search(data(), config, device, desc=desc))
    return compute


def ablation_computations(settings, ablation: str, device: str) -> dict[str, tuple[dict, object]]:
    """An ablation's computations for ``Run.compute``: ``{"<ablation>: <value>": (config,
    fn)}``, one per group, so that each group is stored (and resumable across sessions)
    on its own; ``fn`` returns the group's ``_search_summary``. A group's config names
    only what its result depends on (its search, and its perturbation of the data), so
    the baseline group, the same search in every ablation, has one cache key, and the
    record computes it once (``Run`` reuses an output of any notebook of the profile)."""
    return {f"{ablation}: {value}": ({"search": cfg, **_perturbation_config(settings, value)},
                                     _group_computation(f"{ablation}: {value}", data, cfg, device))
            for value, data, cfg in ablation_groups(settings, ablation)}


def _perturbation_config(settings, perturbation: str) -> dict:
    """What ``perturbed_data(settings, perturbation)`` depends on besides the data set ({} for
    no perturbation, or for a group of another ablation)."""
    return {"input noise": {"input_noise": settings.input_noise}, "label noise": {"label_noise": settings.label_noise},
            "crop": {"crop": settings.crop}}.get(perturbation, {})
