"""The book's generated pages: verdict summary, scorecard, differences from the paper, status.

``python -c 'import mnist1d_lib as m1; m1.report.main(["quick"])'`` (what
``make execute`` runs) writes ``results/<profile>/scorecard.csv`` and
``book/generated/{summary,colab,scorecard,differences,status}.md``.

The book's verdicts are those of the committed ``full`` results (``RECORD``), whatever
profile the chapters of a build ran at: a ``quick`` run has the right shapes, not the
paper's settings. Where the build's profile is another, its values stand beside them.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from .files import atomic_write_text
from .profiles import PROFILES, get_profile
from .paths import colab_url
from .results import EXECUTION_FILE, git_commit, load_results, repo_root, results_dir
from .scorecard import EXPLANATIONS, VERDICTS, paper_settings_rows, scorecard_rows, with_spread, write_scorecard

RECORD = "full"  # the profile whose verdicts the book reports
# What `make execute` may take on a 2-core CPU, per profile (minutes).
BUDGET_MIN = {"smoke": 3, "quick": 10, "full": 60}
SCORECARD, DIFFERENCES, STATUS = "/book/generated/scorecard", "/book/generated/differences", "/book/generated/status"


@dataclass(frozen=True)
class Deviation:
    """A setting in which the ``full`` profile departs from the paper (or the authors'
    notebook), read from the profile itself so that the book's list cannot go stale."""

    notebook: str  # the chapter that uses it
    setting: str  # what it is, in words
    path: str  # the Profile attribute, e.g. "double_descent.epochs"
    paper: str  # the paper's value
    why: str

    def ours(self, profile) -> object:
        value = profile
        for name in self.path.split("."):
            value = getattr(value, name)
        return value


BUDGET = "so that the whole book runs in under an hour on a 2-core CPU"
DEVIATIONS = (
    Deviation("double_descent", "MLP epochs", "double_descent.epochs", "500", BUDGET),
    Deviation("double_descent", "MLP widths", "double_descent.mlp_widths", "geomspace(2, 300, 20): 2-300",
              "the paper's grid without 300: its 6 members cost a quarter of the sweep, and past the peak the noisy "
              "curve only keeps falling"),
    Deviation("classification", "steps between evaluations", "classification.eval_every", "250",
              "only the early-stopping step's resolution changes; each evaluation of the GRU passes 8500 signals"),
    Deviation("double_descent", "CNN epochs", "double_descent.cnn_epochs", "500",
              "the paper's CNN sweep alone takes an hour here (178 ms per step of its 87 models)"),
    Deviation("double_descent", "CNN channels", "double_descent.cnn_channels", "2-28 step 2, 30-100 step 5",
              "past 60 channels the CNN's test error only keeps falling; the widest members cost the most"),
    Deviation("metalearn_afunc", "outer steps", "metalearn_afunc.outer_steps", "301",
              "one outer step is a 301-step unroll (~9 s here); the authors' log holds most of the gain in its "
              "first 40 steps"),
    Deviation("lottery", "pruning rounds", "lottery.rounds", "all 100 (sparsity linspace(0, 1, 100))",
              "every fifth round, always with the paper's ticket round 91: 65 min at the paper's schedule"),
    Deviation("lottery", "steps per round", "lottery.round_steps", "1501", BUDGET),
    Deviation("lottery", "asymptote steps (batch 500)", "lottery.asymptote_steps", "6000",
              "the authors' logs are within a point of their final accuracy by step 1000; ours are flat from ~250"),
    Deviation("self_supervised", "epochs", "ssl.epochs", "200",
              "in the 200-epoch run of commit a838d61 the probes moved by about a point after epoch 150; " + BUDGET),
    Deviation("self_supervised", "epochs between probes", "ssl.eval_every", "10",
              "each probe is a converged logistic regression; only the training curves' resolution changes"),
    Deviation("self_supervised", "t-SNE points", "ssl.tsne_samples", "4000", "t-SNE's cost grows with n²"),
    Deviation("pooling", "steps", "pooling.steps", "6000", BUDGET),
)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _chapter(name: str) -> str:
    return f"{{doc}}`{name} </book/executed/{name}>`"


