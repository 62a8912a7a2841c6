"""Commit notices: the mail a repository's hook sends per pushed commit (buildroot's
``[git commit]``, git-multimail's, a log-format hook's) says a patch landed; it posts none."""

from __future__ import annotations

import pytest

import kvmlist
from kvmlist import Patch, parse_message
from kvmlist.grouping.acceptance import acceptance_of

from .conftest import mail

SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
PICKED = "1a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
TITLE = "package/foo: bump version to 1.2.3"
BERND = "Bernd Kuhls <bernd@kuhls.net>"
PETER = "Peter Korsgaard <peter@korsgaard.com>"
THOMAS = "Thomas Perale <thomas.perale@mind.be>"
LIST = "List-Id: <buildroot.buildroot.org>\n"

DIFF = """---
 package/foo/foo.hash | 2 +-
 package/foo/foo.mk   | 2 +-
 2 files changed, 2 insertions(+), 2 deletions(-)

diff --git a/package/foo/foo.mk b/package/foo/foo.mk
index 1111111..2222222 100644
--- a/package/foo/foo.mk
+++ b/package/foo/foo.mk
@@ -4,7 +4,7 @@
 #
 ################################################################################
 #
-FOO_VERSION = 1.2.2
+FOO_VERSION = 1.2.3
 FOO_SITE = https://foo.org/releases
 FOO_LICENSE = GPL-2.0+
 FOO_LICENSE_FILES = COPYING
"""

MESSAGE = """Release notes: https://foo.org/news/1.2.3

Signed-off-by: Bernd Kuhls <bernd@kuhls.net>
"""

# buildroot's post-receive hook: a mail per pushed commit, from the committer
BUILDROOT = f"""commit: https://git.buildroot.net/buildroot/commit/?id={SHA}
branch: https://git.buildroot.net/buildroot/commit/?id=refs/heads/master

{MESSAGE}Signed-off-by: Peter Korsgaard <peter@korsgaard.com>
{DIFF}"""

# the same commit cherry-picked to a stable branch
BUILDROOT_BRANCH = f"""commit: https://git.buildroot.net/buildroot/commit/?id={PICKED}
branch: https://git.buildroot.net/buildroot/commit/?id=refs/heads/2025.02.x

{MESSAGE}Signed-off-by: Peter Korsgaard <peter@korsgaard.com>
(cherry picked from commit {SHA})
Signed-off-by: Thomas Perale <thomas.perale@mind.be>
{DIFF}"""

# git-multimail (git's contrib/hooks/multimail): the preamble, then git log's format
MULTIMAIL = f"""This is an automated email from the git hooks/post-receive script.

Peter Korsgaard pushed a commit to branch master
in repository buildroot.

commit {SHA}
Author: Bernd Kuhls <bernd@kuhls.net>
AuthorDate: Mon Dec 1 08:00:00 2025 +0000

    {TITLE}

    Release notes: https://foo.org/news/1.2.3

    Signed-off-by: Bernd Kuhls <bernd@kuhls.net>
{DIFF}"""

# xen's and the sourceware hooks: git log --format=fuller (a link to the commit above it)
LOG_FORMAT = f"""https://git.example.org/buildroot.git/commit/?id={SHA}

commit {SHA}
Author:     Bernd Kuhls <bernd@kuhls.net>
AuthorDate: Mon Dec 1 08:00:00 2025 +0000
Commit:     Peter Korsgaard <peter@korsgaard.com>
CommitDate: Wed Dec 3 08:00:05 2025 +0000

    {TITLE}

    Release notes: https://foo.org/news/1.2.3

    Signed-off-by: Bernd Kuhls <bernd@kuhls.net>
{DIFF}"""

NOTICES = {
    "buildroot": (f"[Buildroot] [git commit] {TITLE}", BUILDROOT, PETER),
    "buildroot-branch": (
        f"[Buildroot] [git commit branch/2025.02.x] {TITLE}",
        BUILDROOT_BRANCH,
        THOMAS,
    ),
    "buildroot-untagged-list": (f"[git commit] {TITLE}", BUILDROOT, PETER),
    "buildroot-numbered": (f"[Buildroot] [git commit master 1/1] {TITLE}", BUILDROOT, PETER),
    "multimail": (f"[buildroot] 01/01: {TITLE}", MULTIMAIL, PETER),
    "log-format": (f"[buildroot master] {TITLE}", LOG_FORMAT, "Patchbot <patchbot@example.org>"),
}


