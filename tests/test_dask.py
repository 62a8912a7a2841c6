"""A Dask cluster gives exactly the single-process results, however the archive is partitioned."""

from __future__ import annotations

import bz2
import gzip
import importlib
import lzma
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")
pandas_testing = pytest.importorskip("pandas.testing")

import kvmlist  # noqa: E402
import kvmlist.scale.dask as kd  # noqa: E402
from kvmlist.analysis.aggregate import domain_of  # noqa: E402
from kvmlist.analysis.identities import Mailmap  # noqa: E402
from kvmlist.outputs.export import to_dataframe  # noqa: E402
from kvmlist.parse.subject import parse_subject  # noqa: E402
from kvmlist.sources.mbox import iter_raw_messages  # noqa: E402
from kvmlist.sources.notices import WithdrawnMail  # noqa: E402

from .conftest import FIXTURES, Corpus, mail, mbox  # noqa: E402
from .inbox_builder import build_epoch  # noqa: E402
from .test_relayed import THREE_PEOPLE  # noqa: E402
from .test_report_numbers import (  # noqa: E402
    CHAINED_WITH_STRANGER,
    NUMBERED,
    SERIES,
    TITLES,
    by_marek,
)

SAMPLE = FIXTURES / "kvm-sample.mbox"
SERIES_A = "KVM: arm64: Ratelimit reports of unhandled sysreg accesses"
SERIES_B = "arm64: pmu: Test 64-bit cycle counter overflow"
UNTHREADED = "KVM: riscv: Check that the SBI PMU snapshot area is backed by memory"
MAILMAP = Mailmap.parse(["Hannah W <hw@arm.example> <hannah.whitlock@arm.com>"])


def _series(function: Callable[..., list[kvmlist.Series]], messages: Any) -> list[Any]:
    return [series.model_dump() for series in function(messages)]


# each result: (single-process function, Dask function); both take the messages
RESULTS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "author": (kvmlist.count_by_author, kd.count_by_author),
    "author, mailmap": (
        partial(kvmlist.count_by_author, mailmap=MAILMAP),
        partial(kd.count_by_author, mailmap=MAILMAP),
    ),
    "domain": (kvmlist.count_by_domain, kd.count_by_domain),
    "organisation": (kvmlist.count_by_organisation, kd.count_by_organisation),
    "domain per month": (
        partial(kvmlist.count_by, key=domain_of, freq="M"),
        partial(kd.count_by, key=domain_of, freq="M"),
    ),
    "series": (partial(_series, kvmlist.group_series), partial(_series, kd.group_series)),
    "series, revisions, no reviews": (
        partial(_series, partial(kvmlist.group_series, reviews=False, revisions=True)),
        partial(_series, partial(kd.group_series, reviews=False, revisions=True)),
    ),
    "report": (kvmlist.render_report, kd.render_report),
}


def comparable(result: Any) -> Any:
    """Counters as (key, count) lists: the order of first appearance is part of the result."""
    return list(result.items()) if isinstance(result, Counter) else result


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def sample() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(SAMPLE))


@pytest.fixture(scope="module")
def sample_bag(client: Any) -> Any:
    return kd.messages_bag(SAMPLE, chunk_messages=5)


def write_mbox(path: Path, raws: list[bytes]) -> Path:
    path.write_bytes(mbox(*raws))
    return path


def test_chunks_concatenate_to_the_single_process_messages(
    sample_bag: Any, sample: list[kvmlist.Message]
) -> None:
    assert sample_bag.npartitions == 8
    assert sample_bag.compute() == sample


@pytest.mark.parametrize("name", RESULTS)
def test_sample_in_chunks_gives_the_single_process_result(
    name: str, sample_bag: Any, sample: list[kvmlist.Message]
) -> None:
    local, on_dask = RESULTS[name]
    assert comparable(on_dask(sample_bag)) == comparable(local(sample))


def test_count_by_runs_any_key_in_the_workers(
    sample_bag: Any, sample: list[kvmlist.Message]
) -> None:
    def week_and_version(patch: kvmlist.Patch) -> tuple[str, int] | None:
        return (patch.title[:10], patch.version) if patch.numbered else None

    expected = kvmlist.count_by(sample, week_and_version, freq="W")
    assert list(kd.count_by(sample_bag, week_and_version, freq="W").items()) == list(
        expected.items()
    )


