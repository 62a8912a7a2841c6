"""What a mail carries, whatever its subject says: a diff, a pull request, a robot's report.

The subject grammar (kvmlist.parse.subject) says what a mail claims to be; these checks look at
the body, so that a ``[v5] title`` with a diff is a patch, a ``Please pull`` with the
request-pull text is a pull request, and ``[tree:branch 6/13] file.c: error`` is a build
robot's report, not patch 6 of 13. See docs/data-model.md, "Message kinds".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kvmlist.models import Person
from kvmlist.parse.body import diff_start
from kvmlist.parse.commit_notice import is_commit_notice
from kvmlist.parse.subject import SubjectInfo

# are available in the Git repository at:      (git request-pull; any case, "git" optional)
RE_PULL_AT = re.compile(
    r"^[ \t]*(?:and )?are available in the (?:git )?repository at:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
#   git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-6.3
RE_PULL_SOURCE = re.compile(
    r"[ \t]*(?P<url>(?:[a-z][a-z0-9+.-]{0,15}://|git@)\S+)(?:[ \t]+(?P<branch>\S+))?"
)
# [kvmarm:next 29/32] | [linus:master] | [tnguy-next-queue:dev-queue]   (a tree:branch token)
RE_TREE_BRANCH = re.compile(r"[\w.+-]{1,80}:[\w./+-]{1,80}")
#: Subject tags of bots that report on trees and patches.
ROBOT_TAGS = frozenset({"syzbot"})
#: How a report to maintainers opens its untagged subject, whatever diff it carries:
#: "linux-next: manual merge of the kvm tree with the tip tree" (a conflict's resolution,
#: ``diff --cc``), "linux-next: build failure after merge of the kvm-arm tree" (a fix applied
#: for the day), sent to each tree's list.
REPORT_OPENINGS = ("linux-next: ",)
#: Subject tags of an announcement (a release, a tree, a tool), whatever diff it carries:
#: "[ANNOUNCE] v6.13-rc2-rt1" (the -rt tree's, its delta patch appended), "[ANN] netdev-ci";
#: an untagged subject may open "ANNOUNCE: ".
ANNOUNCE_TAGS = frozenset({"announce", "ann"})
ANNOUNCE_OPENING = "announce: "
# The notices scripts and bots mail about a patch they took or could not take, the patch
# quoted, each as a subject (RE_BOT_NOTICE_SUBJECT) and the line its body opens with
# (RE_BOT_NOTICE_HEAD) that the machine writes; a group per notice, named alike in both:
#   Patch "KVM: arm64: Fix thing" has been added to the 6.6-stable tree   (Greg KH's and
#   patch "usb: Fix thing" added to usb-linus                            Sasha Levin's scripts)
#   FAILED: patch "[PATCH] KVM: arm64: Fix thing" failed to apply to 5.15-stable tree
#   [tip: x86/urgent] x86/sev: Fix thing                                  (tip-bot2)
#   + mm-fix-thing.patch added to mm-hotfixes-unstable branch           (Andrew Morton's
#   [merged mm-stable] mm-fix-thing.patch removed from -mm tree          -mm scripts)
#   ✗ Fi.CI.CHECKPATCH: warning for series starting with [v2,1/5] x   (freedesktop's
#   ✓ Xe.CI.BAT: success for drm/xe: x (rev3)                      patchwork CI: a verdict)
# each maybe after the tag a list puts in front of every subject ("[Intel-wired-lan] ")
RE_BOT_NOTICE_SUBJECT = re.compile(
    r"(?:\[[^\[\]\n]{1,80}\] )?"
    r'(?:(?P<added>[Pp]atch "[^\n]{1,500}" (?:has been )?(?:added to|removed from) )'
    r'|(?P<failed>FAILED: [Pp]atch "[^\n]{1,500}" failed to apply to )'
    r"|(?P<tip>\[tip: ?[\w./+-]{1,80}\] )"
    r"|(?P<mm>(?:[+-]|\[[\w -]{1,60}\]) [\w.+-]{1,200}\.patch (?:added to|removed from) )"
    r"|(?P<ci>[\u2713\u2717\u25cb] (?:\w{1,20}\.)?CI\.[\w.-]{1,40}: \w{1,20} for ))"
)
#: How the stable trees' script opens its note (Greg's and Sasha's): "... the patch titled".
STABLE_HEAD = "This is a note to let you know that I've just added the patch titled"
#: How the tip trees' bot (tip-bot2) opens its note.
TIP_HEAD = "The following commit has been merged into the "
# This is a note to let you know that I've just added the patch titled
# The patch below does not apply to the 5.15-stable tree.
# The following commit has been merged into the x86/urgent branch of tip:
# The patch titled   |   The quilt patch titled
# == Series Details ==
RE_BOT_NOTICE_HEAD = re.compile(
    rf"(?P<added>{re.escape(STABLE_HEAD).replace('added', '(?:added|removed)')}$)"
    r"|(?P<failed>The patch below does not apply to the [\w.+-]{1,40} tree\.$)"
    rf"|(?P<tip>{re.escape(TIP_HEAD)}\S{{1,80}} branch of [\w.+-]{{1,40}}:$)"
    r"|(?P<mm>The (?:quilt )?patch titled$)"
    r"|(?P<ci>== Series Details ==$)"
)
# How a bot's answer opens the text it writes under the mail it quotes: its template, whoever
# sends it (these bots mail from their owners' own addresses, which send human reviews too):
#   My bot found errors running 'make dt_binding_check' on your patch:     (Rob Herring's
#   My bot found new DTB warnings on the .dts files added or changed in this   DT bots)
#   This is the friendly patch-bot of Greg Kroah-Hartman.  You have sent him   (Greg KH's)
RE_BOT_REPLY_HEAD = re.compile(
    r"My bot found (?:errors running '[^'\n]{1,80}'|new DTB warnings on the )"
    r"|This is the (?:semi-)?friendly patch-bot of "
)
#: Bytes one of which a bot's answer (RE_BOT_REPLY_HEAD) holds: a cheap test before an
#: answer's body, otherwise left undecoded, is decoded to look for the template.
BOT_REPLY_MARKERS = (b"My bot found ", b"friendly patch-bot of ")
_BOT_REPLY_TEXTS = tuple(marker.decode() for marker in BOT_REPLY_MARKERS)
# Hi, | Hello Jane, | Dear all,   (a greeting line above a bot's template)
RE_GREETING = re.compile(r"(?:Hi|Hello|Hey|Dear)\b[^\n,]{0,40},[ \t]*")
#: The machines whose notices kvmlist reads by their template (these subjects and opening
#: lines; the heads of kvmlist.parse.notice and kvmlist.parse.pull_notice), and "commit":
#: any repository's hook that mails each pushed commit (kvmlist.parse.commit_notice).
NoticeBot = Literal["stable", "mm", "tip", "ci", "patchwork", "pr-tracker", "commit"]
#: The notice a subject and opening line (RE_BOT_NOTICE_SUBJECT's groups) belong to.
BOT_OF_NOTICE: dict[str, NoticeBot] = {
    "added": "stable",
    "failed": "stable",
    "tip": "tip",
    "mm": "mm",
    "ci": "ci",
}
#: Who sends each bot's notices, after DMARC un-munging (a notice says who applied a patch,
#: its tree and commit: only its bot may). From anybody else such a text is an ordinary
#: reply, which its own sender says. The stable trees' scripts (gregkh; sashal's, not on the
#: corpora, writes the same note), akpm's -mm scripts, tip-bot2 ("tip-bot2 for Jane Doe"),
#: kernel.org's pr-tracker-bot, freedesktop.org's patchwork (its CI's verdicts). A commit
#: hook mails from its pusher's address (or its project's), which anybody may write: no
#: sender is trusted with its unthreaded mail (a list of a project's pushers would go here);
#: threaded under the posting, it is a reply whose own sender says what they pushed.
NOTICE_SENDERS: dict[NoticeBot, frozenset[str]] = {
    "stable": frozenset({"gregkh@linuxfoundation.org", "sashal@kernel.org"}),
    "mm": frozenset({"akpm@linux-foundation.org"}),
    "tip": frozenset({"tip-bot2@linutronix.de"}),
    "ci": frozenset({"patchwork@emeril.freedesktop.org"}),
    "pr-tracker": frozenset({"pr-tracker-bot@kernel.org"}),
    "commit": frozenset(),
}
# patchwork-bot+netdevbpf@kernel.org | patchwork-bot+linux-riscv@kernel.org  (one a project)
RE_PATCHWORK_BOT = re.compile(r"patchwork-bot\+[\w.-]{1,80}@kernel\.org", re.IGNORECASE)
#: Lines looked at after "are available in the git repository at:" for the URL.
PULL_SOURCE_LINES = 4
#: Byte strings one of which a body holding a diff contains (a cheap test before decoding).
DIFF_MARKERS = (b"\ndiff -", b"\n--- ", b"\nIndex: ", b"GIT binary patch")
# content-transfer-encoding: base64   (a MIME part whose text, a diff maybe, is not visible
# raw; searched in the lower-cased mail, where its literal start lets the search skip ahead)
RE_BASE64_PART = re.compile(rb"content-transfer-encoding:[ \t]*\"?base64")
#: Bytes of a mail lower-cased and searched for a base64 part before the whole mail is.
BASE64_PART_HEAD = 16_384
# \ndiff --git a/x b/x  |  \n--- a/x  |  \nIndex: x   (the first three markers in one search)
RE_DIFF_MARKER = re.compile(rb"\n(?:diff -|--- |Index: )")


@dataclass(frozen=True, slots=True)
class PullSource:
    """Where a pull request's commits are: the repository URL and the branch or tag."""

    url: str
    branch: str | None


