"""Results of a notebook run: stored outputs, provenance, metrics and figures.

Each notebook writes ``results/<profile>/<notebook>.json``::

    {"notebook", "profile", "complete", "device", "config", "runtime_s", "compute_s",
     "outputs": {key: {"cache_key", "compute_s", "value", "config", "reached", "device", "git_commit"}},
     "metrics": {claim_id: {"values": [...], "n_seeds"}},
     "provenance": {"git_commit", "versions", "finished"}, "figures": [...]}

and its figures to ``results/<profile>/figures/<notebook>/<name>.{png,pdf}``. The
notebook's ``compute_s`` (seconds, one thread) sums its outputs' except those reused
from another notebook's file (``stored_in``), so a profile's total counts each once.
``Run.compute`` reuses a stored output when its cache key -- a hash of the
computation's config and of the source text of the code it reaches
(``fingerprint``) -- is unchanged, so a rerun after editing prose, plots, or a
function the computation does not call costs seconds. Each output is written the
moment it is computed (the file says ``"complete": false`` until the notebook ends),
and long computations checkpoint inside (``checkpoints``), so a stopped run goes on
where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import time
from datetime import datetime, timezone
from importlib import metadata
from dataclasses import replace
from functools import partial
from typing import Any, Callable

import numpy as np

from . import checkpoints
from .files import atomic_write_text
from .fingerprint import changed, fingerprint
from .parallel import pmap
from .paths import LIBRARY_DIR, repo_root, results_dir  # noqa: F401  (re-exported for report and scorecard)
from .profiles import Profile, get_profile
from .seeds import Seeded
from .train import resolve_device

PACKAGES = ("mnist1d", "torch", "numpy", "scipy", "scikit-learn", "matplotlib", "seaborn", "pandas")


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
    """The library checkout's short commit, "-dirty" when it has changes outside results/, or
    "unknown". ``$MNIST1D_GIT_COMMIT`` overrides it: whoever sends a copy of the checkout to
    another machine (a GPU machine, say) names the commit sent, which that copy's git may not."""
    if os.environ.get("MNIST1D_GIT_COMMIT"):
        return os.environ["MNIST1D_GIT_COMMIT"]
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


def _resumable_call(job: tuple[str, bool, Callable[[], Any]]) -> tuple[Any, float]:
    """(JSON value, compute seconds over every attempt) of one computation ``(cache key,
    fresh, fn)``, its training loops checkpointing under the key (in whichever process runs it)."""
    cache_key, fresh, fn = job
    with checkpoints.resumable(cache_key, fresh=fresh):
        value = json.loads(json.dumps(to_jsonable(fn())))
        seconds = checkpoints.elapsed()
    return value, round(seconds, 2)


def _difference(stored: Any, config: Any) -> str:
    """What differs between a stored output's config and the one asked for (JSON values):
    the settings both name, by name; else which settings the key covers; else the code."""
    def flat(c):
        return {**{k: v for k, v in c.items() if k != "settings"}, **c.get("settings", {})} if isinstance(c, dict) else {"": c}

    old, new = flat(stored), flat(config)
    names = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    if names:
        return "settings " + ", ".join(f"`{k}`" for k in names)
    return "the settings its cache key covers" if set(old) != set(new) else "the code it reaches"


