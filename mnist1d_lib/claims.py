"""A claim of the paper (or the seed report) and the verdict its measurements give it.

A verdict accounts for seed-to-seed spread:

* numbers: the 95 % interval of (our mean - the paper's value), from Student's t over
  our seeds (``Claim.evidence``). Where the paper states a spread over its own runs, it
  enters through the tolerance (Table 1: its stated ± one std), not the interval, so that
  enough seeds can always settle a claim. ``reproduced`` when the whole interval lies
  within ``tolerance``, ``partial`` when it lies outside the tolerance but within twice it,
  ``not reproduced`` when it lies beyond twice the tolerance, and ``inconclusive`` when it
  straddles a boundary (more seeds would settle it). A single value (a deterministic
  quantity) is compared as it is.
* yes/no claims: k of n seeds hold, with a Wilson 95 % interval for the rate.
  ``reproduced`` when all hold (n >= 3, unless the claim is deterministic), ``not
  reproduced`` when none do or when the interval lies below one half (it fails in most
  seeds: 1 of 10 gives 0.02-0.40), else ``partial``: a claim whose seeds disagree is
  never reproduced.
* ``new`` for our additions (no paper value), ``not run`` without a result.

Each chapter's module defines its ``CLAIMS`` beside the code that measures them
(``scorecard`` gathers them). This module imports nothing of the library.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

VERDICTS = ("reproduced", "partial", "inconclusive", "not reproduced", "new", "not run")
MISSES = ("partial", "inconclusive", "not reproduced")
CAUSE_KINDS = ("schedule", "method", "underpowered", "genuine")
MIN_SEEDS_FOR_YES = 3  # a yes/no claim held by fewer seeds than this is inconclusive


@dataclass(frozen=True)
class Evidence:
    """What a claim's values say: ``mean`` (numbers) or ``held`` of ``n`` (yes/no), and the
    95 % ``interval``: of (our mean - paper) for numbers, of the holding rate for yes/no."""

    n: int
    mean: float | None = None
    held: int | None = None
    interval: tuple[float, float] | None = None


def wilson_interval(held: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score 95 % interval of a rate observed as ``held`` of ``n``."""
    if n == 0:
        return 0.0, 1.0
    p = held / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Claim:
    claim_id: str
    section: str  # the notebook that measures it
    description: str  # what is claimed, with the figure/table it comes from
    paper: float | bool | None  # None: our addition
    tolerance: float = 0.0  # numbers only: allowed |ours - paper|
    paper_spread: float | None = None  # the paper's own std over its runs, where it states one (shown)
    deterministic: bool = False  # measured once, with no seed-to-seed spread (e.g. a data check)

    def evidence(self, values: list) -> Evidence:
        """Mean or count and 95 % interval of ``values`` (one per seed; None: a diverged run)."""
        if isinstance(self.paper, bool):
            held = sum(bool(v) for v in values)
            return Evidence(n=len(values), held=held, interval=wilson_interval(held, len(values)))
        clean = np.asarray([v for v in values if v is not None], dtype=float)
        if not len(clean):
            return Evidence(n=0)
        mean = float(clean.mean())
        if len(clean) < 2 or self.paper is None:
            return Evidence(n=len(clean), mean=mean)
        half = float(stats.t.ppf(0.975, len(clean) - 1) * math.sqrt(clean.var(ddof=1) / len(clean)))
        gap = mean - float(self.paper)
        return Evidence(n=len(clean), mean=mean, interval=(gap - half, gap + half))

    def verdict(self, values: list | None) -> str:
        if values is None:
            return "not run"
        if self.paper is None:
            return "new"
        ev = self.evidence(values)
        if isinstance(self.paper, bool):
            if ev.held == 0 or ev.interval[1] < 0.5:
                return "not reproduced"  # it fails in most seeds, with 95 % confidence (e.g. 1 of 10)
            if ev.held < ev.n:
                return "partial"
            return "reproduced" if ev.n >= MIN_SEEDS_FOR_YES or self.deterministic else "inconclusive"
        if ev.mean is None:
            return "not reproduced"  # every run diverged
        low, high = ev.interval or (ev.mean - self.paper,) * 2
        tol = self.tolerance
        if -tol <= low and high <= tol:
            return "reproduced"
        if high < -2 * tol or low > 2 * tol:
            return "not reproduced"
        if (high < -tol or low > tol) and -2 * tol <= low and high <= 2 * tol:
            return "partial"
        return "inconclusive"
