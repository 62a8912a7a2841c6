"""The hand-written fixtures, checked against the expectations in fixtures/README.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import kvmlist
from kvmlist import Message, Patch, Person
from kvmlist.parse.mime import decode_body

from .conftest import FIXTURES, mail, mbox


@pytest.fixture(scope="module")
def sample() -> list[Message]:
    return list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))


@pytest.fixture(scope="module")
def broken() -> list[Message]:
    return list(kvmlist.read_mbox(FIXTURES / "broken.mbox"))


def nth(messages: list[Message], number: int) -> Message:
    """Message number (1-based, file order) as the README's tables count."""
    return messages[number - 1]


def test_sample_kinds(sample: list[Message]) -> None:
    assert len(sample) == 39
    kinds = [m.kind for m in sample]
    assert kinds.count("cover") == 3 and kinds.count("patch") == 21
    assert kinds.count("reply") == 13 and kinds.count("other") == 1
    assert kinds.count("pull") == 1
    assert nth(sample, 38).kind == "pull"


def test_sample_series(sample: list[Message]) -> None:
    rows = [
        (s.version, s.total, s.cover is not None, tuple(p.index for p in s.patches), s.missing)
        for s in kvmlist.group_series(sample)
    ]
    assert rows == [
        (1, 3, True, (1, 2, 3), ()),
        (1, 1, False, (1,), ()),
        (3, 4, False, (1, 2, 4), (3,)),
        (2, 2, True, (1, 2), ()),
        (1, 2, False, (1, 2), ()),
        (2, 3, True, (1, 2, 3), ()),
        (2, 1, False, (1,), ()),
        (6, 2, False, (1, 2), ()),
        (1, 2, False, (1, 2), ()),
        (2, 1, False, (1,), ()),
    ]


def test_sample_counts(sample: list[Message]) -> None:
    assert kvmlist.count_by_domain(sample).most_common() == [
        ("arm.com", 7),
        ("fujitsu.com", 3),
        ("suse.de", 3),
        ("gmail.com", 3),
        ("nvidia.com", 2),
        ("free.fr", 2),
        ("intel.com", 1),
        ("linaro.org", 1),
        ("samsung.com", 1),
    ]
    authors = [(str(p), n) for p, n in kvmlist.count_by_author(sample).most_common()]
    assert authors[:3] == [
        ("Hannah Whitlock <hannah.whitlock@arm.com>", 7),
        ("Yuki Tanabe <tanabe.yuki@fujitsu.com>", 3),
        ("Jörg Brandstätter <joerg.brandstaetter@suse.de>", 3),
    ]
    assert len(authors) == 10


def test_sample_acknowledgements(sample: list[Message]) -> None:
    found = [
        (a.applied_by.name if a.applied_by else "", a.tree, a.commit, a.title)
        for a in kvmlist.find_acceptances(sample)
    ]
    assert found == [
        (
            "Daniel Okafor",
            "kvm/master",
            None,
            "KVM: x86: Deliver an expired hv timer before switching to the sw timer",
        ),
        (
            "Mattias Lindqvist",
            "next",
            "5e0c3b9a41d7",
            "KVM: arm64: Add a ratelimited helper for unhandled sysreg accesses",
        ),
        (
            "Mattias Lindqvist",
            "next",
            "9b2f61c0d8e4",
            "KVM: arm64: Use the ratelimited helper in the sysreg trap handlers",
        ),
        (
            "Mattias Lindqvist",
            "next",
            "c47a1e2f9306",
            "KVM: arm64: selftests: Check that unhandled sysregs raise an UNDEF",
        ),
    ]


def test_mboxrd_quoted_lines_and_folded_fixes(sample: list[Message]) -> None:
    fix = nth(sample, 5)
    assert isinstance(fix, Patch)
    assert "\nFrom the spec, " in fix.commit_message
    assert "\n>From the trace " in fix.commit_message
    fixes = next(t for t in fix.trailers if t.key == "Fixes")
    assert fixes.value == (
        '5c1f2a7e90d3 ("KVM: x86: Hand over the hv timer to the sw timer before blocking")'
    )
    assert [t.key for t in fix.trailers] == [
        "Fixes",
        "Reported-by",
        "Closes",
        "Cc",
        "Link",
        "Signed-off-by",
    ]


def test_quoted_printable_in_body_from_makes_pawel_the_author(sample: list[Message]) -> None:
    patch = nth(sample, 27)
    assert isinstance(patch, Patch)
    assert patch.sender == Person(name="Hannah Whitlock", email="hannah.whitlock@arm.com")
    assert patch.author == Person(name="Paweł Kowalczyk", email="pawel.kowalczyk@linaro.org")
    assert patch.diffstat is not None
    assert (patch.diffstat.files_changed, patch.diffstat.insertions) == (2, 74)


@pytest.mark.parametrize(
    ("number", "author"),
    [
        (28, "Seo-yeon Park <seoyeon.park@samsung.com>"),  # b4 relay
        (29, "Marta Iglesias <marta.iglesias@nvidia.com>"),  # "via kvm"
        (13, "Jörg Brandstätter <joerg.brandstaetter@suse.de>"),  # RFC 2047 header From
    ],
)
def test_munged_and_encoded_senders(sample: list[Message], number: int, author: str) -> None:
    patch = nth(sample, number)
    assert isinstance(patch, Patch) and str(patch.author) == author


