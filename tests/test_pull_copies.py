"""A pull request's copies of patches already posted count once: qemu's ``[PULL nn/NN]``
carrying ``Message-id: <original>``, the kernel's ``[GIT PULL]`` patches carrying ``Link:``."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

import pytest

import kvmlist
import kvmlist.scale.workers
from kvmlist.analysis.aggregate import PatchKeys, author_of
from kvmlist.grouping.pull_copies import PullCopies, named_postings
from kvmlist.scale.workers import count_by_field_in_workers
from kvmlist.sources import mbox as mbox_source
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import mail, mbox
from .test_pulls import REQUEST_BODY

PHIL = "Phil Hacker <phil@linaro.org>"
PETER = "Peter Maydell <peter.maydell@linaro.org>"
MARC = "Marc Zyngier <maz@kernel.org>"
EVE = "Eve Stranger <eve@evil.example>"
DIFF = """\
---
 target/arm/cpu.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/target/arm/cpu.c b/target/arm/cpu.c
--- a/target/arm/cpu.c
+++ b/target/arm/cpu.c
@@ -1 +1 @@
-b
+c
"""


def patch(subject: str, message_id: str, parent: str | None, *, sender: str = PHIL,
          author: str | None = None, trailers: str = "") -> bytes:  # fmt: skip
    head = f"From: {author}\n\n" if author else ""
    body = f"{head}Do it.\n\nSigned-off-by: {author or sender}\n{trailers}{DIFF}"
    extra = f"In-Reply-To: {parent}\nReferences: {parent}\n" if parent else ""
    return mail(subject, body, sender=sender, message_id=message_id, extra=extra)


ORIGINALS = [
    patch("[PATCH v2 1/2] target/arm: Add FOO", "<p1@linaro.org>", "<p0@linaro.org>"),
    patch("[PATCH v2 2/2] target/arm: Enable FOO", "<p2@linaro.org>", "<p0@linaro.org>"),
]
QEMU_PULL = [
    mail("[PULL 00/02] target-arm queue", REQUEST_BODY, sender=PETER, message_id="<q0@x>"),
    *(
        patch(f"[PULL 0{i}/02] target/arm: FOO {i}", f"<q{i}@x>", "<q0@x>", sender=PETER,
              author=PHIL, trailers=f"Message-id: p{i}@linaro.org\nSigned-off-by: {PETER}\n")
        for i in (1, 2)
    ),
]  # fmt: skip


def kernel_pull(link: str, *, author: str = PHIL, number: str = "1") -> list[bytes]:
    """Marc's ``[GIT PULL]`` and a patch of it whose in-body From is the author's."""
    return [
        mail("[GIT PULL] KVM/arm64 updates", REQUEST_BODY, sender=MARC, message_id="<k0@x>"),
        patch(f"[PATCH {number}/2] target/arm: Add FOO", f"<k{number}@x>", "<k0@x>",
              sender=MARC, author=author, trailers=f"Link: {link}\nSigned-off-by: {MARC}\n"),
    ]  # fmt: skip


def parsed(*raws: bytes) -> list[kvmlist.Message]:
    return [kvmlist.parse_message(raw) for raw in raws]


def by_author(*raws: bytes) -> dict[str, int]:
    return {p.email: n for p, n in kvmlist.count_by_author(parsed(*raws)).items()}


def test_a_qemu_pull_requests_copies_of_posted_patches_count_once() -> None:
    assert by_author(*ORIGINALS, *QEMU_PULL) == {"phil@linaro.org": 2}


@pytest.mark.parametrize(
    "link",
    [
        "https://lore.kernel.org/r/p1@linaro.org",
        "https://lore.kernel.org/all/p1@linaro.org/",
        "https://lore.kernel.org/kvmarm/p1@linaro.org/",
        "https://patch.msgid.link/p1@linaro.org",
    ],
)
def test_a_kernel_pull_requests_copy_naming_the_posting_by_link_counts_once(link: str) -> None:
    assert by_author(*ORIGINALS, *kernel_pull(link)) == {"phil@linaro.org": 2}


def test_a_copy_whose_original_is_not_in_the_archive_counts() -> None:
    # the archive holds the patch once: as the pull request's copy
    assert by_author(*QEMU_PULL) == {"phil@linaro.org": 2}


def test_a_later_revision_naming_the_earlier_one_is_no_copy() -> None:
    # qemu's v2 keeps "Message-ID: <v1's>" among its trailers; it answers no pull request
    v2 = patch("[PATCH v3 1/2] target/arm: Add FOO", "<v3@linaro.org>", "<v3-0@linaro.org>",
               trailers="Message-ID: <p1@linaro.org>\n")  # fmt: skip
    assert by_author(*ORIGINALS, v2) == {"phil@linaro.org": 3}


def test_a_strangers_pull_naming_a_victims_patch_leaves_the_victims_count() -> None:
    # Eve's "copy" names Phil's patch under her own pull request, as her own patch: it
    # counts for her, and Phil's posting still counts for him
    copy = kernel_pull("https://lore.kernel.org/r/p1@linaro.org", author=EVE)
    assert by_author(*ORIGINALS, *copy) == {"phil@linaro.org": 2, "eve@evil.example": 1}


def test_a_strangers_copy_in_the_victims_name_removes_only_itself() -> None:
    copy = kernel_pull("https://lore.kernel.org/r/p1@linaro.org")
    copy[0] = copy[0].replace(MARC.encode(), EVE.encode())
    assert by_author(*ORIGINALS, *copy) == {"phil@linaro.org": 2}


def test_copies_naming_each_other_are_no_copies() -> None:
    one = kernel_pull("https://lore.kernel.org/r/k2@x", number="1")
    other = kernel_pull("https://lore.kernel.org/r/k1@x", number="2")[1]
    assert by_author(*one, other) == {"phil@linaro.org": 2}


def test_a_copy_of_a_copy_leads_to_the_first_posting() -> None:
    first = kernel_pull("https://lore.kernel.org/r/p1@linaro.org", number="1")
    again = kernel_pull("https://lore.kernel.org/r/k1@x", number="2")[1]
    assert by_author(*ORIGINALS, *first, again) == {"phil@linaro.org": 2}


def test_the_ids_a_copy_names_are_read_from_its_trailers() -> None:
    copy = kvmlist.parse_message(QEMU_PULL[1])
    assert isinstance(copy, kvmlist.Patch)
    assert named_postings(copy) == ("p1@linaro.org",)


@pytest.mark.parametrize("cut", range(1, 5))
def test_partitions_merged_give_the_counts_of_one_pass(cut: int) -> None:
    # Dask's path: PatchKeys per partition, merged in archive order
    mails = parsed(*QEMU_PULL[:1], *ORIGINALS, *QEMU_PULL[1:])
    key = functools.partial(author_of)
    whole = PatchKeys.of(mails, key).author_counts()
    merged = PatchKeys.of(mails[:cut], key).merge(PatchKeys.of(mails[cut:], key))
    assert list(merged.author_counts().items()) == list(whole.items())
    assert sum(whole.values()) == 2


@pytest.fixture
def sliced_qemu_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The qemu pull request and its postings in an mbox the workers cut into one-mail
    slices, so that a copy and its original are in different slices."""
    monkeypatch.setattr(mbox_source, "BLOCK", 4096)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 1024)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 1)
    path = tmp_path / "qemu.mbox"
    path.write_bytes(mbox(*QEMU_PULL, *ORIGINALS))
    return path


