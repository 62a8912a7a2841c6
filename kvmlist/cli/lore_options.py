"""The command line's lore options (``--timeout``, ``--retries``, ``--max-bytes``...) and client."""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING

from kvmlist.cli.output import say
from kvmlist.cli.values import http_url, nonempty
from kvmlist.sources.lore import DEFAULT_BASE, DEFAULT_LIMITS, split_lore_url
from kvmlist.sources.spec import classify_source

if TYPE_CHECKING:
    from kvmlist.sources.lore import LoreClient

# 1048576 | 512K | 1M | 1.5GiB | 64mb
RE_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?", re.IGNORECASE)
UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def size(text: str) -> int:
    """Return a size in bytes given as ``1048576``, ``512K``, ``1M`` or ``2G`` (powers of 1024)."""
    match = RE_SIZE.fullmatch(text.strip())
    if not match or float(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1048576, 512K, 64M or 1G")
    return int(float(match.group(1)) * UNITS[match.group(2).lower()])


#: The longest --timeout: a day (a longer wait overflows the timer of the request's deadline).
MAX_SECONDS = 86400.0


def seconds(text: str) -> float:
    """Return a number of seconds above 0, at most MAX_SECONDS."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_SECONDS:  # nan too
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds above 0, at most {MAX_SECONDS:g} (a day)"
        )
    return value


def count(text: str) -> int:
    """Return a count of 0 or more."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give 0 or more")
    return int(text)


def add_lore_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of a command that may read from lore."""
    lore = parser.add_argument_group("lore (when SOURCE is a Message-ID or a lore URL)")
    lore.add_argument(
        "--lore-base",
        metavar="URL",
        type=http_url,
        help=f"public-inbox server (default {DEFAULT_BASE})",
    )
    lore.add_argument("--offline", action="store_true", help="answer only from the cache")
    lore.add_argument(
        "--cache-dir", metavar="DIR", type=nonempty, help="where lore answers are cached"
    )
    lore.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_LIMITS.deadline,
        metavar="SECONDS",
        help=f"give up on a request after this long, retries included "
        f"(default {DEFAULT_LIMITS.deadline:g})",
    )
    lore.add_argument(
        "--retries",
        type=count,
        default=DEFAULT_LIMITS.retries,
        metavar="N",
        help=f"tries after a failed one (default {DEFAULT_LIMITS.retries})",
    )
    lore.add_argument(
        "--max-bytes",
        type=size,
        default=DEFAULT_LIMITS.max_bytes,
        metavar="SIZE",
        help="refuse an answer larger than this once decompressed (default 128M)",
    )
    lore.add_argument(
        "--follow-other-hosts",
        action="store_true",
        help="follow a redirect to another origin: another host, port or scheme (not "
        "followed by default; https to http never is)",
    )


#: Each lore option's value when it is not given.
LORE_DEFAULTS = {
    "lore_base": None,
    "offline": False,
    "cache_dir": None,
    "timeout": DEFAULT_LIMITS.deadline,
    "retries": DEFAULT_LIMITS.retries,
    "max_bytes": DEFAULT_LIMITS.max_bytes,
    "follow_other_hosts": False,
}


def lore_options_given(args: argparse.Namespace) -> list[str]:
    """Return the lore options given a value other than their default, as ``--name``."""
    return [
        "--" + name.replace("_", "-")
        for name, default in LORE_DEFAULTS.items()
        if getattr(args, name, default) != default
    ]


def lore_client(args: argparse.Namespace, source: str) -> LoreClient:
    """Return a client for the base the arguments (or a lore URL) name, with their limits."""
    from kvmlist.sources.lore import LoreClient  # the HTTP machinery, for lore sources only

    base = getattr(args, "lore_base", None) or base_of(source) or DEFAULT_BASE
    deadline = getattr(args, "timeout", DEFAULT_LIMITS.deadline)
    return LoreClient(
        base,
        cache_dir=getattr(args, "cache_dir", None),
        offline=getattr(args, "offline", False),
        timeout=min(DEFAULT_LIMITS.timeout, deadline),
        deadline=deadline,
        retries=getattr(args, "retries", DEFAULT_LIMITS.retries),
        max_bytes=getattr(args, "max_bytes", DEFAULT_LIMITS.max_bytes),
        follow_other_hosts=getattr(args, "follow_other_hosts", False),
        on_wait=None if getattr(args, "quiet", False) else say,
    )


def base_of(source: str) -> str | None:
    """Return the inbox URL of a lore message URL (.../kvm/<id>/ -> .../kvm/), else None."""
    if classify_source(source).kind != "lore-url":
        return None
    return split_lore_url(source)[0]
