"""A parsed reply's ``has_diff`` is computed on first read (issue 18).

All a reply's body tells the parse is whether it carries a diff, and counts, the report
and threading never ask, so the parser leaves the field out (``models.defer_reply_fields``)
and keeps how to decode the body. Every way a reply is looked at must see what a reply
holding the field sees: attribute reads, equality, hashing, JSON, pickles and copies.
"""

from __future__ import annotations

import base64
import copy
import json
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from kvmlist import Message, parse_message
from kvmlist.models import BODY_FORM, REPLY_FIELDS
from kvmlist.parse.message import reply_has_diff
from kvmlist.sources.mbox import iter_raw_messages
from tests.conftest import FIXTURES, mail

SUBJECT = "Re: [PATCH v2 3/7] KVM: arm64: vgic-its: Walk once"
QUOTED = "> -\tret = walk(its);\n> +\tret = walk(its);\n\nLooks good.\n"
INLINE = (
    "Something like this instead?\n\n"
    "diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c\n"
    "--- a/arch/arm64/kvm/vgic/vgic-its.c\n"
    "+++ b/arch/arm64/kvm/vgic/vgic-its.c\n"
    "@@ -10,2 +10,1 @@\n"
    " \tint ret;\n"
    "-\tret = walk(its);\n"
)
THREAD = "In-Reply-To: <20260303100000.1-3-ada@example.org>\n"


def reply(body: str = INLINE, extra: str = "") -> bytes:
    return mail(SUBJECT, body, sender="Marc Zyngier <maz@kernel.org>", extra=THREAD + extra)


def parsed(raw: bytes | None = None) -> Message:
    message = parse_message(reply() if raw is None else raw)
    assert message.kind == "reply"
    return message


def held(message: Message) -> Message:
    """The same reply holding every field, as a user would build it."""
    return Message(**{name: getattr(message, name) for name in Message.model_fields})


BASE64_DIFF = reply(
    base64.encodebytes(INLINE.encode()).decode(),
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n",
)
MULTIPART_DIFF = reply(
    "--b\nContent-Type: text/plain\n\nSee the attachment.\n"
    "--b\nContent-Type: text/x-patch\nContent-Transfer-Encoding: base64\n\n"
    + base64.encodebytes(INLINE.split("\n\n", 1)[1].encode()).decode()
    + "--b--\n",
    'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n',
)


@pytest.mark.parametrize(
    ("raw", "carries"),
    [
        (reply(), True),
        (reply(QUOTED), False),
        (reply("Index: arch/x86/kvm/x86.c\n====\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"), True),
        (reply(QUOTED, "Index: a header field, no diff\n"), False),
        (BASE64_DIFF, True),
        (MULTIPART_DIFF, True),
        (reply().replace(b"\n", b"\r\n"), True),
        (reply(QUOTED).replace(b"\n", b"\r\n"), False),
    ],
    ids=["inline", "quoted", "cvs", "index-field", "base64", "multipart", "crlf", "crlf-quoted"],
)
def test_has_diff_is_read_from_the_raw_mail(raw: bytes, carries: bool) -> None:
    message = parsed(raw)
    assert "has_diff" not in vars(message)  # left for the first read
    assert message.has_diff is carries
    assert reply_has_diff(raw) is carries  # the header block scanned again: the same


def test_every_fixture_reply_reads_the_same_with_or_without_what_the_parse_kept() -> None:
    replies = 0
    for path in sorted(FIXTURES.glob("*.mbox")):
        for raw in iter_raw_messages(path):
            message = parse_message(raw)
            if "has_diff" in vars(message):
                continue  # not a reply: computed by the parse
            replies += 1
            form = vars(message).get(BODY_FORM)
            assert message.has_diff is reply_has_diff(raw, form) is reply_has_diff(raw)
            assert pickle.loads(pickle.dumps(parse_message(raw))).has_diff is message.has_diff
    assert replies > 30


def test_equal_and_same_hash_as_a_reply_that_holds_it() -> None:
    full = held(parsed())
    assert parsed() == full and full == parsed()
    assert hash(parsed()) == hash(full)
    assert parsed() in {full}
    assert parsed() != held(parsed(reply(QUOTED)))


def test_json_and_dict_carry_it_in_field_order() -> None:
    lazy, full = parsed(), held(parsed())
    assert lazy.model_dump_json() == full.model_dump_json()
    dumped = json.loads(parsed().model_dump_json())
    assert list(dumped) == list(Message.model_fields)
    assert dumped["has_diff"] is True
    assert dict(parsed())["has_diff"] is True
    assert "has_diff=True" in str(parsed())
    assert Message.model_validate_json(parsed().model_dump_json()) == full


def test_the_serialisation_schema_lists_it() -> None:
    properties = Message.model_json_schema(mode="serialization")["properties"]
    assert set(REPLY_FIELDS) <= set(properties)
    assert properties["has_diff"]["type"] == "boolean"


def test_pickles_and_copies_stay_lazy_and_read_the_same() -> None:
    full = held(parsed())
    unpickled = pickle.loads(pickle.dumps(parsed()))
    assert "has_diff" not in vars(unpickled) and BODY_FORM not in vars(unpickled)
    assert unpickled == full
    assert copy.copy(parsed()) == full and copy.deepcopy(parsed()) == full


@pytest.mark.parametrize("raw", [b"", reply(QUOTED)])
def test_a_copy_with_other_raw_bytes_keeps_the_value(raw: bytes) -> None:
    slim = parsed().model_copy(update={"raw": raw})
    assert slim.raw == raw and slim.has_diff is True


def test_a_reply_built_by_hand_is_not_read_from_its_raw_mail() -> None:
    message = Message(message_id="m@x", kind="reply", raw=reply())
    assert message.has_diff is False


def test_threads_reading_at_once_see_one_value() -> None:
    message = parsed()
    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: message.has_diff, range(16)))
    assert seen == [True] * 16
    assert list(vars(message))[: len(Message.model_fields)] == list(Message.model_fields)


def test_other_missing_attributes_still_raise() -> None:
    with pytest.raises(AttributeError):
        parsed().no_such_field  # noqa: B018
