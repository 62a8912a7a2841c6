"""Commit notices: the mail a repository's hook sends for each commit pushed to it.

Such a mail quotes the commit, message and diff, but posts nothing: it says a patch landed.
Its subject carries the hook's tag (``[git commit]``, ``[git commit branch/2025.02.x]``,
``[project branch]``, ``[repo] 01/03:``) after the list's, never a PATCH or RFC word; its
body opens with what the hook writes (RE_COMMIT_LINK, HOOK_PREAMBLE, or git log's
``commit``/``Author:`` head under a link to the commit or a hook's tag: ``git show`` writes
that head too). docs/data-model.md ("Message kinds") and
docs/review.md ("Acceptance per series") have the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from kvmlist.models import Person
from kvmlist.parse.addresses import parse_address

# [Buildroot] [git commit branch/2025.02.x] | [xen staging] | [gcc r15-1234] | [repo] 01/03:
# (the subject's leading tags, which say PATCH in a posting's subject)
RE_LEADING_TAGS = re.compile(r"(?:\[[^\[\]\n]{1,80}\][ \t]{0,4}){1,4}")
# commit: https://git.buildroot.net/buildroot/commit/?id=0a1b2c3d4e5f...   (buildroot's hook)
RE_COMMIT_LINK = re.compile(
    r"commit: (https?://[^\s?]{1,200}\?id=|https?://\S{1,200}/)([0-9a-f]{40})"
)
# branch: https://git.buildroot.net/buildroot/commit/?id=refs/heads/2025.02.x
RE_BRANCH_LINK = re.compile(r"branch: https?://\S{1,200}?refs/heads/([\w./+-]{1,80})")
#: How git-multimail and git's post-receive-email open their mails.
HOOK_PREAMBLE = "This is an automated email from the git hooks/post-receive script."
# Jane Doe pushed a commit to branch master   (git-multimail, then "in repository buildroot.")
RE_PUSHED_TO = re.compile(
    r"\S.{0,100} pushed (?:a commit|\d{1,4} commits) to branch ([\w./+-]{1,80})"
)
RE_IN_REPOSITORY = re.compile(r"in repository ([\w.+-]{1,80})\.")
# commit 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567   |   commit r15-1234-g0a1b2c3d4e5f...
# (git log's head, as xen's, sourceware's and gcc's hooks write it)
RE_LOG_COMMIT = re.compile(r"commit (?:r\d{1,4}-\d{1,7}-g)?([0-9a-f]{40})")
# Author: Jane Doe <jane@example.org>   |   AuthorDate: Mon Dec 1 ...   |   Merge: 1234 5678
RE_LOG_FIELD = re.compile(r"(Author|AuthorDate|Commit|CommitDate|Date|Merge):[ \t]+(\S.{0,300})")
# https://sourceware.org/git/gitweb.cgi?p=binutils-gdb.git;h=0a1b2c...   (a link above the head)
RE_LINK_LINE = re.compile(r"https?://\S{1,300}")
# [RFC] | [RFC v2] | [RFC net-next]   (a posting's tag, as PATCH is: never a hook's)
RE_RFC_WORD = re.compile(r"\brfc\b", re.IGNORECASE)
# [git commit] | [git commit branch/2025.02.x] | [git:media_stage/master]   (git's commit)
RE_GIT_TAG = re.compile(r"\[git(?: commit\b|:)", re.IGNORECASE)
# [xen staging] | [xen stable-4.19] | [gcc r15-1234] | [buildroot master]   (repo and branch)
RE_REPO_BRANCH_TAG = re.compile(
    r"\[[\w.+-]{1,40} (?:master|main|staging|stable|r\d{1,4}-\d{1,7})[\w./+-]{0,40}\]"
)
# Signed-off-by: Jane Doe <jane@example.org>   (a commit's first names its author)
RE_SIGNED_OFF = re.compile(r"Signed-off-by:[ \t]*(\S.{0,300})")
#: Lines of a commit notice read for its head (the hooks' preamble is under ten).
HEAD_LINES = 16


@dataclass(frozen=True, slots=True)
class CommitNotice:
    """A pushed commit, as its hook's mail gives it."""

    commit: str
    #: the repository and branch ("buildroot/master"), when the mail names them
    tree: str | None
    #: the commit's author (git log's ``Author:``, else its first Signed-off-by)
    author: Person | None
    #: the commit's title, when the body holds git log's indented message (else the subject's)
    title: str | None


