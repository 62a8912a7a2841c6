"""Landed: posted patches found in a git tree built from fixtures with ``git am``."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from kvmlist.cli.commands import main
from kvmlist.grouping.landed import find_landed
from kvmlist.grouping.landed.git import GitTreeError
from kvmlist.grouping.landed.series import series_landings
from kvmlist.grouping.series import group_series
from kvmlist.sources.reader import read_mbox

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POSTED = FIXTURES / "landed-posted.mbox"

A_V1 = "20260105093000.1111-1-alice@arm.example.com"
B_V1 = "20260105120000.3333-1-bob@redhat.example.com"
D = "20260106080000.5555-1-carol@google.example.com"
E = "20260106080000.5555-2-carol@google.example.com"
A_RESEND = "20260107100000.2222-1-alice@arm.example.com"
B_V2 = "20260108120000.4444-1-bob@redhat.example.com"
F = "20260109090000.6666-1-dave@intel.example.com"
G = "20260110090000.7777-1-alice@arm.example.com"
PULL_COPY = "20260121090000.8888-2-maint@kvm.example.org"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(tree: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_COMMITTER_NAME": "Paolo Maint",
        "GIT_COMMITTER_EMAIL": "maint@kvm.example.org",
        "GIT_COMMITTER_DATE": "2026-01-20T10:00:00Z",
    }
    done = subprocess.run(
        ["git", "-C", str(tree), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The maintainer's tree: git am of fixtures/landed-tree.mbox, tagged v2026-02."""
    path = tmp_path_factory.mktemp("tree")
    _git(path, "init", "-q", "-b", "master")
    _git(path, "am", "-q", str(FIXTURES / "landed-tree.mbox"))
    _git(path, "tag", "v2026-02")
    return path


@pytest.fixture(scope="module")
def landed(tree: Path):  # type: ignore[no-untyped-def]
    return find_landed(read_mbox(POSTED), tree)


def _commit_of(tree: Path, subject: str) -> str:
    return _git(tree, "log", "--format=%H", f"--grep=^{subject}$").strip()


