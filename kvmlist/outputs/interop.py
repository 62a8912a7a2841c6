"""From analysis to applying: a Series as an am-ready mbox, or as b4's LoreMailbox."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kvmlist._arguments import check_type
from kvmlist.errors import MissingExtraError
from kvmlist.models import Message, Patch, Series
from kvmlist.parse.body import scissors_cut
from kvmlist.parse.headers import ONCE_FIELDS, scan_headers, split_raw
from kvmlist.parse.scissors import first_mark

# From the Arm ARM, DDI0487 L.a   (a body line opening with "From ", in b"\n" + raw: a pattern that
# opens with a newline is found by a fast scan, one that opens with "^" tried everywhere)
RE_FROM_LINE = re.compile(rb"\nFrom [^\n]*")
# "  2001"   (after a separator's hh:mm:ss: what strtol reads as the year, blanks and sign first)
RE_YEAR = re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-9]+)")
SEPARATOR = b"From kvmlist Thu Jan  1 00:00:00 1970\n"
# Subject: [PATCH] a\n b\n   (a field of a header block with its folded lines)
RE_FIELD = re.compile(rb"(?m)^[^\n]*+\n(?:[ \t][^\n]*+\n)*+")
# Content-Type: multipart/mixed; boundary="x"   (the fields a rebuilt mail leaves out)
RE_MIME_FIELD = re.compile(rb"(?i)(?:content-[!-9;-~]*|mime-version)[ \t]*:")
#: What a rebuilt mail says of its one part, and the blank line above its body.
TEXT_PART = (
    b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\n\n"
)
CONTENT_TYPE = frozenset({"content-type"})


def to_mbox(series: Series, *, include_cover: bool = False) -> bytes:
    """Return the series' patches in index order as an mbox that plain ``git am`` applies.

    The patches are ``series.patches``: a patch a point revision replaced (``series.replaced``)
    is left out. ``include_cover=True`` writes the cover letter first, for reading: it holds
    no diff, so plain git am stops at it ("Patch is empty"); ``git am --empty=drop`` skips it.

    The mails go out as they were archived (MIME and in-body From included), so git am
    decodes them and credits the real author exactly as it would from the list; but a mail
    git would read otherwise than kvmlist (MIME parts, a repeated field, a note above a
    scissors line) is written as kvmlist read it (:func:`as_read`):
    git am applies what kvmlist shows, never a diff hidden where kvmlist did not look. Body lines
    are written as they are, as ``b4 am`` writes them, so a commit message line "From the
    Arm ARM" or ">From" comes out of git am unchanged; only a line git would take for the
    start of a mail (``From x Thu Jan  1 00:00:00 1970``) is written ``>From``, which plain
    git am keeps (``--patch-format=mboxrd`` drops it, and one ``>`` of every other ``>From``
    line). Not an mboxrd: Python's mailbox and mboxrd readers would cut a mail at such lines.
    """
    out = bytearray()
    for patch in _mails(series, include_cover=include_cover):
        raw = as_read(patch)
        if b"From " in raw:
            raw = RE_FROM_LINE.sub(_quoted_if_a_separator, b"\n" + raw)[1:]
        out += SEPARATOR + raw
        if not raw.endswith(b"\n"):
            out += b"\n"
        out += b"\n"
    return bytes(out)


def as_read(patch: Message) -> bytes:
    """Return a mail as git am reads it the way kvmlist did: as archived (LF line ends), or,
    when it is MIME other than one text/plain part, repeats a field kvmlist reads once
    (defect ``repeated-field``) or is read from below a scissors line (``-- >8 --``), its
    header fields (each such field's first value; no MIME fields) above one UTF-8
    text/plain part holding the body kvmlist read (from below the scissors line). git
    mailinfo reads every part of a mail (HTML, signatures, attachments of any type) and a
    repeated field's last value, and cuts at scissors only when told (``--scissors``);
    kvmlist reads text and patch parts, the first value and below the scissors, as b4 does.
    """
    raw = patch.raw.replace(b"\r\n", b"\n")
    repeated = any(defect.kind == "repeated-field" for defect in patch.defects)
    block = split_raw(raw)[0]
    kind = scan_headers(block, [], CONTENT_TYPE).get("content-type")
    plain = kind is None or kind.split(";", 1)[0].strip().lower() == "text/plain"
    text = patch.body
    cut = scissors_cut(text) if first_mark(text, 0) >= 0 else -1
    if not repeated and plain and cut < 0:
        return raw
    seen: set[str] = set()
    kept = []
    ended = block if block.endswith(b"\n") else block + b"\n"
    for field in RE_FIELD.findall(ended):
        if field == b"\n" or RE_MIME_FIELD.match(field):
            continue
        name = field.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        if name in ONCE_FIELDS:
            if name in seen:
                continue
            seen.add(name)
        kept.append(field)
    body = text[max(cut, 0) :].encode("utf-8", "replace")
    return b"".join(kept) + TEXT_PART + body + (b"" if body.endswith(b"\n") else b"\n")


def _mails(series: Series, *, include_cover: bool) -> tuple[Patch, ...]:
    """The mails an export writes: the cover letter when asked (and there is one), then the
    series' patches; never the patches point revisions replaced."""
    hint = "pass one Series of kvmlist.group_series(messages)"
    check_type(series, Series, "series", "a Series", hint)
    cover = (series.cover,) if include_cover and series.cover is not None else ()
    return cover + series.patches


def _quoted_if_a_separator(found: re.Match[bytes]) -> bytes:
    line = found[0][1:]
    return b"\n>" + line if starts_a_mail_for_git(line) else found[0]


def starts_a_mail_for_git(line: bytes) -> bool:
    """True when ``git mailsplit`` (git am's first step) starts a new mail at this line
    (given without its newline), as measured against git 2.39: "From ", 19 bytes or more,
    and at its last colon but the final byte a time ``h?h:mm:ss`` (any byte between hour
    and minutes) followed by a number above 90, a year ("From a Thu Jan  1 00:00:00 1970")."""
    if len(line) < 19 or not line.startswith(b"From "):
        return False
    colon = line.rfind(b":", 5, len(line) - 1)
    digits = (colon - 4, colon - 2, colon - 1, colon + 1, colon + 2)
    if colon < 0 or not all(i < len(line) and line[i : i + 1].isdigit() for i in digits):
        return False
    year = RE_YEAR.match(line, colon + 3)
    return year is not None and int(year[2]) > 90 and year[1] != b"-"


def to_b4(series: Series, *, messages: Iterable[Message] = ()) -> Any:
    """Return a ``b4.LoreMailbox`` holding the series' cover letter and patches (needs
    ``kvmlist[b4]``); a patch a point revision replaced is left out, and b4 reads the
    point revision itself (``[PATCH v4.1 2/2]``) as a version 4.1 it has no place for.

    ``messages``: mails to take the series' replies from (the archive's, or a thread's): each
    whose In-Reply-To or References names one of the series' mails goes in too, so that b4
    finds the trailers reviewers gave (``followup_trailers``); without them it finds none.
    Every mail is written as git am would read it the way kvmlist did (:func:`as_read`).

    Read it with ``get_series(version, codereview_trailers=False)``: b4's default fetches
    code-review trailers over the network, which needs the configuration b4's command line
    loads (without it: ``KeyError: 'cache-expire'``).
    """
    try:
        import email

        import b4
    except ImportError:
        raise MissingExtraError("to_b4 needs b4: pip install 'kvmlist[b4]'") from None
    mailbox = b4.LoreMailbox()
    mails = _mails(series, include_cover=True)
    for mail in (*mails, *_replies(series, messages)):
        mailbox.add_message(email.message_from_bytes(as_read(mail), policy=b4.emlpolicy))
    return mailbox


def _replies(series: Series, messages: Iterable[Message]) -> list[Message]:
    """The mails of messages that answer one of the series' mails (In-Reply-To or
    References names it: a reply's References carry its thread), not the series' own."""
    ids = {mail.message_id for mail in series.messages}
    return [
        mail
        for mail in messages
        if mail.message_id not in ids
        and not ids.isdisjoint(filter(None, (mail.in_reply_to, *mail.references)))
    ]
