"""Review economy: patches posted vs reviews given per group, cross-group share, concentration."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.identities import Mailmap, OrganisationMap
from kvmlist.analysis.review_economy import review_economy
from kvmlist.cli.commands import main
from kvmlist.errors import UsageError

from .conftest import mail, mbox

ANN = "Ann Tran <ann.tran@arm.com>"
DAN = "Dan Wu <danwu@google.com>"


def _reply(n: int, parent: str, sender: str, text: str) -> bytes:
    return mail(
        "Re: [PATCH] review",
        f"> Some code.\n\n{text}\n",
        sender=sender,
        message_id=f"<r{n}@x>",
        extra=f"In-Reply-To: {parent}\nReferences: {parent}\n",
        date=f"Wed, 4 Mar 2026 1{n}:00:00 +0000",
    )


def _archive() -> bytes:
    """Ann (Arm) posts two patches under a cover; Dan (Google) posts one."""
    return mbox(
        mail("[PATCH 0/2] KVM: arm64: Tidy the vgic", "Two fixes.\n", sender=ANN,
             message_id="<c@x>"),
        mail("[PATCH 1/2] KVM: arm64: Fix the ITS walk", sender=ANN, message_id="<p1@x>",
             extra="In-Reply-To: <c@x>\n"),
        mail("[PATCH 2/2] KVM: arm64: Fix the LPI cache", sender=ANN, message_id="<p2@x>",
             extra="In-Reply-To: <c@x>\n"),
        mail("[PATCH] KVM: x86: Fix the PIT reset", sender=DAN, message_id="<d@x>"),
        _reply(1, "<c@x>", "Bob Ray <bray@redhat.com>",
               "For the series:\nReviewed-by: Bob Ray <bray@redhat.com>"),
        _reply(2, "<p2@x>", "Carl Obi <carl.obi@arm.com>", "Acked-by: Carl Obi <carl.obi@arm.com>"),
        _reply(3, "<d@x>", "Marc Z <maz@kernel.org>", "Reviewed-by: Marc Z <maz@kernel.org>"),
        _reply(4, "<d@x>", "Eve Lim <evelim@google.com>", "Tested-by: Eve Lim <evelim@google.com>"),
        _reply(5, "<d@x>", DAN, "Reviewed-by: Dan Wu <danwu@google.com>"),  # self: not counted
    )  # fmt: skip


def _messages(data: bytes | None = None) -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(io.BytesIO(data or _archive())))


def test_per_organisation_patches_posted_and_reviews_given() -> None:
    economy = review_economy(_messages(), by="organisation")
    rows = {r["group"]: r for r in economy.rows()}
    assert rows["Arm"] == {
        "group": "Arm", "patches": 2, "reviewed": 2, "reviewed_across": 2,
        "reviewed_across_pct": 100.0, "reviews_given": 1, "given_across": 0, "reviewers": 1,
    }  # fmt: skip
    assert (rows["Red Hat"]["patches"], rows["Red Hat"]["given_across"]) == (0, 2)
    assert rows["Red Hat"]["reviewed_across_pct"] is None
    google = rows["Google"]
    assert (google["patches"], google["reviewed"], google["reviewed_across"]) == (1, 1, 0)
    assert rows["(Unknown)"]["reviews_given"] == 1


def test_cross_share_leaves_out_unknown_pairs_and_self_reviews() -> None:
    economy = review_economy(_messages(), by="organisation")
    assert (economy.across, economy.within, economy.unknown_pairs) == (2, 2, 1)
    assert economy.cross_share == 0.5
    assert economy.reviews == 5  # Dan's Reviewed-by on his own patch is not a review


def test_concentration_counts_the_people_giving_half_the_reviews() -> None:
    economy = review_economy(_messages(), by="author")
    assert economy.half_of_reviews == 2  # Bob's 2 tags are less than half of 5
    assert [(p.name, n) for p, n in economy.top_reviewers(1)] == [("Bob Ray", 2)]


def test_mailmap_merges_a_reviewers_addresses() -> None:
    extra = _reply(6, "<p1@x>", "Bob Ray <bob@ray.example>", "Tested-by: Bob Ray <bob@ray.example>")
    mailmap = Mailmap.parse(["Bob Ray <bray@redhat.com> <bob@ray.example>"])
    economy = review_economy(_messages(_archive() + mbox(extra)), by="author", mailmap=mailmap)
    assert economy.reviews_by_person["bray@redhat.com"] == 3
    assert "bob@ray.example" not in economy.reviews_by_person


def test_mailmap_credits_a_tag_its_reviewer_sent_from_another_address() -> None:
    extra = _reply(6, "<d@x>", "robrev@gmail.com", "Reviewed-by: Rob Rev <rob@arm.com>")
    data = _archive() + mbox(extra)
    assert "rob@arm.com" not in review_economy(_messages(data), by="author").reviews_by_person
    mailmap = Mailmap.parse(["Rob Rev <rob@arm.com> <robrev@gmail.com>"])
    economy = review_economy(_messages(data), by="author", mailmap=mailmap)
    assert economy.reviews_by_person["rob@arm.com"] == 1


def test_a_misspelt_review_key_counts_once_per_patch_as_the_key_it_means() -> None:
    typo = _reply(6, "<d@x>", "Rob Rev <rob@arm.com>", "Reviwed-by: Rob Rev <rob@arm.com>")
    again = _reply(7, "<d@x>", "Rob Rev <rob@arm.com>", "Reviewed-by: Rob Rev <rob@arm.com>")
    for replies in ((typo,), (typo, again)):
        economy = review_economy(_messages(_archive() + mbox(*replies)), by="author")
        assert economy.reviews_by_person["rob@arm.com"] == 1


def test_orgmap_moves_kernel_org_into_an_organisation() -> None:
    organisations = OrganisationMap.default().extend(["maz@kernel.org Google"])
    economy = review_economy(_messages(), by="organisation", organisations=organisations)
    assert economy.unknown_pairs == 0 and economy.within == 3


def test_by_domain() -> None:
    rows = {r["group"]: r for r in review_economy(_messages(), by="domain").rows()}
    assert rows["arm.com"]["patches"] == 2 and rows["kernel.org"]["reviews_given"] == 1


def test_dataframe_has_a_row_per_group() -> None:
    pytest.importorskip("pandas")
    frame = review_economy(_messages(), by="organisation").to_dataframe()
    assert list(frame["group"])[:2] == ["Arm", "Google"]
    assert frame["reviewed_across_pct"].isna().sum() == 2  # Red Hat and (Unknown) post nothing


def test_dataframe_types_its_group_column_by_the_text_rule_of_every_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pandas = pytest.importorskip("pandas")
    from kvmlist.analysis import review_economy as module

    monkeypatch.setattr(module, "text_dtype", pandas.StringDtype)  # the rule, whatever it says
    frame = review_economy(_messages(), by="organisation").to_dataframe()
    assert frame["group"].dtype == pandas.StringDtype()


def test_unknown_grouping_is_an_error() -> None:
    with pytest.raises(UsageError, match="choose one of"):
        review_economy([], by="team")


def test_review_by_organisation_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("maz@kernel.org Google\n")
    args = ["review", str(archive), "--by", "organisation", "--orgmap", str(orgmap)]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["groups"][0]["organisation"] == "Arm"
    assert data["summary"] == {
        "reviews": 5, "reviewers": 4, "half_of_reviews_by": 2, "cross_share_pct": 40.0,
        "pairs_with_unknown": 0,
    }  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "half of them from 2 people" in out and "None" not in out


def test_review_orgmap_without_by_organisation_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    assert main(["review", str(archive), "--orgmap", str(archive)]) == 2
    assert "--orgmap goes with --by organisation" in capsys.readouterr().err


def test_an_old_company_address_keeps_its_company_with_a_mailmap_as_in_stats() -> None:
    # the kernel's .mailmap maps old company addresses to today's: a patch or a review sent
    # from arm.com is Arm's work, on both sides, as count_by_organisation counts it
    mailmap = Mailmap.parse(
        [
            "Ann Tran <ann@kernel.org> <ann.tran@arm.com>",
            "Bob Ray <bob@linux.dev> <bray@redhat.com>",
        ]
    )
    rows = {r["group"]: r for r in review_economy(_messages(), mailmap=mailmap).rows()}
    assert rows["Arm"]["patches"] == 2
    assert rows["Red Hat"]["reviews_given"] == 2
    stats = kvmlist.count_by_organisation(_messages(), mailmap=mailmap)
    assert stats["Arm"] == 3  # the cover letter and its two patches


def test_by_author_shows_each_person_with_the_latest_name_as_stats_does() -> None:
    renamed = mbox(
        mail("[PATCH] iommu: a", sender="Rodel, Jorg <joro@8bytes.org>", message_id="<j1@x>",
             date="Wed, 5 Jan 2022 10:00:00 +0000"),
        mail("[PATCH] iommu: b", sender="Jörg Roedel <joro@8bytes.org>", message_id="<j2@x>",
             date="Thu, 6 Jan 2022 10:00:00 +0000"),
    )  # fmt: skip
    labels = [r["group"] for r in review_economy(_messages(renamed), by="author").rows()]
    [(stats, _)] = kvmlist.count_by_author(_messages(renamed)).items()
    assert labels == [str(stats)] == ["Jörg Roedel <joro@8bytes.org>"]


def _many_authors(count: int) -> bytes:
    """One patch each from ``count`` companies' people, each reviewed by the next one."""
    mails = []
    for n in range(count):
        mails.append(mail(f"[PATCH] net: fix {n}", sender=f"P{n} <p{n}@corp{n}.com>",
                          message_id=f"<p{n}@x>"))  # fmt: skip
        reviewer = f"P{(n + 1) % count} <p{(n + 1) % count}@corp{(n + 1) % count}.com>"
        mails.append(mail("Re: [PATCH] net", f"Reviewed-by: {reviewer}\n", sender=reviewer,
                          message_id=f"<r{n}@x>", extra=f"In-Reply-To: <p{n}@x>\n"))  # fmt: skip
    return mbox(*mails)


