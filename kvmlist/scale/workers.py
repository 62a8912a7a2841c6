"""Parse mails in worker processes, results in input order, memory bounded.

Given an mbox, the parent process does not split it: it only finds a mail separator every
CHUNK_BYTES and hands each worker a slice of the archive — a byte range that the worker
reads itself from a plain file, or the decompressed bytes of a compressed file or a stream
(decompression stays in the parent). An .xz file of several blocks (``xz -T``) is not
even decompressed by the parent: each worker decompresses a run of blocks and cuts it
itself (:mod:`kvmlist.scale.xz_parts`). The worker splits its slice with the same splitter
:func:`kvmlist.read_mbox` uses, so the mails are exactly the sequential ones. A public-inbox
archive, whole or a selection of it (:class:`kvmlist.sources.public_inbox.InboxSelection`),
is not read by the parent either: it lists the mails with ``git log`` and each worker reads
a batch of them with a ``git cat-file`` of its own. Mails given one by one (an
iterable of raw bytes: Maildir, a list) go to the workers in batches.

Parsed models come back without their raw bytes where the parent can split the job again
(:func:`parse_in_workers`); still, unpickling them costs the parent about a tenth of the
parsing, and re-splitting as much again, so for counting, workers return a small
*projection* of each mail instead — a tuple the parent aggregates (for a DataFrame,
:func:`dataframe_in_workers`: its rows). :func:`count_by_field_in_workers` does that and
gives exactly the counts of the sequential :func:`kvmlist.analysis.aggregate.count_by_field`.
:func:`summaries_in_workers` goes further: a worker hands back one summary of its whole job
(the report: its facts folded by ``facts_of``, as on Dask).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, TypeVar, Union

from kvmlist.analysis.aggregate import PatchKeys
from kvmlist.analysis.identities import Mailmap
from kvmlist.analysis.repeats import Repeats
from kvmlist.errors import MboxFormatError, SourceError, UsageError
from kvmlist.grouping.pull_copies import claim_of
from kvmlist.grouping.pulls import is_counted_patch_mail, is_pull_request
from kvmlist.grouping.review import Progress
from kvmlist.models import Message, Patch, Person
from kvmlist.outputs.report import TOP, ReportRange, format_report
from kvmlist.parse.addresses import identity_key
from kvmlist.parse.message import is_unparsable
from kvmlist.scale.xz_parts import XzPart, part_mails, parts_of
from kvmlist.sources import mbox
from kvmlist.sources._open import BinaryFile, is_compressed, open_binary
from kvmlist.sources.folder import iter_mail_files
from kvmlist.sources.maildir import iter_maildir
from kvmlist.sources.single import read_single, starts_with_header
from kvmlist.sources.spec import SourceSpec, classify_source

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from kvmlist.analysis.check import CheckResult
    from kvmlist.outputs.figures import ReportFigures
    from kvmlist.sources.public_inbox import Arrival, Epoch, InboxSelection

#: The jobs a user runs (README); the rest serves the command line.
__all__ = [
    "check_in_workers",
    "count_by_field_in_workers",
    "dataframe_in_workers",
    "parse_in_workers",
    "render_report_in_workers",
]

T = TypeVar("T")
R = TypeVar("R")

#: An mboxrd (path, ``-`` or binary file; .gz/.xz/.bz2 too), a Maildir or public-inbox path,
#: a selection of an inbox, or raw mails.
Mails = Union[str, "os.PathLike[str]", BinaryFile, "InboxSelection", Iterable[bytes]]

#: Bytes of mbox per slice: large enough that a worker is busy ~0.1 s, small enough to stream.
CHUNK_BYTES = 4 << 20
#: Mails per batch when they come one by one (fewer if they reach CHUNK_BYTES first).
CHUNK = 512
#: What a compressed archive is taken to hold per byte, at least (the shared corpora: 7-9).
COMPRESSED_RATIO = 4
#: Bytes read first at a cut: the first separator of a read block is nearly always in them
#: (one found there is the block's first, as no line before it was left unread).
PEEK_BYTES = 64 << 10
#: Slices or batches in flight per worker; bounds memory whatever the archive's size.
IN_FLIGHT = 3
#: Workers per core at most: more only share the cores, each with its jobs in memory.
WORKERS_PER_CORE = 4
#: Seconds the workers get to finish their job after Ctrl-C (one takes ~0.1 s) before
#: they are killed.
STOP_WAIT = 2.0


class _Range(NamedTuple):
    """Bytes [start, end) of a plain mbox file, read by the worker (end -1: to the end)."""

    path: str
    start: int
    end: int
    complete: bool  # False: the last mail is the one the next slice starts (dropped)


class _Slice(NamedTuple):
    """Bytes of a (decompressed) mbox that start at a mail, as the pieces they were read in
    (not joined: a copy of every slice in this process)."""

    data: list[bytes]
    complete: bool
    name: str


class _InboxBatch(NamedTuple):
    """Mails of a public-inbox epoch that git log listed; the worker reads them from git."""

    epoch: Epoch
    arrivals: list[Arrival]


_Job = _Range | _Slice | XzPart | _InboxBatch | list[bytes]


def max_workers() -> int:
    """Return the most workers a job may ask for: WORKERS_PER_CORE per core this process
    may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return WORKERS_PER_CORE * (cores or 1)


