"""Where the record stands: each notebook of the paper profile, done / stale / running /
waiting, with its compute time so far. A notebook is *stale* when some of its stored
outputs reached library code that has changed since (``results.changed_outputs``):
the book still shows them, with a note, but ``make record`` recomputes them.

    make record-status        (runs this in the project's .venv)
"""
import json
import time

from notebook_order import ROOT, recorded_seconds

from mnist1d_lib.results import changed_outputs

RESULTS, EXECUTED, CHECKPOINTS = ROOT / "results" / "paper", ROOT / "_build" / "executed" / "paper", ROOT / ".checkpoints"


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def state(name: str, doc: dict | None, running: bool, now: float, since: float) -> tuple[str, str]:
    """(done | stale | running | waiting, the rest of the notebook's line) from its stored
    results ``doc`` (None: none yet), whether papermill is running it, and when its
    running copy was last written (``since``, seconds since the epoch)."""
    if running:
        stale = changed_outputs(doc) if doc else {}
        current = [k for k in (doc or {}).get("outputs", {}) if k not in stale]
        return "running", f"last cell {minutes(now - since)} ago; stored: {', '.join(current) or 'nothing yet'}"
    if doc and doc.get("complete", True):
        stale = changed_outputs(doc)
        if not stale:
            return "done", f"{minutes(doc['compute_s']):>10}  on {doc['device']}"
        return "stale", (f"{'':>10}  {len(stale)} of {len(doc['outputs'])} outputs reached code changed since "
                         f"(was {minutes(doc['compute_s'])})")
    return "waiting", f"{'':>10}  (full profile: {minutes(recorded_seconds(name, 'full'))})"


def main() -> None:
    names = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))
    now, counts = time.time(), {}
    for name in names:
        path, running = RESULTS / f"{name}.json", EXECUTED / f".{name}.running.ipynb"
        doc = json.loads(path.read_text()) if path.exists() else None
        kind, line = state(name, doc, running.exists(), now, running.stat().st_mtime if running.exists() else now)
        counts[kind] = counts.get(kind, 0) + 1
        print(f"{name:32s} {kind:8s} {line}")
    saves = sorted(CHECKPOINTS.glob("*/*.pt"), key=lambda p: p.stat().st_mtime)
    last = f"; last checkpoint {int(now - saves[-1].stat().st_mtime)} s ago" if saves else ""
    print(f"\n{counts.get('done', 0)} of {len(names)} notebooks done, "
          + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("stale", "running", "waiting")) + last)


if __name__ == "__main__":
    main()
