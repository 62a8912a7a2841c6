"""What the commands that hold an archive (series, review, stalled) keep of each mail.

Series grouping needs every mail at once, so these commands hold the archive; but not every
mail's raw bytes. A reply's body is read only for the trailers it gives in its own text and
for an "applied" notice: a reply that has neither is held without its bytes (its body reads
as empty, which gives neither, as before). A patch or cover letter keeps its parsed fields
(title, commit message, trailers, diffstat); its bytes are held only when the command reads
its body (diff, revisions, To/Cc). docs/performance.md says what each command holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kvmlist.models import Message, Patch
from kvmlist.parse.mime import decode_body
from kvmlist.parse.reply import applied_notice, given_trailers


def held(messages: Iterable[Message], *, patch_bodies: bool) -> Iterator[Message]:
    """Yield each message as a command that holds the archive keeps it: without the raw
    bytes no later step reads (see the module docstring); ``patch_bodies`` keeps those of
    patches and cover letters."""
    for message in messages:
        if isinstance(message, Patch):
            yield message if patch_bodies else message.model_copy(update={"raw": b""})
        elif message.kind == "reply" and message.raw and not _body_is_read(message.raw):
            yield message.model_copy(update={"raw": b""})
        else:
            yield message


def _body_is_read(raw: bytes) -> bool:
    """True when a reply's body gives a trailer or an "applied" notice: later steps read it.

    The body is decoded here and not kept (``Message.body`` would cache it on the mail)."""
    text = decode_body(raw).text
    return next(iter(given_trailers(text)), None) is not None or applied_notice(text) is not None