def test_a_copy_counted_in_one_slice_and_its_original_in_another(sliced_qemu_pull: Path) -> None:
    path = sliced_qemu_pull
    sequential = kvmlist.count_by_author(kvmlist.read_mbox(path))
    for raws in (path, list(iter_raw_messages(path))):
        parallel = count_by_field_in_workers(raws, "author", 2)
        assert list(parallel.items()) == list(sequential.items())
    assert sum(sequential.values()) == 2


def test_pull_copies_merge_keeps_the_first_arrival() -> None:
    mails = parsed(*QEMU_PULL, *ORIGINALS)
    whole = PullCopies.of(mails).copies()
    halves = PullCopies.of(mails[:2]).merge(PullCopies.of(mails[2:])).copies()
    assert whole == halves == {"q1@x", "q2@x"}


def test_a_copy_whose_body_mailman_encoded_in_base64_is_read() -> None:
    # kvmarm's mailman re-encoded many bodies: the trailers are not in the raw text
    request, copy = kernel_pull("https://lore.kernel.org/r/p1@linaro.org")
    head, _, body = copy.partition(b"\n\n")
    encoded = base64.encodebytes(body)
    copy = head + b"\nContent-Transfer-Encoding: base64\n\n" + encoded
    assert by_author(*ORIGINALS, request, copy) == {"phil@linaro.org": 2}


def _ranked(report: str) -> str:
    return report.split("Top 15 contributors")[1].split("=====")[0]


def test_the_reports_rankings_and_new_blocks_take_a_copy_once() -> None:
    report = kvmlist.render_report(parsed(*QEMU_PULL, *ORIGINALS))
    assert "      2  Phil Hacker <phil@linaro.org>" in _ranked(report)
    assert "      2 linaro.org" in report
    assert "New:  target/arm: Add FOO" in report  # the posting's block
    assert "New:  target/arm: FOO 1" not in report  # not the pull request's copy of it


