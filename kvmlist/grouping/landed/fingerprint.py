"""A fingerprint per posted patch, to tell revisions apart patch by patch.

Two parts: ``git patch-id --stable`` (context and changed lines, line numbers and whitespace
ignored: what b4 and git use), and a hash of the changed lines alone, per file (a rebase
that only moved the context keeps it). All patches go through ONE ``git patch-id`` process;
git needs no repository for it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kvmlist.grouping.landed.diffs import RE_DIFF_GIT
from kvmlist.grouping.landed.git import GitTreeError
from kvmlist.grouping.landed.patchid import patch_ids
from kvmlist.grouping.landed.prefixes import default_prefixes
from kvmlist.models import Message, Patch


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What identifies a patch's change: its patch-id and its normalised diff hash."""

    patch_id: str
    diff_hash: str

    def same_change(self, other: Fingerprint) -> bool:
        """True when either part is equal (and not empty)."""
        return bool(
            (self.patch_id and self.patch_id == other.patch_id)
            or (self.diff_hash and self.diff_hash == other.diff_hash)
        )


def diff_hash(diff: str) -> str:
    """Return a hash of the changed lines per file, whitespace folded; "" without any."""
    digest = hashlib.sha256()
    changed = False
    for line in diff.split("\n"):
        if RE_DIFF_GIT.match(line):
            digest.update(b"\0file " + line.encode("utf-8", "surrogateescape"))
        elif line[:1] in "+-" and not line.startswith(("+++ ", "--- ")) and line != "-- ":
            folded = " ".join(line[1:].split())
            if folded:
                digest.update(f"\n{line[0]}{folded}".encode("utf-8", "surrogateescape"))
                changed = True
    return digest.hexdigest()[:40] if changed else ""


def fingerprints(messages: Iterable[Message]) -> dict[str, Fingerprint]:
    """Return Message-ID -> Fingerprint for every patch with a diff (one git process)."""
    mails = [p for p in messages if isinstance(p, Patch) and p.has_diff and not p.is_cover]
    diffs = [default_prefixes(m.diff) for m in mails]  # as git log -p writes them
    ids = _patch_ids(diffs) if shutil.which("git") else [""] * len(diffs)
    return {
        mail.message_id: Fingerprint(pid, diff_hash(diff))
        for mail, diff, pid in zip(mails, diffs, ids, strict=True)
    }


def _patch_ids(diffs: list[str]) -> list[str]:
    if not diffs:
        return []
    with tempfile.TemporaryDirectory() as empty:  # git patch-id needs no repository
        try:
            return patch_ids(Path(empty), b"", diffs)[1]
        except GitTreeError:
            return [""] * len(diffs)
