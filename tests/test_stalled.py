"""Stalled series: nobody answered, not reviewed, not applied, not superseded, old enough."""

from __future__ import annotations

import io
import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.stalled import find_stalled, lore_link
from kvmlist.cli.commands import main
from kvmlist.cli.insight_options import duration

from .conftest import mail, mbox

CC = "To: kvm@vger.kernel.org\nCc: Marc Zyngier <maz@kernel.org>, Oliver <oupton@kernel.org>\n"


DIFF = """Fix it.

Signed-off-by: Jane Doe <jane@example.org>
---
 README | 1 +
 1 file changed, 1 insertion(+)

diff --git a/README b/README
index 1111111..2222222 100644
--- a/README
+++ b/README
@@ -1 +1,2 @@
 kvm
+fixed
"""


def _post(subject: str, sender: str, mid: str, day: str, extra: str = "") -> bytes:
    return mail(subject, DIFF, sender=sender, message_id=f"<{mid}@x>",
                date=f"{day} 2026 10:00:00 +0000", extra=CC + extra)  # fmt: skip


def _reply(sender: str, parent: str, mid: str, day: str, text: str = "Comments inline.") -> bytes:
    return mail("Re: [PATCH] x", f"> quoted\n\n{text}\n", sender=sender, message_id=f"<{mid}@x>",
                date=f"{day} 2026 12:00:00 +0000",
                extra=f"In-Reply-To: <{parent}@x>\nReferences: <{parent}@x>\n")  # fmt: skip


ANN, BO, DAN = "Ann <ann@arm.com>", "Bo <bo@redhat.com>", "Dan <dan@intel.com>"
EVE, FAY, GUS = "Eve <eve@google.com>", "Fay <fay@suse.com>", "Gus <gus@amd.com>"


def _archive() -> bytes:
    return mbox(
        _post("[PATCH] KVM: x86: Nobody looked at this", ANN, "s1", "Thu, 1 Jan"),
        _post("[PATCH 0/2] KVM: arm64: Discussed", BO, "s2", "Fri, 2 Jan"),
        _post("[PATCH 1/2] KVM: arm64: Discussed one", BO, "s2p1", "Fri, 2 Jan",
              "In-Reply-To: <s2@x>\n"),
        _post("[PATCH 2/2] KVM: arm64: Discussed two", BO, "s2p2", "Fri, 2 Jan",
              "In-Reply-To: <s2@x>\n"),
        _reply(EVE, "s2p1", "r1", "Sat, 3 Jan"),
        _post("[PATCH] KVM: s390: Only pinged by its author", DAN, "s3", "Sat, 3 Jan"),
        _reply(DAN, "s3", "r2", "Mon, 12 Jan", "Ping?"),
        _post("[PATCH] KVM: x86: Superseded", EVE, "s4", "Sun, 4 Jan"),
        _post("[PATCH v2] KVM: x86: Superseded", EVE, "s4v2", "Sat, 10 Jan"),
        _post("[PATCH] KVM: PPC: Taken over", FAY, "s5", "Mon, 5 Jan"),
        _post("[PATCH RESEND] KVM: PPC: Taken over", GUS, "s5b", "Sun, 1 Feb"),
        _post("[PATCH] KVM: x86: Too young to be stalled", GUS, "s7", "Fri, 20 Feb"),
        _reply(BO, "s2", "r3", "Wed, 25 Feb", "Thanks, will respin."),
    )  # fmt: skip


def _messages() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(io.BytesIO(_archive())))


def test_stalled_lists_unanswered_old_series_oldest_first() -> None:
    report = find_stalled(_messages(), older=timedelta(days=14))
    assert report.now == datetime(2026, 2, 25, 12, tzinfo=timezone.utc)  # the newest mail
    titles = [one.series.title for one in report.stalled]
    assert titles == [
        "KVM: x86: Nobody looked at this",
        "KVM: s390: Only pinged by its author",  # an author's own ping is no answer
        "KVM: x86: Superseded",  # v2: v1 has a newer revision
        "KVM: PPC: Taken over",  # Gus's resend; Fay's original was taken up
    ]
    assert report.stalled[2].series.version == 2


