"""A stacked computation's value, split per seed and joined again (``Seeded``, for
``results.Run.compute_seeds``).

Every chapter that trains its seeds as one stack returns per-seed results in one of two
shapes; each shape has a ``split(value, seeds) -> {seed: part}`` and a ``join(parts) ->
value`` that rebuilds, from one part per seed, the value a stack of those seeds returns:

- **rows**: ``{..., "runs": [{..., "seed": s, ...}, ...], <lists parallel to the rows>}``,
  one row per (setting, seed), seeds innermost;
- **leading axis**: dicts and lists of dicts whose other lists have one entry per seed, in
  the order of the seeds (``shared`` names the lists that do not, e.g. ``"step"``).

This module imports nothing of the library.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


def split_rows(value: dict | list, seeds: list[int], rows: str | None = "runs",
               shared: frozenset[str] = frozenset({"step"})) -> dict[int, dict | list]:
    """{seed: ``value`` with only that seed's rows}; every other list of ``value`` but
    ``shared`` is parallel to the rows and is cut alike. ``rows=None``: ``value`` is the
    list of rows."""
    if rows is None:
        return {s: [r for r in value if r["seed"] == s] for s in seeds}
    index = {s: [i for i, r in enumerate(value[rows]) if r["seed"] == s] for s in seeds}
    return {s: {k: v if k in shared else [v[i] for i in index[s]] for k, v in value.items()} for s in seeds}


def join_rows(parts: list[dict | list], rows: str | None = "runs", shared: frozenset[str] = frozenset({"step"}),
              by: tuple[str, ...] | None = None) -> dict | list:
    """One value from one-seed ``parts`` (in seed order): rows by setting (the fields ``by``
    of a row, or all but its seed), in the order of the first part, and within a setting
    by seed."""
    if rows is None:
        return join_rows([{"runs": p} for p in parts], "runs", shared, by)["runs"]

    def setting(row: dict) -> str:
        return repr([row[k] for k in by] if by else sorted((k, v) for k, v in row.items() if k != "seed"))

    order = list(dict.fromkeys(setting(r) for r in parts[0][rows]))
    picks = [(p, i) for key in order for p in parts for i, r in enumerate(p[rows]) if setting(r) == key]
    return {k: v if k in shared else [p[k][i] for p, i in picks] for k, v in parts[0].items()}


def member_seeds(config: dict) -> list[int]:
    """The seeds of a stored config's ``members`` (dicts with a ``seed``), in order."""
    return list(dict.fromkeys(m["seed"] for m in config["members"]))


def split_leading(value: Any, seeds: list[int], shared: frozenset[str] = frozenset({"step"})) -> dict[int, Any]:
    """{seed: ``value`` with every per-seed list cut to that seed's entry (a list of one)}."""
    return {s: _take(value, i, shared) for i, s in enumerate(seeds)}


def join_leading(parts: list[Any], shared: frozenset[str] = frozenset({"step"})) -> Any:
    """One value from one-seed ``parts`` (in seed order): per-seed lists concatenated."""
    first = parts[0]
    if isinstance(first, dict):
        return {k: first[k] if k in shared else join_leading([p[k] for p in parts], shared) for k in first}
    if isinstance(first, list) and first and all(isinstance(x, dict) for x in first):
        return [join_leading([p[i] for p in parts], shared) for i in range(len(first))]
    if isinstance(first, list):
        return [x for p in parts for x in p]
    return first


def _take(value: Any, index: int, shared: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: v if k in shared else _take(v, index, shared) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        return [_take(x, index, shared) for x in value]
    if isinstance(value, list):
        return value[index:index + 1]
    return value


@dataclass(frozen=True)
class Seeded:
    """A computation whose seeds train side by side but independently (one stack), so a
    value for some seeds can be split per seed and joined with others (``Run.compute_seeds``).

    ``build(settings, device)`` -> (config, fn) computes every seed of ``settings.<field>``;
    ``split(value, seeds)`` -> {seed: part}; ``join(parts)`` -> the value of those parts' seeds,
    in their order, as ``build`` of those seeds would return it; ``seeds_of(config)`` reads
    the seeds from a stored output's (JSON) config (by default its settings' ``field``).
    ``first_seed_only``: the value also holds something of its first seed alone (a map), so
    a stored part can lead the joined value only if it led the stored one.
    ``splittable(config)``: False for a (JSON) config whose seeds are not independent (they
    draw from one shared random stream): its seeds are always computed together."""

    build: Callable[[Any, str], tuple[Any, Callable[[], Any]]]
    split: Callable[[Any, list[int]], dict[int, Any]]
    join: Callable[[list[Any]], Any]
    field: str = "seeds"
    seeds_of: Callable[[dict], list[int]] | None = None
    first_seed_only: bool = False
    splittable: Callable[[dict], bool] = lambda config: True

    def stored_seeds(self, config: dict) -> list[int]:
        return self.seeds_of(config) if self.seeds_of else config.get("settings", config)[self.field]
