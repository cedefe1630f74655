"""The book's generated pages: verdict summary, scorecard, differences from the paper, status.

``python -c 'import mnist1d_lib as m1; m1.report.main(["quick"])'`` (what
``make execute`` runs) writes ``results/<profile>/scorecard.csv`` and
``book/generated/{summary,colab,scorecard,differences,status}.md``.

The book's verdicts are those of record (``record.record_rows``): per notebook the
``paper`` profile's results where they exist, else the one-hour ``full`` profile's,
each labelled with its profile, whatever profile the build's chapters ran at.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from .files import atomic_write_text
from .paths import colab_url
from .profiles import PROFILES, get_profile
from .record import FULL, PAPER, paper_progress, record_results, record_rows, where_computed
from .results import EXECUTION_FILE, git_commit, load_results, repo_root, results_dir
from .scorecard import CAUSE_KINDS, EXPLANATIONS, MISSES, VERDICTS, write_scorecard

# What `make execute` may take on a 2-core CPU, per profile (minutes); the record has no budget.
BUDGET_MIN = {"smoke": 3, "quick": 10, "full": 60}
# Verdict badges: symbol and colour (text colours that pass WCAG AA on white)
BADGES = {"reproduced": ("✓", "#1a7f37"), "partial": ("½", "#9a6700"), "inconclusive": ("?", "#57606a"),
          "not reproduced": ("✗", "#cf222e"), "new": ("+", "#0969da"), "not run": ("–", "#57606a")}
# The paper's headline claims, for the landing page's list (claim id: one line)
HEADLINES = {
    "dataset/frozen_equal": "MNIST-1D is generated exactly as the paper's frozen data set",
    "classification/mlp_best_shuffled": "on shuffled signals the MLP beats the CNN and GRU (Table 1)",
    "classification/shuffle_drop_cnn_gru": "shuffling costs the CNN and GRU about 35 points (Table 1)",
    "double_descent/mlp_noisy/peak_at_threshold": "the noisy MLP's test error peaks at the interpolation threshold (Fig. 5)",
    "double_descent/mlp_clean/no_peak": "without label noise there is no peak (Fig. 5)",
    "double_descent/cnn_noisy/peak_channels": "the CNN peaks at about 18 channels (Fig. 5)",
    "metalearn_lr/converged_lr": "metalearning finds the learning rate 0.62 from both starts (Fig. 6)",
    "metalearn_afunc/beats_relu_elu_swish": "a metalearned activation beats ReLU, ELU and Swish by more than 5 points (Fig. 7)",
    "lottery/ticket_beats_dense": "a 92 %-sparse ticket beats the dense network (Fig. 4)",
    "lottery/shuffled_worse_than_dense": "on shuffled data the ticket loses its edge (Fig. 4d)",
    "self_supervised/probe_before_projector": "SimCLR features give an 82 % linear probe (Fig. 8)",
    "pooling/helps_low_data": "pooling helps most with little data (Fig. 9)",
}
SCORECARD, DIFFERENCES, STATUS = "/book/generated/scorecard", "/book/generated/differences", "/book/generated/status"


@dataclass(frozen=True)
class Deviation:
    """A setting in which the ``full`` profile departs from the paper's (the ``paper``
    profile), read from the profiles themselves so that the book's list cannot go stale."""

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
              "the authors' logs move by at most 2 points from step 1000 to 6000 (most runs by under 1); ours "
              "stop earlier still, while the curves are still rising (see the chapter's figure)"),
    Deviation("self_supervised", "epochs", "ssl.epochs", "200",
              "in an earlier 200-epoch run (no longer stored) the probes moved by about a point after epoch 150; "
              + BUDGET),
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


def badge(verdict: str) -> str:
    """A verdict as a coloured badge (inline HTML, for Markdown pages and notebooks)."""
    symbol, colour = BADGES.get(verdict, ("", "#57606a"))
    return (f'<span style="color:{colour};font-weight:600;white-space:nowrap">{symbol}&nbsp;{verdict}</span>'
            if verdict else "")


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}


def chapter_of(section: str, notebooks: list[str]) -> str:
    """The chapter a notebook belongs to: the shortest notebook name that starts it
    (``double_descent_depth`` -> ``double_descent``)."""
    return min((n for n in notebooks if section.startswith(n)), key=len, default=section)


