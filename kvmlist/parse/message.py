"""One raw mail -> a :class:`Message`, or a :class:`Patch` when it carries a patch or cover."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kvmlist._arguments import check_type
from kvmlist.errors import MessageParseError
from kvmlist.models import (
    BODY_FORM,
    Defect,
    DefectKind,
    Message,
    MessageKind,
    Patch,
    Person,
    defer_reply_fields,
    defer_text_fields,
)
from kvmlist.parse.addresses import address_defect, looks_munged, read_address, unmunge
from kvmlist.parse.body import a_diff_line, has_diff, in_body_headers, split_body
from kvmlist.parse.content import (
    BOT_REPLY_MARKERS,
    bot_notice_of,
    has_base64_part,
    is_announcement,
    is_report,
    is_robot_report,
    may_hold_diff,
    opens_as_bot_reply,
    pull_source,
    sent_by_bot,
)
from kvmlist.parse.dates import parse_date, received_date
from kvmlist.parse.defects import DefectLog
from kvmlist.parse.headers import (
    BodyForm,
    Headers,
    body_headers,
    decode_words,
    leading_value,
    plain_end,
    read_headers,
    scan_headers,
    split_raw,
)
from kvmlist.parse.mime import BodyText, decode_body, normalise_newlines
from kvmlist.parse.reply import RE_ORIGINAL_LINE
from kvmlist.parse.subject import SubjectInfo, parse_subject

# <20251204094806.3846619-1-maz@kernel.org>  |  <"quoted local"@example.org>  |  <sp ace@x>
# (all between the brackets, as public-inbox keeps it; one of blanks only is no id)
RE_MSGID = re.compile(r"<([^<>]+)>")
# -----Original Message-----      (Outlook's header above the mail it answers, unquoted;
# looked for in "\n" + text: see mime.RE_UNSTUFFED)
RE_ORIGINAL_MESSAGE = re.compile("\n" + RE_ORIGINAL_LINE.pattern, re.IGNORECASE)
#: The header field read again for a munged From (the real sender may be in Cc).
CC = frozenset({"cc"})
MESSAGE_ID = frozenset({"message-id"})
RECEIVED = frozenset({"received"})
#: From values up to this long are read once per process (read_person); longer ones each time.
CACHED_VALUE_CHARS = 512
#: Defect kinds that describe a repair rather than a problem; strict mode lets them pass.
INFORMATIONAL: frozenset[DefectKind] = frozenset(
    {
        "dmarc-unmunged",
        "duplicate-patch",
        "patch-without-diff",
        "stacked-in-body-from",
        "unedited-cover",
    }
)
#: The subject git format-patch --cover-letter writes for its author to replace.
TEMPLATE_TITLE = "*** SUBJECT HERE ***"


@functools.cache
def _validators() -> tuple[Callable[[Any], Message], Callable[[Any], Patch]]:
    """The models' validators, called directly: model_validate's keyword handling costs a
    tenth of a mail's validation. Built on the first parse, as the models defer them."""
    return (
        Message.__pydantic_validator__.validate_python,
        Patch.__pydantic_validator__.validate_python,
    )


def parse_message(raw: bytes, *, strict: bool = False) -> Message:
    """Return the Message (or Patch) a raw mail holds; problems become defects.

    With ``strict=True`` the first non-informational defect (of ``defects`` or
    ``body_defects``: the body is then decoded now; then a patch's ``diffstat_defects``)
    raises MessageParseError, and so does a mail the parser cannot read at all. A ``str``
    raises TypeError: a mail is bytes (its charsets and transfer encodings say how to read
    them), so encode it first.
    """
    if raw.__class__ is not bytes:  # the splitters give bytes: no call for them
        _check_bytes(raw)
    return _strictly(_parse, raw) if strict else _parse(raw)


