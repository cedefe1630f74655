"""Time and graph memory of one outer metalearning step: ours against the authors' loop, in one run.

    python benchmarks/bench_metalearn.py [--inner-steps 301] [--members 7] [--device cpu]

One outer step is one unroll of the inner training run plus the meta-gradient through
it. The straightforward implementation is the authors' notebook: one flattened
parameter vector per model, sliced at every step, and one model after the other. It
is written out here (``authors_outer_step``). Three workloads:

* the activation chapter (Fig. 7): MLP 40-128-10, RMSprop, hidden noise, a 1-100-1
  meta-MLP, ``--inner-steps`` inner steps: authors' loop, ours, and ours with
  checkpointing every 20 steps;
* a mu ablation: ``--members`` RMSprop decays, one after the other in the authors'
  loop, one stack in ours (what the notebooks do on a GPU) and one by one in ours (what
  they do on a CPU);
* the learning-rate chapter (Fig. 6): both starts times 3 seeds (6 members, MLP 40-50-10,
  SGD, 200 inner steps), one after the other against one stack.

Times are the best of two runs after a warm-up. Memory is the largest autograd graph
held at once (``metalearn.graph_memory``: the bytes autograd saves for the backward
pass, each storage counted once), in MB, measured in the warm-up run.
"""
from __future__ import annotations

import argparse
from dataclasses import replace

import torch
import torch.nn.functional as F

import mnist1d_lib as m1
from timing import timed  # benchmarks/timing.py (scripts run from this folder's path)

ml, la = m1.metalearn, m1.learned_activation


def authors_outer_step(config: ml.MetalearnConfig, meta: list[torch.Tensor], data, learned: str,
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


def measure(fn, memory: bool = True) -> tuple[float, float]:
    """Seconds of ``fn()`` (best of two, after a warm-up run that also measures the
    peak autograd graph, in MB, unless ``memory`` is False: the meter's hooks cost time)."""
    if memory:
        with ml.graph_memory() as meter:
            fn()
    else:
        fn()
    return min(timed(fn), timed(fn)), meter.peak_bytes / 1e6 if memory else float("nan")


def ours_outer_step(configs: list[ml.MetalearnConfig], meta, make_inner, data, device) -> None:
    stack = ml.Stack(configs, device)
    leaves = [p.detach().to(device).requires_grad_() for p in meta]
    ml.meta_gradient(stack.init_params(0), leaves, stack, make_inner, data, 0)


def row(name: str, seconds: float, mb: float, reference: float | None = None) -> None:
    ratio = f"   speed-up vs authors: {reference / seconds:5.2f}x" if reference else ""
    print(f"{name:<44} {seconds:8.2f} s {mb:10.1f} MB{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inner-steps", type=int, default=301)
    parser.add_argument("--members", type=int, default=7)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = m1.train.resolve_device(args.device)
    steps = args.inner_steps
    afunc = replace(ml.ACTIVATION_CONFIG, inner_steps=steps, meta_loss_last=min(200, steps))
    data = m1.data.make_dataset(num_samples=10000)
    meta = la.init_activation_params([0])
    unstacked = [p[0].to(device).requires_grad_() for p in meta]

    print(f"one outer step, {steps} inner steps, on {device} ({torch.get_num_threads()} threads)")
    print("activation chapter (40-128-10, RMSprop, noise):")
    t_authors, mb = measure(lambda: authors_outer_step(afunc, unstacked, data, "activation", device))
    row("  authors' loop", t_authors, mb)
    row("  ours", *measure(lambda: ours_outer_step([afunc], meta, la.inner_learned_activation, data, device)),
        t_authors)
    every = min(20, steps)
    row(f"  ours, checkpoint every {every}",
        *measure(lambda: ours_outer_step([replace(afunc, checkpoint_every=every)], meta,
                                         la.inner_learned_activation, data, device)), t_authors)

    mus = [round(0.3 + 0.1 * i, 2) for i in range(args.members)]
    print(f"mu ablation, {len(mus)} members:")
    t_seq = sum(measure(lambda mu=mu: authors_outer_step(replace(afunc, mu=min(mu, 1.0)), unstacked, data,
                                                         "activation", device), memory=False)[0] for mu in mus)
    row(f"  authors' loop x {len(mus)}", t_seq, float("nan"))
    configs = ml.member_configs(afunc, mu=[min(mu, 1.0) for mu in mus])
    stacked_meta = la.init_activation_params([0] * len(mus))
    row("  ours, one stack", *measure(lambda: ours_outer_step(configs, stacked_meta, la.inner_learned_activation,
                                                              data, device)), t_seq)
    t_ours_seq = sum(measure(lambda c=c: ours_outer_step([c], meta, la.inner_learned_activation, data, device),
                             memory=False)[0] for c in configs)
    row("  ours, one by one (the notebooks on a CPU)", t_ours_seq, float("nan"), t_seq)

    lr_base = replace(ml.MetalearnConfig(), inner_steps=min(200, steps))
    lr_configs = ml.member_configs(lr_base, inner_lr=[0.15, 1.5], seed=[0, 1, 2])
    lr_data = m1.data.make_dataset()
    print(f"learning-rate chapter, {len(lr_configs)} members:")
    t_seq = sum(measure(lambda c=c: authors_outer_step(c, [torch.tensor(c.inner_lr, requires_grad=True)], lr_data,
                                                       "lr", device), memory=False)[0] for c in lr_configs)
    row(f"  authors' loop x {len(lr_configs)}", t_seq, float("nan"))
    lrs = [torch.tensor([c.inner_lr for c in lr_configs])]
    row("  ours, one stack", *measure(lambda: ours_outer_step(lr_configs, lrs, ml.inner_learned_lr, lr_data,
                                                              device)), t_seq)


if __name__ == "__main__":
    main()
