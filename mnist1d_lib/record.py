"""The results of record: per notebook, the ``paper`` profile's where it has run, else
the one-hour ``full`` profile's, labelled so that nothing is silently substituted.

``record_results()`` gives each notebook's stored document with ``record_profile``;
``record_rows()`` gives one scorecard row per claim, from the profile of record of the
notebook that measures it, with ``record_profile`` and the ``full`` profile's verdict
beside it (``full_verdict``) where the record is the paper's.
"""
from __future__ import annotations

import json

from .profiles import FULL, PAPER
from .results import load_results, results_dir
from .scorecard import scorecard_rows


def paper_progress(notebook: str) -> dict[str, float]:
    """{computation: compute minutes} that a notebook not yet complete at the paper's
    settings has stored there so far (each computation is stored as it finishes, so these
    are measured costs of the record's units, e.g. one ablation value); empty when none."""
    path = results_dir(PAPER) / f"{notebook}.json"
    doc = json.loads(path.read_text()) if path.exists() else {}
    if doc.get("complete", True):
        return {}
    return {key: o.get("compute_s", 0) / 60 for key, o in doc.get("outputs", {}).items()}


def outputs_by_device(doc: dict) -> dict[str, list[str]]:
    """{device: keys of the outputs it computed} of a stored notebook document, devices sorted
    (each output keeps its own; the document's, where it last rendered, for older ones)."""
    found: dict[str, list[str]] = {}
    for key, o in doc.get("outputs", {}).items():
        found.setdefault(o.get("device") or doc.get("device", ""), []).append(key)
    return dict(sorted(found.items()))


def where_computed(doc: dict) -> tuple[list[str], list[str]]:
    """(git commits, devices) at which a stored notebook document's outputs were computed
    (as ``outputs_by_device``: the document's own for older outputs)."""
    outputs = doc.get("outputs", {}).values()
    commits = sorted({o.get("git_commit") or doc.get("provenance", {}).get("git_commit", "") for o in outputs})
    return commits, list(outputs_by_device(doc))


def record_results() -> dict[str, dict]:
    """{notebook: stored document}: the paper profile's complete results, else the full profile's."""
    paper, full = load_results(PAPER), load_results(FULL)
    out = {}
    for name in sorted(set(paper) | set(full)):
        profile = PAPER if name in paper else FULL
        out[name] = {**(paper if profile == PAPER else full)[name], "record_profile": profile}
    return out


def record_rows(results: dict[str, dict] | None = None) -> list[dict]:
    """One scorecard row per claim: the verdict of record, its profile, and the full
    profile's verdict where the record is the paper's (``full_verdict``, else "")."""
    results = record_results() if results is None else results
    profiles = sorted({d["record_profile"] for d in results.values()}, key=lambda p: (p != PAPER, p != FULL, p))
    rows = {p: {r["claim_id"]: r for r in scorecard_rows(
        {n: d for n, d in results.items() if d["record_profile"] == p}, p)} for p in profiles}
    full_rows = {r["claim_id"]: r for r in scorecard_rows(load_results(FULL), FULL)}
    out = []
    for claim_id, first in (rows[profiles[0]] if profiles else {r["claim_id"]: r for r in scorecard_rows({})}).items():
        profile = next((p for p in profiles if rows[p][claim_id]["n_seeds"]), "")
        row = dict(rows[profile][claim_id] if profile else first)
        other = full_rows.get(claim_id, {})
        row["record_profile"] = profile
        row["full_verdict"] = other.get("verdict", "") if profile == PAPER and other.get("n_seeds") else ""
        out.append(row)
    return out
