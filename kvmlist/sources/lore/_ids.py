"""Message-IDs and lore URLs: a Message-ID is checked before it becomes part of a URL."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from kvmlist.errors import InvalidMessageId

#: The public-inbox server asked when none is named.
DEFAULT_BASE = "https://lore.kernel.org/all/"
# "x@y\n/raw", "a\tb@c": no Message-ID an archive keeps holds a control character (public-inbox
# drops tabs and line breaks from an id); blanks it keeps ("<sp ace@ex.org>")
RE_NOT_IN_AN_ID = re.compile(r"[\x00-\x1f\x7f]")
#: What stays unquoted in the path segment of a Message-ID: RFC 3986's pchar less "%", as
#: public-inbox's mid_escape (a blank is %20, "/" is %2F).
SAFE_IN_PATH = "@+=-._~!$&'()*,;:"


def normalise_message_id(text: str) -> str:
    """Return a bare Message-ID from ``<id>``, ``id`` or a lore URL naming it.

    An id keeps its blanks (``<sp ace@ex.org>``), as the archive does. ``..``, ``.``, an
    empty or blank text, ``<>`` and texts holding a control character are no Message-ID:
    InvalidMessageId, before anything is sent.
    """
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return split_lore_url(text)[1]
    message_id = text.strip("<>")
    if not is_message_id(message_id):
        raise InvalidMessageId(f"{text!r} is not a Message-ID")
    return message_id


def is_message_id(text: str) -> bool:
    """True for a text that may name a message in a URL path: not blank, no ``.`` or ``..``
    segment, no control character."""
    return bool(text.strip(".")) and not text.isspace() and RE_NOT_IN_AN_ID.search(text) is None


def split_lore_url(url: str) -> tuple[str, str]:
    """Return (inbox URL, Message-ID) of a lore message URL; ``%40`` for ``@`` is fine.

    ``https://lore.kernel.org/kvm/<id>/T/#u`` -> (``https://lore.kernel.org/kvm/``, ``<id>``).
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index, segment in enumerate(segments):
        message_id = unquote(segment)
        if "@" in message_id:
            if not is_message_id(message_id):
                break
            inbox = "/".join(segments[:index]) + "/"
            return f"{parts.scheme}://{parts.netloc}{inbox}", message_id
    raise InvalidMessageId(f"{url}: no Message-ID in this URL")


def path_of(message_id: str) -> str:
    """Return the URL path segment naming a message (``/`` and ``%`` quoted)."""
    return _quoted(normalise_message_id(message_id))


def path_segment(message_id: str) -> str | None:
    """Return a bare Message-ID quoted as a URL path segment, as lore quotes it, or None
    for one :func:`is_message_id` refuses (``..`` would name lore's front page)."""
    return _quoted(message_id) if is_message_id(message_id) else None


def _quoted(message_id: str) -> str:
    return quote(message_id, safe=SAFE_IN_PATH)
