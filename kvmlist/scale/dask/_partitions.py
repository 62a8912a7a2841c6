"""Partitions of the sources (mbox byte ranges, epoch commit ranges), planned and read."""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import importlib
import itertools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kvmlist.errors import SourceError, UsageError
from kvmlist.models import Message
from kvmlist.scale.xz_parts import XzPart, part_mails, parts_of
from kvmlist.sources._git import has_commits, run_git
from kvmlist.sources._open import open_binary
from kvmlist.sources.mbox import (
    BLOCK,
    READ_ERRORS,
    MboxFormat,
    dated_separators,
    split_mboxrd_range,
)
from kvmlist.sources.public_inbox import (
    Epoch,
    Removal,
    find_epochs,
    pending,
    read_commits,
    removals,
)
from kvmlist.sources.reader import parse_raw, read_mbox
from kvmlist.sources.single import starts_with_header
from kvmlist.sources.spec import classify_source

dask: Any = importlib.import_module("dask")
dask_bag: Any = importlib.import_module("dask.bag")

Sources = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
#: A dask.bag.Bag of Messages (from messages_bag) or the sources to build one from.
BagOrSources = Any | Sources

#: Messages per partition: big enough to amortise task overhead (docs/scale.md measures it).
CHUNK_MESSAGES = 2000
#: What a mail is taken to hold when an .xz file is cut at its blocks, unread (kernel lists:
#: 8-12 kB a mail): a partition is its first blocks that hold chunk_messages of them.
MAIL_BYTES = 10_000
#: A line longer than this is never a cut point (separators are short), so scans stay linear.
LONG_LINE = 1 << 16


@dataclasses.dataclass(frozen=True, slots=True)
class _MboxPart:
    """Bytes [start, end) of an mbox's decompressed stream; ``end`` None reads to the end.

    A bounded part ends with the separator line of the next part's first mail, so that its
    last mail is judged by the splitter as in the whole file; that (empty) mail is dropped.
    """

    path: str
    start: int = 0
    end: int | None = None
    format: MboxFormat = "mboxrd"


@dataclasses.dataclass(frozen=True, slots=True)
class _EpochPart:
    """The commits of a public-inbox epoch after ``after`` (None: from the first) to ``last``.

    ``start`` is where the first of them stands in the inbox (epoch number, commit's index
    in its epoch), and ``removals`` holds every removal of the inbox as of its HEAD, where it
    stands too (one tuple, shared by the inbox's partitions): the partition leaves out what
    a removal from its start on withdrew, in a later partition or epoch too, as one process
    reading the whole inbox does.
    """

    path: str
    after: str | None
    last: str
    start: tuple[int, int] = (0, 0)
    removals: tuple[tuple[tuple[int, int], Removal], ...] = ()


def messages_bag(
    sources: Sources,
    *,
    chunk_messages: int | None = CHUNK_MESSAGES,
    format: MboxFormat = "mboxrd",
    answers: bool = True,
) -> Any:
    """Return a dask Bag of the Messages of mbox files and public-inbox archives, in order.

    Sources are paths or globs: mbox files (plain, .gz, .xz, .bz2) and v2 inboxes or epoch
    repositories. Planning reads each source once (mbox line starts, epoch commit lists);
    parsing happens in the workers. An .xz file of several blocks (``xz -T``) is cut at its
    blocks, about ``chunk_messages`` mails' worth of bytes a partition, and each partition
    decompresses its own; other compressed files are decompressed from their start by every
    chunk: prefer plain files or one compressed file per partition (``None``).
    ``answers=False`` leaves answers out (``kvmlist.sources.reader.parse_raw``'s).
    """
    parts = _plan_partitions(sources, chunk_messages=chunk_messages, format=format)
    return dask_bag.from_delayed([dask.delayed(_read_part)(part, answers) for part in parts])


def bag_of(messages: BagOrSources, *, answers: bool = True) -> Any:
    """Return the messages as a dask Bag, built with messages_bag if they are sources
    (``answers=False``: for what reads patch mails only)."""
    if isinstance(messages, dask_bag.Bag):
        return messages
    return messages_bag(messages, answers=answers)


def _plan_partitions(
    sources: Sources, *, chunk_messages: int | None = CHUNK_MESSAGES, format: MboxFormat = "mboxrd"
) -> list[_MboxPart | _EpochPart | XzPart]:
    """Return the partitions of the sources in archive order, planned by the workers.

    An mbox (mboxrd) is cut at message boundaries every ``chunk_messages`` mails, an inbox
    epoch every ``chunk_messages`` commits; ``None`` keeps one partition per file or epoch.
    """
    if chunk_messages is not None and chunk_messages < 1:
        raise UsageError(f"chunk_messages={chunk_messages}: give a positive number or None")
    plans = [dask.delayed(_plan_source)(p, chunk_messages, format) for p in _expand(sources)]
    return [part for plan in dask.compute(*plans) for part in plan]


def _expand(sources: Sources) -> list[str]:
    """Return the paths the sources name, globs expanded (sorted)."""
    items = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    paths: list[str] = []
    for item in items:
        path = os.fspath(item)
        if classify_source(path).kind == "stdin":
            raise UsageError("workers cannot read standard input: give files or inboxes")
        found = sorted(glob.glob(path)) if any(c in path for c in "*?[") else [path]
        if not found:
            raise SourceError(f"{path}: no file matches")
        paths.extend(found)
    if not paths:
        raise UsageError("no sources given")
    return paths


