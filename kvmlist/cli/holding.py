"""What the commands that hold an archive (series, review, stalled) keep of each mail.

Series grouping needs every mail at once, so these commands hold the archive; but not every
mail's raw bytes. A reply's body is read only for the trailers it gives in its own text and
for an "applied" notice: a reply that has neither is held without its bytes (its body reads
as empty, which gives neither, as before), and one that has either keeps its decoded text
alone, as a plain UTF-8 mail that decodes to the same text (checked) instead of its headers,
HTML part and transfer encoding. A robot's report is never read. A patch or cover letter
keeps its parsed fields (title, commit message, trailers, diffstat); its bytes are held only
when the command reads its body (diff, revisions, To/Cc). Pull requests and other mails may
become cover letters and stay whole. docs/performance.md says what each command holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kvmlist.models import Message, Patch
from kvmlist.parse.mime import decode_body
from kvmlist.parse.reply import applied_notice, given_trailers

#: The head of a held reply's bytes: its body as text, nothing to decode.
TEXT_HEAD = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"


def held(messages: Iterable[Message], *, patch_bodies: bool) -> Iterator[Message]:
    """Yield each message as a command that holds the archive keeps it: without the raw
    bytes no later step reads (see the module docstring); ``patch_bodies`` keeps those of
    patches and cover letters."""
    for message in messages:
        if isinstance(message, Patch):
            yield message if patch_bodies else message.model_copy(update={"raw": b""})
        elif message.kind == "reply" and message.raw:
            yield message.model_copy(update={"raw": _read_part(message.raw)})
        elif message.kind == "robot":
            yield message.model_copy(update={"raw": b""})
        else:
            yield message


def _read_part(raw: bytes) -> bytes:
    """Return what a reply's bytes must hold: nothing when its body gives no trailer and no
    "applied" notice, else a plain text mail of its body (the raw bytes when that text would
    not decode to the same body).

    The body is decoded here and not kept (``Message.body`` would cache it on the mail)."""
    text = decode_body(raw).text
    if next(iter(given_trailers(text)), None) is None and applied_notice(text) is None:
        return b""
    try:
        plain = TEXT_HEAD + text.encode("utf-8")
    except UnicodeEncodeError:
        return raw
    return plain if decode_body(plain).text == text else raw
