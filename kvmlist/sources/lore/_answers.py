"""What a public-inbox server's answers must be, checked before anything is cached or used.

Each function takes an answer's body (Content-Encoding already undone) and returns what the
client hands on, or raises BadAnswer saying what the body is instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from kvmlist._utc import as_utc
from kvmlist.errors import BadAnswer, SourceError
from kvmlist.parse.message import message_id_of
from kvmlist.sources.lore._bounded import describe, gunzip
from kvmlist.sources.mbox import split_mboxrd

ATOM = "{http://www.w3.org/2005/Atom}"
# https://lore.kernel.org/kvm/20251204094806.3846619-1-maz@kernel.org/T/#u -> the id part
RE_URL_ID = re.compile(r"/([^/]+(?:@|%40)[^/]+)(?:/|$)")
#: The first line of every mail in public-inbox's mboxrd rendering (also of /raw).
MBOXRD_SEPARATOR = b"From mboxrd@z "


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of an inbox's Atom feed of new messages."""

    message_id: str
    subject: str
    author: str
    email: str
    updated: datetime | None
    url: str


def the_mail(body: bytes, message_id: str, limit: int) -> bytes:
    """Return the mail a ``/raw`` answer holds, as sent: public-inbox's mboxrd rendering (a
    ``From mboxrd@z`` line, ``>From`` quoting, one more newline) undone.

    With several mails of that Message-ID (duplicates), the first is the answer.
    """
    if body.startswith(b"From "):
        try:
            mails = list(split_mboxrd(body, name="the raw answer", max_mail_bytes=limit))
        except SourceError as error:
            raise BadAnswer(str(error)) from None
        mail = mails[0] if mails else b""
    else:
        mail = body  # a server that serves the mail itself
    found = message_id_of(mail)  # read as the mail will be parsed: blanks kept
    if found != message_id:
        what = f"the mail <{found}>" if found else describe(body)
        raise BadAnswer(f"the answer is {what}, not the mail <{message_id}>")
    return mail


def the_thread(body: bytes, message_id: str, limit: int) -> bytes:
    """Return the mboxrd of a ``t.mbox.gz`` answer: complete gzip, holding the message."""
    mbox = gunzip(body, limit, "the thread")
    if not mbox.startswith(b"From "):
        raise BadAnswer(f"the thread is no mbox ({describe(mbox)})")
    if not re.search(rb"(?mi)^message-id:\s*<" + re.escape(message_id.encode()) + rb">", mbox):
        raise BadAnswer(f"the thread does not hold {message_id}")
    return mbox


def the_search(body: bytes, limit: int) -> bytes:
    """Return the mboxrd of a search answer (``x=m``): complete gzip of an mbox."""
    mbox = gunzip(body, limit, "the search result")
    if not mbox.startswith(b"From "):
        raise BadAnswer(f"the search result is no mbox ({describe(mbox)})")
    return mbox


def the_feed(body: bytes) -> list[FeedEntry]:
    """Return the entries of an Atom feed answer."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise BadAnswer(f"the feed is no Atom feed ({describe(body)}: {error})") from None
    if root.tag != f"{ATOM}feed":
        raise BadAnswer(f"the feed is no Atom feed (its root is <{root.tag}>)")
    return [_entry(entry) for entry in root.iter(f"{ATOM}entry")]


def _entry(entry: ElementTree.Element) -> FeedEntry:
    link = entry.find(f"{ATOM}link")
    url = link.get("href", "") if link is not None else ""
    match = RE_URL_ID.search(urlsplit(url).path)
    return FeedEntry(
        message_id=unquote(match.group(1)) if match else "",
        subject=entry.findtext(f"{ATOM}title") or "",
        author=entry.findtext(f"{ATOM}author/{ATOM}name") or "",
        email=entry.findtext(f"{ATOM}author/{ATOM}email") or "",
        updated=_when(entry.findtext(f"{ATOM}updated") or ""),
        url=url,
    )


def _when(text: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00"))) if text else None
    except ValueError:
        return None  # a feed with a date we cannot read still lists its entries
