"""Every module-level regular expression of kvmlist runs in linear time on hostile lines.

bench/regex_linear.py fits growth exponents at up to 1 MB for `make bench`; this test runs
the same patterns and input shapes at a few kB, so a quadratic pattern fails CI in seconds
instead of hanging the benchmark.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .scaling import LINEAR_BOUND, growth

BENCH = Path(__file__).resolve().parent.parent / "bench" / "regex_linear.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regex_linear", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["regex_linear"] = module
    spec.loader.exec_module(module)
    return module


REGEX_LINEAR = _load_bench()
PATTERNS = REGEX_LINEAR.patterns()


def test_the_patterns_of_every_layer_are_found() -> None:
    names = {name for name, _, _ in PATTERNS}
    for layer in ("parse", "sources", "grouping", "compare"):
        assert any(name.startswith(f"kvmlist.{layer}.") for name in names), layer


@pytest.mark.parametrize(("name", "pattern", "scans"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_pattern_is_linear_on_every_hostile_shape(name: str, pattern: object, scans: bool) -> None:
    for shape, make in REGEX_LINEAR.SHAPES.items():

        def work(n: int, make: object = make) -> None:
            text = make(n)  # type: ignore[operator]
            subject = text.encode() if isinstance(pattern.pattern, bytes) else text  # type: ignore[attr-defined]
            REGEX_LINEAR._once(pattern, subject, scans)

        assert growth(work, 4_000, repeat=2) < LINEAR_BOUND, f"{name} on {shape}"
