"""A Message-ID that arrives twice: the first copy counts, and every later copy is listed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.check import check_messages

from .conftest import mail, mbox

PATCH_BODY = (
    "The vcpu may be gone by now.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " drivers/net/ethernet/intel/igc/igc_main.c | 2 +-\n"
    " 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
    "diff --git a/drivers/net/ethernet/intel/igc/igc_main.c"
    " b/drivers/net/ethernet/intel/igc/igc_main.c\n"
    "--- a/drivers/net/ethernet/intel/igc/igc_main.c\n"
    "+++ b/drivers/net/ethernet/intel/igc/igc_main.c\n"
    "@@ -1,1 +1,1 @@\n-\tadapter->fpe = 0;\n+\tadapter->fpe = 1;\n"
    "-- \n2.34.1\n"
)
RECEIVED = "Received: from smtp{}.osuosl.org (smtp{}.osuosl.org [140.211.166.13{}])\n"


def _patch(n: int, body: str = PATCH_BODY, relay: int = 1) -> bytes:
    return mail(
        f"[PATCH iwl-next 0{n}/2] igc: set the frame preemption state {n}",
        body,
        message_id=f"<2025-{n}-jane@example.org>",
        extra=RECEIVED.format(relay, relay, relay),
    )


REPLY = mail(
    "Re: [PATCH iwl-next 01/2] igc: set the frame preemption state 1",
    "> Fix it.\n\nReviewed-by: Bob Roe <bob@example.org>\n",
    sender="Bob Roe <bob@example.org>",
    message_id="<reply@example.org>",
    extra="In-Reply-To: <2025-1-jane@example.org>\n",
)
QP_BODY = PATCH_BODY.replace("\tadapter->fpe = 1;", "\tadapter->fpe =3D 1;")
#: A list re-delivers mails a day later: its relays' headers differ, some with one more
#: blank line at the end or quoted-printable; a mailer may also reuse a Message-ID.
ARCHIVE = [
    _patch(1),  # 1
    REPLY,  # 2
    _patch(2),  # 3
    REPLY,  # 4: byte for byte the same
    _patch(1, relay=4),  # 5: another relay's headers, the same text
    _patch(2, PATCH_BODY + "\n"),  # 6: one more blank line at the end
    _patch(1, PATCH_BODY.replace("fpe = 1", "fpe = 2")),  # 7: another patch, the same id
    _patch(2, QP_BODY, relay=3).replace(  # 8: re-encoded, the same text
        b"List-Id:", b"Content-Transfer-Encoding: quoted-printable\nList-Id:"
    ),
]
EXPECTED = [
    ("reply@example.org", 2, 4, "identical"),
    ("2025-1-jane@example.org", 1, 5, "same-text"),
    ("2025-2-jane@example.org", 3, 6, "trailing-whitespace"),
    ("2025-1-jane@example.org", 1, 7, "different"),
    ("2025-2-jane@example.org", 3, 8, "same-text"),
]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "redelivered.mbox"
    path.write_bytes(mbox(*ARCHIVE))
    return path


def _rows(result: kvmlist.analysis.check.CheckResult) -> list[tuple[str, int, int, str]]:
    return [(r.message_id, r.first, r.position, r.how) for r in result.repeats]


def test_check_lists_every_later_copy_with_how_it_differs_from_the_first(archive: Path) -> None:
    result = check_messages(len(ARCHIVE), kvmlist.read_mbox(archive))
    assert result.lost == 0
    assert _rows(result) == EXPECTED


def test_check_text_names_the_repeats_and_their_mail_numbers(archive: Path) -> None:
    text = check_messages(len(ARCHIVE), kvmlist.read_mbox(archive)).render()
    assert "repeats:    5 mails repeat a Message-ID seen earlier (the first copy counts)" in text
    assert "  mails 3, 6  trailing-whitespace  2025-2-jane@example.org" in text
    assert "  mails 1, 7  different  2025-1-jane@example.org" in text


def test_check_without_repeats_says_none() -> None:
    messages = [kvmlist.parse_message(_patch(n)) for n in (1, 2)]
    result = check_messages(2, messages)
    assert result.repeats == []
    assert "repeats:    0\n" in result.render()


def _kvmlist(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kvmlist", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_check_command_lists_the_repeats_in_json(archive: Path, workers: str) -> None:
    done = _kvmlist("check", str(archive), "--format", "json", "--workers", workers)
    assert done.returncode == 0  # nothing is lost: the copies are listed
    repeats = json.loads(done.stdout)["repeats"]
    fields = ("message_id", "first", "position", "how")
    assert repeats == [dict(zip(fields, row, strict=True)) for row in EXPECTED]


@pytest.mark.parametrize(
    "command",
    [
        ["series"],
        ["stats"],
        ["stats", "--workers", "2"],
        ["report"],
        ["report", "--workers", "2"],
        ["review"],
    ],
)
def test_commands_say_on_stderr_how_many_patch_mails_repeat_an_id(
    archive: Path, command: list[str]
) -> None:
    done = _kvmlist(*command, str(archive), *(["--workers", "1"] * ("--workers" not in command)))
    assert done.returncode == 0
    assert done.stderr == (
        "kvmlist: 4 patch mails repeat a Message-ID seen earlier (the first copy counts;"
        " `kvmlist check` lists them)\n"
    )


def test_review_counts_a_reply_delivered_twice_once() -> None:
    from kvmlist.analysis.review_stats import review_summary

    messages = [kvmlist.parse_message(raw) for raw in (_patch(1), REPLY, REPLY + b"\n")]
    [bob] = review_summary(messages).reviewers
    assert (bob.reviewed, bob.replies) == (1, 1)


def _notice(n: int, commit: str, message_id: str) -> bytes:
    return mail(
        f"Re: [PATCH iwl-next 0{n}/2] igc: set the frame preemption state {n}",
        f"> Fix it.\n\nApplied to net-next, thanks.\n\n[{n}/2] igc: set it\n"
        f"      commit: {commit}\n",
        sender="Tony Nguyen <anthony.l.nguyen@intel.com>",
        message_id=message_id,
        extra=f"In-Reply-To: <2025-{n}-jane@example.org>\n",
    )


@pytest.mark.parametrize("workers", [0, 2])
def test_report_lists_a_notice_delivered_twice_once(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kvmlist.scale import workers as scale_workers

    notice = _notice(1, "0123456789ab", "<applied-1@intel.com>")
    # copies right after each other (one batch of replies) and across a patch mail
    path = tmp_path / "renotice.mbox"
    path.write_bytes(mbox(_patch(1), notice, notice, _patch(2), notice + b"\n"))
    if workers:
        monkeypatch.setattr(scale_workers, "CHUNK", 1)
        text = scale_workers.render_report_in_workers(path, workers)
    else:
        text = kvmlist.render_report(kvmlist.read_mbox(path))
    assert [line for line in text.splitlines() if "(applied by" in line] == [
        "igc: set it (applied by Tony Nguyen to net-next, commit 0123456789ab)"
    ]


def test_report_lists_one_commit_acknowledged_under_two_revisions_once() -> None:
    # the maintainer answers the RFC's patch and the v2's with the same b4 listing
    rfc = _notice(1, "0123456789ab", "<applied-rfc@intel.com>")
    v2 = _notice(2, "0123456789ab", "<applied-v2@intel.com>").replace(b"[2/2]", b"[1/2]")
    other = _notice(2, "ba9876543210", "<applied-2@intel.com>")
    raws = (_patch(1), _patch(2), rfc, v2, other)
    text = kvmlist.render_report(kvmlist.parse_message(raw) for raw in raws)
    assert [line for line in text.splitlines() if "(applied by" in line] == [
        "igc: set it (applied by Tony Nguyen to net-next, commit 0123456789ab)",
        "igc: set it (applied by Tony Nguyen to net-next, commit ba9876543210)",
    ]


def _answer(body: str, sender: str, message_id: str, parent: str, hour: int) -> bytes:
    return mail(
        "Re: [PATCH iwl-net] igc: answer",
        body,
        sender=sender,
        message_id=message_id,
        date=f"Tue, 3 Mar 2026 {hour}:00:00 +0000",
        extra=f"In-Reply-To: {parent}\n",
    )


CARL = "Carl Moe <carl@example.org>"
JANE, JOE = "Jane Doe <jane@example.org>", "Joe Poe <joe@example.org>"
#: A mailer reused <x@example.org> for a question under another patch; the reviews and the
#: notice below answer the first mail of that id, the one that counts.
REUSED_ID = [
    _patch(1),
    mail(
        "[PATCH iwl-next] ice: trim the rx ring",
        PATCH_BODY.replace("Jane Doe <jane", "Joe Poe <joe"),
        sender=JOE,
        message_id="<ice@example.org>",
    ),
    _answer("Why 1?\n", CARL, "<x@example.org>", "<2025-1-jane@example.org>", 11),
    _answer("Why trim it?\n", CARL, "<x@example.org>", "<ice@example.org>", 12),
    _answer(
        "Reviewed-by: Bob Roe <bob@example.org>\n",
        "Bob Roe <bob@example.org>",
        "<y@example.org>",
        "<x@example.org>",
        13,
    ),
    _answer(
        "Applied to net-queue, thanks!\n",
        "Tony Nguyen <tony@example.org>",
        "<z@example.org>",
        "<x@example.org>",
        14,
    ),
]


def _reused() -> tuple[list[kvmlist.Message], dict[str, kvmlist.Series]]:
    messages = [kvmlist.parse_message(raw) for raw in REUSED_ID]
    found = {str(s.patches[0].author): s for s in kvmlist.group_series(messages)}
    return messages, found


def test_a_review_under_a_reused_message_id_goes_to_the_first_mails_patch() -> None:
    _, found = _reused()
    [jane] = found[JANE].patches
    [joe] = found[JOE].patches
    assert [t.person.email for t in jane.review_trailers if t.person] == ["bob@example.org"]
    assert joe.review_trailers == ()


def test_review_times_a_review_under_a_reused_message_id_for_the_first_mails_series() -> None:
    from kvmlist.analysis.review_stats import review_summary

    messages, found = _reused()
    summary = review_summary(messages)
    jane = summary.timing_of(found[JANE].anchor_id)
    joe = summary.timing_of(found[JOE].anchor_id)
    assert jane is not None and joe is not None
    assert (jane.first_review, jane.accepted) == (timedelta(hours=3), timedelta(hours=4))
    assert (joe.first_review, joe.accepted) == (None, None)


def test_a_notice_under_a_reused_message_id_applies_the_first_mails_patch() -> None:
    from kvmlist.grouping.acceptance import acceptance_of

    messages, found = _reused()
    applied = acceptance_of(found.values(), messages)
    assert list(applied) == [found[JANE].anchor_id]


def test_review_economy_counts_a_review_delivered_twice_once() -> None:
    from kvmlist.analysis.review_economy import review_economy

    messages = [kvmlist.parse_message(raw) for raw in (_patch(1), REPLY, REPLY + b"\n")]
    economy = review_economy(messages, by="author")
    assert economy.reviews_by_person == {"bob@example.org": 1}
    assert economy.groups["bob@example.org"].reviews_given == 1
