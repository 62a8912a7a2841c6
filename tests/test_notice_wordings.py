"""Maintainers' acceptance wordings as replies write them (docs/review.md, "Acceptance per
series"): what each credits, and which tree it names."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import parse_message
from kvmlist.grouping.acceptance import acceptance_of
from kvmlist.grouping.series import group_series
from kvmlist.parse.notice import applied_notice

from .conftest import mail

JANE = "Jane Doe <jane@example.org>"
TITLES = ["crypto: foo - add helper", "crypto: foo - use helper", "crypto: foo - drop old path"]


def _series(titles: list[str], body: str, sender: str, answers: int = 0) -> list[kvmlist.Message]:
    """A threaded "[PATCH 0/N]" series and a notice (body, from sender) answering its cover
    letter, or its patch ``answers``."""
    total = len(titles)
    thread = "In-Reply-To: <c@x>\nReferences: <c@x>\n"
    raws = [mail(f"[PATCH 0/{total}] crypto: foo", "The cover.\n", message_id="<c@x>")]
    for i, title in enumerate(titles, 1):
        raws.append(mail(f"[PATCH {i}/{total}] {title}", message_id=f"<p{i}@x>", extra=thread))
    parent = f"p{answers}@x" if answers else "c@x"
    subject = f"Re: [PATCH {answers}/{total}] {titles[answers - 1]}" if answers else "Re: x"
    head = f"In-Reply-To: <{parent}>\nReferences: <c@x> <{parent}>\n"
    raws.append(mail(subject, body, sender=sender, message_id="<n@x>", extra=head))
    return [parse_message(raw) for raw in raws]


def _applied(body: str, titles: list[str] = TITLES, answers: int = 0) -> dict[str, str | None]:
    """Which patches the notice credits (Message-ID -> tree)."""
    messages = _series(titles, body, "Maintainer <maint@kernel.org>", answers)
    found = acceptance_of(group_series(messages), messages)
    return {pid: a.tree for one in found.values() for pid, a in one.applied.items()}


def test_numbers_before_the_verb_name_the_patches_applied() -> None:
    herbert = "On Mon, Jane Doe wrote:\n> This series adds foo.\n\nPatches 1-2 applied.  Thanks.\n"
    assert _applied(herbert) == {"p1@x": None, "p2@x": None}
    bjorn = (
        "Patch 3 applied to pci/foo for v6.14, thanks.  The first two need\n"
        "some more work, see my comments there.\n"
    )
    assert _applied(bjorn) == {"p3@x": "pci/foo"}
    assert _applied("1-2 applied, thanks.\n") == {"p1@x": None, "p2@x": None}
    four = [*TITLES, "crypto: foo - document it"]
    paul = "Thanks, patches 3 and 4 of this series applied to my kvm-ppc-next branch.\n"
    assert _applied(paul, four) == {"p3@x": "kvm-ppc-next", "p4@x": "kvm-ppc-next"}


def test_the_tree_is_read_in_the_notices_own_sentence() -> None:
    later = {
        "Applied patch 1, thanks. The dts patch needs to go to Bjorn.\n": (1,),
        "Applied, thanks!  I'll send a pull request to Linus later this week.\n": (),
        "Applied, thanks! Sorry for the delay, this got lost in my inbox.\n": (),
        "Applied, thanks. Patch 2 should go to the net-next tree.\n": (),
    }
    for body, numbers in later.items():
        notice = applied_notice(body)
        assert notice is not None, body
        assert (notice.tree, notice.numbers) == (None, numbers), body
    notice = applied_notice("Thanks, I've applied patches 1 and 2 to for-next.\n")
    assert notice is not None
    assert (notice.tree, notice.numbers) == ("for-next", (1, 2))


def test_a_count_of_patches_is_a_notice() -> None:
    for body, tree in [
        ("2 patches applied to wireless-next.git, thanks.\n", "wireless-next.git"),
        ("Two patches applied, thanks.\n", None),
        ("All 5 patches applied to for-next, thanks.\n", "for-next"),
        ("Added to for-next, thanks.\n", "for-next"),
        ("Thanks, added to misc-next.\n", "misc-next"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert (notice.tree, notice.numbers) == (tree, ()), body
    for body in ("Added to cc.\n", "Added to the list, thanks.\n", "Added to for-next?\n"):
        assert applied_notice(body) is None, body


KALLE = """\
Jane Doe <jane@example.org> wrote:

> Do a thing.
>
> Signed-off-by: Jane Doe <jane@example.org>

