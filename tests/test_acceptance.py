"""Applied notices: classic "Applied, thanks" replies and b4 thank-you listings."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Person, parse_message
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.series import group_series

from .conftest import mail

PATCH = mail("[PATCH] KVM: x86: Fix the leak", message_id="<p@x>")


def reply(body: str, sender: str = "Sean Maintainer <sean@example.com>") -> kvmlist.Message:
    extra = "In-Reply-To: <p@x>\nReferences: <p@x>\n"
    return parse_message(
        mail(
            "Re: [PATCH] KVM: x86: Fix the leak",
            body,
            sender=sender,
            message_id="<r@x>",
            extra=extra,
        )
    )


def test_classic_applied_notice_names_tree_and_patch() -> None:
    notice = reply("On Tue, Jane wrote:\n> [...]\n\nQueued for kvm/master, thanks.\n\nPaolo\n")
    [found] = kvmlist.find_acceptances([parse_message(PATCH), notice])
    assert found.title == "KVM: x86: Fix the leak"
    assert found.tree == "kvm/master"
    assert found.applied_by == Person(name="Sean Maintainer", email="sean@example.com")


def test_b4_thank_you_lists_each_patch_with_its_commit() -> None:
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied to next, thanks!\n\n"
        "[1/2] KVM: arm64: First\n      commit: 0123456789ab\n"
        "[2/2] KVM: arm64: Second\n      commit: ba9876543210\n\nCheers,\n\n\tM.\n"
    )
    found = list(kvmlist.find_acceptances([reply(body)]))
    assert [(a.title, a.tree, a.commit) for a in found] == [
        ("KVM: arm64: First", "next", "0123456789ab"),
        ("KVM: arm64: Second", "next", "ba9876543210"),
    ]


def test_quoted_and_conditional_mentions_are_not_acceptances() -> None:
    bodies = [
        "> Applied to next, thanks!\n\nWhy was this applied?\n",
        "Applied on top of v6.18 and tested, thanks.\n",
        "I applied it locally, thanks, but it breaks the build.\n",
    ]
    assert list(kvmlist.find_acceptances([reply(b) for b in bodies])) == []


def test_report_lists_acceptances() -> None:
    notice = reply("Applied to kvm-x86 fixes, thanks!\n")
    text = kvmlist.render_report([parse_message(PATCH), notice])
    section = text.split("===== Patch list in this time period =====\n\n")[1].split("\n\n")[0]
    assert section == "KVM: x86: Fix the leak (applied by Sean Maintainer to kvm-x86)"


# Notices as the text gate of applied_notice must still find them: encoded, flowed with
# deleted spaces, with NULs the decoder drops, with letters re's case folding takes for
# ASCII ones (the gate looks for "thank" and a verb before the lines are read).
HIDDEN_NOTICES = [
    ("Applied to next, thanks!\n", ""),
    ("=41pplied to next, thanks!\n", "Content-Transfer-Encoding: quoted-printable\n"),
    ("App=\nlied to next, thanks!\n", "Content-Transfer-Encoding: quoted-printable\n"),
    ("QXBwbGllZCB0byBuZXh0LCB0aGFua3MhCg==\n", "Content-Transfer-Encoding: base64\n"),
    (
        "--b\nContent-Type: text/plain; format=flowed; delsp=yes\n\n"
        "App \nlied to next, thanks!\n--b--\n",
        'Content-Type: multipart/mixed; boundary="b"\n',
    ),
    (
        "--b\nContent-Type: text/plain; format=flowed\n\nPicked \nup for next, thanks!\n--b--\n",
        'Content-Type: multipart/mixed; boundary="b"\n',
    ),
    ("App\x00lied to next, thanks!\n", ""),
    ("P\u0130cked up for next, thanks!\n", "Content-Type: text/plain; charset=utf-8\n"),
    ("Pu\u017fhed to next, thanks!\n", "Content-Type: text/plain; charset=utf-8\n"),
    ("[1/1] KVM: x86: Fix the leak\n      commit: 0123456789ab\n", ""),
]


def _raw_reply(body: str, extra: str) -> bytes:
    head = "In-Reply-To: <p@x>\nReferences: <p@x>\nMIME-Version: 1.0\n" + extra
    return mail("Re: [PATCH] KVM: x86: Fix the leak", body, message_id="<r@x>", extra=head)


def test_a_notice_is_found_whatever_hides_it_in_the_bytes() -> None:
    from kvmlist.parse.notice import applied_notice

    for body, extra in HIDDEN_NOTICES:
        raw = _raw_reply(body, extra)
        assert applied_notice(parse_message(raw).body) is not None, body
        [found] = kvmlist.find_acceptances([parse_message(PATCH), parse_message(raw)])
        assert found.title == "KVM: x86: Fix the leak", body


def test_the_text_test_folds_case_as_the_notice_pattern_does() -> None:
    from kvmlist.parse.notice import applied_notice

    for body in ("P\u0130CKED UP for next, thanks!\n", "pu\u017fhed to next, thanks\n"):
        assert applied_notice(body) is not None, body
    assert applied_notice("Thanks for the review!\n") is None
    assert applied_notice("Why was this merged without a test?\n") is None


# The netdev patchwork bot (and the other kernel.org patchwork instances) answers a series'
# cover letter, or a lone patch, once its maintainer applied it: who applied it, to which
# tree, and a commit link per patch ("(no matching commit)" for one left out).
PWBOT = "patchwork-bot+netdevbpf@kernel.org"
PWBOT_SERIES = """\
Hello:

This series was applied to netdev/net-next.git (main)
by Jakub Kicinski <kuba@kernel.org>:

On Thu,  2 Jan 2025 17:37:08 +0000 you wrote:
> Hi,
>   Two cleanups of the driver.
>
> [...]

Here is the summary with links:
  - [net-next,v2,1/2] ice: Remove unused ice_blink_led
    https://git.kernel.org/netdev/net-next/c/59ec698d01eb
  - [net-next,v2,2/2] ice: Drop the dead PHY helpers
    (no matching commit)

You are awesome, thank you!
--\x20
Deet-doot-dot, I am a bot.
https://korg.docs.kernel.org/patchwork/pwbot.html
"""


def series_and_notice(
    prefix: str, title: str, patch_titles: list[str], body: str, sender: str
) -> list[kvmlist.Message]:
    """A threaded series "[prefix 0/N] title" of patch_titles, and a notice answering its
    cover letter: body, from sender."""
    total = len(patch_titles)
    thread = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    raws = [mail(f"[{prefix} 0/{total}] {title}", "The cover.\n", message_id="<c@x>")]
    for i, patch_title in enumerate(patch_titles, 1):
        raws.append(
            mail(f"[{prefix} {i}/{total}] {patch_title}", message_id=f"<p{i}@x>", extra=thread)
        )
    raws.append(
        mail(
            f"Re: [{prefix} 0/{total}] {title}",
            body,
            sender=sender,
            message_id="<n@x>",
            extra=thread,
        )
    )
    return [parse_message(raw) for raw in raws]


def _series_and_bot_notice(body: str) -> list[kvmlist.Message]:
    titles = ["ice: Remove unused ice_blink_led", "ice: Drop the dead PHY helpers"]
    return series_and_notice("PATCH net-next v2", "ice cleanups", titles, body, PWBOT)


def test_patchwork_bot_lists_the_applied_patches_of_a_series() -> None:
    messages = _series_and_bot_notice(PWBOT_SERIES)
    [found] = kvmlist.find_acceptances(messages)
    assert found.title == "ice: Remove unused ice_blink_led"
    assert found.commit == "59ec698d01eb"
    assert found.tree == "netdev/net-next.git (main)"
    assert found.applied_by == Person(name="Jakub Kicinski", email="kuba@kernel.org")
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p1@x"]
    assert not accepted.complete


def test_patchwork_bot_names_a_lone_patch_without_prefixes() -> None:
    body = (
        "Hello:\n\nThis patch was applied to netdev/net.git (main)\n"
        "by Paolo Abeni <pabeni@redhat.com>:\n\nOn Fri, 31 Jan 2025 you wrote:\n> Fix it.\n\n"
        "Here is the summary with links:\n  - KVM: x86: Fix the leak\n"
        "    https://git.kernel.org/netdev/net/c/a8aa6a6ddce9\n\n"
        "You are awesome, thank you!\n-- \nDeet-doot-dot, I am a bot.\n"
    )
    [found] = kvmlist.find_acceptances([parse_message(PATCH), reply(body, sender=PWBOT)])
    assert (found.title, found.tree, found.commit) == (
        "KVM: x86: Fix the leak",
        "netdev/net.git (main)",
        "a8aa6a6ddce9",
    )
    assert found.applied_by == Person(name="Paolo Abeni", email="pabeni@redhat.com")


def test_a_quoted_patchwork_bot_notice_is_none() -> None:
    quoted = "".join(f"> {line}\n" for line in PWBOT_SERIES.splitlines())
    assert list(kvmlist.find_acceptances(_series_and_bot_notice(quoted + "\nWhy?\n"))) == []


def test_b4_listing_may_link_each_commit() -> None:
    # b4's thanks-commit-url-mask writes a link where the plain commit would be
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied to\n\n"
        "   https://git.kernel.org/pub/scm/linux/kernel/git/broonie/sound.git for-next\n\n"
        "Thanks!\n\n[1/2] ASoC: codecs: First\n"
        "      commit: https://git.kernel.org/broonie/sound/c/0123456789ab\n"
        "[2/2] ASoC: codecs: Second\n"
        "      commit: https://git.kernel.org/cgit/linux.git/commit/?id=ba9876543210\n"
    )
    found = list(kvmlist.find_acceptances([reply(body)]))
    assert [(a.title, a.commit) for a in found] == [
        ("ASoC: codecs: First", "0123456789ab"),
        ("ASoC: codecs: Second", "ba9876543210"),
    ]


def test_b4_listing_with_bare_links_names_only_the_listed_patches() -> None:
    # arm64 and others write the link alone under the title; the cover letter of a series
    # of three is answered, but only patch 2 was applied
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\n"
        "Applied patch 2 to arm64 (for-next/kselftest), thanks!\n\n"
        "[2/3] kselftest/arm64: Second\n      https://git.kernel.org/arm64/c/72789a4a6a91\n\n"
        "Cheers,\n-- \nWill\n"
    )
    titles = [f"kselftest/arm64: {name}" for name in ("First", "Second", "Third")]
    messages = series_and_notice(
        "PATCH", "kselftest/arm64: fixes", titles, body, "Will Deacon <will@kernel.org>"
    )
    [found] = kvmlist.find_acceptances(messages)
    assert (found.title, found.commit) == ("kselftest/arm64: Second", "72789a4a6a91")
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]


def test_a_listing_names_a_patch_by_its_number_when_the_maintainer_reworded_its_title() -> None:
    # the committer changed the subsystem prefix of every title; b4 keeps the numbers
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied to kvm-arm64/next, thanks!\n\n"
        "[1/3] KVM: arm64: First\n        commit: 0123456789ab\n"
        "[3/3] KVM: arm64: Third\n        commit: ba9876543210\n\nCheers,\n\n\tM.\n"
    )
    titles = [f"arm64: kvm: {name}" for name in ("First", "Second", "Third")]
    messages = series_and_notice(
        "PATCH v4", "arm64: kvm: three", titles, body, "Marc Zyngier <maz@kernel.org>"
    )
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert sorted(accepted.applied) == ["p1@x", "p3@x"]
    assert accepted.applied["p3@x"].commit == "ba9876543210"


def test_a_listing_whose_numbers_count_another_series_names_no_patch_by_number() -> None:
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied to kvm-arm64/next, thanks!\n\n"
        "[1/4] KVM: arm64: Something else\n        commit: 0123456789ab\n"
    )
    titles = [f"arm64: kvm: {name}" for name in ("First", "Second", "Third")]
    messages = series_and_notice(
        "PATCH v4", "arm64: kvm: three", titles, body, "Marc Zyngier <maz@kernel.org>"
    )
    assert acceptance_of(group_series(messages), messages) == {}


def test_a_listing_may_link_each_commit_on_github() -> None:
    # kvm-x86's form: the link alone under the title, on github.com
    body = (
        "On Mon, 02 Mar 2026, Jane wrote:\n> cover text\n\nApplied 2 to kvm-x86 misc, thanks!\n\n"
        "[2/3] KVM: x86: Second\n"
        "      https://github.com/kvm-x86/linux/commit/72789a4a6a91\n\n--\nhttps://github.com/kvm-x86/linux/tree/next\n"
    )
    titles = [f"KVM: x86: {name}" for name in ("First", "Second", "Third")]
    messages = series_and_notice(
        "PATCH", "KVM: x86: three", titles, body, "Sean Maintainer <sean@example.com>"
    )
    [found] = kvmlist.find_acceptances(messages)
    assert (found.title, found.commit, found.tree) == (
        "KVM: x86: Second",
        "72789a4a6a91",
        "kvm-x86",
    )
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]


def test_an_author_picking_up_a_fix_for_the_next_version_is_no_acceptance() -> None:
    body = "> s/install/reinstall/\n\nPicked up the fix for v3. Thanks!\n"
    assert list(kvmlist.find_acceptances([reply(body)])) == []
    assert len(list(kvmlist.find_acceptances([reply("Queued for v6.15, thanks!\n")]))) == 1


# Notices without thanks on their line, or told in the first person: the sentence that
# starts a paragraph says the patches were applied, with no sign of a test or a plan.
SENTENCE_NOTICES = [
    ("Applied to clk-next\n", "clk-next"),
    ("Applied.\n\nPlease wait a day between postings.\n", None),
    ("On Mon, Jane wrote:\n> x\n\nApplied to arm/queue\n\nhttps://example.org/tree\n", "arm/queue"),
    ("Series applied, thanks a lot Leon!\n", None),
    ("Thank you, and thanks to the reviewers. Queued for v6.15.\n", None),  # a release, not a tree
    ("Both now queued up, thanks.\n", None),
    ("FWIW, I've now queued this for 5.4, with the reviewers' tags.\n", None),
    ("Thanks Alex. I've queued this for kvmarm/next.\n", "kvmarm/next"),
    ("OK, I applied this one to the s390 tree. Thanks!\n", "s390"),
    (
        "Sorry for dropping the ball. Now applied to\nkvmarm/next, with a Cc: stable.\n",
        "kvmarm/next",
    ),
    ("Patch applied to my dma-mapping-next branch.\n", "dma-mapping-next"),
    # a stable maintainer's words: the notice as a clause after a first one
    ("That worked, now queued up, thanks!\n", None),
    ("Thanks for both backports, now queued up.\n", None),
    ("Both backports now queued up, thanks.\n", None),
    ("Thanks for the quick fix, now applied to kvm/queue.\n", "kvm/queue"),
    # "has been" / "have been"
    ("Both patches have been applied to bluetooth-next tree.\n", "bluetooth-next"),
    ("Applied to for-next instead of for-linus, thanks.\n", "for-next"),
    # the repository and branch below, after a blank line (Mark Brown's form)
    (
        "Applied to\n\n   https://git.kernel.org/pub/scm/linux/kernel/git/broonie/sound.git"
        " for-next\n\nThanks!\n",
        "broonie/sound.git (for-next)",
    ),
    ("Applied to\n\nThanks!\n", None),
    ("The series has been applied to net-next, thanks.\n", "net-next"),
    ("Patch has now been merged into drm-misc-next, thanks.\n", "drm-misc-next"),
    # a branch named "testing" is no test report
    (
        "Series applied to the togreg branch of iio.git and pushed out as testing for 0-day "
        "to poke at it.\n",
        "iio.git (togreg)",
    ),
]
NOT_NOTICES = [
    "I applied this locally, but I'm seeing boot failures.\n",
    "I applied the patch on v5.10-rc2, then the migration fails.\n",
    "Applied this series and verified that the guest boots.\n",
    "I've pushed out an updated branch with the fixes.\n",
    "I'll queue these patches once the merge window closes.\n",
    "Andrew has merged them into mm-new.\n",
    "Picked the latter approach, see below.\n",
    "With this patch\napplied, the kernel boots again.\n",
    "Merged with the previous patch.\n",
    "I have applied\n| locking: fix the lock events\nand it still hangs.\n",
    "Pushed to my github branch, can you have a look?\n",
    "I rebased it, now applied on top of -rc3 it builds.\n",
    "Thanks for the review, now queued up for v3.\n",
    "Uh oh, missed that too. Fix now merged locally, thanks.\n",
    "Sent a v2, now merged with the cleanup patch.\n",
    "The series has been applied and tested on my board, no problems.\n",
    "Has this been applied anywhere yet?\n",
    "The series has been merged to Marc's 'next' branch. I will post a follow-up.\n",
    # another patch than the one answered, or undone
    "I applied v2 instead.\n",
    'Applied a different fix instead: 1234abcd ("mm: other").\n',
    "Applied, but reverted again as it broke the build.\n",
]


def test_a_sentence_that_says_applied_is_a_notice() -> None:
    from kvmlist.parse.notice import applied_notice

    for body, tree in SENTENCE_NOTICES:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body
    for body in NOT_NOTICES:
        assert applied_notice(body) is None, body


def test_a_notice_naming_patch_numbers_applies_only_those() -> None:
    def applied(body: str) -> list[str]:
        titles = [f"KVM: x86: fix {i}" for i in range(1, 5)]
        sender = "Paolo Maintainer <paolo@example.com>"
        messages = series_and_notice("PATCH", "KVM: x86: four fixes", titles, body, sender)
        [accepted] = acceptance_of(group_series(messages), messages).values()
        return sorted(accepted.applied)

    assert applied("Queued patches 1-3, thanks.\n") == ["p1@x", "p2@x", "p3@x"]
    assert applied("Queued 2+4, thanks.\n") == ["p2@x", "p4@x"]
    assert applied("I queued this series for 6.19, apart from patch 3.\n") == [
        "p1@x",
        "p2@x",
        "p4@x",
    ]
    assert applied("Applied to kvm/next, thanks!\n") == ["p1@x", "p2@x", "p3@x", "p4@x"]
    # numbers joined by "and" or "," are one list, not the end of the clause
    assert applied("Queued 1-2 and 4.  Initially I skipped 3, it needs more thought.\n") == [
        "p1@x",
        "p2@x",
        "p4@x",
    ]
    assert applied("Applied 1, 2 and 4, thanks.\n") == ["p1@x", "p2@x", "p4@x"]
    assert applied("Applied patches 1 and 3, thanks.\n") == ["p1@x", "p3@x"]
    assert applied("Queued patches 2~4, thanks.\n") == ["p2@x", "p3@x", "p4@x"]
    # a stray "and" after the verb, and a later sentence naming other patches
    assert applied(
        "Queued and 1 and 3, thanks.  There's a small issue in patch 2 that prevented "
        "me from committing 2-4, but they mostly look good.\n"
    ) == ["p1@x", "p3@x"]
    # a number that starts the next clause is not in the list
    assert applied("Applied patches 1-2, 4 needs a respin.\n") == ["p1@x", "p2@x"]


def test_a_patch_named_after_a_notice_is_no_tree() -> None:
    from kvmlist.parse.notice import applied_notice

    notice = applied_notice(
        "Queued, thanks.  There's a small issue in patch 10 that prevented me from "
        "committing 10-15, but they mostly look good.\n"
    )
    assert notice is not None
    assert notice.tree is None
    later = applied_notice("Queued, thanks.  I will leave this in kvm/queue for a while.\n")
    assert later is not None
    assert later.tree == "kvm/queue"


def test_a_tester_naming_another_patch_by_its_title_gives_no_notice() -> None:
    from kvmlist.parse.notice import Notice, applied_notice

    body = 'I also applied patch "selftests/bpf: Add the metadata test" to run it.\n'
    assert applied_notice(body) is None
    assert applied_notice("Queued patches 2-5 for now.\n") == Notice(None, (), numbers=(2, 3, 4, 5))


def _answering_patch(subject: str, body: str, sender: str) -> list[kvmlist.Message]:
    """A two-patch series and a mail answering its second patch."""
    titles = ["x86/sev: Check the GHCB page", "x86/sev: Map the GHCB page once"]
    messages = series_and_notice("PATCH", "SEV fixes", titles, "Looks good.\n", JANE)[:-1]
    thread = "In-Reply-To: <p2@x>\nReferences: <c@x> <p2@x>\n"
    notice = mail(subject, body, sender=sender, message_id="<bot@x>", extra=thread)
    return [*messages, parse_message(notice)]


JANE = "Jane Doe <jane@example.org>"
TIP_BOT = "tip-bot2 for Jane Doe <tip-bot2@linutronix.de>"
TIP_NOTICE = """The following commit has been merged into the x86/urgent branch of tip:

Commit-ID:     0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c
Gitweb:        https://git.kernel.org/tip/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c
Author:        Jane Doe <jane@example.org>
AuthorDate:    Tue, 03 Mar 2026 10:00:00 +01:00
Committer:     Borislav Petkov (AMD) <bp@alien8.de>
CommitterDate: Wed, 04 Mar 2026 09:00:00 +01:00

{title}

Map the page once at boot instead of on every exit.

Signed-off-by: Jane Doe <jane@example.org>
Signed-off-by: Borislav Petkov (AMD) <bp@alien8.de>
"""


def test_the_tip_bot_names_branch_commit_and_committer() -> None:
    title = "x86/sev: Map the GHCB page once"
    messages = _answering_patch(
        f"[tip: x86/urgent] {title}", TIP_NOTICE.format(title=title), TIP_BOT
    )
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]
    found = accepted.applied["p2@x"]
    assert found.tree == "tip/x86/urgent"
    assert found.commit == "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
    assert found.applied_by == Person(name="Borislav Petkov (AMD)", email="bp@alien8.de")


def test_a_title_the_committer_edited_still_names_the_patch_answered() -> None:
    title = "x86/sev: Map the GHCB page only once"  # a tip maintainer's wording
    messages = _answering_patch(
        f"[tip: x86/urgent] {title}", TIP_NOTICE.format(title=title), TIP_BOT
    )
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]


STABLE_NOTICE = """This is a note to let you know that I've just added the patch titled

    x86/sev: Map the GHCB page once