def parse_unless_answer(raw: bytes, *, strict: bool = False) -> Message | None:
    """Return ``parse_message(raw)``, or None for a mail whose subject answers or forwards
    another (``Re:``, ``Fwd:``): such a mail is never a Patch, so a count of patch mails
    needs nothing else of it, and its subject costs under a quarter of its parse.

    The subject is read from the header lines up to it (headers.leading_value); a mail
    whose lines there are not all plain is parsed whole, answer or not. ``strict`` checks
    the mails it parses.
    """
    if raw.__class__ is not bytes:  # the splitters give bytes: no call for them
        _check_bytes(raw)
    return _strictly(_posting, raw) if strict else _posting(raw)


def _check_bytes(raw: bytes) -> None:
    """Raise TypeError for a str or anything but bytes (its parse would fail deep inside,
    with a puzzling error)."""
    if isinstance(raw, str):
        raise TypeError("parse_message takes the mail's bytes, not str: pass text.encode()")
    check_type(raw, (bytes, bytearray), "raw", "the mail's bytes")


MaybeMessage = TypeVar("MaybeMessage", bound="Message | None")


def _strictly(parse: Callable[[bytes], MaybeMessage], raw: bytes) -> MaybeMessage:
    """``parse(raw)``, raising MessageParseError for an unreadable mail or a defect."""
    try:
        message = parse(raw)
    except MemoryError:
        raise
    except Exception as error:  # in strict mode every unreadable mail is a MessageParseError
        raise MessageParseError(f"unparsable mail: {type(error).__name__}: {error}") from error
    if message is not None:
        raise_for_defects(message)
    return message


def _parse(raw: bytes) -> Message:
    text = normalise_newlines(raw)
    return _parse_text(raw, text, plain_end(text))


def _posting(raw: bytes) -> Message | None:
    """parse_unless_answer's work: None when the header lines up to the subject tell an
    answer, else the parse, which checks the rest of the block only."""
    text = normalise_newlines(raw)
    defects = DefectLog()
    found = leading_value(text, "subject", defects)
    if found is None:
        return _parse_text(raw, text, plain_end(text))
    subject, checked = found
    if is_answer(parse_subject(decode_words(subject, defects))):
        return None
    return _parse_text(raw, text, plain_end(text, checked))  # the lines before: plain


def is_answer(info: SubjectInfo) -> bool:
    """Whether a subject answers or forwards another mail (``Re:``, ``Fwd:``): the mail is
    a reply or other, never a patch or cover, whatever it carries."""
    return info.is_reply or info.is_forward


def _parse_text(raw: bytes, text: bytes, end: int) -> Message:
    """Parse a mail, given with LF line ends and what headers.plain_end found for it."""
    defects = DefectLog()
    block, headers = read_headers(text, defects, end=end)
    common = _common_fields(raw, headers, defects, block)
    info = parse_subject(common["subject"])
    if info.is_reply:  # all a reply's body tells is has_diff, computed on first read
        kind = _kind(info, common, _bot_reply_body(text, headers, len(block)), False)
        common.update(kind=kind, has_diff=False, defects=defects.frozen())
        reply = defer_reply_fields(_validators()[0](common))
        _keep_body_form(reply, raw, text, block, headers)
        return reply
    decoded = _decoded_if_needed(text, headers, info, len(block))
    body = decoded.text if decoded is not None else ""
    diff_at = a_diff_line(body) if decoded is not None else -1
    carries = diff_at >= 0
    pull = pull_source(body, diff_at) if decoded is not None else None
    if pull is not None:
        common.update(pull_url=pull.url, pull_branch=pull.branch)
    kind = _kind(info, common, body, carries)
    message: Message
    if decoded is not None and kind in ("patch", "cover"):  # patch subjects are always decoded
        message = _patch(decoded, info, kind, common, defects, carries, diff_at)
    else:
        common.update(kind=kind, has_diff=carries, defects=defects.frozen())
        message = _validators()[0](common)
    _keep_body_form(message, raw, text, block, headers)
    return message


def _keep_body_form(
    message: Message, raw: bytes, text: bytes, block: bytes, headers: Headers
) -> None:
    """Leave with a mail of LF line ends how its body is decoded (models.BODY_FORM): a lazy
    ``.body`` or ``has_diff`` need not scan the header block again."""
    if text is raw:
        form: BodyForm = (
            len(block),
            headers.plain,
            headers.get("content-type"),
            headers.get("content-transfer-encoding"),
        )
        message.__dict__[BODY_FORM] = form


