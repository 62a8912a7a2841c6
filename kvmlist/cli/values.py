"""The types of the command line's option values: each refuses what names nothing, in one
line (argparse's error)."""

from __future__ import annotations

import argparse
from datetime import datetime

from kvmlist._utc import as_utc
from kvmlist.errors import UsageError


def nonempty(text: str) -> str:
    """Return an option's value; an empty one (``--since ''``) names nothing and is refused
    (argparse type: a one-line error) rather than taken as the option not given."""
    if not text:
        raise argparse.ArgumentTypeError("an empty value names nothing")
    return text


def http_url(text: str) -> str:
    """Return a URL given on the command line (``--lore-base``, ``--lore-link``): http or
    https with a host; ``foo`` or an empty one would make every request or link wrong."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        good = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a bad port or IPv6 host
        good = False
    if not good:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http(s) URL like https://lore.kernel.org/all/"
        )
    return text


def positive(text: str) -> int:
    """Return a count given on the command line (1 or more)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return value


def workers(text: str) -> int:
    """Return ``--workers N``: 1 or more, and no more than the machine can run
    (kvmlist.scale.workers.max_workers)."""
    from kvmlist.scale.workers import check_workers

    try:
        return check_workers(positive(text), what="")
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def moment(text: str) -> datetime:
    """Return a date given as YYYY-MM-DD (or an ISO time), in UTC (a naive one is UTC)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date like 2025-12-04") from None
    try:
        return as_utc(when)
    except UsageError:
        raise argparse.ArgumentTypeError(f"{text!r}: outside years 1 to 9999 in UTC") from None
