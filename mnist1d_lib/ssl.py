"""Self-supervised contrastive learning (paper Fig. 8; the authors' notebook): the
SimCLR model with its projector variants, InfoNCE, the contrastive training of
many seeds at once, and the probes (linear and kNN) of every layer.

Accuracies are test accuracies in %; losses are InfoNCE in nats per example.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import augment, checkpoints
from .checks import check_in_range
from .data import Dataset, make_dataset
from .probes import class_silhouettes, cosine_tsne, knn_probe_accuracy, linear_probe_accuracy
from .stacking import stack_models, unstack_model
from .train import _progress, batch_schedule, init_model, resolve_device

AUGMENT_SEED = 100_003  # member with seed s draws its augmentations from seed AUGMENT_SEED + s


class SimCLR(nn.Module):
    """The authors' encoder and projector.

    Encoder: three 1-D convolutions (1 -> C, k5 s2; C -> C, k3 s2; C -> C, k3 s2; padding
    1; ReLU); H is the flattened third one (C * 5 = 125 at C = 25, length 40).
    Projector: ``hidden`` layers Linear(-> width) + ReLU, then Linear(-> out_dim) to Z;
    ``hidden=None``: no projector (Z = H). The authors' default is ``hidden=1``, their
    deeper projector ``hidden=3``. Inputs x ([members,] batch, length).
    """

    def __init__(self, hidden: int | None = 1, width: int = 125, out_dim: int = 16, channels: int = 25,
                 length: int = 40):
        super().__init__()
        if hidden is not None:
            check_in_range("hidden", hidden, 0, 20)
        self.conv1 = nn.Conv1d(1, channels, 5, stride=2, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        out_len = length
        for k in (5, 3, 3):
            out_len = (out_len + 2 - k) // 2 + 1
        widths = [channels * out_len] + [width] * (hidden or 0) + [out_dim]
        self.projector = nn.ModuleList() if hidden is None else nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def layers(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's output, flattened: conv1, conv2, conv3 (H), each projector layer (the last is Z)."""
        h = x.unsqueeze(-2)  # ([members,] batch, 1, length)
        outs = []
        for conv in (self.conv1, self.conv2, self.conv3):
            h = conv(h).relu()
            outs.append(h.flatten(-2))
        h = outs[-1]
        for i, layer in enumerate(self.projector):
            h = layer(h)
            if i < len(self.projector) - 1:
                h = h.relu()
            outs.append(h)
        return outs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)[-1]


def layer_names(model: SimCLR) -> list[str]:
    """Names of ``[pixels] + model.layers`` for tables and plots."""
    n_proj = len(model.projector)
    return (["pixels", "conv1", "conv2", "conv3 (H)"] + [f"projector {i + 1}" for i in range(n_proj - 1)]
            + (["output (Z)"] if n_proj else []))


def info_nce(z1: torch.Tensor, z2: torch.Tensor, tau: float) -> torch.Tensor:
    """InfoNCE with the authors' half-batch repulsion, per member: z1, z2 (members,
    batch, dim) are two views; each view-1 example must pick its own view 2 among
    the batch's view-2 examples by cosine similarity / ``tau``. Returns (members,)."""
    scores = F.normalize(z1, dim=-1) @ F.normalize(z2, dim=-1).transpose(-1, -2) / tau  # (members, B, B)
    return (torch.logsumexp(scores, -1) - scores.diagonal(dim1=-2, dim2=-1)).mean(-1)


@dataclass(frozen=True)
class ContrastiveConfig:
    """The authors' schedule: Adam lr 0.01, batch 100, 200 epochs, tau 0.5, shifts 0..9."""

    epochs: int = 200
    batch_size: int = 100
    lr: float = 0.01
    tau: float = 0.5
    max_shift: int = augment.MAX_SHIFT
    eval_every: int = 10  # epochs between probes during training

    def __post_init__(self):
        check_in_range("epochs", self.epochs, 1, 10**5)
        check_in_range("batch_size", self.batch_size, 2, 10**5)
        check_in_range("lr", self.lr, 0.0, 10.0, inclusive=False)
        check_in_range("tau", self.tau, 0.0, 100.0, inclusive=False)
        check_in_range("eval_every", self.eval_every, 1, self.epochs)


