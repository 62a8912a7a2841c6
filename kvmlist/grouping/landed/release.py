"""The release (tag) that first took a commit, and which commits are on the main history.

Each question is one git process for all the commits asked about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from kvmlist.grouping.landed.git import run_git

# 257c962f3d1b2d0534af59de4ad18764d734903a (tags/v2022-03-08~1^2)
RE_NAMED = re.compile(r"^([0-9a-f]{40}) \((?:tags/)?([^~^)]+)[^)]*\)$")
# 1709978400 v1.0   (for-each-ref: the tag's date, its name)
RE_TAG_DATE = re.compile(r"^(\d{1,11}) (\S{1,1000})$")


def releases(tree: Path, shas: Iterable[str]) -> dict[str, str]:
    """Return sha -> the nearest tag that contains it; commits no tag contains are left out.

    ``git name-rev --tags`` names a commit after the tag it is fewest steps from, which on
    a release branch is the first release that contains it.
    """
    return _named(tree, shas, "--tags")


def on_main(tree: Path, shas: Iterable[str]) -> set[str]:
    """Return the shas that the branch HEAD names can reach (none when HEAD is detached)."""
    head = run_git(tree, "rev-parse", "--symbolic-full-name", "HEAD").decode("utf-8", "replace")
    head = head.strip()
    if not head.startswith("refs/"):
        return set()
    return set(_named(tree, shas, f"--refs={head}"))


def tag_dates(tree: Path) -> dict[str, datetime]:
    """Return tag -> its date (the tagger's, or the commit's for a lightweight tag)."""
    output = run_git(
        tree, "for-each-ref", "--format=%(creatordate:unix) %(refname:strip=2)", "refs/tags"
    )
    found = {}
    for line in output.decode("utf-8", "replace").splitlines():
        match = RE_TAG_DATE.match(line)
        if match:
            found[match.group(2)] = datetime.fromtimestamp(int(match.group(1)), timezone.utc)
    return found


def _named(tree: Path, shas: Iterable[str], *refs: str) -> dict[str, str]:
    """Return sha -> the name ``git name-rev`` gives it from the refs; unnamed ones left out."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    stdin = "".join(f"{sha}\n" for sha in wanted).encode()
    output = run_git(tree, "name-rev", *refs, "--annotate-stdin", stdin=stdin)
    found = {}
    for line in output.decode("utf-8", "replace").splitlines():
        match = RE_NAMED.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found
