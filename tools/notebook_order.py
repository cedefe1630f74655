"""Print the notebook names, longest first, for `make -j` to start them in that order.

Longest-first is the classic greedy schedule for parallel jobs: the long notebooks
start at once and the short ones fill the gaps at the end. A notebook's length is
its last recorded ``compute_s`` in ``results/<profile>/`` (else in ``results/full/``,
else 0). For the record (``paper``) the chapters come before the ablations, so that
the paper's own claims are settled first. Standard library only: the Makefile runs
it before any set-up.

    python3 tools/notebook_order.py quick
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ("dataset", "classification", "double_descent", "metalearn_lr", "metalearn_afunc", "lottery",
            "self_supervised", "pooling")


def recorded_seconds(name: str, profile: str) -> float:
    for folder in (profile, "full"):
        path = ROOT / "results" / folder / f"{name}.json"
        if path.exists():
            return float(json.loads(path.read_text()).get("compute_s", 0.0))
    return 0.0


def main(profile: str) -> None:
    names = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))
    first = CHAPTERS if profile == "paper" else names
    print(" ".join(sorted(names, key=lambda n: (n not in first, -recorded_seconds(n, profile)))))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "quick")
