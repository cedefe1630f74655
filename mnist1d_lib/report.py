"""The book's generated pages: scorecard, its summary for the landing page, and status.

``python -c 'import mnist1d_lib as m1; m1.report.main(["quick"])'`` (what
``make execute`` runs) writes ``results/<profile>/scorecard.csv`` and
``book/generated/{scorecard,summary,status}.md``.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone

from .files import atomic_write_text
from .profiles import get_profile
from .results import EXECUTION_FILE, git_commit, load_results, repo_root, results_dir
from .scorecard import VERDICTS, write_scorecard


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}


def scorecard_page(rows: list[dict], profile: str) -> str:
    """Every claim, one table per chapter: verdict, the paper's value, ours (mean ±
    std over seeds), number of seeds, and what is claimed."""
    counts = verdict_counts(rows)
    lines = [
        "# Scorecard", "",
        f"Paper claims against our measurements, profile `{profile}`, from `results/{profile}/scorecard.csv`. "
        "*ours* is the mean over seeds ± their standard deviation. A number is *reproduced* within the "
        "tolerance stated in its description, *partial* within twice that; a yes/no claim is *reproduced* "
        "when it holds for every seed, *partial* for some.", "",
        " · ".join(f"**{n}** {v}" for v, n in counts.items() if n), "",
    ]
    for section in dict.fromkeys(r["section"] for r in rows):
        lines += [f"## {section}", "", "| verdict | claim | paper | ours | seeds | description |",
                  "|---|---|---|---|---|---|"]
        for r in (r for r in rows if r["section"] == section):
            ours = f"{r['reproduced']} ± {r['spread']}" if r["spread"] else r["reproduced"]
            claim = r["claim_id"].removeprefix(f"{section}/")
            lines.append(f"| **{r['verdict']}** | `{claim}` | {r['paper']} | {ours} | {r['n_seeds']} | "
                         f"{_cell(r['description'])} |")
        lines.append("")
    return "\n".join(lines)


def summary_snippet(rows: list[dict], profile: str) -> str:
    """Counts of verdicts for the landing page."""
    counts = verdict_counts(rows)
    shown = ", ".join(f"**{n} {v}**" for v, n in counts.items() if n)
    return (f"Of {len(rows)} claims checked so far (profile `{profile}`): {shown}. "
            "See the {doc}`/book/generated/scorecard` for each one.\n")


def status_page(results: dict[str, dict], profile: str) -> str:
    """Provenance of every notebook result: device, commit, versions, run times."""
    lines = ["# Status", "",
             f"Provenance of the results shown in this book (profile `{profile}`). *compute* is the time the "
             "stored results took to compute; *this run* is the wall time of the execution that produced the "
             "page (short when stored results were reused).", "",
             "| notebook | device | git commit | finished | compute (s) | this run (s) |", "|---|---|---|---|---|---|"]
    for name, doc in results.items():
        prov = doc.get("provenance", {})
        lines.append(f"| {name} | {_cell(doc.get('device', ''))} | `{prov.get('git_commit', '')}` | "
                     f"{prov.get('finished', '')} | {doc.get('compute_s', 0):.0f} | {doc.get('runtime_s', 0):.0f} |")
    total = sum(doc.get("compute_s", 0) for doc in results.values())
    lines += ["", f"Total compute time: **{total / 60:.1f} min**.", ""]
    if results:
        versions = next(iter(results.values())).get("provenance", {}).get("versions", {})
        lines += ["| package | version |", "|---|---|"] + [f"| {k} | {v} |" for k, v in versions.items()]
    return "\n".join(lines) + "\n"


def record_execution(profile: str, results: dict[str, dict], started: float, jobs: int, threads: int) -> dict:
    """The wall time of the ``make execute`` that started at ``started`` (Unix seconds),
    written to ``results/<profile>/execution.json`` when it (re)computed any notebook;
    otherwise the stored record of the last one that did (empty when none is stored)."""
    path = results_dir(profile) / EXECUTION_FILE
    ran = [name for name, doc in results.items()
           if datetime.fromisoformat(doc.get("provenance", {}).get("finished", "1970-01-01T00:00:00+00:00")).timestamp()
           >= started]
    if not ran:
        return json.loads(path.read_text()) if path.exists() else {}
    record = {"profile": profile, "wall_s": round(time.time() - started, 1), "jobs": jobs, "threads": threads,
              "notebooks_run": len(ran), "notebooks": len(results), "git_commit": git_commit(),
              "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    atomic_write_text(path, json.dumps(record, indent=1) + "\n")
    return record


def main(argv: list[str]) -> None:
    """``main([profile, --started UNIX_S, --jobs N, --threads N])``, what ``make execute`` runs."""
    parser = argparse.ArgumentParser(prog="report")
    parser.add_argument("profile", nargs="?", default="quick")
    parser.add_argument("--started", type=float, help="when `make execute` started (Unix seconds)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    profile = get_profile(args.profile).name
    rows = write_scorecard(profile)
    results = load_results(profile)
    if args.started is not None:
        record_execution(profile, results, args.started, args.jobs, args.threads)
    folder = repo_root() / "book" / "generated"
    atomic_write_text(folder / "scorecard.md", scorecard_page(rows, profile))
    atomic_write_text(folder / "summary.md", summary_snippet(rows, profile))
    atomic_write_text(folder / "status.md", status_page(results, profile))
    print(f"report: {len(rows)} claims, {len(results)} notebooks -> results/{profile}/scorecard.csv, {folder}")
