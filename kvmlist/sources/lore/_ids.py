"""Message-IDs and lore URLs: a Message-ID is checked before it becomes part of a URL."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from kvmlist.errors import InvalidMessageId

#: The public-inbox server asked when none is named.
DEFAULT_BASE = "https://lore.kernel.org/all/"
# "a b@c", "x@y\n/raw": no Message-ID holds a blank or a control character
RE_NOT_IN_AN_ID = re.compile(r"[\s\x00-\x1f\x7f]")
#: What stays unquoted in the path segment of a Message-ID ("/" does not).
SAFE_IN_PATH = "@+=-._~!$&'()*,;:"


def normalise_message_id(text: str) -> str:
    """Return a bare Message-ID from ``<id>``, ``id`` or a lore URL naming it.

    ``..``, ``.``, an empty text, ``<>`` and texts holding blanks or control characters are
    no Message-ID: InvalidMessageId, before anything is sent.
    """
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return split_lore_url(text)[1]
    message_id = text.strip("<>")
    if not message_id.strip(".") or RE_NOT_IN_AN_ID.search(message_id):
        raise InvalidMessageId(f"{text!r} is not a Message-ID")
    return message_id


def split_lore_url(url: str) -> tuple[str, str]:
    """Return (inbox URL, Message-ID) of a lore message URL; ``%40`` for ``@`` is fine.

    ``https://lore.kernel.org/kvm/<id>/T/#u`` -> (``https://lore.kernel.org/kvm/``, ``<id>``).
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index, segment in enumerate(segments):
        message_id = unquote(segment)
        if "@" in message_id:
            if not message_id.strip(".") or RE_NOT_IN_AN_ID.search(message_id):
                break
            inbox = "/".join(segments[:index]) + "/"
            return f"{parts.scheme}://{parts.netloc}{inbox}", message_id
    raise InvalidMessageId(f"{url}: no Message-ID in this URL")


def path_of(message_id: str) -> str:
    """Return the URL path segment naming a message (``/`` and ``%`` quoted)."""
    return quote(normalise_message_id(message_id), safe=SAFE_IN_PATH)