def summary_snippet(record: list[dict], notebooks_of_record: dict[str, str], notebooks: list[str]) -> str:
    """The landing page's answer: a few sentences on what holds, the headline claims as a
    ✓ / ½ / ✗ list, then the counts (our additions apart) per chapter."""
    judged = [r for r in record if r["verdict"] not in ("new", "not run")]
    counts = verdict_counts(judged)
    at_paper = sorted(n for n, p in notebooks_of_record.items() if p == PAPER)
    fails = [r for r in judged if r["verdict"] in ("partial", "not reproduced") and r["record_profile"] == PAPER]
    pending = [r for r in judged if r["verdict"] in MISSES and r["record_profile"] == FULL]
    held = [HEADLINES[r["claim_id"]] for r in record if r["claim_id"] in HEADLINES and r["verdict"] == "reproduced"]
    broken = [HEADLINES[r["claim_id"]] for r in record
              if r["claim_id"] in HEADLINES and r["verdict"] in ("partial", "not reproduced")]
    new = sum(r["verdict"] == "new" for r in record)
    lines = [
        f"**The bottom line.** We check {len(judged)} claims of the paper and of the seed report that have a "
        f"verdict: {counts['reproduced']} are reproduced, {counts['partial']} partly, {counts['not reproduced']} "
        f"not, and {counts['inconclusive']} are inconclusive (the spread over seeds straddles the tolerance). "
        + (f"All {len(notebooks)} notebooks are recorded at the paper's own settings. " if len(at_paper) == len(notebooks)
           else f"{len(at_paper)} of {len(notebooks)} notebooks are recorded at the paper's own settings; the others "
                "are still shown at the one-hour `full` profile, labelled as such. ")
        + (f"Of the headline claims, these hold: {'; '.join(held)}. " if held else "")
        + (f"These do not, or only partly: {'; '.join(broken)}. " if broken else "")
        + f"Besides, {new} measurements of our own (*new*) have no paper value and no verdict.", "",
        "### The paper's headline claims", "",
    ]
    for r in record:
        if r["claim_id"] in HEADLINES:
            where = f" (at the `{r['record_profile']}` profile)" if r["record_profile"] == FULL else ""
            lines.append(f"- {badge(r['verdict'])} {HEADLINES[r['claim_id']]}: paper {r['paper']}, ours "
                         f"{_ours(r) or 'not run'}{where}, {_chapter(r['section'])}")
    lines += ["", "### Misses", "",
              f"- **Fail at the paper's settings** ({len(fails)}): "
              + (", ".join(f"`{r['claim_id']}`" for r in fails) or "none so far") + ".",
              f"- **Not yet run at the paper's settings** ({len(pending)}; shown at the `full` profile): "
              + (", ".join(f"`{r['claim_id']}`" for r in pending) or "none") + ".",
              f"- Every miss, grouped by cause: {{doc}}`{DIFFERENCES}`.", "",
              "### Verdicts per chapter", ""]
    verdicts = [v for v in VERDICTS if v != "not run"]
    lines += ["Columns: " + ", ".join(f"{BADGES[v][0]} {v}" for v in verdicts) + ".", "",
              "| chapter (with its ablations) | recorded at | " + " | ".join(BADGES[v][0] for v in verdicts) + " |",
              "|---" * (len(verdicts) + 2) + "|"]
    chapters = {}
    for r in record:
        chapters.setdefault(chapter_of(r["section"], notebooks), []).append(r)
    for chapter, rows in chapters.items():
        per = verdict_counts(rows)
        profiles = sorted({notebooks_of_record.get(n, "not run") for n in notebooks
                           if chapter_of(n, notebooks) == chapter})
        lines.append(f"| {_chapter(chapter)} | {', '.join(profiles)} | "
                     + " | ".join(str(per[v] or "") for v in verdicts) + " |")
    return "\n".join(lines) + "\n"


def colab_snippet(notebooks: list[str]) -> str:
    """A table of the notebooks with their Colab links."""
    lines = ["| chapter | notebook |", "|---|---|"]
    lines += [f"| {_chapter(name)} | [open in Colab]({colab_url(name)}) |" for name in notebooks]
    return "\n".join(lines) + "\n"