@torch.no_grad()
def embed(stacked: nn.Module, x: np.ndarray, device) -> list[np.ndarray]:
    """Every layer of every member on signals x (n, length): one (members, n, features) array per layer."""
    xs = torch.as_tensor(x, dtype=torch.get_default_dtype(), device=device)
    members = next(stacked.parameters()).shape[0]
    chunks = [stacked.layers(xs[i:i + 2000].expand(members, -1, -1)) for i in range(0, len(xs), 2000)]
    return [torch.cat([c[j] for c in chunks], dim=1).cpu().numpy() for j in range(len(chunks[0]))]


def train_contrastive(make_model, data: Dataset, config: ContrastiveConfig, seeds: Sequence[int],
                      device: str = "cpu", progress: bool = True, desc: str = "contrastive") -> tuple[list, dict]:
    """Train one model per seed (initial weights, batch order and augmentations seeded
    by it) with InfoNCE on two augmented views of each batch, all seeds as one stack.

    Every ``eval_every`` epochs (and before training) each member is probed: kNN
    (k = 10, cosine) on Z and a linear probe on H, trained on the training signals
    and scored on the test signals. Returns the trained models (plain, one per seed)
    and the history: ``epoch`` (E,), ``loss`` (members, E) (mean over the epoch's
    batches; NaN before training), ``knn_acc`` and ``linear_acc`` (members, E).
    """
    device = resolve_device(device)
    seeds = list(seeds)
    models = [init_model(make_model, s) for s in seeds]
    stacked = stack_models(models).to(device)
    opt = torch.optim.Adam(stacked.parameters(), lr=config.lr)
    x = torch.as_tensor(data.x, dtype=torch.get_default_dtype(), device=device)
    steps_per_epoch = len(x) // config.batch_size
    steps = config.epochs * steps_per_epoch
    batches = torch.stack([batch_schedule(len(x), steps, config.batch_size, s) for s in seeds], dim=1).to(device)
    gens = [torch.Generator().manual_seed(AUGMENT_SEED + s) for s in seeds]
    history = {"epoch": [], "loss": [], "knn_acc": [], "linear_acc": []}

    def record(epoch: int, loss: np.ndarray):
        stacked.eval()
        train_layers, test_layers = embed(stacked, data.x, device), embed(stacked, data.x_test, device)
        stacked.train()
        history["epoch"].append(epoch)
        history["loss"].append(loss)
        history["knn_acc"].append([knn_probe_accuracy(a, data.y, b, data.y_test) for a, b in
                                   zip(train_layers[-1], test_layers[-1])])
        history["linear_acc"].append([linear_probe_accuracy(a, data.y, b, data.y_test) for a, b in
                                      zip(train_layers[2], test_layers[2])])

    epoch_loss = torch.zeros(len(seeds), device=device)
    slot, start = checkpoints.slot("train_contrastive"), 0
    saved = slot.load() if slot else None
    if saved:
        stacked.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        history, start = saved["history"], saved["step"] + 1
        epoch_loss.copy_(saved["epoch_loss"])
        for gen, state in zip(gens, saved["augment"]):
            gen.set_state(state)
    else:
        record(0, np.full(len(seeds), np.nan))
    with _progress(steps, desc, progress) as bar:
        bar.update(start)
        for step in range(start, steps):
            xb = x[batches[step]]  # (members, batch, length)
            views = torch.cat([augment.view(xb, gens, config.max_shift), augment.view(xb, gens, config.max_shift)], 1)
            z = stacked(views)
            loss = info_nce(z[:, : config.batch_size], z[:, config.batch_size:], config.tau)  # (members,)
            opt.zero_grad(set_to_none=True)
            loss.sum().backward()
            opt.step()
            epoch_loss += loss.detach()
            if (step + 1) % steps_per_epoch == 0:
                epoch = (step + 1) // steps_per_epoch
                if epoch % config.eval_every == 0 or epoch == config.epochs:
                    record(epoch, (epoch_loss / steps_per_epoch).cpu().numpy())
                epoch_loss.zero_()
            if slot and (step == steps - 1 or slot.due()):
                slot.save({"model": stacked.state_dict(), "optimizer": opt.state_dict(), "history": history,
                           "step": step, "epoch_loss": epoch_loss, "augment": [g.get_state() for g in gens]})
            bar.update()
    trained = [unstack_model(stacked, k, models[k]) for k in range(len(seeds))]
    return trained, {"epoch": np.asarray(history["epoch"]),
                     **{k: np.stack(history[k], axis=1) for k in ("loss", "knn_acc", "linear_acc")}}