ROBOT = "kernel test robot <lkp@intel.com>"
BUILD_ERROR = """Hi Ann,

kernel test robot noticed the following build errors:

If you fix the issue, kindly add following tag
Reported-by: kernel test robot <lkp@intel.com>
"""


def test_a_robots_report_is_no_answer() -> None:
    # the robot's "Reported-by" is attached as a reply trailer, but it reviews nothing
    raw = mbox(_post("[PATCH] KVM: x86: Only built by a robot", ANN, "s8", "Thu, 1 Jan"),
               _reply(ROBOT, "s8", "r8", "Thu, 1 Jan", BUILD_ERROR))  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + raw)))
    assert "KVM: x86: Only built by a robot" in [s.series.title for s in report.stalled]


def test_a_co_author_reviewing_the_other_patches_answers_the_series() -> None:
    # Bo posts a series holding one patch Eve wrote; Eve reviewing Bo's patch is an answer
    raw = mbox(
        _post("[PATCH 0/2] KVM: arm64: Shared work", BO, "s9", "Thu, 1 Jan"),
        _post("[PATCH 1/2] KVM: arm64: Bo's part", BO, "s9p1", "Thu, 1 Jan",
              "In-Reply-To: <s9@x>\n"),
        mail("[PATCH 2/2] KVM: arm64: Eve's part", f"From: {EVE}\n\n{DIFF}", sender=BO,
             message_id="<s9p2@x>", date="Thu, 1 Jan 2026 10:00:00 +0000",
             extra=CC + "In-Reply-To: <s9@x>\n"),
        _reply(EVE, "s9p1", "r9", "Fri, 2 Jan", "Looks fine to me."),
    )  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + raw)))
    assert "KVM: arm64: Shared work" not in [s.series.title for s in report.stalled]


def test_a_series_whose_resend_was_answered_is_not_stalled() -> None:
    # nobody answered the three patches; Ann sent two again (one was obsolete) and got a reply
    raw = mbox(
        _post("[PATCH 0/3] KVM: arm64: Three fixes", ANN, "s10", "Thu, 1 Jan"),
        *(_post(f"[PATCH {i}/3] KVM: arm64: Fix {i}", ANN, f"s10p{i}", "Thu, 1 Jan",
                "In-Reply-To: <s10@x>\n") for i in (1, 2, 3)),
        _post("[PATCH RESEND 0/2] KVM: arm64: Three fixes", ANN, "s11", "Thu, 22 Jan"),
        *(_post(f"[PATCH RESEND {i}/2] KVM: arm64: Fix {i}", ANN, f"s11p{i}", "Thu, 22 Jan",
                "In-Reply-To: <s11@x>\n") for i in (1, 2)),
        _reply(EVE, "s11p1", "r11", "Fri, 23 Jan"),
    )  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + raw)))
    assert "KVM: arm64: Three fixes" not in [s.series.title for s in report.stalled]


def test_stalled_series_carry_link_age_and_recipients() -> None:
    first = find_stalled(_messages()).stalled[0]
    assert first.link == "https://lore.kernel.org/r/s1@x/"
    assert first.age == timedelta(days=55, hours=2)
    assert [p.email for p in first.recipients] == [
        "kvm@vger.kernel.org", "maz@kernel.org", "oupton@kernel.org",
    ]  # fmt: skip


def test_a_link_quotes_what_would_lead_elsewhere_in_a_message_id() -> None:
    # a sender's Message-ID "../../x?y#z@x" must not make the link another page of lore
    raw = _post("[PATCH] KVM: x86: Odd id", ANN, "../../x?y#z", "Thu, 1 Jan")
    later = datetime(2026, 3, 1, tzinfo=timezone.utc)
    [one] = find_stalled(list(kvmlist.read_mbox(io.BytesIO(mbox(raw)))), now=later).stalled
    assert one.link == "https://lore.kernel.org/r/..%2F..%2Fx%3Fy%23z@x/"


