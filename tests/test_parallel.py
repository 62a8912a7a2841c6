"""Worker processes give exactly the sequential results, in the same order."""

from __future__ import annotations

import itertools
import lzma
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kvmlist
import kvmlist.scale.workers
import kvmlist.sources.reader
from kvmlist.analysis.check import check_messages, check_row, check_rows
from kvmlist.analysis.identities import Mailmap
from kvmlist.scale.workers import (
    check_in_workers,
    count_by_field_in_workers,
    map_in_workers,
    parse_in_workers,
    render_report_in_workers,
    summaries_in_workers,
    worth_workers,
)
from kvmlist.sources import mbox as mbox_source
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import FIXTURES, ROOT, SEED_MBOX, mail, mbox, need
from .inbox_builder import build_epoch, unpack_objects
from .test_repeats import ARCHIVE as REDELIVERED
from .test_report_numbers import CHAINED_WITH_STRANGER, NUMBERED, SERIES, by_marek
from .test_report_numbers import TITLES as NUMBERED_TITLES


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    # many slices and batches, cut at 4 KiB read boundaries, so order and cutting matter
    monkeypatch.setattr(mbox_source, "BLOCK", 4096)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 4)


@pytest.fixture
def raws() -> list[bytes]:
    return list(iter_raw_messages(FIXTURES / "kvm-sample.mbox"))


def generated_mails(count: int) -> Iterator[bytes]:
    """Realistic mails of many sizes: patches, replies, a long line, a body "From " line."""
    for i in range(count):
        subject = f"[PATCH v{i % 3 + 1} {i % 5 + 1}/5] KVM: arm64: change {i // 5}"
        body = f"Change {i}.\n\nSigned-off-by: Dev {i % 13} <dev{i % 13}@corp{i % 4}.com>\n"
        if i % 7 == 0:
            subject = f"Re: {subject}"
            body = "> quoted\n" * (i % 50) + "From the spec, this is fine.\n"
        if i % 31 == 0:
            body += "x" * 9000 + "\n"  # longer than a read block
        diff = f"---\n f{i}.c | 2 +-\n\ndiff --git a/f{i}.c b/f{i}.c\n--- a/f{i}.c\n"
        diff += f"+++ b/f{i}.c\n@@ -1 +1 @@\n-a\n+b\n"
        sender = f"Dev {i % 13} <dev{i % 13}@corp{i % 4}.com>"
        yield mail(subject, body + diff, sender=sender, message_id=f"<{i}@corp.com>")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mbox") / "large.mbox"
    path.write_bytes(mbox(*generated_mails(600)))
    return path