class Run:
    """One execution of a notebook under a profile; collects outputs, metrics and figures.

    >>> run = Run("classification", profile="quick", device="cpu")
    >>> out = run.compute("table1", config, lambda: experiment(config))
    >>> run.record("classification/cnn/test_acc", per_seed_values)
    >>> run.save_figure(fig, "curves"); run.save()
    """

    def __init__(self, notebook: str, profile: str | Profile, device: str = "auto", force: bool = False,
                 stored_only: bool = False):
        """``stored_only``: render the stored results as they are, even where the code they
        reached or their settings have changed since (``stale``: {output: what changed});
        compute only what is not stored at all. The book of record runs so, and never starts an hours-long recompute."""
        self.stored_only, self.stale = stored_only, {}
        self.settings = profile if isinstance(profile, Profile) else get_profile(profile)
        self.notebook, self.profile, self.force = notebook, self.settings.name, force
        self.device = str(resolve_device(device))
        self.dir = results_dir(self.settings.folder)
        self.path = self.dir / f"{notebook}.json"
        self.started = time.time()
        self.commit = git_commit()  # of the code this run loaded; a commit made while it runs is not
        self.stored = json.loads(self.path.read_text()) if self.path.exists() else {}
        self._reusable: dict[str, dict] | None = None  # read when first needed (see ``reusable``)
        self.outputs: dict[str, dict] = {}
        self.metrics: dict[str, dict] = {}
        self.figures: list[str] = []
        self.computed = False  # whether any output was computed rather than read from the store

    @property
    def reusable(self) -> dict[str, dict]:
        """{cache key: stored output} of every notebook of this run's results folder and, for
        a reader's run, of its named profile: a computation whose key any of them holds is
        not computed again (the same search in several ablations, the seeds the record already
        has). Each output names the notebook file it was first stored in (``stored_in``)."""
        if self._reusable is None:
            folders = [self.dir] + ([results_dir(self.settings.base)] if self.settings.base else [])
            self._reusable = {}
            for path in (p for folder in folders for p in sorted(folder.glob("*.json"))):
                doc = json.loads(path.read_text())
                for o in (doc.get("outputs", {}) if isinstance(doc, dict) else {}).values():
                    if isinstance(o, dict) and "cache_key" in o:
                        self._reusable.setdefault(o["cache_key"], {
                            **o, "stored_in": o.get("stored_in", f"{path.parent.name}/{path.stem}")})
        return self._reusable

    def cache_key(self, config: Any, fn: Callable) -> tuple[str, dict[str, str]]:
        """(key, ``{library definition reached: its hash}``): a hash of ``config`` and of ``fn``'s
        fingerprint. Neither the device nor the machine is part of it: a result of
        record computed on a GPU is the record on a CPU too."""
        code, reached = fingerprint(fn)
        key = hashlib.sha256(json.dumps({"config": to_jsonable(config), "code": code},
                                        sort_keys=True).encode()).hexdigest()[:16]
        return key, reached

    def compute(self, key: str, config: Any, fn: Callable[[], Any]) -> Any:
        """Return ``fn()``, or the stored value of an earlier run with the same cache key.

        The value goes through JSON either way (arrays become lists), so a fresh
        and a cached run hand the notebook identical objects. A fresh value is
        written to the results file at once; while ``fn`` runs, its training loops
        checkpoint under ``.checkpoints/<cache key>/``, and rerunning after a stop
        resumes from there.
        """
        return self.compute_many({key: (config, fn)})[key]

    def compute_many(self, computations: dict[str, tuple[Any, Callable[[], Any]]]) -> dict[str, Any]:
        """``{key: compute(key, config, fn)}`` for ``computations`` = ``{key: (config, fn)}``,
        the missing ones side by side on ``parallel.workers()`` processes (each checkpoints
        in its own process as ``compute`` does, and is stored as soon as it is done). A
        reader's run takes an output it lacks from its named profile's results where the
        cache keys are equal (e.g. a seed the record has computed on its own), and so does any
        run from another notebook's results in its folder (``reusable``)."""
        return self._compute(computations, {})

    def _compute(self, computations: dict[str, tuple[Any, Callable[[], Any]]],
                 parts: dict[str, tuple[str, Callable[[], Any], Callable[[Any, float], Any]]]) -> dict[str, Any]:
        """``compute_many(computations)``, and beside those computations each of ``parts`` =
        ``{key: (cache key, fn, finish)}`` (new seeds of a stored stack, ``compute_seeds_many``),
        whose value is ``finish(fn(), compute seconds)``; all on one ``pmap``."""
        keys = {key: self.cache_key(config, fn) for key, (config, fn) in computations.items()}
        stored = {key: self.stored.get("outputs", {}).get(key) for key in computations}
        for key in computations:
            if not self.force and (not stored[key] or stored[key]["cache_key"] != keys[key][0]):
                stored[key] = self.reusable.get(keys[key][0], stored[key])
        todo = [key for key in computations if self.force or not stored[key]
                or (stored[key]["cache_key"] != keys[key][0] and not self.stored_only)]
        self.stale.update({key: _difference(stored[key]["config"], to_jsonable(computations[key][0]))
                           for key in computations if key not in todo and stored[key]["cache_key"] != keys[key][0]})
        jobs = ([(key, keys[key][0], self.force, computations[key][1]) for key in todo]
                + [(key, cache_key, False, fn) for key, (cache_key, fn, _) in parts.items()])
        done = {}
        for (key, cache_key, _, _), (value, seconds) in zip(jobs, pmap(_resumable_call, [job[1:] for job in jobs])):
            if key in parts:
                done[key] = parts[key][2](value, seconds)
            else:
                self.outputs[key] = {"cache_key": cache_key, "compute_s": seconds, "value": value,
                                     "config": to_jsonable(computations[key][0]), "reached": keys[key][1],
                                     "device": device_description(self.device), "git_commit": self.commit}
                self.computed = True
                self._write(complete=False)
                done[key] = value
            checkpoints.discard(cache_key)
        for key in computations:
            if key not in done:
                self.outputs[key] = stored[key]
                done[key] = stored[key]["value"]
        return {key: done[key] for key in [*computations, *parts]}

    def compute_seeds(self, key: str, seeded: Seeded, settings: Any, device: str) -> Any:
        """``compute(key, *seeded.build(settings, device))``, where the build trains every seed
        of ``settings.<seeded.field>`` in one stack. When that computation is not stored, the
        seeds that an output ``key`` of this notebook already holds with the same code and
        settings but other seeds (its own stored one, or its named profile's for a reader's
        run) are taken from it, and only the others are computed, as the build of ``settings``
        with just those seeds: ten seeds where the record has three cost seven.

        The reused seeds' values are exactly the stored ones, and at one thread a fresh stack of
        all seeds gives the same values bitwise: a member's numbers do not depend on its place
        in a stack (see ``train``); seeds that draw from one shared random stream
        (``seeded.splittable`` False) are all computed afresh. The output says which seeds it
        reused and from where (``seeds_reused``); its ``compute_s`` adds, to the new seeds',
        the reused seeds' share of their stack's when that stack was this notebook's own."""
        return self.compute_seeds_many({key: seeded}, settings, device)[key]

    def compute_seeds_many(self, computations: dict[str, Seeded], settings: Any, device: str) -> dict[str, Any]:
        """``{key: compute_seeds(key, seeded, settings, device)}`` for ``computations`` =
        ``{key: seeded}``, what is missing of each (its whole stack, or its new seeds) side by
        side on ``parallel.workers()`` processes, each stored as soon as it is done."""
        whole, parts = {}, {}
        for key, seeded in computations.items():
            config, fn = seeded.build(settings, device)
            full_key, reached = self.cache_key(config, fn)
            want = [int(s) for s in getattr(settings, seeded.field)]
            stored_here = (self.stored.get("outputs", {}).get(key) or {}).get("cache_key") == full_key
            source = (None if self.force or self.stored_only or stored_here or full_key in self.reusable
                      or not seeded.splittable(to_jsonable(config))
                      else self._seed_source(key, seeded, settings, device, want))
            if source is None:
                whole[key] = (config, fn)
                continue
            missing = [s for s in want if s not in source[0]]
            part_config, part_fn = seeded.build(replace(settings, **{seeded.field: tuple(missing)}), device)
            finish = partial(self._join_seeds, key, seeded, want, missing, source, (full_key, reached, config))
            parts[key] = (self.cache_key(part_config, part_fn)[0], part_fn, finish)
        return self._compute(whole, parts)

    def _join_seeds(self, key: str, seeded: Seeded, want: list[int], missing: list[int],
                    source: tuple[dict[int, Any], dict], computed: tuple[str, dict, Any], part: Any,
                    seconds: float) -> Any:
        """Store and return output ``key`` of ``compute_seeds_many``: the ``want``ed seeds, the
        ``missing`` ones from ``part`` (computed in ``seconds``), the others from ``source``."""
        (have, stored), (full_key, reached, config) = source, computed
        reused = [s for s in want if s not in missing]
        if stored["stored_in"] == f"{self.settings.folder}/{self.notebook}":
            seconds += stored["compute_s"] * len(reused) / len(seeded.stored_seeds(stored["config"]))
        have = {**have, **seeded.split(part, missing)}
        value = json.loads(json.dumps(to_jsonable(seeded.join([have[s] for s in want]))))
        self.outputs[key] = {"cache_key": full_key, "compute_s": round(seconds, 2), "value": value,
                             "config": to_jsonable(config), "reached": reached,
                             "device": device_description(self.device), "git_commit": self.commit,
                             "seeds_reused": {"seeds": reused, "from": stored["stored_in"]}}
        self.computed = True
        self._write(complete=False)
        return value

    def _seed_source(self, key: str, seeded: Seeded, settings: Any, device: str,
                     want: list[int]) -> tuple[dict[int, Any], dict] | None:
        """({seed: part} of the wanted seeds, the stored output they come from) for
        ``compute_seeds``: this notebook's stored output ``key`` (a profile that gained seeds)
        or, for a reader's run, its named profile's, where the cache key equals the build of
        ``settings`` with that output's seeds. None when there is none that holds some of the
        wanted seeds but not all (or it cannot lead the joined value, ``first_seed_only``)."""
        candidates = [(self.stored.get("outputs", {}).get(key), f"{self.settings.folder}/{self.notebook}")]
        if self.settings.base is not None:
            path = results_dir(self.settings.base) / f"{self.notebook}.json"
            doc = json.loads(path.read_text()) if path.exists() else {}
            candidates.append((doc.get("outputs", {}).get(key), f"{self.settings.base}/{self.notebook}"))
        for stored, where in candidates:
            if not stored:
                continue
            seeds = [int(s) for s in seeded.stored_seeds(stored["config"])]
            if (not set(want) & set(seeds) or set(want) <= set(seeds)
                    or (seeded.first_seed_only and want[0] in seeds and want[0] != seeds[0])):
                continue
            config, fn = seeded.build(replace(settings, **{seeded.field: tuple(seeds)}), device)
            if self.cache_key(config, fn)[0] == stored["cache_key"]:
                parts = seeded.split(stored["value"], seeds)
                return {s: parts[s] for s in want if s in parts}, {**stored, "stored_in": where}
        return None

    def record(self, claim_id: str, values) -> None:
        """Record the measurement behind a scorecard claim: one value per seed
        (a bool or a number), or a single value for a deterministic quantity."""
        values = [to_jsonable(v) for v in np.atleast_1d(np.asarray(values, dtype=object))]
        self.metrics[claim_id] = {"values": values, "n_seeds": len(values)}

    def save_figure(self, fig, name: str, source: str | None = None) -> None:
        """Save ``fig`` under the run's figure folder in the profile's ``figure_formats``
        (PNG for the book, PDF for papers), after checking that every legend entry draws
        something and scaling its texts to at least 9 pt at the book's column width.
        ``source`` (e.g. "paper Fig. 4a-b", "seed report 2.4.1") becomes the figure's title."""
        from .plotting import check_legends, readable

        if source:
            fig.suptitle(source, x=0.01, y=1.0, ha="left", va="bottom", fontweight="bold")
        check_legends(fig)
        readable(fig)
        folder = self.dir / "figures" / self.notebook
        folder.mkdir(parents=True, exist_ok=True)
        for ext in self.settings.figure_formats:
            tmp = folder / f".{name}.tmp.{ext}"
            fig.savefig(tmp, dpi=150 if ext == "png" else None, bbox_inches="tight",
                        metadata={"CreationDate": None} if ext == "pdf" else {"Software": None})
            os.replace(tmp, folder / f"{name}.{ext}")
        self.figures.append(f"figures/{self.notebook}/{name}.png")

    def _write(self, complete: bool) -> None:
        """Write what this run has (outputs of earlier runs under other keys are kept
        until the run completes) atomically."""
        outputs = self.outputs if complete else {**self.stored.get("outputs", {}), **self.outputs}
        doc = {
            "notebook": self.notebook, "profile": self.profile, "base_profile": self.settings.base,
            "complete": complete, "device": device_description(self.device),
            # outputs shown as stored after their settings changed keep the config they ran under
            "config": self.stored["config"] if self.stale and "config" in self.stored else to_jsonable(self.settings),
            "runtime_s": round(time.time() - self.started, 2),
            "compute_s": round(sum(o["compute_s"] for o in outputs.values() if "stored_in" not in o), 2),
            "outputs": outputs, "metrics": self.metrics if complete else self.stored.get("metrics", {}),
            "figures": self.figures if complete else self.stored.get("figures", []),
            "provenance": {"git_commit": self.commit, "versions": package_versions(),
                           "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        }
        atomic_write_text(self.path, json.dumps(doc, indent=1, sort_keys=False) + "\n")

    def save(self) -> None:
        """Write the results file, unless every output was read from it unchanged and
        the metrics and figures are those stored (a cache hit leaves a committed file alone)."""
        unchanged = (not self.computed and self.stored.get("complete", True)
                     and self.stored.get("metrics") == self.metrics and self.stored.get("figures") == self.figures
                     and {k: o["cache_key"] for k, o in self.stored.get("outputs", {}).items()}
                     == {k: o["cache_key"] for k, o in self.outputs.items()})
        if not unchanged:
            self._write(complete=True)


EXECUTION_FILE = "execution.json"  # the last `make execute` (see report.record_execution), not a notebook


def changed_outputs(doc: dict) -> dict[str, list[str]]:
    """``{output key: library definitions it reached whose source differs now}`` for the
    outputs of a stored notebook file ``doc`` that no longer match the code (empty when all
    do): what the record banner reports, and what ``make record`` would recompute."""
    outputs = {k: o for k, o in doc.get("outputs", {}).items() if isinstance(o, dict)}
    found = {k: changed(o["reached"]) for k, o in outputs.items() if isinstance(o.get("reached"), dict)}
    return {k: v for k, v in found.items() if v}


def load_results(profile: str) -> dict[str, dict]:
    """All completed notebook results of a profile, by notebook name (a notebook stopped
    half-way has written only some outputs: it is left out; other files, such as the
    measured costs, are not notebooks)."""
    folder = results_dir(get_profile(profile).name)
    docs = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json")) if p.name != EXECUTION_FILE}
    return {name: doc for name, doc in docs.items() if "notebook" in doc and doc.get("complete", True)}