def test_resent_by_somebody_else_is_listed_apart() -> None:
    resent = find_stalled(_messages()).resent
    assert [
        (r.original.author.email, r.by.email) for r in resent if r.by and r.original.author
    ] == [("fay@suse.com", "gus@amd.com")]


def test_stable_autosel_postings_are_counted_apart() -> None:
    autosel = _post("[PATCH AUTOSEL 5.15 3/9] KVM: x86: Backport", "Sasha <sashal@kernel.org>",
                    "a1", "Thu, 1 Jan")  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + mbox(autosel))))
    assert report.automated == 1 and len(report.stalled) == 4


def test_now_and_older_move_the_cut() -> None:
    late = datetime(2026, 3, 31, tzinfo=timezone.utc)
    report = find_stalled(_messages(), older=timedelta(days=30), now=late)
    assert "KVM: x86: Too young to be stalled" in [s.series.title for s in report.stalled]
    early = find_stalled(_messages(), older=timedelta(days=54))
    assert [s.series.title for s in early.stalled] == ["KVM: x86: Nobody looked at this"]


def test_a_naive_now_is_utc() -> None:
    late = datetime(2026, 3, 31, tzinfo=timezone.utc)
    naive = find_stalled(_messages(), older=timedelta(days=30), now=late.replace(tzinfo=None))
    assert naive == find_stalled(_messages(), older=timedelta(days=30), now=late)


def test_with_a_now_the_archive_is_judged_as_it_stood_then() -> None:
    # an answer and a posting that came after --now did not exist yet
    archive = mbox(
        _post("[PATCH] KVM: x86: Answered later", ANN, "e1", "Sun, 1 Mar"),
        _reply(EVE, "e1", "e1r", "Wed, 25 Mar", "Looks fine, one nit."),
        _post("[PATCH] KVM: x86: Never answered", ANN, "e2", "Sun, 1 Mar"),
        _post("[PATCH] KVM: x86: Posted after now", DAN, "e3", "Sun, 22 Mar"),
        _post("[PATCH v2] KVM: x86: Never answered", ANN, "e2v2", "Mon, 23 Mar"),
    )
    mails = list(kvmlist.read_mbox(io.BytesIO(archive)))
    then = datetime(2026, 3, 20, tzinfo=timezone.utc)
    expected = ["KVM: x86: Answered later", "KVM: x86: Never answered"]
    for grouped in (None, kvmlist.group_series(mails, revisions=True)):
        report = find_stalled(mails, older=timedelta(days=14), now=then, series=grouped)
        assert [s.series.title for s in report.stalled] == expected
        assert report.series == 2
    assert find_stalled(mails, older=timedelta(days=14)).stalled == []  # as it stands at the end


def test_a_mail_from_the_future_does_not_move_now() -> None:
    broken_clock = mail("Re: [PATCH] x", "> quoted\n\nOdd clock.\n", sender=GUS,
                        message_id="<clock@x>", date="Mon, 3 Mar 2300 10:00:00 +0000",
                        extra="In-Reply-To: <nowhere@x>\n")  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + mbox(broken_clock))))
    assert report.now == find_stalled(_messages()).now


@dataclass(frozen=True)
class _Landing:
    committed_at: datetime


def test_landed_series_are_not_stalled() -> None:
    class Landed:
        def of(self, message_id: str) -> _Landing | None:
            when = datetime(2026, 12, 1, tzinfo=timezone.utc)  # after the archive: it counts
            return _Landing(when) if message_id == "s1@x" else None

    report = find_stalled(_messages(), landed=Landed())
    assert "KVM: x86: Nobody looked at this" not in [s.series.title for s in report.stalled]


@pytest.mark.parametrize(("committed", "stalled"), [("2026-03-01", True), ("2026-02-01", False)])
def test_with_a_now_a_series_that_landed_after_it_was_stalled_then(
    committed: str, stalled: bool
) -> None:
    class Landed:
        def of(self, message_id: str) -> _Landing | None:
            when = datetime.fromisoformat(committed).replace(tzinfo=timezone.utc)
            return _Landing(when) if message_id == "s1@x" else None

    now = datetime(2026, 2, 25, tzinfo=timezone.utc)
    report = find_stalled(_messages(), landed=Landed(), now=now)
    titles = [s.series.title for s in report.stalled]
    assert ("KVM: x86: Nobody looked at this" in titles) is stalled