to the 6.12-stable tree which can be found at:
    http://www.kernel.org/git/?p=linux/kernel/git/stable/stable-queue.git;a=summary

The filename of the patch is:
     x86-sev-map-the-ghcb-page-once.patch
and it can be found in the queue-6.12 subdirectory.
"""


def test_a_stable_maintainers_note_applies_the_patch_to_that_stable_tree() -> None:
    subject = 'Patch "x86/sev: Map the GHCB page once" has been added to the 6.12-stable tree'
    messages = _answering_patch(subject, STABLE_NOTICE, "Greg KH <gregkh@linuxfoundation.org>")
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]
    assert accepted.applied["p2@x"].tree == "6.12-stable"


USB_NOTICE = """This is a note to let you know that I've just added the patch titled

    x86/sev: Map the GHCB page once

to my usb git tree which can be found at
    git://git.kernel.org/pub/scm/linux/kernel/git/gregkh/usb.git
in the usb-testing branch.

The patch will show up in the next release of the linux-next tree
(usually sometime within the next 24 hours during the week.)
"""


def test_greg_khs_note_for_his_own_trees_applies_the_patch_to_that_branch() -> None:
    subject = 'patch "x86/sev: Map the GHCB page once" added to usb-testing'
    messages = _answering_patch(subject, USB_NOTICE, "<gregkh@linuxfoundation.org>")
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert list(accepted.applied) == ["p2@x"]
    assert accepted.applied["p2@x"].tree == "gregkh/usb.git (usb-testing)"


def test_an_unthreaded_note_for_greg_khs_own_tree_applies_the_posting() -> None:
    messages = _unthreaded_stable_note("Jane Doe <jane@example.org>", USB_NOTICE)
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert accepted.applied["posted@x"].tree == "gregkh/usb.git (usb-testing)"


def test_a_note_for_greg_khs_own_tree_from_anybody_else_applies_nothing() -> None:
    subject = 'patch "x86/sev: Map the GHCB page once" added to usb-testing'
    messages = _answering_patch(subject, USB_NOTICE, MALLORY)
    assert acceptance_of(group_series(messages), messages) == {}


def test_quoted_bot_notes_are_none() -> None:
    from kvmlist.parse.notice import applied_notice

    for text in (TIP_NOTICE.format(title="x"), STABLE_NOTICE):
        quoted = "".join(f"> {line}\n" for line in text.splitlines())
        assert applied_notice("On Tue, Jane wrote:\n" + quoted + "\nWhy this one?\n") is None


def test_a_listing_under_a_mail_in_a_patchs_thread_names_no_patch_of_the_series() -> None:
    # a fix posted in patch 2's thread was applied; patch 2 itself was not
    titles = ["x86/sev: Check the GHCB page", "x86/sev: Map the GHCB page once"]
    messages = series_and_notice("PATCH", "SEV fixes", titles, "Looks good.\n", JANE)[:-1]
    fix_thread = "In-Reply-To: <p2@x>\nReferences: <c@x> <p2@x>\n"
    fix = mail(
        "x86/sev: Fix the build (was: Re: [PATCH 2/2] ...)", message_id="<fix@x>", extra=fix_thread
    )
    listing = (
        "Applied to x86/fixes, thanks!\n\n[1/1] x86/sev: Fix the build\n"
        "      commit: 0123456789ab\n"
    )
    notice_thread = "In-Reply-To: <fix@x>\nReferences: <c@x> <p2@x> <fix@x>\n"
    notice = mail(
        "Re: x86/sev: Fix the build", listing, sender=JANE, message_id="<ty@x>", extra=notice_thread
    )
    messages += [parse_message(fix), parse_message(notice)]
    assert acceptance_of(group_series(messages), messages) == {}


def _unthreaded_stable_note(
    quoted_author: str, note_text: str = STABLE_NOTICE
) -> list[kvmlist.Message]:
    posting = mail(
        "[PATCH] x86/sev: Map the GHCB page once",
        "Map it once.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
        "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n",
        message_id="<posted@x>",
        date="Mon, 2 Mar 2026 10:00:00 +0000",
    )
    quoted = (
        "\n\nFrom 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
        f"From: {quoted_author}\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
        "Subject: x86/sev: Map the GHCB page once\n\n"
        "commit 0123456789abcdef0123456789abcdef01234567 upstream.\n\nMap it once.\n\n"
        "Signed-off-by: Jane Doe <jane@example.org>\n---\n"
        "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n"
    )
    note = mail(  # the stable script's note, threaded to nothing
        'Patch "x86/sev: Map the GHCB page once" has been added to the 6.12-stable tree',
        note_text + quoted,
        sender="Greg KH <gregkh@linuxfoundation.org>",
        message_id="<note@x>",
        date="Fri, 3 Apr 2026 10:00:00 +0000",
    )
    return [parse_message(posting), parse_message(note)]


def test_an_unthreaded_stable_note_applies_the_posting_of_its_title_and_author() -> None:
    messages = _unthreaded_stable_note("Jane Doe <jane@example.org>")
    [accepted] = acceptance_of(group_series(messages), messages).values()
    assert accepted.applied["posted@x"].tree == "6.12-stable"


def test_an_unthreaded_stable_note_of_another_authors_patch_applies_nothing() -> None:
    messages = _unthreaded_stable_note("John Roe <john@example.com>")
    assert acceptance_of(group_series(messages), messages) == {}


MALLORY = "Mallory <mallory@example.com>"


def _applied_by(messages: list[kvmlist.Message]) -> set[Person | None]:
    """Who every acceptance of messages' series says applied its patches."""
    accepted = acceptance_of(group_series(messages), messages).values()
    return {a.applied_by for one in accepted for a in one.applied.values()}