def layer_probes(model: SimCLR, data: Dataset, layers: Sequence[int] | None = None) -> list[float]:
    """Linear-probe test accuracy of the pixels and of every layer of ``model`` (the
    guillotine), or of the entries ``layers`` of that list (0: pixels, 3: H, -1: Z)."""
    model = model.cpu().eval()
    with torch.no_grad():
        train = [data.x] + [h.numpy() for h in model.layers(torch.as_tensor(data.x, dtype=torch.float32))]
        test = [data.x_test] + [h.numpy() for h in model.layers(torch.as_tensor(data.x_test, dtype=torch.float32))]
    chosen = range(len(train)) if layers is None else layers
    return [linear_probe_accuracy(train[i], data.y, test[i], data.y_test) for i in chosen]


def embedding(model: SimCLR, x: np.ndarray) -> np.ndarray:
    """Z (n, out_dim) of signals x (n, length)."""
    with torch.no_grad():
        return model.cpu().eval()(torch.as_tensor(x, dtype=torch.float32)).numpy()


VARIANTS = {"default": 1, "deep": 3, "none": None}  # projector hidden layers: the authors' three models


def chapter_computation(settings, device: str):
    """The chapter's computation for ``Run.compute``: (config, fn). ``fn`` trains every
    projector variant for every seed and returns, per variant, the layer names, the
    linear probes of every layer (seeds, layers) and the training history; for the
    default variant also Z of a subsample before and after training (seed 0, as t-SNE
    maps) and each class's silhouette in Z on the training set (seeds, 10); and the
    pixel-space kNN accuracy."""
    config = {"settings": settings}

    def compute():
        data = make_dataset(num_samples=settings.n_samples)
        train = ContrastiveConfig(epochs=settings.epochs, eval_every=settings.eval_every)
        pick = np.random.default_rng(0).permutation(len(data.y))[: settings.tsne_samples]
        variants = []
        for name, hidden in VARIANTS.items():
            make = lambda hidden=hidden: SimCLR(hidden)  # noqa: E731
            models, history = train_contrastive(make, data, train, settings.seeds, device,
                                                desc=f"SimCLR, {name} projector")
            row = {"variant": name, "layers": layer_names(models[0]), "probes": [layer_probes(m, data) for m in models],
                   "history": {k: v.tolist() for k, v in history.items()}}
            if name == "default":
                before = embedding(init_model(make, settings.seeds[0]), data.x[pick])
                row["tsne_before"] = cosine_tsne(before).tolist()
                row["tsne_after"] = cosine_tsne(embedding(models[0], data.x[pick])).tolist()
                row["tsne_y"] = data.y[pick].tolist()
                row["class_silhouette"] = [class_silhouettes(embedding(m, data.x), data.y).tolist() for m in models]
            variants.append(row)
        return {"variants": variants, "pixel_knn": knn_probe_accuracy(data.x, data.y, data.x_test, data.y_test)}

    return config, compute


def head_configs(settings) -> list[dict]:
    """The projection-head study: the default head (1 hidden layer of 125, Z of 16) and
    every variation of one of its depth, width or output size."""
    base = {"hidden": 1, "width": 125, "out_dim": 16}
    configs = [base] + [{**base, "hidden": d} for d in settings.head_depths if d != 1]
    configs += [{**base, "width": w} for w in settings.head_widths if w != 125]
    configs += [{**base, "out_dim": o} for o in settings.head_out_dims if o != 16]
    return configs


# What the head study depends on, of the section's settings (the chapter's seeds are not)
HEAD_FIELDS = ("n_samples", "head_epochs", "head_seeds")


def head_computation(settings, device: str):
    """The projection-head study for ``Run.compute``: (config, fn); ``fn`` trains every
    head of ``head_configs`` for every head seed and returns one row per head: its
    settings and the linear probes of H (before the head) and Z (after), (seeds,)."""
    configs = head_configs(settings)
    config = {"settings": {f: getattr(settings, f) for f in HEAD_FIELDS}, "heads": configs}

    def compute():
        data = make_dataset(num_samples=settings.n_samples)
        train = ContrastiveConfig(epochs=settings.head_epochs, eval_every=settings.head_epochs)
        rows = []
        for head in configs:
            models, _ = train_contrastive(lambda: SimCLR(**head), data, train, settings.head_seeds, device,
                                          desc=f"head {head}")
            probes = [layer_probes(m, data, layers=(3, -1)) for m in models]
            rows.append({**head, "before_head": [p[0] for p in probes], "after_head": [p[1] for p in probes]})
        return rows

    return config, compute
