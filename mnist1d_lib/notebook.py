"""What the chapter notebooks share: starting a run, and showing settings and measurements."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import plotting, runtimes
from .paths import in_clone
from .profiles import FULL, PAPER, customised
from .results import Run, changed_outputs, load_results, to_jsonable

RECORD = "record"  # profile="record": the stored results of record, never recomputed


def start(name: str, section: str, profile: str, device: str = "auto", force: bool = False,
          seeds=None, overrides: dict | None = None) -> tuple[Run, Any]:
    """Set the plotting style; return the ``Run`` that collects notebook ``name``'s
    results and the profile's settings of ``section`` (a ``Profile`` field), with the
    reader's ``seeds`` and ``overrides`` applied (``profiles.customised``: all checked
    before anything runs). A customised run is stored apart from the record, and says so."""
    plotting.setup()
    stored_only = profile == RECORD
    if stored_only:  # the results of record: the paper profile's where this notebook has them, else full's
        profile = PAPER if name in load_results(PAPER) else FULL
    run = Run(name, profile=customised(profile, section, seeds, overrides, name), device=device, force=force,
              stored_only=stored_only)
    if not in_clone():
        _note(f"**Outside a clone of the book.** The results of record (`results/paper/`, `results/full/`) are "
              f"not here, so this notebook cannot show the stored record beside its own numbers, nor reuse "
              f"stored results: it computes everything at the `{run.profile}` profile into `{run.dir}`.")
    if run.settings.base is not None:
        _note(f"**Not the record.** This run changes `{section}` of the `{run.settings.base}` profile "
              f"({changed_settings(run, section)}); its results go to `results/{run.settings.folder}/`, "
              "apart from the results of record.")
    _note(record_banner(run))
    return run, getattr(run.settings, section)


def record_banner(run: Run) -> str:
    """Where this chapter's verdicts of record come from, and what they are (Markdown)."""
    from .record import outputs_by_device, paper_progress, record_results, record_rows, where_computed
    from .report import badge

    results = record_results()
    doc = results.get(run.notebook)
    if doc is None:
        return (f"**Not yet run at the paper's settings, nor at the `full` profile.** This page shows the "
                f"`{run.profile}` profile's results, which are not the record.")
    profile = doc["record_profile"]
    cost = doc.get("compute_s", 0) / 60
    where = ("at the paper's own settings (`paper` profile)" if profile == PAPER else
             "at the one-hour `full` profile: **not yet run at the paper's settings**")
    commits, devices = where_computed(doc)
    lines = [f"**Results of record** for this chapter: {where}, computed at commit "
             f"{', '.join(f'`{c}`' for c in commits)} on {', '.join(devices)} ({cost:.1f} min of compute)."]
    if len(devices) > 1:
        lines.append("Which outputs each device computed: " + "; ".join(
            f"{d}: " + ", ".join(f"`{k}`" for k in keys) for d, keys in outputs_by_device(doc).items()) + ".")
    stale = changed_outputs(doc)
    progress = paper_progress(run.notebook)
    if progress:
        lines.append("Stored so far at the paper's settings (measured compute): " + "; ".join(
            f"`{k}` {m:.0f} min" for k, m in progress.items()) + ". `make record` goes on from there.")
    joined = {k: o["seeds_reused"] for k, o in doc.get("outputs", {}).items() if o.get("seeds_reused")}
    if joined:
        lines.append("Joined from stacks computed apart (`Run.compute_seeds`): " + "; ".join(
            f"`{k}`: seeds {', '.join(map(str, j['seeds']))} from an earlier stack in `{j['from']}`, the others "
            "computed after" for k, j in joined.items()) + ".")
    if stale:
        lines.append("The code these results reached has changed since (" + "; ".join(
            f"`{k}`: {', '.join(v)}" for k, v in stale.items()) + "): they are shown as computed; `make record` "
            "recomputes them.")
    if run.profile != profile or run.settings.base is not None:
        lines.append(f"**This page ran at `{run.profile}`, which is not the record**: its own numbers below are "
                     "not the verdicts of record.")
    rows = [r for r in record_rows(results) if r["section"] == run.notebook and r["verdict"] != "not run"]
    if rows:
        lines += ["", "| verdict | claim | paper | ours |", "|---|---|---|---|"]
        lines += [f"| {badge(r['verdict'])} | {r['claim_id'].split('/', 1)[1]} | {r['paper']} | "
                  f"{r['reproduced']}{' ± ' + r['spread'] if r['spread'] else ''} |" for r in rows]
    return "\n".join(lines)