def test_the_report_from_workers_and_dask_leaves_the_same_copies_out(
    sliced_qemu_pull: Path,
) -> None:
    from kvmlist.scale.workers import render_report_in_workers

    path = sliced_qemu_pull
    sequential = kvmlist.render_report(kvmlist.read_mbox(path))
    assert "      2  Phil Hacker" in sequential
    assert render_report_in_workers(path, 2) == sequential
    assert render_report_in_workers(list(iter_raw_messages(path)), 2) == sequential


def test_a_copys_date_is_not_its_authors_first_patch_mail() -> None:
    from datetime import datetime, timezone

    # newcomers are taken from the patch mails stats counts: a copy dated before the window
    # (its sender's clock behind) does not hide that the author's posting is new in it
    copies = [raw.replace(b"Date: ", b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nX-Old: ", 1)
              for raw in QEMU_PULL]  # fmt: skip
    since = datetime(2025, 1, 1, tzinfo=timezone.utc)
    newcomers = kvmlist.first_time_contributors(parsed(*copies, *ORIGINALS), since)
    assert [p.email for p in newcomers] == ["phil@linaro.org"]
    # without the postings the copy is the author's first patch mail: before the window
    assert kvmlist.first_time_contributors(parsed(*copies), since) == []


def test_check_counts_the_copies_among_the_patches() -> None:
    from kvmlist.analysis.check import check_messages, check_part, check_parts

    mails = parsed(*QEMU_PULL, *ORIGINALS)
    result = check_messages(len(mails), mails)
    assert (result.kinds["patch"], result.copies) == (4, 2)
    assert "copies:     2" in result.render()
    halves = check_parts(len(mails), [check_part(mails[:2]), check_part(mails[2:])])
    assert halves.render() == result.render()


def test_a_frame_gives_a_copy_kind_copy_and_names_its_original() -> None:
    pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe

    mails = parsed(*QEMU_PULL, *ORIGINALS)
    frame = to_dataframe(mails, of="messages")
    assert list(frame["kind"]) == ["pull", "copy", "copy", "patch", "patch"]
    assert list(frame["copy_of"].fillna("")) == ["", "p1@linaro.org", "p2@linaro.org", "", ""]
    counted = frame[frame["kind"].isin(["patch", "cover"])]
    assert len(counted) == kvmlist.count_by_author(mails).total()


def test_a_frame_from_workers_marks_the_copies_of_other_slices(sliced_qemu_pull: Path) -> None:
    pytest.importorskip("pandas")
    from pandas import testing

    from kvmlist.outputs.export import to_dataframe
    from kvmlist.scale.workers import dataframe_in_workers

    path = sliced_qemu_pull
    sequential = to_dataframe(kvmlist.read_mbox(path))
    assert list(sequential["kind"]).count("copy") == 2
    testing.assert_frame_equal(dataframe_in_workers(path, 2), sequential)


def test_a_copy_in_quoted_printable_is_read() -> None:
    request, copy = kernel_pull("https://lore.kernel.org/r/p1@linaro.org")
    head, _, body = copy.partition(b"\n\n")
    body = body.replace(b"Signed-off-by: Marc", b"Signed-off-by: =4Darc")
    copy = head + b"\nContent-Transfer-Encoding: quoted-printable\n\n" + body
    assert by_author(*ORIGINALS, request, copy) == {"phil@linaro.org": 2}


def test_mails_that_lost_what_the_parse_kept_of_their_header_give_the_same_copies() -> None:
    import pickle

    mails = parsed(*QEMU_PULL, *ORIGINALS)  # a pickled mail travels without it (BODY_FORM)
    again = [pickle.loads(pickle.dumps(m)) for m in mails]
    assert PullCopies.of(again).originals() == PullCopies.of(mails).originals()
    assert len(PullCopies.of(mails).originals()) == 2


def chained_pull() -> list[bytes]:
    """qemu's pull request sent with --chain-reply-to: [PULL 02/02] answers [PULL 01/02],
    naming the request in its References."""
    second = mail(
        "[PULL 02/02] target/arm: FOO 2",
        f"From: {PHIL}\n\nDo it.\n\nSigned-off-by: {PHIL}\nMessage-id: p2@linaro.org\n"
        f"Signed-off-by: {PETER}\n{DIFF}",
        sender=PETER,
        message_id="<q2@x>",
        extra="In-Reply-To: <q1@x>\nReferences: <q0@x> <q1@x>\n",
    )
    return [*QEMU_PULL[:2], second]


def test_a_copy_answering_the_copy_before_it_counts_once() -> None:
    assert by_author(*ORIGINALS, *chained_pull()) == {"phil@linaro.org": 2}
    from kvmlist.outputs.export import to_dataframe

    frame = to_dataframe(parsed(*ORIGINALS, *chained_pull()), of="messages")
    assert sorted(frame[frame.kind == "copy"].message_id) == ["q1@x", "q2@x"]