def pull_source(body: str, diff_at: int = -1) -> PullSource | None:
    """Return the repository and branch of a request-pull text in body (not quoted), or None.

    The text must come before the diff, as git request-pull writes it: a diff's context
    line is no request. ``diff_at``: a line where a diff starts (body.a_diff_line's), -1
    when none does; only the body above it is searched for the text.
    """
    end = len(body) if diff_at < 0 else diff_at
    if body.find("repository at", 0, end) < 0:
        return None
    if diff_at >= 0:
        end = diff_start(body)  # the diff's first line, which may come before diff_at
    for match in RE_PULL_AT.finditer(body, 0, end):
        lines = body[match.end() : end].lstrip("\n").split("\n", PULL_SOURCE_LINES)
        for line in lines[:PULL_SOURCE_LINES]:
            source = RE_PULL_SOURCE.fullmatch(line.rstrip())
            if source is not None:
                return PullSource(source.group("url"), source.group("branch"))
            if line.strip():
                break
    return None


def is_robot_report(info: SubjectInfo) -> bool:
    """True when subject tags name a bot's report: ``[syzbot]``, or a ``tree:branch`` tag
    without a PATCH word (build and test robots quote the tree and commit they tested)."""
    for prefix in info.prefixes:
        if prefix.lower() in ROBOT_TAGS:
            return True
        if RE_TREE_BRANCH.fullmatch(prefix) and not _says_patch(info):
            return True
    return False