def test_counts_of_sources_leave_answers_unparsed_with_the_single_process_result(
    client: Any, sample: list[kvmlist.Message]
) -> None:
    postings = kd.messages_bag(SAMPLE, chunk_messages=5, answers=False).compute()
    assert 0 < len(postings) < len(sample)
    assert not any(parse_subject(m.subject).is_reply for m in postings)
    assert kvmlist.patch_mails(postings) == kvmlist.patch_mails(sample)
    for local, on_dask in (
        (kvmlist.count_by_domain, kd.count_by_domain),
        (kvmlist.count_by_author, kd.count_by_author),
    ):
        assert comparable(on_dask(str(SAMPLE))) == comparable(local(sample))
    frame = kd.patches_frame(str(SAMPLE)).compute().reset_index(drop=True)
    expected = to_dataframe([m for m in sample if isinstance(m, kvmlist.Patch)])
    pandas_testing.assert_frame_equal(frame, expected, check_categorical=False)


def test_patches_frame_has_to_dataframes_rows_columns_and_dtypes(
    sample_bag: Any, sample: list[kvmlist.Message]
) -> None:
    expected = to_dataframe([m for m in sample if isinstance(m, kvmlist.Patch)])
    frame = kd.patches_frame(sample_bag)
    assert list(frame.columns) == list(expected.columns)
    got = frame.compute().reset_index(drop=True)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    # categories come in order of appearance rather than sorted; values must be the same
    pandas_testing.assert_frame_equal(got, expected, check_categorical=False)


def test_patches_frame_of_a_partition_without_patches_keeps_the_dtypes(
    client: Any, tmp_path: Path
) -> None:
    raws = list(iter_raw_messages(SAMPLE))
    files = [
        write_mbox(tmp_path / "a.mbox", raws[:10]),
        write_mbox(tmp_path / "b.mbox", [mail(subject="Re: KVM Forum", message_id="<r@x.org>")]),
        write_mbox(tmp_path / "c.mbox", raws[10:]),
    ]
    patches = [m for f in files for m in kvmlist.read_mbox(f) if isinstance(m, kvmlist.Patch)]
    got = kd.patches_frame(kd.messages_bag(files)).compute().reset_index(drop=True)
    pandas_testing.assert_frame_equal(got, to_dataframe(patches), check_categorical=False)


@pytest.mark.parametrize(
    ("cut", "title"),
    [(2, SERIES_A), (12, SERIES_B), (22, UNTHREADED)],
    ids=["cover and 1/3 | 2/3, 3/3", "1/2 | its cover", "unthreaded 1/2 | 2/2"],
)
def test_series_straddling_two_files_is_whole(
    client: Any, tmp_path: Path, cut: int, title: str
) -> None:
    raws = list(iter_raw_messages(SAMPLE))
    files = [
        write_mbox(tmp_path / "a.mbox", raws[:cut]),
        write_mbox(tmp_path / "b.mbox", raws[cut:]),
    ]
    single = kvmlist.group_series(m for f in files for m in kvmlist.read_mbox(f))
    series = kd.group_series(kd.messages_bag(files, chunk_messages=None))
    assert [s.model_dump() for s in series] == [s.model_dump() for s in single]
    straddling = next(s for s in series if s.title == title)
    assert straddling.complete
    assert len(straddling.patches) == straddling.total


def test_relayed_series_on_dask_give_the_single_process_result(client: Any, tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "relayed.mbox", THREE_PEOPLE)
    single = list(kvmlist.read_mbox(path))
    bag = kd.messages_bag(path, chunk_messages=2)
    for local, on_dask in (
        (kvmlist.count_by_author, kd.count_by_author),
        (partial(_series, kvmlist.group_series), partial(_series, kd.group_series)),
        (kvmlist.render_report, kd.render_report),
    ):
        assert comparable(on_dask(bag)) == comparable(local(single))