{head}

{listing}

-- \nhttps://patchwork.kernel.org/project/linux-wireless/patch/p1@x/
"""


def test_a_pwcli_listing_names_each_applied_patch_by_title() -> None:
    listing = "\n".join(f"{i}123456789ab {title}" for i, title in enumerate(TITLES, 1))
    three = KALLE.format(head="3 patches applied to ath-next branch of ath.git, thanks.",
                         listing=listing)  # fmt: skip
    ath_next = "ath.git (ath-next)"
    assert _applied(three, answers=1) == dict.fromkeys(["p1@x", "p2@x", "p3@x"], ath_next)
    one = KALLE.format(head="Patch applied to ath-next branch of ath.git, thanks.",
                       listing=f"0123456789ab {TITLES[1]}")  # fmt: skip
    messages = _series(TITLES, one, "Kalle Valo <kvalo@kernel.org>", answers=2)
    [found] = acceptance_of(group_series(messages), messages).values()
    assert [(a.tree, a.commit) for a in found.applied.values()] == [(ath_next, "0123456789ab")]


def test_hashes_and_titles_that_list_no_applied_patch_are_no_listing() -> None:
    # a maintainer's pasted log under no notice, and the commits a fix depends on
    log = "Looks fine, but it conflicts with these:\n\n0123456789ab crypto: foo - add helper\n"
    assert applied_notice(log) is None
    deps = f'Patch applied to wireless.git, thanks.\n\n0123456789ab ("{TITLES[0]}")\n'
    # a hash and a title under another notice line: what it went on top of
    above = f"Applied to for-next, thanks.\n\n0123456789ab {TITLES[0]}\n"
    for body in (deps, above):
        notice = applied_notice(body)
        assert notice is not None
        assert notice.listed == (), body


WILL = """\
On Tue, 19 May 2020 15:10:37 +0530, Jane Doe wrote:
> This series adds foo.
>
> [...]

Applied to arm64 (for-next/foo), thanks!

[1/3] crypto: foo - add helper
      https://git.kernel.org/arm64/c/2a5bc6c47bc3
[2/3] crypto: foo - use helper
      (no commit info)
[3/3] crypto: foo - drop old path
      https://git.kernel.org/arm64/c/858b8a8039d0

