"""The paper's four classifiers (authors' notebook, commit 7878d96).

Every model maps signals ``x`` (batch, length) to ``logits`` (batch, 10) and uses
PyTorch's default initialisation. The forward passes also accept a leading member
axis, x (members, batch, length), once ``stacking.stack_models`` has stacked
several models into one. Parameter counts at length 40: logistic 410,
MLP 15,210, CNN 5,210, GRU 5,134.
"""
from __future__ import annotations

import torch
from torch import nn

from .checks import check_in_range
from .data import N_CLASSES
from .gru import gru_recurrence


class Logistic(nn.Module):
    """Multinomial logistic regression: one linear layer."""

    def __init__(self, length: int = 40, n_classes: int = N_CLASSES):
        super().__init__()
        self.linear = nn.Linear(length, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


class MLP(nn.Module):
    """length -> n_hidden -> n_hidden -> 10, ReLU, with a residual second layer."""

    def __init__(self, length: int = 40, n_hidden: int = 100, n_classes: int = N_CLASSES):
        super().__init__()
        self.linear1 = nn.Linear(length, n_hidden)
        self.linear2 = nn.Linear(n_hidden, n_hidden)
        self.linear3 = nn.Linear(n_hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.linear1(x).relu()
        h = h + self.linear2(h).relu()
        return self.linear3(h)


class PlainMLP(nn.Module):
    """The double-descent MLP: length -> n_hidden (-> n_hidden)*(n_layers-1) -> 10,
    ReLU after every hidden layer, no residual (``n_layers=2`` is the paper's).

    ``dropout`` (probability of zeroing a hidden unit in training) is a buffer, so
    stacked members can each have their own rate: stacked, it has shape (members,).
    """

    def __init__(self, length: int = 40, n_hidden: int = 100, n_layers: int = 2, dropout: float = 0.0,
                 n_classes: int = N_CLASSES):
        super().__init__()
        check_in_range("n_hidden", n_hidden, 1, 10**6)
        check_in_range("n_layers", n_layers, 1, 100)
        check_in_range("dropout", dropout, 0.0, 0.95)
        widths = [length] + [n_hidden] * n_layers
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.readout = nn.Linear(n_hidden, n_classes)
        self.register_buffer("dropout", torch.tensor(float(dropout)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = 1.0 - self.dropout  # () or, stacked, (members,)
        if keep.dim():
            keep = keep[:, None, None]
        drop = self.training and bool((keep < 1).any())  # no random draws when no member drops out
        for layer in self.hidden:
            x = layer(x).relu()  # ([members,] batch, n_hidden)
            if drop:
                x = x * (torch.rand_like(x) < keep) / keep
        return self.readout(x)


class CNN(nn.Module):
    """Three 1-D convolutions (k5 s2, k3 s2, k3 s2, padding 1, ReLU) and a linear read-out."""

    def __init__(self, length: int = 40, channels: int = 25, n_classes: int = N_CLASSES):
        super().__init__()
        self.conv1 = nn.Conv1d(1, channels, 5, stride=2, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        out_len = length
        for k in (5, 3, 3):
            out_len = (out_len + 2 - k) // 2 + 1
        self.linear = nn.Linear(channels * out_len, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.unsqueeze(-2)  # ([members,] batch, 1, length)
        h = self.conv1(h).relu()
        h = self.conv2(h).relu()
        h = self.conv3(h).relu()  # ([members,] batch, channels, out_len)
        return self.linear(h.flatten(-2))


class GRU(nn.Module):
    """Bidirectional GRU (hidden 6) over the signal's 40 time steps; the hidden states
    of all steps and both directions (batch, 40 * 2 * 6) feed a linear read-out.

    The parameters are those of ``nn.GRU`` (same names, same initialisation), but the
    recurrence is written out so that many stacked models run as one (``nn.GRU``
    cannot be batched over models); a test checks it against ``nn.GRU``.
    """

    def __init__(self, length: int = 40, n_hidden: int = 6, n_classes: int = N_CLASSES):
        super().__init__()
        self.gru = nn.GRU(1, n_hidden, batch_first=True, bidirectional=True)
        self.linear = nn.Linear(2 * n_hidden * length, n_classes)

    def recurrent_states(self, x: torch.Tensor) -> torch.Tensor:
        """Hidden states ([members,] batch, length, 2 * n_hidden), as ``nn.GRU`` returns them."""
        stacked = x.dim() == 3  # parameters then carry a leading member axis too
        g = self.gru

        def both_directions(name):  # (members * 2, *shape): forward, reverse per member
            p = torch.stack([getattr(g, name), getattr(g, name + "_reverse")], dim=int(stacked))
            return p.flatten(0, 1) if stacked else p

        xs = x if stacked else x[None]  # (K, batch, length)
        xs = torch.stack([xs, xs.flip(-1)], dim=1).flatten(0, 1)  # (K * 2, batch, length): reverse runs on the flipped signal
        states = gru_recurrence(xs, both_directions("weight_ih_l0"), both_directions("weight_hh_l0"),
                                both_directions("bias_ih_l0"), both_directions("bias_hh_l0"))  # (length, K * 2, batch, H)
        states = states.unflatten(1, (-1, 2)).permute(1, 2, 3, 0, 4)  # (K, 2, batch, length, H)
        out = torch.cat([states[:, 0], states[:, 1].flip(-2)], dim=-1)  # (K, batch, length, 2H)
        return out if stacked else out[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.recurrent_states(x).flatten(-2))


MODELS = {"logistic": Logistic, "mlp": MLP, "cnn": CNN, "gru": GRU}  # the classification benchmark's


def build_model(name: str, **kwargs) -> nn.Module:
    """Instantiate a model by name (``logistic``, ``mlp``, ``cnn``, ``gru``)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}: choose one of {', '.join(MODELS)}")
    return MODELS[name](**kwargs)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
