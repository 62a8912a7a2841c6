"""Differential testing of kvmlist against two oracles: b4 (series, authors, trailers, reviews)
and git mailinfo (author, title, commit message and diff of every patch mail).

``python -m kvmlist.compare ARCHIVE...`` prints the agreement tables (``--help``); see
docs/fidelity.md for the method and the figures on three lists.
"""

from __future__ import annotations

from kvmlist.compare.b4 import compare_with_b4
from kvmlist.compare.command import main
from kvmlist.compare.git import GIT_FIELDS, compare_with_git
from kvmlist.compare.result import FIELDS, Comparison, Disagreement
from kvmlist.compare.values import norm as _norm

__all__ = [
    "FIELDS",
    "GIT_FIELDS",
    "Comparison",
    "Disagreement",
    "_norm",
    "compare_with_b4",
    "compare_with_git",
    "main",
]
