"""Local public-inbox archives: epochs, deletions, commit ranges, dates, --since-last."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources.notices import WithdrawnMail
from kvmlist.sources.public_inbox import iter_archive

from .conftest import mail, mbox
from .inbox_builder import build_epoch, lore_inbox

DAY = 86400
T0 = 1772528400  # 2026-03-03 09:00 UTC


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """A v2 inbox of two epochs: 0.git holds mails 0-2 and a deletion, 1.git mails 3-4."""
    root = tmp_path_factory.mktemp("inbox")
    (root / "git").mkdir()
    first = build_epoch(
        root / "git" / "0.git",
        [
            ("m", mail(message_id="<0@x>"), T0),
            ("m", mail(message_id="<1@x>"), T0 + DAY),
            ("d", b"deleted: <1@x>\n", T0 + DAY + 60),
            ("m", mail(message_id="<2@x>"), T0 + 2 * DAY),
        ],
    )
    second = build_epoch(
        root / "git" / "1.git",
        [
            ("m", mail(message_id="<3@x>"), T0 + 3 * DAY),
            ("m", mail(message_id="<4@x>"), T0 + 4 * DAY),
        ],
    )
    return root, first, second


def ids(messages: object) -> list[str]:
    return [m.message_id for m in messages]  # type: ignore[attr-defined]


def test_whole_inbox_in_arrival_order_without_deletions(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, _, _ = inbox
    assert ids(kvmlist.read_inbox(root)) == ["0@x", "1@x", "2@x", "3@x", "4@x"]


def test_mails_carry_commit_and_commit_time(inbox: tuple[Path, list[str], list[str]]) -> None:
    root, first, second = inbox
    mails = list(iter_archive(root))
    assert [m.commit for m in mails] == [first[0], first[1], first[3], second[0], second[1]]
    assert mails[0].committed == datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
    assert [m.epoch for m in mails] == [0, 0, 0, 1, 1]


def test_range_spanning_epochs_with_abbreviated_ids(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, first, second = inbox
    selected = kvmlist.read_inbox(root, f"{first[0][:9]}..{second[0][:9]}")
    assert ids(selected) == ["1@x", "2@x", "3@x"]


@pytest.mark.parametrize(
    ("make_range", "expected"),
    [
        (lambda f, s: f"{f[1]}..", ["2@x", "3@x", "4@x"]),
        (lambda f, s: f"..{f[1]}", ["0@x", "1@x"]),
        (lambda f, s: f"{s[0]}..{s[1]}", ["4@x"]),
        (lambda f, s: f"{f[3]}..{f[3]}", []),
    ],
)
def test_open_and_empty_ranges(inbox, make_range, expected) -> None:  # type: ignore[no-untyped-def]
    root, first, second = inbox
    assert ids(kvmlist.read_inbox(root, make_range(first, second))) == expected


def test_single_epoch_repository_can_be_read_directly(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, _, _ = inbox
    assert ids(kvmlist.read_inbox(root / "git" / "1.git")) == ["3@x", "4@x"]


def test_since_and_until_bound_arrival_time(inbox: tuple[Path, list[str], list[str]]) -> None:
    root, _, _ = inbox
    since = datetime(2026, 3, 4, tzinfo=timezone.utc)
    until = datetime(2026, 3, 6, tzinfo=timezone.utc)
    assert ids(kvmlist.read_inbox(root, since=since, until=until)) == ["1@x", "2@x"]
    # "since" takes a mail that arrived at that second, "until" (before) does not
    at_1, at_2 = (datetime.fromtimestamp(T0 + n * DAY, timezone.utc) for n in (1, 2))
    assert ids(kvmlist.read_inbox(root, since=at_1, until=at_2)) == ["1@x"]


@pytest.mark.usefixtures("west_coast")
def test_naive_since_and_until_are_utc_whatever_the_machine_zone(
    inbox: tuple[Path, list[str], list[str]],
) -> None:
    root, _, _ = inbox
    since, until = datetime(2026, 3, 4, 9, 0), datetime(2026, 3, 5, 9, 0)  # naive: UTC
    assert ids(kvmlist.read_inbox(root, since=since, until=until)) == ["1@x"]


@pytest.mark.parametrize("bad", ["deadbeefdead..", "..nonsense", "abc"])
def test_unknown_commit_or_malformed_range_is_a_usage_error(inbox, bad: str) -> None:  # type: ignore[no-untyped-def]
    root, _, _ = inbox
    with pytest.raises(kvmlist.UsageError):
        list(kvmlist.read_inbox(root, bad))


def test_since_last_after_the_history_was_rewritten_says_how_to_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # public-inbox-edit or -purge rewrite an epoch's history (and git gc drops the old
    # commits): the commit the last report ended at is gone
    root = tmp_path / "kvm"
    (root / "git").mkdir(parents=True)
    mails = [("m", mail(message_id=f"<{n}@x>"), T0 + n * DAY) for n in range(3)]
    build_epoch(root / "git" / "0.git", mails)
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(root), "--since-last", "--state", str(state)]
    assert main([*argv, "--list-name", "T"]) == 0
    capsys.readouterr()
    import shutil

    mails[1] = ("m", mail(subject="[PATCH] edited", message_id="<1@x>"), T0 + DAY)
    shutil.rmtree(root / "git" / "0.git")
    build_epoch(root / "git" / "0.git", [*mails, ("m", mail(message_id="<3@x>"), T0 + 3 * DAY)])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(state) in err and "no longer holds" in err
    assert "--since" in err  # how to go on
    assert main([*argv, "--since", "2026-03-06", "--list-name", "T"]) == 0  # as it advises
    captured = capsys.readouterr()
    assert "      1 example.org" in captured.out and "reports from --since" in captured.err
    assert main(argv) == 0  # the chain goes on from there
    assert "no mail arrived" in capsys.readouterr().err


def test_not_an_inbox_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(kvmlist.SourceError, match="not a public-inbox archive"):
        list(kvmlist.read_inbox(tmp_path))


def test_a_clone_of_source_code_is_refused_not_read_as_mails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = tmp_path / "code"
    subprocess.run(["git", "init", "-q", str(code)], check=True)
    (code / "main.c").write_text("int main(void) { return 0; }\n")
    who = ["-c", "user.name=A", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "-C", str(code), "add", "main.c"], check=True)
    subprocess.run(["git", "-C", str(code), *who, "commit", "-qm", "start"], check=True)
    for command in ("check", "stats"):
        assert main([command, "--inbox", str(code)]) == 2
        err = capsys.readouterr().err
        assert "not a public-inbox archive" in err and "'main.c'" in err
        assert err.count("\n") == 1
    with pytest.raises(kvmlist.SourceError, match="not a public-inbox archive"):
        list(kvmlist.read_inbox(code))


def test_since_last_picks_up_where_the_last_report_ended(
    inbox: tuple[Path, list[str], list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first, second = inbox
    state = tmp_path / "state.json"
    argv = ["report", "--inbox", str(root), "--since-last", "--state", str(state)]
    assert main([*argv[:3], "--range", f"..{first[3][:9]}", "--list-name", "T"]) == 0
    assert capsys.readouterr().out.startswith(f"From {first[0][:9]} to {first[3][:9]}\n")
    state.write_text(f'{{"{root.resolve()}": "{first[3]}"}}')
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"From {first[3][:9]} to {second[1][:9]}\n")
    assert "      2 example.org" in out
    assert main(argv) == 0  # nothing new: no report, a note on stderr
    captured = capsys.readouterr()
    assert captured.out == "" and "no mail arrived" in captured.err


# --- a report by dates names the commits a range would: its "from" is excluded -------------


def _header(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["report", *argv, "--list-name", "T"]) == 0
    return capsys.readouterr().out.splitlines()[0]


@pytest.mark.parametrize(
    ("since", "until", "start", "end"),
    [
        # the mail before 2@x is 1@x: the deletion commit between them adds none
        (2, 3, ("first", 1), ("first", 3)),
        # 3@x is the first commit of epoch 1: the mail before it is epoch 0's last
        (3, 5, ("first", 3), ("second", 1)),
        # 0@x is the archive's first mail: nothing came before, the header names it
        (0, 2, ("first", 0), ("first", 1)),
    ],
)
def test_a_report_since_a_date_starts_at_the_mail_before_the_first(
    inbox: tuple[Path, list[str], list[str]],
    capsys: pytest.CaptureFixture[str],
    since: int,
    until: int,
    start: tuple[str, int],
    end: tuple[str, int],
) -> None:
    root, first, second = inbox
    commits = {"first": first, "second": second}
    dates = [datetime.fromtimestamp(T0 + n * DAY, timezone.utc).isoformat() for n in (since, until)]
    header = _header(["--inbox", str(root), "--since", dates[0], "--until", dates[1]], capsys)
    (begin, stop) = (commits[start[0]][start[1]], commits[end[0]][end[1]])
    assert header == f"From {begin[:9]} to {stop[:9]}"


#: Mails to a list over three weeks (Monday 2026-03-02 on), as lore's importer commits them.
WEEKS = [
    ("[PATCH 0/2] KVM: arm64: Trap the PMU", "Tue, 3 Mar 2026 10:00:00 +0000"),
    ("[PATCH 1/2] KVM: arm64: Trap PMU reads", "Tue, 3 Mar 2026 10:00:05 +0000"),
    ("[PATCH 2/2] KVM: arm64: Trap PMU writes", "Tue, 3 Mar 2026 10:00:09 +0000"),
    ("[PATCH] KVM: x86: Drop a stale comment", "Sun, 8 Mar 2026 23:59:58 +0000"),
    ("[PATCH v2] KVM: x86: Drop a stale comment", "Mon, 9 Mar 2026 00:00:01 +0000"),
    ("[PATCH] KVM: s390: Fix the facility list", "Thu, 12 Mar 2026 16:30:00 +0000"),
    ("[PATCH] KVM: selftests: Add a PMU test", "Tue, 17 Mar 2026 08:00:00 +0000"),
]


@pytest.fixture(scope="module")
def lore_weeks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("weeks")
    path = folder / "weeks.mbox"
    path.write_bytes(
        mbox(*(mail(s, date=d, message_id=f"<{n}@w>") for n, (s, d) in enumerate(WEEKS)))
    )
    return lore_inbox(path, folder)


def test_weekly_reports_by_date_chain_and_their_header_is_the_range_they_cover(
    lore_weeks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = str(lore_weeks)
    week = [("2026-03-02", "2026-03-09"), ("2026-03-09", "2026-03-16")]
    texts = []
    for since, until in week:
        assert main(["report", "--inbox", inbox, "--since", since, "--until", until]) == 0
        texts.append(capsys.readouterr().out)
    first, second = (text.splitlines()[0].split() for text in texts)  # From A to B
    assert first[3] == second[1]  # week 1 ends where week 2 starts
    # week 2's header, given back as --range, selects the same mails: the same report
    assert main(["report", "--inbox", inbox, "--range", f"{second[1]}..{second[3]}"]) == 0
    assert capsys.readouterr().out == texts[1]
    assert "Drop a stale comment" in texts[0] and "v2" not in texts[0]


def test_since_and_until_keep_mails_after_one_imported_late(tmp_path: Path) -> None:
    # public-inbox stamps a commit with the mail's first Received: time, so an old mail
    # imported late goes back in time: git log --since stops walking at it
    root = tmp_path / "kvm"
    (root / "git").mkdir(parents=True)
    times = [T0, T0 + DAY, T0 - 30 * DAY, T0 + 2 * DAY, T0 + 3 * DAY]
    entries = [("m", mail(message_id=f"<{n}@x>"), when) for n, when in enumerate(times)]
    removal = ("d", entries[1][1], T0 - 29 * DAY)  # mail 1 withdrawn after the late one
    build_epoch(root / "git" / "0.git", [*entries[:3], removal, *entries[3:]])
    since = datetime.fromtimestamp(T0 + DAY // 2, timezone.utc)
    until = datetime.fromtimestamp(T0 + 5 * DAY // 2, timezone.utc)
    with pytest.warns(WithdrawnMail):
        assert ids(kvmlist.read_inbox(root, since=since)) == ["3@x", "4@x"]
    with pytest.warns(WithdrawnMail):
        assert ids(kvmlist.read_inbox(root, until=until)) == ["0@x", "2@x", "3@x"]
