"""What a newcomer hit on the command line: long missing lists, "None" in tables, one
reviewer under two names, a header for mail without List-Id, a mistyped organisation map,
an unexplained "(Unknown)" and Jupyter tables without headers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import kvmlist
from kvmlist._html import index_ranges
from kvmlist.analysis.aggregate import count_by
from kvmlist.analysis.identities import OrganisationMap
from kvmlist.cli.commands import main
from kvmlist.errors import UsageError

from .conftest import FIXTURES, mail, mbox


@pytest.mark.parametrize(
    ("indices", "text"),
    [
        ((), ""),
        ((3,), "3"),
        ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14), "1-12, 14"),
        ((5, 1, 2), "1-2, 5"),
        (tuple(range(2, 1000)), "2-999"),
        (tuple(range(1, 200, 2)), "100 indices"),
    ],
)
def test_indices_read_as_ranges_or_a_count(indices: tuple[int, ...], text: str) -> None:
    assert index_ranges(indices) == text


def test_series_table_keeps_lines_short_for_a_bogus_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "odd.mbox"
    archive.write_bytes(
        mbox(
            mail("[PATCH 1/999] KVM: x86: a miscounted series", message_id="<a@x>"),
            mail("[PATCH 13/14] KVM: arm64: the last but one", message_id="<b@x>"),
        )
    )
    assert main(["series", str(archive)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) < 160  # was 4,000 characters: every index listed
    assert "2-999" in lines[1] and "1-12, 14" in lines[2]


def _review_archive(tmp_path: Path) -> Path:
    patch = mail(
        "[PATCH] KVM: arm64: Fix the vgic ITS table walk",
        message_id="<p@x>",
        sender="Jane Doe <jane@example.org>",
    )
    replies = [
        mail(
            "Re: [PATCH] KVM: arm64: Fix the vgic ITS table walk",
            f"> Fix it.\n\n{comment}\n",
            sender=sender,
            message_id=f"<r{n}@x>",
            extra="In-Reply-To: <p@x>\n",
            date=f"Wed, 4 Mar 2026 1{n}:00:00 +0000",
        )
        for n, (sender, comment) in enumerate(
            [
                ("Auger Eric <eric.auger@redhat.com>", "Looks fine to me."),
                ("Eric Auger <eric.auger@redhat.com>",
                 "Reviewed-by: Eric Auger <eric.auger@redhat.com>"),
                ("Eric Auger <eauger@redhat.com>", "Tested on a ThunderX2, works."),
            ]
        )
    ]  # fmt: skip
    path = tmp_path / "review.mbox"
    path.write_bytes(mbox(patch, *replies))
    return path


def test_review_table_names_each_address_once_and_prints_no_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(_review_archive(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert "Auger Eric" not in out and "Eric Auger <eric.auger@redhat.com>" in out
    assert "median hours to accepted: -" in out


def test_review_mailmap_merges_a_reviewers_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Eric Auger <eric.auger@redhat.com> <eauger@redhat.com>\n")
    archive = _review_archive(tmp_path)
    assert main(["review", str(archive), "--mailmap", str(mailmap), "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["reviewers"]
    eric = [r for r in rows if "Auger" in r["reviewer"]]
    assert eric == [
        {"reviewer": "Eric Auger <eric.auger@redhat.com>", "reviewed": 1, "acked": 0,
         "tested": 0, "replies": 3}
    ]  # fmt: skip


def test_report_without_list_id_says_mailing_list_once(tmp_path: Path) -> None:
    raw = (
        b"From: Jane Doe <jane@example.org>\nSubject: [PATCH] KVM: x86: Fix a thing\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\nMessage-ID: <1@x>\n\nFix it.\n"
    )
    text = kvmlist.render_report(kvmlist.read_mbox(io.BytesIO(mbox(raw))))
    assert text.splitlines()[1] == "Mailing list update from 2026-03-03 to 2026-03-03"


def test_report_mailmap_merges_authors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(
        mbox(
            mail("[PATCH] KVM: x86: one", message_id="<1@x>", sender="Bo <bo@old.example>"),
            mail("[PATCH] KVM: x86: two", message_id="<2@x>", sender="Bo Li <bo@arm.com>"),
        )
    )
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Bo Li <bo@arm.com> <bo@old.example>\n")
    assert main(["report", str(archive), "--mailmap", str(mailmap)]) == 0
    out = capsys.readouterr().out
    assert "      2  Bo Li <bo@arm.com>" in out and "      2 arm.com" in out


@pytest.mark.parametrize(
    "line", ["kernel.org = Linux Foundation", "kernel.org: Linux Foundation", "a.com, A"]
)
def test_orgmap_line_with_a_separator_is_an_error_naming_the_line(line: str) -> None:
    with pytest.raises(UsageError, match=r"line 2: .*is not KEY ORGANISATION"):
        OrganisationMap().extend(["arm.com Arm", line])


def test_orgmap_error_on_the_command_line_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("# mine\nkernel.org = Linux Foundation\n")
    sample = str(FIXTURES / "kvm-sample.mbox")
    assert main(["stats", sample, "--by", "organisation", "--orgmap", str(orgmap)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{orgmap} line 2" in err


def test_orgmap_entries_still_map() -> None:
    organisations = OrganisationMap().extend(["kernel.org Linux Foundation", "x@y.org Acme"])
    assert organisations.organisation(kvmlist.Person(email="maz@kernel.org")) == "Linux Foundation"
    assert organisations.organisation(kvmlist.Person(email="x@y.org")) == "Acme"


def _unknown_archive(tmp_path: Path) -> Path:
    archive = tmp_path / "orgs.mbox"
    archive.write_bytes(
        mbox(
            *(
                mail(f"[PATCH] KVM: arm64: fix {n}", message_id=f"<{n}@x>", sender=sender)
                for n, sender in enumerate(
                    ["Marc <maz@kernel.org>", "Oliver <oupton@kernel.org>", "Ann <ann@arm.com>"]
                )
            )
        )
    )
    return archive


def test_stats_by_organisation_explains_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(_unknown_archive(tmp_path)), "--by", "organisation"]) == 0
    captured = capsys.readouterr()
    assert "(Unknown)     2" in captured.out
    assert "(Unknown) is 2 patch mails" in captured.err and "kernel.org 2" in captured.err
    assert "--orgmap" in captured.err


def test_organisation_plot_says_what_unknown_is(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from kvmlist.outputs import plot

    mails = list(kvmlist.read_mbox(_unknown_archive(tmp_path)))
    for figure in (plot.top_contributors(mails, by="organisation"),
                   plot.patches_per_period(mails, by="organisation")):  # fmt: skip
        texts = " ".join(t.get_text() for t in figure.findobj(match=_is_text))
        assert "kernel.org 2" in texts and "--orgmap" in texts
    by_domain = plot.top_contributors(mails, by="domain")
    assert "--orgmap" not in " ".join(t.get_text() for t in by_domain.findobj(match=_is_text))


def _is_text(artist: object) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text)


def test_series_html_has_column_headers_and_folds_missing_runs(tmp_path: Path) -> None:
    raw = mail("[PATCH 1/999] KVM: x86: a miscounted series", message_id="<a@x>")
    series = kvmlist.group_series(kvmlist.read_mbox(io.BytesIO(mbox(raw))))[0]
    html = series._repr_html_()
    assert "<th style='text-align:left'>title</th>" in html
    assert html.count("<tr") == 3 and "2-999" in html and "missing 2-999" in html


def test_counts_html_shows_period_keys_as_text() -> None:
    mails = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    weekly = count_by(mails, lambda p: p.author.domain if p.author else None, freq="W")
    html = weekly._repr_html_()
    assert "('20" not in html and "2026-03-02 · samsung.com" in html
    assert "<th style='text-align:left'>patch mails</th>" in html