def scorecard_page(record: list[dict]) -> str:
    """Every claim, one section per chapter: verdict first, the claim in words, the paper's
    value, ours with its interval, the seeds, and the full profile's verdict where the
    record is the paper's (flagged where the two disagree)."""
    counts = verdict_counts(record)
    lines = [
        "# Scorecard", "",
        "The verdict of every claim, from the results of record: the `paper` profile where a notebook has run "
        "at the paper's settings, else the one-hour `full` profile (column *at*). *ours* is the mean over seeds "
        "± their standard deviation; *interval* the 95 % interval of ours minus the paper's value (numbers) or "
        "of the rate at which a yes/no claim holds. A number is *reproduced* when that whole interval lies within "
        "the tolerance stated with the claim, *partial* within twice it, *inconclusive* when it straddles a "
        "boundary; a yes/no claim is *reproduced* when all of at least 3 seeds hold, *not reproduced* when none "
        "do or when its rate's interval lies below one half, else *partial*. *full* shows the one-hour "
        f"profile's verdict beside the paper's, ⚠ where they disagree. Misses: {{doc}}`{DIFFERENCES}`. "
        "\"Seed report 2.x\" names a section of the seed report {cite}`seedreport`.", "",
        " · ".join(f"{badge(v)} {n}" for v, n in counts.items() if n), "",
    ]
    for section in dict.fromkeys(r["section"] for r in record):
        lines += [f"## {section}", "", f"Chapter: {_chapter(section)}", "",
                  "| verdict | claim | paper | ours |", "|---|---|---|---|"]
        for r in (r for r in record if r["section"] == section):
            claim = r["claim_id"].removeprefix(f"{section}/")
            flag = " ⚠" if r["full_verdict"] and r["full_verdict"] != r["verdict"] else ""
            detail = "; ".join(x for x in (f"{r['n_seeds']} seeds" if r["n_seeds"] else "", r["interval"],
                                           f"at `{r['record_profile']}`" if r["record_profile"] else "",
                                           f"full: {r['full_verdict']}{flag}" if r["full_verdict"] else "") if x)
            lines.append(f"| {badge(r['verdict'])} | **`{claim}`**: {_cell(r['description'])} | {r['paper']} | "
                         f"{_ours(r)}<br><small>{_cell(detail)}</small> |")
        lines.append("")
    return "\n".join(lines)


def differences_page(record: list[dict]) -> str:
    """Every miss of record grouped by cause, each with the reason we believe, then every
    setting in which the ``full`` profile departs from the paper's."""
    misses = [r for r in record if r["verdict"] in MISSES]
    lines = [
        "# Differences from the paper", "",
        f"The {len(misses)} claims of record that are partly reproduced, not reproduced or inconclusive, grouped "
        "by cause: *schedule* (not yet run at the paper's settings: the one-hour profile shortens them), *method* "
        "(we differ from the paper in a named way), *underpowered* (the seeds do not settle it) and *genuine* "
        "(it fails at the paper's own settings). A failed reproduction is a result: none of these numbers is "
        "tuned towards the paper's. \"Seed report 2.x\" names a section of the seed report {cite}`seedreport`.", "",
    ]
    for cause in CAUSE_KINDS:
        group = [r for r in misses if r["cause"] == cause]
        if not group:
            continue
        lines += [f"## {cause.capitalize()} ({len(group)})", ""]
        for r in group:
            why = EXPLANATIONS.get(r["claim_id"], "") if r["record_profile"] == FULL else ""
            lines += [f"- {badge(r['verdict'])} **`{r['claim_id']}`** ({_chapter(r['section'])}, at the "
                      f"`{r['record_profile']}` profile): paper {r['paper']}, ours {_ours(r)}"
                      + (f", interval {r['interval']}" if r["interval"] else "") + ".",
                      f"  {r['reason']}." + (f" {why}" if why else ""), ""]
    paper, full = get_profile(PAPER), get_profile(FULL)
    lines += ["## Settings of the `full` profile", "",
              "Where the one-hour `full` profile's settings depart from the paper's (the `paper` profile, both "
              "read from `mnist1d_lib/profiles.py`). They matter only for notebooks still shown at `full`.", ""]
    for d in DEVIATIONS:
        ours, theirs = d.ours(full), d.ours(paper)
        if ours == theirs:
            continue
        shown = f"{len(ours)} values" if isinstance(ours, tuple) else ours
        paper_value = f"{len(theirs)} values" if isinstance(theirs, tuple) else theirs
        lines += [f"- {_chapter(d.notebook)}, **{d.setting}**: paper {paper_value} ({d.paper}), full {shown}. "
                  f"{d.why}."]
    return "\n".join(lines) + "\n"


def _timing_table(results: dict[str, dict]) -> list[str]:
    """Per notebook: its profile of record, compute time, and the commits and device at
    which its outputs were computed (the device named once above the table when all share
    it). Not the wall time of its last execution: a notebook re-rendered from stored
    results (after a change to how a claim is read) runs in seconds."""
    where = {name: where_computed(doc) for name, doc in results.items()}
    devices = {", ".join(d) for _, d in where.values()}
    lines = [f"All on {next(iter(devices))}.", ""] if len(devices) == 1 else []
    head = "| notebook | profile | compute | computed at |" + (" device |" if len(devices) > 1 else "")
    lines += [head, "|---" * (head.count("|") - 1) + "|"]
    for name, doc in sorted(results.items(), key=lambda item: -item[1].get("compute_s", 0)):
        seconds = doc.get("compute_s", 0)
        cost = f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"
        commits, device = where[name]
        row = (f"| {_chapter(name)} | {doc.get('record_profile', doc.get('profile', ''))} | {cost} | "
               f"{', '.join(f'`{c}`' for c in commits)} |")
        lines.append(row + (f" {_cell(', '.join(device))} |" if len(devices) > 1 else ""))
    total = sum(doc.get("compute_s", 0) for doc in results.values())
    return lines + ["", f"Total compute: **{total / 3600:.2f} h**.", ""]


