"""Mailmaps, organisations (sub-domains, free mail, dated entries), counts over time."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import kvmlist
from kvmlist import Person
from kvmlist.analysis.identities import Mailmap, MapLineSkipped, OrganisationMap
from kvmlist.outputs.report import report_figures

from .conftest import FIXTURES, mail, mbox

UTC = timezone.utc


def test_mailmap_forms() -> None:
    mailmap = Mailmap.parse(
        [
            "# comment",
            "Eric Auger <eric.auger@redhat.com> Auger Eric <eric.auger@redhat.com>",
            "<jane@example.org> <jane@old.example.org>",
            "Jörg Brandstätter <joerg@suse.de>",
            "Bo Li <bo@new.org> <bo@old.org>",
        ]
    )
    assert mailmap.resolve(Person(name="Auger Eric", email="eric.auger@redhat.com")) == Person(
        name="Eric Auger", email="eric.auger@redhat.com"
    )
    assert mailmap.resolve(Person(name="Jane", email="JANE@old.example.org")) == Person(
        name="Jane", email="jane@example.org"
    )
    assert mailmap.resolve(Person(name="Joerg", email="joerg@suse.de")).name == "Jörg Brandstätter"
    assert mailmap.resolve(Person(name="B", email="bo@old.org")) == Person(
        name="Bo Li", email="bo@new.org"
    )
    unmapped = Person(name="X", email="x@y.org")
    assert mailmap.resolve(unmapped) is unmapped


def test_mailmap_lines_for_one_address_add_up_as_in_git() -> None:
    # git sets an entry's name and address apart: a later line fills in, never wipes out
    # (what `git check-mailmap` answers for each order)
    old = Person(name="Old Nm", email="old@x.org")
    proper = Person(name="Proper Name", email="proper@x.org")
    name_first = ["Proper Name <old@x.org>", "<proper@x.org> <old@x.org>"]
    assert Mailmap.parse(name_first).resolve(old) == proper
    assert Mailmap.parse(reversed(name_first)).resolve(old) == proper
    renamed = ["Proper Name <proper@x.org> <old@x.org>", "Other <old@x.org>"]
    assert Mailmap.parse(renamed).resolve(old) == Person(name="Other", email="proper@x.org")
    # a line for a name at that address wins over the address's own entry, whole
    named = ["Proper Name <proper@x.org> <old@x.org>", "Nick <nick@x.org> Old Nm <old@x.org>"]
    assert Mailmap.parse(named).resolve(old) == Person(name="Nick", email="nick@x.org")
    other = Person(name="Someone", email="old@x.org")
    assert Mailmap.parse(named).resolve(other) == Person(name="Proper Name", email="proper@x.org")


def test_mailmap_merges_aliases_in_counts(tmp_path: Path) -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    mailmap = Mailmap.parse(["Hannah Whitlock <hannah.whitlock@arm.com> <tanabe.yuki@fujitsu.com>"])
    counts = kvmlist.count_by_author(messages, mailmap=mailmap)
    assert counts[Person(name="Hannah Whitlock", email="hannah.whitlock@arm.com")] == 10


def test_a_mailmap_moves_patch_mails_to_the_domain_it_maps_to_as_the_report_does() -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    mailmap = Mailmap.parse(["Yuki Tanabe <yuki@tanabe.example> <tanabe.yuki@fujitsu.com>"])
    counts = kvmlist.count_by_domain(messages, mailmap=mailmap)
    assert counts["tanabe.example"] == 3 and "fujitsu.com" not in counts
    assert counts == report_figures(messages, mailmap=mailmap).domains


def test_the_address_a_mail_was_sent_from_names_its_organisation_before_a_mailmap() -> None:
    # the kernel's .mailmap maps old company addresses to today's: a mail's employer is
    # that of the address it came from, at its date; the mapped one only when that is unknown
    from kvmlist import parse_message

    from .conftest import mail

    def patch(sender: str, date: str, number: int) -> kvmlist.Message:
        return parse_message(mail(sender=sender, date=date, message_id=f"<{number}@x>"))

    messages = [
        patch("Joerg <joro@8bytes.org>", "Mon, 1 Jan 2024 10:00:00 +0000", 1),
        patch("Joerg <joro@8bytes.org>", "Mon, 1 Jul 2024 10:00:00 +0000", 2),
        patch("Joerg <jroedel@suse.de>", "Tue, 2 Jul 2024 10:00:00 +0000", 3),
        patch("Joerg <joerg@gmail.com>", "Wed, 3 Jul 2024 10:00:00 +0000", 4),
    ]
    organisations = OrganisationMap().extend(["8bytes.org AMD < 2024-01-02", "suse.de SUSE"])
    mailmap = Mailmap.parse(
        ["Joerg <jroedel@suse.de> <joro@8bytes.org>", "Joerg <jroedel@suse.de> <joerg@gmail.com>"]
    )
    counts = kvmlist.count_by_organisation(messages, organisations=organisations, mailmap=mailmap)
    # gmail.com names no employer by its kind: the mapped suse.de does; 8bytes.org after AMD
    # is a domain no entry covers, which may have been anybody's (a startup's): unknown
    assert counts == {"AMD": 1, "SUSE": 2, "(Unknown)": 1}


@pytest.mark.parametrize(
    ("sent_from", "organisation"),
    [
        ("jane@rivetlabs.io", "(Unknown)"),  # a startup no entry covers: not her later Google
        ("jane.roe@gmail.com", "Google"),  # free mail, kernel.org, linux.dev name no employer
        ("jroe@kernel.org", "Google"),
        ("jane.roe@linux.dev", "Google"),
        ("jane@arm.com", "Arm"),  # an old company address keeps its company
    ],
)
def test_a_mailmap_names_the_employer_only_of_an_address_that_names_none_by_its_kind(
    sent_from: str, organisation: str
) -> None:
    mailmap = Mailmap.parse([f"Jane Roe <janeroe@google.com> <{sent_from}>"])
    when = datetime(2022, 1, 5, tzinfo=UTC)
    jane = Person(name="Jane Roe", email=sent_from)
    assert OrganisationMap.default().organisation(jane, when, mailmap=mailmap) == organisation


def test_organisations_with_subdomains_free_mail_and_dates() -> None:
    orgs = OrganisationMap.default().extend(
        [
            "jane@gmail.com      Acme < 2025-06-01",
            "jane@gmail.com      Newco",
            "example.org         Example Corp",
        ]
    )
    assert orgs.organisation(Person(email="a@uk.ibm.com")) == "IBM"
    assert orgs.organisation(Person(email="a@gmail.com")) == "(Unknown)"
    assert orgs.organisation(Person(email="a@lab.example.org")) == "Example Corp"
    jane = Person(email="jane@gmail.com")
    assert orgs.organisation(jane, datetime(2025, 1, 1, tzinfo=UTC)) == "Acme"
    assert orgs.organisation(jane, datetime(2025, 7, 1, tzinfo=UTC)) == "Newco"
    assert orgs.organisation(Person(email="x@unheard-of.example")) == "(Unknown)"


def test_bundled_map_follows_acquisitions_and_names_each_domain_once() -> None:
    orgs = OrganisationMap.default()
    before, after = datetime(2019, 6, 1, tzinfo=UTC), datetime(2023, 6, 1, tzinfo=UTC)
    assert orgs.organisation(Person(email="a@mellanox.com"), before) == "Mellanox"
    assert orgs.organisation(Person(email="a@mellanox.com"), after) == "NVIDIA"
    assert orgs.organisation(Person(email="a@xilinx.com"), after) == "AMD"
    # Broadcom closed its purchase of VMware on 2023-11-22
    assert orgs.organisation(Person(email="a@vmware.com"), after) == "VMware"
    closed = datetime(2023, 11, 22, tzinfo=UTC)
    assert orgs.organisation(Person(email="a@vmware.com"), closed) == "Broadcom"
    assert orgs.organisation(Person(email="a@redhat.com"), after) == "Red Hat"  # kept apart
    assert orgs.organisation(Person(email="a@foss.st.com")) == "STMicroelectronics"
    assert orgs.organisation(Person(email="a@chromium.org")) == "Google"
    # Freescale became NXP on 2015-12-07, Atmel Microchip on 2016-04-04, Microsemi on 2018-05-29
    for domain, old, new, closed in (
        ("freescale.com", "Freescale", "NXP", datetime(2015, 12, 7, tzinfo=UTC)),
        ("atmel.com", "Atmel", "Microchip", datetime(2016, 4, 4, tzinfo=UTC)),
        ("microsemi.com", "Microsemi", "Microchip", datetime(2018, 5, 29, tzinfo=UTC)),
    ):
        assert orgs.organisation(Person(email=f"a@{domain}"), closed - timedelta(days=1)) == old
        assert orgs.organisation(Person(email=f"a@{domain}"), closed) == new
    assert orgs.organisation(Person(email="a@opensource.cirrus.com")) == "Cirrus Logic"
    assert orgs.organisation(Person(email="a@pm.me")) == "(Unknown)"
    # an undated entry replaces an earlier one for its key: a second would hide the first
    from importlib import resources

    text = resources.files("kvmlist.data").joinpath("organisations.txt").read_text("utf-8")
    undated = [
        line.split()[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#") and "<" not in line
    ]
    assert len(undated) == len(set(undated))


def test_an_organisation_map_may_separate_by_tabs_as_gitdm_maps_do() -> None:
    organisations = OrganisationMap().extend(["arm.com\tArm Ltd", "ibm.com\t\tIBM\t< 2010-01-01"])
    assert organisations.organisation(Person(email="a@arm.com")) == "Arm Ltd"
    early = datetime(2009, 6, 1, tzinfo=UTC)
    assert organisations.organisation(Person(email="b@ibm.com"), early) == "IBM"


def test_bad_organisation_map_line_is_a_usage_error() -> None:
    with pytest.raises(kvmlist.UsageError, match="line 1"):
        OrganisationMap().extend(["arm.com"])
    with pytest.raises(kvmlist.UsageError, match="bad date"):
        OrganisationMap().extend(["arm.com Arm < someday"])


def test_count_by_organisation_on_the_sample() -> None:
    counts = kvmlist.count_by_organisation(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    assert counts.most_common(3) == [("Arm", 7), ("(Unknown)", 5), ("Fujitsu", 3)]


def test_counts_per_week_and_first_time_contributors() -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    weekly = kvmlist.count_by(messages, lambda p: p.author.domain if p.author else None, freq="W")
    assert weekly[("2026-03-02", "arm.com")] == 7
    since = datetime(2026, 3, 4, tzinfo=UTC)
    newcomers = kvmlist.first_time_contributors(messages, since)
    assert newcomers[0] == Person(name="Lars Eriksen", email="lars.eriksen@gmail.com")
    assert Person(name="Hannah Whitlock", email="hannah.whitlock@arm.com") not in newcomers


@pytest.mark.usefixtures("west_coast")
def test_first_time_contributors_take_naive_times_as_utc() -> None:
    messages = list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    since, until = datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC)
    aware = kvmlist.first_time_contributors(messages, since, until)
    assert aware  # somebody's first patch mail is that day
    naive = since.replace(tzinfo=None), until.replace(tzinfo=None)
    assert kvmlist.first_time_contributors(messages, *naive) == aware


def test_someone_who_changed_address_is_no_newcomer_with_a_mailmap(tmp_path: Path) -> None:
    archive = tmp_path / "moved.mbox"
    archive.write_bytes(
        mbox(
            mail(
                "[PATCH] KVM: arm64: Trap ID_AA64MMFR3_EL1",
                "Trap it.\n\nSigned-off-by: Ines Moreau <ines.moreau@oldcorp.example>\n",
                sender="Ines Moreau <ines.moreau@oldcorp.example>",
                message_id="<old@oldcorp.example>",
                date="Mon, 12 Jan 2026 09:30:00 +0100",
            ),
            mail(
                "[PATCH] KVM: arm64: Expose FEAT_LS64 to guests",
                "Expose it.\n\nSigned-off-by: Ines Moreau <imoreau@newco.example>\n",
                sender="Ines Moreau <imoreau@newco.example>",
                message_id="<new@newco.example>",
                date="Tue, 3 Mar 2026 14:05:00 +0100",
            ),
        )
    )
    messages = list(kvmlist.read_mbox(archive))
    since = datetime(2026, 3, 1, tzinfo=UTC)
    moved = Person(name="Ines Moreau", email="imoreau@newco.example")
    assert kvmlist.first_time_contributors(messages, since) == [moved]
    mailmap = Mailmap.parse(["Ines Moreau <imoreau@newco.example> <ines.moreau@oldcorp.example>"])
    assert kvmlist.first_time_contributors(messages, since, mailmap=mailmap) == []
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    assert kvmlist.first_time_contributors(messages, earlier, mailmap=mailmap) == [moved]


def test_stats_by_organisation_cli(tmp_path: Path) -> None:
    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("gmail.com  Hobbyists\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kvmlist",
            "stats",
            str(FIXTURES / "kvm-sample.mbox"),
            "--by",
            "organisation",
            "--orgmap",
            str(orgmap),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"Hobbyists","3"' in done.stdout.splitlines()


def test_hostile_mailmap_lines_parse_in_linear_time() -> None:
    with pytest.warns(MapLineSkipped):
        mailmap = Mailmap.parse(["<" * 1_000_000, " " * 1_000_000 + "<a", "a <b> " * 200_000])
    assert mailmap.resolve(Person(email="x@y")) == Person(email="x@y")


def test_a_later_file_replaces_every_entry_of_an_earlier_one_for_its_key(tmp_path: Path) -> None:
    # the bundled xilinx.com is Xilinx before 2022-02-14: a user's undated line overrides it
    orgmap = tmp_path / "ours.orgmap"
    orgmap.write_text("xilinx.com  AMD\nvmware.com  VMware by Broadcom  < 2023-11-22\n")
    orgs = OrganisationMap.default().extend_from_file(orgmap)
    early = datetime(2021, 1, 5, tzinfo=UTC)
    assert orgs.organisation(Person(email="m@xilinx.com"), early) == "AMD"
    # a dated entry of the same date as a bundled one wins too
    assert orgs.organisation(Person(email="a@vmware.com"), early) == "VMware by Broadcom"
    # a key the file does not name keeps the bundled entries
    assert orgs.organisation(Person(email="a@mellanox.com"), early) == "NVIDIA"


def test_a_dated_entry_compares_the_day_in_utc_not_the_senders_day() -> None:
    # 2022-02-13 20:00 in California is 2022-02-14 04:00 UTC: AMD's, wherever it was sent
    pacific = timezone(timedelta(hours=-8))
    orgs = OrganisationMap.default()
    for when in (datetime(2022, 2, 13, 20, tzinfo=pacific), datetime(2022, 2, 14, 4, tzinfo=UTC)):
        assert orgs.organisation(Person(email="x@xilinx.com"), when) == "AMD"


@pytest.mark.parametrize("suffix", ["mailmap", "orgmap"])
def test_a_map_file_that_is_not_utf8_is_one_line_naming_the_file_and_line(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvmlist.cli.commands import main

    path = tmp_path / f"latin1.{suffix}"
    line = "Jérôme <jerome@x.org> <jd@y.org>" if suffix == "mailmap" else "x.org Société"
    path.write_bytes(b"# ours\n" + line.encode("latin-1") + b"\n")
    with pytest.raises(kvmlist.UsageError, match=r"line 2.*not UTF-8"):
        if suffix == "mailmap":
            Mailmap.from_file(path)
        else:
            OrganisationMap().extend_from_file(path)
    args = ["stats", str(FIXTURES / "kvm-sample.mbox"), "--by", "organisation"]
    assert main([*args, f"--{suffix}", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and str(path) in error and "UTF-8" in error


def test_a_byte_order_mark_at_the_start_of_a_map_file_is_skipped(tmp_path: Path) -> None:
    mailmap, orgmap = tmp_path / "bom.mailmap", tmp_path / "bom.orgmap"
    mailmap.write_bytes("\ufeffMarc Z <maz@kernel.org> <marc.zyngier@arm.com>\n".encode())
    orgmap.write_bytes("\ufeffarm.com ARM Ltd\n".encode())
    marc = Mailmap.from_file(mailmap).resolve(Person(name="M", email="marc.zyngier@arm.com"))
    assert marc == Person(name="Marc Z", email="maz@kernel.org")
    orgs = OrganisationMap().extend_from_file(orgmap)
    assert orgs.organisation(Person(email="a@arm.com")) == "ARM Ltd"


def test_unknown_is_explained_by_the_domains_mails_were_sent_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvmlist.cli.commands import main

    archive, mailmap = tmp_path / "startup.mbox", tmp_path / "startup.mailmap"
    archive.write_bytes(mbox(mail(sender="Jane Roe <jane@rivetlabs.io>", message_id="<s@x>")))
    mailmap.write_text("Jane Roe <janeroe@google.com> <jane@rivetlabs.io>\n")
    assert main(["stats", str(archive), "--by", "organisation", "--mailmap", str(mailmap)]) == 0
    out, err = capsys.readouterr()
    assert "Google" not in out and "(rivetlabs.io 1)" in err


def test_a_mailmap_line_without_an_address_is_skipped_as_git_skips_it_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # git check-mailmap (2.39) skips "no address" and "Bad <unclosed", takes the others
    path = tmp_path / "the.mailmap"
    path.write_text(
        "# ours\nno address here\nBad <unclosed\n"
        "Yuki T <yuki@t.example> <tanabe.yuki@fujitsu.com>\n"
    )
    with pytest.warns(MapLineSkipped, match=r"the\.mailmap line 2 \(and 1 more line\)"):
        mailmap = Mailmap.from_file(path)
    yuki = mailmap.resolve(Person(name="Y", email="tanabe.yuki@fujitsu.com"))
    assert yuki == Person(name="Yuki T", email="yuki@t.example")
    from kvmlist.cli.commands import main

    argv = ["stats", str(FIXTURES / "kvm-sample.mbox"), "--mailmap", str(path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "Yuki T <yuki@t.example>" in captured.out
    skipped = [line for line in captured.err.splitlines() if "not a mailmap line" in line]
    assert skipped == [
        f"kvmlist: {path} line 2 (and 1 more line): no <address>, not a mailmap line: skipped"
    ]


@pytest.mark.parametrize(
    "content", ["", "# only a comment\n", "F:\tarch/x86/kvm/\nS:\tSupported\n"]
)
def test_a_file_of_which_no_line_maps_an_address_is_no_mailmap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    from kvmlist.cli.commands import main

    path = tmp_path / "the.mailmap"
    path.write_text(content)
    assert main(["stats", str(FIXTURES / "kvm-sample.mbox"), "--mailmap", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"kvmlist: {path}: no line maps an <address>: not a mailmap file\n")


def test_a_users_domain_entry_covers_the_bundled_entries_of_its_sub_domains(
    tmp_path: Path,
) -> None:
    # the bundled map names ibm.com and linux.ibm.com: a user's "ibm.com" says all about both
    orgmap = tmp_path / "ours.orgmap"
    orgmap.write_text("ibm.com        IBM Corporation\nmicrosoft.com  Microsoft Corporation\n")
    orgs = OrganisationMap.default().extend_from_file(orgmap)
    for email in ("bob@ibm.com", "ann@linux.ibm.com", "cy@us.ibm.com"):
        assert orgs.organisation(Person(email=email)) == "IBM Corporation"
    assert orgs.organisation(Person(email="di@linux.microsoft.com")) == "Microsoft Corporation"
    # within one file, a sub-domain's own entry still wins over its parent's
    both = OrganisationMap.default().extend(["ibm.com IBM Corporation", "research.ibm.com IBM R"])
    assert both.organisation(Person(email="a@research.ibm.com")) == "IBM R"
    assert both.organisation(Person(email="a@linux.ibm.com")) == "IBM Corporation"


@pytest.mark.parametrize("line", ["Acme Corp\tacme.com", "Newco newco.io", "Acme\tAcme Corp"])
def test_an_organisation_map_written_the_wrong_way_round_is_refused(line: str) -> None:
    # a key is a domain or an address: "Acme" (no "." and no "@") is an organisation's name
    with pytest.raises(kvmlist.UsageError, match=r"ours line 2: .* is not KEY ORGANISATION"):
        OrganisationMap().extend(["arm.com Arm", line], source="ours")


@pytest.mark.parametrize(
    "sent_from",
    [
        "phil@mailbox.org", "gus@gmx.com", "hal@sina.com", "ivy@posteo.net", "jo@yahoo.co.uk",
        "kay@outlook.de", "lu@aliyun.com", "mo@hotmail.fr", "nu@yandex.com", "ox@naver.com",
        "pi@wanadoo.fr", "ro@yahoo.fr", "su@zoho.com", "ty@tutanota.com",
    ],
)  # fmt: skip
def test_a_mailmap_names_the_employer_of_a_common_free_mail_address(sent_from: str) -> None:
    mailmap = Mailmap.parse([f"Phil S <phil@redhat.com> <{sent_from}>"])
    person = Person(name="P", email=sent_from)
    organisations = OrganisationMap.default()
    assert organisations.organisation(person, mailmap=mailmap) == "Red Hat"
    assert organisations.organisation(person) == "(Unknown)"


def test_a_mailmap_name_may_hold_a_hash_before_a_trailing_comment_as_in_git() -> None:
    # git check-mailmap (2.39) reads "#" as a comment only at the start of a line
    mailmap = Mailmap.parse(["Baz #2 <baz@new.org> <baz@old.org> # c"])
    assert mailmap.resolve(Person(name="x", email="baz@old.org")) == Person(
        name="Baz #2", email="baz@new.org"
    )


def test_mailmap_names_and_addresses_fold_only_ascii_case_as_git_does() -> None:
    mailmap = Mailmap.parse(["Jörg R <jr@new.org> JÖRG Old <jr@old.org>"])
    # git check-mailmap: "jÖRG old" matches "JÖRG Old", "Jörg Old" does not (Ö is not ö)
    assert mailmap.resolve(Person(name="jÖRG old", email="JR@old.org")).email == "jr@new.org"
    assert mailmap.resolve(Person(name="Jörg Old", email="jr@old.org")).email == "jr@old.org"


def test_a_maintainers_file_given_as_a_mailmap_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # its M:/R: lines hold an <address>, so git would take them ("R:<TAB>Name" the name):
    # a file whose mapping lines are mostly MAINTAINERS fields is the wrong file, not a mailmap
    from kvmlist.cli.commands import main

    path = FIXTURES / "MAINTAINERS"
    with pytest.raises(kvmlist.UsageError, match="MAINTAINERS"):
        Mailmap.from_file(path)
    assert main(["stats", str(FIXTURES / "kvm-sample.mbox"), "--mailmap", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"kvmlist: {path}: " in captured.err and "not a mailmap" in captured.err
    assert "Proper Name <proper@address> <address@used>" in captured.err


def test_a_mailmap_with_a_line_git_reads_as_a_maintainers_field_still_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # one stray "R:<TAB>..." line among mailmap lines is a mailmap line to git: kept as git keeps
    # it, its name shown with the tab escaped so that the table stays aligned
    from kvmlist.cli.commands import main

    path = tmp_path / "the.mailmap"
    path.write_text(
        "Yuki T <yuki@t.example> <tanabe.yuki@fujitsu.com>\n"
        "R:\tHannah W <hannah.whitlock@arm.com>\n"
        "Lars E <lars.eriksen@gmail.com>\n"
    )
    hannah = Mailmap.from_file(path).resolve(Person(email="hannah.whitlock@arm.com"))
    assert hannah.name == "R:\tHannah W"
    assert main(["stats", str(FIXTURES / "kvm-sample.mbox"), "--mailmap", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\t" not in out and "R:\\x09Hannah W <hannah.whitlock@arm.com>" in out
    widths = {line.rindex("  ") for line in out.splitlines()[1:]}
    assert len(widths) == 1  # the count column starts at one place on every line
