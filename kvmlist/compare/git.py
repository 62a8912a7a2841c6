"""A second oracle: what ``git mailinfo`` (the parser behind ``git am``) reads from each patch.

For every patch mail kvmlist finds (kind ``patch`` with a diff), the raw mail goes through
``git mailinfo --scissors MSG PATCH`` as ``git am --scissors`` (and b4, on every patch it
applies) would run it on a mailbox: the mail as archived, except
that a pasted format-patch separator (``From <sha> Mon Sep 17 00:00:00 2001``) is quoted
``>From`` as an mbox carries it, so that mailinfo skips it as ``git am`` does. git is driven with
argument lists, one short process per mail (measured: about 8 ms each, see docs/fidelity.md).
Fields (:data:`GIT_FIELDS`): ``author`` (address, lower-cased), ``author_name``, ``title`` (the
subject git keeps after stripping ``Re:`` and ``[...]``), ``message`` (the commit message,
trailing spaces and blank lines aside) and ``diff`` (kvmlist's diff lies inside git's patch).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kvmlist.compare.b4_mistakes import passed_over_poster, read_below_note, was_munged
from kvmlist.compare.result import Comparison
from kvmlist.errors import KvmlistError
from kvmlist.grouping.review import Progress
from kvmlist.models import Message, Patch

#: What is compared per patch mail.
GIT_FIELDS = ("author", "author_name", "title", "message", "diff")
# From 0123abcd... Mon Sep 17 00:00:00 2001   (git format-patch's separator line)
RE_FROM_LINE = re.compile(rb"^(From [0-9a-f]{40} Mon Sep 17 00:00:00 2001)", re.MULTILINE)
# Author: Jane Doe / Email: jane@example.org / Subject: x / Date: ...   (mailinfo's summary)
RE_INFO_LINE = re.compile(r"^(Author|Email|Subject|Date): ?(.*)$", re.MULTILINE)
# --000000000000964d13062e9e5cc5 + Content-Type: text/plain   (a MIME part left undecoded)
RE_PART_HEADER = re.compile(r"^--\S+\nContent-Type: ", re.MULTILINE)


class GitMissingError(KvmlistError, RuntimeError):
    """git is not installed, so the mailinfo oracle cannot run."""


def patch_mails_for_git(messages: Iterable[Message]) -> list[Patch]:
    """Return the mails git am would be given: patches (not covers) that carry a diff."""
    seen: set[str] = set()
    found: list[Patch] = []
    for message in messages:
        if not isinstance(message, Patch) or message.kind != "patch" or not message.has_diff:
            continue
        if message.message_id not in seen:
            seen.add(message.message_id)
            found.append(message)
    return found


def compare_with_git(
    messages: Iterable[Message], *, progress: Progress | None = None
) -> Comparison:
    """Compare kvmlist's author, title, commit message and diff with git mailinfo's, per
    patch mail. ``progress`` wraps the patch mails (one git process each)."""
    git = shutil.which("git")
    if git is None:
        raise GitMissingError("compare_with_git needs git on PATH")
    patches = patch_mails_for_git(messages)
    result = Comparison(fields=GIT_FIELDS, oracle="git mailinfo")
    with tempfile.TemporaryDirectory(prefix="kvmlist-mailinfo-") as folder:
        msg, patch_file = Path(folder) / "msg", Path(folder) / "patch"
        for patch in progress(patches) if progress else patches:
            info = mailinfo(git, patch.raw, msg, patch_file)
            if info is None:
                result.b4_failed.append(patch.message_id)
                continue
            result.series += 1
            _compare_patch(patch, info, result)
    return result


def mailinfo(git: str, raw: bytes, msg: Path, patch: Path) -> dict[str, str] | None:
    """Return git mailinfo's fields (Author, Email, Subject, message, patch) for one raw mail,
    or None when git refuses the mail."""
    quoted = RE_FROM_LINE.sub(rb">\1", raw)
    done = subprocess.run(  # an argument list: no shell
        [git, "mailinfo", "--scissors", str(msg), str(patch)],
        input=quoted,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    info = dict(RE_INFO_LINE.findall(done.stdout.decode("utf-8", "replace")))
    info["message"] = msg.read_bytes().decode("utf-8", "replace")
    info["patch"] = patch.read_bytes().decode("utf-8", "replace")
    return info


def _compare_patch(patch: Patch, info: dict[str, str], result: Comparison) -> None:
    author, mid = patch.author, patch.message_id
    # git credits a munged sender, a stable poster's From stacked over the author's (and
    # keeps the author's From in the commit message), and the sender of a note with git
    # format-patch output below it (and keeps the note in the commit message)
    stacked = passed_over_poster(patch)
    noted = read_below_note(patch, info["message"])
    posters = was_munged(patch) or stacked or noted
    ours = author.email.lower() if author else ""
    result.record("author", mid, ours, info.get("Email", "").lower(), wrong=posters)
    name = author.name if author else ""
    result.record("author_name", mid, name, info.get("Author", ""), wrong=posters)
    result.record(
        "title", mid, " ".join(patch.title.split()), " ".join(info.get("Subject", "").split())
    )
    undecoded = _left_mime_undecoded(info["message"])
    ours, theirs = _text(patch.commit_message), _text(info["message"])
    # "--" typed for "---": git keeps the diffstat in the commit message
    short = theirs.startswith(ours) and theirs[len(ours) :].lstrip("\n").startswith("--\n")
    above = noted and theirs.endswith(f"\n\n{ours}")  # the note and pasted headers on top
    result.record("message", mid, ours, theirs, wrong=undecoded or short or stacked or above)
    ours = _text(patch.diff)
    found = bool(ours) and ours in _text(info["patch"])
    result.record("diff", mid, found, True, wrong=undecoded)


def _left_mime_undecoded(message: str) -> bool:
    """True when git's commit message still holds a MIME part header: git read a multipart
    body as plain text (it does when the top-level headers lack MIME-Version, for one)."""
    return RE_PART_HEADER.search(message) is not None


def _text(text: str) -> str:
    """Text as both tools mean it: LF line ends, no trailing spaces, no blank lines around."""
    # rstrip per line: the pattern `[ \t]+$` is quadratic on a long run of blanks then text
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip(" \t") for line in lines).strip("\n")
