"""Measure what the notebooks not yet recorded would cost at the paper's settings.

    .venv/bin/python tools/record_cost.py [--threads 1]

Times the unit the record stores on its own for each notebook, at the paper profile's
settings, on this machine, and multiplies it by the number of such units (read from the
library and ``profiles.paper``):

- the activation ablations: one metalearning run (301 outer steps of a 301-step unroll,
  timed from 3 outer steps after a warm-up) per ablated value, at 128 hidden units;
- the lottery ablations: one group (every trial and both criteria stacked, as the record
  runs them), its ``ablation_rounds`` pruning rounds of 1501 steps, timed from one round.

Writes ``results/paper/costs.json``, which the status page shows beside the notebooks that
have no record yet (with the units the record has already stored, which are measured in
full). Also records the load average, since this machine's timings move with load.
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

    data = m1.metalearn_afunc.afunc_data(afunc)
    def outer_steps(n: int) -> float:
        return seconds(lambda: m1.metalearn_afunc.learn([m1.metalearn_afunc.base_config(afunc, outer_steps=n)],
                                                        data, "cpu"))

    outer_steps(1)  # warm-up: the first call also builds and caches
    outer_step = outer_steps(3) / 3
    per_run = outer_step * afunc.ablation_outer_steps

    steps = 150
    search = m1.lottery.search_config(lottery, (0.0,), steps)  # one round, every trial and criterion
    lottery_data = m1.data.make_dataset()
    round_s = seconds(lambda: m1.lottery.search(lottery_data, search, "cpu", progress=False)) \
        * lottery.ablation_steps / steps
    per_group = round_s * len(lottery.ablation_rounds)

    afunc_units = {"metalearn_afunc_mu": ("mu value", len(afunc.mus)),
                   "metalearn_afunc_noise": ("noise level", len(afunc.noise_levels)),
                   "metalearn_afunc_hidden": ("hidden size (timed at 128 units; 200 costs more)",
                                              len(afunc.hidden_sizes))}
    costs = {name: {"per": per, "units": n, "seconds": per_run,
                    "unit": f"one outer step {outer_step:.1f} s x {afunc.ablation_outer_steps}"}
             for name, (per, n) in afunc_units.items()}
    counted = set()  # a group with the config of one counted before (the shared baseline) is computed once
    for ablation in m1.lottery.ABLATIONS:
        configs = {json.dumps(m1.results.to_jsonable(config), sort_keys=True)
                   for config, _ in m1.lottery.ablation_computations(lottery, ablation, "cpu").values()}
        costs[f"lottery_{ablation}"] = {
            "per": f"group ({len(lottery.trials)} trials x 2 criteria stacked; the baseline group shared)",
            "units": len(configs - counted), "seconds": per_group,
            "unit": f"one round of {lottery.ablation_steps} steps {round_s:.0f} s x {len(lottery.ablation_rounds)}"}
        counted |= configs
    load = os.getloadavg()[0]
    doc = {"measured": datetime.now(timezone.utc).isoformat(timespec="seconds"), "threads": args.threads,
           "device": m1.results.device_description("cpu"), "load_average_1min": round(load, 2),
           "git_commit": m1.results.git_commit(), "notebooks": costs}
    m1.files.atomic_write_text(m1.results.results_dir("paper") / "costs.json", json.dumps(doc, indent=1) + "\n")
    for name, c in costs.items():
        print(f"{name:<24} {c['units']} x {c['seconds'] / 3600:.2f} CPU-h per {c['per']} ({c['unit']})")
    print(f"load average while measuring: {load:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
