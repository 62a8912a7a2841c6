"""Where the command line's results go: rows as a table, CSV, JSON or Parquet; stdout or a file."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kvmlist.errors import UsageError

EXIT_OK = 0
#: The command ran and found something wrong with the input (``check``: mails were lost).
EXIT_FOUND = 1
#: A user's mistake: a bad option, a missing or unreadable file, an unwritable output.
EXIT_USAGE = 2

#: Formats written to a file only, never to a terminal.
FILE_ONLY_FORMATS = ("parquet",)


def render_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    """Return rows as an aligned table, CSV or JSON text."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if not rows:
        return ""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    columns = list(rows[0])
    cells = [{c: cell_text(r[c]) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in cells:
        lines.append("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())
    return "\n".join(lines) + "\n"


def cell_text(value: Any) -> str:
    """Return a value as a table shows it: "-" for a value that is absent (never "None")."""
    return "-" if value is None else str(value)


def emit(text: str, path: str | None) -> int:
    """Write text to the file at path, else to stdout; return the exit status."""
    if path:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"kvmlist: {path}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_OK
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `kvmlist ... | head` is fine
        sys.stderr.close()
    return EXIT_OK


def emit_bytes(data: bytes, path: str | None) -> None:
    """Write bytes to the file at path, else to stdout; an unwritable file is a UsageError."""
    if path:
        write_file(path, lambda: Path(path).write_bytes(data))
        return
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()


def write_file(path: str, write: Callable[[], object]) -> None:
    """Run a function that writes the file at path; turn an OSError into a UsageError."""
    try:
        write()
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def write_parquet(frame: Any, path: str) -> None:
    """Write a DataFrame to a Parquet file (needs ``kvmlist[pandas]``)."""
    from kvmlist.outputs import export

    write_file(path, lambda: export.to_parquet(frame, path))


def rows_frame(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    """Return rows as a DataFrame with these columns, even when empty (``kvmlist[pandas]``)."""
    from kvmlist.outputs.export import _pandas

    return _pandas().DataFrame(rows, columns=columns)