@pytest.mark.parametrize("by", [[], ["--by", "domain"], ["--by", "author"]])
def test_an_export_carries_every_row_unless_top_is_given_a_table_says_it_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], by: list[str]
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_many_authors(20))
    assert main(["review", str(archive), *by, "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 20
    assert main(["review", str(archive), *by, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["groups" if by else "reviewers"]) == 20
    assert main(["review", str(archive), *by, "--format", "csv", "--top", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 3
    assert main(["review", str(archive), *by]) == 0
    out = capsys.readouterr().out
    assert "the 15 first of 20 (--top N for more, --format csv for all)" in out


def test_the_unknown_row_says_its_cross_figures_are_not_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pairs with (Unknown) on either side are left out of the cross figures: not 0, not known
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    rows = {r["group"]: r for r in review_economy(_messages(), by="organisation").rows()}
    assert rows["(Unknown)"]["reviewed_across"] is None
    assert rows["(Unknown)"]["reviewed_across_pct"] is None
    assert rows["(Unknown)"]["given_across"] is None
    assert rows["Arm"]["reviewed_across_pct"] == 100.0
    # by domain, kernel.org and free mail name no employer either: maz@kernel.org's tag on
    # a google.com patch is not known to cross employers
    domains = review_economy(_messages(), by="domain")
    assert {r["group"]: r for r in domains.rows()}["kernel.org"]["given_across"] is None
    assert (domains.across, domains.within, domains.unknown_pairs) == (2, 2, 1)
    assert main(["review", str(archive), "--by", "organisation", "--format", "csv"]) == 0
    assert '"(Unknown)","0","0","","","1","","1"' in capsys.readouterr().out.splitlines()


def _renamed_reviewer(newest_first: bool) -> bytes:
    """Jane posts as "Jane Doe" and "Jane M. Doe" (in either order in the archive), from an
    address she spells "Jane.Doe@X.org" once, and types "jane doe" in a review tag."""
    jane = mail("[PATCH] KVM: a", sender="Jane Doe <Jane.Doe@X.org>", message_id="<j1@x>",
                date="Mon, 6 Jan 2025 10:00:00 +0000")  # fmt: skip
    later = mail("[PATCH] KVM: b", sender="Jane M. Doe <jane.doe@x.org>", message_id="<j2@x>",
                 date="Mon, 3 Mar 2025 10:00:00 +0000")  # fmt: skip
    bob = mail("[PATCH] KVM: c", sender="Bob Roe <bob@y.org>", message_id="<b1@x>",
               date="Tue, 4 Mar 2025 10:00:00 +0000")  # fmt: skip
    tag = mail("Re: [PATCH] KVM: c", "Reviewed-by: jane doe <jane.doe@x.org>\n",
               sender="Jane M. Doe <jane.doe@x.org>", message_id="<r1@x>",
               date="Tue, 4 Mar 2025 11:00:00 +0000", extra="In-Reply-To: <b1@x>\n")  # fmt: skip
    return mbox(*((later, jane) if newest_first else (jane, later)), bob, tag)


@pytest.mark.parametrize("newest_first", [False, True])
def test_stats_and_review_by_author_show_one_person_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], newest_first: bool
) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_renamed_reviewer(newest_first))
    shown = {}
    for table, (command, *options) in {
        "stats": ["stats", "--by", "author"],
        "review --by author": ["review", "--by", "author"],
        "reviewers": ["review"],
    }.items():
        assert main([command, str(archive), *options, "--format", "csv"]) == 0
        rows = capsys.readouterr().out.splitlines()[1:]
        shown[table] = next(r.split('","')[0].strip('"') for r in rows if "oe@" in r.lower())
    # one cell everywhere (its address the key to join tables on): her latest patch mail in
    # archive order, as written; the name typed in her tag renames nobody
    latest = "Jane Doe <Jane.Doe@X.org>" if newest_first else "Jane M. Doe <jane.doe@x.org>"
    assert set(shown.values()) == {latest}


@pytest.mark.parametrize(
    "options", [[], ["--freq", "W"], ["--by", "organisation"]], ids=["reviewers", "weeks", "by"]
)
def test_review_parquet_reads_back_as_the_csv_typed(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    out = tmp_path / "review.parquet"
    assert main(["review", str(archive), *options, "--format", "parquet", "-o", str(out)]) == 0
    frame = pandas.read_parquet(out)
    assert main(["review", str(archive), *options, "--format", "csv"]) == 0
    csv = pandas.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert len(frame) > 0 and list(frame.columns) == list(csv.columns)
    for column in frame:  # the CSV's text, a missing figure an empty cell
        written = ["" if pandas.isna(v) else str(v) for v in frame[column]]
        assert written == [str(v) for v in csv[column]], column
    text = frame.columns[0]
    assert all(str(frame[c].dtype) in ("int64", "Int64", "Float64") for c in frame if c != text)


def test_review_parquet_keeps_the_unknown_rows_cross_figures_not_known(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_archive())
    out = tmp_path / "review.parquet"
    argv = ["review", str(archive), "--by", "organisation", "--format", "parquet", "-o", str(out)]
    assert main(argv) == 0
    frame = pandas.read_parquet(out).set_index("organisation")
    unknown = frame.loc["(Unknown)"]
    assert unknown[["reviewed_across", "reviewed_across_pct", "given_across"]].isna().all()
    assert unknown["patches"] == 0 and frame.loc["Arm", "reviewed_across_pct"] == 100.0
    assert str(frame["reviewed_across"].dtype) == "Int64" and str(frame["patches"].dtype) == "int64"
