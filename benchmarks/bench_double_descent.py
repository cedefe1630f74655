"""Speed of the double-descent sweep trainer against the authors' one-model loop, in one run.

    python benchmarks/bench_double_descent.py [--epochs 5] [--seeds 3] [--device cpu]

The workload is the chapter's full MLP sweep: the paper's 19 widths, with and
without 15 % label noise, ``--seeds`` seeds each (114 models at 3 seeds), SGD lr
0.01 momentum 0.9, batch 100, on 4000 training signals. Both ways train it for
``--epochs`` epochs and evaluate once at the end:

* one at a time: the loop of the authors' notebook (``nn.Sequential``, a shuffling
  ``DataLoader``, one model after the other);
* stacked: ``double_descent.train_sweep`` (widths grouped, all seeds and both label
  conditions of a group in one stacked model).

It prints the measured times, their ratio, and both extrapolated to the paper's 500
epochs (the cost per epoch is constant; pass ``--epochs 500`` to measure it whole).
"""
from __future__ import annotations

import argparse

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import mnist1d_lib as m1
from timing import timed  # benchmarks/timing.py (scripts run from this folder's path)

PAPER_EPOCHS = 500


def authors_loop(member: m1.double_descent.Member, data: m1.data.Dataset, epochs: int) -> float:
    """The authors' notebook: train one model for ``epochs`` epochs; returns its test error (%)."""
    torch.manual_seed(member.seed)
    n = member.width
    model = nn.Sequential(nn.Linear(40, n), nn.ReLU(), nn.Linear(n, n), nn.ReLU(), nn.Linear(n, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.tensor(data.x, dtype=torch.float32)
    y = torch.tensor(member.labels(data.y))
    loader = DataLoader(TensorDataset(x, y), batch_size=100, shuffle=True)
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
    with torch.no_grad():
        pred = model(torch.tensor(data.x_test, dtype=torch.float32)).argmax(1).numpy()
    return 100.0 * float(np.mean(pred != data.y_test))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    settings = m1.profiles.get_profile("full").double_descent
    settings = type(settings)(seeds=tuple(range(args.seeds)), mlp_widths=m1.profiles.PAPER_MLP_WIDTHS)
    members = m1.double_descent.chapter_members(settings)["mlp"]
    data = m1.double_descent.double_descent_data(settings.n_train, settings.n_test)
    config = m1.double_descent.sweep_config(args.epochs, args.epochs, settings.n_train)
    print(f"full MLP sweep: {len(members)} models ({len(settings.mlp_widths)} widths x 2 label conditions x "
          f"{args.seeds} seeds), {args.epochs} epochs, on {m1.results.device_description(args.device)}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    one = timed(lambda: [authors_loop(m, data, args.epochs) for m in members])
    many = timed(lambda: m1.double_descent.train_sweep(members, data, config, args.device, progress=False))
    scale = PAPER_EPOCHS / args.epochs
    print(f"{'':<26} {'measured (s)':>13} {'at 500 epochs (min)':>20}")
    print(f"{'one at a time (authors)':<26} {one:>13.1f} {one * scale / 60:>20.1f}")
    print(f"{'stacked (train_sweep)':<26} {many:>13.1f} {many * scale / 60:>20.1f}")
    print(f"speed-up: {one / many:.2f}x")


if __name__ == "__main__":
    main()
