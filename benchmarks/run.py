"""Speed of every chapter's training engine against the authors' way, side by side in one run.

    python benchmarks/run.py [--quick] [--json] [--device cpu|cuda] [--seeds N] [--only NAME ...]

Per workload it times the authors' way (``authors.py``: one model at a time, their
batching and evaluation cadence) and ours (the library's stacked trainers) on the same
work, and prints both, their ratio, our GFLOP/s (FLOPs counted by torch's
``FlopCounterMode`` on the same work) and its fraction of this machine's measured fp32
matmul peak. ``--quick`` shrinks every workload to finish within about a minute;
``--json`` prints the rows as one JSON list (``workload``, ``authors_s``, ``ours_s``,
``ratio``, ``gflops``, ``peak_fraction``). ``--seeds`` sets the seeds of the classification and
double-descent workloads (default 3; the record stacks 20 seeds for Table 1): the authors
train them one after another, we stack them. Timings are measurements, never asserted.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import authors  # noqa: E402  (benchmarks/authors.py)

import mnist1d_lib as m1  # noqa: E402


def timed(fn) -> float:
    """Seconds that ``fn()`` takes (waiting for CUDA kernels, if any, to finish)."""
    start = time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start


def flops(fn) -> float:
    """FLOPs of ``fn()`` (matmuls and convolutions, forward and backward), counted by torch."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return float(counter.get_total_flops())


def matmul_peak(device: torch.device, n: int = 1024, repeats: int = 10) -> float:
    """Measured fp32 matmul rate of this machine at its current threads, FLOP/s (best of three)."""
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    a @ b
    best = min(timed(lambda: [a @ b for _ in range(repeats)]) for _ in range(3))
    return 2 * n ** 3 * repeats / best


def workloads(quick: bool, device: str, n_seeds: int = 3):
    """(name, authors' way, ours) for every chapter's engine, sized for ``quick`` or full runs,
    with ``n_seeds`` seeds per classification model and per double-descent width."""
    data = m1.data.make_dataset()
    seeds = list(range(n_seeds))
    steps = 100 if quick else 2000
    out = []
    for model in ("mlp", "cnn", "gru"):
        make = lambda model=model: m1.models.build_model(model)  # noqa: E731
        config = m1.train.TrainConfig(steps=steps, eval_every=250 if steps >= 250 else steps)
        out.append((f"classification {model}, {len(seeds)} seeds x {steps} steps",
                    lambda make=make: [authors.classification_loop(make, data, steps, s) for s in seeds],
                    lambda make=make, config=config: m1.train.train_many(make, data, config, seeds, device,
                                                                         progress=False)))
    dd = m1.profiles.get_profile("paper").double_descent
    dd_data = m1.double_descent.double_descent_data(dd.n_train, dd.n_test)
    epochs = 1 if quick else 5
    members = m1.double_descent.chapter_members(replace(dd, seeds=tuple(seeds)))
    schedule = m1.double_descent.sweep_config(epochs, epochs, dd.n_train)
    for arch in ("mlp", "cnn"):
        group = members[arch] if not quick else members[arch][::8]
        out.append((f"double descent {arch} sweep, {len(group)} models x {epochs} epochs",
                    lambda group=group: [authors.double_descent_loop(m, dd_data, epochs) for m in group],
                    lambda group=group: m1.double_descent.train_sweep(group, dd_data, schedule, device, False)))
    afunc = m1.profiles.get_profile("paper").metalearn_afunc
    config = m1.metalearn_afunc.base_config(afunc, outer_steps=1)
    config = replace(config, inner_steps=30 if quick else config.inner_steps,
                     meta_loss_last=20 if quick else config.meta_loss_last)
    meta = [p[0] for p in m1.learned_activation.init_activation_params([0])]
    afunc_data = m1.metalearn_afunc.afunc_data(afunc)
    out.append((f"metalearn activation, one outer step of {config.inner_steps} inner steps",
                lambda: authors.metalearn_outer_step(config, [p.detach().requires_grad_() for p in meta], afunc_data,
                                                     "activation", torch.device("cpu")),
                lambda: m1.metalearn_afunc.learn([config], afunc_data, device)))
    rounds, round_steps = 2, (30 if quick else 200)
    sparsities = tuple(m1.profiles.PAPER_SPARSITY[r] for r in range(rounds))
    search = m1.lottery.SearchConfig(schedule=sparsities, train=m1.train.TrainConfig(
        steps=round_steps, lr=2e-2, eval_every=round_steps))
    out.append((f"lottery search, 4 runs x {rounds} rounds x {round_steps} steps",
                lambda: [authors.lottery_round(data, round_steps, s, run, torch.device("cpu"))
                         for s in sparsities for run in range(4)],
                lambda: m1.lottery.search(data, search, device, progress=False)))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workloads: about a minute in all")
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON list")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per classification model and DD width")
    parser.add_argument("--only", nargs="*", default=None, help="workloads whose name starts with one of these")
    args = parser.parse_args(argv)
    device = m1.train.resolve_device(args.device)
    peak = matmul_peak(device)
    rows = []
    for name, theirs, ours in workloads(args.quick, str(device), args.seeds):
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        start = time.perf_counter()
        authors_s, ours_s = timed(theirs), timed(ours)
        count = flops(ours)
        print(f"{name}: measured in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        rows.append({"workload": name, "authors_s": round(authors_s, 3), "ours_s": round(ours_s, 3),
                     "ratio": round(authors_s / ours_s, 2), "gflops": round(count / ours_s / 1e9, 2),
                     "peak_fraction": round(count / ours_s / peak, 4)})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{m1.results.device_description(str(device))}, torch {torch.__version__}; measured fp32 matmul peak "
          f"{peak / 1e9:.0f} GFLOP/s")
    print(f"{'workload':<62} {'authors (s)':>11} {'ours (s)':>9} {'ratio':>6} {'GFLOP/s':>8} {'of peak':>8}")
    for r in rows:
        print(f"{r['workload']:<62} {r['authors_s']:>11.2f} {r['ours_s']:>9.2f} {r['ratio']:>5.2f}x "
              f"{r['gflops']:>8.1f} {100 * r['peak_fraction']:>7.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
