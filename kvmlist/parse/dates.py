"""Mail dates in every form real archives hold, normalised to tz-aware UTC."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from kvmlist.models import Defect

# 2025-12-04 10:09:59 -0500  |  2025-12-04T10:09:59Z  (seen from broken mailers and web forms)
RE_ISO = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?"
)

# Tue, 3 Mar 2026 10:00:00 +0000  (git send-email and most mailers): read without the stdlib,
# blanks between the tokens as the stdlib takes them (any run: "Wed,  1 May 2019 ...")
MONTHS = {
    name: n
    for n, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
#: "Mar" -> "03", for datetime.fromisoformat.
MONTH_DIGITS = {name: f"{number:02d}" for name, number in MONTHS.items()}
RE_RFC2822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),[ \t]+)?(\d{1,2})[ \t]+"
    rf"({'|'.join(MONTHS)})[ \t]+([1-9]\d{{3}})[ \t]+"
    r"(\d{2}):(\d{2}):(\d{2})[ \t]+([+-])(\d{2})(\d{2})"
)


def parse_date(value: str | None, defects: list[Defect]) -> datetime | None:
    """Return the date of a Date header in UTC, or None (with a defect) when there is none."""
    if value:  # the usual form, as the header scan left it (no blanks around, no comment)
        match = RE_RFC2822.fullmatch(value)
        parsed = _from_match(match) if match is not None else None
        if parsed is not None:
            return parsed
    if not value or not value.strip():
        defects.append(Defect(kind="missing-date"))
        return None
    text = _without_comment(value)
    parsed = _rfc2822(text)
    if parsed is None:
        parsed = _iso(text)
    if parsed is None:
        defects.append(Defect(kind="bad-date", detail=value[:80]))
        return None
    return parsed


def _without_comment(value: str) -> str:
    """Return a date without a trailing zone comment: "... +0100 (CET)" -> "... +0100"."""
    text = value.strip()
    if text.endswith(")"):
        opening = text.rfind("(")
        if opening >= 0 and ")" not in text[opening:-1]:
            text = text[:opening].rstrip()
    return text


def _rfc2822(text: str) -> datetime | None:
    match = RE_RFC2822.fullmatch(text)
    if match is None:
        return _rfc2822_stdlib(text)
    return _from_match(match)


def _from_match(match: re.Match[str]) -> datetime | None:
    """The UTC datetime of a date RE_RFC2822 matched (None for one that does not exist)."""
    day, month, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    iso = f"{year}-{MONTH_DIGITS[month]}-{day:0>2}T{hour}:{minute}:{second}{sign}{zone_h}:{zone_m}"
    try:  # one C call instead of six int() and a timedelta
        return datetime.fromisoformat(iso).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # a day, hour or zone out of range: read below
        return _from_fields(match.groups())


def _from_fields(fields: tuple[str, ...]) -> datetime | None:
    """Return the UTC datetime of RE_RFC2822's groups (a zone's minutes may be 60-99),
    or None for a day or time that does not exist."""
    day, month, year, hour, minute, second, sign, zone_h, zone_m = fields
    try:
        local = datetime(
            int(year), MONTHS[month], int(day), int(hour), int(minute), _second(int(second)),
            tzinfo=timezone.utc,
        )  # fmt: skip
    except ValueError:
        return None
    offset = int(zone_h) * 3600 + int(zone_m) * 60
    if not offset:
        return local
    try:
        return local - timedelta(seconds=-offset if sign == "-" else offset)
    except OverflowError:
        return None


def _second(second: int) -> int:
    """A leap second (``23:59:60``, which RFC 5322 allows and a datetime cannot hold) is
    read as the second before it; any other second is itself."""
    return 59 if second == 60 else second


def _rfc2822_stdlib(text: str) -> datetime | None:
    """Any other RFC 2822-like form, as the stdlib's lenient parser reads it."""
    import email.utils  # imported on the first date of another form

    try:
        fields = email.utils.parsedate_tz(text)
    except (ValueError, IndexError, OverflowError):
        return None
    if fields is None:
        return None
    try:
        naive = datetime(*fields[:5], _second(fields[5]))
    except (ValueError, OverflowError, TypeError):
        return None
    offset = fields[9] or 0  # "-0000" and unknown zones mean UTC, as RFC 5322 says
    try:
        return (naive - timedelta(seconds=offset)).replace(tzinfo=timezone.utc)
    except OverflowError:
        return None


def _iso(text: str) -> datetime | None:
    match = RE_ISO.match(text)
    if not match:
        return None
    day, clock, zone = match.groups()
    if clock.count(":") == 1:
        clock += ":00"
    clock = f"{clock[:6]}{_second(int(clock[6:])):02d}"
    zone = "+00:00" if zone in (None, "Z") else zone
    try:
        return datetime.fromisoformat(f"{day}T{clock}{zone}").astimezone(timezone.utc)
    except ValueError:
        return None
