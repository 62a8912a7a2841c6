"""Where the last report of an inbox ended, so ``--since-last`` picks up from there.

A small JSON file maps each inbox's absolute path to the last commit reported. Writes are
atomic (a temporary file renamed over the old one), so an interrupted run never leaves a
half-written state behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from kvmlist.errors import SourceError


def default_state_file() -> Path:
    """Return ``$XDG_STATE_HOME/kvmlist/last-reports.json`` (``~/.local/state`` by default)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "kvmlist" / "last-reports.json"


def _key(inbox: str | os.PathLike[str]) -> str:
    return str(Path(inbox).resolve())


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise SourceError(f"{path}: unreadable state file: {error}") from None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def last_reported(inbox: str | os.PathLike[str], path: Path | None = None) -> str | None:
    """Return the last commit reported for an inbox, or None before the first report."""
    return _load(path or default_state_file()).get(_key(inbox))


def record_reported(inbox: str | os.PathLike[str], commit: str, path: Path | None = None) -> None:
    """Remember commit as the last one reported for an inbox (atomic write)."""
    path = path or default_state_file()
    state = _load(path)
    state[_key(inbox)] = commit
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".last-reports.")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(state, out, indent=2, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
