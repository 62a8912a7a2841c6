"""``git patch-id --stable`` for every commit and every mailed diff, in ONE git process.

The commits' raw ``git log -p`` output and the mails' diffs (each behind a made-up
``commit <40 hex digits>`` line numbering it) go through the same process; git prints
``<patch-id> <id>`` per diff, and nothing for a commit or mail without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kvmlist.grouping.landed.git import run_git

#: Mail numbers are written as 40-hex "ids" starting with this, which no real sha will match
MAIL_MARK = "f" * 24


def patch_ids(tree: Path, log: bytes, diffs: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Return (commit sha -> patch-id, patch-id per mailed diff, "" where it has none)."""
    parts = [log]
    for number, diff in enumerate(diffs):
        parts.append(f"\ncommit {_mail_id(number)}\n\n".encode())
        parts.append(diff.replace("\r\n", "\n").encode("utf-8", "surrogateescape"))
    output = run_git(tree, "patch-id", "--stable", stdin=b"".join(parts))
    by_commit: dict[str, str] = {}
    by_mail = [""] * len(diffs)
    for line in output.decode("ascii", "replace").splitlines():
        patch_id, _, name = line.partition(" ")
        if name.startswith(MAIL_MARK):
            by_mail[int(name[len(MAIL_MARK) :], 16)] = patch_id
        elif name:
            by_commit[name] = patch_id
    return by_commit, by_mail


def _mail_id(number: int) -> str:
    return f"{MAIL_MARK}{number:016x}"
