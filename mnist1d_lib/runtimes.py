"""The paper's stated run times against ours.

The paper gives a rough cost beside each experiment ("~10 min" on a CPU for Table 1,
"~30 min on one GPU" for the lottery). Our measure is the chapter's compute time at
one CPU thread (every stored output's ``compute_s``, all attempts of a resumed run
summed), scaled to the authors' number of runs: ours / our runs x their runs, in
minutes. The claim is numeric with a tolerance of ``SLACK - 1`` times the stated time,
so it is reproduced from 0 up to ``SLACK`` times the stated time (faster is fine), and
partial up to ``SLACK + 1`` times: "about ten minutes" is an order of magnitude, and
our thread is one of a laptop's several.
The claim is measured only at the paper's settings (the ``paper`` profile: a shortened
profile says nothing about the paper's cost) and where the chapter ran on the kind of
device the paper names (a CPU run says nothing about a GPU's minutes).
"""
from __future__ import annotations

from dataclasses import dataclass

from .claims import Claim
from .profiles import PAPER

SLACK = 2.0  # ours may take up to twice the stated time


@dataclass(frozen=True)
class StatedRuntime:
    minutes: float  # the paper's rough figure
    device: str  # "cpu" or "cuda" (where the paper names none, we compare a CPU)
    runs: int  # the authors' runs behind it (seeds or trials; Table 1 states three, the notebooks show the rest)
    runs_field: str  # the profile's field that holds our runs: "<section>.<seeds or trials>"
    source: str


STATED = {  # chapter notebook -> what the paper states
    "classification": StatedRuntime(10, "cpu", 3, "classification.seeds", "Table 1 / Fig. 2: ~10 min on a CPU"),
    "lottery": StatedRuntime(30, "cuda", 2, "lottery.trials", "Fig. 4: ~30 min on one GPU"),
    "double_descent": StatedRuntime(60, "cpu", 1, "double_descent.seeds", "Fig. 5: ~60 min on a CPU"),
    "metalearn_lr": StatedRuntime(1, "cpu", 1, "metalearn_lr.seeds", "Fig. 6: ~1 min on a CPU"),
    "metalearn_afunc": StatedRuntime(60, "cpu", 1, "metalearn_afunc.meta_seeds", "Fig. 7: ~1 h on a CPU"),
    "self_supervised": StatedRuntime(5, "cpu", 1, "ssl.seeds", "Fig. 8: ~5 min, no device named"),
    "pooling": StatedRuntime(5, "cpu", 1, "pooling.seeds", "Fig. 9: ~5 min, no device named"),
}

CLAIMS = [
    Claim(f"{section}/runtime", section,
          f"The experiment's run time as the paper states it ({s.source}); ours: compute minutes "
          f"{'on one GPU' if s.device == 'cuda' else 'at one CPU thread'} per the authors' {s.runs} run(s)",
          float(s.minutes), tolerance=(SLACK - 1) * s.minutes, deterministic=True)
    for section, s in STATED.items()
]
CAUSES: dict[str, tuple[str, str]] = {}
EXPLANATIONS: dict[str, str] = {}


def minutes_per_authors_runs(section: str, outputs: dict[str, dict], our_runs: int) -> float | None:
    """Our compute minutes for ``section`` scaled to the authors' number of runs, from a
    run's outputs (each with ``compute_s`` and ``device``); None where any output ran on
    another kind of device than the paper's, or nothing was computed."""
    stated = STATED[section]
    if not outputs or any(not o["device"].startswith(stated.device) for o in outputs.values()):
        return None
    return sum(o["compute_s"] for o in outputs.values()) / 60 / our_runs * stated.runs


def measurements(section: str, outputs: dict[str, dict], profile, config: dict | None = None) -> dict[str, list]:
    """``{"<section>/runtime": [minutes]}`` where the chapter ran at the paper profile on the
    paper's kind of device, else ``{}``; ``profile``: the run's ``Profile``, and ``config``
    the (JSON) profile the outputs were computed under where that differs (results stored
    before the profile changed), for our number of runs."""
    if section not in STATED or profile.name != PAPER:
        return {}
    part, field = STATED[section].runs_field.split(".")
    runs = len(config[part][field]) if config else len(getattr(getattr(profile, part), field))
    minutes = minutes_per_authors_runs(section, outputs, runs)
    return {} if minutes is None else {f"{section}/runtime": [minutes]}