def _tree(tmp_path: Path, committed: str = "", author: str = "Ann <ann@arm.com>") -> Path:
    """A git tree holding s1's patch, committed now or at ``committed`` by ``author``."""
    tree = tmp_path / "tree"
    name, email = author.removesuffix(">").split(" <")
    git = ["git", "-C", str(tree), "-c", f"user.name={name}", "-c", f"user.email={email}"]
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / "README").write_text("kvm\n")
    subprocess.run([*git, "add", "README"], check=True)
    message = "KVM: x86: Nobody looked at this\n\nLink: https://lore.kernel.org/r/s1@x\n"
    dated = {"GIT_COMMITTER_DATE": committed, "GIT_AUTHOR_DATE": "2026-01-01T10:00:00Z"}
    env = os.environ | (dated if committed else {})
    subprocess.run([*git, "commit", "-q", "-m", message], check=True, env=env)
    return tree


def _stalled_titles(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["stalled", *args, "--format", "json"]) == 0
    return [row["title"] for row in json.loads(capsys.readouterr().out)["stalled"]]


def test_a_series_that_landed_in_the_git_tree_is_not_stalled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    titles = _stalled_titles(capsys, str(archive), "--git", str(_tree(tmp_path)))
    assert "KVM: x86: Nobody looked at this" not in titles and len(titles) == 3


def test_stalled_takes_a_mailmap_for_the_authors_of_the_commits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ann's commit names her mail in its Link: but carries her kernel.org address and full
    # name: the mail lands on it only once a mailmap says both are Ann (docs/landed.md)
    archive, mailmap = tmp_path / "list.mbox", tmp_path / "the.mailmap"
    archive.write_bytes(_archive())
    mailmap.write_text("Ann <ann@arm.com> Ann Arbor <ann@kernel.org>\n")
    tree = str(_tree(tmp_path, author="Ann Arbor <ann@kernel.org>"))
    assert "KVM: x86: Nobody looked at this" in _stalled_titles(capsys, str(archive), "--git", tree)
    mapped = _stalled_titles(capsys, str(archive), "--git", tree, "--mailmap", str(mailmap))
    assert "KVM: x86: Nobody looked at this" not in mapped


def test_stalled_takes_a_mailmap_only_with_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive, mailmap = tmp_path / "list.mbox", tmp_path / "the.mailmap"
    archive.write_bytes(_archive())
    mailmap.write_text("Ann <ann@arm.com> <ann@kernel.org>\n")
    assert main(["stalled", str(archive), "--mailmap", str(mailmap)]) == 2
    assert capsys.readouterr().err == "kvmlist: --mailmap goes with --git\n"


def test_stalled_at_now_counts_only_the_commits_made_by_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    tree = str(_tree(tmp_path, "2026-02-10T09:00:00Z"))
    before = _stalled_titles(capsys, str(archive), "--git", tree, "--now", "2026-02-09")
    after = _stalled_titles(capsys, str(archive), "--git", tree, "--now", "2026-02-11")
    assert "KVM: x86: Nobody looked at this" in before
    assert "KVM: x86: Nobody looked at this" not in after


@pytest.mark.parametrize(
    ("text", "days"), [("14d", 14), ("2w", 14), ("36h", 1.5), ("7", 7), (" 3D ", 3)]
)
def test_ages_on_the_command_line(text: str, days: float) -> None:
    assert duration(text) == timedelta(days=days)


