"""Commit ranges: one value parsed at the edge, clear errors, the header names what was given."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.errors import CommitRangeError, UsageError
from kvmlist.sources.revrange import CommitRange

from .conftest import mail
from .inbox_builder import build_epoch, unpack_objects

T0 = 1772528400  # 2026-03-03 09:00 UTC


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("e5d776dd9..793f3e63a", "e5d776dd9", "793f3e63a"),
        ("e5d776dd9..", "e5d776dd9", None),
        ("..793f3e63a", None, "793f3e63a"),
        ("..", None, None),
        ("v6.18..master", "v6.18", "master"),
    ],
)
def test_a_range_is_parsed_into_its_ends(text: str, start: str | None, end: str | None) -> None:
    parsed = CommitRange.parse(text)
    assert (parsed.start, parsed.end) == (start, end)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("e5d776dd9...793f3e63a", "symmetric ranges are not supported"),
        ("e5d776dd9", "expected A..B"),
        ("e5d776dd9..793f..3e63a", "expected A..B"),
        ("--output=x..e5d776dd9", "not a commit"),
        ("e5d776dd9..793f 3e63a", "not a commit"),
    ],
)
def test_a_malformed_range_is_a_usage_error_that_says_why(text: str, says: str) -> None:
    with pytest.raises(CommitRangeError, match=says) as caught:
        CommitRange.parse(text)
    assert isinstance(caught.value, UsageError) and "\n" not in str(caught.value)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One epoch of 700 mails: enough commits that two share a four-digit prefix."""
    root = tmp_path_factory.mktemp("crowded")
    (root / "git").mkdir()
    entries = [("m", mail(message_id=f"<{n}@x>"), T0 + 60 * n) for n in range(700)]
    return root, build_epoch(root / "git" / "0.git", entries)


def shared_prefix(commits: list[str]) -> tuple[str, list[str]]:
    """A four-digit prefix that two or more of the commits share, and those commits."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for commit in commits:
        by_prefix[commit[:4]].append(commit)
    return next((p, c) for p, c in sorted(by_prefix.items()) if len(c) > 1)


def test_an_ambiguous_prefix_says_so_and_lists_the_candidates(
    crowded: tuple[Path, list[str]],
) -> None:
    root, commits = crowded
    prefix, candidates = shared_prefix(commits)
    with pytest.raises(CommitRangeError, match=f"{prefix!r} is ambiguous") as caught:
        list(kvmlist.read_inbox(root, f"{prefix}.."))
    assert all(commit[:12] in str(caught.value) for commit in candidates)


def test_a_reversed_range_says_so(crowded: tuple[Path, list[str]]) -> None:
    root, commits = crowded
    with pytest.raises(CommitRangeError, match="reversed"):
        list(kvmlist.read_inbox(root, f"{commits[5][:9]}..{commits[2][:9]}"))


def test_a_reversed_range_across_epochs_says_so(tmp_path: Path) -> None:
    (tmp_path / "git").mkdir()
    first = build_epoch(tmp_path / "git" / "0.git", [("m", mail(message_id="<0@x>"), T0)])
    second = build_epoch(tmp_path / "git" / "1.git", [("m", mail(message_id="<1@x>"), T0 + 60)])
    with pytest.raises(CommitRangeError, match="reversed"):
        list(kvmlist.read_inbox(tmp_path, f"{second[0][:9]}..{first[0][:9]}"))


def test_a_commit_git_cannot_read_between_the_ends_is_no_reversed_range(tmp_path: Path) -> None:
    # git merge-base --is-ancestor exits 1, as for "not an ancestor", but says why on stderr
    (tmp_path / "git").mkdir()
    epoch = tmp_path / "git" / "0.git"
    commits = build_epoch(epoch, [("m", mail(message_id=f"<{n}@x>"), T0 + n) for n in range(3)])
    unpack_objects(epoch)
    (epoch / "objects" / commits[1][:2] / commits[1][2:]).unlink()
    with pytest.raises(kvmlist.SourceError, match=f"Could not read {commits[1]}") as caught:
        list(kvmlist.read_inbox(tmp_path, f"{commits[0][:9]}..{commits[2][:9]}"))
    assert not isinstance(caught.value, CommitRangeError) and "\n" not in str(caught.value)


def test_cli_symmetric_range_is_one_line_and_exit_2(
    crowded: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, commits = crowded
    given = f"{commits[1][:9]}...{commits[3][:9]}"
    assert main(["report", "--inbox", str(root), "--range", given]) == 2
    err = capsys.readouterr().err
    assert "symmetric ranges are not supported" in err and err.count("\n") == 1


def test_header_names_the_end_commit_given_when_its_blob_equals_its_parents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "git").mkdir()
    same = mail(message_id="<1@x>")
    commits = build_epoch(
        tmp_path / "git" / "0.git",
        [("m", mail(message_id="<0@x>"), T0), ("m", same, T0 + 60), ("m", same, T0 + 120)],
    )
    given = f"{commits[0][:9]}..{commits[2][:9]}"
    assert main(["report", "--inbox", str(tmp_path), "--range", given, "--list-name", "T"]) == 0
    assert capsys.readouterr().out.startswith(f"From {commits[0][:9]} to {commits[2][:9]}\n")
