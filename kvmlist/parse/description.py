"""What the author wrote above the diff, as a reader sees it (the report's commit-message block)."""

from __future__ import annotations

import re

from kvmlist.parse.body import split_body
from kvmlist.parse.diffstat import is_summary_line

# " create mode 100644 tools/testing/selftests/kvm/arm64/idreg-idst.c"
RE_GIT_SUMMARY = re.compile(r"^ (?:create|delete) mode \d+ |^ rename |^ copy |^ mode change ")


def description(body: str) -> str:
    """Return a body's text above the diff: commit message, then ``---``, notes and diffstat,
    without the lines git's ``--summary`` adds after a diffstat (`` create mode ...``)."""
    text = split_body(body).preamble
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or RE_GIT_SUMMARY.match(lines[end - 1])):
        end -= 1
    if end < len(lines) and end > 0 and _is_git_summary_line(lines[end - 1]):
        return "\n".join(lines[:end])
    return text


def _is_git_summary_line(line: str) -> bool:
    """True for git's diffstat summary (`` 8 files changed, 189 insertions(+)...``)."""
    return line.startswith(" ") and is_summary_line(line)
