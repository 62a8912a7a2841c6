"""A byte-level header scan: split a raw mail, unfold its headers, decode only what is asked for.

The stdlib parser builds a full object tree for every mail; for archives of millions of mails
we only need a dozen header values, so we scan the header block ourselves and leave the body
as bytes until somebody asks for it.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import re
from collections.abc import Callable, Iterator

from kvmlist.models import Defect
from kvmlist.parse.defects import DefectLog, record

# bytes 0x80-0x9f: C1 controls in ISO-8859-1, curly quotes and dashes in cp1252
RE_C1_BYTES = re.compile(rb"[\x80-\x9f]")
# =?utf-8?q?Radim_Kr=C4=8Dm=C3=A1=C5=99?=  -- no part may hold a "?", so every attempt stops
# at the next "?" and a header of unterminated words is scanned in linear time
RE_ENCODED_WORD = re.compile(r"=\?([^?]*)\?([qQbB])\?([^?]*)\?=")
# \nFrom x   (after a newline: a line that is no "Name:" of printable ASCII nor a continuation)
RE_ODD_LINE = re.compile(rb"\n(?![ \t]|[!-9;-~]++:|\Z)")
# Return-Path: <jane@example.org>   (the first line of a plain header block)
RE_FIELD_LINE = re.compile(rb"[!-9;-~]++:")
# \n\n   (after a newline: the first line that is no field line nor a continuation; in a
# plain block, the blank line that ends it. " |\t" rather than "[ \t]": literals are
# turned down by one comparison, a class by a call)
RE_FIELDS_END = re.compile(rb"\n(?! |\t|[!-9;-~]++:)")
#: What bytes.strip() takes off a value (str.strip() would also take \x1c-\x1f).
BLANKS = " \t\n\r\x0b\x0c"
# \n\n   (the blank line between the header block and the body)
RE_BLANK_LINE = re.compile(rb"\n\n")
#: Codecs Python has that are no mail charset (they would turn any bytes into something).
NOT_CHARSETS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})
#: Charset labels longer than this name no codec (and are not remembered by text_codec).
MAX_CHARSET_CHARS = 64
#: The fields the parse reads that a mail has at most once (RFC 5322 3.6, RFC 2045): a second
#: value is a defect (repeated-field), as the first is what kvmlist reads and the last what
#: git am does. The three corpora repeat none of them (only To, on 6 kvmarm mails).
ONCE_FIELDS = (
    "from", "subject", "date", "message-id", "in-reply-to", "reply-to", "content-type",
    "content-transfer-encoding",
)  # fmt: skip
#: Charsets tried, in order, for 8-bit bytes that carry no (usable) label.
FALLBACK_CHARSETS = ("utf-8", "cp1252")


def split_raw(raw: bytes) -> tuple[bytes, bytes]:
    """Return (header block, body) of a mail with LF line endings."""
    end = header_length(raw)
    return raw[:end], raw[end + 1 :]


def header_length(raw: bytes) -> int:
    """Return the length of the header block of a mail with LF line endings (the first part
    :func:`split_raw` gives); the body starts one byte after it."""
    if raw.startswith(b"\n"):
        return 0
    blank = RE_BLANK_LINE.search(raw)  # faster than bytes.find on a block of many newlines
    return len(raw) if blank is None else blank.start() + 1


class Headers:
    """The header fields of one mail: case-insensitive names, unfolded values, in order."""

    __slots__ = ("_first", "_more", "get", "plain")

    #: Return the first value of a field (name in lower case), or None: the first values'
    #: own dict.get, as a parse asks a dozen times per mail.
    get: Callable[[str], str | None]

    def __init__(self, fields: dict[str, list[str]], plain: bool | None = None) -> None:
        first = {name: values[0] for name, values in fields.items() if values}
        more = {name: values for name, values in fields.items() if len(values) > 1}
        self._set(first, more, plain)

    @classmethod
    def of_values(
        cls, first: dict[str, str], more: dict[str, list[str]], plain: bool | None
    ) -> Headers:
        """Headers from each field's first value, and every value of the fields that have
        more than one (in order, the first included)."""
        headers = cls.__new__(cls)
        headers._set(first, more, plain)
        return headers

    def _set(self, first: dict[str, str], more: dict[str, list[str]], plain: bool | None) -> None:
        self._first = first
        self._more = more
        self.get = first.get
        #: Whether the block was plain (see :func:`is_plain`); None when not known.
        self.plain = plain

    def get_all(self, name: str) -> list[str]:
        """Return every value of a field (name in lower case), in order."""
        values = self._more.get(name)
        if values is not None:
            return values
        value = self._first.get(name)
        return [] if value is None else [value]

    def repeated(self) -> list[str]:
        """Return the fields of ONCE_FIELDS given more than once (the parse reads the first
        value, git am the last), in ONCE_FIELDS order."""
        more = self._more
        return [name for name in ONCE_FIELDS if name in more] if more else []

    def as_lists(self) -> dict[str, list[str]]:
        """Every field's values, in the order the fields first came."""
        return {name: self.get_all(name) for name in self._first}

    def __contains__(self, name: object) -> bool:
        return name in self._first