def _notice(case: str, *, extra: str = "", date: str = "Wed, 3 Dec 2025 08:00:05 +0000") -> bytes:
    subject, body, sender = NOTICES[case]
    return mail(
        subject, body, sender=sender, message_id=f"<{case}@x>", date=date, extra=LIST + extra
    )


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_commit_notice_is_no_posting(case: str) -> None:
    found = parse_message(_notice(case))
    assert found.kind == "robot" and not isinstance(found, Patch) and found.has_diff
    assert not kvmlist.count_by_author([found]) and not kvmlist.group_series([found])


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_commit_notice_threaded_under_the_patch_stays_a_reply(case: str) -> None:
    thread = "In-Reply-To: <p@x>\nReferences: <p@x>\n"
    assert parse_message(_notice(case, extra=thread)).kind == "reply"


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_commit_text_under_a_posting_subject_is_still_a_patch(case: str) -> None:
    _, body, sender = NOTICES[case]
    for subject in (f"[PATCH] {TITLE}", f"[Buildroot] [PATCH 1/1] {TITLE}"):
        patch = parse_message(mail(subject, body, sender=sender, extra=LIST))
        assert isinstance(patch, Patch) and patch.kind == "patch", subject


def test_a_commit_subject_over_a_patch_of_its_own_is_still_a_patch() -> None:
    patch = parse_message(mail(f"[Buildroot] [git commit] {TITLE}", MESSAGE + DIFF, sender=BERND))
    assert isinstance(patch, Patch) and patch.kind == "patch"


def test_git_show_output_mailed_without_a_tag_is_still_a_patch() -> None:
    body = LOG_FORMAT.partition("\n\n")[2]  # "commit <sha>", "Author: ...", the diff
    patch = parse_message(mail(TITLE, body, sender=BERND))
    assert isinstance(patch, Patch) and patch.kind == "patch"


def _postings(author: str = BERND) -> list[bytes]:
    """Bernd's v1 and v2 of the patch, v2 threaded under v1, as buildroot's list has them."""
    body = MESSAGE.replace("Bernd Kuhls <bernd@kuhls.net>", author) + DIFF
    v1 = mail(f"[Buildroot] [PATCH 1/1] {TITLE}", body, sender=author, message_id="<v1@x>",
              date="Mon, 1 Dec 2025 08:00:00 +0000", extra=LIST)  # fmt: skip
    v2 = mail(f"[Buildroot] [PATCH v2 1/1] {TITLE}", body, sender=author, message_id="<v2@x>",
              date="Tue, 2 Dec 2025 08:00:00 +0000",
              extra=LIST + "In-Reply-To: <v1@x>\nReferences: <v1@x>\n")  # fmt: skip
    return [v1, v2]


def _accepted(raws: list[bytes]) -> dict[str, kvmlist.grouping.acceptance.Acceptance]:
    messages = [parse_message(raw) for raw in raws]
    found = acceptance_of(kvmlist.group_series(messages), messages)
    return {pid: a for one in found.values() for pid, a in one.applied.items()}


THREADED = "In-Reply-To: <v2@x>\nReferences: <v1@x> <v2@x>\n"


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_commit_notice_answering_the_posting_applies_it(case: str) -> None:
    [(patch_id, acceptance)] = _accepted([*_postings(), _notice(case, extra=THREADED)]).items()
    assert patch_id == "v2@x"
    assert acceptance.commit == (PICKED if case == "buildroot-branch" else SHA)


@pytest.mark.parametrize("case", sorted(NOTICES))
def test_a_commit_notice_threaded_to_nothing_applies_nothing(case: str) -> None:
    """Any address may send a hook's mail: unthreaded, it would name any author's posting."""
    assert _accepted([*_postings(), _notice(case)]) == {}


def test_a_strangers_unthreaded_commit_notice_applies_nobodys_patch() -> None:
    """Red team H's forgery: a git log head naming Jane's patch, from Mallory."""
    forged = mail(f"[Buildroot] [git commit] {TITLE}", LOG_FORMAT.partition("\n\n")[2],
                  sender="Mallory <mallory@evil.example>", message_id="<hook@evil>",
                  date="Wed, 3 Dec 2025 08:00:05 +0000", extra=LIST)  # fmt: skip
    assert parse_message(forged).kind == "robot"
    assert _accepted([*_postings(), forged]) == {}


def test_a_buildroot_commit_notice_names_branch_and_committer() -> None:
    [acceptance] = _accepted([*_postings(), _notice("buildroot", extra=THREADED)]).values()
    assert acceptance.tree == "buildroot/master" and acceptance.commit == SHA
    assert acceptance.applied_by == kvmlist.Person(
        name="Peter Korsgaard", email="peter@korsgaard.com"
    )


