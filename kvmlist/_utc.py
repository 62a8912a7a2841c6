"""Times as the public API takes them: a naive datetime is UTC, never the machine's zone.

The models hold their dates by the same rule (:data:`kvmlist.models.UtcDatetime`), and
every function that takes a time (``read_inbox(since=...)``, ``find_stalled(now=...)``,
``first_time_contributors(since, until)``, ``LoreClient.new(since=...)``) passes it through
:func:`as_utc`, so ``datetime(2025, 7, 1)`` selects the same mails in Berlin and in Los
Angeles, and compares with the models' dates (always tz-aware UTC) instead of raising.
"""

from __future__ import annotations

from datetime import datetime, timezone

from kvmlist.errors import UsageError


def as_utc(when: datetime) -> datetime:
    """Return a time in UTC: a naive one taken as UTC, an aware one converted; a UsageError
    (a ValueError) for one that UTC puts outside years 1 to 9999."""
    if when.tzinfo is timezone.utc:  # the parser's dates: every parsed mail passes here
        return when
    if when.tzinfo is None or when.utcoffset() is None:
        return when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(timezone.utc)
    except OverflowError:
        raise UsageError(f"{when.isoformat()} is outside years 1 to 9999 in UTC") from None
