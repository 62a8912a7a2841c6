"""One ``git log -p`` pass over a tree: every non-merge commit with its message and diff.

The same bytes feed ``git patch-id`` (see :mod:`.patchid`): commit bodies are indented by four
spaces so that no line of a message can pass for a ``commit``/``From``/``diff`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kvmlist.grouping.landed.git import Background
from kvmlist.models import Person
from kvmlist.sources.revrange import revision

SEP = "\x1f"
#: commit <sha>, then names/addresses (raw and mailmapped), author and committer dates, body
LOG_FORMAT = "commit %H%n%an%x1f%ae%x1f%aN%x1f%aE%x1f%aI%x1f%cI%n%w(0,4,4)%B%w(0,0,0)"
#: Diff options: rename detection as git format-patch does, no drivers from the tree
DIFF_OPTIONS = (
    "-p",
    "-M",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
# commit 1ee88e4573e280831f4ce21f12f0282e7f10aafb   (found in b"\n" + log: a pattern that opens
# with a newline is found by a fast scan, where "^" is tried at every byte, 8x slower)
RE_COMMIT_LINE = re.compile(rb"\ncommit ([0-9a-f]{40})$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of the tree, as read from git log."""

    sha: str
    author: Person
    mapped_author: Person  # after the tree's .mailmap
    authored_at: datetime
    committed_at: datetime
    message: str
    diff: str

    @property
    def subject(self) -> str:
        """The first line of the commit message."""
        return self.message.split("\n", 1)[0].strip()


def read_log(tree: Path, revs: tuple[str, ...] = ()) -> bytes:
    """Return the raw ``git log -p`` output of the revisions (all refs when none)."""
    return start_log(tree, revs).result()


def start_log(tree: Path, revs: tuple[str, ...] = ()) -> Background:
    """Start ``git log -p`` of the revisions in the background (all refs when none); a
    revision git would read as an option is a UsageError."""
    given = ("--end-of-options", *(revision(rev, "revision") for rev in revs))
    return Background(
        tree,
        "log",
        "--no-merges",
        f"--format={LOG_FORMAT}",
        *DIFF_OPTIONS,
        *(given if revs else ("--all",)),
        "--",
    )


def parse_log(log: bytes) -> list[Commit]:
    """Return the commits of a raw log made by :func:`read_log`, newest first."""
    starts = [m.start() for m in RE_COMMIT_LINE.finditer(b"\n" + log)]  # each line's start in log
    commits = []
    for at, start in enumerate(starts):
        end = starts[at + 1] if at + 1 < len(starts) else len(log)
        commit = _commit(log[start:end].decode("utf-8", "replace"))
        if commit is not None:
            commits.append(commit)
    return commits


def _commit(chunk: str) -> Commit | None:
    head, _, rest = chunk.partition("\n")
    meta, _, rest = rest.partition("\n")
    fields = meta.split(SEP)
    if len(fields) != 6:
        return None
    name, email, mapped_name, mapped_email, authored, committed = fields
    diff_at = rest.find("\ndiff --git ")
    body, diff = (rest, "") if diff_at < 0 else (rest[:diff_at], rest[diff_at + 1 :])
    message = "\n".join(line[4:] for line in body.split("\n")).strip()
    return Commit(
        sha=head.split()[1],
        author=Person(name=name, email=email),
        mapped_author=Person(name=mapped_name, email=mapped_email),
        authored_at=_utc(authored),
        committed_at=_utc(committed),
        message=message,
        diff=diff,
    )


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)
