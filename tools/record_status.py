"""Where the record stands: each notebook of the paper profile, done / partly stored /
running / waiting, with its compute time so far. Standard library only.

    python3 tools/record_status.py        (make record-status)
"""
import json
import time

from notebook_order import ROOT, recorded_seconds

RESULTS, EXECUTED, CHECKPOINTS = ROOT / "results" / "paper", ROOT / "_build" / "executed" / "paper", ROOT / ".checkpoints"


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def main() -> None:
    names = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))
    done = waiting = 0
    now = time.time()
    for name in names:
        path, running = RESULTS / f"{name}.json", EXECUTED / f".{name}.running.ipynb"
        doc = json.loads(path.read_text()) if path.exists() else None
        if doc and doc.get("complete", True):
            done += 1
            line = f"done     {minutes(doc['compute_s']):>10}  on {doc['device']}"
        elif running.exists():
            stored = ", ".join(doc["outputs"]) if doc else "nothing yet"
            line = f"running  {'':>10}  last cell {minutes(now - running.stat().st_mtime)} ago; stored: {stored}"
        else:
            waiting += 1
            line = f"waiting  {'':>10}  (full profile: {minutes(recorded_seconds(name, 'full'))})"
        print(f"{name:32s} {line}")
    saves = sorted(CHECKPOINTS.glob("*/*.pt"), key=lambda p: p.stat().st_mtime)
    last = f"; last checkpoint {int(now - saves[-1].stat().st_mtime)} s ago" if saves else ""
    print(f"\n{done} of {len(names)} notebooks done, {waiting} waiting{last}")


if __name__ == "__main__":
    main()
