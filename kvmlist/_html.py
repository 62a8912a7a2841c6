"""Compact HTML for Jupyter: a patch, a series with its patches and missing parts, counts."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kvmlist._shown import shown

if TYPE_CHECKING:
    from kvmlist.models import Patch, ReviewTrailer, Series

STYLE = "border-collapse:collapse;font-family:monospace;font-size:90%"
#: Written after a review trailer that names somebody else than its reply's sender.
NOT_THEIRS = " (not sent by them)"
#: How many review trailers a patch's table lists, and a series' row.
PATCH_TRAILERS, SERIES_TRAILERS = 20, 5


def escape(text: str) -> str:
    """Return a sender's text as HTML: escaped, and a bidi override or control character
    written as an escape (it would reorder or hide what is shown)."""
    return html.escape(shown(text))


def patch_html(patch: Patch) -> str:
    """Return a one-table summary of a patch."""
    stat = patch.diffstat
    rows = [
        ("subject", patch.subject),
        ("author", str(patch.author or "")),
        ("date", patch.date.isoformat() if patch.date else ""),
        ("version / index", f"v{patch.version} {patch.index}/{patch.total}"),
        ("trailers", "; ".join(str(t) for t in patch.trailers)),
        ("review trailers", _listed(patch.review_trailers, str, "; ", PATCH_TRAILERS)),
        (
            "diffstat",
            f"{stat.files_changed} files, +{stat.insertions} -{stat.deletions}" if stat else "",
        ),
        ("defects", ", ".join(str(d) for d in patch.defects)),
    ]
    body = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in rows
        if v
    )
    return f"<table style='{STYLE}'>{body}</table>"


def index_ranges(indices: Iterable[int], *, limit: int = 40) -> str:
    """Return indices as ranges ("1-12, 14"), or their count when that is longer than limit."""
    ordered = sorted(set(indices))
    runs: list[list[int]] = []
    for index in ordered:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
    return text if len(text) <= limit else f"{len(ordered)} indices"


def series_html(series: Series) -> str:
    """Return a series as a table: its cover, every index 1..total, runs of missing parts
    as one row each (a bogus "1/999" should not draw 999 rows)."""
    present = {p.index: p for p in series.patches}
    state = "complete" if series.complete else f"missing {index_ranges(series.missing)}"
    head = (
        f"<b>v{series.version} {escape(series.title)}</b> — {escape(str(series.author or ''))}, "
        f"{len(series.patches)}/{series.total}, {state}"
    )
    rows = [_header("#", "title", "author", "review trailers")]
    if series.cover is not None:
        rows.append(_row("0", series.cover.title, str(series.cover.author or ""), "cover"))
    index = 1
    while index <= series.total:
        patch = present.get(index)
        if patch is None:
            end = index
            while end + 1 <= series.total and end + 1 not in present:
                end += 1
            number = str(index) if end == index else f"{index}-{end}"
            rows.append(_row(number, "(missing)", "", "", missing=True))
            index = end + 1
            continue
        reviews = _listed(patch.review_trailers, lambda t: t.key, ", ", SERIES_TRAILERS)
        rows.append(_row(str(index), patch.title, str(patch.author or ""), reviews))
        index += 1
    return f"<div>{head}<table style='{STYLE}'>{''.join(rows)}</table></div>"


def _listed(
    trailers: Sequence[ReviewTrailer], text: Callable[[ReviewTrailer], str], joint: str, limit: int
) -> str:
    """The first ``limit`` review trailers as text, one naming somebody else than its sender
    (``mismatch``: not credited) marked so, then how many more there are."""
    shown = [text(t) + (NOT_THEIRS if t.mismatch else "") for t in trailers[:limit]]
    more = len(trailers) - limit
    return joint.join(shown) + (f"{joint}… and {more} more" if more > 0 else "")


def _header(*names: str) -> str:
    cells = "".join(f"<th style='text-align:left'>{escape(n)}</th>" for n in names)
    return f"<thead><tr>{cells}</tr></thead>"


def _row(index: str, title: str, author: str, note: str, *, missing: bool = False) -> str:
    style = " style='color:#b00'" if missing else ""
    cells = "".join(f"<td>{escape(c)}</td>" for c in (index, title, author, note))
    return f"<tr{style}>{cells}</tr>"


def key_text(key: object) -> str:
    """Return a counted key as a reader writes it: ("2026-03-02", "Arm") -> "2026-03-02 · Arm"."""
    if isinstance(key, tuple):
        return " · ".join(key_text(part) for part in key)
    return str(key)


def counts_html(top: list[tuple[Any, int]], total: int, keys: int) -> str:
    """Return counts as a table: rank, key, count and share of the total, then what is left."""
    rows = _header("#", "key", "patch mails", "share") + "".join(
        f"<tr><td style='text-align:right'>{rank}</td><td>{escape(key_text(key))}</td>"
        f"<td style='text-align:right'>{count}</td>"
        f"<td style='text-align:right'>{100 * count / total:.1f}%</td></tr>"
        for rank, (key, count) in enumerate(top, 1)
    )
    more = keys - len(top)
    tail = f"<tr><td></td><td colspan='3'>… and {more} more</td></tr>" if more > 0 else ""
    head = f"<b>{total} patch mails, {keys} keys</b>"
    return f"<div>{head}<table style='{STYLE}'>{rows}{tail}</table></div>"