def test_a_patchwork_bot_template_from_anybody_else_names_nobody_who_applied() -> None:
    """From anybody but the bot the mail is an ordinary reply: its own sender says it."""
    spoofed = [*_series_and_bot_notice(PWBOT_SERIES)[:-1], reply_to_cover(PWBOT_SERIES, MALLORY)]
    mallory = Person(name="Mallory", email="mallory@example.com")
    assert _applied_by(spoofed) <= {mallory}
    assert {a.applied_by for a in kvmlist.find_acceptances(spoofed)} <= {mallory}


def reply_to_cover(body: str, sender: str) -> kvmlist.Message:
    thread = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    subject = "Re: [PATCH net-next v2 0/2] ice cleanups"
    return parse_message(mail(subject, body, sender=sender, message_id="<n@x>", extra=thread))


def test_a_tip_bot_template_from_anybody_else_applies_nothing() -> None:
    title = "x86/sev: Map the GHCB page once"
    messages = _answering_patch(
        f"[tip: x86/urgent] {title}", TIP_NOTICE.format(title=title), MALLORY
    )
    assert acceptance_of(group_series(messages), messages) == {}


def test_a_stable_note_from_anybody_else_applies_nothing() -> None:
    subject = 'Patch "x86/sev: Map the GHCB page once" has been added to the 6.12-stable tree'
    messages = _answering_patch(subject, STABLE_NOTICE, MALLORY)
    assert acceptance_of(group_series(messages), messages) == {}