def check_workers(workers: int, what: str = "workers=") -> int:
    """Return workers; a UsageError (a ValueError) for more than :func:`max_workers`."""
    most = max_workers()
    if workers > most:
        shown = str(workers) if workers < 10**9 else f"{str(workers)[:9]}..."
        raise UsageError(
            f"{what}{shown}: at most {most} here ({WORKERS_PER_CORE} per core; the result "
            "is the same with any number)"
        )
    return workers


def parse_in_workers(raws: Mails, workers: int, *, strict: bool = False) -> Iterator[Message]:
    """Yield a Message per mail, parsed in ``workers`` processes, in input order.

    The raw bytes are most of what a model weighs: where this process holds a job's mails
    or can read them again (a byte range of a plain file, decompressed slices, a batch of
    raw mails), the workers hand back the models without them and this process splits the
    job again (the I/O floor) and puts each mail's raw bytes back into its model.
    """
    from kvmlist.sources.reader import parse_raw

    if workers <= 1:
        yield from parse_raw(_mails(raws), strict=strict)
        return
    jobs = _jobs(raws)
    try:
        yield from _in_order(jobs, workers, partial(_parse_light, strict=strict), _with_raw)
    finally:
        jobs.close()  # closes the source


def map_in_workers(
    raws: Mails,
    workers: int,
    project: Callable[[Message], T],
    *,
    strict: bool = False,
) -> Iterator[T]:
    """Yield ``project(message)`` for every mail, parsed in worker processes, in order.

    ``raws`` is an mboxrd (a path, ``-`` or a binary file, compressed or not), a Maildir
    path or an iterable of raw mails. ``project`` must be picklable (a module-level
    function); with ``workers <= 1`` everything runs in this process. A mail that cannot be
    parsed, or an unreadable source, gives what the sequential path gives, at the same point.
    """
    from kvmlist.sources.reader import parse_raw

    if workers <= 1:
        yield from map(project, parse_raw(_mails(raws), strict=strict))
        return
    jobs = _jobs(raws)
    try:
        yield from _in_order(jobs, workers, partial(_work, project=project, strict=strict))
    finally:
        jobs.close()  # closes the source


def summaries_in_workers(
    raws: Mails,
    workers: int,
    summarise: Callable[[Iterable[Message]], T],
    *,
    strict: bool = False,
    answers: bool = True,
    unparsable: Callable[[int], object] | None = None,
) -> Iterator[tuple[int, T]]:
    """Yield, per job (a slice of the archive or a batch of mails) in input order, how many
    mails it held and ``summarise`` of its parsed mails: a worker hands back one summary of
    a few hundred mails instead of a projection per mail.

    ``summarise`` must be picklable; when a mail or the source fails, it gets the mails
    before the failure and the failure is raised after its summary, as with map_in_workers.
    With ``workers <= 1`` this process summarises batches of up to CHUNK mails.
    ``answers=False`` leaves answers out of what ``summarise`` gets (parse_raw's).
    ``unparsable`` is told, job by job, how many of its mails could not be parsed.
    """
    work = partial(_summarise, summarise=summarise, strict=strict, answers=answers)
    source: Generator[_Job, None, None] = _batches(_mails(raws)) if workers <= 1 else _jobs(raws)
    if workers <= 1:
        done: Generator[_JobSummary[T], None, None] = _in_turn(map(work, source))
    else:
        done = _in_order(source, workers, work)
    try:
        for count, summary, unread in done:
            if unparsable is not None and unread:
                unparsable(unread)
            yield count, summary
    finally:
        done.close()  # stops the workers
        source.close()  # closes the source


