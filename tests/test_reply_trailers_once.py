"""A reply's own trailers are read from its body once per mail, however many steps ask (the
reviews of group_series, the reviewer table, the people every table shows), and keeping
them changes nothing the mail shows: equality, hashing, dumps, pickles and copies."""

from __future__ import annotations

import pickle

import pytest

import kvmlist
from kvmlist import Message, parse_message
from kvmlist.analysis.review_stats import review_summary, shown_people
from kvmlist.parse import reply as reply_module
from kvmlist.parse.reply import given_trailers, trailers_of

from .conftest import mail

DIFF = "Fix.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n a.c | 1 +\n\n" + (
    "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-a\n+b\n"
)
ANSWER = "In-Reply-To: <{0}>\nReferences: <c@example.org> <{0}>\n"


def _thread() -> list[Message]:
    cover = mail("[PATCH 0/2] KVM: arm64: Fix things", "Two fixes.\n", message_id="<c@example.org>")
    patches = [
        mail(
            f"[PATCH {n}/2] KVM: arm64: Fix thing {n}", DIFF, message_id=f"<{n}@example.org>",
            extra=ANSWER.format("c@example.org").replace(" <c@example.org>", ""),
        )
        for n in (1, 2)
    ]  # fmt: skip
    replies = [
        mail(
            "Re: [PATCH 0/2] KVM: arm64: Fix things",
            "> Two fixes.\n\nFor the series:\n\nReviewed-by: Marc Zyngier <maz@kernel.org>\n",
            sender="Marc Zyngier <maz@kernel.org>", message_id="<r0@example.org>",
            extra="In-Reply-To: <c@example.org>\nReferences: <c@example.org>\n",
        ),
        mail(
            "Re: [PATCH 1/2] KVM: arm64: Fix thing 1",
            "> Fix.\n\nLooks good.\n\nAcked-by: Oliver Upton <oupton@kernel.org>\n",
            sender="Oliver Upton <oupton@kernel.org>", message_id="<r1@example.org>",
            extra=ANSWER.format("1@example.org"),
        ),
        mail(
            "Re: [PATCH 2/2] KVM: arm64: Fix thing 2", "> Fix.\n\nWhy this?\n",
            sender="Oliver Upton <oupton@kernel.org>", message_id="<r2@example.org>",
            extra=ANSWER.format("2@example.org"),
        ),
    ]  # fmt: skip
    return [parse_message(raw) for raw in [cover, *patches, *replies]]


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the reads of a body for its trailers (each read walks its own lines once)."""
    calls = [0]
    own_lines = reply_module._own_lines

    def counted(body: str) -> object:
        calls[0] += 1
        return own_lines(body)

    monkeypatch.setattr(reply_module, "_own_lines", counted)
    return calls


def test_each_reply_is_read_once_by_the_reviews_the_reviewer_table_and_the_people_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_reads(monkeypatch)
    mails = _thread()
    found = kvmlist.group_series(mails)
    summary = review_summary(mails)
    shown = shown_people(mails)
    assert [len(p.review_trailers) for p in found[0].patches] == [2, 1]
    assert {r.person.email for r in summary.reviewers} == {"maz@kernel.org", "oupton@kernel.org"}
    assert shown.person("maz@kernel.org").name == "Marc Zyngier"
    assert calls[0] == 3  # the three replies, once each


def test_the_trailers_kept_are_those_the_body_gives() -> None:
    for message in _thread():
        assert trailers_of(message) == tuple(given_trailers(message.body))
        assert trailers_of(message) is trailers_of(message)


def test_a_reply_that_kept_its_trailers_shows_and_travels_as_one_that_did_not() -> None:
    read, fresh = _thread()[3], _thread()[3]
    trailers_of(read)
    assert read == fresh and hash(read) == hash(fresh)
    assert read.model_dump() == fresh.model_dump()
    assert read.model_dump_json() == fresh.model_dump_json()
    unpickled = pickle.loads(pickle.dumps(read))
    assert unpickled == fresh and trailers_of(unpickled) == trailers_of(read)


def test_a_copy_with_another_body_reads_its_own_trailers() -> None:
    reply = _thread()[4]
    assert [t.key for t in trailers_of(reply)] == ["Acked-by"]
    other = mail("Re: x", "Tested-by: Jane Doe <jane@example.org>\n", message_id="<o@x>")
    copied = reply.model_copy(update={"raw": other})
    assert [t.key for t in trailers_of(copied)] == ["Tested-by"]
    assert [t.key for t in trailers_of(reply)] == ["Acked-by"]
