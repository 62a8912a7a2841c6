"""What the commands that hold an archive (series, review, stalled, pulls) keep of each mail.

Series grouping needs every mail at once, so these commands hold the archive; but not every
mail's raw bytes. A reply's body is read only for the trailers it gives in its own text, for
an "applied" notice, for a pull request's merge notice and for a maintainer taking an
acceptance back (grouping.retraction): a reply that has none of them is
held without its bytes (its body reads as empty, which gives none, as before), and one that
has any keeps its decoded text alone, as a plain UTF-8 mail that decodes to the same text
(checked) instead of its headers, HTML part and transfer encoding. A robot's report is never
read. A patch or cover letter keeps its parsed fields (title, commit message, trailers,
diffstat); when the command reads its body (diff, revisions) and its To/Cc, it also keeps
those as a plain UTF-8 mail (checked to give the same body and recipients), else no bytes.
Pull requests and other mails may become cover letters and stay whole. docs/performance.md
says what each command holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kvmlist.models import Message, Patch, Person
from kvmlist.parse.headers import split_raw
from kvmlist.parse.mime import decode_body, normalise_newlines
from kvmlist.parse.notice import applied_notice
from kvmlist.parse.pull_notice import merge_notice
from kvmlist.parse.recipients import recipients_of
from kvmlist.parse.reply import given_trailers
from kvmlist.parse.retraction import retraction_in

#: The end of a held mail's header block: its body is UTF-8 text, nothing to decode.
TEXT_HEAD = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
#: Header fields a held patch keeps, as their lines were written (To/Cc: its recipients).
KEPT_FIELDS = (b"to:", b"cc:")


def held(messages: Iterable[Message], *, patch_bodies: bool) -> Iterator[Message]:
    """Yield each message as a command that holds the archive keeps it: without the raw
    bytes no later step reads (see the module docstring); ``patch_bodies`` keeps the body
    and recipients of patches and cover letters."""
    for message in messages:
        yield held_one(message, patch_bodies=patch_bodies)


def held_one(message: Message, *, patch_bodies: bool) -> Message:
    """One message as :func:`held` keeps it (a worker process's projection: what it hands
    back is as small as what is held)."""
    if isinstance(message, Patch):
        raw = _patch_part(message.raw) if patch_bodies else b""
        return message.model_copy(update={"raw": raw})
    if message.kind == "reply" and message.raw:
        raw = _reply_part(message.raw, message.sender, message.subject)
        return message.model_copy(update={"raw": raw})
    if message.kind == "robot":  # a script's notice threaded to nothing applies by its text
        raw = _notice_part(message.raw, message.sender, message.subject)
        return message.model_copy(update={"raw": raw})
    return message


def _notice_part(raw: bytes, sender: Person | None, subject: str) -> bytes:
    """Return what a robot mail's bytes must hold: nothing unless its body is an "applied"
    notice (the stable trees' note sent unthreaded: grouping.acceptance; a commit hook's,
    read with its subject, as acceptance reads it), else its text."""
    if not raw:
        return b""
    text = decode_body(raw).text
    noticed = applied_notice(text, sender, subject) is not None
    return _text_mail(raw, text, b"") if noticed else b""


def _reply_part(raw: bytes, sender: Person | None, subject: str) -> bytes:
    """Return what a reply's bytes must hold: nothing when its body gives no trailer, no
    "applied" notice (a commit hook's is read with its subject, as acceptance reads it), no
    merge notice and takes back no acceptance ("I dropped this series"), else a plain text
    mail of its body.

    The body is decoded here and not kept (``Message.body`` would cache it on the mail)."""
    text = decode_body(raw).text
    if (
        next(iter(given_trailers(text)), None) is None
        and applied_notice(text, sender, subject) is None
        and merge_notice(text, sender) is None
        and retraction_in(text) is None
    ):
        return b""
    return _text_mail(raw, text, b"")


def _patch_part(raw: bytes) -> bytes:
    """Return a patch's To and Cc lines and its body as a plain text mail."""
    block, _ = split_raw(normalise_newlines(raw))
    head = b"".join(_field_lines(block))
    plain = _text_mail(raw, decode_body(raw).text, head)
    return plain if plain is raw or recipients_of(plain) == recipients_of(raw) else raw


def _text_mail(raw: bytes, text: str, head: bytes) -> bytes:
    """Return head and text as a plain UTF-8 mail, or raw when that would not decode to the
    same text."""
    try:
        plain = head + TEXT_HEAD + text.encode("utf-8")
    except UnicodeEncodeError:
        return raw
    return plain if decode_body(plain).text == text else raw


def _field_lines(block: bytes) -> Iterator[bytes]:
    """Yield the lines of the KEPT_FIELDS in a header block, continuation lines included."""
    keeping = False
    for line in block.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if keeping:
                yield line
            continue
        keeping = line[:3].lower() in KEPT_FIELDS
        if keeping:
            yield line if line.endswith(b"\n") else line + b"\n"