#: How a mail's body is decoded, as the parser's header scan found it: the length of the
#: header block (of the mail with LF line ends), whether the block was plain (None: not
#: known), the first Content-Type and Content-Transfer-Encoding values (None: absent). Kept
#: with a parsed Message so that its lazy ``.body`` need not scan the block again.
BodyForm = tuple[int, "bool | None", "str | None", "str | None"]


def body_headers(form: BodyForm) -> tuple[Headers, int]:
    """The fields of a BodyForm as :func:`kvmlist.parse.mime.decode_body` takes them (the
    first value of each is all it reads), and the block's length."""
    length, plain, content_type, encoding = form
    fields = {"content-type": [content_type]} if content_type is not None else {}
    if encoding is not None:
        fields["content-transfer-encoding"] = [encoding]
    return Headers(fields, plain), length


#: The fields kvmlist reads; the others (Received, DKIM, ...) are scanned past, not decoded.
#: An "Index" field is looked for so that a reply's look for a CVS diff ("\nIndex: ")
#: need not search a plain header block that has none.
PARSED_FIELDS = frozenset(
    {
        "from", "subject", "date", "message-id", "in-reply-to", "references", "list-id",
        "content-type", "content-transfer-encoding", "x-original-from", "reply-to", "index",
    }
)  # fmt: skip


def scan_headers(
    block: bytes,
    defects: list[Defect],
    wanted: frozenset[str] | None = PARSED_FIELDS,
    *,
    plain: bool | None = None,
) -> Headers:
    """Return the fields of a header block; odd lines become defects, never errors.

    Only the ``wanted`` fields are decoded and kept (all of them with ``wanted=None``).
    Defects reach a plain list collapsed (a kind once, with its count), as in a DefectLog.
    ``plain``: whether the block is plain (see :func:`is_plain`), when a scan found it so.
    """
    if not isinstance(defects, DefectLog):
        log = DefectLog()
        headers = scan_headers(block, log, wanted, plain=plain)
        defects.extend(log.frozen())
        return headers
    if plain or (plain is None and is_plain(block)):
        return _scan_plain(block, defects, wanted)
    headers = _scan_lines(block, defects, wanted)
    headers.plain = False
    return headers


def read_headers(
    raw: bytes,
    defects: list[Defect],
    wanted: frozenset[str] | None = PARSED_FIELDS,
    *,
    end: int | None = None,
) -> tuple[bytes, Headers]:
    """Return the header block of a mail with LF line endings (as :func:`split_raw` cuts it)
    and its fields (as :func:`scan_headers` reads them).

    A plain block (see :func:`is_plain`) is found and checked in one pass (:func:`plain_end`,
    unless ``end`` gives what it returned): the first line after it that is no field line
    nor a fold must be the blank line before the body.
    """
    if end is None:
        end = plain_end(raw)
    if end < 0 or not isinstance(defects, DefectLog):
        block = split_raw(raw)[0]
        return block, scan_headers(block, defects, wanted)
    block = raw[:end]
    return block, _scan_plain(block, defects, wanted)


def plain_end(raw: bytes, checked: int = 0) -> int:
    """Return the length of the header block of a mail with LF line endings when that block
    is plain (see :func:`is_plain`), else -1. The lines before ``checked`` are known to be
    field lines or folds, the first a field line (:func:`leading_value` found them so)."""
    if not checked and RE_FIELD_LINE.match(raw) is None:  # a fold, a blank or an odd line
        return -1
    found = RE_FIELDS_END.search(raw, checked)
    if found is None:
        end = len(raw)  # no line ends the block, nor does a newline end the mail
    else:
        end = found.start() + 1
        if end < len(raw) and raw[end] != 0x0A:  # "\n": else the mail ends with its block
            return -1  # an odd line
    return end if end <= LINES_SLICE else -1


