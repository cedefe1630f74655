"""Results of a notebook run: stored outputs, provenance, metrics and figures.

Each notebook writes ``results/<profile>/<notebook>.json``::

    {"notebook", "profile", "seed", "device", "config", "runtime_s", "compute_s",
     "outputs": {key: {"cache_key", "compute_s", "value"}},
     "metrics": {claim_id: {"values": [...], "n_seeds"}},
     "provenance": {"git_commit", "versions", "started"}, "figures": [...]}

and its figures to ``results/<profile>/figures/<notebook>/<name>.{png,pdf}``.
``Run.compute`` reuses a stored output when its cache key -- a hash of the
key's config, of the computation's own code and of the library modules it uses
(with their imports) -- is unchanged, so a rerun after editing only prose or
plots, or another chapter's module, costs seconds.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import json
import os
import platform
import subprocess
import time
import types
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from .files import atomic_write_text
from .profiles import get_profile
from .train import resolve_device

LIBRARY_DIR = Path(__file__).resolve().parent
PRESENTATION_MODULES = ("plotting", "scorecard", "report")
PACKAGES = ("mnist1d", "torch", "numpy", "scipy", "scikit-learn", "matplotlib", "seaborn", "pandas")


def repo_root() -> Path:
    """The checkout this library lives in (else the working directory)."""
    for parent in [LIBRARY_DIR.parent, *LIBRARY_DIR.parents]:
        if (parent / "_toc.yml").exists():
            return parent
    return Path.cwd()


def results_dir(profile: str) -> Path:
    """Where a profile's results go: ``results/<profile>`` of the checkout, or
    ``$MNIST1D_RESULTS/<profile>`` (the tests use a temporary folder)."""
    return Path(os.environ.get("MNIST1D_RESULTS", repo_root() / "results")) / profile


def code_of(source: str) -> str:
    """The code of a Python source without its comments, docstrings and layout (a
    dump of its syntax tree), so that rewording them never invalidates a result."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def library_hash(modules: Iterable[str] | None = None) -> str:
    """sha256 over the code (``code_of``) of library modules: ``modules`` (stems), or
    every module that computes results. ``plotting``, ``scorecard`` and ``report`` only
    present stored results (figures and verdicts are redone on every run) and are
    never included."""
    names = sorted(modules) if modules is not None else sorted(p.stem for p in LIBRARY_DIR.glob("*.py"))
    h = hashlib.sha256()
    for name in names:
        path = LIBRARY_DIR / f"{name}.py"
        if name in PRESENTATION_MODULES or not path.exists():
            continue
        h.update(path.name.encode())
        h.update(code_of(path.read_text()).encode())
    return h.hexdigest()[:16]


def module_dependencies(names: Iterable[str]) -> set[str]:
    """The given library modules and every library module they import, transitively
    (read from their sources' relative imports)."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        path = LIBRARY_DIR / f"{name}.py"
        if name in seen or not path.exists():
            continue
        seen.add(name)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo.extend([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
    return seen


def computation_fingerprint(fn: Callable) -> tuple[str, list[str]]:
    """What a computation depends on: a hash of its own code (and of the notebook
    functions it calls) and of the library modules it names, with their imports.

    Returns (hash, sorted module names). A change to any of these invalidates a
    stored result; a change to an unrelated chapter's module does not.
    """
    library = {p.stem for p in LIBRARY_DIR.glob("*.py")}
    h, names, seen = hashlib.sha256(), set(), set()

    def visit(code: types.CodeType, scope: dict) -> None:
        if code in seen:
            return
        seen.add(code)
        h.update(code.co_code)
        h.update(repr([c for c in code.co_consts if not isinstance(c, types.CodeType)]).encode())
        names.update(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                visit(const, scope)
        for name in code.co_names + code.co_freevars:  # notebook functions that the computation calls
            other = scope.get(name)
            if inspect.isfunction(other) and not other.__module__.startswith(__package__):
                visit_function(other)
            elif inspect.ismodule(other) and other.__name__.startswith(__package__ + "."):
                names.add(other.__name__.rsplit(".", 1)[-1])  # a library module under another name

    def visit_function(f) -> None:
        cells = dict(zip(f.__code__.co_freevars, (c.cell_contents for c in f.__closure__ or ())))
        visit(f.__code__, {**f.__globals__, **cells})

    fn = getattr(fn, "func", fn)  # functools.partial
    if inspect.isfunction(fn) and fn.__module__.startswith(__package__):
        names.add(fn.__module__.rsplit(".", 1)[-1])
    elif inspect.isfunction(fn):
        visit_function(fn)
    # profiles is left out: its values reach a computation through the config, which is in the cache key
    modules = sorted(module_dependencies((names & library) | {"results"}) - set(PRESENTATION_MODULES) - {"profiles"})
    h.update(library_hash(modules).encode())
    return h.hexdigest()[:16], modules


def to_jsonable(value: Any) -> Any:
    """Numpy arrays and scalars, tuples and dataclass-like dicts as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        if not np.isfinite(value):
            return None  # JSON has no NaN/inf; a diverged value is stored as null
        return float(f"{value:.7g}")  # float32 precision keeps result diffs readable
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return to_jsonable(asdict(value))
    return value


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=LIBRARY_DIR, capture_output=True,
                             text=True, timeout=10)
        # results/ is left out: a run rewrites its own committed results
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!results"],
                               cwd=LIBRARY_DIR.parent, capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def device_description(device: str) -> str:
    import torch

    dev = resolve_device(device)
    if dev.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(dev)})"
    return f"cpu ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} threads)"