def reply_has_diff(raw: bytes, form: BodyForm | None = None) -> bool:
    """Whether a reply carries a diff, as its parse would say had it not left this to the
    first read (models.defer_reply_fields); ``form`` is what the parse kept (BODY_FORM),
    None to scan the header block again."""
    text = normalise_newlines(raw)
    if form is not None:
        headers, length = body_headers(form)
    else:  # the header block read as the parse reads it
        block, headers = read_headers(text, DefectLog())
        length = len(block)
    # an Index field, which form does not keep, only widens the look before decoding
    decoded = _answer_body_if_needed(text, headers, length, index_field=True)
    return decoded is not None and has_diff(decoded.text)


def _bot_reply_body(text: bytes, headers: Headers, block_length: int) -> str:
    """Return the decoded body of an answer that may be a bot's (BOT_REPLY_MARKERS), else "".
    The markers are looked for below the header block (half of a list mail's bytes)."""
    if all(text.find(marker, block_length) < 0 for marker in BOT_REPLY_MARKERS):
        return ""
    return decode_body(text, headers, block_length).text


def _decoded_if_needed(
    text: bytes, headers: Headers, info: SubjectInfo, block_length: int
) -> BodyText | None:
    """Return the decoded body, or None for a forward that cannot hold a diff (not decoded:
    its body is decoded on first use)."""
    if not is_answer(info):
        return decode_body(text, headers, block_length)
    return _answer_body_if_needed(text, headers, block_length, index_field="index" in headers)


def _answer_body_if_needed(
    text: bytes, headers: Headers, block_length: int, *, index_field: bool
) -> BodyText | None:
    """Return the decoded body of an answer, or None when it cannot hold a diff.

    A diff shows in the raw text unless base64 hides it: a multipart answer is decoded only
    when one of its parts is base64 (the stdlib's MIME parser is the costly part of parsing).
    ``index_field``: the header block may have an Index field (see may_hold_diff).
    """
    encoding = (headers.get("content-transfer-encoding") or "").lower()
    ctype = (headers.get("content-type") or "").lower()
    # the base64 part is looked for first: it is found near the start, markers in all the text
    if "base64" in encoding or ("multipart" in ctype and has_base64_part(text)):
        return decode_body(text, headers, block_length)
    body_at = block_length if headers.plain else 0
    if may_hold_diff(text, body_at, index_field=index_field):
        return decode_body(text, headers, block_length)
    return None


#: The Message fields every mail has, as _common_fields reads them (and the pull request's).
COMMON_FIELDS = (
    "message_id", "subject", "sender", "date", "in_reply_to", "references", "list_id", "raw",
    "pull_url", "pull_branch",
)  # fmt: skip


def as_cover(message: Message, *, version: int, total: int) -> Patch:
    """Return a mail that heads a series without saying so (a ``[GIT PULL]`` the patches
    answer) as the series' cover letter: index 0 of ``total``, at ``version``."""
    if isinstance(message, Patch):
        return message
    text = normalise_newlines(message.raw)
    block, _ = split_raw(text)
    headers = scan_headers(block, [])  # the body's Content-Type and transfer encoding
    common = {name: getattr(message, name) for name in COMMON_FIELDS}
    info = parse_subject(message.subject)._replace(version=version, index=0, total=total)
    decoded = decode_body(text, headers)
    defects = DefectLog(message.defects)
    return _patch(decoded, info, "cover", common, defects, has_diff(decoded.text))


def raise_for_defects(message: Message) -> None:
    """Raise MessageParseError for the first defect that is not informational: of
    ``defects``, then of ``body_defects`` (a patch's and cover's are in both; another
    mail's body is decoded here, which a parse that is not strict leaves until read), then
    a patch's ``diffstat_defects`` (its diffstat against its diff, read here)."""
    body = message.diffstat_defects if isinstance(message, Patch) else message.body_defects
    for defect in (*message.defects, *body):
        if defect.kind not in INFORMATIONAL:
            raise MessageParseError(f"{message.message_id}: {defect}")