Note that Suzuki had comments on 2, so assume you'll respin that one.
"""


def test_a_b4_entry_without_commit_info_is_not_credited_beside_found_commits() -> None:
    # b4 ty lists every patch of the series and says "(no commit info)" of those it did not
    # find in the branch: beside found ones, those are the patches left out
    assert sorted(_applied(WILL)) == ["p1@x", "p3@x"]
    # none found: the notice line is all there is, and under the cover it names the series
    nothing = WILL.replace("https://git.kernel.org/arm64/c/2a5bc6c47bc3", "(no commit info)")
    nothing = nothing.replace("https://git.kernel.org/arm64/c/858b8a8039d0", "(no commit info)")
    assert sorted(_applied(nothing)) == ["p1@x", "p2@x", "p3@x"]


def test_a_patch_applied_by_mistake_and_reverted_is_no_acceptance() -> None:
    undone = [
        "Reverted, sorry. Applied by mistake.\n",
        "Oops, applied this by mistake, dropped again.\n",
        "Sorry, I accidentally applied this to for-next; it is gone again.\n",
    ]
    for body in undone:
        assert _applied(body, answers=1) == {}, body
    assert _applied("Applied to for-next, thanks.\n", answers=1) == {"p1@x": "for-next"}


def test_thanks_for_the_patch_before_the_verb_is_a_notice() -> None:
    # how drm committers (and many maintainers) word it: thanks for what, then the verb
    for body, tree in [
        ("Thanks for the patch, applied.\n", None),
        ("Thanks for the fix, applied to for-next.\n", "for-next"),
        ("Thanks for the patches, pushed to drm-misc-next.\n", "drm-misc-next"),
        ("Thanks for the review, pushed to drm-intel-next.\n", "drm-intel-next"),
        ("Thanks for the patch and review, merged to drm-intel-next.\n", "drm-intel-next"),
        ("Thanks for the patch and reviews, pushed to drm-xe-next.\n", "drm-xe-next"),
        ("Thanks a lot, applied to drm-misc-next.\n", "drm-misc-next"),
        ("Thanks everyone, pushed to drm-misc-next.\n", "drm-misc-next"),
        ("Thanks for the patches, queued.\n", None),
        ("Thanks for the reviews, pushed the series to drm-intel-next.\n", "drm-intel-next"),
        ("And pushed to drm-intel-next, thanks.\n", "drm-intel-next"),
        ("Applied and pushed to drm-misc-next.\n", "drm-misc-next"),
        ("Applied and pushed to -next. Thanks Jane for reporting it.\n", "-next"),
        ("The patchset is pushed to drm-intel-next, thanks for the reviews.\n", "drm-intel-next"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body


def test_thanks_for_the_patch_before_no_acceptance_is_no_notice() -> None:
    for body in [
        "Thanks for the patch, applied? no, it does not build here.\n",
        "Thanks for the patch, I'll apply it once the fix is in.\n",
        "Thanks for the patch, applying it fails on drm-tip.\n",
        "Thanks for the review, pushed v2 with the fixes.\n",  # the author's own new version
        "Thanks for the review, pushed a v3 to my branch.\n",
        "thanks for the patch, merged into my local tree for testing\n",
        "Thanks for the review, applied your suggestions.\n",
        "Thanks for the patch, applied locally and it works.\n",
        "Thanks for the review, applied all of them.\n",  # the reviewer's suggestions
        "Thanks for the review, applied to v2.\n",
        "Thanks for the fix, merged it into the next version.\n",
        "It is merged already.\n",
        "The series is merged in v6.12-rc1.\n",
        "Thanks for the patch.\n\n> Applied to drm-misc-next.\n",
    ]:
        assert applied_notice(body) is None, body


def test_a_branch_in_parentheses_is_read_with_or_without_thanks() -> None:
    for body in [
        "Applied to misc/kernel.git (drm-misc-fixes).\n",
        "Applied to misc/kernel.git (drm-misc-fixes), thanks!\n",
        "Series applied to misc/kernel.git (drm-misc-fixes).\n",
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == "misc/kernel.git (drm-misc-fixes)", body
    # a release in parentheses is no branch; a parenthesis that is none ends the clause
    for body in ("Series applied to for-next (v6.14).\n", "Applied to for-next (v6.14), thanks!\n"):
        notice = applied_notice(body)
        assert notice is not None and notice.tree == "for-next", body
    notice = applied_notice("Applied to scsi (6.14/scsi-fixes), thanks!\n")
    assert notice is not None and notice.tree == "scsi (6.14/scsi-fixes)"

    notice = applied_notice("Applied (thanks to a fix in foo/bar by Jane).\n")
    assert notice is not None and notice.tree is None


def _author_applied(body: str) -> dict[str, str | None]:
    """Which patches a reply by the series' own author credits (Message-ID -> tree)."""
    messages = _series(TITLES, body, JANE)
    found = acceptance_of(group_series(messages), messages)
    return {pid: a.tree for one in found.values() for pid, a in one.applied.items()}


def test_an_author_taking_a_review_is_no_notice() -> None:
    # an author answers a review: the changes went into their own branch or next version
    for body in [
        "Thanks for the review, pushed to my tree.\n",
        "Thanks for the fix, applied. It will be part of v3.\n",
        "Thanks for the patch, applied and squashed into patch 2.\n",
        "Thanks for the review, pushed to github.\n",
        "Thanks for the review, applied to all patches.\n",
        "Thanks for the review, applied to both patches.\n",
        "Thanks for the review, applied to my local branch.\n",
        "Thanks for the review, merged into my working branch.\n",
        "Thanks for the review, applied and pushed to my fork.\n",
        "Thanks for the review, applied to the v3.\n",
        "thanks for the fix, merged it into my v3.\n",
        "Thanks for the review, applied the changes to my tree.\n",
        "Thanks for the review, pushed to my kernel.org tree for 0-day.\n",
        "Thanks for the fix, merged into patch 3.\n",
        "Thanks for the fix, applied to patch 3.\n",
        "Thanks for the fix, merged into 3/5.\n",
        "Thanks for the fix, merged into the original patch.\n",
        "Thanks for these fixes, merged into the series.\n",
        "Thanks for the patch, applied, will be in v3.\n",
        "Thanks for the patch, applied. Will send v3 soon.\n",
        "Thanks for the fix, applied, I'll respin.\n",
        "Thanks for the patch, applied to my branch, I'll send v2 soon.\n",
    ]:
        assert _applied(body) == {}, body
        assert _author_applied(body) == {}, body


