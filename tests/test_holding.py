"""series, review and stalled hold an archive without the raw bytes they never read, and give
the same results as on the whole mails (kvmlist.cli.holding)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import kvmlist
from kvmlist.analysis.review_economy import review_economy
from kvmlist.analysis.review_stats import review_summary
from kvmlist.analysis.stalled import find_stalled
from kvmlist.cli.holding import held

from .conftest import FIXTURES, SEED_MBOX, Corpus, mail, mbox, need
from .test_check import PATCH_BODY

#: every fixture archive: a new grouping rule may read what holding would drop
ARCHIVES = [*sorted(FIXTURES.glob("*.mbox")), SEED_MBOX]
NO_RAW: Any = {"cover": {"raw"}, "patches": {"__all__": {"raw"}}, "replaced": {"__all__": {"raw"}}}


def _series(messages: list[kvmlist.Message]) -> list[dict[str, Any]]:
    return [s.model_dump(mode="json", exclude=NO_RAW) for s in kvmlist.group_series(messages)]


def _review(messages: list[kvmlist.Message]) -> tuple[object, ...]:
    summary = review_summary(messages)
    timings = [(t.series.anchor_id, t.first_reply, t.first_review, t.accepted)
               for t in summary.timings]  # fmt: skip
    return summary.reviewers, timings, review_economy(messages, by="domain").rows()


def _same_results(messages: list[kvmlist.Message]) -> None:
    slim = list(held(messages, patch_bodies=False))
    assert _series(slim) == _series(messages)
    assert _review(slim) == _review(messages)
    kept = list(held(messages, patch_bodies=True))
    assert _stalled(kept) == _stalled(messages)


def _stalled(messages: list[kvmlist.Message]) -> tuple[object, ...]:
    """What stalled shows of an archive: its series (less raw bytes), ages and recipients."""
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    report = find_stalled(messages, now=now, older=timedelta(days=3))
    stalled = [(_dump(one.series), one.age, one.recipients, one.link) for one in report.stalled]
    resent = [(_dump(one.original), _dump(one.again), one.by) for one in report.resent]
    return report.series, report.automated, stalled, resent


def _dump(one: kvmlist.Series) -> dict[str, Any]:
    return one.model_dump(exclude=NO_RAW)


@pytest.mark.parametrize("path", ARCHIVES, ids=lambda path: path.name)
def test_held_mails_give_the_results_of_the_whole_mails(path: Path) -> None:
    _same_results(list(kvmlist.read_mbox(need(path))))


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kvmarm", "kasan-dev-2025", "intel-wired-lan-2025"])
def test_held_mails_give_the_results_of_the_whole_mails_on_a_corpus(
    corpus: Callable[[str], Corpus], name: str
) -> None:
    _same_results(corpus(name).messages)


def test_only_bytes_that_are_read_are_held() -> None:
    patch = kvmlist.parse_message(mail(body=PATCH_BODY, message_id="<p@example.org>"))
    thread = "In-Reply-To: <p@example.org>\nReferences: <p@example.org>\n"
    chat = kvmlist.parse_message(
        mail("Re: [PATCH] KVM: x86: Fix a thing", "> Fix it.\n\nWhy?\n", extra=thread,
             sender="Ann Lee <ann@example.com>", message_id="<q@example.com>")
    )  # fmt: skip
    review = kvmlist.parse_message(
        mail("Re: [PATCH] KVM: x86: Fix a thing", "> Fix it.\n\nReviewed-by: Ann Lee "
             "<ann@example.com>\n", extra=thread, sender="Ann Lee <ann@example.com>",
             message_id="<r@example.com>")
    )  # fmt: skip
    applied = kvmlist.parse_message(
        mail("Re: [PATCH] KVM: x86: Fix a thing", "Applied to kvm-x86 fixes, thanks!\n",
             extra=thread, sender="Sean <sean@example.com>", message_id="<a@example.com>")
    )  # fmt: skip
    kinds = [m.kind for m in (patch, chat, review, applied)]
    assert kinds == ["patch", "reply", "reply", "reply"]
    slim = list(held([patch, chat, review, applied], patch_bodies=False))
    assert [bool(m.raw) for m in slim] == [False, False, True, True]
    assert [m.body for m in slim[2:]] == [review.body, applied.body]
    assert b"List-Id" in review.raw and b"List-Id" not in slim[2].raw  # the text alone
    assert isinstance(slim[0], kvmlist.Patch) and slim[0].commit_message == patch.commit_message
    kept = list(held([patch, chat], patch_bodies=True))
    assert isinstance(kept[0], kvmlist.Patch) and kept[0].diff == patch.diff
    assert not kept[1].raw


def test_a_patch_whose_body_is_read_keeps_its_text_and_recipients_alone() -> None:
    recipients = (
        "To: kvm@vger.kernel.org,\n\tPaolo Bonzini <pbonzini@redhat.com>\n"
        "Cc: =?utf-8?q?Ren=C3=A9_Ng?= <rene@example.com>, Sean Christopherson\n"
        " <seanjc@google.com>\nReceived: from a.example.org by b.example.org\n"
        "DKIM-Signature: v=1; a=rsa-sha256; " + "b=" + "x" * 400 + "\n"
    )
    patch = kvmlist.parse_message(mail(body=PATCH_BODY, extra=recipients))
    (kept,) = held([patch], patch_bodies=True)
    assert isinstance(patch, kvmlist.Patch) and isinstance(kept, kvmlist.Patch)
    assert [p.email for p in kept.recipients] == [
        "kvm@vger.kernel.org", "pbonzini@redhat.com", "rene@example.com", "seanjc@google.com",
    ]  # fmt: skip
    assert kept.recipients == patch.recipients and kept.body == patch.body
    assert kept.description == patch.description and kept.diff == patch.diff
    assert b"DKIM" not in kept.raw and len(kept.raw) < len(patch.raw)


def test_a_review_in_an_html_mail_keeps_its_text_alone() -> None:
    text = (
        "On Tue, Jane wrote:\n> Fix it.\n\nLooks right.\n\nReviewed-by: Ann Lee <ann@example.com>\n"
    )
    html = "<html><body>" + "<p>Looks right.</p>" * 200 + "</body></html>"
    parts = (
        'Content-Type: multipart/alternative; boundary="b1"\n\n--b1\n'
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(text.encode()).decode()
        + "\n--b1\nContent-Type: text/html; charset=utf-8\n\n"
        + html
        + "\n--b1--\n"
    )
    head, _, body = parts.partition("\n\n")
    raw = mail("Re: [PATCH] KVM: x86: Fix a thing", body, message_id="<h@example.com>",
               sender="Ann Lee <ann@example.com>",
               extra="In-Reply-To: <p@example.org>\nMIME-Version: 1.0\n" + head + "\n")  # fmt: skip
    reply = kvmlist.parse_message(raw)
    (kept,) = held([reply], patch_bodies=False)
    assert kept.kind == "reply" and "Reviewed-by: Ann Lee" in reply.body
    assert kept.body == reply.body and len(kept.raw) < len(reply.raw) // 4


def test_series_json_holds_no_raw_bytes_of_replaced_patches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kvmlist.cli.commands import main

    assert main(["series", str(FIXTURES / "point-revision.mbox"), "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    replaced = [p for one in found for p in one["replaced"]]
    assert replaced and all("raw" not in p for p in replaced)


def test_a_held_unthreaded_stable_note_still_applies_its_posting() -> None:
    """The stable script's note threaded to nothing is a robot mail; what acceptance reads of
    it (its text) must survive holding, as a reply's does."""
    from kvmlist.grouping.acceptance import acceptance_of

    from .test_acceptance import _unthreaded_stable_note

    messages = _unthreaded_stable_note("Jane Doe <jane@example.org>")
    slim = list(held(messages, patch_bodies=False))
    [accepted] = acceptance_of(kvmlist.group_series(slim), slim).values()
    assert accepted.applied["posted@x"].tree == "6.12-stable"
    _same_results(messages)