def test_an_unthreaded_stable_note_from_anybody_else_applies_nothing() -> None:
    posting, note = _unthreaded_stable_note("Jane Doe <jane@example.org>")
    spoofed = note.model_copy(
        update={"sender": Person(name="Mallory", email="mallory@example.com")}
    )
    assert acceptance_of(group_series([posting, spoofed]), [posting, spoofed]) == {}


def test_an_unthreaded_patchwork_bot_template_from_anybody_else_names_nobody() -> None:
    """Matched by title, outside any thread: the template names Jakub, but Mallory sent it."""
    messages = _series_and_bot_notice(PWBOT_SERIES)[:-1]
    subject = "Re: [PATCH net-next v2 1/2] ice: Remove unused ice_blink_led"
    unthreaded = parse_message(mail(subject, PWBOT_SERIES, sender=MALLORY, message_id="<u@x>"))
    assert Person(name="Jakub Kicinski", email="kuba@kernel.org") not in _applied_by(
        [*messages, unthreaded]
    )


def test_every_kernel_org_patchwork_bot_names_who_applied_the_patch() -> None:
    bot = "patchwork-bot+linux-riscv@kernel.org"
    messages = [*_series_and_bot_notice(PWBOT_SERIES)[:-1], reply_to_cover(PWBOT_SERIES, bot)]
    assert _applied_by(messages) == {Person(name="Jakub Kicinski", email="kuba@kernel.org")}


