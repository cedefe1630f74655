"""Speed of the stacked trainer against the one-model-at-a-time loop, measured in one run.

    python benchmarks/bench_train_many.py [--steps 500] [--seeds 5] [--device cpu]

For each model, trains ``--seeds`` seeds with ``train_one`` one after the other,
then all of them at once with ``train_many``, on the paper's data and schedule
(Adam, batch 100) for ``--steps`` steps, and prints the times and their ratio.
"""
from __future__ import annotations

import argparse

import torch

import mnist1d_lib as m1
from timing import timed  # benchmarks/timing.py (scripts run from this folder's path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--models", nargs="+", default=list(m1.models.MODELS))
    args = parser.parse_args()
    data = m1.data.make_dataset()
    config = m1.train.TrainConfig(steps=args.steps, eval_every=250)
    seeds = list(range(args.seeds))
    print(f"{args.seeds} seeds x {args.steps} steps on {m1.results.device_description(args.device)}, "
          f"torch {torch.__version__}")
    print(f"{'model':<9} {'one at a time (s)':>18} {'stacked (s)':>12} {'speed-up':>9}")
    total_one = total_many = 0.0
    for name in args.models:
        make = lambda: m1.models.build_model(name)  # noqa: E731
        m1.train.train_many(make, data, m1.train.TrainConfig(steps=5, eval_every=5), seeds, args.device,
                            progress=False)  # warm-up
        one = timed(lambda: [m1.train.train_one(make, data, config, s, args.device, progress=False) for s in seeds])
        many = timed(lambda: m1.train.train_many(make, data, config, seeds, args.device, progress=False))
        total_one, total_many = total_one + one, total_many + many
        print(f"{name:<9} {one:>18.1f} {many:>12.1f} {one / many:>8.2f}x")
    print(f"{'all':<9} {total_one:>18.1f} {total_many:>12.1f} {total_one / total_many:>8.2f}x")


if __name__ == "__main__":
    main()
