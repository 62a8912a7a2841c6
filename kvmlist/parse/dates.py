"""Mail dates in every form real archives hold, normalised to tz-aware UTC.

A date is kept as its header says, with a defect when it cannot be right: ``implausible-date``
before Internet mail (1971) or more than a day ahead of the clock (on the three shared corpora
no Date runs more than 8 hours ahead of its first Received stamp); ``bad-date-zone`` for a
zone no clock has (RFC 5322 3.3: minutes 00-59; no offset is a day), read as UTC like an
unknown zone (RFC 5322 4.3); ``colon-date-zone`` for a zone written ``+01:00`` (ISO 8601's
form, which RFC 5322 does not allow), read as that offset, as git reads it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from kvmlist.models import Defect

#: Before this, no Internet mail (1971); a clock at zero (the Unix epoch, 1970) falls here too.
EARLIEST = datetime(1971, 1, 1, tzinfo=timezone.utc)
#: How far ahead of the clock a date may run (a sender's clock or zone set wrong by hours).
AHEAD = timedelta(days=1)

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
# ... 10:00:00 +9999   a numeric zone ending a date
RE_ZONE = re.compile(r"[ \t]([+-])(\d{2})(\d{2})$")
# ... 10:00:00 +01:00   a zone written with a colon (ISO 8601's form, not RFC 5322's)
RE_COLON_ZONE = re.compile(r"[ \t]([+-])(\d{2}):(\d{2})$")
# Mon, 3 Mar 0025 10:00:00   a four-digit year (not the time's digits, not the zone's)
RE_FOUR_DIGITS = re.compile(r"(?<![\d:+-])(\d{4})(?![\d:])")


def parse_date(value: str | None, defects: list[Defect]) -> datetime | None:
    """Return the date of a Date header in UTC, or None (with a defect) when there is none."""
    if value:  # the usual form, as the header scan left it (no blanks around, no comment)
        match = RE_RFC2822.fullmatch(value)
        if match is not None and _zone_exists(match[8], match[9]):
            parsed = _from_match(match)
            if parsed is not None:
                return _plausible(parsed, value, defects)
    if not value or not value.strip():
        defects.append(Defect(kind="missing-date"))
        return None
    text = _without_comment(value)
    colon = RE_COLON_ZONE.search(text)
    if colon is not None and RE_ISO.fullmatch(text) is None:  # read as git reads it
        defects.append(Defect(kind="colon-date-zone", detail=value[:80]))
        text = f"{text[: colon.start()]} {colon[1]}{colon[2]}{colon[3]}"
    zone = RE_ZONE.search(text)
    if zone is not None and not _zone_exists(zone[2], zone[3]):
        defects.append(Defect(kind="bad-date-zone", detail=value[:80]))
        text = f"{text[: zone.start()]} -0000"  # RFC 5322 4.3: an unknown zone is -0000
    parsed = _rfc2822(text)
    if parsed is None:
        parsed = _iso(text)
    if parsed is None:
        defects.append(Defect(kind="bad-date", detail=value[:80]))
        return None
    return _plausible(parsed, value, defects)


def received_date(stamps: list[str]) -> datetime | None:
    """Return the time of the first (topmost) Received stamp, the one the list's own server
    wrote: what dates a mail without a readable Date, as public-inbox dates it. None when
    that stamp holds no clean, plausible date after its ";"."""
    if not stamps or ";" not in stamps[0]:
        return None
    found: list[Defect] = []
    parsed = parse_date(stamps[0].rpartition(";")[2].strip(), found)
    return parsed if not found else None


def _zone_exists(hours: str, minutes: str) -> bool:
    """Whether a +HHMM zone's digits name an offset a clock can have (under a day, RFC 5322
    3.3's minutes 00-59)."""
    return hours < "24" and minutes < "60"


def _plausible(parsed: datetime, value: str, defects: list[Defect]) -> datetime:
    """Return a date, recording ``implausible-date`` when it is before Internet mail or
    more than a day ahead of the clock."""
    if parsed < EARLIEST or (parsed > _latest[0] and parsed > _read_clock()):
        defects.append(Defect(kind="implausible-date", detail=value[:80]))
    return parsed


#: The latest plausible date when the clock was last read: a date before it is before the
#: latest plausible date now (a clock goes forward), so the clock is read only for a date
#: after it, not for every mail.
_latest = [EARLIEST]


def _read_clock() -> datetime:
    """Return the latest plausible date now (the clock plus AHEAD), kept in _latest."""
    _latest[0] = datetime.now(timezone.utc) + AHEAD
    return _latest[0]


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
    year = RE_FOUR_DIGITS.search(text)
    if year is not None and year[1].startswith("0"):  # RFC 5322 4.3 completes 2-3 digits only
        fields = (int(year[1]), *fields[1:])
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