def _in_turn(
    results: Iterator[tuple[list[R], Exception | None]],
) -> Generator[R, None, None]:
    """Each job's results, then the error that stopped it (the jobs run in this process)."""
    for items, error in results:
        yield from items
        if error is not None:
            raise error


def dataframe_in_workers(raws: Mails, workers: int, *, strict: bool = False) -> Any:
    """Return ``to_dataframe(read(raws))`` (kvmlist.outputs.export): a row per mail, the
    rows made in ``workers`` processes. They hand back rows, not the models, which this
    process would have to unpickle and then read for the row. Needs ``kvmlist[pandas]``."""
    from kvmlist.outputs.export import mark_copies, message_row, rows_dataframe

    rows = list(map_in_workers(raws, workers, message_row, strict=strict))
    mark_copies(rows)  # a pull request's copy of a posting: kind "copy" (to_dataframe's rule)
    return rows_dataframe(rows)


def count_by_field_in_workers(
    raws: Mails,
    field: str,
    workers: int,
    *,
    mailmap: Mailmap | None = None,
    progress: Progress | None = None,
    repeats: Repeats | None = None,
    unparsable: Callable[[int], object] | None = None,
) -> Counter[str] | Counter[Person]:
    """Return the same counts as ``count_by_field(read(raws), field, mailmap=mailmap)``,
    parsed in workers.

    ``progress`` (``tqdm`` for one) wraps the stream of mails as the workers hand them back;
    ``repeats`` counts the patch mails left out for repeating a Message-ID; ``unparsable`` is
    told how many mails could not be parsed (summaries_in_workers').
    """
    from kvmlist.analysis.aggregate import AGGREGATIONS, author_of, organisation_of
    from kvmlist.analysis.identities import OrganisationMap

    if field not in AGGREGATIONS:
        from kvmlist.analysis.aggregate import count_by_field

        return count_by_field((), field)  # raises the usual UsageError
    if field == "organisation":
        organisations = OrganisationMap.default()
        key = partial(organisation_of, organisations=organisations, mailmap=mailmap)
        keys = patch_keys_in_workers(
            raws, workers, key, progress=progress, repeats=repeats, unparsable=unparsable
        )
        return keys.counts()
    author = partial(author_of, mailmap=mailmap) if mailmap is not None else None
    keys = patch_keys_in_workers(
        raws, workers, author, progress=progress, repeats=repeats, unparsable=unparsable
    )
    return keys.author_counts() if field == "author" else keys.counts(_domain)


def patch_keys_in_workers(
    raws: Mails,
    workers: int,
    key: Callable[[Patch], Any] | None = None,
    *,
    progress: Progress | None = None,
    repeats: Repeats | None = None,
    unparsable: Callable[[int], object] | None = None,
) -> PatchKeys:
    """Return ``PatchKeys.of(read(raws), key)``, the mails parsed in workers (no key: the
    author's Person); ``repeats`` counts the patch mails left out for repeating a Message-ID,
    ``unparsable`` is told how many mails could not be parsed (summaries_in_workers').

    The workers leave answers unparsed (parse_raw's ``answers``) and hand back, per slice,
    each patch mail's Message-ID, author and date; ``key`` is called here, once per
    Message-ID as in one process, on a Patch that holds only those, so it may read the
    author and the date (``author_of``, ``organisation_of``, ``OrganisationKey``).
    """
    keys = PatchKeys()
    people: dict[tuple[str, str], Person] = {}  # one Person per name and address
    slices = summaries_in_workers(raws, workers, _author_rows, answers=False, unparsable=unparsable)
    for rows in _summaries(slices, progress):
        for row in rows or ():
            if len(row) == 2:  # a pull request
                keys.copies.add_request(row[0])
                continue
            message_id, written, date, claim = row
            if repeats is not None:
                repeats.add(0, message_id)  # counted, not listed: no mail numbers here
            if message_id in keys:
                continue
            author = written and people.get(written)
            if written and author is None:
                author = people[written] = Person.model_construct(name=written[0], email=written[1])
            who = identity_key(author) if isinstance(author, Person) else None
            keys.copies.add_patch(message_id, who, claim)
            if key is not None:
                author = key(Patch.model_construct(message_id=message_id, author=author, date=date))
            keys.add(message_id, author)
    return keys


