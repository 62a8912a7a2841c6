"""``kvmlist series``: the patch series of an archive, as a table, CSV, JSON or Parquet."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kvmlist._html import index_ranges
from kvmlist.cli.loading import Loaded, progress_for
from kvmlist.cli.output import render_rows, write_parquet
from kvmlist.grouping.series import group_series
from kvmlist.models import Series


def run_series(args: argparse.Namespace, loaded: Loaded) -> str | None:
    """Return the series as rows (None once --format parquet has written them)."""
    found = group_series(loaded.messages, progress=progress_for(args, "grouping"))
    if args.format == "parquet":
        from kvmlist.outputs.export import to_dataframe

        write_parquet(to_dataframe(found, of="series"), args.output)
        return None
    if args.format == "json":
        return json.dumps([_series_json(s) for s in found], indent=2) + "\n"
    if args.format == "table":
        return render_rows([_table_row(s) for s in found], "table", SERIES_COLUMNS)
    return render_rows([_series_row(s) for s in found], args.format, SERIES_DATA_COLUMNS)


_NO_RAW: Any = {
    "cover": {"raw"},
    "patches": {"__all__": {"raw"}},
    "replaced": {"__all__": {"raw"}},
}


SERIES_COLUMNS = ("version", "present", "total", "cover", "missing", "date", "author", "title")
#: The columns of CSV: the table's, and apart whether a series is a stable backport and to
#: which tree ("" when its tag names none), so that version stays a number.
SERIES_DATA_COLUMNS = (*SERIES_COLUMNS, "backport", "stable_tree")


def _series_json(series: Series) -> dict[str, Any]:
    """The series as JSON: the model, without raw bytes, and its stable tree."""
    return series.model_dump(mode="json", exclude=_NO_RAW) | {
        "is_backport": series.is_backport,
        "stable_tree": series.stable_tree,
    }


def _table_row(series: Series) -> dict[str, Any]:
    """A table row: a backport's version cell names its stable tree (``1 (6.12)``), so that
    one fix's runs for several trees, alike but for their totals, tell apart."""
    row = _series_row(series)
    tree = row.pop("stable_tree")
    if row.pop("backport") == "yes":
        row["version"] = f"{series.version} ({tree or 'stable'})"
    return row


def _series_row(series: Series) -> dict[str, Any]:
    return {
        "version": series.version,
        "present": len(series.patches),
        "total": series.total,
        "cover": "yes" if series.cover else "no",
        "missing": index_ranges(series.missing),
        "date": series.date.isoformat() if series.date else "",
        "author": str(series.author or ""),
        "title": series.title,
        "backport": "yes" if series.is_backport else "no",
        "stable_tree": series.stable_tree or "",
    }