def _ours(row: dict) -> str:
    return f"{row['reproduced']} ± {row['spread']}" if row["spread"] else row["reproduced"]


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}


def chapter_of(section: str, notebooks: list[str]) -> str:
    """The chapter a notebook belongs to: the shortest notebook name that starts it
    (``double_descent_depth`` -> ``double_descent``)."""
    return min((n for n in notebooks if section.startswith(n)), key=len, default=section)


def summary_snippet(record: list[dict], shown_profile: str, commit: str, build: str, notebooks: list[str]) -> str:
    """The landing page's answer: counts of verdicts of record, with links, and per chapter."""
    counts = verdict_counts(record)
    target = {"partial": DIFFERENCES, "not reproduced": DIFFERENCES}
    shown = ", ".join(f"{{doc}}`{n} {v} <{target.get(v, SCORECARD)}>`" for v, n in counts.items() if n)
    lines = [f"Of the **{len(record)} claims** we check, at the `{shown_profile}` profile (commit `{commit}`): {shown}.",
             ""]
    verdicts = [v for v in VERDICTS if counts[v]]
    lines += ["| chapter (with its ablations) | " + " | ".join(verdicts) + " |", "|---" * (len(verdicts) + 1) + "|"]
    chapters = {}
    for r in record:
        chapters.setdefault(chapter_of(r["section"], notebooks), []).append(r)
    for chapter, rows in chapters.items():
        per = verdict_counts(rows)
        lines.append(f"| {_chapter(chapter)} | " + " | ".join(str(per[v] or "") for v in verdicts) + " |")
    lines.append("")
    if build != shown_profile:
        lines += [f"The chapters of this build ran at the `{build}` profile, which keeps the shape of every "
                  f"experiment at a fraction of the cost; the verdicts are those of the committed `{shown_profile}` "
                  f"results, and the {{doc}}`scorecard <{SCORECARD}>` shows both.", ""]
    return "\n".join(lines)


def colab_snippet(notebooks: list[str]) -> str:
    """A table of the notebooks with their Colab links."""
    lines = ["| chapter | notebook |", "|---|---|"]
    lines += [f"| {_chapter(name)} | [open in Colab]({colab_url(name)}) |" for name in notebooks]
    return "\n".join(lines) + "\n"


def scorecard_page(record: list[dict], shown_profile: str, build_rows: list[dict] | None, build: str) -> str:
    """Every claim, one table per chapter: the verdict of record, the paper's value,
    ours (mean ± std over seeds) and, for another build profile, its value and verdict."""
    counts = verdict_counts(record)
    extra = build_rows is not None
    by_id = {r["claim_id"]: r for r in build_rows or []}
    lines = [
        "# Scorecard", "",
        f"Paper claims against our measurements at the `{shown_profile}` profile (`results/{shown_profile}/scorecard.csv`). "
        "*ours* is the mean over seeds ± their standard deviation. A number is *reproduced* within the "
        "tolerance stated in its description, *partial* within twice that; a yes/no claim is *reproduced* "
        "when it holds for every seed, *partial* for some; *new* marks our additions. "
        f"Every partial or failed claim is discussed in {{doc}}`{DIFFERENCES}`.", "",
        " · ".join(f"**{n}** {v}" for v, n in counts.items() if n), "",
    ]
    if extra:
        lines += [f"The last two columns are this build's `{build}` run (`results/{build}/scorecard.csv`): "
                  "short schedules, so its verdicts say little about the paper.", ""]
    header = "| verdict | claim | paper | ours | seeds |" + (f" {build} | {build} verdict |" if extra else "")
    for section in dict.fromkeys(r["section"] for r in record):
        lines += [f"## {section}", "", f"Chapter: {_chapter(section)}", "", header + " description |",
                  "|---" * (header.count("|")) + "|"]
        for r in (r for r in record if r["section"] == section):
            claim = r["claim_id"].removeprefix(f"{section}/")
            row = f"| **{r['verdict']}** | `{claim}` | {r['paper']} | {_ours(r)} | {r['n_seeds']} |"
            if extra:
                b = by_id.get(r["claim_id"], {"reproduced": "", "spread": "", "verdict": ""})
                row += f" {_ours(b)} | {b['verdict']} |"
            lines.append(row + f" {_cell(r['description'])} |")
        lines.append("")
    return "\n".join(lines)