def _domain(author: Person) -> str | None:
    return author.domain or None


def render_report_in_workers(
    raws: Mails,
    workers: int,
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
    mailmap: Mailmap | None = None,
    progress: Progress | None = None,
    repeats: Repeats | None = None,
    unparsable: Callable[[int], object] | None = None,
) -> str:
    """Return ``render_report(read(raws), ...)``'s text, the mails parsed in workers;
    ``repeats`` and ``unparsable``: see report_figures_in_workers.

    Each worker hands back the report's facts of a mail (kvmlist.outputs.figures), not the
    parsed models, which cost the parent more to unpickle than the facts cost to fold.
    """
    figures = report_figures_in_workers(
        raws, workers, mailmap=mailmap, progress=progress, repeats=repeats, unparsable=unparsable
    )
    return format_report(figures, range=range, list_name=list_name, top=top)


def report_figures_in_workers(
    raws: Mails,
    workers: int,
    *,
    mailmap: Mailmap | None = None,
    progress: Progress | None = None,
    repeats: Repeats | None = None,
    unparsable: Callable[[int], object] | None = None,
) -> ReportFigures:
    """Return ``report_figures(read(raws), ...)``, the mails parsed in workers; ``repeats``
    counts the patch mails left out for repeating a Message-ID, ``unparsable`` is told how
    many mails could not be parsed (summaries_in_workers')."""
    from kvmlist.outputs.figures import ReportTotals, facts_of

    totals = ReportTotals(mailmap, repeats)
    slices = summaries_in_workers(raws, workers, facts_of, unparsable=unparsable)
    for facts in _summaries(slices, progress):
        for fact in facts or ():
            totals.add(fact)
    return totals.figures()


def check_in_workers(raws: Mails, workers: int, *, progress: Progress | None = None) -> CheckResult:
    """Return ``check_messages(0, read(raws))`` (mails_in left at 0), the mails parsed in
    workers: each hands back the counts and slim patches of its slice (check_part), not a
    row per mail, so that the parent folds a few hundred slices instead of every mail."""
    from kvmlist.analysis.check import check_part, check_parts

    return check_parts(0, _summaries(summaries_in_workers(raws, workers, check_part), progress))


def _summaries(jobs: Iterable[tuple[int, T]], progress: Progress | None) -> Iterable[T | None]:
    """The jobs' summaries in order; with a progress bar, which counts mails, each after a
    None per other mail of its job."""
    if progress is None:
        return (summary for _, summary in jobs)
    return progress(_per_mail(jobs))


def _per_mail(jobs: Iterable[tuple[int, T]]) -> Iterator[T | None]:
    """Each job's summary after a None per other mail of it."""
    for count, summary in jobs:
        yield from itertools.repeat(None, max(count - 1, 0))
        yield summary


def worth_workers(source: str | os.PathLike[str]) -> bool:
    """Whether a file is large enough (two slices or more) for worker processes to pay; a
    compressed file counts as COMPRESSED_RATIO times its size (mail archives shrink 5-10x)."""
    try:
        if not os.path.isfile(source):
            return False
        size = os.path.getsize(source)
    except OSError:
        return False
    if size < 2 * CHUNK_BYTES and is_compressed(source):
        size *= COMPRESSED_RATIO
    return size >= 2 * CHUNK_BYTES


def _identity(message: Message) -> Message:
    return message