def is_commit_notice(subject: str, body: str) -> bool:
    """True when a mail is a commit hook's: its subject opens with tags, none saying PATCH or
    RFC (a posting's subject over a hook's text is a posting), and its body opens as the
    hooks write it (:func:`hook_opening`). git log's head, which ``git show`` also writes
    (a posting may be its output), is a hook's only under a tag naming git's commit
    (RE_GIT_TAG), a repository and branch (RE_REPO_BRANCH_TAG) or below a link to its
    commit."""
    if subject[1:6].lower() == "patch":  # "[PATCH ...": most subjects, at a glance
        return False
    tags = RE_LEADING_TAGS.match(subject)
    if tags is None or "patch" in tags.group().lower() or RE_RFC_WORD.search(tags.group()):
        return False
    opening = hook_opening(body)
    if opening != "log":
        return opening is not None
    return bool(RE_GIT_TAG.search(tags.group()) or RE_REPO_BRANCH_TAG.search(tags.group()))


def opens_as_commit_notice(body: str) -> bool:
    """True when a body opens as a commit hook's mail does (:func:`hook_opening`)."""
    return hook_opening(body) is not None


def hook_opening(body: str) -> str | None:
    """Return how a body opens as a commit hook's mail does: "link" (buildroot's ``commit:``
    link), "preamble" (the post-receive preamble), "linked-log" (git log's ``commit <sha>``
    and ``Author:`` below a link naming that commit) or "log" (git log's head alone, as
    ``git show`` writes it too); None for any other body. Only the first few lines are
    looked at."""
    lines = [line.strip() for line in body.lstrip().split("\n", 8)[:8]]
    first = lines[0]
    if first.startswith(HOOK_PREAMBLE):
        return "preamble"
    if RE_COMMIT_LINK.fullmatch(first):
        return "link"
    rest = [line for line in lines[1:] if line]
    link = ""
    if RE_LINK_LINE.fullmatch(first) and rest:
        link, first, rest = first, rest[0], rest[1:]
    head = RE_LOG_COMMIT.fullmatch(first)
    if head is None or not _log_field_next(rest):
        return None
    return "linked-log" if link and head.group(1) in link else "log"


def _log_field_next(lines: list[str]) -> bool:
    """True when git log's Author (or Merge, then Author) field comes first in lines."""
    fields = [RE_LOG_FIELD.fullmatch(line) for line in lines[:2]]
    keys = [field.group(1) for field in fields if field is not None]
    return keys[:1] == ["Author"] or keys == ["Merge", "Author"]


def commit_notice(body: str) -> CommitNotice | None:
    """Return the commit a hook's mail announces (its sha, tree, author and title), or None
    when the body names no single commit as a hook writes it."""
    if not opens_as_commit_notice(body):
        return None
    lines = [line.rstrip() for line in body.lstrip().split("\n", HEAD_LINES)[:HEAD_LINES]]
    link = RE_COMMIT_LINK.fullmatch(lines[0])
    if link is not None:
        branch = next(filter(None, map(RE_BRANCH_LINK.fullmatch, lines[1:3])), None)
        tree = _tree(_repository(link.group(1)), branch.group(1) if branch else None)
        return CommitNotice(link.group(2), tree, _first_signer(body), None)
    return _log_notice(lines, body)


def _log_notice(lines: list[str], body: str) -> CommitNotice | None:
    """The commit of git log's head among a notice's first lines (git-multimail's names its
    branch and repository above it)."""
    at = next((i for i, line in enumerate(lines) if RE_LOG_COMMIT.fullmatch(line)), -1)
    if at < 0:
        return None
    sha = RE_LOG_COMMIT.fullmatch(lines[at])
    pushed = next(filter(None, map(RE_PUSHED_TO.fullmatch, lines[:at])), None)
    named = next(filter(None, map(RE_IN_REPOSITORY.fullmatch, lines[:at])), None)
    tree = _tree(named.group(1) if named else None, pushed.group(1) if pushed else None)
    author, title = None, None
    rest = body.lstrip().split("\n")[at + 1 : at + HEAD_LINES]
    for line in rest:
        field = RE_LOG_FIELD.fullmatch(line.strip())
        if field is not None and field.group(1) == "Author":
            author = parse_address(field.group(2))
        elif line.startswith("    ") and line.strip():
            title = line.strip()  # the message, indented: its first line is the title
            break
    return CommitNotice(sha.group(1) if sha else "", tree, author, title)


def _repository(url: str) -> str | None:
    """The repository a cgit link names: the path's part before ``commit``."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if "commit" not in parts or parts.index("commit") == 0:
        return None
    return parts[parts.index("commit") - 1].removesuffix(".git")


def _tree(repository: str | None, branch: str | None) -> str | None:
    if branch is None:
        return None
    return f"{repository}/{branch}" if repository else branch


def _first_signer(body: str) -> Person | None:
    for line in body.split("\n"):
        if line == "---" or line.startswith("diff --git "):
            return None
        signed = RE_SIGNED_OFF.fullmatch(line.strip())
        if signed is not None:
            return parse_address(signed.group(1))
    return None
