"""One spelling of a person across tables, their address kept as their mails wrote it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.review_economy import review_economy
from kvmlist.analysis.review_stats import review_summary
from kvmlist.cli.commands import main

from .conftest import mail, mbox

SAM = "Samuel Salin <Samuel.salin@intel.com>"  # as intel-wired-lan's From lines spell him


def _tested(n: int, parent: str, sender: str, tag: str) -> bytes:
    return mail("Re: [PATCH iwl-next] ice: fix the PTP clock", f"> Code.\n\n{tag}\n",
                sender=sender, message_id=f"<t{n}@intel.com>",
                date=f"Thu, 6 Mar 2025 1{n}:00:00 +0000",
                extra=f"In-Reply-To: {parent}\nReferences: {parent}\n")  # fmt: skip


def _iwl_like() -> bytes:
    """Samuel posts patches From "Samuel.salin@intel.com" and types "samuel.salin@intel.com"
    in the Tested-by tags he gives; Rita, who posts nothing, writes her address two ways."""
    return mbox(
        mail("[PATCH iwl-next] idpf: fix the Rx ring", sender=SAM, message_id="<s1@intel.com>",
             body="Fix it.\n\nSigned-off-by: Samuel Salin <Samuel.salin@intel.com>\n",
             date="Mon, 3 Mar 2025 10:00:00 +0000"),
        mail("[PATCH iwl-next] ice: fix the PTP clock", sender="Ann Lee <ann.lee@intel.com>",
             message_id="<a1@intel.com>", date="Wed, 5 Mar 2025 10:00:00 +0000",
             body="Fix it.\n\nSigned-off-by: Ann Lee <ann.lee@intel.com>\n"),
        _tested(1, "<a1@intel.com>", SAM, "Tested-by: Samuel Salin <samuel.salin@intel.com>"),
        _tested(2, "<a1@intel.com>", "Rita Kay <Rita.Kay@intel.com>",
                "Reviewed-by: Rita Kay <rita.kay@intel.com>"),
        _tested(3, "<s1@intel.com>", "Rita Kay <Rita.Kay@intel.com>",
                "Reviewed-by: Rita Kay <Rita.Kay@intel.com>"),
    )  # fmt: skip


def _cells(archive: Path, capsys: pytest.CaptureFixture[str], fragment: str) -> dict[str, str]:
    """Return the first cell of the row naming ``fragment`` in each table's CSV."""
    shown = {}
    for table, (command, *options) in {
        "stats --by author": ["stats", "--by", "author"],
        "review --by author": ["review", "--by", "author"],
        "reviewers": ["review"],
    }.items():
        assert main([command, str(archive), *options, "--format", "csv"]) == 0
        rows = capsys.readouterr().out.splitlines()[1:]
        found = [r.split('","')[0].strip('"') for r in rows if fragment in r.lower()]
        if found:
            shown[table] = found[0]
    return shown


def test_a_poster_is_one_cell_in_every_table_as_his_patches_write_him(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "iwl.mbox"
    archive.write_bytes(_iwl_like())
    assert set(_cells(archive, capsys, "samuel.salin@").values()) == {SAM}


def test_a_reviewer_who_posted_nothing_is_one_cell_in_both_review_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "iwl.mbox"
    archive.write_bytes(_iwl_like())
    shown = _cells(archive, capsys, "rita.kay@")
    assert set(shown) == {"review --by author", "reviewers"}
    assert set(shown.values()) == {"Rita Kay <Rita.Kay@intel.com>"}  # as written most often


def test_the_people_counted_join_the_dataframe_on_the_address_as_written() -> None:
    pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe

    messages = list(kvmlist.read_mbox(io.BytesIO(_iwl_like())))
    frame = to_dataframe(messages)
    patches = frame[frame["kind"] == "patch"]
    for person, count in kvmlist.count_by_author(messages).items():
        mine = patches[patches["author_email"].str.lower() == person.email.lower()]
        assert len(mine) == count
        assert person.email == mine["author_email"].iloc[-1]  # the latest patch's spelling
    assert SAM in {str(person) for person in kvmlist.count_by_author(messages)}


def test_the_library_tables_name_a_poster_as_count_by_author_does() -> None:
    messages = list(kvmlist.read_mbox(io.BytesIO(_iwl_like())))
    [samuel] = [p for p in kvmlist.count_by_author(messages) if p.name == "Samuel Salin"]
    reviewers = {r.person.email.lower(): r.person for r in review_summary(messages).reviewers}
    assert reviewers["samuel.salin@intel.com"] == samuel
    assert review_economy(messages, by="author").names["samuel.salin@intel.com"] == samuel


def test_a_report_and_stats_keep_an_address_as_the_mail_wrote_it() -> None:
    body = "Fix it.\n\nSigned-off-by: Dave Martin <Dave.Martin@arm.com>\n"
    messages = [
        kvmlist.parse_message(
            mail(f"[PATCH] KVM: arm64: fix {n}", body, sender="Dave Martin <Dave.Martin@arm.com>",
                 message_id=f"<{n}@arm.com>")
        )
        for n in range(2)
    ]  # fmt: skip
    assert [str(p) for p in kvmlist.count_by_author(messages)] == [
        "Dave Martin <Dave.Martin@arm.com>"
    ]
    report = kvmlist.render_report(messages)
    assert "      2  Dave Martin <Dave.Martin@arm.com>" in report
    assert "dave.martin@arm.com" not in report