def test_base64_mercurial_patches(sample: list[Message]) -> None:
    first, second = nth(sample, 34), nth(sample, 35)
    assert isinstance(first, Patch) and isinstance(second, Patch)
    assert (first.index, first.total, second.index) == (1, 2, 2)
    assert "naïve" in first.commit_message
    assert second.diffstat is not None and (
        second.diffstat.insertions,
        second.diffstat.deletions,
    ) == (0, 5)


def test_missing_diffstat_is_computed_and_v2_suffix_read(sample: list[Message]) -> None:
    patch = nth(sample, 37)
    assert isinstance(patch, Patch)
    assert (patch.version, patch.title) == (2, "KVM: selftests: fix typo")
    assert patch.diffstat is not None and patch.diffstat.computed
    assert (patch.diffstat.files_changed, patch.diffstat.insertions, patch.diffstat.deletions) == (
        1,
        1,
        1,
    )


def test_mislabelled_iso_8859_1_reply_reads_as_cp1252(sample: list[Message]) -> None:
    body = nth(sample, 17).body
    assert "\u201cEINVAL\u201d" in body and "can\u2019t" in body and "déjà" in body


@pytest.mark.parametrize(
    ("number", "utc"),
    [(20, "2026-03-03 20:00:00"), (6, "2026-03-02 16:30:00"), (22, "2026-03-04 09:00:00")],
)
def test_obsolete_zones_and_missing_weekday(sample: list[Message], number: int, utc: str) -> None:
    date = nth(sample, number).date
    assert date is not None and date.strftime("%Y-%m-%d %H:%M:%S") == utc


def test_diffstats_match_the_readme_table(sample: list[Message]) -> None:
    table = (FIXTURES / "README.md").read_text().split("## broken.mbox")[0]
    for row in re.finditer(
        r"^\| (\d+) \|.*\| (\d+)/(\d+)/(\d+)(?: \(computed\))? \| 2026", table, re.M
    ):
        number, files, insertions, deletions = map(int, row.groups())
        patch = nth(sample, number)
        assert isinstance(patch, Patch) and patch.diffstat is not None, number
        stat = patch.diffstat
        assert (stat.files_changed, stat.insertions, stat.deletions) == (
            files,
            insertions,
            deletions,
        ), number


def test_broken_fixture_loses_nothing(broken: list[Message]) -> None:
    assert len(broken) == 16
    cases = [
        (2, "missing-message-id"),
        (4, "malformed-header-line"),
        (8, "8bit-header"),
        (9, "bad-date"),
        (10, "missing-date"),
        (11, "bad-from"),
    ]
    for number, kind in cases:
        assert kind in {d.kind for d in nth(broken, number).defects}, (number, kind)
    assert nth(broken, 4).in_reply_to == "20260303120000.31337-1-nadia.haddad@amd.com"
    assert "unknown-charset" in {d.kind for d in decode_body(nth(broken, 5).raw).defects}
    assert "Grüße aus Göteborg" in nth(broken, 5).body
    assert nth(broken, 3).message_id == nth(broken, 7).message_id
    assert len(kvmlist.patch_mails(broken)) == 4


def test_nested_multipart_yields_the_plain_text_patch(broken: list[Message]) -> None:
    patch = nth(broken, 14)
    assert isinstance(patch, Patch) and patch.has_diff
    assert "<div" not in patch.body


def test_crlf_file_matches_the_lf_original(sample: list[Message]) -> None:
    crlf = list(kvmlist.read_mbox(FIXTURES / "crlf.mbox"))
    assert [m.model_dump(exclude={"raw"}) for m in crlf] == [
        m.model_dump(exclude={"raw"}) for m in sample[:4]
    ]
    assert all(m.raw.endswith(b"\r\n") for m in crlf)


def test_mboxo_file(sample: list[Message]) -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "mboxo.mbox", format="mboxo"))
    assert [m.kind for m in messages] == ["patch", "reply", "reply"]
    assert b'\nFrom the spec: "DR6.RTM' in messages[0].raw


def test_make_report_runs_on_the_sample() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kvmlist", "report", str(FIXTURES / "kvm-sample.mbox")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("From 2026-03-02 to 2026-03-06\nKVM mailing list update")
    assert "New:  KVM: arm64: Ratelimit reports of unhandled sysreg accesses" in done.stdout
    assert "(applied by Daniel Okafor to kvm/master)" in done.stdout


@pytest.mark.parametrize(
    "date", ["Mon, 3 Mar 2300 10:00:00 +0000", "Thu, 1 Jan 1970 00:00:00 +0000"]
)
def test_a_mail_with_a_broken_clock_does_not_stretch_the_reports_period(
    tmp_path: Path, date: str
) -> None:
    odd = mail("Re: [PATCH] x", "> quoted\n\nOdd clock.\n", message_id="<clock@x>", date=date)
    archive = tmp_path / "list.mbox"
    archive.write_bytes((FIXTURES / "kvm-sample.mbox").read_bytes() + mbox(odd))
    text = kvmlist.render_report(kvmlist.read_mbox(archive))
    assert text.startswith("From 2026-03-02 to 2026-03-06\n")