def posted(subject: str, number: int, answers: str | None = None, **headers: Any) -> bytes:
    """Return a mail posted at 10:<number> with Message-ID <number@x.org>, answering another."""
    extra = f"In-Reply-To: <{answers}>\nReferences: <{answers}>\n" if answers else ""
    date = f"Tue, 3 Mar 2026 10:{number:02d}:00 +0000"
    return mail(subject, message_id=f"<{number}@x.org>", date=date, extra=extra, **headers)


def test_pull_request_and_miscounting_cover_straddling_files_head_their_series(
    client: Any, tmp_path: Path
) -> None:
    pull = mail("[GIT PULL] KVM/arm updates for 5.2", "Please pull.\n", message_id="<pull@x.org>")
    cover = posted("[RFC PATCH v8 0/7] Enable ptp_kvm for arm64", 3, body="Cover text.\n")
    first = [
        pull,
        # the puller sends A's patch: an in-body From names A
        posted(
            "[PATCH 1/3] KVM: arm64: change 1", 1, "pull@x.org", body="From: A <a@x.org>\n\nx\n"
        ),
        posted("[RFC PATCH v8 1/8] p1", 2, "3@x.org"),  # before its cover
        posted("[PATCH] KVM: x86: unrelated", 4),
    ]
    second = [
        cover,
        *(posted(f"[PATCH {i}/3] KVM: arm64: change {i}", 4 + i, "pull@x.org") for i in (2, 3)),
        *(posted(f"[RFC PATCH v8 {i}/8] p{i}", 8 + i, "3@x.org") for i in range(2, 9)),
    ]
    files = [write_mbox(tmp_path / "a.mbox", first), write_mbox(tmp_path / "b.mbox", second)]
    single = kvmlist.group_series(m for f in files for m in kvmlist.read_mbox(f))
    series = kd.group_series(kd.messages_bag(files))
    assert [s.model_dump() for s in series] == [s.model_dump() for s in single]
    covers = {s.cover.message_id: len(s.patches) for s in series if s.cover is not None}
    assert covers == {"pull@x.org": 3, "3@x.org": 8}


@pytest.mark.parametrize("reply_first", [False, True], ids=["patch first", "reply first"])
def test_applied_notice_takes_the_title_the_single_process_report_gives(
    client: Any, tmp_path: Path, reply_first: bool
) -> None:
    patch = mail(subject="[PATCH] KVM: x86: Fix the PIT reinject mode", message_id="<p@x.org>")
    notice = mail(
        subject="Re: [PATCH] KVM: x86: fix pit",
        body="Applied to kvm/next, thanks!\n",
        sender="Sean Maintainer <sean@example.com>",
        message_id="<applied@example.com>",
        extra="In-Reply-To: <p@x.org>\n",
    )
    raws = [notice, patch] if reply_first else [patch, notice]
    files = [write_mbox(tmp_path / "a.mbox", raws[:1]), write_mbox(tmp_path / "b.mbox", raws[1:])]
    report = kd.render_report(kd.messages_bag(files))
    assert report == kvmlist.render_report(m for f in files for m in kvmlist.read_mbox(f))
    # the patch answered, wherever it is in the input (a list delivers a reply first)
    assert "KVM: x86: Fix the PIT reinject mode (applied by Sean Maintainer to kvm/next)" in report


@pytest.mark.parametrize("at", [0, 2, len(SERIES)], ids=["first", "amid", "last"])
def test_a_notice_naming_numbers_lists_the_patches_the_single_process_report_does(
    client: Any, tmp_path: Path, at: int
) -> None:
    raws = [*SERIES[:at], NUMBERED, *SERIES[at:]]
    files = [write_mbox(tmp_path / "a.mbox", raws[:3]), write_mbox(tmp_path / "b.mbox", raws[3:])]
    report = kd.render_report(kd.messages_bag(files, chunk_messages=2))
    assert report == kvmlist.render_report(m for f in files for m in kvmlist.read_mbox(f))
    assert all(line in report for line in by_marek(TITLES[:3]))


