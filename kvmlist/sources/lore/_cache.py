"""The on-disk cache of lore answers: one file per request, written whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

#: Temporary files are ``.part.<pid>.<random>``, so a sweep can tell a dead writer's.
PART_PREFIX = ".part."
#: A temporary file this old is an orphan whatever its pid says (another machine's writer).
ORPHAN_AGE = 24 * 3600.0


def default_cache_dir() -> Path:
    """Return ``$XDG_CACHE_HOME/kvmlist/lore`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "kvmlist" / "lore"


class Cache:
    """Answers by request, under a directory two processes may share."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._swept = False

    def path(self, method: str, url: str) -> Path:
        """Return the file that holds the answer to a request."""
        digest = hashlib.sha256(f"{method} {url}".encode()).hexdigest()
        return self.directory / digest[:2] / digest

    def read(self, method: str, url: str) -> bytes | None:
        """Return the cached answer, or None."""
        try:
            return self.path(method, url).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def discard(self, method: str, url: str) -> None:
        """Forget a cached answer (one found unusable)."""
        with contextlib.suppress(OSError):
            self.path(method, url).unlink()

    def write(self, method: str, url: str, data: bytes) -> None:
        """Store an answer atomically: readers see the old file or the whole new one."""
        if not self._swept:
            self._swept = True
            sweep_orphans(self.directory)
        path = self.path(method, url)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{PART_PREFIX}{os.getpid()}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def sweep_orphans(directory: Path) -> None:
    """Remove the temporary files of writers that died before their rename (SIGKILL, OOM)."""
    now = time.time()
    for part in directory.glob(f"*/{PART_PREFIX}*"):
        with contextlib.suppress(OSError):
            if not _writer_alive(part.name) or now - part.stat().st_mtime > ORPHAN_AGE:
                part.unlink()


def _writer_alive(name: str) -> bool:
    pid = name[len(PART_PREFIX) :].partition(".")[0]
    if os.name != "posix" or not pid.isdigit() or len(pid) > 9:
        return True  # only the age tells (on Windows, os.kill(pid, 0) would kill it)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True