def test_the_first_commit_of_a_patch_wins_over_its_cherry_pick() -> None:
    picked = _notice("buildroot-branch", date="Thu, 4 Dec 2025 08:00:05 +0000", extra=THREADED)
    master = _notice("buildroot", extra=THREADED)
    [acceptance] = _accepted([*_postings(), master, picked]).values()
    assert acceptance.tree == "buildroot/master"
    [alone] = _accepted([*_postings(), picked]).values()
    assert alone.tree == "buildroot/2025.02.x" and alone.commit == PICKED


def test_a_commit_notice_names_its_sender_as_who_applied_not_a_field() -> None:
    """Any address may send a hook's mail: its Commit: field is nobody's word."""
    [acceptance] = _accepted([*_postings(), _notice("log-format", extra=THREADED)]).values()
    assert acceptance.applied_by == kvmlist.Person(name="Patchbot", email="patchbot@example.org")


# git show's output, as a sender may post their own commit: git log's default head
GIT_SHOW = f"""commit {SHA}
Author: Bernd Kuhls <bernd@kuhls.net>
Date:   Mon Dec 1 08:00:00 2025 +0000

    {TITLE}

{MESSAGE}{DIFF}"""


@pytest.mark.parametrize(
    "subject",
    [f"[RFC] {TITLE}", f"[kvm-unit-tests] {TITLE}", f"[net-next] {TITLE}",
     f"[Buildroot] [RFC] {TITLE}", f"[RFC v2] {TITLE}", f"[RFC net-next] {TITLE}"],
)  # fmt: skip
def test_git_show_output_under_a_postings_tag_is_a_patch(subject: str) -> None:
    """Red team H: such a posting, taken for a hook's mail, hid from counts and checks while
    git am applies it. A git log head is a hook's only with a hook's tag (or link)."""
    patch = parse_message(mail(subject, GIT_SHOW, sender=BERND))
    assert isinstance(patch, Patch) and patch.kind == "patch"


def test_a_link_to_the_commit_does_not_make_an_rfc_a_hooks_mail() -> None:
    body = f"https://git.example.org/buildroot.git/commit/?id={SHA}\n\n{GIT_SHOW}"
    patch = parse_message(mail(f"[RFC] {TITLE}", body, sender=BERND))
    assert isinstance(patch, Patch) and patch.kind == "patch"


# the git log heads of real hooks: xen's patchbot (fuller, no link), sourceware's (a gitweb
# link to the commit, [repo] or [repo/branch]), gcc's (its g: link and r15-N-g<sha>)
FULLER = LOG_FORMAT.partition("\n\n")[2]
LOG_HOOKS = {
    "xen": (f"[xen staging] {TITLE}", FULLER),
    "xen-stable": (f"[xen stable-4.19] {TITLE}", FULLER),
    "git-commit": (f"[Buildroot] [git commit] {TITLE}", GIT_SHOW),
    "sourceware": (
        f"[binutils-gdb] {TITLE}",
        f"https://sourceware.org/git/gitweb.cgi?p=binutils-gdb.git;h={SHA}\n\n{GIT_SHOW}",
    ),
    "sourceware-branch": (
        f"[glibc/release/2.40/master] {TITLE}",
        f"https://sourceware.org/git/gitweb.cgi?p=glibc.git;h={SHA}\n\n{GIT_SHOW}",
    ),
    "gcc": (
        f"[gcc r15-1234] {TITLE}",
        f"https://gcc.gnu.org/g:{SHA}\n\n{GIT_SHOW.replace('commit ', 'commit r15-1234-g', 1)}",
    ),
}


@pytest.mark.parametrize("case", sorted(LOG_HOOKS))
def test_a_log_format_hooks_mail_is_no_posting(case: str) -> None:
    subject, body = LOG_HOOKS[case]
    found = parse_message(mail(subject, body, sender="Patchbot <patchbot@example.org>"))
    assert found.kind == "robot" and not isinstance(found, Patch), subject


def test_check_reports_a_robot_mail_that_carries_a_diff() -> None:
    # git am applies the diff of a "[git commit]" mail that kvmlist counts as no posting:
    # check names it, alike in one process and in slices; a robot's mail without one is quiet
    from kvmlist.analysis.check import check_messages, check_part

    notices = [parse_message(_notice(case)) for case in ("buildroot", "multimail")]
    quiet = parse_message(mail("[Buildroot] [git commit] x", "commit: no diff here\n"))
    whole = check_messages(3, [*notices, quiet])
    assert whole.kinds["robot"] == 2 + (quiet.kind == "robot")
    assert whole.defects["robot-with-diff"] == 2
    assert whole.examples["robot-with-diff"] == ["buildroot@x", "multimail@x"]
    assert check_part([*notices, quiet]).counts.defects == whole.defects
    assert "robot-with-diff" in whole.render()
    assert all(d.kind != "robot-with-diff" for n in notices for d in n.defects)