def _author_rows(messages: Iterable[Message]) -> list[tuple[Any, ...]]:
    """The little a count needs of each patch mail: Message-ID, author, date and what it
    claims to copy (kvmlist.grouping.pull_copies); of a pull request, its Message-ID and
    None."""
    return [
        (
            mail.message_id,
            (mail.author.name, mail.author.email) if mail.author else None,
            mail.date,
            claim_of(mail),
        )
        if is_counted_patch_mail(mail)
        else (mail.message_id, None)
        for mail in messages
        if is_counted_patch_mail(mail) or is_pull_request(mail)
    ]


# --- the parent: cutting the input into jobs, collecting results in order ----------------------


def _spec(raws: Mails) -> SourceSpec | None:
    """What a path, ``-`` or file object names; None for an iterable of raw mails."""
    if isinstance(raws, (str, os.PathLike)) or hasattr(raws, "read"):
        return classify_source(raws)  # type: ignore[arg-type]
    return None


def _selection(raws: Mails, spec: SourceSpec | None) -> InboxSelection | None:
    """The mails of a public-inbox archive: a selection given, or all of one named."""
    from kvmlist.sources.public_inbox import InboxSelection  # git: loaded for workers only

    if spec is not None and spec.kind == "inbox":
        return InboxSelection(spec.location)
    return raws if isinstance(raws, InboxSelection) else None


def _mails(raws: Mails) -> Iterable[bytes]:
    """The raw mails, split in this process (the sequential path)."""
    spec = _spec(raws)
    selection = _selection(raws, spec)
    if selection is not None:
        return (mail.raw for mail in selection.mails())
    if spec is None:
        return raws  # type: ignore[return-value]
    if spec.kind == "maildir":
        return iter_maildir(spec.location)
    if spec.kind == "files":
        return iter_mail_files(spec.location)
    return mbox.iter_raw_messages(raws)  # type: ignore[arg-type]


def _jobs(raws: Mails) -> Generator[_Job, None, None]:
    """Cut the input into jobs; an error reading it comes after the jobs before it."""
    spec = _spec(raws)
    selection = _selection(raws, spec)
    if selection is not None:  # workers read the mails from git
        yield from (_InboxBatch(*batch) for batch in selection.batches(CHUNK, CHUNK))
        return
    if spec is None or spec.kind in ("maildir", "files"):
        yield from _batches(_mails(raws))
        return
    name = mbox._name(raws)  # type: ignore[arg-type]
    with open_binary(raws) as stream:  # type: ignore[arg-type]
        if starts_with_header(stream):  # one mail (an .eml): nothing to cut
            yield from _batches([read_single(stream, name, mbox.MAX_MAIL_BYTES)])
            return
        if spec.is_local_file:
            parts = parts_of(spec.location, CHUNK_BYTES, name)
            if parts is not None:  # workers decompress blocks of their own
                yield from parts
                return
        path = spec.location
        # a plain file's own handle (not a decompressing wrapper, not stdin): workers read it
        if spec.is_local_file and type(stream) is io.BufferedReader and _is_file(stream):
            try:
                yield from _ranges(path, stream, name)
            except mbox.READ_ERRORS as error:
                raise SourceError(f"{name}: cannot read: {error}") from None
        else:
            yield from _slices(stream, name)


def _is_file(stream: io.BufferedReader) -> bool:
    """Whether a stream reads a seekable file's own bytes (not a decompressor's)."""
    return type(stream.raw) is io.FileIO and stream.seekable()


