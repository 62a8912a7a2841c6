"""The mails a commit names in its trailers: ``Link:`` and ``Message-Id:`` lines.

Every lore-style form gives the bare Message-ID::

    Link: https://lore.kernel.org/r/20220120150124.1234-2-alex@example.org
    Link: https://lore.kernel.org/all/<id>/   https://lore.kernel.org/kvmarm/<id>/T/#u
    Link: https://patch.msgid.link/<id>       https://msgid.link/r/<id>
    Message-Id: <id>                          Message-ID: id  (with %40 for @, or < > quoted)
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from kvmlist.parse.links import message_id_in_url

# Link: https://lore.kernel.org/r/<id>   |   Message-Id: <20220120150124.1234-2-a@b.org>
RE_TRAILER = re.compile(r"^(link|message-id)[ \t]*:[ \t]*(\S[^\n]{0,998})$", re.I | re.M)


def linked_message_ids(message: str) -> tuple[str, ...]:
    """Return the Message-IDs a commit message names in Link:/Message-Id: trailers."""
    found = []
    for key, value in RE_TRAILER.findall(message):
        value = value.strip()
        if key.lower() == "message-id":
            found.append(_bare(value))
        elif value.startswith(("http://", "https://")):
            found.append(message_id_in_url(value.split()[0]) or "")
    return tuple(dict.fromkeys(one for one in found if "@" in one))


def _bare(text: str) -> str:
    return unquote(text.strip().strip("<>").strip())
