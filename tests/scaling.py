"""How work grows with input size, measured without a wall-clock bound.

A linear step given four times the input does about four times the work; a quadratic one
sixteen times. We compare the best of a few CPU-time runs at N and 4N and accept anything
below ten: generous enough for a loaded machine, far below what quadratic work costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Work for 4N over work for N that still counts as linear (quadratic gives ~16).
LINEAR_BOUND = 10.0


def _cpu(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def growth(work: Callable[[int], object], n: int, *, repeat: int = 3) -> float:
    """Return CPU time of ``work(4 * n)`` over that of ``work(n)`` (best of ``repeat`` each)."""
    work(n)  # warm caches and lazy imports
    small = _cpu(lambda: work(n), repeat)
    large = _cpu(lambda: work(4 * n), repeat)
    return large / small
