"""One parallel map for independent computations, on an existing engine (joblib).

``pmap(fn, items)`` returns ``[fn(item) for item in items]``, computed by
``workers()`` processes (``$MNIST1D_WORKERS``, default 1: in this process). The
engine is joblib's: its local ``loky`` processes by default, or any backend a
``joblib.parallel_config`` around the call selects, e.g. a Dask cluster::

    from dask.distributed import Client
    import joblib
    client = Client("tcp://scheduler:8786")          # or Client() for a local cluster
    with joblib.parallel_config(backend="dask"):
        ...run the notebook or make target...

What goes into one item is fixed by the caller's config, never by the number of
workers, and every item seeds its own generators, so results do not depend on how
many workers there are (a test compares 1 and 2 workers, and a Dask cluster).
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Processes for ``pmap`` (``$MNIST1D_WORKERS``, default 1)."""
    value = os.environ.get("MNIST1D_WORKERS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"MNIST1D_WORKERS={value!r}: give a whole number of processes, 1 or more")
    return int(value)


def pmap(fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``fn(item)`` for every item, in order, yielded as they are done (so that each can
    be stored at once). One worker computes them here, one after another; more use
    joblib (loky processes, or the backend of an enclosing ``joblib.parallel_config``)."""
    items = list(items)
    if workers() == 1 or len(items) < 2:
        yield from map(fn, items)
        return
    from joblib import Parallel, delayed

    yield from Parallel(n_jobs=min(workers(), len(items)), return_as="generator")(delayed(fn)(i) for i in items)
