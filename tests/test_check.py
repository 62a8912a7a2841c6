"""`kvmlist check`: counts in and out, kinds, series, defects; exit 1 on loss or a cut mail."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.check import _Slimmer, check_messages, check_row

from .conftest import FIXTURES, SEED_MBOX, Corpus, mail, need

PATCH_BODY = (
    "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n---\n"
    " arch/x86/kvm/x86.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
    "diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
    "--- a/arch/x86/kvm/x86.c\n+++ b/arch/x86/kvm/x86.c\n"
    "@@ -1,1 +1,1 @@\n-\treturn 0;\n+\treturn 1;\n"
)


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kvmlist", "check", *args], capture_output=True, text=True
    )


def test_broken_fixture_loses_nothing_and_lists_defects() -> None:
    done = run_check(str(FIXTURES / "broken.mbox"), "--format", "json")
    # exit 1 for the one mail without From, Date and Message-ID: the file ends in its header
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["mails_in"] == result["mails_out"] == 16
    assert result["lost"] == 0
    assert result["headerless"] == 1
    for kind in ("missing-message-id", "bad-date", "unknown-charset", "nul-in-body", "bad-from"):
        assert result["defects"][kind] >= 1, kind
        assert result["examples"][kind]


def test_table_output_is_readable() -> None:
    done = run_check(str(FIXTURES / "kvm-sample.mbox"))
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith("mails in:")
    assert "complete" in done.stdout


def test_lost_mails_are_reported() -> None:
    messages = [kvmlist.parse_message(mail(message_id=f"<{i}@x>")) for i in range(2)]
    result = check_messages(3, messages)
    assert result.lost == 1
    assert "1 LOST" in result.render()


def _series_counts(messages: list[kvmlist.Message]) -> tuple[int, int]:
    """(complete, partial) of the series group_series finds in the whole messages."""
    found = kvmlist.group_series(messages)
    return sum(s.complete for s in found), sum(not s.complete for s in found)


@pytest.mark.parametrize(
    "path", [*sorted(FIXTURES.glob("*.mbox")), SEED_MBOX], ids=lambda path: path.name
)
def test_series_counted_on_slim_patches_equal_those_of_the_whole_mails(path: Path) -> None:
    messages = list(kvmlist.read_mbox(need(path)))
    result = check_messages(len(messages), messages)
    assert (result.series_complete, result.series_partial) == _series_counts(messages)
    assert result.series_complete + result.series_partial > 0


def test_duplicates_and_pull_request_covers_count_as_in_group_series() -> None:
    pull = mail(
        "[GIT PULL] KVM/arm64 fixes for 6.19",
        "Please pull.\n\n  git://git.kernel.org/pub/scm/linux/kernel/git/kvmarm/kvmarm.git"
        " tags/kvmarm-fixes-6.19-1\n",
        message_id="<pull@kernel.org>",
    )
    patches = [
        mail(
            f"[PATCH {i}/3] KVM: arm64: Fix vgic thing {i}",
            message_id=f"<p{i}@kernel.org>",
            extra="In-Reply-To: <pull@kernel.org>\nReferences: <pull@kernel.org>\n",
        )
        for i in (1, 2)
    ]
    lone = mail("[PATCH v2 2/2] KVM: x86: Other", message_id="<lone@example.org>")
    raws = [pull, *patches, patches[0], lone, lone]  # copies arrive twice (cross-posted)
    messages = [kvmlist.parse_message(raw) for raw in raws]
    result = check_messages(len(raws), messages)
    assert (result.series_complete, result.series_partial) == _series_counts(messages) == (0, 2)


def test_check_holds_slim_patches_only() -> None:
    slim = _Slimmer()
    patch = kvmlist.parse_message(mail(body=PATCH_BODY, message_id="<s@example.org>"))
    reply = kvmlist.parse_message(mail("Re: [PATCH] KVM: x86: Fix a thing", message_id="<r@x>"))
    assert isinstance(patch, kvmlist.Patch) and patch.raw and patch.commit_message
    kept = slim.project(check_row(patch))
    assert kept is not None and kept.message_id == patch.message_id
    assert (kept.raw, kept.commit_message, kept.title, kept.trailers) == (b"", "", "", ())
    assert kept.author is not None and kept.author.email == "jane@example.org"
    assert slim.project(check_row(reply)) is None
    assert slim.project(check_row(patch)) is None  # a second copy: group_series keeps the first


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kvmarm", "kasan-dev-2025", "intel-wired-lan-2025"])
def test_series_counted_on_slim_patches_equal_on_a_corpus(
    corpus: Callable[[str], Corpus], name: str
) -> None:
    messages = corpus(name).messages
    result = check_messages(len(messages), messages)
    assert (result.series_complete, result.series_partial) == _series_counts(messages)


def test_check_tells_the_partial_series_that_are_stable_backports() -> None:
    # AUTOSEL sends each list only the backports that touch it: partial by design
    raws = [
        mail(
            f"[PATCH AUTOSEL 6.14 {i}/642] ixgbe: fix thing {i}",
            body=PATCH_BODY,
            message_id=f"<2025-{i}-sashal@kernel.org>",
            extra="In-Reply-To: <2025-1-sashal@kernel.org>\n",
        )
        for i in (118, 200)
    ]
    raws.append(mail("[PATCH 2/3] KVM: x86: Other", body=PATCH_BODY, message_id="<o@x>"))
    messages = [kvmlist.parse_message(raw) for raw in raws]
    result = check_messages(len(raws), messages)
    assert (result.series_partial, result.series_partial_backports) == (2, 1)
    assert "series:     2 (0 complete, 2 partial, 1 of them stable backports)" in result.render()
    [autosel] = [s for s in kvmlist.group_series(messages) if s.total == 642]
    assert autosel.is_backport


def test_a_mail_without_any_header_is_named_and_fails_the_check(tmp_path: Path) -> None:
    # an mbox nobody quoted, cut at a body line a writer took for a separator: the lower half
    # of the patch comes out as a mail without From, Date or Message-ID
    head, tail = PATCH_BODY.split("---\n")
    cut = b"From a Thu Jan  1 00:00:00 1970\n"
    path = tmp_path / "cut.mbox"
    path.write_bytes(cut + mail(body=head) + b"\n" + cut + tail.encode() + b"\n")
    done = run_check(str(path))
    assert done.returncode == 1
    assert "headerless: 1 mail with no From, Date nor Message-ID" in done.stdout
    result = json.loads(run_check(str(path), "--format", "json").stdout)
    assert result["headerless"] == 1 and result["mails_in"] == result["mails_out"] == 2


def test_headerless_mails_count_alike_in_worker_slices() -> None:
    messages = [kvmlist.parse_message(raw) for raw in (mail(), b"\n body only\n", b"x\n")]
    whole = check_messages(3, messages)
    merged = check_messages(0, messages[:1])
    merged.merge(check_messages(0, messages[1:]))
    assert whole.headerless == merged.headerless == 2
    assert whole.headerless_examples == merged.headerless_examples