def unparsable_message(raw: bytes, error: Exception) -> Message:
    """Return a placeholder Message for a mail the parser could not read: it keeps the
    Message-ID, subject and sender when those can still be read."""
    defect = Defect(kind="unparsable", detail=f"{type(error).__name__}: {error}"[:200])
    fields: dict[str, Any] = {"message_id": synthetic_id(raw)}
    try:
        headers = scan_headers(split_raw(normalise_newlines(raw))[0], [])
        fields["message_id"] = _first_id(headers.get("message-id")) or fields["message_id"]
        fields["subject"] = decode_words(headers.get("subject") or "", [])
        fields["sender"] = read_address(headers.get("from") or "", [])
    except MemoryError:
        raise
    except Exception:  # the placeholder keeps whatever was read before this
        pass
    return Message(defects=(defect,), raw=raw, **fields)


def is_unparsable(message: Message) -> bool:
    """True for the placeholder of a mail the parser could not read (unparsable_message)."""
    return any(defect.kind == "unparsable" for defect in message.defects)


def message_id_of(raw: bytes) -> str | None:
    """Return the Message-ID of a raw mail as :func:`parse_message` reads it (all between the
    brackets, blanks included), None when it has none."""
    headers = scan_headers(split_raw(normalise_newlines(raw))[0], [], MESSAGE_ID)
    return _first_id(headers.get("message-id"))


def synthetic_id(raw: bytes) -> str:
    """Return a stable Message-ID for a mail that has none: a hash of its bytes."""
    import hashlib  # rarely needed: not at import time

    return f"kvmlist.{hashlib.sha256(raw).hexdigest()[:24]}@synthetic.invalid"


def _common_fields(
    raw: bytes, headers: Headers, defects: list[Defect], block: bytes = b""
) -> dict[str, Any]:
    message_id = _first_id(headers.get("message-id"))
    if message_id is None:
        defects.append(Defect(kind="missing-message-id", detail="a synthetic id was given"))
        message_id = synthetic_id(raw)
    for name in headers.repeated():
        count = len(headers.get_all(name))
        detail = f"{name.title()}: {count} values, the first read"
        defects.append(Defect(kind="repeated-field", detail=detail))
    found = headers.get_all("references")
    references = _ids(found[0] if len(found) == 1 else " ".join(found))
    in_reply_to = _first_id(headers.get("in-reply-to"))
    list_id = _list_id(headers.get("list-id"))
    return {
        "message_id": message_id,
        "subject": decode_words(headers.get("subject") or "", defects),
        "sender": _sender(headers, block, list_id, defects),
        "date": parse_date(headers.get("date"), defects) or _received_date(block),
        "in_reply_to": in_reply_to,
        "references": references,
        "list_id": list_id,
        "raw": raw,
    }


def _received_date(block: bytes) -> datetime | None:
    """The first Received stamp's time of a mail with no readable Date (its header block
    scanned again, for that field only: mails with a Date never get here)."""
    return received_date(scan_headers(block, [], RECEIVED).get_all("received")) if block else None


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    if value[0] == "<":  # the usual "<id@host>": what RE_MSGID finds at its start
        end = value.find(">")
        inner = value[1:end]
        if end > 1 and "<" not in inner and not inner.isspace():
            return inner
    return _any_first_id(value)


#: A list's mails share a few List-Id values, most not in the usual "<id>" alone form.
_list_id = functools.lru_cache(maxsize=256)(_first_id)


def _any_first_id(value: str) -> str | None:
    """The first Message-ID of any header value (what _first_id's fast path gives too)."""
    for match in RE_MSGID.finditer(value):
        if not match.group(1).isspace():
            return match.group(1)
    bare = value.split("(", 1)[0].strip().strip("<>").split()  # a malformed id is kept
    return bare[0] if bare else None  # verbatim; "< <" holds none


def _ids(value: str) -> tuple[str, ...]:
    """Every Message-ID of a References value, each once, in order."""
    return tuple(dict.fromkeys([i for i in RE_MSGID.findall(value) if not i.isspace()]))


