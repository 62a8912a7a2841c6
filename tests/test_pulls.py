"""Pull requests and what says they were merged: the kernel.org pr-tracker-bot's notice and
a maintainer's "Pulled, thanks"."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import kvmlist
from kvmlist import Person, parse_message
from kvmlist.cli.commands import main
from kvmlist.parse.pull_notice import merge_notice

from .conftest import mail, mbox

REQUEST_BODY = """\
Paolo,

Here's the set of fixes for 6.18-rc3.

Please pull,

	M.

The following changes since commit 3a8660878839faadb4f1a6dd72c3179c1df56787:

  Linux 6.18-rc1 (Sun Oct 12 13:42:36 2025 -0700)

are available in the Git repository at:

  git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-fixes-6.18-2

for you to fetch changes up to 0c4762e26879acc101790269382f230f22fd6905:

  KVM: arm64: Fix the walker (2025-10-23 09:01:02 +0100)

----------------------------------------------------------------
KVM/arm64 fixes for 6.18, take #2

- Fix the page-table walker

----------------------------------------------------------------
Marc Zyngier (1):
      KVM: arm64: Fix the walker

 arch/arm64/kvm/pgtable.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
"""

MARC = "Marc Zyngier <maz@kernel.org>"
PAOLO = "Paolo Bonzini <pbonzini@redhat.com>"
BOT = "pr-tracker-bot@kernel.org"


def request(message_id: str = "<pull@x>") -> bytes:
    return mail(
        "[GIT PULL] KVM/arm64 fixes for 6.18, take #2",
        REQUEST_BODY,
        sender=MARC,
        message_id=message_id,
        date="Fri, 24 Oct 2025 10:00:00 +0100",
    )


def answer(
    body: str,
    *,
    sender: str = PAOLO,
    message_id: str = "<a@x>",
    parent: str = "<pull@x>",
    date: str = "Sat, 25 Oct 2025 09:00:00 +0200",
    extra: str = "",
) -> bytes:
    return mail(
        "Re: [GIT PULL] KVM/arm64 fixes for 6.18, take #2",
        body,
        sender=sender,
        message_id=message_id,
        date=date,
        extra=f"In-Reply-To: {parent}\nReferences: <pull@x> {parent}\n{extra}",
    )


BOT_BODY = """\
The pull request you sent on Fri, 24 Oct 2025 10:00:00 +0100:

> git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-fixes-6.18-2

has been merged into torvalds/linux.git:
https://git.kernel.org/torvalds/c/7dff275c663178e9a12a0c0038e4b3be2f3e7a12

Thank you!

