"""From analysis to applying: a Series as an am-ready mbox, or as b4's LoreMailbox."""

from __future__ import annotations

import re
from typing import Any

from kvmlist.errors import MissingExtraError
from kvmlist.models import Series

# body lines that mboxrd quotes: From , >From , >>From ...   (in b"\n" + raw: a pattern that
# opens with a newline is found by a fast scan, one that opens with "^" tried everywhere)
RE_FROM_LINE = re.compile(rb"\n(>*From )")
SEPARATOR = b"From kvmlist Thu Jan  1 00:00:00 1970\n"


def to_mbox(series: Series, *, include_cover: bool = False) -> bytes:
    """Return the series' patches in index order as an mboxrd that ``git am`` applies.

    The mails go out as they were archived (MIME and in-body From included), so git am
    decodes them and credits the real author exactly as it would from the list.
    """
    mails = series.messages if include_cover else series.patches
    out = bytearray()
    for patch in mails:
        raw = patch.raw.replace(b"\r\n", b"\n")
        if b"From " in raw:
            raw = RE_FROM_LINE.sub(rb"\n>\1", b"\n" + raw)[1:]
        out += SEPARATOR + raw
        if not raw.endswith(b"\n"):
            out += b"\n"
        out += b"\n"
    return bytes(out)


def to_b4(series: Series) -> Any:
    """Return a ``b4.LoreMailbox`` holding the series' mails (needs ``kvmlist[b4]``)."""
    try:
        import email

        import b4
    except ImportError:
        raise MissingExtraError("to_b4 needs b4: pip install 'kvmlist[b4]'") from None
    mailbox = b4.LoreMailbox()
    for patch in series.messages:
        mailbox.add_message(email.message_from_bytes(patch.raw, policy=b4.emlpolicy))
    return mailbox
