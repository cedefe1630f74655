"""The authors' way of training each workload, reimplemented from their notebooks
(greydanus/mnist1d: one model at a time, their batching and evaluation cadence), as the
reference that ``run.py`` times ours against. None of their code is copied.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import mnist1d_lib as m1

ml = m1.metalearn


def classification_loop(make_model, data, steps: int, seed: int, eval_every: int = 250) -> None:
    """Their ``train_model``: Adam lr 1e-2, batches of 100 taken in order, the loss read
    back every step, test loss and train and test accuracy every ``eval_every`` steps, a
    copy of the model kept every 1000 steps; one model at a time."""
    torch.manual_seed(seed)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = torch.as_tensor(data.x, dtype=torch.float32), torch.as_tensor(data.y)
    x_test, y_test = torch.as_tensor(data.x_test, dtype=torch.float32), torch.as_tensor(data.y_test)
    kept = []
    for step in range(steps + 1):
        start = step * 100 % len(y)
        loss = F.cross_entropy(model(x[start:start + 100]), y[start:start + 100])
        loss.item()
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % eval_every == 0:
            with torch.no_grad():
                F.cross_entropy(model(x_test), y_test).item()
                (model(x).argmax(-1) == y).float().mean().item()
                (model(x_test).argmax(-1) == y_test).float().mean().item()
        if step % 1000 == 0:
            kept.append(copy.deepcopy(model))


def double_descent_loop(member: m1.double_descent.Member, data: m1.data.Dataset, epochs: int) -> None:
    """The authors' double-descent notebook: one model at a time (their ``nn.Sequential`` MLP,
    or the CNN of ``member.width`` channels), SGD lr 0.01 momentum 0.9, a shuffling
    ``DataLoader`` of batch 100, for ``epochs`` epochs, then train and test loss and error
    on the whole sets once, at the end (their ``fit_model``)."""
    torch.manual_seed(member.seed)
    n = member.width
    model = (nn.Sequential(nn.Linear(40, n), nn.ReLU(), nn.Linear(n, n), nn.ReLU(), nn.Linear(n, 10))
             if member.architecture == "mlp" else member.build())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.tensor(data.x, dtype=torch.float32)
    y = torch.tensor(member.labels(data.y))
    loader = DataLoader(TensorDataset(x, y), batch_size=100, shuffle=True)
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
    x_test, y_test = torch.tensor(data.x_test, dtype=torch.float32), torch.tensor(data.y_test)
    for xs, ys in ((x, y), (x_test, y_test)):  # their evaluation keeps the graph (no torch.no_grad)
        logits = model(xs)
        nn.functional.cross_entropy(logits, ys).item(), (logits.argmax(1) != ys).float().mean().item()


class AuthorsSparseMLP(nn.Module):
    """The authors' masked MLP: one mask vector per layer over its weight and bias,
    applied by overwriting the parameters before every forward pass."""

    def __init__(self, hidden: int = 500):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(40, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, 10)])
        self.masks = [torch.ones(sum(p.numel() for p in layer.parameters())) for layer in self.layers]

    def apply_masks(self) -> None:
        for layer, mask in zip(self.layers, self.masks):
            vector = torch.cat([p.flatten() for p in layer.parameters()]) * mask
            start = 0
            for p in layer.parameters():
                p.data = vector[start:start + p.numel()].reshape(p.shape).data
                start += p.numel()

    def forward(self, x):
        self.apply_masks()
        h = self.layers[0](x).relu()
        h = h + self.layers[1](h).relu()
        return self.layers[2](h)


def lottery_round(data, steps: int, sparsity: float, seed: int, device, eval_every: int = 100) -> None:
    """One pruning round of one run, the authors' way: prune by magnitude, rewind, train,
    evaluating every ``eval_every`` steps as their ``train_model`` does (test loss, train
    and test accuracy)."""
    torch.manual_seed(seed)
    model = AuthorsSparseMLP().to(device)
    model.masks = [m1.pruning.prune_mask(torch.cat([p.flatten() for p in layer.parameters()]).abs()[None],
                                         sparsity)[0].to(device) for layer in model.layers]
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    x = torch.as_tensor(data.x, dtype=torch.float32, device=device)
    y = torch.as_tensor(data.y, device=device)
    x_test = torch.as_tensor(data.x_test, dtype=torch.float32, device=device)
    y_test = torch.as_tensor(data.y_test, device=device)
    for step in range(steps):
        start = step * 100 % len(y)
        loss = F.cross_entropy(model(x[start:start + 100]), y[start:start + 100])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % eval_every == 0:
            with torch.no_grad():
                F.cross_entropy(model(x_test), y_test).item()
                (model(x).argmax(-1) == y).float().mean().item(), (model(x_test).argmax(-1) == y_test).float().mean().item()


def metalearn_outer_step(config: ml.MetalearnConfig, meta: list[torch.Tensor], data, learned: str,
                       device: torch.device) -> list[torch.Tensor]:
    """The authors' notebook, one outer step: a flattened inner MLP trained for
    ``inner_steps`` steps with the graph kept, then the meta-gradient. ``learned`` is
    "activation" (``meta``: the meta-MLP's parameters) or "lr" (``meta``: [lr])."""
    D, H, O = config.sizes
    torch.manual_seed(config.seed)
    linear1, linear2 = torch.nn.Linear(D, H), torch.nn.Linear(H, O)
    param_vec = torch.cat([p.detach().reshape(-1) for p in (linear1.weight, linear1.bias, linear2.weight,
                                                             linear2.bias)]).to(device).requires_grad_()

    def forward(x, params, afunc):
        W1 = params[:D * H].reshape(H, D)
        b1 = params[D * H:D * H + H].reshape(1, -1)
        W2 = params[D * H + H:D * H + H + H * O].reshape(O, H)
        b2 = params[D * H + H + H * O:].reshape(1, -1)
        h = afunc((W1 @ x.t()).t() + b1)
        if config.hidden_noise:
            h = h + config.hidden_noise * (2 * torch.rand(*b1.shape, device=device) - 1)
        return (W2 @ h.t()).t() + b2

    if learned == "activation":
        w1, b1, w2, b2 = meta

        def afunc(x):
            bump = torch.tanh(x.reshape(-1, 1) @ w1.t() + b1) @ w2.t() + b2
            return F.elu(x) + 0.2 * bump.reshape(x.shape)
        lr = config.inner_lr
    else:
        afunc, lr = torch.tanh, meta[0]
    x_train = torch.as_tensor(data.x, dtype=torch.float32, device=device)
    y_train = torch.as_tensor(data.y, device=device)
    avg_sq_grad, losses = torch.ones_like(param_vec), []
    for step in range(config.inner_steps):
        ix = (step * config.batch_size) % len(x_train)
        loss = F.cross_entropy(forward(x_train[ix:ix + config.batch_size], param_vec, afunc),
                               y_train[ix:ix + config.batch_size])
        grads = torch.autograd.grad(loss, param_vec, create_graph=True)[0]
        if config.optimizer == "rmsprop":
            avg_sq_grad = avg_sq_grad * config.mu + grads**2 * (1 - config.mu)
            param_vec = param_vec - lr * grads / (torch.sqrt(avg_sq_grad) + config.eps)
        else:
            param_vec = param_vec - lr * grads
        losses.append(loss)
    last = config.meta_loss_last or config.inner_steps
    return torch.autograd.grad(torch.stack(losses)[-last:].mean(), meta)

