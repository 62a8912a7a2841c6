"""Show that every regular expression in kvmlist runs in linear time on hostile lines.

For each compiled pattern at module level in kvmlist (the ``RE_*`` constants), feed
pathological inputs of 0.5 MB and 1 MB the way the code uses the pattern — ``search`` for the
ones it scans with (search, sub, finditer), ``match``/``fullmatch`` for the anchored ones — and
print the worst time at 1 MB and the ratio t(1 MB)/t(0.5 MB): about 2 for linear behaviour,
about 4 for quadratic.
Exit status 1 when a pattern looks super-linear. Run: ``python bench/regex_linear.py``.
"""

from __future__ import annotations

import importlib
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
    "dashes": lambda n: "-" * n,
    "pluses": lambda n: "+" * n,
    "index": lambda n: "1/" * (n // 2),
    "versions": lambda n: "v" * n,
    "at-signs": lambda n: "a@" * (n // 2),
    "pipes": lambda n: " x" + " " * n + "| 1 +",
    "digits-colons": lambda n: "1:" * (n // 2),
    "equals": lambda n: "=?" * (n // 2),
}
SUSPICIOUS_RATIO = 3.0
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


def worst_time(pattern: Pattern, size: int, scans: bool) -> tuple[float, str]:
    """Return the slowest time over all shapes at this size (as the code uses it), and the shape."""
    worst, which = 0.0, ""
    for shape, make in SHAPES.items():
        text = make(size)
        subject: str | bytes = text.encode() if isinstance(pattern.pattern, bytes) else text
        elapsed = min(_once(pattern, subject, scans) for _ in range(REPEATS))
        if elapsed > worst:
            worst, which = elapsed, shape
    return worst, which


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
        half, _ = worst_time(pattern, 500_000, scans)
        full, shape = worst_time(pattern, 1_000_000, scans)
        ratio = full / half if half > 1e-4 else 1.0
        flag = ratio > SUSPICIOUS_RATIO and full > 0.01
        bad += flag
        rows.append((name, full, shape, ratio, flag))
    print(f"{'pattern':60} {'1 MB worst':>11} {'shape':>14} {'x2 ratio':>9}")
    for name, full, shape, ratio, flag in sorted(rows, key=lambda r: -r[1]):
        note = "  SUPER-LINEAR?" if flag else ""
        print(f"{name:60} {full * 1000:9.2f}ms {shape:>14} {ratio:9.2f}{note}")
    print(f"\n{len(rows)} patterns, {bad} suspicious")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