def test_a_chained_series_under_a_strangers_patches_lists_what_the_single_process_does(
    client: Any, tmp_path: Path
) -> None:
    raws = [*CHAINED_WITH_STRANGER, NUMBERED]
    files = [write_mbox(tmp_path / "a.mbox", raws[:4]), write_mbox(tmp_path / "b.mbox", raws[4:])]
    report = kd.render_report(kd.messages_bag(files, chunk_messages=2))
    assert report == kvmlist.render_report(m for f in files for m in kvmlist.read_mbox(f))
    assert all(line in report for line in by_marek(TITLES[:3]))


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress, bz2.compress])
def test_compressed_mbox_in_chunks_gives_the_whole_files_messages(
    client: Any, tmp_path: Path, sample: list[kvmlist.Message], compress: Any
) -> None:
    packed = tmp_path / "kvm.mbox.packed"  # opened by its content, whatever its name
    packed.write_bytes(compress(SAMPLE.read_bytes()))
    bag = kd.messages_bag(packed, chunk_messages=10)
    assert bag.npartitions == 4
    assert bag.compute() == sample


def test_a_multi_block_xz_is_cut_at_its_blocks_unread(client: Any, tmp_path: Path) -> None:
    # streams cut anywhere (mostly inside mails); planning reads only the index, and each
    # partition decompresses its own blocks
    from kvmlist.scale.xz_parts import XzPart

    from .test_parallel import xz_streams

    data = SAMPLE.read_bytes() * 30  # four blocks, all but the last over a MiB
    packed = tmp_path / "kvm.mbox.xz"
    packed.write_bytes(xz_streams(data, range(0, len(data), 1_100_000), preset=0))
    parts = kd._partitions._plan_partitions(packed, chunk_messages=1)  # planned by the workers
    assert len(parts) == 4 and all(isinstance(part, XzPart) for part in parts)
    bag = kd.messages_bag(packed, chunk_messages=1)  # a partition per block: under 10 kB
    assert bag.compute() == list(kvmlist.read_mbox(packed))


def test_a_line_longer_than_a_block_does_not_move_the_cuts(client: Any, tmp_path: Path) -> None:
    long_body = "x" * (3 * (1 << 20)) + "\nFrom the spec, this is body text\n"
    raws = [mail(body=long_body, message_id=f"<{n}@example.org>") for n in range(3)]
    path = write_mbox(tmp_path / "long.mbox", raws)
    bag = kd.messages_bag(path, chunk_messages=1)
    assert bag.npartitions == 3
    assert bag.compute() == list(kvmlist.read_mbox(path))


