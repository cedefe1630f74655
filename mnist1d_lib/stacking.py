"""Many independent models of one architecture as a single module.

``stack_models`` turns K models into one whose parameters carry a leading member
axis (K, *shape) and whose forward pass maps x (K, batch, ...) to (K, batch, ...)
with batched matmuls (``baddbmm``) and grouped convolutions. One optimiser step
on the stacked module updates all members at once, with a fraction of the
Python overhead of K separate loops, which dominates for models this small.

Members may differ in width (``pad=True``): each parameter is then stored in the
top-left corner of a zero tensor of the largest member's shape. For ReLU networks
this is exact: a padded unit has zero weights and bias, so its pre-activation is
0, ReLU gives 0, and ReLU's gradient at 0 is 0, so no gradient ever reaches the
padding and it stays zero under SGD, momentum, Adam and weight decay.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn


def stack_padded(tensors: list[torch.Tensor]) -> torch.Tensor:
    """(K, *largest shape): tensor k in the top-left corner of zeros."""
    shape = tuple(max(sizes) for sizes in zip(*(t.shape for t in tensors)))
    out = tensors[0].new_zeros((len(tensors), *shape))
    for k, t in enumerate(tensors):
        out[k][tuple(slice(0, n) for n in t.shape)] = t.detach()
    return out


class StackedLinear(nn.Module):
    """K ``nn.Linear`` layers: weight (K, out, in), bias (K, out); x (K, batch, in)."""

    def __init__(self, layers: list[nn.Linear]):
        super().__init__()
        self.weight = nn.Parameter(stack_padded([l.weight for l in layers]))
        self.bias = nn.Parameter(stack_padded([l.bias for l in layers]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3:
            raise ValueError(f"stacked input must be (members, batch, features), got {tuple(x.shape)}")
        return torch.baddbmm(self.bias.unsqueeze(1), x, self.weight.transpose(1, 2))


class StackedConv1d(nn.Module):
    """K ``nn.Conv1d`` layers; x (K, batch, c_in, length) -> (K, batch, c_out, length').

    Computed as patches times weights with one batched matmul: the patches are
    gathered channels-last, (K, batch * length', k * c_in), whose backward pass is
    cheaper on a CPU than that of ``unfold`` or of a grouped convolution."""

    def __init__(self, layers: list[nn.Conv1d]):
        super().__init__()
        first = layers[0]
        if first.groups != 1 or first.padding_mode != "zeros" or first.dilation != (1,):
            raise NotImplementedError("only ungrouped, undilated, zero-padded convolutions can be stacked")
        self.stride, self.padding = first.stride[0], first.padding[0]
        self.weight = nn.Parameter(stack_padded([l.weight for l in layers]))  # (K, out, in, k)
        self.bias = nn.Parameter(stack_padded([l.bias for l in layers]))  # (K, out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        members, batch, c_in, length = x.shape
        k = self.weight.shape[-1]
        out_len = (length + 2 * self.padding - k) // self.stride + 1
        taps = (torch.arange(out_len, device=x.device)[:, None] * self.stride
                + torch.arange(k, device=x.device)).flatten()  # (length' * k,) input positions
        padded = F.pad(x, (self.padding, self.padding)).transpose(2, 3)  # (K, batch, length + 2 pad, c_in)
        patches = padded[:, :, taps].reshape(members, batch * out_len, k * c_in)
        weight = self.weight.permute(0, 3, 2, 1).reshape(members, k * c_in, -1)  # (K, k * c_in, out)
        out = torch.baddbmm(self.bias.unsqueeze(1), patches, weight)  # (K, batch * length', out)
        return out.view(members, batch, out_len, -1).transpose(2, 3)


class StackedParameters(nn.Module):
    """The parameters of K copies of a layer, stacked, under the layer's own names.
    It has no forward: the parent model reads them (see ``models.GRU``)."""

    def __init__(self, layers: list[nn.Module]):
        super().__init__()
        for name, _ in layers[0].named_parameters():
            self.register_parameter(name, nn.Parameter(stack_padded([getattr(l, name) for l in layers])))


STACKED_LAYERS = {nn.Linear: StackedLinear, nn.Conv1d: StackedConv1d, nn.GRU: StackedParameters}


def _largest_member(models: list[nn.Module], pad: bool) -> nn.Module:
    """The member whose every parameter is at least as large as the others'."""
    shapes = [{n: tuple(p.shape) for n, p in m.named_parameters()} for m in models]
    if any(s.keys() != shapes[0].keys() for s in shapes):
        raise ValueError("stacked models must have the same architecture (parameter names differ)")
    if all(s == shapes[0] for s in shapes):
        return models[0]
    if not pad:
        raise ValueError("stacked models differ in parameter shapes: pass pad=True to zero-pad them "
                         "(exact for ReLU networks only)")
    for m, s in zip(models, shapes):
        if all(all(a >= b for a, b in zip(s[n], other[n])) for other in shapes for n in s):
            return m
    raise ValueError("no member is the largest in every parameter: cannot zero-pad these models")


def stack_models(models: list[nn.Module], pad: bool = False) -> nn.Module:
    """One module holding ``models`` (same architecture) along a leading member axis.

    Every parametrised layer must be an ``nn.Linear``, ``nn.Conv1d`` or ``nn.GRU``;
    the model's forward must accept a leading member axis (the models in
    ``models.py`` do). Buffers of the models (e.g. ``PlainMLP``'s dropout rate) are
    stacked too. With ``pad=True`` the members may differ in width: they are
    zero-padded to the largest (see the module docstring; not for the GRU, whose
    gates are not zero at zero). Parameter names are unchanged, so
    ``unstack_model`` can copy member k back into a plain model.
    """
    largest = _largest_member(models, pad)
    padded = any(p.shape != q.shape for m in models
                 for p, q in zip(m.parameters(), largest.parameters()))
    stacked = copy.deepcopy(largest)
    for name, layer in largest.named_modules():
        if not any(True for _ in layer.parameters(recurse=False)):
            continue
        kind = STACKED_LAYERS.get(type(layer))
        if kind is None:
            raise NotImplementedError(f"cannot stack layer {name!r} of type {type(layer).__name__}")
        if padded and kind is StackedParameters:
            raise NotImplementedError(f"cannot zero-pad layer {name!r}: padding is exact for ReLU layers only")
        parent_name, _, attr = name.rpartition(".")
        parent = stacked.get_submodule(parent_name) if parent_name else stacked
        setattr(parent, attr, kind([m.get_submodule(name) for m in models]))
    for name, _ in largest.named_buffers():
        owner_name, _, attr = name.rpartition(".")
        owner = stacked.get_submodule(owner_name) if owner_name else stacked
        owner.register_buffer(attr, torch.stack([m.get_buffer(name) for m in models]))
    return stacked


def unstack_model(stacked: nn.Module, k: int, template: nn.Module) -> nn.Module:
    """A plain copy of ``template`` carrying member ``k``'s parameters and buffers
    of ``stacked`` (cut to the template's shapes where members were padded)."""
    model = copy.deepcopy(template)
    stacked_tensors = dict(stacked.named_parameters()) | dict(stacked.named_buffers())
    with torch.no_grad():
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            t.copy_(stacked_tensors[name][k][tuple(slice(0, n) for n in t.shape)])
    return model
