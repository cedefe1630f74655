"""The scorecard: every chapter's claims (each defined beside the code that measures
them, as ``CLAIMS`` of its module), their verdicts (``claims.Claim``) from a profile's
results, and the cause of every miss.

Every partial, not-reproduced or inconclusive row carries a ``cause`` (``schedule``,
``method``, ``underpowered`` or ``genuine``) and a one-line reason, from the chapters'
``CAUSES`` or the rules of ``cause_of``. ``write_scorecard(profile)`` writes
``results/<profile>/scorecard.csv``; ``report`` turns rows into the book's pages.
"""
from __future__ import annotations

import csv
import io

import numpy as np

from . import (baselines, classification, double_descent_analysis, lottery_analysis, metalearn_analysis,
               pooling_analysis, runtimes, ssl_analysis)
from .claims import CAUSE_KINDS, MIN_SEEDS_FOR_YES, MISSES, VERDICTS, Claim  # noqa: F401  (the scorecard's vocabulary)
from .files import atomic_write_text
from .results import load_results, results_dir

CHAPTERS = (baselines, classification, double_descent_analysis, metalearn_analysis, lottery_analysis,
            ssl_analysis, pooling_analysis, runtimes)  # the modules that define CLAIMS, in the book's order
CLAIMS: list[Claim] = [claim for chapter in CHAPTERS for claim in chapter.CLAIMS]
CLAIMS_BY_ID = {c.claim_id: c for c in CLAIMS}
CAUSES = {k: v for chapter in CHAPTERS for k, v in chapter.CAUSES.items()}
EXPLANATIONS = {k: v for chapter in CHAPTERS for k, v in chapter.EXPLANATIONS.items()}
COLUMNS = ["claim_id", "section", "description", "paper", "reproduced", "spread", "interval", "n_seeds",
           "verdict", "cause", "reason"]


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: ""}[value]
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _interval_text(claim: Claim, values: list) -> str:
    ev = claim.evidence(values)
    if ev.interval is None:
        return ""
    low, high = ev.interval
    if ev.held is not None:
        return f"rate {low:.2f}-{high:.2f}"
    return f"{low:+.3g} to {high:+.3g}"


def cause_of(claim: Claim, verdict: str, values: list, profile: str | None) -> tuple[str, str]:
    """(cause, one-line reason) of a miss: from ``CAUSES`` where we know it; an interval
    that straddles a boundary is ``underpowered``; otherwise, outside the paper profile, the
    shortened schedule is presumed (``schedule``), and at the paper's settings ``genuine``."""
    if verdict not in MISSES:
        return "", ""
    if verdict == "inconclusive":
        ev = claim.evidence(values)
        if ev.held is not None:
            return "underpowered", f"only {ev.n} seed(s): at least {MIN_SEEDS_FOR_YES} must all hold"
        return "underpowered", (f"the 95 % interval of ours - paper ({_interval_text(claim, values)}) straddles "
                                f"the tolerance ±{claim.tolerance:g} or ±{2 * claim.tolerance:g}: "
                                f"{ev.n} seeds do not settle it")
    on_paper = profile in (None, "paper")
    if claim.claim_id in CAUSES and not (on_paper and CAUSES[claim.claim_id][0] == "schedule"):
        return CAUSES[claim.claim_id]
    if not on_paper:
        return "schedule", f"presumed: the {profile} profile shortens the paper's schedule (differences page)"
    return "genuine", "it fails at the paper's own settings; no difference of method explains it so far"


def scorecard_rows(results: dict[str, dict], profile: str | None = None) -> list[dict]:
    """One row per claim (in ``CLAIMS`` order) from a profile's notebook results."""
    recorded = {}
    for doc in results.values():
        recorded.update(doc.get("metrics", {}))
    unknown = set(recorded) - set(CLAIMS_BY_ID)
    if unknown:
        raise ValueError(f"results record claims that the scorecard does not know: {sorted(unknown)}")
    rows = []
    for claim in CLAIMS:
        values = recorded.get(claim.claim_id, {}).get("values")
        numeric = values is not None and values and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in values if v is not None)
        if values is None:
            reproduced, spread = "", ""
        elif numeric:
            clean = [v for v in values if v is not None]
            reproduced = f"{np.mean(clean):.3g}" if clean else "diverged"
            # one value: no spread; equal values: 0, not the float noise of their mean (7.5e-15)
            spread = f"{np.std(clean, ddof=1) if len(set(clean)) > 1 else 0:.2g}" if len(clean) > 1 else ""
        else:
            held = sum(bool(v) for v in values)
            reproduced = f"{'yes' if held == len(values) else 'no'} ({held}/{len(values)})"
            spread = ""
        verdict = claim.verdict(values)
        cause, reason = cause_of(claim, verdict, values, profile) if values is not None else ("", "")
        rows.append({"claim_id": claim.claim_id, "section": claim.section, "description": claim.description,
                     "paper": _fmt(claim.paper) + (f" ± {claim.paper_spread:g}" if claim.paper_spread else ""),
                     "reproduced": reproduced, "spread": spread,
                     "interval": _interval_text(claim, values) if values is not None else "",
                     "n_seeds": len(values) if values is not None else 0, "verdict": verdict,
                     "cause": cause, "reason": reason})
    return rows


def write_scorecard(profile: str) -> list[dict]:
    """Write ``results/<profile>/scorecard.csv`` and return its rows."""
    rows = scorecard_rows(load_results(profile), profile)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(results_dir(profile) / "scorecard.csv", buf.getvalue())
    return rows


def with_spread(row: dict) -> str:
    """A scorecard row's value as shown beside others: "mean ± std", or the value alone."""
    return f"{row['reproduced']} ± {row['spread']}" if row["spread"] else row["reproduced"]


def verdict_table(metrics: dict, section: str):
    """The scorecard rows of one notebook's section, from its recorded metrics, as a
    DataFrame (for the end of each chapter)."""
    import pandas as pd

    rows = [r for r in scorecard_rows({"this run": {"metrics": metrics}}) if r["section"] == section]
    return pd.DataFrame(rows).drop(columns=["section"])