def _scan_lines(block: bytes, defects: list[Defect], wanted: frozenset[str] | None) -> Headers:
    """Return the fields of any block, line by line, recording its odd lines."""
    fields: dict[str, list[str]] = {}
    name = ""
    value: list[bytes] = []
    keep = False
    for line in _lines(block):
        if not line:
            continue
        if line[0] in (0x20, 0x09):  # a folded continuation line
            if keep:
                value.append(line)
            elif not name:
                record(defects, "header-continuation-first", _show(line))
            continue
        colon = line.find(b":")
        if colon <= 0 or b" " in line[:colon].strip():
            record(defects, "malformed-header-line", _show(line))
            continue
        if name and (wanted is None or name in wanted):
            _store(fields, name, value, defects)
        name = line[:colon].strip().decode("ascii", "replace").lower()
        keep = wanted is None or name in wanted
        value = [line[colon + 1 :]]
    if name and (wanted is None or name in wanted):
        _store(fields, name, value, defects)
    return Headers(fields)


def is_plain(block: bytes) -> bool:
    """True when every line of a (usual-sized) block is a ``Name:`` line with a printable
    ASCII name or a continuation, the first being no continuation: the form nearly every
    archived mail has, which :func:`scan_headers` reads without a Python loop per line."""
    if len(block) > LINES_SLICE or block[:1] in (b" ", b"\t"):
        return False
    return RE_ODD_LINE.search(b"\n" + block) is None


def _scan_plain(block: bytes, defects: list[Defect], wanted: frozenset[str] | None) -> Headers:
    """Return what :func:`_scan_lines` returns for a plain block (no odd line, hence no line
    defect): one pattern finds the wanted fields and their folds. The block is decoded once
    (8-bit bytes stay apart), as str methods on a dozen values cost less than bytes methods.
    Values of a clean block (ASCII, no NUL) need no check for defects."""
    fields: dict[str, list[str]] = {}
    clean = block.isascii() and b"\x00" not in block
    text = block.decode("ascii", "surrogateescape")
    first, others = _plain_field(wanted)
    found = others.findall(text)  # the fields after a newline
    head = first.match(text)  # the first line has none before it
    if head is not None:
        found.insert(0, head.groups())
    if not clean:
        for name, value in found:
            _keep(
                fields, name.lower(), _unfolded(value).encode("ascii", "surrogateescape"), defects
            )
        return Headers(fields, plain=True)
    values: dict[str, str] = {}
    more: dict[str, list[str]] = {}
    for name, value in found:
        text = _unfolded(value) if "\n" in value else value.strip(BLANKS)
        key = name.lower()
        if key in values:
            more.setdefault(key, [values[key]]).append(text)
        else:
            values[key] = text
    return Headers.of_values(values, more, plain=True)


def _unfolded(value: str) -> str:
    """A plain block's value with its folds: each line stripped, joined by a blank."""
    return " ".join([part.strip(BLANKS) for part in value.split("\n")])


def leading_value(raw: bytes, name: str, defects: list[Defect]) -> tuple[str, int] | None:
    """Return the first value of a field (name in lower case) of a mail with LF line ends,
    read from the lines up to it, and where its folds end: what :func:`read_headers` gives
    for it when the first line and every line before the field is a field line or a fold
    (see :func:`is_plain`) and the line after its folds is a field line, the blank line or
    none, as no later line can change it then. None otherwise: the whole block must be read.

    A mail's Subject is about half-way down its block, so this reads half the lines
    :func:`plain_end` does (which may go on from where this stopped).
    """
    match = _leading_field(name).match(raw)
    if match is None:
        return None
    fields: dict[str, list[str]] = {}
    _store(fields, name, match.group(1).split(b"\n"), defects)  # as the line scan stores it
    return fields[name][0], match.end()


@functools.cache
def _leading_field(name: str) -> re.Pattern[bytes]:
    """The pattern of :func:`leading_value`: the plain lines before the field (none if it
    comes first), the field and its folds (group 1), and a look at the line after them."""
    field = _any_case(frozenset({name})).encode("ascii")
    other = rb"(?!(?:" + field + rb"):)[!-9;-~]++:"
    before = other + rb"[^\n]*+(?:\n(?: |\t|" + other + rb")[^\n]*+)*+\n"
    value = rb"([^\n]*+(?:\n[ \t][^\n]*+)*+)"
    after = rb"(?=\n[!-9;-~]++:|\n\n|\n?\Z)"
    return re.compile(rb"(?:" + before + rb")?(?:" + field + rb"):" + value + after)


