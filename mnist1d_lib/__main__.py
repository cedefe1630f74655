"""Command line: rerun a chapter with your own seeds and settings.

    python -m mnist1d_lib run double_descent --profile paper --seeds 0-9 --set epochs=300
    python -m mnist1d_lib run pooling --profile quick --set "sizes=[1000, 5000]" --device cpu

The whole configuration is checked before anything runs (an unknown setting or a bad
value is an error naming what is allowed). A run with seeds or settings of its own is
stored apart from the record, in ``results/runs/<profile>-<hash>/``; the executed
notebook goes to ``_build/executed/runs/<profile>-<hash>/``. Needs a clone of the book
and its ``book`` extras (papermill).
"""
from __future__ import annotations

import argparse
import ast
import re
import sys

from .paths import repo_root, results_dir
from .profiles import customised


def notebook_section(notebook: str) -> str:
    """The profile section a notebook reads (from its ``m1.notebook.start`` call)."""
    path = repo_root() / "notebooks" / f"{notebook}.py"
    if not path.exists():
        names = sorted(p.stem for p in (repo_root() / "notebooks").glob("*.py"))
        raise SystemExit(f"unknown notebook {notebook!r}: choose one of {', '.join(names)}")
    match = re.search(r'm1\.notebook\.start\("[a-z_]+", "([a-z_]+)"', path.read_text())
    return match[1]


def parse_setting(text: str) -> tuple[str, object]:
    """``name=value`` with value a Python literal (``300``, ``[8, 16]``, ``True``) or a word."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise SystemExit(f"--set {text!r}: write name=value, e.g. --set epochs=300")
    try:
        return name.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return name.strip(), value.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m mnist1d_lib", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute one notebook with your seeds and settings")
    run.add_argument("notebook")
    run.add_argument("--profile", default="quick", help="smoke, quick, full or paper (default quick)")
    run.add_argument("--seeds", help='a list "0,3,7" or a range "0-9"')
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting of the chapter")
    run.add_argument("--device", default="auto")
    run.add_argument("--force", action="store_true", help="recompute even when a stored result matches")
    args = parser.parse_args(argv)
    section = notebook_section(args.notebook)
    overrides = dict(parse_setting(s) for s in args.set)
    try:
        profile = customised(args.profile, section, args.seeds, overrides, args.notebook)  # every value checked here
    except ValueError as err:
        raise SystemExit(f"{args.notebook}: {err}") from None
    import papermill

    out = repo_root() / "_build" / "executed" / profile.folder / f"{args.notebook}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(str(repo_root() / "notebooks" / f"{args.notebook}.ipynb"), str(out),
                               parameters={"profile": args.profile, "device": args.device, "force": args.force,
                                           "seeds": args.seeds, "overrides": overrides},
                               cwd=str(repo_root() / "notebooks"), kernel_name="python3", progress_bar=False)
    print(f"{args.notebook} at {profile.name}: results in {results_dir(profile.folder)}, notebook {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