def _ranges(path: str, stream: BinaryIO, name: str) -> Iterator[_Range]:
    """Cut a plain mbox file at a mail every CHUNK_BYTES, reading only around the cuts."""
    block, start = mbox.BLOCK, 0
    index = max(1, CHUNK_BYTES // block)
    while True:
        stream.seek(index * block - 1)
        window = stream.read(min(block, PEEK_BYTES) + 1)
        if len(window) <= 1:
            # the last slice ends where the file ends now: what a mailer adds as the workers
            # read is left out by them and by this process alike (parse_in_workers reads
            # the slice again)
            end = max(start, stream.seek(0, io.SEEK_END))
            yield _Range(path, start, end, True)
            return
        found = mbox.find_mail_start(window[1:], at_line_start=window[:1] == b"\n")
        if found is None and len(window) > PEEK_BYTES:  # the rest of the read block
            window += stream.read(block - PEEK_BYTES)
            found = mbox.find_mail_start(window[1:], at_line_start=window[:1] == b"\n")
        if found is not None:
            yield _Range(path, start, index * block + found[1], False)
            start = index * block + found[0]
            index = max(index + 1, (start + CHUNK_BYTES) // block)
        elif _too_far(index * block - start):
            yield _Range(path, start, index * block, False)
            raise mbox.no_cut_error(name, start)
        else:
            index += 1


def _slices(stream: BinaryIO, name: str) -> Iterator[_Slice]:
    """Decompress (or read) the mbox here, cut at a mail every CHUNK_BYTES, as bytes."""
    block = mbox.BLOCK
    pieces: list[bytes] = []
    start = offset = 0  # where the slice in pieces starts, where the next block starts
    at_line_start = True
    try:
        for data in iter(lambda: stream.read(block), b""):
            found = None
            if offset - start >= CHUNK_BYTES:
                found = mbox.find_mail_start(data, at_line_start=at_line_start)
            at_line_start = data.endswith(b"\n")
            if found is not None:
                yield _Slice([*pieces, data[: found[1]]], False, name)
                pieces, start = [data[found[0] :]], offset + found[0]
            else:
                pieces.append(data)
                if _too_far(offset - start):
                    yield _Slice(pieces, False, name)
                    raise mbox.no_cut_error(name, start)
            offset += len(data)
    except mbox.READ_ERRORS as error:
        if start or _starts_an_mbox(pieces, name):  # else a damaged archive's garbled start
            yield _Slice(pieces, False, name)  # the mails before the damage
        raise SourceError(f"{name}: cannot read: {error}") from None
    yield _Slice(pieces, True, name)


def _starts_an_mbox(pieces: list[bytes], name: str) -> bool:
    """Whether the splitter takes the start of the bytes (as iter_raw_messages does, which
    says the archive is damaged, not "not an mbox", when its start is garbled)."""
    try:
        next(mbox.split_mboxrd(pieces, name=name), None)
    except MboxFormatError:
        return False
    except SourceError:  # a mail too large: the slice's worker says so
        pass
    return True


def _too_far(size: int) -> bool:
    """Whether a slice without a cut has grown past any mail the splitter accepts."""
    return size > CHUNK_BYTES + mbox.MAX_MAIL_BYTES + 2 * mbox.BLOCK


def _batches(raws: Iterable[bytes]) -> Generator[list[bytes], None, None]:
    batch: list[bytes] = []
    size = 0
    try:
        for raw in raws:
            batch.append(raw)
            size += len(raw)
            if len(batch) >= CHUNK or size >= CHUNK_BYTES:
                yield batch
                batch, size = [], 0
    except Exception:
        yield batch  # the mails read before the error are parsed first, as sequentially
        raise
    if batch:
        yield batch


def _as_is(job: _Job, results: list[Any]) -> list[Any]:
    return results


def _in_order(
    jobs: Iterator[_Job],
    workers: int,
    work: Callable[[_Job], tuple[list[R], Exception | None]],
    finish: Callable[[_Job, list[R]], list[T]] = _as_is,
) -> Generator[T, None, None]:
    """Run ``work`` on the jobs in a pool, at most workers * IN_FLIGHT at a time; yield the
    results in order (each job's passed through ``finish`` here, given), and the error
    that stopped a job after the results before it."""
    from concurrent.futures import ProcessPoolExecutor  # loaded when workers really start

    check_workers(workers)
    context = _context()
    if context is not None:  # forked workers inherit what is built here
        _warm_up()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    pending: deque[tuple[_Job, Future[tuple[list[R], Exception | None]]]] = deque()
    failure: Exception | None = None
    try:
        while failure is None:
            try:
                job = next(jobs)
            except StopIteration:
                break
            except Exception as error:  # raised once the jobs before it are handed back
                failure = error
                break
            with _interrupts_held():  # the first submit starts the workers
                future = pool.submit(work, job)
            # a job (a decompressed slice may weigh 4 MiB) is held only for a finish that
            # reads it again, not until the results of the jobs before it come back
            pending.append((job if finish is not _as_is else [], future))
            if len(pending) >= workers * IN_FLIGHT:
                yield from _results(*pending.popleft(), finish)
        while pending:
            yield from _results(*pending.popleft(), finish)
        if failure is not None:
            raise failure
    except KeyboardInterrupt:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold off SIGINT in this thread (it comes when the block ends), so that a worker
    forked here starts with it held off until :func:`_start_worker` ignores it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """After Ctrl-C: cancel the jobs not started and end the workers, those that do not
    finish their job within STOP_WAIT seconds killed.

    A worker killed while it writes its result (a check's weighs ~850 kB, written 64 kB at a
    time) leaves the pool's thread reading the rest, which no one writes: the parent holds
    the pipe's last write end, closed here once every worker has ended, so that the thread
    reads the end of the pipe and ends (the pool broken) instead of waiting forever, and the
    interpreter's exit, which joins it, with it."""
    processes = list((pool._processes or {}).values())  # no public way before 3.14
    results = pool._result_queue  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WAIT
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    if results is not None:
        # the pool's thread only reads it; no worker writes any more
        results._writer.close()  # type: ignore[attr-defined]  # not in typeshed


def _results(
    job: _Job,
    future: Future[tuple[list[R], Exception | None]],
    finish: Callable[[_Job, list[R]], list[T]],
) -> Iterator[T]:
    results, error = future.result()
    yield from finish(job, results)
    if error is not None:
        raise error


def _context() -> Any:
    """fork where it is safe: no re-import in each worker, so workers start at once."""
    if sys.platform.startswith("linux"):
        import multiprocessing

        return multiprocessing.get_context("fork")
    return None


#: A patch and a reply, parsed once before the workers fork.
WARM_UP_MAILS = (
    b"From: A <a@example.org>\nSubject: [PATCH 1/2] x\nMessage-ID: <w1@example.org>\n"
    b"Date: Thu, 4 Dec 2025 10:00:00 +0000\n\nx\n---\ndiff --git a/x b/x\n",
    b"From: B <b@example.org>\nSubject: Re: [PATCH 1/2] x\nMessage-ID: <w2@example.org>\n"
    b"In-Reply-To: <w1@example.org>\n\n> x\n",
)


def _warm_up() -> None:
    """Parse two mails here so that the parser's validators (pydantic builds them on first
    use) are built before the fork: each worker would otherwise build its own, ~30 ms.
    ctypes, which _keep_freed_memory needs, is loaded here too (2 ms, not 2 ms a worker)."""
    import importlib

    from kvmlist.sources.reader import parse_raw

    for _ in parse_raw(WARM_UP_MAILS):
        pass
    with contextlib.suppress(ImportError):  # a Python built without ctypes
        importlib.import_module("ctypes")


# --- the workers ---------------------------------------------------------------------------------

#: glibc's mallopt parameters, and what a worker sets them to (bytes).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
KEEP_FREED = 16 << 20
MMAP_FROM = 4 << 20


def _start_worker() -> None:
    """Set a worker up: Ctrl-C, which a terminal sends to every process of the command, is
    the parent's to handle (a worker interrupted in the pool's queues could leave a lock
    held, and the pool waiting for it forever); memory as _keep_freed_memory says."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let a worker keep up to KEEP_FREED bytes it freed, and take blocks under MMAP_FROM
    from its heap (glibc; elsewhere nothing changes).

    A job's memory is freed when it ends, and glibc gave it back to the system at once,
    so every job took it again a page fault per 4 kB: ~600 faults a 4 MiB slice, a tenth
    of a worker's time on this VM (docs/performance.md). Set in the workers only, which
    end with the pool: the process that uses kvmlist keeps its own settings.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # no ctypes, or no mallopt in this libc
        return
    mallopt(M_TRIM_THRESHOLD, KEEP_FREED)
    mallopt(M_MMAP_THRESHOLD, MMAP_FROM)


def _work(
    job: _Job, project: Callable[[Message], T], strict: bool
) -> tuple[list[T], Exception | None]:
    """Return the projections of a job's mails, and the error that stopped it, if any."""
    from kvmlist.sources.reader import parse_raw

    results: list[T] = []
    try:
        for message in parse_raw(_job_mails(job), strict=strict):
            results.append(project(message))
    except Exception as error:  # handed back with the results before it, raised in order
        return results, error
    return results, None


def _parse_light(job: _Job, strict: bool) -> tuple[list[_Light], Exception | None]:
    """Return the models of a job's mails, and the error that stopped it. Where the parent
    can split the job again (_splits_again), each model goes without its raw bytes, with
    their length: _with_raw puts them back."""
    messages, error = _work(job, _identity, strict)
    if not _splits_again(job):
        return [(message, -1) for message in messages], error
    light = []
    for message in messages:  # the model goes no further than the pickle
        light.append((message, len(message.raw)))
        message.__dict__["raw"] = b""
    return light, error


#: A model from a worker, and the length of the raw bytes it went without (-1: none).
_Light = tuple[Message, int]


def _splits_again(job: _Job) -> bool:
    """Whether the parent holds a job's mails or can read them again at the I/O floor: not
    those a worker decompressed or read from git itself."""
    return not isinstance(job, (XzPart, _InboxBatch))


def _with_raw(job: _Job, light: list[_Light]) -> list[Message]:
    """The models _parse_light handed back, with the raw bytes it left out put back from
    the job split again here."""
    if not _splits_again(job):
        return [message for message, _ in light]
    messages = []
    # light may be the shorter: a job stopped by an error hands back the mails before it
    for (message, length), raw in zip(light, _job_mails(job), strict=False):
        if len(raw) != length:
            raise SourceError(f"{_job_name(job)}: changed while it was read")
        message.__dict__["raw"] = raw
        messages.append(message)
    if len(messages) < len(light):
        raise SourceError(f"{_job_name(job)}: changed while it was read")
    return messages


def _job_name(job: _Job) -> str:
    if isinstance(job, _Range):
        return job.path
    return job.name if isinstance(job, _Slice) else "<mails>"


#: A job's mails, their summary, and how many of them could not be parsed.
_JobSummary = tuple[int, T, int]


def _summarise(
    job: _Job, summarise: Callable[[Iterable[Message]], T], strict: bool, answers: bool = True
) -> tuple[list[_JobSummary[T]], Exception | None]:
    """Return how many mails a job held, their summary and how many of them could not be
    parsed, and the error that stopped it."""
    from kvmlist.sources.reader import Counted, parse_raw

    stopped: list[Exception] = []
    unread = Counter[str]()
    mails = Counted(_job_mails(job))
    messages = _noting_unparsable(parse_raw(mails, strict=strict, answers=answers), unread)
    try:
        summary = summarise(_until_failure(messages, stopped))
    except Exception as error:  # summarise's own: nothing of the job can be handed back
        return [], error
    return [(mails.count, summary, unread["unparsable"])], stopped[0] if stopped else None


def _noting_unparsable(messages: Iterable[Message], unread: Counter[str]) -> Iterator[Message]:
    """The messages; each that could not be parsed is counted in ``unread["unparsable"]``."""
    for message in messages:
        if is_unparsable(message):
            unread["unparsable"] += 1
        yield message


def _until_failure(messages: Iterator[Message], stopped: list[Exception]) -> Iterator[Message]:
    """The messages up to a failure, which goes into stopped instead of being raised."""
    try:
        yield from messages
    except Exception as error:
        stopped.append(error)


def _job_mails(job: _Job) -> Iterator[bytes]:
    if isinstance(job, list):
        return iter(job)
    if isinstance(job, XzPart):
        return part_mails(job)
    if isinstance(job, _InboxBatch):
        from kvmlist.sources.public_inbox import read_arrivals

        return (mail.raw for mail in read_arrivals(job.epoch, job.arrivals))
    if isinstance(job, _Range):
        mails = _range_mails(job)
    else:
        mails = mbox.split_mboxrd(job.data, name=job.name)
    return mails if job.complete else mbox.all_but_last(mails)


def _range_mails(job: _Range) -> Iterator[bytes]:
    """The mails of a byte range of a plain mbox file, read a block at a time."""
    try:
        with open(job.path, "rb") as handle:
            end = job.end if job.end >= 0 else None
            yield from mbox.split_mboxrd_range(handle, job.start, end, name=job.path)
    except SourceError:  # the splitter's own (a mail too large, a failed read): as they are
        raise
    except OSError as error:  # opening or seeking the file
        raise SourceError(f"{job.path}: cannot read: {error}") from None