@pytest.fixture(params=["plain", "xz", "xz blocks", "file object"])
def source(request: pytest.FixtureRequest, large: Path, tmp_path: Path) -> Path | str:
    """The large mbox as a plain file, an .xz file of one block or of many (which workers
    decompress themselves), or "file object" (opened by the test)."""
    if request.param.startswith("xz"):
        data = large.read_bytes()
        packed = tmp_path / "large.mbox.xz"
        pieces = 1 if request.param == "xz" else 23  # cut anywhere, mostly inside mails
        packed.write_bytes(xz_streams(data, range(0, len(data), -(-len(data) // pieces))))
        return packed
    return large if request.param == "plain" else str(large)


def xz_streams(data: bytes, starts: Iterable[int], preset: int = 6) -> bytes:
    """data as .xz streams one after the other (one block each), cut at ``starts``."""
    cuts = sorted({0, *starts, len(data)})
    pieces = (data[a:b] for a, b in itertools.pairwise(cuts))
    return b"".join(lzma.compress(piece, preset=preset) for piece in pieces)


def test_models_from_two_workers_equal_the_sequential_ones(raws: list[bytes]) -> None:
    sequential = list(kvmlist.sources.reader.parse_raw(raws))
    assert list(parse_in_workers(raws, 2)) == sequential


@pytest.mark.parametrize("field", ["author", "domain", "organisation"])
def test_counts_from_two_workers_equal_the_sequential_ones(raws: list[bytes], field: str) -> None:
    sequential = kvmlist.analysis.aggregate.count_by_field(
        kvmlist.sources.reader.parse_raw(raws), field
    )
    parallel = count_by_field_in_workers(raws, field, 2)
    assert list(parallel.items()) == list(sequential.items())  # same keys, counts and order


@pytest.mark.parametrize("field", ["author", "domain", "organisation"])
def test_counts_with_a_mailmap_from_two_workers_equal_the_sequential_ones(
    raws: list[bytes], field: str
) -> None:
    mailmap = Mailmap.parse(
        [
            "Yuki Tanabe <yuki@tanabe.example> <tanabe.yuki@fujitsu.com>",
            "Hannah Whitlock <hannah.whitlock@arm.com> <emily.hargreaves@gmail.com>",
        ]
    )
    messages = list(kvmlist.sources.reader.parse_raw(raws))
    sequential = kvmlist.analysis.aggregate.count_by_field(messages, field, mailmap=mailmap)
    parallel = count_by_field_in_workers(raws, field, 2, mailmap=mailmap)
    assert list(parallel.items()) == list(sequential.items())
    unmapped = kvmlist.analysis.aggregate.count_by_field(messages, field)
    assert list(sequential.items()) != list(unmapped.items())  # the mailmap changed something


def test_unknown_field_is_a_usage_error(raws: list[bytes]) -> None:
    with pytest.raises(kvmlist.UsageError):
        count_by_field_in_workers(raws, "colour", 2)


@pytest.mark.parametrize("name", ["kvm-sample.mbox", "broken.mbox", "crlf.mbox"])
def test_fixture_mbox_parsed_in_workers_equals_read_mbox(name: str) -> None:
    path = FIXTURES / name
    assert list(parse_in_workers(path, 2)) == list(kvmlist.read_mbox(path))


def test_large_mbox_parsed_in_workers_equals_read_mbox(source: Path | str) -> None:
    sequential = list(kvmlist.read_mbox(source if isinstance(source, Path) else Path(source)))
    if isinstance(source, str):  # a binary file object: the parent reads, workers split
        with open(source, "rb") as stream:
            parallel = list(parse_in_workers(stream, 2))
    else:
        parallel = list(parse_in_workers(source, 2))
    assert len(parallel) == 600
    assert parallel == sequential


def test_a_dataframe_from_workers_is_the_sequential_one(source: Path | str) -> None:
    # the workers hand back rows, and the frame is typed as to_dataframe types it
    pandas = pytest.importorskip("pandas")
    from kvmlist.outputs.export import to_dataframe
    from kvmlist.scale.workers import dataframe_in_workers

    path = Path(source)
    sequential = to_dataframe(kvmlist.read_mbox(path))
    if isinstance(source, str):
        with open(source, "rb") as stream:
            parallel = dataframe_in_workers(stream, 2)
    else:
        parallel = dataframe_in_workers(source, 2)
    assert len(parallel) == 600 and str(parallel["date"].dtype) == "datetime64[ns, UTC]"
    pandas.testing.assert_frame_equal(parallel, sequential)
    broken = FIXTURES / "broken.mbox"  # mails with defects: the same rows, the same defects
    pandas.testing.assert_frame_equal(
        dataframe_in_workers(broken, 2), to_dataframe(kvmlist.read_mbox(broken))
    )


@pytest.mark.parametrize("field", ["author", "domain"])
def test_large_mbox_counts_in_workers_equal_the_sequential_ones(large: Path, field: str) -> None:
    sequential = kvmlist.analysis.aggregate.count_by_field(kvmlist.read_mbox(large), field)
    parallel = count_by_field_in_workers(large, field, 3)
    assert list(parallel.items()) == list(sequential.items())


def test_one_worker_runs_in_this_process(large: Path) -> None:
    assert list(map_in_workers(large, 1, _pid)) == [_pid(None)] * 600


def _pid(_: object) -> int:
    import os

    return os.getpid()


def test_strict_worker_raises_where_the_sequential_read_raises() -> None:
    path = FIXTURES / "broken.mbox"
    sequential, parallel = [], []
    with pytest.raises(kvmlist.MessageParseError) as expected:
        sequential.extend(kvmlist.read_mbox(path, strict=True))
    with pytest.raises(kvmlist.MessageParseError) as raised:
        parallel.extend(parse_in_workers(path, 2, strict=True))
    assert parallel == sequential
    assert str(raised.value) == str(expected.value)


def _fail_on_marker(raw: bytes, *, strict: bool = False) -> kvmlist.Message:
    if b"change 17" in raw:
        raise RuntimeError("cannot parse this one")
    return kvmlist.parse.message.parse_message(raw, strict=strict)


def test_mail_the_parser_fails_on_comes_out_as_in_sequence(
    large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kvmlist.sources.reader, "parse_message", _fail_on_marker)  # workers fork it
    sequential = list(kvmlist.read_mbox(large))
    parallel = list(parse_in_workers(large, 2))
    assert parallel == sequential
    assert [m.defects[0].kind for m in parallel if m.defects] == ["unparsable"] * 5


def test_truncated_archive_gives_the_mails_before_the_damage_then_the_error(
    large: Path, tmp_path: Path
) -> None:
    path = _cut_in_half(large, tmp_path)
    sequential, parallel = [], []
    with pytest.raises(kvmlist.SourceError) as expected:
        sequential.extend(kvmlist.read_mbox(path))
    with pytest.raises(kvmlist.SourceError) as raised:
        parallel.extend(parse_in_workers(path, 2))
    assert 0 < len(parallel) == len(sequential)
    assert parallel == sequential
    assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize("form", ["plain", "xz blocks"])
def test_a_pipe_named_as_a_path_is_read_once_as_a_stream(
    large: Path, tmp_path: Path, form: str
) -> None:
    # what `kvmlist stats <(cat large.mbox) --workers 2` names: /dev/fd/N, no regular file
    path = large
    if form == "xz blocks":
        data = large.read_bytes()
        path = tmp_path / "large.mbox.xz"
        path.write_bytes(xz_streams(data, range(0, len(data), len(data) // 23)))
    with subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE) as cat:
        assert cat.stdout is not None
        parallel = list(parse_in_workers(f"/dev/fd/{cat.stdout.fileno()}", 2))
    assert parallel == list(kvmlist.read_mbox(large))


def test_not_an_mbox_is_the_usual_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some notes\n" * 2000)
    with pytest.raises(kvmlist.MboxFormatError, match="not an mbox"):
        list(parse_in_workers(path, 2))


def test_stopping_early_leaves_no_work_behind(large: Path) -> None:
    first = list(itertools.islice(parse_in_workers(large, 2), 3))
    assert first == list(itertools.islice(kvmlist.read_mbox(large), 3))


# --- the cutting itself, in this process, against the sequential splitter on hostile input ---

LINES = st.sampled_from(
    [
        b"From mboxrd@z Thu Jan  1 00:00:00 1970\n",
        b"From jane@example.org Tue Mar  3 10:00:00 2026\n",
        b"From - Mon Dec  7 10:11:12 2026\n",
        b"From 1234567890123456789@xxx Mon Dec 07 10:11:12 +0000 2026\r\n",
        b"From jane\n",
        b"From \n",
        b"From x\n12:34\n",
        b"From v1:\n",
        b"From the datasheet, section 3.1: the register at 10:30 offset.\n",
        b"From foo@baz Mon Mar 15 12:28:42 PM CET 2021\n",
        b"From x Mon Dec  7 10:11:12 2026 and more\n",
        b">From quoted\n",
        b"Subject: hi\n",
        b"\n",
        b"  \n",
        b"body text\n",
        b"y" * 30 + b"\n",
        b"x" * 40,
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(LINES, max_size=60),
    block=st.integers(8, 64),
    chunk=st.integers(1, 200),
    form=st.sampled_from(["plain", "xz", "xz blocks"]),
    starts=st.lists(st.integers(0, 2000), max_size=6),
    peek=st.integers(1, 64),
)
def test_slices_split_into_exactly_the_sequential_mails(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[bytes],
    block: int,
    chunk: int,
    form: str,
    starts: list[int],
    peek: int,
) -> None:
    data = b"From a Thu Jan  1 00:00:00 1970\n" + b"".join(lines)
    path = tmp_path_factory.mktemp("cut") / "m.mbox"
    if form == "xz blocks":  # cut anywhere into blocks of a read or more (all but the last:
        cuts: list[int] = []  # smaller ones are read serially): workers decompress blocks
        for start in sorted({start % (len(data) + 1) for start in starts}):
            if start - (cuts[-1] if cuts else 0) >= block:
                cuts.append(start)
        path.write_bytes(xz_streams(data, cuts))
    else:
        path.write_bytes(data if form == "plain" else lzma.compress(data))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox_source, "BLOCK", block)
        patch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", chunk)
        patch.setattr(kvmlist.scale.workers, "PEEK_BYTES", peek)  # a cut read in two steps
        sequential = list(iter_raw_messages(path))
        jobs = list(kvmlist.scale.workers._jobs(path))
        cut = [raw for job in jobs for raw in kvmlist.scale.workers._job_mails(job)]
    assert cut == sequential


def test_body_from_line_ending_a_read_block_is_judged_as_sequentially(tmp_path: Path) -> None:
    # "From v12:" ends the 64-byte read block [64, 128): each line is judged alone (no date,
    # no separator), so the worker whose slice starts at byte 79 cuts there and only there
    separator = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    first = b"From a Thu Jan  1 00:00:00 1970\n"
    data = first + b"y" * 46 + b"\n" + separator + b"From v12:\nzzzzz\n" + b"z" * 40
    path = tmp_path / "m.mbox"
    path.write_bytes(data + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox_source, "BLOCK", 64)
        patch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", 1)
        sequential = list(iter_raw_messages(path))
        jobs = list(kvmlist.scale.workers._jobs(path))
        cut = [raw for job in jobs for raw in kvmlist.scale.workers._job_mails(job)]
    assert [job.start for job in jobs] == [0, 79]  # type: ignore[union-attr]
    assert len(sequential) == 2
    assert cut == sequential


def test_a_range_whose_file_is_gone_is_a_source_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "m.mbox"
    path.write_bytes(b"From a Thu Jan  1 00:00:00 1970\nSubject: x\n\nx\n")
    jobs = list(kvmlist.scale.workers._jobs(path))
    path.unlink()  # the archive moved away between cutting and reading
    with pytest.raises(kvmlist.SourceError, match=r"m\.mbox: cannot read"):
        list(kvmlist.scale.workers._job_mails(jobs[0]))


def test_models_travel_back_without_the_raw_bytes_the_parent_splits_again(large: Path) -> None:
    import pickle

    job = _job_of_most_mails(large)
    light, error = kvmlist.scale.workers._parse_light(job, False)
    raws = list(kvmlist.scale.workers._job_mails(job))
    assert error is None and len(light) == len(raws) > 1
    travelling = pickle.dumps(light)
    assert not any(raw in travelling for raw in raws)
    back = kvmlist.scale.workers._with_raw(job, pickle.loads(pickle.dumps(light)))
    assert back == list(kvmlist.sources.reader.parse_raw(raws))


def _job_of_most_mails(path: Path) -> Any:
    jobs = kvmlist.scale.workers._jobs(path)
    return max(jobs, key=lambda job: len(list(kvmlist.scale.workers._job_mails(job))))


@pytest.mark.parametrize("change", ["longer", "shorter"])
def test_a_file_rewritten_while_the_workers_read_it_is_a_source_error(
    tmp_path: Path, change: str
) -> None:
    path = tmp_path / "m.mbox"
    path.write_bytes(mbox(*generated_mails(40)))
    job = _job_of_most_mails(path)
    light, _ = kvmlist.scale.workers._parse_light(job, False)
    data = path.read_bytes()
    if change == "longer":  # a mail of the job grows: the mails no longer line up
        second = list(kvmlist.scale.workers._job_mails(job))[1]
        path.write_bytes(data.replace(second, second.replace(b"\n\n", b"\nX-Added: 1\n\n", 1)))
    else:  # the file lost its end: fewer mails than the worker read
        path.write_bytes(data[: job.start + len(light[0][0].raw) + 200])
    with pytest.raises(kvmlist.SourceError, match=r"m\.mbox: changed while it was read"):
        kvmlist.scale.workers._with_raw(job, light)


def test_a_file_appended_to_while_the_workers_read_it_gives_the_mails_it_had(
    tmp_path: Path,
) -> None:
    """A mailer may deliver into the mbox as it is read: the mails come out as the file was
    when it was cut into jobs, from the workers and from the parent splitting it again."""
    path = tmp_path / "m.mbox"
    path.write_bytes(mbox(*generated_mails(40)))
    before = list(kvmlist.read_mbox(path))
    jobs = list(kvmlist.scale.workers._jobs(path))
    with path.open("ab") as delivery:  # a new mail, its first half written so far
        delivery.write(b"From new@example.org Tue Mar  3 10:00:00 2026\nSubject: [PATCH] x\n")
    back = []
    for job in jobs:
        light, error = kvmlist.scale.workers._parse_light(job, False)
        assert error is None
        back.extend(kvmlist.scale.workers._with_raw(job, light))
    assert back == before


def test_workers_run_on_a_python_built_without_ctypes(
    raws: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ctypes", None)  # import ctypes raises ImportError
    assert list(parse_in_workers(raws, 2)) == list(kvmlist.sources.reader.parse_raw(raws))


def test_the_progress_hook_counts_the_mails_the_workers_hand_back(raws: list[bytes]) -> None:
    handed: list[object] = []

    def progress(rows: Iterable[Any]) -> Iterator[Any]:
        for row in rows:
            handed.append(row)
            yield row

    counted = count_by_field_in_workers(raws, "domain", 2, progress=progress)
    assert counted == count_by_field_in_workers(raws, "domain", 2)
    assert len(handed) == len(raws)


@pytest.mark.parametrize(
    "name", ["kvm-sample.mbox", "review-lifecycle.mbox", "broken.mbox", "landed-posted.mbox"]
)
def test_report_from_workers_is_the_sequential_report(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # acceptance notices whose patch another worker parsed take its title all the same
    path = FIXTURES / name
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Lars Eriksen <lars.eriksen@ericsson.com> <lars.eriksen@gmail.com>\n")
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 3)  # raw mails: jobs of 3 mails
    for merged in (None, Mailmap.from_file(mailmap)):
        sequential = kvmlist.render_report(kvmlist.read_mbox(path), mailmap=merged)
        assert render_report_in_workers(path, 2, mailmap=merged) == sequential
        raws = list(iter_raw_messages(path))
        assert render_report_in_workers(raws, 2, mailmap=merged) == sequential
        assert merged is None or name != "kvm-sample.mbox" or "ericsson.com" in sequential


@pytest.mark.parametrize("at", [0, 2, len(SERIES)], ids=["first", "amid", "last"])
def test_a_notice_naming_numbers_lists_the_same_patches_from_workers(
    at: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the notice and the patches it names land in different jobs, before or after them
    path = tmp_path / "numbered.mbox"
    path.write_bytes(mbox(*SERIES[:at], NUMBERED, *SERIES[at:]))
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 2)
    sequential = kvmlist.render_report(kvmlist.read_mbox(path))
    assert render_report_in_workers(path, 2) == sequential
    assert render_report_in_workers(list(iter_raw_messages(path)), 2) == sequential
    assert render_report_in_workers(path, 1) == sequential
    assert all(line in sequential for line in by_marek(NUMBERED_TITLES[:3]))


def test_a_chained_series_under_a_strangers_patches_lists_the_same_from_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chained.mbox"
    path.write_bytes(mbox(*CHAINED_WITH_STRANGER, NUMBERED))
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 2)  # the chain spans jobs
    sequential = kvmlist.render_report(kvmlist.read_mbox(path))
    assert render_report_in_workers(path, 2) == sequential
    assert render_report_in_workers(list(iter_raw_messages(path)), 2) == sequential
    assert all(line in sequential for line in by_marek(NUMBERED_TITLES[:3]))
    assert "shell 2 (applied by" not in sequential


def test_a_retraction_in_another_job_removes_the_applied_line_from_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_retraction import ADDED, DROPPED, NAK, series

    path = tmp_path / "dropped.mbox"
    path.write_bytes(mbox(*series(), ADDED, NAK, DROPPED))
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 2)  # notice and retraction apart
    sequential = kvmlist.render_report(kvmlist.read_mbox(path))
    assert "(applied by" not in sequential
    assert render_report_in_workers(path, 2) == sequential
    assert render_report_in_workers(list(iter_raw_messages(path)), 2) == sequential


def test_seed_report_from_workers_is_byte_exact() -> None:
    range_ = kvmlist.ReportRange("e5d776dd9", "793f3e63a")
    expected = kvmlist.render_report(kvmlist.read_mbox(need(SEED_MBOX)), range=range_)
    assert render_report_in_workers(SEED_MBOX, 3, range=range_) == expected
    assert "applied by" in expected or "New:" in expected


@pytest.mark.parametrize(
    "name", ["kvm-sample.mbox", "broken.mbox", "content-kinds.mbox", "series-shapes.mbox"]
)
def test_check_from_workers_is_the_sequential_check(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kinds, defects with their first examples in archive order, series completeness; the
    # workers hand back a part per slice: slices of 3 mails make defects, examples,
    # duplicates and series cross many of them
    path = need(FIXTURES / name)
    sequential = check_messages(0, kvmlist.read_mbox(path))
    assert vars(check_rows(0, map_in_workers(path, 2, check_row))) == vars(sequential)
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 3)  # raw mails: jobs of 3 mails
    raws = list(iter_raw_messages(path))
    for source in (path, raws):
        in_workers = check_in_workers(source, 2)
        assert vars(in_workers) == vars(sequential)
        assert list(in_workers.defects) == list(sequential.defects)  # first seen, first
    assert sequential.mails_out and sum(sequential.kinds.values()) == sequential.mails_out


def test_check_of_the_large_mbox_equal_in_every_source_form(source: Path | str) -> None:
    expected = check_messages(0, kvmlist.read_mbox(source))
    if isinstance(source, str):
        with open(source, "rb") as stream:
            result = check_in_workers(stream, 2)
    else:
        result = check_in_workers(source, 2)
    assert vars(result) == vars(expected) and expected.series_partial > 0


def test_workers_pay_for_a_large_file_and_a_compressed_one_that_holds_as_much(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, packed, small = tmp_path / "a.mbox", tmp_path / "a.mbox.xz", tmp_path / "s.mbox"
    data = mbox(*generated_mails(60))
    plain.write_bytes(data)
    packed.write_bytes(lzma.compress(data))
    # two slices are more than the compressed file, less than it holds (and than the plain one)
    slices = kvmlist.scale.workers.COMPRESSED_RATIO * packed.stat().st_size - 2
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK_BYTES", slices // 2)
    assert packed.stat().st_size < slices <= len(data)
    small.write_bytes(data[: packed.stat().st_size])  # as large as the compressed file
    assert worth_workers(plain) and worth_workers(packed)
    assert not worth_workers(small) and not worth_workers(tmp_path / "missing.mbox")
    assert not worth_workers(tmp_path)  # a directory (a Maildir) is not split by size


def test_validators_are_built_before_the_workers_fork() -> None:
    """pydantic builds a model's validator on first use; built in the parent before the fork,
    every worker inherits it instead of building its own on its first job."""
    code = (
        "from kvmlist.models import Message, Patch, Person\n"
        "from kvmlist.scale.workers import parse_in_workers\n"
        "models = (Message, Patch, Person)\n"
        "assert not any(m.__pydantic_complete__ for m in models)\n"
        "list(parse_in_workers([b'Subject: x\\n\\nx\\n'] * 3, 2))\n"
        "print(all(m.__pydantic_complete__ for m in models))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "True"


def _ids_of(messages: Iterable[kvmlist.Message]) -> list[str]:
    return [m.message_id for m in messages]


def test_summaries_of_jobs_cover_every_mail_in_order(
    source: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker summarises a whole job; the jobs' summaries, in order, hold every mail."""
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 64)  # file objects: batches of 64
    if isinstance(source, str):
        with open(source, "rb") as stream:
            jobs = list(summaries_in_workers(stream, 2, _ids_of))
    else:
        jobs = list(summaries_in_workers(source, 2, _ids_of))
    sequential = _ids_of(kvmlist.read_mbox(source if isinstance(source, Path) else Path(source)))
    assert [m for _, ids in jobs for m in ids] == sequential
    assert [count for count, _ in jobs] == [len(ids) for _, ids in jobs]
    one = list(summaries_in_workers(Path(source), 1, _ids_of))  # this process: batches
    assert len(one) >= 10 and max(len(ids) for _, ids in one) <= 64
    assert [m for _, ids in one for m in ids] == sequential


def test_a_summarised_job_stopped_by_damage_hands_back_the_mails_before_it(
    large: Path, tmp_path: Path
) -> None:
    path = _cut_in_half(large, tmp_path)
    sequential: list[kvmlist.Message] = []
    with pytest.raises(kvmlist.SourceError) as expected:
        sequential.extend(kvmlist.read_mbox(path))
    summarised: list[str] = []
    with pytest.raises(kvmlist.SourceError) as raised:
        for _, ids in summaries_in_workers(path, 2, _ids_of):
            summarised.extend(ids)
    assert summarised == _ids_of(sequential) and summarised
    assert str(raised.value) == str(expected.value)


def test_report_from_workers_of_the_large_mbox_in_every_source_form(
    source: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptances answer patches of earlier jobs; jobs hold runs of replies and patches."""
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 16)
    expected = kvmlist.render_report(kvmlist.read_mbox(Path(source)))
    if isinstance(source, str):
        with open(source, "rb") as stream:
            assert render_report_in_workers(stream, 2) == expected
    else:
        assert render_report_in_workers(source, 2) == expected
    counted: list[object] = []
    progress = lambda items: (counted.append(item) or item for item in items)  # noqa: E731
    assert render_report_in_workers(Path(source), 2, progress=progress) == expected
    assert len(counted) == 600  # the bar counts mails, not jobs


def test_check_in_workers_keeps_the_first_examples_of_a_defect_seen_in_every_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eight mails without a Date, two of them the same mail twice: slices of 3 each hold
    # examples, and only the archive's first three distinct ones may be named
    ids = [f"<{n}@example.org>" for n in (1, 2, 2, 3, 4, 5, 5, 6)]
    path = tmp_path / "undated.mbox"
    path.write_bytes(
        mbox(*(mail(f"[PATCH] x{n}", message_id=i, date=None) for n, i in enumerate(ids)))
    )
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 3)
    sequential = check_messages(0, kvmlist.read_mbox(path))
    assert sequential.examples["missing-date"] == [
        "1@example.org",
        "2@example.org",
        "3@example.org",
    ]
    assert sequential.defects["missing-date"] == 8
    assert vars(check_in_workers(list(iter_raw_messages(path)), 2)) == vars(sequential)


def test_check_in_workers_lists_the_repeats_across_slices_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slices of 3 mails: a copy and its first arrival are in different slices
    path = tmp_path / "redelivered.mbox"
    path.write_bytes(mbox(*REDELIVERED))
    sequential = check_messages(0, kvmlist.read_mbox(path))
    assert len(sequential.repeats) == 5
    monkeypatch.setattr(kvmlist.scale.workers, "CHUNK", 3)
    assert vars(check_in_workers(list(iter_raw_messages(path)), 2)) == vars(sequential)
    assert vars(check_in_workers(path, 2)) == vars(sequential)
    assert vars(check_rows(0, map_in_workers(path, 2, check_row))) == vars(sequential)


def _cut_in_half(mbox_path: Path, tmp_path: Path) -> Path:
    """An xz copy of an mbox cut halfway: its first mails read, then the stream is damaged."""
    packed = lzma.compress(mbox_path.read_bytes())
    path = tmp_path / "cut.mbox.xz"
    path.write_bytes(packed[: len(packed) // 2])
    return path


# --- a public-inbox archive: the parent lists the mails, the workers read them from git ---


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A v2 inbox of two epochs, a deletion in each, 80 mails in all."""
    root = tmp_path_factory.mktemp("inbox")
    (root / "git").mkdir()
    mails = list(generated_mails(80))
    for number, part in enumerate((mails[:50], mails[50:])):
        entries: list[tuple[str, bytes | None, int]] = [
            ("m", raw, 1772528400 + 60 * i) for i, raw in enumerate(part)
        ]
        entries.insert(7, ("d", b"deleted\n", 1772528400 + 400))
        build_epoch(root / "git" / f"{number}.git", entries)
    return root


def test_an_inbox_read_by_the_workers_gives_the_sequential_mails(archive: Path) -> None:
    jobs = list(kvmlist.scale.workers._jobs(archive))  # batches of CHUNK (4) per epoch
    assert len(jobs) == 13 + 8 and all(
        isinstance(job, kvmlist.scale.workers._InboxBatch) for job in jobs
    )
    sequential = list(kvmlist.read_inbox(archive))
    assert len(sequential) == 80
    assert list(parse_in_workers(archive, 2)) == sequential
    assert render_report_in_workers(archive, 2) == kvmlist.render_report(sequential)


def test_a_selection_of_an_inbox_is_read_by_the_workers_as_by_this_process(
    archive: Path,
) -> None:
    # a range across the two epochs, and commit-time bounds: the workers read the mails
    # listed, and the selection notes the same first and last arrival as a sequential read
    from datetime import datetime, timedelta, timezone

    from kvmlist.sources.public_inbox import InboxSelection

    commits = _git(archive / "git" / "0.git", "rev-list", "--reverse", "HEAD").split()
    first, after = commits[20:22]
    last = _git(archive / "git" / "1.git", "rev-list", "--reverse", "HEAD").split()[12]
    since = datetime.fromtimestamp(1772528400 + 60 * 10, tz=timezone.utc)
    cases: list[tuple[dict[str, Any], tuple[str, str] | None]] = [
        ({"commit_range": f"{first}..{last}"}, (after, last)),  # A..B: after A, up to B
        ({"since": since}, None),
        ({"commit_range": f"{first[:10]}..", "until": since + timedelta(hours=1)}, None),
    ]
    for selection, ends in cases:
        here, there = InboxSelection(archive, **selection), InboxSelection(archive, **selection)
        sequential = list(kvmlist.read_inbox(archive, **selection))
        assert list(kvmlist.sources.reader.parse_raw(m.raw for m in here.mails())) == sequential
        jobs = list(kvmlist.scale.workers._jobs(there))
        assert all(isinstance(job, kvmlist.scale.workers._InboxBatch) for job in jobs)
        assert list(parse_in_workers(there, 2)) == sequential and 10 < len(sequential) < 80
        assert there.first and there.last and (there.first, there.last) == (here.first, here.last)
        if ends is not None:
            assert (there.first.commit, there.last.commit) == ends


@pytest.mark.parametrize("lost", ["blobs", "a commit"])
def test_an_inbox_whose_git_fails_gives_the_sequential_mails_then_the_error(
    archive: Path, tmp_path: Path, lost: str
) -> None:
    # epoch 0 lost three mails' blobs (the first stops the read), or epoch 1 a commit
    # (git log fails)
    import shutil

    broken = tmp_path / "inbox"
    shutil.copytree(archive, broken)
    for epoch in ("0.git", "1.git"):
        unpack_objects(broken / "git" / epoch)
    if lost == "blobs":
        listed = _git(broken / "git" / "0.git", "log", "--reverse", "--format=%H:m", "--", "m")
        gone = [
            ("0.git", sha)
            for sha in _git(
                broken / "git" / "0.git", "rev-parse", *listed.split()[10:40:10]
            ).split()
        ]
        error, before = "is not in the repository", 9  # the deletion came before it
    else:
        gone = [("1.git", _git(broken / "git" / "1.git", "rev-list", "HEAD").split()[15])]
        error, before = "git log in", 0  # its removals are listed before the first mail
    for git_dir, sha in gone:
        (broken / "git" / git_dir / "objects" / sha[:2] / sha[2:]).unlink()
    sequential, parallel = [], []
    with pytest.raises(kvmlist.SourceError, match=error) as expected:
        sequential.extend(kvmlist.read_inbox(broken))
    with pytest.raises(kvmlist.SourceError) as raised:
        parallel.extend(parse_in_workers(broken, 2))
    assert len(sequential) == before
    assert parallel == sequential
    assert str(raised.value) == str(expected.value)


def _git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_stopping_early_leaves_no_git_behind(archive: Path) -> None:
    first = list(itertools.islice(parse_in_workers(archive, 2), 3))
    assert first == list(itertools.islice(kvmlist.read_inbox(archive), 3))
    assert not [command for command in _children() if b"git" in command]


def _children() -> list[bytes]:
    """The command lines of this process's children (Linux)."""
    import contextlib
    import os

    found = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):  # gone meanwhile
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes())
    return found


@pytest.mark.parametrize("command", ["series", "review", "stalled", "pulls"])
@pytest.mark.parametrize("name", ["large", "kvm-sample.mbox"])
def test_commands_that_hold_the_archive_print_the_same_from_workers(
    command: str, name: str, large: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvmlist.cli.commands import main

    path = large if name == "large" else FIXTURES / name
    printed = []
    for workers in ("1", "2"):
        assert main([command, str(path), "--workers", workers, "--format", "json"]) == 0
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] and len(printed[0]) > 20


#: A patch the parser fails on (parse_subject made to raise for it below): a parser bug.
UNREADABLE = "[PATCH 2/3] KVM: arm64: Take the lock before the vgic walk"


def _subject_failing_on_one(subject: str) -> Any:
    if subject == UNREADABLE:
        raise RuntimeError("a parser bug")
    return kvmlist.parse.subject.parse_subject(subject)


@pytest.fixture
def noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An mbox of several slices with a mail the parser fails on and one delivered twice."""
    import kvmlist.parse.message

    monkeypatch.setattr(kvmlist.parse.message, "parse_subject", _subject_failing_on_one)
    mails = list(generated_mails(40))
    mails.insert(12, mail(UNREADABLE, message_id="<vgic-2@corp.com>"))
    mails.insert(30, mails[5])  # the list delivered it again
    path = tmp_path / "noted.mbox"
    path.write_bytes(mbox(*mails))
    return path


#: What a command says on stderr of the mbox ``noted`` (check lists both in its output).
NOTES = (
    "kvmlist: 1 mail could not be parsed (kept as 'unparsable' messages)\n"
    "kvmlist: 1 patch mail repeats a Message-ID seen earlier (the first copy counts;"
    " `kvmlist check` lists them)\n"
)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["stats"], NOTES),
        (["stats", "--by", "organisation"], NOTES),
        (["report"], NOTES),
        (["check"], ""),
        (["series"], NOTES),
        (["series", "--format", "parquet", "--output", "{tmp}/series.parquet"], NOTES),
        (["review"], NOTES),
        (["stalled"], NOTES),
        (["pulls"], NOTES),
    ],
)
def test_every_command_says_the_same_on_stderr_from_workers(
    command: list[str], said: str, noted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kvmlist.cli.commands import main

    assert len(list(kvmlist.scale.workers._jobs(noted))) > 2  # the workers split it
    command = [part.format(tmp=noted.parent) for part in command]
    stderr = []
    for workers in ("1", "2"):
        main([*command, str(noted), "--workers", workers])
        stderr.append(capsys.readouterr().err)
    assert stderr[0] == stderr[1] and stderr[0].endswith(said)  # an unknown org is said first


@pytest.mark.parametrize("field", ["author", "domain", "organisation"])
def test_counts_in_workers_leave_out_a_pull_requests_cover_letter(field: str) -> None:
    from .test_pulls import authored_netdev_pull_raws

    raws = authored_netdev_pull_raws()
    sequential = kvmlist.analysis.aggregate.count_by_field(
        kvmlist.sources.reader.parse_raw(raws), field
    )
    assert sequential.total() == 2  # the two patches, not Tony Nguyen's cover
    assert list(count_by_field_in_workers(raws, field, 2).items()) == list(sequential.items())
