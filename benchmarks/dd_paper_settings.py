"""The double-descent chapter at the paper's own settings, for a machine with a GPU.

    python benchmarks/dd_paper_settings.py --device cuda --out results/gpu/double_descent_paper_settings.json

On the 2-core CPU of the book the paper's CNN sweep alone takes about an hour, so the
``full`` profile shortens it (see the differences page). This script trains what
the profile leaves out: both MLP sweeps (widths geomspace(2, 300, 20), with and
without 15 % label noise) and the CNN sweep (channels 2-28 step 2, 30-100 step 5,
15 % label noise), 500 epochs of SGD (lr 0.01, momentum 0.9, batch 100) on 4000
signals, 3 seeds, each architecture as one stacked model (on a GPU one step costs
about the same whatever the padding). It writes the final errors of every member,
the chapter's scorecard measurements read from them, the device and the time taken;
the double-descent chapter shows them beside its own when the file exists.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

import mnist1d_lib as m1
from mnist1d_lib.double_descent_analysis import chapter_measurements, final_table


def train_architecture(members, data, config, device: str) -> dict:
    """Every member in one stack: the sweep dict of ``double_descent.train_sweep``."""
    _, history = m1.train.train_many([m.build for m in members], data, config, seeds=[m.seed for m in members],
                                     device=device, y_train=np.stack([m.labels(data.y) for m in members]),
                                     desc=f"{members[0].architecture}, {len(members)} members")
    return {"members": [asdict(m) for m in members], "step": history["step"],
            **{f"{split}_err": 100.0 - history[f"{split}_acc"] for split in ("train", "test")},
            **{f"{split}_loss": history[f"{split}_loss"] for split in ("train", "test")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--max-size", type=int, default=None, help="only widths and channels up to this (tests)")
    parser.add_argument("--n-test", type=int, default=12000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    cap = args.max_size or max(m1.profiles.PAPER_MLP_WIDTHS + m1.profiles.PAPER_CNN_CHANNELS)
    settings = m1.profiles.DoubleDescentSettings(
        epochs=args.epochs, cnn_epochs=args.epochs, mlp_widths=tuple(w for w in m1.profiles.PAPER_MLP_WIDTHS if w <= cap),
        cnn_channels=tuple(c for c in m1.profiles.PAPER_CNN_CHANNELS if c <= cap), seeds=tuple(range(args.seeds)),
        eval_epochs=100, n_test=args.n_test)
    data = m1.double_descent.double_descent_data(settings.n_train, settings.n_test)
    config = m1.double_descent.sweep_config(args.epochs, settings.eval_epochs, settings.n_train)
    sweeps, seconds = {}, {}
    for arch, members in m1.double_descent.chapter_members(settings).items():
        start = time.time()
        sweeps[arch] = train_architecture(members, data, config, args.device)
        seconds[arch] = round(time.time() - start, 1)
        print(f"{arch}: {len(members)} members, {args.epochs} epochs in {seconds[arch]} s", flush=True)
    measured = chapter_measurements(final_table(sweeps["mlp"]), final_table(sweeps["cnn"]), settings.label_noise)
    doc = {"script": "benchmarks/dd_paper_settings.py", "device": m1.results.device_description(args.device),
           "torch": torch.__version__, "git_commit": m1.results.git_commit(), "settings": settings,
           "seconds": seconds, "measurements": measured,
           "final": {arch: final_table(sweep).to_dict(orient="list") for arch, sweep in sweeps.items()}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(m1.results.to_jsonable(doc), indent=1))
    print(json.dumps(m1.results.to_jsonable(measured)))


if __name__ == "__main__":
    main()