def bot_notice_of(subject: str, body: str) -> NoticeBot | None:
    """Return the bot whose notice a mail is, or None: its subject and the line its body
    opens with are those of one notice (RE_BOT_NOTICE_SUBJECT, RE_BOT_NOTICE_HEAD).

    A script's notice about a patch quotes the patch, diff included, but posts nothing: its
    sender (a stable maintainer, akpm, tip-bot2) is not the patch's author. A CI's verdict
    ("ci") reports on a series. A commit hook's mail ("commit": a tagged subject without
    PATCH, a body that opens as kvmlist.parse.commit_notice reads) says a commit landed.
    Whoever sent it: whether it says anything is :func:`sent_by_bot`'s to answer.
    """
    said = RE_BOT_NOTICE_SUBJECT.match(subject)
    if said is None or said.lastgroup is None:
        return "commit" if is_commit_notice(subject, body) else None
    opens = RE_BOT_NOTICE_HEAD.match(body.lstrip().partition("\n")[0].rstrip())
    if opens is None or opens.lastgroup != said.lastgroup:
        return None
    return BOT_OF_NOTICE[said.lastgroup]


def opens_as_bot_reply(body: str) -> bool:
    """True when the text a mail's sender wrote opens with a bot's template (RE_BOT_REPLY_HEAD):
    only blank and quoted lines, an attribution ("... wrote:") and a greeting ("Hi,") come
    before it. A person quoting the template writes a reply."""
    if not any(marker in body for marker in _BOT_REPLY_TEXTS):  # most bodies: one C scan each
        return False
    match = RE_BOT_REPLY_HEAD.search(body)
    if match is None or body[match.start() - 1 : match.start()] not in ("", "\n"):
        return False
    return all(_above_own_text(line) for line in body[: match.start()].split("\n"))