def test_a_patch_applied_as_is_is_found_by_patch_id(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(A_RESEND)
    assert (one.how, one.score) == ("patch-id", 1.0)
    assert one.commit == _commit_of(tree, "lib/alloc: Check for an exhausted pool")


def test_the_posting_git_kept_wins_and_the_earlier_one_is_a_duplicate(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(A_V1) is None
    assert landed.duplicate_of[A_V1] == A_RESEND
    assert landed.of(A_RESEND).superseded == (A_V1,)


def test_a_patch_reworked_before_applying_is_a_fuzzy_match(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(B_V2)
    assert one.how == "fuzzy"
    assert 0.8 < one.score < 1.0
    assert one.commit == _commit_of(tree, "arm: pl031: Check the RTC interrupt")
    assert landed.of(B_V1) is None and landed.duplicate_of[B_V1] == B_V2


def test_two_patches_squashed_into_one_commit_both_land_on_it_and_say_so(landed, tree) -> None:  # type: ignore[no-untyped-def]
    commit = _commit_of(tree, "arm: pl031: Add the register layout")
    assert (landed.of(D).how, landed.of(D).commit) == ("fuzzy", commit)
    assert (landed.of(E).how, landed.of(E).commit) == ("squashed", commit)


def test_a_pull_copy_of_the_commit_is_a_duplicate_not_the_landing(landed) -> None:  # type: ignore[no-untyped-def]
    # the copy has the commit's very patch-id; the reworked posting still wins the commit
    assert landed.of(B_V2).how == "fuzzy"
    assert landed.of(PULL_COPY) is None and landed.duplicate_of[PULL_COPY] == B_V2


def test_a_link_trailer_names_the_mail(landed, tree) -> None:  # type: ignore[no-untyped-def]
    one = landed.of(F)
    assert (one.how, one.commit) == ("link", _commit_of(tree, "README: Mention the EFI target"))


def test_a_patch_never_applied_is_not_placed(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.of(G) is None and G not in landed.duplicate_of


def test_every_landing_names_its_commit_date_and_release(landed) -> None:  # type: ignore[no-untyped-def]
    assert landed.count_by_how() == {"link": 1, "patch-id": 1, "fuzzy": 2, "squashed": 1}
    for one in landed.landings.values():
        assert one.release == "v2026-02"
        assert one.committed_at.isoformat() == "2026-01-20T10:00:00+00:00"


def test_without_the_link_tier_the_linked_patch_is_found_by_patch_id(tree) -> None:  # type: ignore[no-untyped-def]
    hidden = find_landed(read_mbox(POSTED), tree, tiers=("patch-id", "fuzzy"))
    assert hidden.of(F).how == "patch-id"


@pytest.mark.parametrize(
    ("old", "new"),
    [("i/", "w/"), ("c/", "w/"), ("", "")],
    ids=["mnemonic-index", "mnemonic-commit", "no-prefix"],
)
def test_diffs_without_a_b_prefixes_land_as_their_a_b_copies(  # type: ignore[no-untyped-def]
    landed, tree, tmp_path: Path, old: str, new: str
) -> None:
    # git format-patch --no-prefix, or diff.mnemonicPrefix: other names on the header lines
    text = re.sub(
        r"^(diff --git |--- )a/(\S+)( b/)?",
        lambda m: f"{m[1]}{old}{m[2]}{' ' + new if m[3] else ''}",
        POSTED.read_text(),
        flags=re.MULTILINE,
    )
    posted = tmp_path / "prefixes.mbox"
    posted.write_text(re.sub(r"^\+\+\+ b/", f"+++ {new}", text, flags=re.MULTILINE))
    assert "\n--- a/" not in posted.read_text()
    found = find_landed(read_mbox(posted), tree)
    assert {m: (one.commit, one.how) for m, one in found.landings.items()} == {
        m: (one.commit, one.how) for m, one in landed.landings.items()
    }


def test_a_range_limits_the_commits_looked_at(tree) -> None:  # type: ignore[no-untyped-def]
    first_two = find_landed(read_mbox(POSTED), tree, revs=("HEAD~2",))
    assert set(first_two.landings) == {A_RESEND, B_V2}


def test_series_land_fully_partly_or_not(landed) -> None:  # type: ignore[no-untyped-def]
    found = list(series_landings(group_series(read_mbox(POSTED)), landed))
    by_anchor = {one.series.anchor_id: one for one in found}
    carol = by_anchor["20260106080000.5555-0-carol@google.example.com"]
    assert (carol.state, carol.landed_indices) == ("fully", (1, 2))
    assert by_anchor[G].state == "not"
    assert by_anchor[B_V1].state == "not"  # its v2 landed, not it
    bob_v2 = by_anchor[B_V2]
    assert bob_v2.state == "fully"
    # from v1 (2026-01-05 12:00), not v2, to the commit (2026-01-20 10:00)
    assert bob_v2.time_to_land == timedelta(days=14, hours=22)


@pytest.mark.parametrize("path", ["missing-folder", "."])
def test_a_missing_or_non_git_tree_is_one_line_and_exit_2(
    tmp_path: Path, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / path
    with pytest.raises(SystemExit) as stopped:  # refused before the archive is read
        main(["landed", str(POSTED), "--git", str(target)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and ("no such" in err or "not a git" in err)


def test_find_landed_refuses_a_folder_that_is_not_a_tree(tmp_path: Path) -> None:
    with pytest.raises(GitTreeError, match="not a git repository"):
        find_landed([], tmp_path)


def test_the_cli_lists_each_patch_with_its_commit(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["landed", str(POSTED), "--git", str(tree), "--format", "csv", "-q"]) == 0
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert reader.fieldnames == [
        "message_id", "title", "commit", "committed", "release", "how", "score", "reverted_by",
    ]  # fmt: skip
    by_id = {row["message_id"]: row for row in reader}
    assert by_id[A_RESEND]["how"] == "patch-id" and by_id[A_V1]["how"] == "duplicate"
    no_landing = ["commit", "committed", "release", "how", "score", "reverted_by"]
    assert [by_id[G][column] for column in no_landing] == [""] * 6


@pytest.mark.parametrize("options", [[], ["--series"]])
def test_the_cli_csv_of_an_empty_archive_has_the_header_of_a_full_one(  # type: ignore[no-untyped-def]
    options, tree, tmp_path, capsys
) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    heads = []
    for archive in (POSTED, empty):
        assert main(["landed", str(archive), "--git", str(tree), *options, "--format", "csv"]) == 0
        heads.append(capsys.readouterr().out.splitlines())
    assert len(heads[0]) > 1 and heads[1] == heads[0][:1]


def test_a_frame_with_landed_columns_has_them_typed_when_empty(landed) -> None:  # type: ignore[no-untyped-def]
    export = pytest.importorskip("kvmlist.outputs.export")
    patches = [m for m in read_mbox(POSTED) if m.kind == "patch"]
    for items, of in ((patches, "messages"), (group_series(patches), "series")):
        full = export.to_dataframe(items, landed=landed)
        empty = export.to_dataframe([], landed=landed, of=of)
        assert list(empty.dtypes.astype(str).items()) == list(full.dtypes.astype(str).items())


def test_the_cli_per_series_says_what_landed(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["landed", str(POSTED), "--git", str(tree), "--series", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    states = {row["title"]: row["landed"] for row in rows}
    assert states["arm: pl031: Read the RTC"] == "fully"
    assert states["lib/alloc: Free pages back to the pool"] == "not"


def test_dataframes_of_patches_and_series_get_the_landed_columns(landed) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe

    mails = list(read_mbox(POSTED))
    patches = to_dataframe([m for m in mails if m.kind == "patch"], landed=landed).set_index(
        "message_id"
    )
    assert patches.loc[A_RESEND, "landed_how"] == "patch-id"
    assert patches.loc[A_RESEND, "landed_release"] == "v2026-02"
    assert str(patches["landed_at"].dtype) == "datetime64[ns, UTC]"
    assert patches.loc[G, "landed_commit"] is None or patches["landed_commit"].isna()[G]
    series = to_dataframe(group_series(mails), landed=landed).set_index("first_message_id")
    carol = series.loc["20260106080000.5555-0-carol@google.example.com"]
    assert (carol["landed"], carol["landed_how"]) == ("fully", "fuzzy squashed")
    assert series.loc[B_V2, "time_to_land"] == timedelta(days=14, hours=22)
    assert series.loc[G, "landed"] == "not"


def test_dataframes_without_landed_data_have_no_landed_columns() -> None:
    pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe

    frame = to_dataframe(list(read_mbox(POSTED)))
    assert not [c for c in frame.columns if c.startswith("landed")]


def test_acceptance_counts_what_landed_when_given_the_tree(landed) -> None:  # type: ignore[no-untyped-def]
    from kvmlist.grouping.acceptance import acceptance_of

    mails = list(read_mbox(POSTED))
    series = group_series(mails)
    assert acceptance_of(series, mails) == {}  # no "applied" notice on this list
    accepted = acceptance_of(series, mails, landed=landed)
    carol = accepted["20260106080000.5555-0-carol@google.example.com"]
    assert carol.complete
    assert [carol.of(p).how for p in series_by_anchor(series, carol.anchor_id).patches] == [
        "fuzzy",
        "squashed",
    ]
    assert accepted[F].commits == (landed.of(F).commit,)
    assert G not in accepted


def series_by_anchor(series, anchor):  # type: ignore[no-untyped-def]
    return next(one for one in series if one.anchor_id == anchor)


def test_the_report_marks_landed_postings_only_when_asked(tree) -> None:  # type: ignore[no-untyped-def]
    from kvmlist.outputs.report import render_report

    mails = list(read_mbox(POSTED))
    plain = render_report(mails)
    assert "Landed:" not in plain
    marked = render_report(mails, landed=find_landed(mails, tree)).splitlines()
    assert len(marked) == len(plain.splitlines()) + 5  # 5 postings of 8 landed
    carol = marked.index("[kvm-unit-tests PATCH 0/2] arm: pl031: Read the RTC")
    assert marked[carol + 1].startswith("Author: Carol Coder")
    assert marked[carol + 2].startswith("Landed: 2 of 2 patches, last as ")
    assert marked[carol + 2].endswith(" in v2026-02 (fuzzy squashed)")
    link = marked.index("[kvm-unit-tests PATCH] README: Mention the EFI target")
    assert marked[link + 2].endswith(" in v2026-02 (link)")


def test_the_cli_review_gives_the_median_time_to_land(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["review", str(POSTED), "--git", str(tree), "--format", "json", "-q"]) == 0
    medians = json.loads(capsys.readouterr().out)["median_hours"]
    # from v1 to the commit (01-20 10:00): Dave 265 h, Carol 338 h, Bob 358 h (from his v1),
    # Alice 360.5 h (from her first posting: the RESEND follows it): the median is 348 h
    assert medians["land (from v1)"] == 348.0


def test_the_cli_report_takes_git_to_mark_landed_postings(tree, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", str(POSTED), "--git", str(tree), "-q"]) == 0
    assert capsys.readouterr().out.count("\nLanded: ") == 5


def test_report_with_git_parses_in_workers_to_the_same_text(  # type: ignore[no-untyped-def]
    tree, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """report --git holds the mails for the tree lookup; they are parsed in workers as well,
    from an mbox and from an --inbox archive, and the report is the one of one process."""
    import kvmlist.scale.workers as workers
    from kvmlist.sources.mbox import iter_raw_messages

    from .inbox_builder import build_epoch

    root = tmp_path / "inbox"
    (root / "git").mkdir(parents=True)
    raws = list(iter_raw_messages(POSTED))
    build_epoch(root / "git" / "0.git", [("m", raw, 1772528400 + n) for n, raw in enumerate(raws)])
    started: list[int] = []
    real = workers.parse_in_workers

    def spy(source: object, count: int, **kw: object) -> object:
        started.append(count)
        return real(source, count, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "parse_in_workers", spy)
    for source in ([str(POSTED)], ["--inbox", str(root), "--list-name", "KVM"]):
        argv = ["report", *source, "--git", str(tree), "-q"]
        assert main([*argv, "--workers", "1"]) == 0
        one = capsys.readouterr().out
        assert main([*argv, "--workers", "2"]) == 0
        assert capsys.readouterr().out == one
        assert one.count("\nLanded: ") == 5
    assert started == [2, 2]