def test_a_testers_report_is_no_notice() -> None:
    for body in [
        "Thanks for the patch, applied and it fixes the crash for me.\n",
        "Thanks for the fix, merged it into my local tree and the warning is gone.\n",
        "Thanks for the patch, applied it on my board, works fine.\n",
        "Thanks for the patch, applied on my setup and the issue is gone.\n",
        "Thanks for the fix, applied to our downstream kernel.\n",
        "Thanks for the fix, applied to our internal tree.\n",
        "Thanks for the fix, applied to the Android tree.\n",
        "Thanks for the fix, applied to my CI branch.\n",
        "Thanks for the fix, picked it up into our CI.\n",
        "Thanks for the patch, applied to the openSUSE kernel.\n",
        "Thanks for the fix, pushed to QEMU CI.\n",
        "Thanks for the patch, queued in our CI.\n",
        "Thanks for the patch, applied here.\n",
        "Thanks for the patch, applied, no more splats.\n",
        "Thanks for the patch, applied; the splat is gone.\n",
        "Thanks for the fix, applied, works for me.\n",
        "Thanks for the fix, applied. Works for me.\n",
        "Thanks for the fix, applied. Tested-by: Joe <j@x>\n",
        "Thanks for the fix, merged. Now it compiles.\n",
        "Thanks for the patch, applied it, and the problem went away.\n",
        "Thanks for the patch, applied and the machine boots again.\n",
    ]:
        assert applied_notice(body) is None, body


def test_an_author_applying_their_own_patch_names_the_tree() -> None:
    assert _author_applied("Applied to kvmarm/next, thanks.\n") == dict.fromkeys(
        ["p1@x", "p2@x", "p3@x"], "kvmarm/next"
    )
    assert _author_applied("Thanks for the reviews, pushed to drm-misc-next.\n") == dict.fromkeys(
        ["p1@x", "p2@x", "p3@x"], "drm-misc-next"
    )
    assert _author_applied("Thanks for the fix, applied.\n") == {}
    # a maintainer's notice without a tree still counts
    assert _applied("Thanks for the patch, applied.\n") == dict.fromkeys(
        ["p1@x", "p2@x", "p3@x"], None
    )