def _sender(
    headers: Headers, block: bytes, list_id: str | None, defects: list[Defect]
) -> Person | None:
    raw_from = headers.get("from")
    if raw_from is None:
        defects.append(Defect(kind="missing-from"))
        return None
    person, decoding, problem = read_person(raw_from)
    if decoding:
        defects.extend(decoding)
    if person is None:
        defects.append(Defect(kind="bad-from", detail=raw_from[:80]))
        return None
    original = headers.get("x-original-from")
    reply_to = headers.get("reply-to")
    for value in (original, reply_to):
        if value and "=?" in value:  # decoded for its defects, munged From or not
            decode_words(value, defects)
    if not _munged(raw_from, person, list_id):  # unmunge would give it back unchanged
        if problem is not None:
            defects.append(problem)
        return person
    # Cc is read only for a munged From: long Cc lists are not worth decoding on every mail
    cc = ", ".join(scan_headers(block, [], CC, plain=headers.plain).get_all("cc"))
    if "=?" in cc:  # decoded for its defects; unmunge reads it as a To/Cc is read
        decode_words(cc, defects)
    person, repair = unmunge(person, original, reply_to, list_id, cc=cc or None)
    if repair is not None:
        defects.append(repair)
    return _checked(person, defects)


def read_person(value: str) -> tuple[Person | None, tuple[Defect, ...], Defect | None]:
    """Return the person a From value names (None when it names none), the defects of its
    decoding, and what is wrong with the address (None when nothing is).

    A list's mails come from a few thousand senders: values up to CACHED_VALUE_CHARS long
    are read once (every result is immutable, so mails share the Person).
    """
    if len(value) <= CACHED_VALUE_CHARS:
        return _cached_person(value)
    return _person(value)


def _person(value: str) -> tuple[Person | None, tuple[Defect, ...], Defect | None]:
    decoding = DefectLog()
    person = read_address(value, decoding)
    problem = address_defect(person.email) if person is not None else None
    return person, decoding.frozen(), problem


_cached_person = functools.lru_cache(maxsize=4096)(_person)


def _munged(value: str, person: Person, list_id: str | None) -> bool:
    """``looks_munged(person, list_id)`` for the Person a From value names, answered once
    per value and list when both are short enough to be remembered (as in read_person)."""
    if len(value) <= CACHED_VALUE_CHARS and len(list_id or "") <= CACHED_VALUE_CHARS:
        return _cached_munged(value, list_id)
    return looks_munged(person, list_id)


@functools.lru_cache(maxsize=4096)
def _cached_munged(value: str, list_id: str | None) -> bool:
    person = read_person(value)[0]
    return person is not None and looks_munged(person, list_id)


def _checked(person: Person, defects: list[Defect]) -> Person:
    problem = address_defect(person.email)
    if problem is not None:
        defects.append(problem)
    return person


def _kind(info: SubjectInfo, common: dict[str, Any], body: str, diff: bool) -> MessageKind:
    """Return the kind of a mail from its subject and what its body carries."""
    threaded = bool(common["in_reply_to"] or common["references"])
    if not diff and opens_as_bot_reply(body):  # a bot's answer, sent from a person's address
        return "robot"
    if is_answer(info):
        return "reply" if info.is_reply or threaded else "other"
    if common.get("pull_url") is not None or (info.is_pull_request and info.index is None):
        # the request-pull text, or a [GIT PULL] subject; [PULL 00/20] + [PULL 01/20] is a series
        return "cover" if info.index == 0 else "pull"
    if is_robot_report(info):
        return "robot"
    notice = bot_notice_of(info.subject, body)
    if notice == "ci":  # a CI's verdict on a series: a robot's report wherever it is threaded
        if sent_by_bot(notice, common["sender"]):
            return "robot"
    elif notice is not None:  # a patch quoted by a script: under it, a reply
        return "reply" if threaded else "robot"
    if info.is_patch or info.index is not None:
        if not diff and (threaded or _opens_with_a_quote(body)) and _answers(info, body):
            return "reply"  # "[PATCH 2/5] x" kept by the replier's mailer, without Re:
        return "cover" if info.index == 0 else "patch"
    if is_announcement(info):  # "[ANNOUNCE] v6.13-rc2-rt1" and its delta diff: no posting
        return "reply" if threaded else "other"
    tagged = info.version != 1 or info.is_rfc or info.is_resend or not info.title
    if diff and (tagged or not (threaded or is_report(info))):
        return "patch"  # "[v5] x", "[RFC] x", an empty subject: a new posting with a diff
    return "reply" if threaded else "other"