def test_a_held_retraction_still_cancels_the_acceptance() -> None:
    """A maintainer's "I dropped this series" gives no trailer and no notice, yet acceptance
    reads it: holding must keep its text, or review and stalled see the series applied."""
    from kvmlist.grouping.acceptance import acceptance_of

    cover_id = "20251201100000.2000-1-jane@example.org"
    akpm = "Andrew Morton <akpm@linux-foundation.org>"
    messages = list(
        kvmlist.read_mbox(
            io.BytesIO(
                mbox(
                    mail("[PATCH 0/1] mm: thing", "Things.\n", message_id=f"<{cover_id}>"),
                    mail(
                        "[PATCH 1/1] mm: thing one",
                        PATCH_BODY,
                        message_id="<20251201100000.2000-2-jane@example.org>",
                        extra=f"In-Reply-To: <{cover_id}>\n",
                    ),
                    mail(
                        "Re: [PATCH 0/1] mm: thing",
                        "> Things.\n\nThanks, I added this series to mm.git's mm-new branch.\n",
                        sender=akpm,
                        message_id="<akpm-1@linux-foundation.org>",
                        extra=f"In-Reply-To: <{cover_id}>\n",
                        date="Wed, 4 Mar 2026 10:00:00 +0000",
                    ),
                    mail(
                        "Re: [PATCH 0/1] mm: thing",
                        "> Thanks, I added this series\n\nOK, I dropped this series from mm-new.\n",
                        sender=akpm,
                        message_id="<akpm-2@linux-foundation.org>",
                        extra="In-Reply-To: <akpm-1@linux-foundation.org>\n",
                        date="Thu, 5 Mar 2026 10:00:00 +0000",
                    ),
                )
            )
        )
    )
    assert acceptance_of(kvmlist.group_series(messages), messages) == {}
    assert acceptance_of(kvmlist.group_series(messages[:3]), messages[:3])  # before the drop
    slim = list(held(messages, patch_bodies=False))
    assert acceptance_of(kvmlist.group_series(slim), slim) == {}
    _same_results(messages)


def test_a_held_commit_hooks_mail_still_applies_the_posting_it_answers() -> None:
    """A hook's mail threaded under the posting is read with its subject (its ``[git
    commit]`` tag): holding must read it the same way, or review and stalled lose it."""
    from kvmlist.grouping.acceptance import acceptance_of

    from .test_commit_notices import SHA, THREADED, _notice, _postings

    raws = [*_postings(), _notice("buildroot", extra=THREADED)]
    messages = [kvmlist.parse_message(raw) for raw in raws]
    for patch_bodies in (False, True):
        slim = list(held(messages, patch_bodies=patch_bodies))
        [accepted] = acceptance_of(kvmlist.group_series(slim), slim).values()
        assert accepted.applied["v2@x"].commit == SHA
    _same_results(messages)