def test_more_thanks_before_the_verb_still_read() -> None:
    for body, tree in [
        ("Thanks for the patch - applied.\n", None),
        ("Thanks for the v2, applied.\n", None),
        ("Thanks for the patch. It's applied to for-next.\n", "for-next"),
        ("Thanks for the patch & review, pushed to drm-misc-next.\n", "drm-misc-next"),
        ("Thanks for the patch + review, pushed to drm-misc-next.\n", "drm-misc-next"),
        ("Applied and squashed into drm-misc-next, thanks.\n", "drm-misc-next"),
        ("Applied to my kvm-ppc-next branch, thanks.\n", "kvm-ppc-next"),
        ("Thanks for the fix, queued for v6.14.\n", None),  # a release, not a tree
        ("Thanks for the patch, applied to v6.14-rc-fixes.\n", "v6.14-rc-fixes"),
        ("Thanks for the review, pushed to drm-misc-next.\n", "drm-misc-next"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body


def test_an_authors_own_notice_without_thanks_for_still_counts() -> None:
    # a maintainer applying a series they posted often names no tree: "I finally merged this."
    assert _author_applied("I finally merged this.\n") == dict.fromkeys(
        ["p1@x", "p2@x", "p3@x"], None
    )
    assert _author_applied("All applied, squashed and pushed out.\n") != {}
    assert _applied("I've applied this to target-arm.next and fixed the indent there.\n") == (
        dict.fromkeys(["p1@x", "p2@x", "p3@x"], "target-arm.next")
    )


COMMITTED = [  # buildroot's committers, and other projects' that commit what they take
    ("Committed, thanks.\n", None),
    ("Committed to 2025.02.x, thanks.\n", "2025.02.x"),
    ("Committed to master, thanks.\n", "master"),
    ("Thanks, committed.\n", None),
    ("Series committed, thanks.\n", None),
    ("Both patches have been committed to next.\n", "next"),
    ("I've committed this to 2025.08.x.\n", "2025.08.x"),
    ("Committed patches 1-2, thanks.\n", None),
    ("That worked, now committed, thanks!\n", None),
]
NOT_COMMITTED = [
    "I committed a fix for this in my tree yesterday.\n",
    "I committed this locally and the board boots again.\n",
    "Committed this series and verified that the build works.\n",
    "We are committed to supporting this board for another year.\n",
    "Bugger, sorry, committed this in the wrong tree and got the wrong address on it.\n",
    "Has this been committed anywhere yet?\n",
    "Committed, but reverted again as it broke the build.\n",
    "Committed a different fix instead.\n",
    "Thanks for the review, now committed for v3.\n",
]


def test_committed_is_read_as_applied_is() -> None:
    for body, tree in COMMITTED:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body
    for body in NOT_COMMITTED:
        assert applied_notice(body) is None, body
    assert _applied("Committed patches 1-2, thanks.\n") == {"p1@x": None, "p2@x": None}


def test_a_committers_thanks_under_a_buildroot_patch_applies_it() -> None:
    quoted = '>>>>> "Bernd" == Bernd Kuhls <bernd@kuhls.net> writes:\n\n > Bump.\n\n'
    body = quoted + "Committed, thanks.\n\n-- \nBye, Peter Korsgaard\n"
    assert _applied(body, answers=2) == {"p2@x": None}
    assert _applied("> Reworked after review.\n\nCommitted to 2025.02.x, thanks.\n") == {
        f"p{i}@x": "2025.02.x" for i in (1, 2, 3)
    }


TESTERS = [  # where a tester or reviewer applied a patch, and what they found
    "Applied to next-20250106, this patch causes a build failure:\n\n  CC drivers/x.o\n",
    "I applied this to next-20250106 and it fails to build:\n\n  CC drivers/x.o\n",
    "Applied to linux-next, I get the following warning:\n\n  WARNING: x\n",
    "I applied it to net-next and ran the selftests; no regressions.\n",
    "Applied to 6.12.y, the issue is still there.\n",
    "Applied to my rk3588 tree, no regressions seen.\n",
    "I applied this series to mainline and ran kselftests, all pass.\n",
    "Applied to for-next, but then dropped again because of a build failure.\n",
]
MAINTAINERS = [  # the same trees and words, in a maintainer's notice
    ("Applied to linux-next, thanks.\n", "linux-next"),
    ("I applied it to net-next, thanks.\n", "net-next"),
    ("Applied to 6.12.y, thanks.\n", "6.12.y"),
    ("Applied to my kvm-ppc-next branch, thanks.\n", "kvm-ppc-next"),
    ("Applied to for-next, with the build failure on arm fixed.\n", "for-next"),
    ("Applied to for-next, this fixes the warning Stephen reported.\n", "for-next"),
    ("Applied to pci/next, but without patch 3, which breaks the build.\n", "pci/next"),
]


def test_where_a_tester_applied_a_patch_is_no_notice() -> None:
    for body in TESTERS:
        assert applied_notice(body) is None, body
        assert _applied(body) == {}, body
    for body, tree in MAINTAINERS:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body


def test_somebody_elses_acceptance_reported_is_no_notice() -> None:
    for body in [
        "This has already been applied to net-next by Jakub, no need to resend.\n",
        "This has been applied to the spi tree already, see commit 0123456789ab.\n",
        "Patch 2 has been applied by Will, please drop it from v3.\n",
    ]:
        assert applied_notice(body) is None, body
    for body, tree in [
        ("Both patches have been applied to bluetooth-next.\n", "bluetooth-next"),
        ("This has been applied to the spi tree, thanks.\n", "spi"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body


def test_a_branch_pushed_out_for_others_is_no_notice() -> None:
    maz = (
        "I've now pushed out this branch[1], containing the three patches in\n"
        "isolation. Unless you tell me otherwise, I will push this into -next\n"
        "today, together with the rest of the KVM/arm64 queue.\n"
    )
    assert applied_notice(maz) is None
    assert _applied(maz) == {}
    notice = applied_notice("I've now pushed this out to kvmarm/next.\n")
    assert notice is not None and notice.tree == "kvmarm/next"


def test_a_tree_named_testing_is_a_tree() -> None:
    for body, tree in [
        ("Series applied to the testing branch of iio.git.\n", "iio.git (testing)"),
        ("Applied to usb-testing\n", "usb-testing"),
        ("Queued in for-next-testing.\n", "for-next-testing"),
        ("Thanks, applied to test-next.\n", "test-next"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body
    for body in [
        "Applied to for-next for more testing, will report back.\n",
        "Thanks, applied and tested on my board.\n",
        "I applied this to usb-next and am testing it now.\n",
    ]:
        assert applied_notice(body) is None, body


def test_a_change_made_on_the_way_is_still_a_notice() -> None:
    for body in [
        "Applied with a small tweak to the commit message.\n",
        "Applied with the typo fixed in the commit message.\n",
        "Applied with minor fixups.\n",
        "Applied with a couple of fixups, thanks.\n",
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree is None, body
    for body in [
        "Thanks for the fix, applied to the commit and pushed to my branch.\n",
        "Applied the fixup to patch 3.\n",
        "Thanks, I applied your fixup.\n",
    ]:
        assert applied_notice(body) is None, body


def test_an_authors_plain_thanks_to_a_reviewer_is_no_acceptance() -> None:
    for body in [
        "Applied, thanks.\n",
        "Picked up, thanks!\n",
        "Merged, thanks!\n",
        "Thanks, applied.\n",
        "Picked up your Reviewed-by, thanks.\n",
    ]:
        assert _author_applied(body) == {}, body
        if "Reviewed-by" not in body:  # from a maintainer, the same words accept
            assert _applied(body) == dict.fromkeys(["p1@x", "p2@x", "p3@x"], None), body
    # the author applying their own series names the tree, or does not thank
    assert _author_applied("Applied to kvmarm/fixes, thanks.\n") == dict.fromkeys(
        ["p1@x", "p2@x", "p3@x"], "kvmarm/fixes"
    )
    assert _author_applied("I finally merged this.\n") != {}


def test_a_reviewers_tag_picked_up_is_no_notice() -> None:
    for body in [
        "Picked up your Reviewed-by, thanks.\n",
        "Thanks, picked up Rob's Acked-by.\n",
        "I've picked up the tags, thanks.\n",
        "Applied your Reviewed-by tag, thanks.\n",
    ]:
        assert applied_notice(body) is None, body
    notice = applied_notice("Picked up the series, thanks.\n")
    assert notice is not None


def test_a_result_in_a_later_sentence_leaves_the_notice() -> None:
    notice = applied_notice("Thanks, applied. I see patch 3 still needs a respin.\n")
    assert notice is not None
    assert applied_notice("Applied to linux-next, thanks, I get a warning with it.\n") is None


PATCHES_BY_POSITION = [
    ("Applied the first two to arm64 (for-next/misc), thanks! The third one needs a respin\n",
     {"p1@x": "arm64 (for-next/misc)", "p2@x": "arm64 (for-next/misc)"}),
    ("I've applied the first two patches, thanks.\n", {"p1@x": None, "p2@x": None}),
    ("Applied the first patch only to arm64 (for-next/rng), thanks!\n",
     {"p1@x": "arm64 (for-next/rng)"}),
    ("I have applied all but the last one to hid.git#for-6.14/foo, thanks.\n",
     {"p1@x": "hid.git (for-6.14/foo)", "p2@x": "hid.git (for-6.14/foo)"}),
    ("Applied all but the first one, thanks.\n", {"p2@x": None, "p3@x": None}),
    ("Applied all except the last one, thanks.\n", {"p1@x": None, "p2@x": None}),
    ("Applied everything except the last patch to for-next, thanks.\n",
     {"p1@x": "for-next", "p2@x": "for-next"}),
    ("Applied the series except for the last patch, thanks.\n", {"p1@x": None, "p2@x": None}),
    ("Applied all except the first, thanks.\n", {"p2@x": None, "p3@x": None}),
    ("Applied everything apart from the last two, thanks.\n", {"p1@x": None}),
    ("I've applied the last patch to dma-mapping-for-next branch.\n",
     {"p3@x": "dma-mapping-for-next"}),
    ("Applied [1/3] and [3/3], thanks. [2/3] needs more work.\n", {"p1@x": None, "p3@x": None}),
    ("Applied [1/3] and [3/3] to for-next, thanks.\n", {"p1@x": "for-next", "p3@x": "for-next"}),
    ("Applied [1/3], [3/3] to for-next, thanks.\n", {"p1@x": "for-next", "p3@x": "for-next"}),
    ("Applied 1/3 and 2/3\n", {"p1@x": None, "p2@x": None}),
    ("Applied patch 1/3 to pm/linux-next\n", {"p1@x": "pm/linux-next"}),
    ("Patches [1-2/3] applied as 6.14 material, thanks!\n", {"p1@x": None, "p2@x": None}),
]  # fmt: skip


@pytest.mark.parametrize(("body", "applied"), PATCHES_BY_POSITION)
def test_patches_named_by_position_are_the_ones_applied(
    body: str, applied: dict[str, str | None]
) -> None:
    assert _applied(body) == applied


SOME_UNNAMED = [
    "Applied, thanks. The rest needs more work.\n",
    "Applied the first patches, thanks.\n",
    "Applied, thanks. The rest of the series needs a respin.\n",
]


@pytest.mark.parametrize("body", SOME_UNNAMED)
def test_a_partial_apply_it_cannot_read_credits_only_the_patch_answered(body: str) -> None:
    assert _applied(body) == {}
    assert _applied(body, answers=2) == {"p2@x": None}


@pytest.mark.parametrize(
    "body",
    [
        "Applied, thanks!\n",
        "Applied, should be able to send the PR tomorrow with the rest of\nmy changes.\n",
        "Applied to for-next first, thanks.\n",
        "Applied to for-6.14/3, thanks.\n",
    ],
)
def test_a_notice_of_no_position_still_credits_the_whole_series(body: str) -> None:
    assert set(_applied(body)) == {"p1@x", "p2@x", "p3@x"}


@pytest.mark.parametrize(
    ("body", "tree"),
    [
        ("Taken, thanks!\n", None),
        ("Thanks, taken.\n", None),
        ("Taken into for-next, thanks.\n", "for-next"),
        ("Thanks, I've taken this into tty-next.\n", "tty-next"),
        ("FWIW, I have now taken this in kvmarm/next. A stable branch is\navailable.\n",
         "kvmarm/next"),
        ("All patches in the series applied as 6.14 material, thanks!\n", None),
    ],
)  # fmt: skip
def test_taken_and_all_patches_in_the_series_are_notices(body: str, tree: str | None) -> None:
    assert _applied(body) == {"p1@x": tree, "p2@x": tree, "p3@x": tree}


@pytest.mark.parametrize(
    "body",
    [
        "Taken care of, thanks.\n",
        "Thanks, I've taken this approach.\n",
        "I've taken a look, thanks.\n",
        "I've taken the liberty to pick it up and do the changes I wanted to see.\n",
        "Taken on top of for-next, thanks.\n",
        "> Taken, thanks!\n\nWhy not for-next?\n",
    ],
)
def test_taken_in_other_senses_is_no_notice(body: str) -> None:
    assert applied_notice(body) is None


@pytest.mark.parametrize(
    ("body", "tree"),
    [
        ("Applied to hid.git#for-6.14/logitech. Thanks,\n", "hid.git (for-6.14/logitech)"),
        ("Applied to hid.git (for-6.14/logitech), thanks.\n", "hid.git (for-6.14/logitech)"),
        ("Applied to https://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git"
         " (for-6.14/core), thanks!\n\n[1/1] HID: foo\n"
         "      https://git.kernel.org/hid/hid/c/0123456789ab\n", "hid/hid.git (for-6.14/core)"),
        ("Queued to https://gitlab.com/rhdrjones/kvm-unit-tests/-/commits/arm/queue, thanks.\n",
         "https://gitlab.com/rhdrjones/kvm-unit-tests/-/commits/arm/queue"),
        # the repository's URL and its branch, as Mark Brown's notice writes them on a line
        ("Applied to git://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git for-6.14/core\n",
         "hid/hid.git (for-6.14/core)"),
        ("Merged to https://gitlab.com/kvm-unit-tests/kvm-unit-tests.git master\n\nThanks,\n",
         "https://gitlab.com/kvm-unit-tests/kvm-unit-tests.git (master)"),
        ("Thanks, applied to https://git.kernel.org/pub/scm/virt/kvm/kvm.git queue.\n",
         "https://git.kernel.org/pub/scm/virt/kvm/kvm.git (queue)"),
    ],
)  # fmt: skip
def test_a_tree_is_written_as_a_repository_and_its_branch(body: str, tree: str) -> None:
    notice = applied_notice(body)
    assert notice is not None
    assert notice.tree == tree


@pytest.mark.parametrize(
    "body",
    [
        "Applied to https://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git and pushed.\n",
        "Applied to https://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git for 6.14.\n",
        "Applied to https://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git now, thanks.\n",
    ],
)
def test_a_word_after_a_repositorys_url_is_no_branch(body: str) -> None:
    notice = applied_notice(body)
    assert notice is not None
    assert notice.tree == "hid/hid.git"


BROONIE_OLD = """On Mon, 06 Jan 2025 10:00:00 +0000, Jane Doe wrote:
> The series adds foo.

The patch

   ASoC: foo: Fix bar

has been applied to the asoc tree at

   https://git.kernel.org/pub/scm/linux/kernel/git/broonie/sound.git for-5.8

All being well this means that it will be integrated into the linux-next
tree (usually sometime in the next 24 hours) and sent to Linus during
the next merge window (or sooner if it is a bug fix).
"""


def test_mark_browns_notice_before_b4_names_the_repository_and_branch() -> None:
    assert _applied(BROONIE_OLD, answers=1) == {"p1@x": "broonie/sound.git (for-5.8)"}
    plural = BROONIE_OLD.replace("The patch\n", "The patches\n").replace("has been", "have been")
    notice = applied_notice(plural)
    assert notice is not None
    assert notice.tree == "broonie/sound.git (for-5.8)"


def test_a_tree_at_line_without_the_patch_above_is_no_notice() -> None:
    body = BROONIE_OLD.replace("The patch\n", "The fix\n")
    assert applied_notice(body) is None


def test_merged_already_reports_an_earlier_acceptance() -> None:
    # "merged ... already": the patch got in before this mail, by whoever merged it; a
    # maintainer's own "queued ... already" (Paolo Bonzini on kvmarm) stays a notice
    for body in [
        "Merged for 6.13 already, see commit 0123456789ab.\n",
        "Already merged, see commit 0123456789ab in mainline.\n",
        "Merged already, thanks.\n",
    ]:
        assert applied_notice(body) is None, body
        assert _applied(body) == {}, body
    for body in [
        "Queued this one already, thanks.\n",
        "I've already merged this into kvmarm/next, thanks.\n",
    ]:
        assert applied_notice(body) is not None, body


def test_applied_for_testing_is_a_testers_report() -> None:
    for body in [
        "Applied for testing, thanks! Will report back.\n",
        "Thanks, applied for some testing.\n",
    ]:
        assert applied_notice(body) is None, body
        assert _applied(body) == {}, body
    for body, tree in [
        ("Applied to the testing branch of iio.git, thanks.\n", "iio.git (testing)"),
        ("Thanks, applied to for-next/testing.\n", "for-next/testing"),
    ]:
        notice = applied_notice(body)
        assert notice is not None, body
        assert notice.tree == tree, body


@pytest.mark.parametrize(
    ("body", "tree"),
    [
        ("Applied for v6.14, thanks\n", None),
        ("Queued for 6.14, thanks.\n", None),
        ("Picked up for 6.14-rc3.\n", None),
        ("Applied for v6.14 to kvmarm/next, thanks.\n", "kvmarm/next"),
        ("Applied to 6.12.y, thanks.\n", "6.12.y"),
        ("Applied to for-6.14, thanks.\n", "for-6.14"),
    ],
)
def test_a_release_is_when_not_which_tree(body: str, tree: str | None) -> None:
    notice = applied_notice(body)
    assert notice is not None, body
    assert notice.tree == tree, body


def test_testing_after_the_notices_sentence_leaves_it() -> None:
    # Paolo Bonzini on kvmarm
    body = "Queued, thanks.  I will leave this in kvm/queue after testing everything\n"
    notice = applied_notice(body)
    assert notice is not None and notice.tree == "kvm/queue"


@pytest.mark.parametrize(
    "body",
    [
        "Committed as 0123456789ab, thanks.\n",
        "Applied as 0123456789ab, thanks.\n",
        "Thanks, applied to for-next as commit 0123456789ab.\n",
        "Pushed as 0123456789abcdef0123456789abcdef01234567, thanks!\n",
    ],
)
def test_a_notice_naming_its_commit_records_it_for_the_patch_it_answers(body: str) -> None:
    notice = applied_notice(body)
    assert notice is not None
    assert notice.commit is not None and "0123456789ab".startswith(notice.commit[:12])
    messages = _series(TITLES, body, "Maintainer <maint@kernel.org>", answers=2)
    [found] = acceptance_of(group_series(messages), messages).values()
    assert [(p, a.commit) for p, a in found.applied.items()] == [("p2@x", notice.commit)]


def test_one_commit_named_under_a_cover_letter_still_credits_the_series() -> None:
    # one commit cannot be every patch's: the series is credited as by any classic notice
    found = _series(TITLES, "Applied as 0123456789ab, thanks.\n", "Maint <m@kernel.org>")
    [one] = acceptance_of(group_series(found), found).values()
    assert {p: a.commit for p, a in one.applied.items()} == dict.fromkeys(["p1@x", "p2@x", "p3@x"])