def _plan_source(
    path: str, chunk_messages: int | None, format: MboxFormat
) -> list[_MboxPart | _EpochPart | XzPart]:
    spec = classify_source(path)
    kind = spec.kind
    if kind in ("maildir", "files"):
        raise SourceError(f"{path}: not a public-inbox archive (Dask reads mbox files and inboxes)")
    if kind == "inbox":
        return [*_epoch_parts(path, chunk_messages)]
    path = spec.location  # an Apple Mail export's: the mbox inside
    if chunk_messages is None or format != "mboxrd":
        return [_MboxPart(path, format=format)]  # mboxo separators depend on the next line
    if not spec.is_local_file and os.path.exists(path):
        return [_MboxPart(path)]  # a FIFO or a device: read once, by one worker, unplanned
    with _read_errors(path), open_binary(path) as stream:
        if starts_with_header(stream):  # one mail (an .eml): nothing to cut, as workers' _jobs
            return [_MboxPart(path)]
    parts = parts_of(path, chunk_messages * MAIL_BYTES, path)
    if parts is not None:  # each partition decompresses its own blocks, planned unread
        return [*parts]
    cuts = list(itertools.islice(_mail_starts(path), chunk_messages, None, chunk_messages))
    starts = [0, *(start for start, _ in cuts)]
    ends: list[int | None] = [*(end for _, end in cuts), None]
    return [_MboxPart(path, start, end) for start, end in zip(starts, ends, strict=True)]


def _mail_starts(path: str) -> Iterator[tuple[int, int]]:
    """Yield where each dated separator line of an mbox's stream starts and ends.

    Every separator, not sources.mbox.find_mail_start's first per block: partitions are counted
    in mails. Each line is judged by the same RE_SEPARATOR as the sequential splitter's:
    a separator starts a mail whatever surrounds it, so a cut there is one it makes too.
    """
    with _read_errors(path), open_binary(path) as stream:
        base, pending, at_line_start = 0, b"", True
        for block in iter(lambda: stream.read(BLOCK), b""):
            data = pending + block
            whole = data.rfind(b"\n") + 1
            found = dated_separators(data, whole, at_line_start=at_line_start)
            yield from ((base + start, base + end) for start, end in found)
            if whole:
                at_line_start = True
            base, pending = base + whole, data[whole:]
            if len(pending) > LONG_LINE:
                base, pending, at_line_start = base + len(pending), b"", False


def _epoch_parts(inbox: str, chunk_messages: int | None) -> Iterator[_EpochPart]:
    """Cut each epoch every ``chunk_messages`` commits; list the inbox's removals once."""
    cuts: list[tuple[Epoch, list[str], list[int]]] = []
    removed: list[tuple[tuple[int, int], Removal]] = []
    for epoch in find_epochs(inbox):
        commits = _commits(str(epoch.path))
        size = chunk_messages or len(commits) or 1
        cuts.append((epoch, commits, list(range(0, len(commits), size))))
        if commits:
            found = list(removals(epoch, ["HEAD"]))
            wanted = {removal.commit for removal in found}
            index = {commit: n for n, commit in enumerate(commits) if commit in wanted}
            removed += [((epoch.number, index[r.commit]), r) for r in found]
    shared = tuple(removed)
    for epoch, commits, firsts in cuts:
        for first, end in zip(firsts, [*firsts[1:], len(commits)], strict=True):
            after = commits[first - 1] if first else None
            start = (epoch.number, first)
            yield _EpochPart(str(epoch.path), after, commits[end - 1], start, shared)


def _commits(git_dir: str) -> list[str]:
    """Return the commits of an epoch, oldest first (none for an empty repository)."""
    if not has_commits(Path(git_dir)):
        return []
    return run_git(Path(git_dir), "rev-list", "--reverse", "HEAD").stdout.split()


def _read_part(part: _MboxPart | _EpochPart | XzPart, answers: bool = True) -> list[Message]:
    """Return the messages of one partition, parsed (this runs in a worker)."""
    if isinstance(part, _EpochPart):
        later = pending(removal for at, removal in part.removals if at >= part.start)
        epoch = Epoch(part.start[0], Path(part.path))
        revisions = [part.last, *([f"^{part.after}"] if part.after else [])]
        mails = (mail.raw for mail in read_commits(epoch, revisions, later))
        return list(parse_raw(mails, answers=answers))
    if isinstance(part, XzPart):
        return list(parse_raw(list(part_mails(part)), answers=answers))
    if part.start == 0 and part.end is None:
        return list(read_mbox(part.path, format=part.format, answers=answers))
    name = f"{part.path}[{part.start}:{part.end or ''}]"
    with _read_errors(name), open_binary(part.path) as stream:
        # split as the whole file is (same block boundaries), as kvmlist.scale.workers's do
        raws = list(split_mboxrd_range(stream, part.start, part.end, name=name))
    if part.end is not None:
        raws.pop()  # the empty mail the next part's separator line starts
    return list(parse_raw(raws, answers=answers))


@contextlib.contextmanager
def _read_errors(name: str) -> Iterator[None]:
    """Turn a decompression or I/O error into a SourceError naming the source."""
    try:
        yield
    except SourceError:
        raise
    except READ_ERRORS as error:
        raise SourceError(f"{name}: cannot read: {error}") from None