def _tree_of(text: str) -> str | None:
    from kvmlist.parse.notice import applied_notice

    notice = applied_notice(text)
    assert notice is not None
    return notice.tree


def test_words_after_the_are_no_tree() -> None:
    assert _tree_of("Queued, thanks Namhyung for the ACK!\n") is None
    text = "Queued (with small adjustments to the commit message and Cc: stable), thanks.\n"
    assert _tree_of(text) is None
    assert _tree_of("Applied to the mm-hotfixes branch, thanks.\n") == "mm-hotfixes"


def test_a_backquoted_branch_is_the_tree() -> None:
    text = "Pushed the series to branch `for_paolo/6.1` at:\n\n    https://github.com/x/linux.git\n"
    assert _tree_of(text) == "for_paolo/6.1"


def test_a_branch_in_parentheses_stays_with_its_tree() -> None:
    assert _tree_of("Applied first two cleanups to arm64 (for-next/ffa), thanks!\n") == (
        "arm64 (for-next/ffa)"
    )


def test_a_stable_note_names_its_sender_as_who_applied_threaded_or_not() -> None:
    """The stable script writes no display name (kvmarm's 13 notes): the address it is."""
    subject = 'Patch "x86/sev: Map the GHCB page once" has been added to the 6.12-stable tree'
    script = "<gregkh@linuxfoundation.org>"
    threaded = _answering_patch(subject, STABLE_NOTICE, script)
    posting, note = _unthreaded_stable_note("Jane Doe <jane@example.org>")
    unthreaded = [posting, note.model_copy(update={"sender": Person(name="", email=script[1:-1])})]
    greg = Person(name="", email="gregkh@linuxfoundation.org")
    assert _applied_by(threaded) == _applied_by(unthreaded) == {greg}


