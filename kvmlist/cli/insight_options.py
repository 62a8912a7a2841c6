"""The arguments of ``landed``, ``stalled``, ``pulls``, ``subsystems``, ``site`` and ``--git``,
kept apart from the code that runs those commands so that building the parser loads none of
it."""

from __future__ import annotations

import argparse
import re
from datetime import timedelta
from typing import Any

from kvmlist.analysis.stalled import LORE
from kvmlist.cli.values import http_url, moment, nonempty, positive
from kvmlist.errors import KvmlistError

# 14d | 2w | 36h | 14 (days)
RE_DURATION = re.compile(r"(\d{1,5})\s*([hdw]?)")
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "": None}


def duration(text: str) -> timedelta:
    """Return an age given as 14d, 2w, 36h or a number of days (argparse type)."""
    match = RE_DURATION.fullmatch(text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: give an age like 14d, 2w or 36h")
    unit = UNITS[match.group(2)] or timedelta(days=1)
    return int(match.group(1)) * unit


def git_tree(text: str) -> str:
    """Return a --git path that is a git repository (argparse type: a one-line error)."""
    from kvmlist.grouping.landed.git import check_tree  # git's helpers, loaded for --git only

    try:
        check_tree(text)
    except KvmlistError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def add_git_option(parser: Any, what: str) -> None:
    """Add ``--git TREE`` to another command's parser; what says what it adds there."""
    parser.add_argument(
        "--git", metavar="TREE", type=git_tree, help=f"a git tree: {what} (docs/landed.md)"
    )


def add_landed(commands: Any, add_source: Any, add_format: Any) -> None:
    """Add the ``landed`` subcommand to the parser."""
    landed = commands.add_parser(
        "landed",
        help="which posted patches reached a git tree",
        description="Map every patch mail onto the commit that carries it in a git tree: "
        "by a Link:/Message-Id: trailer, by git patch-id, or by a fuzzy match for reworked "
        "patches (docs/landed.md).",
    )
    add_source(landed)
    landed.add_argument("--git", metavar="TREE", required=True, type=git_tree, help="git tree")
    landed.add_argument(
        "--range",
        metavar="REVS",
        type=nonempty,
        help="commits to look at (git revisions, none starting with -; default all refs)",
    )
    landed.add_argument(
        "--series", action="store_true", help="one row per series instead of per patch"
    )
    add_mailmap(landed)
    add_format(landed)


def add_stalled(commands: Any, add_source: Any, add_format: Any, add_workers: Any) -> None:
    """Add the ``stalled`` subcommand to the parser."""
    stalled = commands.add_parser(
        "stalled",
        help="series nobody answered, oldest first",
        description="List the series with no reply from anybody but their author, no review "
        "trailer, no 'applied' notice and no newer revision or repost, posted at least --older "
        "before the newest mail (or --now); then the series somebody else re-sent.",
    )
    add_source(stalled)
    stalled.add_argument(
        "--older", type=duration, default=timedelta(days=14), help="minimum age (default 14d)"
    )
    stalled.add_argument(
        "--now", type=moment, help="measure ages to this date (default: the newest mail)"
    )
    stalled.add_argument(
        "--lore-link", default=LORE, metavar="URL", type=http_url, help=f"default {LORE}"
    )
    add_stalled_git(stalled)
    add_mailmap(stalled, "with --git: a git .mailmap, for the authors of the tree's commits")
    add_workers(stalled)
    add_format(stalled)


def add_pulls(commands: Any, add_source: Any, add_format: Any, add_workers: Any) -> None:
    """Add the ``pulls`` subcommand to the parser."""
    pulls = commands.add_parser(
        "pulls",
        help="pull requests, and which were merged",
        description="List the pull requests of an archive ([GIT PULL] mails and request-pull "
        "texts) with the first notice that says each was merged: a maintainer's 'Pulled, "
        "thanks' or 'Applied, thanks', the kernel.org pr-tracker-bot's 'has been merged "
        "into', or the patchwork bot's 'This pull request was applied to' (docs/review.md).",
    )
    add_source(pulls)
    add_workers(pulls)
    add_format(pulls)


def add_subsystems(commands: Any, add_source: Any, add_format: Any) -> None:
    """Add the ``subsystems`` subcommand to the parser."""
    subsystems = commands.add_parser(
        "subsystems",
        help="series, review latency and maintainer answers per MAINTAINERS section",
        description="Map every patch to the MAINTAINERS sections of the paths it touches "
        "(F:, X:, N:, and K: on its text) and give per section: series, patches, how many got "
        "an answer and how many one from the section's M:/R: people, median hours to the first "
        "reply and the first review trailer.",
    )
    add_source(subsystems)
    subsystems.add_argument(
        "--maintainers",
        metavar="PATH",
        required=True,
        type=nonempty,
        help="a kernel MAINTAINERS file",
    )
    subsystems.add_argument("--top", type=positive, default=None, help="show only the N largest")
    add_format(subsystems)


def add_site(commands: Any, add_source: Any) -> None:
    """Add the ``site`` subcommand to the parser."""
    site = commands.add_parser(
        "site",
        help="write a static HTML dashboard",
        description="Write self-contained HTML pages into the directory -o names: overview "
        "with trends, every series with its status, posting and reviewing leaderboards, the "
        "stalled series and one page per week with its report. No server, no script, nothing "
        "fetched: open DIR/index.html.",
    )
    add_source(site, output_help="the directory to write (required)")
    site.add_argument(
        "--list-name", type=nonempty, help="the list's name in the pages (default: from List-Id)"
    )
    add_identities(site, orgmap_help="an organisation map to add to the bundled one")
    site.add_argument("--older", type=duration, default=timedelta(days=14),
                      help="stalled after this age (default 14d)")  # fmt: skip
    site.add_argument(
        "--lore-link", default=LORE, metavar="URL", type=http_url, help=f"default {LORE}"
    )
    site.add_argument(
        "--maintainers",
        metavar="PATH",
        type=nonempty,
        help="a kernel MAINTAINERS file: adds a subsystems page",
    )
    add_stalled_git(site)


def add_stalled_git(parser: Any) -> None:
    parser.add_argument(
        "--git",
        metavar="TREE",
        type=git_tree,
        help="a git tree: series that landed there are not stalled (docs/landed.md)",
    )


def add_identities(
    parser: argparse.ArgumentParser,
    *,
    orgmap_help: str = "with --by organisation: an organisation map extending the bundled one",
) -> None:
    """Add --mailmap and --orgmap, the files that say who is who and works where."""
    add_mailmap(parser)
    parser.add_argument("--orgmap", metavar="FILE", type=nonempty, help=orgmap_help)


def add_mailmap(parser: Any, what: str = "a git .mailmap that merges aliases") -> None:
    """Add --mailmap, read by kvmlist.analysis.identities.Mailmap.from_file."""
    parser.add_argument("--mailmap", metavar="FILE", type=nonempty, help=what)
