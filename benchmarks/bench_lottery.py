"""Speed of the stacked ticket search against the authors' one-model loop, measured in one run.

    python benchmarks/bench_lottery.py [--rounds 2] [--steps 200] [--device cpu]

Both run the same work: ``--rounds`` pruning rounds of ``--steps`` Adam steps (batch
100) for each of the four runs of the paper's search (magnitude and random pruning,
2 trials) of the MLP 40-500-500-10. The authors' loop trains one model at a time and
applies the masks by rewriting every layer's parameters before each forward pass
(their ``SparseLinear``); ours trains the four as one masked stack
(``lottery.search``). The script prints both times, their ratio, and both
extrapolated to the paper's schedule (100 rounds of 1501 steps).
"""
from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F
from torch import nn

import mnist1d_lib as m1
from timing import timed  # benchmarks/timing.py (scripts run from this folder's path)

PAPER_ROUNDS, PAPER_STEPS, RUNS = 100, 1501, 4


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


def authors_round(data, steps: int, sparsity: float, seed: int, device, eval_every: int = 100) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = m1.train.resolve_device(args.device)
    data = m1.data.make_dataset()
    schedule = tuple(m1.profiles.PAPER_SPARSITY[r] for r in range(args.rounds))
    config = m1.lottery.SearchConfig(schedule=schedule, train=m1.train.TrainConfig(
        steps=args.steps, lr=2e-2, eval_every=args.steps))
    print(f"{RUNS} runs x {args.rounds} rounds x {args.steps} steps on "
          f"{m1.results.device_description(args.device)}, {torch.get_num_threads()} threads, torch {torch.__version__}")
    authors_round(data, 5, 0.5, 0, device)  # warm-up
    authors = timed(lambda: [authors_round(data, args.steps, s, run, device) for s in schedule for run in range(RUNS)])
    ours = timed(lambda: m1.lottery.search(data, config, args.device, progress=False))
    scale = PAPER_ROUNDS * PAPER_STEPS / (args.rounds * args.steps)
    print(f"authors' one-model loop: {authors:8.1f} s  -> paper schedule {authors * scale / 60:6.1f} min")
    print(f"stacked masked search:   {ours:8.1f} s  -> paper schedule {ours * scale / 60:6.1f} min")
    print(f"speed-up: {authors / ours:.2f}x")


if __name__ == "__main__":
    main()