def _not_yet_recorded(record: dict[str, dict]) -> list[str]:
    """The notebooks still shown at the full profile, with their measured cost at the
    paper's settings where ``tools/record_cost.py`` has measured it (``results/paper/costs.json``)."""
    pending = sorted(n for n, d in record.items() if d.get("record_profile") != PAPER)
    if not pending:
        return []
    path = results_dir(PAPER) / "costs.json"
    costs = json.loads(path.read_text()) if path.exists() else {"notebooks": {}}
    lines = ["## Not yet run at the paper's settings", "",
             f"These {len(pending)} notebooks are shown at the one-hour `full` profile. "
             + (f"Their cost at the paper's settings, measured by `tools/record_cost.py` on {costs['device']} "
                f"({costs['threads']} thread, load average {costs['load_average_1min']}, {costs['measured']}):"
                if costs["notebooks"] else "Their cost at the paper's settings is not measured yet."), ""]
    for name in pending:
        c, progress = costs["notebooks"].get(name), paper_progress(name)
        lines.append(f"- {_chapter(name)}" + (f": {c['units']} × {c['seconds'] / 3600:.2f} CPU-hours, one per "
                                               f"{c['per']} ({c['unit']})" if c else "")
                     + (". Stored so far at the paper's settings, measured: " + "; ".join(
                         f"`{k}` {m:.0f} min" for k, m in progress.items()) if progress else ""))
    return lines + [""]


def status_page(record: dict[str, dict], build_results: dict[str, dict], build: str,
                executions: dict[str, dict]) -> str:
    """Provenance and cost: the record's cost per notebook, each profile's budget against
    the measured wall time of its last ``make execute``, package versions."""
    lines = ["# Status", "", "## The record", "",
             "What each notebook of record cost to compute (its stored `compute_s`, summed over resumed attempts), "
             "where and at which commit. `make record` recomputes what no longer matches the code; "
             "`make record-status` shows a running record.", ""] + _timing_table(record)
    lines += _not_yet_recorded(record)
    lines += ["## Speed budgets", "",
              "The wall time of the last `make execute` at each profile that computed its notebooks "
              "(`results/<profile>/execution.json`), on this book's 2-core CPU.", "",
              "| profile | budget | measured | notebooks run | jobs × threads | git commit |", "|---|---|---|---|---|---|"]
    for profile in BUDGET_MIN:
        e = executions.get(profile)
        if not e:
            lines.append(f"| `{profile}` | {BUDGET_MIN[profile]} min | not measured | | | |")
            continue
        within = "within" if e["wall_s"] <= 60 * BUDGET_MIN[profile] else "**over**"
        lines.append(f"| `{profile}` | {BUDGET_MIN[profile]} min | {e['wall_s'] / 60:.1f} min ({within}) | "
                     f"{e['notebooks_run']} of {e['notebooks']} | {e['jobs']} × {e['threads']} | `{e['git_commit']}` |")
    if build not in (PAPER, FULL, "record") and build_results:
        lines += ["", f"## This build (`{build}`)", ""] + _timing_table(build_results)
    versions = next(iter(record.values() or build_results.values()), {}).get("provenance", {}).get("versions", {})
    if versions:
        lines += ["", "## Packages", "", " · ".join(f"{k} {v}" for k, v in versions.items())]
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
    parser.add_argument("profile", nargs="?", default="record")
    parser.add_argument("--started", type=float, help="when `make execute` started (Unix seconds)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    build = args.profile if args.profile == "record" else get_profile(args.profile).name
    build_results = {} if build == "record" else load_results(build)
    if build != "record":
        write_scorecard(build)
        if args.started is not None:
            record_execution(build, build_results, args.started, args.jobs, args.threads)
    results = record_results()
    if not results:  # a fork without committed results: its own build is all there is
        results = {n: {**d, "record_profile": build} for n, d in build_results.items()}
    rows = record_rows(results)
    if load_results(PAPER):
        write_scorecard(PAPER)
    notebooks = sorted(p.stem for p in (repo_root() / "notebooks").glob("*.py"))
    of_record = {n: d["record_profile"] for n, d in results.items()}
    folder = repo_root() / "book" / "generated"
    pages = {
        "summary.md": summary_snippet(rows, of_record, notebooks),
        "colab.md": colab_snippet(notebooks),
        "scorecard.md": scorecard_page(rows),
        "differences.md": differences_page(rows),
        "status.md": status_page(results, build_results, build, stored_executions()),
    }
    for name, text in pages.items():
        atomic_write_text(folder / name, text)
    print(f"report: {len(rows)} claims of record ({sum(p == PAPER for p in of_record.values())} notebooks at the "
          f"paper's settings) -> {folder}")