class Run:
    """One execution of a notebook under a profile; collects outputs, metrics and figures.

    >>> run = Run("classification", profile="quick", seed=0, device="cpu")
    >>> out = run.compute("table1", config, lambda: experiment(config))
    >>> run.record("classification/cnn/test_acc", per_seed_values)
    >>> run.save_figure(fig, "curves"); run.save()
    """

    def __init__(self, notebook: str, profile: str, seed: int = 0, device: str = "auto", force: bool = False):
        self.notebook, self.profile, self.seed, self.force = notebook, get_profile(profile).name, seed, force
        self.device = str(resolve_device(device))
        self.dir = results_dir(self.profile)
        self.path = self.dir / f"{notebook}.json"
        self.started = time.time()
        self.stored = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.outputs: dict[str, dict] = {}
        self.metrics: dict[str, dict] = {}
        self.figures: list[str] = []

    def compute(self, key: str, config: Any, fn: Callable[[], Any]) -> Any:
        """Return ``fn()``, or the stored value of an earlier run with the same cache key.

        The value goes through JSON either way (arrays become lists), so a fresh
        and a cached run hand the notebook identical objects.
        """
        code_hash, modules = computation_fingerprint(fn)
        cache_key = hashlib.sha256(json.dumps(
            {"config": to_jsonable(config), "seed": self.seed, "device": self.device, "code": code_hash},
            sort_keys=True).encode()).hexdigest()[:16]
        stored = self.stored.get("outputs", {}).get(key)
        if stored and stored["cache_key"] == cache_key and not self.force:
            self.outputs[key] = stored
            return stored["value"]
        start = time.time()
        value = json.loads(json.dumps(to_jsonable(fn())))
        self.outputs[key] = {"cache_key": cache_key, "compute_s": round(time.time() - start, 2), "value": value,
                             "config": to_jsonable(config), "library_modules": modules}
        return value

    def record(self, claim_id: str, values) -> None:
        """Record the measurement behind a scorecard claim: one value per seed
        (a bool or a number), or a single value for a deterministic quantity."""
        values = [to_jsonable(v) for v in np.atleast_1d(np.asarray(values, dtype=object))]
        self.metrics[claim_id] = {"values": values, "n_seeds": len(values)}

    def save_figure(self, fig, name: str) -> None:
        """Save ``fig`` under the run's figure folder in the profile's ``figure_formats``
        (PNG for the book, PDF for papers)."""
        folder = self.dir / "figures" / self.notebook
        folder.mkdir(parents=True, exist_ok=True)
        for ext in get_profile(self.profile).figure_formats:
            tmp = folder / f".{name}.tmp.{ext}"
            fig.savefig(tmp, dpi=150 if ext == "png" else None, bbox_inches="tight",
                        metadata={"CreationDate": None} if ext == "pdf" else {"Software": None})
            os.replace(tmp, folder / f"{name}.{ext}")
        self.figures.append(f"figures/{self.notebook}/{name}.png")

    def save(self) -> Path:
        """Write the results file atomically and return its path."""
        runtime = time.time() - self.started
        doc = {
            "notebook": self.notebook, "profile": self.profile, "seed": self.seed,
            "device": device_description(self.device), "config": to_jsonable(get_profile(self.profile)),
            "runtime_s": round(runtime, 2),
            "compute_s": round(sum(o["compute_s"] for o in self.outputs.values()), 2),
            "outputs": self.outputs, "metrics": self.metrics, "figures": self.figures,
            "provenance": {"git_commit": git_commit(), "versions": package_versions(),
                           "library_hash": library_hash(),
                           "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        }
        atomic_write_text(self.path, json.dumps(doc, indent=1, sort_keys=False) + "\n")
        return self.path


EXECUTION_FILE = "execution.json"  # the last `make execute` (see report.record_execution), not a notebook


def load_results(profile: str) -> dict[str, dict]:
    """All notebook results of a profile, by notebook name."""
    folder = results_dir(get_profile(profile).name)
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json")) if p.name != EXECUTION_FILE}