def differences_page(record: list[dict], shown_profile: str) -> str:
    """Every partial or not-reproduced claim of record with what we believe explains it,
    then every setting in which the ``full`` profile departs from the paper."""
    failed = [r for r in record if r["verdict"] in ("partial", "not reproduced")]
    full = PROFILES[RECORD]
    lines = [
        "# Differences from the paper", "",
        f"The claims whose verdict at the `{shown_profile}` profile is *partial* or *not reproduced* "
        f"({len(failed)} of {len(record)}), with the reason we believe. A failed reproduction is a result: "
        "none of these numbers is tuned towards the paper's. Each chapter's *Differences from the paper* "
        "section says more.", "",
        "| verdict | claim | chapter | paper | ours | why we believe it differs |", "|---|---|---|---|---|---|",
    ]
    at_paper_settings = paper_settings_rows()
    for r in failed:
        why = EXPLANATIONS.get(r["claim_id"], "not yet understood: see the chapter")
        other = at_paper_settings.get(r["claim_id"])
        if other:
            why += (f" At the paper's own settings (`{other['script']}` on {other['device']}, {other['n_seeds']} "
                    f"seeds, stored in `{other['file']}`): {with_spread(other)}, **{other['verdict']}**.")
        lines.append(f"| **{r['verdict']}** | `{r['claim_id']}` | {_chapter(r['section'])} | {r['paper']} | "
                     f"{_ours(r)} | {_cell(why)} |")
    lines += ["", "## Settings", "",
              f"Where the `{RECORD}` profile's settings (read from `mnist1d_lib/profiles.py`) are not the paper's. "
              "Everywhere else, they are the paper's or its authors' notebook's.", "",
              "| chapter | setting | paper | ours | why |", "|---|---|---|---|---|"]
    for d in DEVIATIONS:
        ours = d.ours(full)
        ours = f"{len(ours)} values: {', '.join(map(str, ours))}" if isinstance(ours, tuple) else ours
        lines.append(f"| {_chapter(d.notebook)} | {d.setting} | {d.paper} | {_cell(ours)} | {_cell(d.why)} |")
    return "\n".join(lines) + "\n"


def _timing_table(results: dict[str, dict]) -> list[str]:
    lines = ["| notebook | wall time (s) | compute (s) | device | git commit | finished |", "|---|---|---|---|---|---|"]
    for name, doc in sorted(results.items(), key=lambda item: -item[1].get("compute_s", 0)):
        prov = doc.get("provenance", {})
        lines.append(f"| {_chapter(name)} | {doc.get('runtime_s', 0):.0f} | {doc.get('compute_s', 0):.0f} | "
                     f"{_cell(doc.get('device', ''))} | `{prov.get('git_commit', '')}` | {prov.get('finished', '')} |")
    total_wall = sum(doc.get("runtime_s", 0) for doc in results.values())
    total_compute = sum(doc.get("compute_s", 0) for doc in results.values())
    return lines + [f"| **total** | **{total_wall / 60:.1f} min** | **{total_compute / 60:.1f} min** | | | |", ""]


