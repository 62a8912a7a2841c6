"""Where the last report of an inbox ended, so ``--since-last`` picks up from there.

A small JSON file maps each inbox's absolute path to the last commit reported. The command
line records a commit only after the report was written in full, so a failed write reports
the same mails again next time. Each record is a read-modify-write under an exclusive lock
(``fcntl.flock`` on ``FILE.lock``), so parallel runs for different inboxes keep every entry,
and the write is atomic (a temporary file renamed over the old one), so an interrupted run
never leaves a half-written state behind. Before a report is written, the command line
checks that it can be recorded (:func:`check_recordable`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kvmlist.errors import SourceError
from kvmlist.sources.revrange import revision


def default_state_file() -> Path:
    """Return ``$XDG_STATE_HOME/kvmlist/last-reports.json`` (``~/.local/state`` by default)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "kvmlist" / "last-reports.json"


def _key(inbox: str | os.PathLike[str]) -> str:
    return str(Path(inbox).resolve())


def _load(path: Path) -> dict[str, str]:
    try:
        text = path.read_bytes().decode()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SourceError(f"{path}: cannot read the state file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise _not_state(path, "not UTF-8 text") from None
    if not text.strip():
        raise _not_state(path, "it is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        # what kvmlist writes is one object: "{" ... "}"; without its end, a write cut short
        cut = text.lstrip().startswith("{") and not text.rstrip().endswith("}")
        raise _not_state(path, "its JSON is cut short" if cut else "not JSON") from None
    except RecursionError:  # json recurses once per nesting level
        raise _not_state(path, "JSON nested too deeply") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise _not_state(path, "not a JSON object of inbox paths and commits")
    return data


def _not_state(path: Path, why: str) -> SourceError:
    """The one line for a state file kvmlist cannot have written (or a write cut short)."""
    return SourceError(
        f"{path}: not a state file kvmlist wrote ({why}): remove it to start afresh (the next "
        "--since-last report covers the whole archive) or give --state another file"
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for the state file while a run reads, changes and writes it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SourceError(f"{path}: cannot make the state folder: {error.strerror}") from None
    try:
        lock = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 - closed below
    except OSError as error:
        raise SourceError(f"{path}: cannot lock the state file: {error.strerror}") from None
    with lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield


def last_reported(inbox: str | os.PathLike[str], path: Path | None = None) -> str | None:
    """Return the last commit reported for an inbox, or None before the first report; one
    git would read as an option (a state file anyone could write) is a UsageError."""
    path = path or default_state_file()
    last = _load(path).get(_key(inbox))
    return revision(last, f"{path}: the last report of {inbox} ended at") if last else None


def check_recordable(path: Path | None = None) -> None:
    """Raise a SourceError unless a report can be recorded at path: its folder made, its
    lock taken and a file written beside it. Checked before the report is written, so that a
    state that cannot be kept stops the run before it reports, not after."""
    path = path or default_state_file()
    with _locked(path):
        try:
            with tempfile.TemporaryFile(dir=path.parent, prefix=".last-reports."):
                pass
        except OSError as error:
            raise SourceError(f"{path}: cannot write the state file: {error.strerror}") from None


def record_reported(inbox: str | os.PathLike[str], commit: str, path: Path | None = None) -> None:
    """Remember commit as the last one reported for an inbox (locked, atomic write)."""
    path = path or default_state_file()
    with _locked(path):
        state = _load(path)
        state[_key(inbox)] = commit
        _write(path, state)


def _write(path: Path, state: dict[str, str]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".last-reports.")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(state, out, indent=2, sort_keys=True)
        os.replace(temporary, path)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, OSError):
            raise SourceError(f"{path}: cannot write the state file: {error.strerror}") from None
        raise