def test_glob_reads_the_files_in_name_order(client: Any, tmp_path: Path) -> None:
    raws = list(iter_raw_messages(SAMPLE))
    for number, start in enumerate(range(0, len(raws), 10)):
        write_mbox(tmp_path / f"part-{number:02d}.mbox", raws[start : start + 10])
    bag = kd.messages_bag(str(tmp_path / "part-*.mbox"), chunk_messages=None)
    assert bag.npartitions == 4
    assert [m.raw for m in bag.compute()] == raws


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A v2 inbox of the sample: epoch 0 holds mails 1-20 and a deletion, epoch 1 the rest."""
    raws = list(iter_raw_messages(SAMPLE))
    entries: list[tuple[str, bytes | None, int]] = [
        ("m", raw, 1772445600 + 60 * n) for n, raw in enumerate(raws)
    ]
    deletion = ("d", b"deleted\n", 1772445600 + 60 * 20)
    build_epoch(tmp_path / "inbox" / "git" / "0.git", [*entries[:20], deletion])
    build_epoch(tmp_path / "inbox" / "git" / "1.git", entries[20:])
    return tmp_path / "inbox"


@pytest.mark.parametrize("name", RESULTS)
def test_inbox_with_a_partition_per_epoch_gives_the_single_process_result(
    client: Any, inbox: Path, name: str
) -> None:
    bag = kd.messages_bag(inbox, chunk_messages=None)
    assert bag.npartitions == 2
    local, on_dask = RESULTS[name]
    assert comparable(on_dask(bag)) == comparable(local(list(kvmlist.read_inbox(inbox))))


def test_inbox_in_commit_chunks_keeps_arrival_order(client: Any, inbox: Path) -> None:
    bag = kd.messages_bag(inbox, chunk_messages=6)
    assert bag.npartitions == 4 + 4  # epoch 0: 21 commits (one a deletion); epoch 1: 19
    assert bag.compute() == list(kvmlist.read_inbox(inbox))


@pytest.mark.parametrize("chunk_messages", [None, 1, 2, 3])
def test_an_inbox_leaves_out_what_a_later_partition_or_epoch_withdrew(
    client: Any, tmp_path: Path, chunk_messages: int | None
) -> None:
    # epoch 0: mails 0-2, the removal of 1, mail 3; epoch 1: mail 4, the removal of 0, mail 5
    mails = [mail(f"[PATCH] KVM: x86: fix {n}", message_id=f"<{n}@x>") for n in range(6)]
    t0 = 1772528400
    build_epoch(
        tmp_path / "git" / "0.git",
        [
            ("m", mails[0], t0),
            ("m", mails[1], t0 + 60),
            ("m", mails[2], t0 + 120),
            ("d", mails[1], t0 + 180),
            ("m", mails[3], t0 + 240),
        ],
    )
    build_epoch(
        tmp_path / "git" / "1.git",
        [("m", mails[4], t0 + 300), ("d", mails[0], t0 + 360), ("m", mails[5], t0 + 420)],
    )
    with pytest.warns(WithdrawnMail):
        sequential = list(kvmlist.read_inbox(tmp_path))
    assert [m.message_id for m in sequential] == ["2@x", "3@x", "4@x", "5@x"]
    assert kd.messages_bag(tmp_path, chunk_messages=chunk_messages).compute() == sequential


def test_a_fifo_is_one_partition_read_once(client: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with subprocess.Popen(["sh", "-c", 'exec cat "$0" > "$1"', str(SAMPLE), str(fifo)]):
        bag = kd.messages_bag(fifo, chunk_messages=5)  # planned unread: it can be read once
        assert bag.npartitions == 1
        assert bag.compute() == list(kvmlist.read_mbox(SAMPLE))


def test_a_missing_source_is_a_source_error(client: Any, tmp_path: Path) -> None:
    with pytest.raises(kvmlist.SourceError, match="no such file"):
        kd.messages_bag(tmp_path / "absent.mbox")
    with pytest.raises(kvmlist.SourceError, match="no file matches"):
        kd.messages_bag(str(tmp_path / "*.mbox"))


def test_without_dask_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(sys.modules, "kvmlist.scale.dask")
    with pytest.raises(ImportError, match=r"kvmlist\[dask\]") as raised:
        importlib.import_module("kvmlist.scale.dask")
    assert isinstance(raised.value, kvmlist.errors.MissingExtraError)


# --- the whole kvmarm archive --------------------------------------------------------------


@pytest.fixture(scope="module")
def kvmarm(corpus: Callable[[str], Corpus]) -> Corpus:
    """The corpus as a plain file: chunks of a plain file are read without decompressing."""
    return corpus("kvmarm")


@pytest.fixture(scope="module")
def corpus_bag(client: Any, kvmarm: Corpus) -> Any:
    """The corpus in at least four chunks (5,000 mails for the whole), kept in the workers."""
    chunk = 5000 if kvmarm.whole else max(1, len(kvmarm.messages) // 4)
    return kd.messages_bag(kvmarm.path, chunk_messages=chunk).persist()


@pytest.mark.corpus
def test_corpus_is_cut_into_partitions_of_the_same_mails(corpus_bag: Any, kvmarm: Corpus) -> None:
    assert corpus_bag.npartitions >= 4
    assert corpus_bag.count().compute() == len(kvmarm.messages)
    assert len(kvmarm.messages) > (21_000 if kvmarm.whole else 0)
    ids = corpus_bag.map(lambda m: m.message_id).compute()
    assert ids == [m.message_id for m in kvmarm.messages]


@pytest.mark.corpus
@pytest.mark.parametrize("name", RESULTS)
def test_corpus_on_two_workers_gives_the_single_process_result(
    name: str, corpus_bag: Any, kvmarm: Corpus
) -> None:
    local, on_dask = RESULTS[name]
    assert comparable(on_dask(corpus_bag)) == comparable(local(kvmarm.messages))


def test_partitions_split_as_the_whole_file_at_block_boundaries(tmp_path: Path) -> None:
    # "From v12:" (no date: a body line) ends a 64-byte read block; a partition starting
    # mid-file must judge it as the sequential reader does
    from kvmlist.scale.dask import _partitions
    from kvmlist.sources import mbox as mbox_source

    separator = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    data = (
        b"From a Thu Jan  1 00:00:00 1970\n" + b"y" * 46 + b"\n" + separator + b"From v12:\nzzzzz\n"
        + b"z" * 40
        + b"\n" + separator + b"last\n"
    )  # fmt: skip
    path = tmp_path / "m.mbox"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox_source, "BLOCK", 64)
        whole = [m.raw for m in kvmlist.read_mbox(path)]
        parts = _partitions._plan_source(str(path), 1, "mboxrd")
        cut = [m.raw for part in parts for m in _partitions._read_part(part)]
    assert len(parts) > 1 and len(whole) == 3
    assert cut == whole


def test_a_retraction_in_another_partition_removes_the_applied_line(
    client: Any, tmp_path: Path
) -> None:
    from .test_retraction import ADDED, DROPPED, NAK, series

    path = write_mbox(tmp_path / "dropped.mbox", [*series(), ADDED, NAK, DROPPED])
    single = kvmlist.render_report(list(kvmlist.read_mbox(path)))
    assert "(applied by" not in single
    assert kd.render_report(kd.messages_bag(path, chunk_messages=2)) == single


@pytest.mark.parametrize("compress", [bytes, lzma.compress])
def test_a_single_mail_file_quoting_an_mbox_is_one_mail(
    client: Any, tmp_path: Path, compress: Any
) -> None:
    # an .eml (no separator line) whose body pastes an mbox: the sequential reader and the
    # workers read one mail; so must Dask, in one partition, however small the chunks
    pasted = "".join(
        f"From bot@example.org Mon Mar  2 10:0{n}:00 2026\nSubject: line {n}\n\ntext {n}\n\n"
        for n in range(3)
    )
    raw = mail(body=f"Here is the mbox the reporter sent:\n\n{pasted}")
    eml = tmp_path / "one.eml"
    eml.write_bytes(compress(raw))
    bag = kd.messages_bag(eml, chunk_messages=1)
    assert bag.npartitions == 1
    assert bag.compute() == list(kvmlist.read(eml))


def test_patches_frame_and_counts_leave_out_a_pull_requests_cover_letter(
    client: Any, tmp_path: Path
) -> None:
    from .test_pulls import authored_netdev_pull_raws

    path = write_mbox(tmp_path / "pull.mbox", authored_netdev_pull_raws())
    messages = list(kvmlist.read_mbox(path))
    assert comparable(kd.count_by_author(str(path))) == comparable(
        kvmlist.count_by_author(messages)
    )
    frame = kd.patches_frame(str(path)).compute().reset_index(drop=True)
    assert list(frame["message_id"]) == ["c1@x", "c2@x"]  # the patch mails stats counts


def test_a_pull_requests_copies_in_other_files_are_left_out_alike_on_dask(
    client: Any, tmp_path: Path
) -> None:
    from .test_pull_copies import ORIGINALS, QEMU_PULL

    files = [write_mbox(tmp_path / "a.mbox", QEMU_PULL), write_mbox(tmp_path / "b.mbox", ORIGINALS)]
    messages = [m for f in files for m in kvmlist.read_mbox(f)]
    bag = kd.messages_bag(files)
    assert comparable(kd.count_by_author(bag)) == comparable(kvmlist.count_by_author(messages))
    assert kd.render_report(bag) == kvmlist.render_report(messages)
    frame = kd.patches_frame(bag).compute().reset_index(drop=True)
    expected = to_dataframe(messages)
    expected = expected[expected["kind"] != "pull"].reset_index(drop=True)
    pandas_testing.assert_frame_equal(frame, expected, check_categorical=False)
    assert list(frame["kind"]) == ["copy", "copy", "patch", "patch"]
