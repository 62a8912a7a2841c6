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


#: CPU seconds a timed run lasts at least (the work repeated): a run of a few microseconds
#: is at the mercy of one interruption, and gave 16x on a loaded machine for linear work.
MIN_RUN = 0.0001
#: Measurements taken at most while the ratio stays at or above LINEAR_BOUND: an interruption
#: rarely hits twice, quadratic work is above it every time.
TRIES = 3


def _cpu(run: Callable[[], object], repeat: int, loops: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(loops):
            run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def growth(work: Callable[[int], object], n: int, *, repeat: int = 3) -> float:
    """Return CPU time of ``work(4 * n)`` over that of ``work(n)`` (best of ``repeat`` each,
    each run repeating the work until it lasts MIN_RUN at size n); measured again, up to
    TRIES times, while it is at or above LINEAR_BOUND, the smallest ratio kept."""
    work(n)  # warm caches and lazy imports
    loops = 1
    while loops < 1024 and _cpu(lambda: work(n), 1, loops) < MIN_RUN:
        loops *= 2
    ratio = float("inf")
    for _ in range(TRIES):
        small = _cpu(lambda: work(n), repeat, loops)
        large = _cpu(lambda: work(4 * n), repeat, loops)
        ratio = min(ratio, large / small)
        if ratio < LINEAR_BOUND:
            break
    return ratio