def verdicts(run: Run, section: str):
    """This run's verdicts of ``section`` as a table for the web: verdict badge first, the
    claim in words, the paper's value, ours (mean ± std), the 95 % interval, seeds. A run
    that is not the record (a reader's own seeds or settings, or another profile) gets a
    last column with the verdict of record, so that each claim shows how its verdict and
    interval moved. A chapter's run time against the paper's (``runtimes``) is recorded
    here first."""
    from .record import record_rows
    from .report import badge

    stored_config = run.stored.get("config") if run.stale else None  # what stale outputs were computed under
    for claim_id, values in runtimes.measurements(section, run.outputs, run.settings, stored_config).items():
        run.record(claim_id, values)
    if run.stale:
        _note("**Stored before a change.** " + "; ".join(f"`{k}`: {v} changed since" for k, v in run.stale.items())
              + ". The results below are shown as they were computed; `make record` recomputes them.")
    rows = _section_rows(run, section)
    is_record = run.stored_only or run.profile == PAPER
    record = {} if is_record else {r["claim_id"]: r for r in record_rows() if r["n_seeds"]}
    wrap = "style='white-space:normal;vertical-align:top'"

    def ours(r):
        return (f"{r['reproduced']}{' ± ' + r['spread'] if r['spread'] else ''}"
                f"<br><small>{r['n_seeds']} seeds{'; ' + r['interval'] if r['interval'] else ''}</small>")

    def of_record(r):
        rec = record.get(r["claim_id"])
        return (f"{badge(rec['verdict'])}<br>{ours(rec)}<br><small>{rec['record_profile']} profile</small>"
                if rec else "<small>not in the record</small>")

    cells = "".join(
        f"<tr><td {wrap}>{badge(r['verdict'])}</td><td {wrap}><code>{r['claim_id'].split('/', 1)[1]}</code><br>"
        f"<small>{r['description']}</small>"
        + (f"<br><small><i>{r['cause']}: {r['reason']}</i></small>" if r["cause"] else "") + "</td>"
        f"<td {wrap}>{r['paper']}</td><td {wrap}>{ours(r)}</td>"
        + (f"<td {wrap}>{of_record(r)}</td>" if record else "") + "</tr>"
        for r in rows)
    widths = (17, 55, 10, 18) if not record else (14, 44, 9, 16, 17)
    heads = ["verdict", "claim", "paper", "ours (seeds; 95 % interval)"] + (["the record"] if record else [])
    table = pd.DataFrame(rows, columns=["verdict", "claim_id", "paper", "reproduced", "spread", "interval"])
    if record:
        table["record verdict"] = [record.get(r["claim_id"], {}).get("verdict", "") for r in rows]
        table["record interval"] = [record.get(r["claim_id"], {}).get("interval", "") for r in rows]
    return _rich("HTML", "<table class='verdicts' style='width:100%;table-layout:fixed'><colgroup>"
                 + "".join(f"<col style='width:{w}%'>" for w in widths) + "</colgroup><thead><tr>"
                 + "".join(f"<th>{h}</th>" for h in heads) + f"</tr></thead><tbody>{cells}</tbody></table>", table)


def _section_rows(run: Run, section: str) -> list[dict]:
    """Scorecard rows of this run's measurements of ``section`` (claims it did not measure left out)."""
    from .scorecard import scorecard_rows

    return [r for r in scorecard_rows({"this run": {"metrics": run.metrics}}, run.profile)
            if r["section"] == section and r["verdict"] != "not run"]


def findings(run: Run, section: str):
    """The chapter's findings in sentences, with this run's numbers (Markdown)."""
    rows = _section_rows(run, section)
    lines = [f"At the `{run.profile}` profile:", ""]
    for r in rows:
        ours = f"{r['reproduced']}{' ± ' + r['spread'] if r['spread'] else ''}"
        paper = "" if r["verdict"] == "new" else f" (paper: {r['paper']})"
        lines.append(f"- **{r['verdict']}**: {r['description']}: ours {ours}{paper}"
                     + (f"; {r['cause']}: {r['reason']}" if r["cause"] else "") + ".")
    if run.settings.base is not None:  # a reader's run: how each verdict moved from the record's
        from .record import record_rows

        record = {r["claim_id"]: r for r in record_rows()}
        lines += ["", "How this run's verdicts compare with the record's:", "",
                  "| claim | record: verdict, seeds, interval | this run: verdict, seeds, interval |", "|---|---|---|"]
        for r in rows:
            rec = record.get(r["claim_id"], {})
            lines.append(f"| `{r['claim_id']}` | {rec.get('verdict', 'not run')}, {rec.get('n_seeds', 0)}, "
                         f"{rec.get('interval', '')} | {r['verdict']}, {r['n_seeds']}, {r['interval']} |")
    text = "\n".join(lines)
    return _rich("Markdown", text, text)