def _opens_with_a_quote(body: str) -> bool:
    """True when a mail's text opens with a quoted line or Outlook's "Original Message"
    block: an answer even when its mailer threaded it to nothing."""
    opening = body.lstrip()
    return opening.startswith(">") or RE_ORIGINAL_MESSAGE.match("\n" + opening) is not None


def _answers(info: SubjectInfo, body: str) -> bool:
    """True when a threaded mail without a diff under a patch subject answers another mail:
    it holds Outlook's "Original Message" block, or it quotes (``>`` lines) and is no cover
    letter with a diffstat (covers quote too)."""
    if RE_ORIGINAL_MESSAGE.search("\n" + body) is not None:
        return True
    quotes = body.startswith(">") or "\n>" in body
    return quotes and (info.index != 0 or not split_body(body).diffstat)


def _patch(
    decoded: BodyText,
    info: SubjectInfo,
    kind: MessageKind,
    common: dict[str, Any],
    defects: DefectLog,
    carries: bool,
    diff_at: int | None = None,
) -> Patch:
    """Return the Patch (or cover) a decoded body makes; its commit message, trailers and
    diffstat are computed from the body when first read (models.defer_text_fields).
    ``diff_at``: where a_diff_line found a diff in the body (-1: none), when known."""
    defects.extend(decoded.defects)
    author, title, date = _in_body_overrides(
        in_body_headers(decoded.text, diff_at)[0], info, common, defects
    )
    if kind == "patch" and not carries:
        defects.append(Defect(kind="patch-without-diff"))
    elif kind == "cover" and title == TEMPLATE_TITLE:  # the series takes its first patch's
        defects.append(Defect(kind="unedited-cover", detail=f"subject {TEMPLATE_TITLE}"))
    fields = {
        **common,
        "date": date,
        "kind": kind,
        "defects": defects.frozen(),
        "title": title,
        "version": info.version,
        "index": info.index if info.index is not None else 1,
        "total": info.total if info.total is not None else 1,
        "numbered": info.index is not None,
        "prefixes": info.prefixes,
        "author": author,
        "trailers": (),  # set, as the deferred values will be (model_fields_set)
        "commit_message": "",
        "diffstat": None,
        "has_diff": carries,
    }
    patch = _validators()[1](fields)
    return defer_text_fields(patch)


def _in_body_overrides(
    in_body: tuple[tuple[str, str], ...],
    info: SubjectInfo,
    common: dict[str, Any],
    defects: list[Defect],
) -> tuple[Person | None, str, datetime | None]:
    """Return author, title and date, letting git-am in-body headers override the mail's
    (a later in-body From the earlier one: the defect stacked-in-body-from says so)."""
    author: Person | None = common["sender"]
    title, date = info.title, common["date"]
    in_body_author: Person | None = None
    for key, value in in_body:
        key = key.lower()
        if key == "from":
            person, decoding, problem = read_person(value)
            defects.extend(decoding)
            if person is None:
                defects.append(Defect(kind="bad-in-body-from", detail=value[:80]))
            else:
                if in_body_author is not None:
                    detail = f"{in_body_author} -> {person}"[:160]
                    defects.append(Defect(kind="stacked-in-body-from", detail=detail))
                author = in_body_author = person
                if problem is not None:
                    defects.append(problem)
        elif key == "subject":
            title = parse_subject(decode_words(value, defects)).title or title
        elif key == "date":
            date = parse_date(value, defects) or date
    if author is None:
        defects.append(Defect(kind="no-author"))
    return author, title, date
