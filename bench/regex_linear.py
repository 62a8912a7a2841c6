"""Show that every regular expression in kvmlist runs in linear time on hostile lines.

For each compiled pattern at module level in kvmlist (the ``RE_*`` constants), feed
pathological inputs of 125 kB to 1 MB the way the code uses the pattern — ``search`` for the
ones it scans with (search, sub, finditer), ``match``/``fullmatch`` for the anchored ones.
For every input shape, the growth exponent k of t ~ n^k is fitted (least squares on log t
against log n) over the four sizes: about 1 for linear behaviour, 2 for quadratic. One
noisy timing moves a fit over four sizes far less than it moves a single ratio.
Exit status 1 when a pattern looks super-linear (k above 1.5 and over 10 ms at 1 MB).
Run: ``python bench/regex_linear.py``.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import kvmlist

SHAPES: dict[str, Callable[[int], str]] = {
    "letters": lambda n: "a" * n,
    "spaces": lambda n: " " * n + "x",
    "tabs+spaces": lambda n: " \t" * (n // 2) + "|",
    "angles": lambda n: "<" * n,
    "parens": lambda n: "(" * n,
    "brackets": lambda n: "[" * n,
    "from-line": lambda n: "From " + "x " * (n // 2),
    "key-colon": lambda n: "Key: " + " " * n + "y",
    # a value split by blanks after a field name ("change-id:   a   b"): a pattern that takes
    # blanks, a token and blanks again tries every split of them
    "field-blanks": lambda n: "change-id:" + " " * (n // 2) + "a" + " " * (n // 2) + "b",
    "dashes": lambda n: "-" * n,
    "pluses": lambda n: "+" * n,
    "index": lambda n: "1/" * (n // 2),
    "versions": lambda n: "v" * n,
    "at-signs": lambda n: "a@" * (n // 2),
    "pipes": lambda n: " x" + " " * n + "| 1 +",
    "digits-colons": lambda n: "1:" * (n // 2),
    "equals": lambda n: "=?" * (n // 2),
    "encoded-words": lambda n: "=?x?q?a " * (n // 8),
    "semicolons": lambda n: "text/plain" + "; x" * (n // 3),
}
SIZES = (125_000, 250_000, 500_000, 1_000_000)
#: Growth exponents above this look super-linear (linear is 1, quadratic 2).
SUSPICIOUS_EXPONENT = 1.5
#: Times below this are timer noise; they do not enter the fit.
NOISE_FLOOR = 2e-4
#: Each timing is the best of this many runs, so a garbage collection does not look quadratic.
REPEATS = 3


Pattern = re.Pattern[str] | re.Pattern[bytes]


def patterns() -> list[tuple[str, Pattern, bool]]:
    """Return every module-level compiled pattern of kvmlist, its name, and whether the code
    scans with it (search/sub/finditer: every start position) rather than anchoring it."""
    found = []
    for info in pkgutil.walk_packages(kvmlist.__path__, "kvmlist."):
        if info.name.endswith("__main__"):
            continue  # importing it runs the command line
        module = importlib.import_module(info.name)
        source = Path(module.__file__ or "").read_text()
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and f"{name} = re.compile" in source:
                scans = any(f"{name}.{verb}(" in source for verb in SCANNING)
                found.append((f"{info.name}.{name}", value, scans))
    return found


SCANNING = ("search", "sub", "finditer", "findall", "split")


def worst_growth(pattern: Pattern, scans: bool) -> tuple[float, float, str]:
    """Return the largest growth exponent over all shapes, its time at the largest size,
    and the shape (as the code uses the pattern)."""
    worst, worst_key = (0.0, 0.0, ""), (False, 0.0)
    for shape, make in SHAPES.items():
        times = []
        for size in SIZES:
            text = make(size)
            subject: str | bytes = text.encode() if isinstance(pattern.pattern, bytes) else text
            times.append(min(_once(pattern, subject, scans) for _ in range(REPEATS)))
        exponent = fitted_exponent(SIZES, times)
        key = (times[-1] > 0.01, exponent)  # a slow shape's growth matters most
        if key > worst_key:
            worst, worst_key = (exponent, times[-1], shape), key
    return worst


def fitted_exponent(sizes: tuple[int, ...], times: list[float]) -> float:
    """Return k of t ~ n^k fitted by least squares in log-log space (1.0 when all is noise)."""
    points = [
        (math.log(n), math.log(t)) for n, t in zip(sizes, times, strict=True) if t > NOISE_FLOOR
    ]
    if len(points) < 2:
        return 1.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def _once(pattern: Pattern, subject: str | bytes, scans: bool) -> float:
    start = time.perf_counter()
    if scans:
        pattern.search(subject)  # type: ignore[arg-type]
    else:
        pattern.match(subject)  # type: ignore[arg-type]
        pattern.fullmatch(subject)  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> int:
    rows, bad = [], 0
    for name, pattern, scans in patterns():
        exponent, full, shape = worst_growth(pattern, scans)
        flag = exponent > SUSPICIOUS_EXPONENT and full > 0.01
        bad += flag
        rows.append((name, full, shape, exponent, flag))
    print(f"{'pattern':60} {'1 MB time':>10} {'shape':>14} {'exponent':>9}")
    for name, full, shape, exponent, flag in sorted(rows, key=lambda r: (-r[3], -r[1])):
        note = "  SUPER-LINEAR?" if flag else ""
        print(f"{name:60} {full * 1000:8.2f}ms {shape:>14} {exponent:9.2f}{note}")
    print(f"\n{len(rows)} patterns, {bad} suspicious (fit over {len(SIZES)} sizes per shape)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