def _rich(kind: str, text: str, plain):
    """IPython's ``HTML`` or ``Markdown`` of ``text`` in a notebook; ``plain`` where IPython
    is not installed (a chapter run as a script from an installed wheel)."""
    try:
        from IPython import display
    except ImportError:
        return plain
    return getattr(display, kind)(text)


def _note(text: str) -> None:
    """Show ``text`` as Markdown in a notebook (printed when run as a script)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)


def changed_settings(run: Run, section: str) -> str:
    """The settings of ``section`` that a customised run changed, as "name = value" text."""
    from .profiles import get_profile

    ours = to_jsonable(getattr(run.settings, section))
    base = to_jsonable(getattr(get_profile(run.settings.base), section))
    return ", ".join(f"{k} = {v}" for k, v in ours.items() if base[k] != v)


def settings_table(settings) -> pd.DataFrame:
    """A settings dataclass as a one-column table (tuples shown as lists)."""
    return pd.DataFrame({"setting": {k: str(v) for k, v in to_jsonable(settings).items()}})


def record_measurements(run: Run, measurements: dict[str, list]) -> pd.DataFrame:
    """Record each claim's per-seed values in ``run`` and show them (yes/no as 1/0)."""
    for claim_id, values in measurements.items():
        run.record(claim_id, values)
    return pd.Series({claim_id: np.round(np.asarray(v, dtype=float), 2).tolist()
                      for claim_id, v in measurements.items()}, name="one value per seed (yes/no as 1/0)").to_frame()


def best_and_worst(summary: pd.DataFrame) -> pd.DataFrame:
    """The settings with the lowest and the highest mean test error of a
    ``double_descent_analysis.seed_summary`` table (compact, for the web)."""
    rows = summary.loc[[summary["test_err_mean"].idxmin(), summary["test_err_mean"].idxmax()]]
    return compact(rows.set_index(pd.Index(["lowest test error", "highest test error"])))


def compact(table: pd.DataFrame) -> pd.DataFrame:
    """A table narrow enough for the book's column: each ``<x>_mean``/``<x>_std`` pair as
    one "mean ± std" column ``x``, numbers to 3 significant digits, headers without underscores."""
    out = table.copy()
    for mean in [c for c in out.columns if str(c).endswith("_mean")]:
        base, std = str(mean)[:-5], f"{str(mean)[:-5]}_std"
        if std in out.columns:
            out[base] = [f"{m:.3g} ± {s:.2g}" if s == s else f"{m:.3g}" for m, s in zip(out[mean], out[std])]
            out = out.drop(columns=[mean, std])
    out = out.apply(lambda col: col.map(lambda v: f"{v:.3g}" if isinstance(v, float) else v))
    return out.rename(columns=lambda c: str(c).replace("_", " "))


def _value_text(value) -> str:
    """A setting's value in prose: numbers to 4 significant digits, lists joined by commas."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(v) for v in value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def prose(text: str, settings):
    """``text`` (Markdown) with every ``{field}`` replaced by this run's value of that
    setting of ``settings``, so that a chapter's prose states values, never setting names."""
    values = {name: _value_text(v) for name, v in to_jsonable(settings).items()}
    return _rich("Markdown", text.format(**values), text.format(**values))


def schedule_differences(run: Run, section: str, fields: list[str]) -> pd.DataFrame:
    """This run's ``fields`` of ``section`` beside the paper profile's (the record's
    settings), and whether they differ: for an ablation's *Differences* section."""
    from .profiles import get_profile

    ours, paper = to_jsonable(getattr(run.settings, section)), to_jsonable(getattr(get_profile(PAPER), section))

    def shown(value):
        return f"{len(value)} values: {value[0]} ... {value[-1]}" if isinstance(value, list) and len(value) > 6 \
            else str(value)

    return pd.DataFrame([{"setting": f, f"this run ({run.profile})": shown(ours[f]), "paper profile": shown(paper[f]),
                          "differs": "yes" if ours[f] != paper[f] else ""} for f in fields]).set_index("setting")