def test_stalled_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    assert main(["stalled", str(archive), "--older", "2w", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"series": 8, "stalled": 4, "resent": 1, "autosel": 0, "undated": 0,
                               "older_days": 14.0, "now": "2026-02-25"}  # fmt: skip
    assert data["stalled"][0]["to"].startswith("kvm@vger.kernel.org; Marc Zyngier <maz@")
    assert main(["stalled", str(archive)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 of 8 series stalled (older than 14 days on 2026-02-25)")
    assert "Re-sent by somebody else (1):" in out and "None" not in out
    with pytest.raises(SystemExit) as exit_status:
        main(["stalled", str(archive), "--older", "soon"])
    assert exit_status.value.code == 2
    assert "14d, 2w or 36h" in capsys.readouterr().err


def test_recipients_are_read_on_first_use_and_not_stored() -> None:
    first = _messages()[0]
    assert "recipients" not in first.model_dump()
    assert [p.name for p in first.recipients] == ["", "Marc Zyngier", "Oliver"]
    again = type(first).model_validate_json(first.model_dump_json())
    assert again == first and again.recipients == first.recipients


@pytest.mark.parametrize("message_id", ["<..>", "<.>", "<...>"])
def test_a_message_id_lore_would_not_name_gets_no_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], message_id: str
) -> None:
    # "https://lore.kernel.org/r/../" is lore's own front page, not the series
    raw = mail("[PATCH] KVM: x86: Dotted id", DIFF, sender=ANN, message_id=message_id,
               date="Thu, 1 Jan 2026 10:00:00 +0000", extra=CC)  # fmt: skip
    later = datetime(2026, 3, 1, tzinfo=timezone.utc)
    [one] = find_stalled(list(kvmlist.read_mbox(io.BytesIO(mbox(raw)))), now=later).stalled
    assert one.link == ""
    path = tmp_path / "dotted.mbox"
    path.write_bytes(mbox(raw))
    assert main(["stalled", str(path), "--now", "2026-03-01", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["stalled"]
    assert row["link"] is None
    assert main(["stalled", str(path), "--now", "2026-03-01"]) == 0
    assert "lore.kernel.org" not in capsys.readouterr().out


def test_a_patch_sent_into_a_superseded_series_thread_went_on_with_it() -> None:
    # intel-wired-lan: "[PATCH iwl-next v30 4/5]" (v3 mistyped) answered v3's cover; v4 came
    # two days later with all five. A posting with a cover of its own is work of its own.
    thread = "In-Reply-To: <v3-0@x>\nReferences: <v3-0@x>\n"
    posts = [
        _post("[PATCH iwl-next v3 0/5] ice: GTP RSS", DAN, "v3-0", "Wed, 27 Aug"),
        *(
            _post(f"[PATCH iwl-next v3 {i}/5] ice: part {i}", DAN, f"v3-{i}", "Wed, 27 Aug", thread)
            for i in (1, 2, 3, 5)
        ),
        _post("[PATCH iwl-next v30 4/5] ice: part 4", DAN, "v30-4", "Wed, 27 Aug", thread),
        _post("[PATCH 0/2] ice: a series of its own", EVE, "own-0", "Wed, 27 Aug", thread),
        _post(
            "[PATCH 1/2] ice: own 1",
            EVE,
            "own-1",
            "Wed, 27 Aug",
            "In-Reply-To: <own-0@x>\nReferences: <own-0@x>\n",
        ),
        _post("[PATCH iwl-next v4 0/5] ice: GTP RSS", DAN, "v4-0", "Fri, 29 Aug"),
        _post(
            "[PATCH iwl-next v4 4/5] ice: part 4",
            DAN,
            "v4-4",
            "Fri, 29 Aug",
            "In-Reply-To: <v4-0@x>\nReferences: <v4-0@x>\n",
        ),
    ]
    messages = list(kvmlist.read_mbox(io.BytesIO(mbox(*posts))))
    report = find_stalled(messages, now=datetime(2026, 12, 31, tzinfo=timezone.utc))
    stalled = {s.series.anchor_id for s in report.stalled}
    assert "v30-4@x" not in stalled
    assert "own-0@x" in stalled  # its own cover letter: not a part of v3's work


def test_a_one_patch_reroll_in_the_old_thread_leaves_the_other_patches_stalled() -> None:
    # "[PATCH v2 3/3]" In-Reply-To v1's 3/3: v1's 1/3 and 2/3 still wait for an answer
    thread = "In-Reply-To: <p0@x>\nReferences: <p0@x>\n"
    posts = [
        _post("[PATCH 0/3] KVM: arm64: Lone work", GUS, "p0", "Mon, 2 Mar"),
        *(_post(f"[PATCH {i}/3] KVM: arm64: Step {i}", GUS, f"p{i}", "Mon, 2 Mar", thread)
          for i in (1, 2, 3)),
        _post("[PATCH v2 3/3] KVM: arm64: Step 3", GUS, "q3", "Wed, 4 Mar",
              "In-Reply-To: <p3@x>\nReferences: <p0@x> <p3@x>\n"),
    ]  # fmt: skip
    messages = list(kvmlist.read_mbox(io.BytesIO(mbox(*posts))))
    report = find_stalled(messages, now=datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert sorted(s.series.anchor_id or "" for s in report.stalled) == ["p0@x", "q3@x"]


@pytest.mark.parametrize("base", ["https://lore.example.org/kvm/", "https://lore.example.org/kvm"])
def test_a_lore_link_under_a_base_with_or_without_its_slash(base: str) -> None:
    assert lore_link(base, "1@x.org") == "https://lore.example.org/kvm/1@x.org/"


def test_stalled_on_an_archive_without_a_dated_mail_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert main(["stalled", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert out.startswith("0 of 0 series stalled (older than 14 days; no dated mail)")


def test_the_same_mails_in_any_order_give_the_same_report() -> None:
    # a lore search answers newest first; a repost is the later posting by date, not by place
    raw = mbox(
        _post("[PATCH] KVM: x86: Posted twice", ANN, "s12", "Thu, 1 Jan"),
        _post("[PATCH] KVM: x86: Posted twice", ANN, "s12b", "Mon, 5 Jan"),
        _post("[PATCH] KVM: x86: Posted twice the same minute", BO, "s13b", "Thu, 1 Jan"),
        _post("[PATCH] KVM: x86: Posted twice the same minute", BO, "s13a", "Thu, 1 Jan"),
    )  # fmt: skip
    mails = list(kvmlist.read_mbox(io.BytesIO(_archive() + raw)))

    def seen(report: object) -> tuple[list[tuple[str | None, timedelta]], list[str | None]]:
        stalled = [(s.series.anchor_id, s.age) for s in report.stalled]  # type: ignore[attr-defined]
        return stalled, [r.again.anchor_id for r in report.resent]  # type: ignore[attr-defined]

    forward, backward = seen(find_stalled(mails)), seen(find_stalled(mails[::-1]))
    assert forward == backward
    assert ("s12b@x", timedelta(days=51, hours=2)) in forward[0]
    assert "s12@x" not in [anchor for anchor, _ in forward[0]]  # posted again later
    assert ("s13b@x", timedelta(days=55, hours=2)) in forward[0]  # ties: the later id


def test_a_series_with_no_plausible_date_is_not_judged_but_said() -> None:
    # a clock at zero would head the list at 20,000 days; a mail with no date cannot wait
    raw = mbox(
        mail("[PATCH] KVM: x86: From a clock at zero", DIFF, sender=ANN, message_id="<s14@x>",
             date="Thu, 1 Jan 1970 00:00:05 +0000"),
        mail("[PATCH] KVM: x86: Undated", DIFF, sender=BO, message_id="<s15@x>", date=None),
    )  # fmt: skip
    report = find_stalled(kvmlist.read_mbox(io.BytesIO(_archive() + raw)))
    assert report.stalled[0].series.title == "KVM: x86: Nobody looked at this"
    assert [(one.title, why) for one, why in report.undated] == [
        ("KVM: x86: From a clock at zero", "implausible-date"),
        ("KVM: x86: Undated", "missing-date"),
    ]


def test_the_stalled_command_lists_the_series_it_could_not_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    undated = mail("[PATCH] KVM: x86: Undated", DIFF, sender=BO, message_id="<s15@x>", date=None)
    archive.write_bytes(_archive() + mbox(undated))
    assert main(["stalled", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Not judged: no plausible date (1):" in out
    assert "KVM: x86: Undated" in out.split("Not judged")[1] and "missing-date" in out
