"""Measure what the notebooks not yet recorded would cost at the paper's settings, per seed.

    .venv/bin/python tools/record_cost.py [--threads 1]

Times the unit that dominates each one at the paper profile's settings, on this machine,
and scales it by the schedule (read from ``profiles.paper``):

- the activation chapter and its ablations: one outer step (a 301-step unroll) per
  metalearning run;
- the lottery chapter and its ablations: one pruning round of 1501 steps for one trial
  (its two pruning criteria stacked), plus, for the chapter, the retraining steps.

Writes ``results/paper/costs.json``, which the status page shows beside the notebooks that
have no record yet. Also records how many other processes were using the CPU, since this
machine's timings move with load.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime, timezone

import torch

import mnist1d_lib as m1


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    paper = m1.profiles.get_profile("paper")
    afunc, lottery = paper.metalearn_afunc, paper.lottery

    config = m1.metalearn_afunc.base_config(afunc, outer_steps=2)
    data = m1.metalearn_afunc.afunc_data(afunc)
    outer_step = seconds(lambda: m1.metalearn_afunc.learn([config], data, "cpu")) / 2

    lottery_data = m1.data.make_dataset()
    steps = 150
    search = m1.lottery.SearchConfig(schedule=(0.0,), trials=(0,), train=m1.train.TrainConfig(
        steps=steps, lr=lottery.lr, eval_every=steps))
    round_s = seconds(lambda: m1.lottery.search(lottery_data, search, "cpu", progress=False)) * lottery.round_steps / steps
    per_trial_search = round_s * len(lottery.rounds)
    per_trial_ablation = round_s * len(lottery.ablation_rounds)

    costs = {
        "metalearn_afunc": {"per": "metalearning seed", "seconds": outer_step * afunc.outer_steps,
                            "unit": f"one outer step {outer_step:.1f} s"},
        "metalearn_afunc_mu": {"per": "mu value", "seconds": outer_step * afunc.ablation_outer_steps,
                               "unit": f"one outer step {outer_step:.1f} s"},
        "metalearn_afunc_noise": {"per": "noise level", "seconds": outer_step * afunc.ablation_outer_steps,
                                  "unit": f"one outer step {outer_step:.1f} s (at 128 hidden units)"},
        "metalearn_afunc_hidden": {"per": "hidden size (at 128 units; wider costs more)",
                                   "seconds": outer_step * afunc.hidden_outer_steps,
                                   "unit": f"one outer step {outer_step:.1f} s"},
        "lottery": {"per": "trial (search of both criteria; retraining not included)", "seconds": per_trial_search,
                    "unit": f"one round of {lottery.round_steps} steps {round_s:.0f} s"},
        **{name: {"per": "trial and setting", "seconds": per_trial_ablation,
                  "unit": f"one round of {lottery.ablation_steps} steps {round_s:.0f} s"}
           for name in ("lottery_init", "lottery_lr", "lottery_perturbation", "lottery_schedule")},
    }
    load = os.getloadavg()[0]
    doc = {"measured": datetime.now(timezone.utc).isoformat(timespec="seconds"), "threads": args.threads,
           "device": m1.results.device_description("cpu"), "load_average_1min": round(load, 2),
           "git_commit": m1.results.git_commit(), "notebooks": costs}
    m1.files.atomic_write_text(m1.results.results_dir("paper") / "costs.json", json.dumps(doc, indent=1) + "\n")
    for name, c in costs.items():
        print(f"{name:<24} {c['seconds'] / 3600:6.2f} CPU-h per {c['per']} ({c['unit']})")
    print(f"load average while measuring: {load:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
