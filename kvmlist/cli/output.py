"""Where the command line's results go: rows as a table, CSV, JSON or Parquet; stdout or a file."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kvmlist._shown import shown
from kvmlist.errors import UsageError
from kvmlist.outputs._files import replace_file

EXIT_OK = 0
#: The command ran and found something wrong with the input (``check``: mails lost, a mail
#: with no header or an entry skipped).
EXIT_FOUND = 1
#: A user's mistake: a bad option, a missing or unreadable file, an unwritable output.
EXIT_USAGE = 2
#: Ctrl-C, as a shell reports it (128 + SIGINT).
EXIT_INTERRUPTED = 130

#: Formats written to a file only, never to a terminal.
FILE_ONLY_FORMATS = ("parquet",)


def open_standard_streams() -> None:
    """Give each standard stream closed when the command started (``2>&-``) /dev/null: a
    file opened later would take its descriptor (and git, which inherits it, write into
    it), and the notes for a closed stderr go nowhere rather than to stdout (``print`` to
    None). sys.stdin and sys.stdout stay None: a command that needs one is refused
    (kvmlist.cli.checks)."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - stderr, for the whole run


def say(text: str) -> None:
    """Tell the user something on stderr, as ``kvmlist: text`` (:func:`shown`).

    Every text the command line writes passes through ``shown``: a hostile sender's subject
    or name must not clear the screen, retitle the window or reorder what is shown."""
    print(f"kvmlist: {shown(text)}", file=sys.stderr)


def note(args: argparse.Namespace, text: str) -> None:
    """Tell the user something on stderr, unless --quiet."""
    if not getattr(args, "quiet", False):
        say(text)


def render_rows(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str]) -> str:
    """Return rows as an aligned table, CSV or JSON text.

    Each row has these columns, in this order; CSV has them as its header even without a
    row (so that an empty week's CSV says what it would hold), and quotes every field, so
    that a spreadsheet splitting at ";" or a tab finds no formula inside one (OWASP's CSV
    injection advice, with :func:`_not_a_formula`); a table without a row is empty."""
    if rows and list(rows[0]) != list(columns):
        raise ValueError(f"a row's columns {list(rows[0])} are not {list(columns)}")
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=list(columns), lineterminator="\n", quoting=csv.QUOTE_ALL
        )
        writer.writeheader()
        writer.writerows({key: _not_a_formula(value) for key, value in row.items()} for row in rows)
        return buffer.getvalue()
    if not rows:
        return ""
    # measured as shown: an escaped control character (a tab too) is 4 or 6 characters wide
    cells = [{c: shown(cell_text(r[c]), in_line=True) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    for row in cells:
        lines.append("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())
    return "\n".join(lines) + "\n"


#: What a spreadsheet takes a cell for a formula by (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# x;=cmd|' /C calc'!A0   (a formula start right after a separator a spreadsheet may split at
# instead of ",": ";" in de/fr/nl/it locales, a tab, "|"; or after a line break)
RE_FORMULA_INSIDE = re.compile(r"([,;\t|\r\n])([=+\-@\t\r])")


def _not_a_formula(value: Any) -> Any:
    """A CSV cell: text a spreadsheet would run as a formula (a hostile subject or name,
    ``=HYPERLINK(...)``) gets a leading ``'``, which spreadsheets show as text; so does a
    formula start behind a separator inside it ("x;'=cmd"), a cell of its own where the CSV
    is read with ";" (quoting does not stop that: the quote opens the first cell only)."""
    if not isinstance(value, str):
        return value
    value = RE_FORMULA_INSIDE.sub(r"\1'\2", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell_text(value: Any) -> str:
    """Return a value as a table shows it: "-" for a value that is absent (never "None")."""
    return "-" if value is None else str(value)


def is_stdout(path: str | None) -> bool:
    """True when output goes to standard output: no ``-o``, or ``-o -``."""
    return not path or path == "-"


def emit(text: str, path: str | None) -> int:
    """Write text to the file at path, else to stdout; return the exit status."""
    return EXIT_OK if deliver(text, path) != "failed" else EXIT_USAGE


def deliver(text: str, path: str | None) -> str:
    """Write text to the file at path, else to stdout, and say how that went.

    ``written`` in full; ``closed`` when the reader of a pipe went away (``| head`` is
    fine, but not everything was read); ``failed`` when the output could not be written
    (one line on stderr: a full disk or stdout, an unwritable file).
    """
    text = shown(text)
    try:
        if not is_stdout(path):
            replace_file(str(path), lambda name: Path(name).write_text(text, encoding="utf-8"))
            return "written"
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return "closed"
    except OSError as error:
        where = "standard output" if is_stdout(path) else path
        say(f"{where}: {error.strerror or error}")
        _quiet_stdout()
        return "failed"
    return "written"


def emit_bytes(data: bytes, path: str | None) -> None:
    """Write bytes to the file at path, else to stdout; an unwritable output is a UsageError.

    Mails shown on a terminal are text to read: their control characters are escaped
    (:func:`shown`); a file or a pipe gets every byte."""
    if not is_stdout(path):
        write_file(str(path), lambda name: Path(name).write_bytes(data))
        return
    try:
        if sys.stdout.isatty():
            sys.stdout.write(shown(data.decode("utf-8", "replace")))
        else:
            sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    except OSError as error:
        _quiet_stdout()
        raise UsageError(f"standard output: {error.strerror or error}") from None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail (and print) again."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def write_file(path: str, write: Callable[[str], object]) -> None:
    """Write the file at path with a function given the name to write (:func:`replace_file`);
    an OSError is a UsageError."""
    try:
        replace_file(path, write)
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def write_folder(path: str, write: Callable[[], object]) -> None:
    """Run a function that writes files into the folder at path; an OSError is a UsageError."""
    try:
        write()
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def write_parquet(frame: Any, path: str) -> None:
    """Write a DataFrame to a Parquet file (needs ``kvmlist[pandas]``)."""
    from kvmlist.outputs import export

    write_file(path, lambda name: export.to_parquet(frame, name))


def rows_frame(rows: list[dict[str, Any]], columns: Sequence[str], types: dict[str, str]) -> Any:
    """Return rows (:func:`render_rows`') as a DataFrame of these columns, typed alike whether
    rows is empty or not: a column as ``types`` names it (``int64`` for counts, ``Int64`` or
    ``Float64`` for a figure that may be missing: None is ``<NA>``), else text
    (``kvmlist[pandas]``)."""
    from kvmlist._frames import pandas_module, text_dtype

    frame = pandas_module().DataFrame(rows, columns=list(columns))
    return frame.astype({column: types.get(column, text_dtype()) for column in columns})