class _Counted(int):
    """A patch number counting the comparisons made with it."""

    seen = 0

    def __eq__(self, other: object) -> bool:
        _Counted.seen += 1
        return int(self) == other

    def __lt__(self, other: int) -> bool:  # type: ignore[override]
        _Counted.seen += 1
        return int(self) < other

    __hash__ = int.__hash__


def test_a_notice_naming_thousands_of_numbers_checks_each_patch_in_few_steps() -> None:
    # "Applied patches 1001-2000, ..., 9001-9999" asked once per patch of a 1,000-patch series
    from kvmlist.grouping.acceptance import Acceptance

    named = tuple(_Counted(n) for n in range(1001, 10000))
    left = tuple(_Counted(n) for n in range(5000, 5100))
    notice = Acceptance("t", None, None, None, "<n@x>", numbers=named, left_out=left)
    _Counted.seen = 0
    assert [i for i in range(1, 1001) if notice.names(i)] == []
    assert notice.names(1001) and not notice.names(5050) and not notice.names(10000)
    assert _Counted.seen < 1003 * 2 * 15  # a bisection each; a scan would make millions


def test_numbers_given_in_any_order_are_kept_sorted_and_once() -> None:
    from kvmlist.grouping.acceptance import Acceptance

    notice = Acceptance("t", None, None, None, "<n@x>", numbers=(3, 1, 3, 2), left_out=(2, 2))
    assert (notice.numbers, notice.left_out) == ((1, 2, 3), (2,))
    assert [i for i in range(5) if notice.names(i)] == [1, 3]


def test_a_huge_listing_folds_each_title_once_and_counts_its_first_thousand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kvmlist.grouping import acceptance as module

    patches = [
        mail(f"[PATCH] KVM: arm64: fix thing {i}", message_id=f"<p{i}@x.org>") for i in range(50)
    ]
    lines = "\n".join(f"{i:012x} KVM: arm64: fix thing {i}" for i in range(1500))
    notice = mail(
        "Re: [PATCH] wifi: stuff",
        f"1500 patches applied to kvm-next, thanks.\n\n{lines}\n",
        sender="Kalle Valo <kvalo@kernel.org>",
        message_id="<pw@x.org>",
    )
    messages = [parse_message(raw) for raw in [*patches, notice]]
    found = list(module.acceptances_in(messages[-1]))
    assert len(found) == module.MAX_LISTED  # the rest ignored
    series = group_series(messages)
    folded = 0
    fold = module._fold

    def counted(title: str) -> str:
        nonlocal folded
        folded += 1
        return fold(title)

    monkeypatch.setattr(module, "_fold", counted)
    accepted = acceptance_of(series, messages)
    assert len(accepted) == 50  # each of the 50 patches by its listed title
    assert folded < module.MAX_LISTED + 3 * 50  # not entries x series