def _above_own_text(line: str) -> bool:
    line = line.strip()
    return (
        not line or line[0] == ">" or line.endswith("wrote:") or bool(RE_GREETING.fullmatch(line))
    )


def sent_by_bot(bot: NoticeBot, sender: Person | None) -> bool:
    """True when sender is the bot (NOTICE_SENDERS; any kernel.org patchwork bot; nobody for
    a commit hook's mail), whose notice's template may then say who applied or merged what
    (a script's notice threaded to nothing applies a posting only from its bot)."""
    if sender is None:
        return False
    address = sender.email.lower()
    if bot == "patchwork":
        return RE_PATCHWORK_BOT.fullmatch(address) is not None
    return address in NOTICE_SENDERS[bot]


def is_report(info: SubjectInfo) -> bool:
    """True when an untagged subject opens as a report to maintainers does (REPORT_OPENINGS):
    the diff it may carry was applied elsewhere or fixes a merge, it posts nothing."""
    return info.title.lower().startswith(REPORT_OPENINGS)


def is_announcement(info: SubjectInfo) -> bool:
    """True when a subject without a PATCH word is an announcement's (ANNOUNCE_TAGS, or an
    untagged one opening ANNOUNCE_OPENING): the diff it may carry posts nothing."""
    tagged = any(prefix.lower().partition(" ")[0] in ANNOUNCE_TAGS for prefix in info.prefixes)
    opens = info.title[: len(ANNOUNCE_OPENING)].lower() == ANNOUNCE_OPENING
    return (tagged or opens) and not _says_patch(info)


def _says_patch(info: SubjectInfo) -> bool:
    """True when the subject's leading tags hold the word PATCH (a robot's fix is a patch)."""
    head = info.subject[: len(info.subject) - len(info.title)] if info.title else info.subject
    return "patch" in head.lower()


def may_hold_diff(text: bytes, body_at: int = 0, *, index_field: bool = True) -> bool:
    """False when a mail (LF line ends, no base64 or multipart) cannot hold a diff: it has
    none of the DIFF_MARKERS.

    ``body_at`` is where the body starts (the blank line) when the header block is plain:
    only ``Index:`` of the markers may start a line of such a block ("diff" or "---" are
    followed by a blank before any colon: kvmlist.parse.headers.is_plain), so one search
    looks for the three line markers from there, and a find for ``Index:`` before it,
    unless ``index_field`` is False: the scan of that block found no Index field.
    """
    if RE_DIFF_MARKER.search(text, body_at) is not None:
        return True
    if body_at and index_field and text.find(DIFF_MARKERS[2], 0, body_at) >= 0:
        return True  # the newline ending the block comes before the body: no marker spans it
    return DIFF_MARKERS[3] in text


def has_base64_part(text: bytes) -> bool:
    """True when a (multipart) mail has a base64 part: its text, a diff maybe, is hidden.

    The field is usually in the first part: the mail's first BASE64_PART_HEAD bytes are
    lower-cased and searched first (a match there is one in the whole mail), so that a
    mail of a large attachment is not copied whole to find it.
    """
    head = text[:BASE64_PART_HEAD] if len(text) > BASE64_PART_HEAD else b""
    if head and RE_BASE64_PART.search(head.lower()) is not None:
        return True
    return RE_BASE64_PART.search(text.lower()) is not None
