"""Many independent models of one architecture as a single module.

``stack_models`` turns K models into one whose parameters carry a leading member
axis (K, *shape) and whose forward pass maps x (K, batch, ...) to (K, batch, ...)
with batched matmuls (``baddbmm``) and grouped convolutions. One optimiser step
on the stacked module updates all members at once, with a fraction of the
Python overhead of K separate loops, which dominates for models this small.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn


class StackedLinear(nn.Module):
    """K ``nn.Linear`` layers: weight (K, out, in), bias (K, out); x (K, batch, in)."""

    def __init__(self, layers: list[nn.Linear]):
        super().__init__()
        self.weight = nn.Parameter(torch.stack([l.weight.detach() for l in layers]))
        self.bias = nn.Parameter(torch.stack([l.bias.detach() for l in layers]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3:
            raise ValueError(f"stacked input must be (members, batch, features), got {tuple(x.shape)}")
        return torch.baddbmm(self.bias.unsqueeze(1), x, self.weight.transpose(1, 2))


class StackedConv1d(nn.Module):
    """K ``nn.Conv1d`` layers; x (K, batch, c_in, length) -> (K, batch, c_out, length').

    Computed as patches times weights with one batched matmul, which on a CPU is
    faster for these tiny layers than a grouped convolution."""

    def __init__(self, layers: list[nn.Conv1d]):
        super().__init__()
        first = layers[0]
        if first.groups != 1 or first.padding_mode != "zeros" or first.dilation != (1,):
            raise NotImplementedError("only ungrouped, undilated, zero-padded convolutions can be stacked")
        self.stride, self.padding = first.stride[0], first.padding[0]
        self.weight = nn.Parameter(torch.stack([l.weight.detach() for l in layers]))  # (K, out, in, k)
        self.bias = nn.Parameter(torch.stack([l.bias.detach() for l in layers]))  # (K, out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        members, batch, c_in, _ = x.shape
        k = self.weight.shape[-1]
        patches = F.pad(x, (self.padding, self.padding)).unfold(-1, k, self.stride)  # (K, batch, c_in, L', k)
        out_len = patches.shape[3]
        patches = patches.transpose(2, 3).reshape(members, batch * out_len, c_in * k)
        out = torch.baddbmm(self.bias.unsqueeze(1), patches, self.weight.flatten(2).transpose(1, 2))  # (K, batch*L', out)
        return out.view(members, batch, out_len, -1).transpose(2, 3)


class StackedParameters(nn.Module):
    """The parameters of K copies of a layer, stacked, under the layer's own names.
    It has no forward: the parent model reads them (see ``models.GRU``)."""

    def __init__(self, layers: list[nn.Module]):
        super().__init__()
        for name, _ in layers[0].named_parameters():
            self.register_parameter(name, nn.Parameter(torch.stack([getattr(l, name).detach() for l in layers])))


STACKED_LAYERS = {nn.Linear: StackedLinear, nn.Conv1d: StackedConv1d, nn.GRU: StackedParameters}


def stack_models(models: list[nn.Module]) -> nn.Module:
    """One module holding ``models`` (same architecture) along a leading member axis.

    Every parametrised layer must be an ``nn.Linear``, ``nn.Conv1d`` or ``nn.GRU``;
    the model's forward must accept a leading member axis (the models in
    ``models.py`` do). Parameter names are unchanged, so ``unstack_model`` can
    copy member k back into a plain model.
    """
    stacked = copy.deepcopy(models[0])
    for name, layer in models[0].named_modules():
        if not any(True for _ in layer.parameters(recurse=False)):
            continue
        kind = STACKED_LAYERS.get(type(layer))
        if kind is None:
            raise NotImplementedError(f"cannot stack layer {name!r} of type {type(layer).__name__}")
        parent_name, _, attr = name.rpartition(".")
        parent = stacked.get_submodule(parent_name) if parent_name else stacked
        setattr(parent, attr, kind([m.get_submodule(name) for m in models]))
    return stacked


def unstack_model(stacked: nn.Module, k: int, template: nn.Module) -> nn.Module:
    """A plain copy of ``template`` carrying member ``k``'s parameters of ``stacked``."""
    model = copy.deepcopy(template)
    stacked_params = dict(stacked.named_parameters())
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(stacked_params[name][k])
    return model
