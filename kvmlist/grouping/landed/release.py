"""The release (tag) that first took a commit, for many commits in one ``git name-rev``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kvmlist.grouping.landed.git import run_git

# 257c962f3d1b2d0534af59de4ad18764d734903a (tags/v2022-03-08~1^2)
RE_NAMED = re.compile(r"^([0-9a-f]{40}) \((?:tags/)?([^~^)]+)[^)]*\)$")


def releases(tree: Path, shas: Iterable[str]) -> dict[str, str]:
    """Return sha -> the nearest tag that contains it; commits no tag contains are left out.

    ``git name-rev --tags`` names a commit after the tag it is fewest steps from, which on
    a release branch is the first release that contains it.
    """
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    stdin = "".join(f"{sha}\n" for sha in wanted).encode()
    output = run_git(tree, "name-rev", "--tags", "--annotate-stdin", stdin=stdin)
    found = {}
    for line in output.decode("utf-8", "replace").splitlines():
        match = RE_NAMED.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found