def status_page(record: dict[str, dict], shown_profile: str, build_results: dict[str, dict], build: str,
                executions: dict[str, dict]) -> str:
    """Provenance and speed: the budget of each profile against the measured wall time
    of its last ``make execute``, then the run time of every notebook of record (and of
    this build's profile), package versions."""
    lines = ["# Status", "",
             "## Speed budget", "",
             "The wall time of the last `make execute` at each profile that computed its notebooks, read from "
             "`results/<profile>/execution.json`. The budgets are for this book's 2-core CPU.", "",
             "| profile | budget | measured | notebooks run | jobs × threads | git commit | finished |",
             "|---|---|---|---|---|---|---|"]
    for profile in ("smoke", "quick", "full"):
        e = executions.get(profile)
        if not e:
            lines.append(f"| `{profile}` | {BUDGET_MIN[profile]} min | not measured | | | | |")
            continue
        within = "within" if e["wall_s"] <= 60 * BUDGET_MIN[profile] else "**over**"
        lines.append(f"| `{profile}` | {BUDGET_MIN[profile]} min | {e['wall_s'] / 60:.1f} min ({within}) | "
                     f"{e['notebooks_run']} of {e['notebooks']} | {e['jobs']} × {e['threads']} | "
                     f"`{e['git_commit']}` | {e['finished']} |")
    lines += ["", "*wall time* is a notebook's execution from its first cell to its last; *compute* is what its "
              "stored results took to compute (the two differ when a rerun reused them). Notebooks run side by "
              "side (*jobs* at a time above), so the total of their wall times exceeds the measured wall time "
              "of `make execute`.", "",
              f"## Notebooks of record (`{shown_profile}`)", ""] + _timing_table(record)
    if build != shown_profile:
        lines += [f"## This build (`{build}`)", ""] + _timing_table(build_results)
    versions = next(iter(record.values() or build_results.values()), {}).get("provenance", {}).get("versions", {})
    if versions:
        lines += ["## Packages", "", "| package | version |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in versions.items()]
    return "\n".join(lines) + "\n"


def record_execution(profile: str, results: dict[str, dict], started: float, jobs: int, threads: int) -> dict:
    """The wall time of the ``make execute`` that started at ``started`` (Unix seconds),
    written to ``results/<profile>/execution.json`` when it computed any notebook's results;
    otherwise the stored record of the last one that did (empty when none is stored).

    A notebook counts as computed when it finished after ``started`` and ran at least as
    long as its results took to compute: one that reused stored results runs in seconds."""
    path = results_dir(profile) / EXECUTION_FILE
    ran = [name for name, doc in results.items()
           if datetime.fromisoformat(doc.get("provenance", {}).get("finished", "1970-01-01T00:00:00+00:00")).timestamp()
           >= started and doc.get("runtime_s", 0) >= doc.get("compute_s", 0)]
    if not ran:
        return json.loads(path.read_text()) if path.exists() else {}
    record = {"profile": profile, "wall_s": round(time.time() - started, 1), "jobs": jobs, "threads": threads,
              "notebooks_run": len(ran), "notebooks": len(results), "git_commit": git_commit(),
              "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    atomic_write_text(path, json.dumps(record, indent=1) + "\n")
    return record


def stored_executions() -> dict[str, dict]:
    """The last ``execution.json`` of each profile: the build's own results folder, else the checkout's."""
    found = {}
    for profile in PROFILES:
        for folder in (results_dir(profile), repo_root() / "results" / profile):
            if (folder / EXECUTION_FILE).exists():
                found[profile] = json.loads((folder / EXECUTION_FILE).read_text())
                break
    return found


def main(argv: list[str]) -> None:
    """``main([profile, --started UNIX_S, --jobs N, --threads N])``, what ``make execute`` runs."""
    parser = argparse.ArgumentParser(prog="report")
    parser.add_argument("profile", nargs="?", default="quick")
    parser.add_argument("--started", type=float, help="when `make execute` started (Unix seconds)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    build = get_profile(args.profile).name
    build_rows = write_scorecard(build)
    build_results = load_results(build)
    if args.started is not None:
        record_execution(build, build_results, args.started, args.jobs, args.threads)
    record_results = load_results(RECORD) if build != RECORD else build_results
    shown = RECORD if record_results else build  # without committed full results the build is the record
    record_results = record_results or build_results
    record_rows = scorecard_rows(record_results)
    commit = next(iter(record_results.values()), {}).get("provenance", {}).get("git_commit", "")
    notebooks = sorted(p.stem for p in (repo_root() / "notebooks").glob("*.py"))
    folder = repo_root() / "book" / "generated"
    pages = {
        "summary.md": summary_snippet(record_rows, shown, commit, build, notebooks),
        "colab.md": colab_snippet(notebooks),
        "scorecard.md": scorecard_page(record_rows, shown, build_rows if build != shown else None, build),
        "differences.md": differences_page(record_rows, shown),
        "status.md": status_page(record_results, shown, build_results, build, stored_executions()),
    }
    for name, text in pages.items():
        atomic_write_text(folder / name, text)
    print(f"report: {len(build_rows)} claims, {len(build_results)} notebooks -> results/{build}/scorecard.csv, "
          f"{folder}")