@functools.cache
def _plain_field(wanted: frozenset[str] | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns of a wanted field in a plain block, on its first line and after a
    newline: its name, its first line's value and the continuation lines after it
    (group 2, newlines kept)."""
    names = "[!-9;-~]++"
    if wanted is not None:
        names = _any_case(wanted)
    field = "(" + names + "):([^\n]*+(?:\n[ \t][^\n]*+)*+)"
    return re.compile(field, re.ASCII), re.compile("\n" + field, re.ASCII)


def _any_case(names: frozenset[str]) -> str:
    """The pattern of field names in any case, one alternative per first character, as
    ``F(?i:rom)|f(?i:rom)|C(?i:c|ontent-type)|c(?i:c|ontent-type)``.

    A first character given as two literals lets the alternation turn down a line by one
    comparison per alternative, where a case-insensitive one costs a call: the search for
    eleven names takes a quarter less time. Names sharing a first character share its two
    alternatives, so a line of an unwanted field costs fewer comparisons.
    """
    rests: dict[str, list[str]] = {}
    for name in sorted(names):
        rests.setdefault(name[:1].lower(), []).append(name[1:])
    alternatives = []
    for first, tails in rests.items():
        rest = "|".join(re.escape(tail) for tail in tails)
        if first.isascii() and first.isalpha():
            alternatives += [f"{first.upper()}(?i:{rest})", f"{first}(?i:{rest})"]
        else:
            alternatives.append(f"(?i:{re.escape(first)}(?:{rest}))")
    return "|".join(alternatives)


#: Header blocks longer than this are split into lines a slice at a time.
LINES_SLICE = 256 * 1024


def _lines(block: bytes) -> Iterator[bytes] | list[bytes]:
    """Return the lines of a header block: a list for a usual one, and for a huge (hostile)
    one a generator over slices, so that ten million lines are never ten million objects."""
    if len(block) <= LINES_SLICE:
        return block.split(b"\n")
    return _sliced_lines(block)


def _sliced_lines(block: bytes) -> Iterator[bytes]:
    start = 0
    while start < len(block):
        end = block.find(b"\n", start + LINES_SLICE)
        end = len(block) if end < 0 else end
        yield from block[start:end].split(b"\n")
        start = end + 1


def scan_fields(block: bytes, names: frozenset[str]) -> Headers:
    """Return ``scan_headers(block, [], wanted=names)``, visiting only the lines of those fields.

    For a lazy ``.body``, which needs two fields of a block that may have dozens (Received,
    DKIM...): ``bytes.find`` on the lower-cased block finds the lines that may start one, a
    pattern checks them, and only their own lines are read, by the rules of
    :func:`scan_headers` (a malformed line does not end a field).
    """
    fields: dict[str, list[str]] = {}
    if not names:
        return Headers(fields)
    lowered = block.lower()  # ASCII only: the same bytes at the same offsets
    starts = sorted({lowered.rfind(b"\n", 0, at) + 1 for at in _finds(lowered, _stem(names))})
    for start in starts:
        match = _field_start(names).match(lowered, start)
        if match is None:
            continue
        end = _line_end(block, match.end())
        value = [block[match.end() : end]]
        while end < len(block):  # the lines after it, up to the next field
            start, end = end + 1, _line_end(block, end + 1)
            line = block[start:end]
            if line[:1] in (b" ", b"\t"):
                value.append(line)
            elif line and _is_field_line(line):
                break
        _store(fields, match.group(1).decode("ascii"), value, [])
    return Headers(fields)


def _finds(data: bytes, stem: bytes) -> list[int]:
    found, at = [], data.find(stem)
    while at >= 0:
        found.append(at)
        at = data.find(stem, at + 1)
    return found


def _line_end(block: bytes, start: int) -> int:
    end = block.find(b"\n", start)
    return len(block) if end < 0 else end


@functools.cache
def _stem(names: frozenset[str]) -> bytes:
    """The longest start the names share ("content-t"): every field line holds it."""
    first, last = min(names), max(names)  # the sorted ends differ earliest
    shared = 0
    while shared < min(len(first), len(last)) and first[shared] == last[shared]:
        shared += 1
    return first[:shared].encode("ascii")


@functools.cache
def _field_start(names: frozenset[str]) -> re.Pattern[bytes]:
    # a line (not a continuation) whose part before its first colon is one of the names,
    # once bytes.strip() has taken the whitespace around it: what scan_headers would store
    alternatives = b"|".join(re.escape(name.encode("ascii")) for name in sorted(names))
    return re.compile(rb"[\r\x0b\x0c]*(" + alternatives + rb")[ \t\r\x0b\x0c]*:")


def _is_field_line(line: bytes) -> bool:
    """A line that starts a field for scan_headers (else, not being a continuation, it is
    a malformed line, recorded and skipped)."""
    colon = line.find(b":")
    return colon > 0 and b" " not in line[:colon].strip()


def _store(
    fields: dict[str, list[str]], name: str, parts: list[bytes], defects: list[Defect]
) -> None:
    data = b" ".join(p.strip() for p in parts) if len(parts) > 1 else parts[0].strip()
    _keep(fields, name, data, defects)


def _keep(fields: dict[str, list[str]], name: str, data: bytes, defects: list[Defect]) -> None:
    if b"\x00" in data:
        record(defects, "nul-in-header", name)
        data = data.replace(b"\x00", b"")
    fields.setdefault(name, []).append(_bytes_to_text(data, name, defects))


def _bytes_to_text(data: bytes, name: str, defects: list[Defect]) -> str:
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        record(defects, "8bit-header", f"{name}: not UTF-8, read as cp1252")
        return data.decode("cp1252", "replace")


def decode_words(value: str, defects: list[Defect]) -> str:
    """Return a header value with its RFC 2047 encoded-words decoded and whitespace collapsed.

    Adjacent words in one charset are joined before decoding (a character may be split
    across two), and whitespace between encoded words is dropped, as RFC 2047 says.
    """
    if "=?" not in value:
        return " ".join(value.split()) if "  " in value or "\t" in value else value
    if not isinstance(defects, DefectLog):  # a value of many bad words: one defect per kind
        log = DefectLog()
        decoded = decode_words(value, log)
        defects.extend(log.frozen())
        return decoded
    text: list[str] = []
    pending = b""
    charset = ""
    end = 0
    for match in RE_ENCODED_WORD.finditer(value):
        between = value[end : match.start()]
        if between and (not pending or not between.isspace()):
            if pending:
                text.append(decode_text(pending, charset, defects))
                pending = b""
            text.append(between)
        label = match.group(1).partition("*")[0]  # RFC 2231: charset*language
        data = _word_bytes(match.group(2), match.group(3), defects)
        if pending and label.lower() != charset.lower():
            text.append(decode_text(pending, charset, defects))
            pending = b""
        pending += data
        charset = label
        end = match.end()
    if pending:
        text.append(decode_text(pending, charset, defects))
    text.append(value[end:])
    return " ".join("".join(text).split())


def _word_bytes(encoding: str, payload: str, defects: list[Defect]) -> bytes:
    """Return the bytes one encoded word carries (Q or B encoding)."""
    data = payload.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    try:
        return base64.b64decode(data + b"=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        record(defects, "bad-encoded-word", f"{payload[:40]}: {error}")
        return data


def decode_text(data: bytes, charset: str | None, defects: list[Defect]) -> str:
    """Return bytes decoded with their declared charset, falling back (with a defect) if needed."""
    label = (charset or "us-ascii").strip().strip('"').lower()
    if data.isascii() and not _ascii_is_other_text(label):
        return data.decode("ascii")
    codec = text_codec(label) if len(label) <= MAX_CHARSET_CHARS else None
    if codec is None:
        record(defects, "unknown-charset", repr(label)[1:-1][:40])
        codec = ""
    if codec in ("latin-1", "iso8859-1"):
        codec = "cp1252"  # what "iso-8859-1" mail really is (as browsers assume too)
        if RE_C1_BYTES.search(data):
            defects.append(Defect(kind="mislabelled-charset", detail=f"{label} holding cp1252"))
    if codec and codec != "ascii":
        try:
            return data.decode(codec)
        except UnicodeError:  # UnicodeDecodeError, and what a few odd codecs raise
            if codec != "cp1252":
                defects.append(Defect(kind="mislabelled-charset", detail=label))
    elif codec == "ascii":
        defects.append(Defect(kind="mislabelled-charset", detail=f"{label} with 8-bit bytes"))
    for fallback in FALLBACK_CHARSETS:
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _ascii_is_other_text(label: str) -> bool:
    """Whether a charset's ASCII bytes are other text than ASCII: UTF-7's ("+AOk-" is "é").
    Its labels all hold a 7 (utf-7, utf7, u7, unicode-1-1-utf-7): others are not looked up.
    (Not UTF-16/32: their text holds NULs, so ASCII bytes under such a label are mislabelled.)"""
    return "7" in label and len(label) <= MAX_CHARSET_CHARS and text_codec(label) == "utf-7"


@functools.lru_cache(maxsize=256)
def text_codec(label: str) -> str | None:
    """Return the name of the text codec a charset label names, or None for anything else.

    Python's codec registry also holds bytes-to-bytes and str-to-str transforms (``rot13``,
    ``base64``, ``hex``, ``zlib``): a mail cannot name those, nor put a NUL in a label.
    """
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    return info.name


def _show(line: bytes) -> str:
    return line[:80].decode("utf-8", "replace")
