"""Wall-clock timing shared by the benchmark scripts."""
from __future__ import annotations

import time

import torch


def timed(fn) -> float:
    """Seconds that ``fn()`` takes (waiting for CUDA kernels, if any, to finish)."""
    start = time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start
