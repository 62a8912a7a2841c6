"""Links between revisions a cover letter or patch names: b4 change-ids and lore links."""

from __future__ import annotations

import re

# change-id: 20260210-dirty-ring-size-2c5d9a
RE_CHANGE_ID = re.compile(r"^change-id:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)
# "v1: <link>" | "- Link to v1: <link>" | "[2] <link> (v2)" | "previous version: <link>"
RE_VERSION_HINT = re.compile(r"\b[vV]\d{1,3}\b|previous (?:version|revision|posting)", re.I)
# v1: https://lore.kernel.org/r/20251120133202.2037803-1-maz@kernel.org
RE_LORE_ID = re.compile(
    r"https?://lore\.kernel\.org/(?:[\w.-]+/)?([^/\s<>]+@[^/\s<>]+?)/?(?=[\s)>\]]|$)"
)


def change_ids(text: str) -> list[str]:
    """Return the b4 ``change-id:`` values in text, in order."""
    return RE_CHANGE_ID.findall(text)


def version_links(text: str) -> list[str]:
    """Return the Message-IDs of lore links on lines that name a version (``v1: <link>``);
    links to related work, on lines naming no version, are left out."""
    found: list[str] = []
    for line in text.split("\n"):
        if "lore.kernel.org" in line and RE_VERSION_HINT.search(line):
            found.extend(RE_LORE_ID.findall(line))
    return found
