"""A mailed diff with git's default a/ b/ prefixes, as ``git log -p`` writes a commit's.

``git patch-id --stable`` hashes the "diff --git", "---" and "+++" lines prefixes and all
(git 2.39: one change made with ``--no-prefix``, with diff.mnemonicPrefix and plain has three
ids), and the fuzzy tier reads a diff's files after a/ and b/: such a mail is rewritten first.
"""

from __future__ import annotations

from kvmlist.parse.diff_files import git_prefixes

GIT_LINE = "diff --git "


def default_prefixes(diff: str) -> str:
    """Return the diff with a/ b/ on each file's header lines (the diff itself when it has
    them). A file's prefixes are what :func:`git_prefixes` reads on its "diff --git" line;
    a rename's or copy's (two names) are the mail's other files', else left as they are."""
    if diff.count(GIT_LINE + "a/") == diff.count(GIT_LINE):
        return diff
    lines = diff.split("\n")
    found = (git_prefixes(line[len(GIT_LINE) :]) for line in lines if line.startswith(GIT_LINE))
    usual = next((pair for pair in found if pair is not None), None)
    src = dst = None
    for at, line in enumerate(lines):
        if line.startswith(GIT_LINE):
            rest = line[len(GIT_LINE) :]
            src, dst = git_prefixes(rest) or usual or (None, None)
            split = _split(rest, src, dst)
            if split < 0 or src is None or dst is None:
                src = dst = None
                continue
            lines[at] = f"{GIT_LINE}a/{rest[len(src) : split]} b/{rest[split + 1 + len(dst) :]}"
        elif src is None or dst is None:
            continue
        elif line.startswith("@@ "):  # the header ends: a hunk line may start with "--- "
            src = dst = None
        elif line.startswith("--- " + src) and line != "--- /dev/null":
            lines[at] = "--- a/" + line[4 + len(src) :]
        elif line.startswith("+++ " + dst) and line != "+++ /dev/null":
            lines[at] = "+++ b/" + line[4 + len(dst) :]
    return "\n".join(lines)


def _split(rest: str, src: str | None, dst: str | None) -> int:
    """Return where the space between the line's two names is, or -1."""
    if src is None or dst is None or not rest.startswith(src):
        return -1
    if git_prefixes(rest) is not None:
        return len(rest) // 2
    return rest.find(" " + dst, len(src))