--
Deet-doot-dot, I am a bot.
https://korg.docs.kernel.org/prtracker.html
"""


def pulls_of(*raws: bytes) -> list[kvmlist.PullRequest]:
    return kvmlist.find_pull_requests([parse_message(raw) for raw in raws])


def test_a_pull_request_nobody_answered_is_listed_unmerged() -> None:
    [found] = pulls_of(request())
    assert found.request.message_id == "pull@x"
    assert found.url == "git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git"
    assert found.branch == "tags/kvmarm-fixes-6.18-2"
    assert not found.merged
    assert found.merges == ()


def test_the_pr_tracker_bot_says_into_which_tree_and_as_which_commit() -> None:
    [found] = pulls_of(request(), answer(BOT_BODY, sender=f"<{BOT}>"))
    [merge] = found.merges
    assert merge.how == "pr-tracker-bot"
    assert merge.tree == "torvalds/linux.git"
    assert merge.commit == "7dff275c663178e9a12a0c0038e4b3be2f3e7a12"
    assert merge.merged_by is None  # the bot tells the merge, not who made it
    assert merge.message_id == "a@x"
    assert merge.date == datetime(2025, 10, 25, 7, 0, tzinfo=timezone.utc)


def test_a_maintainer_saying_pulled_merged_it() -> None:
    replies = (
        "On 24/10/25 11:00, Marc Zyngier wrote:\n> Paolo,\n>\n> Please pull,\n\n"
        "Pulled, thanks.\n\nPaolo\n",
        "Thanks, pulled.\n",
        "Great, thanks.  I've pulled it and will send the pull request to Linus soon.\n",
        "Pulled both.  Thank you for including the lore link.\n",
        "Yes, that's why I did. Pulled now, thanks.\n",
        "Merged, thanks!\n",
        "10 days is a week.\n\nI have pulled both trees now, so you can base 5.8 on it.\n",
    )
    for body in replies:
        [found] = pulls_of(request(), answer(body))
        [merge] = found.merges
        assert (merge.how, merge.merged_by, merge.tree) == (
            "reply",
            Person(name="Paolo Bonzini", email="pbonzini@redhat.com"),
            None,
        ), body


def test_a_pulled_notice_may_name_the_tree() -> None:
    body = "Pulled, thanks (to kvm/queue only for now).\n\nPaolo\n"
    [found] = pulls_of(request(), answer(body))
    assert found.merges[0].tree == "kvm/queue"
    [found] = pulls_of(request(), answer("Pulled into kvm/next, thanks.\n"))
    assert found.merges[0].tree == "kvm/next"
    [found] = pulls_of(request(), answer("I've now pulled this into kvmarm/next. If you...\n"))
    assert found.merges[0].tree == "kvmarm/next"
    # a "to" further on names no tree
    body = "Pulled, thanks (and sent already the pull request to Linus).\n"
    [found] = pulls_of(request(), answer(body))
    assert found.merged and found.merges[0].tree is None


def test_plans_questions_quotes_and_the_sender_himself_are_no_merge() -> None:
    replies = (
        "Ok, since I have already an x86 conflict I'll wait to pull this until next week.\n",
        "Cool, will pull soon.  Please take a quick look at the ABI first.\n",
        "I'll get to this next Friday.\n",
        "Pulled?  I don't see it in kvm/next.\n",
        "Not pulled yet: the tag is not signed.\n",
        "On Fri, Marc wrote:\n> Pulled, thanks.\n\nThat was the previous one.\n",
        "I pulled the tag and it does not build on x86.\n",
    )
    for body in replies:
        [found] = pulls_of(request(), answer(body))
        assert found.merges == (), body
    [found] = pulls_of(request(), answer("Pulled, thanks.\n", sender=MARC))
    assert found.merges == ()  # the requester cannot merge his own request


def test_a_notice_deeper_in_the_thread_answers_the_request() -> None:
    question = answer("Why is the fix for the walker not in -rc2?\n", message_id="<q@x>")
    reply = answer("Pulled, thanks.\n", message_id="<b@x>", parent="<q@x>")
    [found] = pulls_of(request(), question, reply)
    assert [merge.message_id for merge in found.merges] == ["b@x"]


def test_merges_come_in_date_order_and_a_notice_elsewhere_is_no_merge() -> None:
    later = answer(BOT_BODY, sender=f"<{BOT}>", message_id="<bot@x>",
                   date="Sun, 2 Nov 2025 20:00:00 +0000")  # fmt: skip
    first = answer("Pulled, thanks.\n", message_id="<paolo@x>")
    patch = mail("[PATCH] KVM: x86: Fix the leak", message_id="<p@x>")
    elsewhere = mail(
        "Re: [PATCH] KVM: x86: Fix the leak",
        "Pulled, thanks.\n",
        sender=PAOLO,
        message_id="<r@x>",
        extra="In-Reply-To: <p@x>\n",
    )
    [found] = pulls_of(request(), later, patch, elsewhere, first)
    assert [merge.message_id for merge in found.merges] == ["paolo@x", "bot@x"]
    assert found.merged


def test_a_numbered_pull_request_with_patches_is_a_pull_request_too() -> None:
    cover = mail(
        "[GIT PULL 0/2] KVM: s390: fixes for 6.18",
        REQUEST_BODY,
        sender="Claudio Imbrenda <imbrenda@linux.ibm.com>",
        message_id="<c@x>",
    )
    patch = mail(
        "[GIT PULL 1/2] KVM: s390: Fix the walker",
        "Fix it.\n\nSigned-off-by: Claudio Imbrenda <imbrenda@linux.ibm.com>\n---\n"
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
        sender="Claudio Imbrenda <imbrenda@linux.ibm.com>",
        message_id="<c1@x>",
        extra="In-Reply-To: <c@x>\n",
    )
    pulled = mail(
        "Re: [GIT PULL 0/2] KVM: s390: fixes for 6.18",
        "Pulled, thanks.\n",
        sender=PAOLO,
        message_id="<m@x>",
        extra="In-Reply-To: <c@x>\n",
    )
    [found] = pulls_of(cover, patch, pulled)
    assert found.request.message_id == "c@x"
    assert found.merged


def test_the_notice_reader_reads_the_bot_and_the_sentence() -> None:
    bot = merge_notice(BOT_BODY, Person(name="", email=BOT))
    assert bot is not None and bot.how == "pr-tracker-bot"
    assert bot.tree == "torvalds/linux.git"
    assert bot.commit == "7dff275c663178e9a12a0c0038e4b3be2f3e7a12"
    said = merge_notice("Pulled, thanks.\n")
    assert said is not None and said.how == "reply"
    assert merge_notice("I will pull it tomorrow.\n") is None
    assert merge_notice("> " + BOT_BODY.replace("\n", "\n> ")) is None  # quoted whole


def test_pulls_command_lists_each_request_with_its_first_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encoded = base64.encodebytes(BOT_BODY.encode()).decode()
    bot = answer(encoded, sender=f"<{BOT}>", message_id="<bot@x>",
                 extra="Content-Transfer-Encoding: base64\n")  # fmt: skip
    other = request("<other@x>").replace(b"take #2", b"take #3")
    archive = tmp_path / "list.mbox"
    archive.write_bytes(mbox(request(), other, answer("Pulled, thanks.\n"), bot))
    assert main(["pulls", str(archive), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"requests": 2, "merged": 1}
    first, second = data["pulls"]
    assert (first["by"], first["merged"], first["notices"]) == ("Paolo Bonzini", "2025-10-25", 2)
    assert first["branch"] == "tags/kvmarm-fixes-6.18-2"
    assert second["merged"] is None and second["notices"] == 0
    assert main(["pulls", str(archive)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 pull requests, 1 merged\n\nposted")
    assert "[GIT PULL] KVM/arm64 fixes for 6.18, take #3" in out


def test_a_held_reply_keeps_the_bot_notice_it_holds(tmp_path: Path) -> None:
    from kvmlist.cli.holding import held

    encoded = base64.encodebytes(BOT_BODY.encode()).decode()
    bot = answer(encoded, sender=f"<{BOT}>", extra="Content-Transfer-Encoding: base64\n")
    kept = list(held([parse_message(request()), parse_message(bot)], patch_bodies=False))
    [found] = kvmlist.find_pull_requests(kept)
    assert found.merges[0].commit == "7dff275c663178e9a12a0c0038e4b3be2f3e7a12"


PWBOT_PULL = """\
Hello:

This pull request was applied to netdev/net.git (main)
by Jakub Kicinski <kuba@kernel.org>:

On Mon, 3 Nov 2025 10:00:00 -0800 you wrote:
> This series contains updates to ice and idpf drivers.
>
> The following are changes since commit 1a2b3c4d5e6f:
>   net: fix the thing
> and are available in the git repository at:
>   git://git.kernel.org/pub/scm/linux/kernel/git/tnguy/net-queue 100GbE

Here is the summary with links:
  - [net,1/2] ice: Fix the walker
    https://git.kernel.org/netdev/net/c/59ec698d01eb
  - [net,2/2] idpf: Fix the other walker
    https://git.kernel.org/netdev/net/c/a8aa6a6ddce9

You are awesome, thank you!
--
Deet-doot-dot, I am a bot.
https://korg.docs.kernel.org/patchwork/pwbot.html
"""


def _netdev_pull() -> list[kvmlist.Message]:
    tony = "Tony Nguyen <anthony.l.nguyen@intel.com>"
    cover_body = REQUEST_BODY.replace(
        "git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-fixes-6.18-2",
        "git://git.kernel.org/pub/scm/linux/kernel/git/tnguy/net-queue 100GbE",
    )
    raws = [mail("[PATCH net 0/2][pull request] Intel Wired LAN Driver Updates", cover_body,
                 sender=tony, message_id="<c@x>")]  # fmt: skip
    for index, title in ((1, "ice: Fix the walker"), (2, "idpf: Fix the other walker")):
        raws.append(
            mail(
                f"[PATCH net {index}/2] {title}",
                "Fix it.\n\nSigned-off-by: Tony Nguyen <anthony.l.nguyen@intel.com>\n---\n"
                "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
                sender=tony,
                message_id=f"<c{index}@x>",
                extra="In-Reply-To: <c@x>\nReferences: <c@x>\n",
            )
        )
    raws.append(
        mail(
            "Re: [PATCH net 0/2][pull request] Intel Wired LAN Driver Updates",
            PWBOT_PULL,
            sender="patchwork-bot+netdevbpf@kernel.org",
            message_id="<bot@x>",
            extra="In-Reply-To: <c@x>\nReferences: <c@x>\n",
        )
    )
    return [parse_message(raw) for raw in raws]


def test_the_patchwork_bot_applying_a_pull_request_merged_it_and_its_patches() -> None:
    from kvmlist.grouping.acceptance import acceptance_of

    messages = _netdev_pull()
    [found] = kvmlist.find_pull_requests(messages)
    assert found.request.message_id == "c@x"
    [merge] = found.merges
    assert (merge.how, merge.tree, merge.commit) == ("patchwork-bot", "netdev/net.git (main)", None)
    assert merge.merged_by == Person(name="Jakub Kicinski", email="kuba@kernel.org")
    [accepted] = acceptance_of(kvmlist.group_series(messages), messages).values()
    assert accepted.complete and accepted.commits == ("59ec698d01eb", "a8aa6a6ddce9")


def test_review_tells_how_long_pull_requests_wait_to_be_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(mbox(request(), answer("Pulled, thanks.\n")))
    [found] = pulls_of(request(), answer("Pulled, thanks.\n"))
    assert found.time_to_merge is not None and found.time_to_merge.total_seconds() == 22 * 3600
    assert main(["review", str(archive), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["median_hours"]["merge (pull requests)"] == 22.0
    assert main(["review", str(archive)]) == 0
    assert "median hours to merge (pull requests): 22.0\n" in capsys.readouterr().out
    # a list without pull requests says nothing of them
    archive.write_bytes(mbox(mail("[PATCH] KVM: x86: Fix the leak")))
    assert main(["review", str(archive)]) == 0
    assert "pull requests" not in capsys.readouterr().out


def test_the_dashboard_lists_pull_requests_and_their_merges(tmp_path: Path) -> None:
    from kvmlist.outputs.site import build_site

    hostile = request("<other@x>").replace(b"take #2", b"take #3 \xe2\x80\xae<script>")
    messages = [parse_message(raw) for raw in (request(), answer("Pulled, thanks.\n"), hostile)]
    build_site(messages, tmp_path, list_name="kvmarm")
    html = (tmp_path / "pulls.html").read_text(encoding="utf-8")
    assert "2 pull requests, 1 of them merged" in html
    merged_row = html.index("[GIT PULL] KVM/arm64 fixes for 6.18, take #2")
    assert "Paolo Bonzini" in html[merged_row:] and "2025-10-25" in html[merged_row:]
    assert 'href="https://lore.kernel.org/r/pull@x/"' in html
    assert "<script>" not in html and "\u202e" not in html  # escaped, as on every page
    assert 'href="pulls.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_the_pr_tracker_bot_template_from_anybody_else_merges_nothing() -> None:
    [found] = pulls_of(request(), answer(BOT_BODY, sender="Mallory <mallory@example.com>"))
    assert not found.merged


def test_the_patchwork_bot_pull_template_from_anybody_else_merges_nothing() -> None:
    messages = _netdev_pull()
    messages[-1] = messages[-1].model_copy(
        update={"sender": Person(name="Mallory", email="mallory@example.com")}
    )
    [found] = kvmlist.find_pull_requests(messages)
    assert not found.merged


def test_a_merge_notice_delivered_twice_is_one_merge() -> None:
    notice = answer(BOT_BODY, sender=f"<{BOT}>")
    [found] = pulls_of(request(), notice, notice.replace(b"List-Id:", b"X-Relay: 2\nList-Id:"))
    assert [m.message_id for m in found.merges] == ["a@x"]


def test_a_pull_request_answered_with_an_applied_notice_was_merged() -> None:
    # QEMU's and U-Boot's maintainers answer a pull request as others answer a patch
    replies = {
        "Applied, thanks.\n\nPlease update the changelog at https://wiki.qemu.org/ChangeLog/10.0"
        " for any user-visible changes.\n": None,
        "On Mon, Mar 03, 2025 at 10:40:00AM +0000, Marc wrote:\n> Paolo,\n\n"
        "Applied to u-boot/master, thanks!\n\n-- \nTom\n": "u-boot/master",
        "Thanks, applied to kvm/next.\n": "kvm/next",
    }
    for body, tree in replies.items():
        [found] = pulls_of(request(), answer(body))
        [merge] = found.merges
        assert (merge.how, merge.merged_by, merge.tree) == (
            "reply",
            Person(name="Paolo Bonzini", email="pbonzini@redhat.com"),
            tree,
        ), body


def test_a_test_report_or_a_plan_in_applied_words_is_no_merge() -> None:
    replies = (
        "I applied it locally and it boots fine on my board.\n",
        "I'll apply this once -rc1 is out.\n",
        "> Applied to u-boot/master, thanks!\n\nThat was the previous pull.\n",
    )
    for body in replies:
        [found] = pulls_of(request(), answer(body))
        assert found.merges == (), body


def test_a_notice_under_a_series_posted_in_the_requests_thread_merges_no_request() -> None:
    # kvmarm, March 2021: the fixes resent as patches under the pull request, and applied
    resent = mail("[PATCH 0/2] KVM/arm64 fixes for 6.18, take #2", "Please apply,\n\n\tM.\n",
                  sender=MARC, message_id="<c@x>", extra="In-Reply-To: <pull@x>\n")  # fmt: skip
    fix = mail("[PATCH] KVM: arm64: Fix the fix", "Fix it.\n\nSigned-off-by: " + MARC + "\n",
               sender=MARC, message_id="<f@x>", extra="In-Reply-To: <pull@x>\n")  # fmt: skip
    for posting, parent in ((resent, "<c@x>"), (fix, "<f@x>")):
        for body in ("Applied to kvm/next, thanks.\n", "Pulled, thanks.\n"):
            [found] = pulls_of(request(), posting, answer(body, parent=parent))
            assert found.merges == (), (parent, body)


def authored_netdev_pull_raws() -> list[bytes]:
    """Tony Nguyen's pull-style cover letter over two patches their authors wrote (in-body
    From), as the Intel Wired LAN maintainers send them to netdev."""
    tony = "Tony Nguyen <anthony.l.nguyen@intel.com>"
    cover_body = REQUEST_BODY.replace(
        "git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-fixes-6.18-2",
        "git://git.kernel.org/pub/scm/linux/kernel/git/tnguy/next-queue 100GbE",
    )
    raws = [mail("[PATCH net-next 0/2][pull request] Intel Wired LAN Driver Updates 2025-02-24",
                 cover_body, sender=tony, message_id="<c@x>")]  # fmt: skip
    authors = ("Alice Author <alice@intel.com>", "Bob Builder <bob@intel.com>")
    for index, author in enumerate(authors, 1):
        body = (f"From: {author}\n\nFix it.\n\nSigned-off-by: {author}\nSigned-off-by: {tony}\n"
                "---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")  # fmt: skip
        raws.append(mail(f"[PATCH net-next {index}/2] ice: Fix walk {index}", body, sender=tony,
                         message_id=f"<c{index}@x>", extra="In-Reply-To: <c@x>\n"))  # fmt: skip
    return raws


def _authored_netdev_pull() -> list[kvmlist.Message]:
    return [parse_message(raw) for raw in authored_netdev_pull_raws()]


def test_a_cover_letter_carrying_a_pull_request_is_a_pull_request_everywhere() -> None:
    from kvmlist.analysis.check import check_messages

    messages = _authored_netdev_pull()
    [series] = kvmlist.group_series(messages)  # it still opens its series
    assert series.cover is not None and len(series.patches) == 2
    [found] = kvmlist.find_pull_requests(messages)
    assert found.request.message_id == "c@x"
    kinds = check_messages(len(messages), messages).kinds
    assert (kinds["cover"], kinds["pull"], kinds["patch"]) == (0, 1, 2)
    authors = {str(person): n for person, n in kvmlist.count_by_author(messages).items()}
    assert authors == {"Alice Author <alice@intel.com>": 1, "Bob Builder <bob@intel.com>": 1}
    report = kvmlist.render_report(messages)
    assert "      1  Alice Author <alice@intel.com>" in report
    assert "anthony.l.nguyen" not in report.split("Top 15 contributors")[1].split("=====")[0]
    assert "      2 intel.com" in report


def test_a_frame_of_mails_says_a_pull_requests_cover_letter_is_a_pull_request() -> None:
    pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe

    messages = _authored_netdev_pull()
    frame = to_dataframe(messages, of="messages")
    assert list(frame["kind"]) == ["pull", "patch", "patch"]
    assert frame.loc[0, "title"] == "Intel Wired LAN Driver Updates 2025-02-24"  # still parsed
    # the patch mails a frame holds are those stats counts
    counted = frame[frame["kind"].isin(["patch", "cover"])]
    assert len(counted) == kvmlist.count_by_author(messages).total()
