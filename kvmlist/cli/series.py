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
        return (
            json.dumps([s.model_dump(mode="json", exclude=_NO_RAW) for s in found], indent=2) + "\n"
        )
    return render_rows([_series_row(s) for s in found], args.format, SERIES_COLUMNS)


_NO_RAW: Any = {
    "cover": {"raw"},
    "patches": {"__all__": {"raw"}},
    "replaced": {"__all__": {"raw"}},
}


SERIES_COLUMNS = ("version", "present", "total", "cover", "missing", "date", "author", "title")


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
    }
