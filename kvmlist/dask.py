"""Scale-out on Dask: the single-process results, computed by a cluster (``kvmlist[dask]``).

>>> from distributed import Client
>>> client = Client()                       # or Client("tcp://scheduler:8786")
>>> bag = kvmlist.dask.messages_bag(["kvm-2025.mbox.gz", "lore/kvm"])
>>> kvmlist.dask.count_by_domain(bag).most_common(15)   # == kvmlist.count_by_domain(all mails)

Workers open the sources themselves, so paths must be readable there. Partitions come in
archive order; every function returns exactly what its namesake in kvmlist returns on the
concatenated messages. Workers send back small projections, not parsed models, except where
the result is made of models (series). See docs/scale.md.
"""

from __future__ import annotations

import dataclasses
import glob
import importlib
import io
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from functools import partial
from operator import itemgetter
from typing import Any

from kvmlist.acceptance import Acceptance, acceptances_in
from kvmlist.aggregate import AuthorTally, domain_of, period_of
from kvmlist.errors import MissingExtraError, SourceError, UsageError
from kvmlist.export import to_dataframe
from kvmlist.identities import Mailmap, OrganisationMap
from kvmlist.models import Diffstat, Message, Patch, Person, Series
from kvmlist.reader import read_inbox, read_mbox
from kvmlist.report import TOP, ReportRange, _acceptance_line, _block, _date_range, _name_of_list
from kvmlist.revisions import with_revisions
from kvmlist.series import group_series as group_series_locally
from kvmlist.series import iter_patch_mails
from kvmlist.sources._open import open_binary
from kvmlist.sources.mbox import BLOCK, MboxFormat
from kvmlist.sources.public_inbox import find_epochs

try:
    dask: Any = importlib.import_module("dask")
    dask_bag: Any = importlib.import_module("dask.bag")
except ImportError:
    raise MissingExtraError("scale-out needs dask: pip install 'kvmlist[dask]'") from None

Sources = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
#: A dask.bag.Bag of Messages (from messages_bag) or the sources to build one from.
BagOrSources = Any | Sources

__all__ = [
    "CHUNK_MESSAGES",
    "count_by",
    "count_by_author",
    "count_by_domain",
    "count_by_organisation",
    "group_series",
    "messages_bag",
    "patches_frame",
    "render_report",
]

#: Messages per partition: big enough to amortise task overhead (docs/scale.md measures it).
CHUNK_MESSAGES = 2000
# From mboxrd@z Thu Jan  1 00:00:00 1970   (a separator however the mbox is cut into blocks)
RE_CUT = re.compile(rb"From \S*\s.*\d\d?:\d\d")
#: Patch fields grouping does not read, left out of the patches the client groups.
HEAVY = frozenset({"raw", "commit_message", "diffstat", "trailers", "review_trailers", "defects"})
#: A line longer than this is never a cut point (separators are short), so scans stay linear.
LONG_LINE = 1 << 16


# --- partitions -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _MboxPart:
    """A byte range of an mbox's decompressed stream; ``end`` None reads to the end."""

    path: str
    start: int = 0
    end: int | None = None
    format: MboxFormat = "mboxrd"


@dataclasses.dataclass(frozen=True, slots=True)
class _EpochPart:
    """The commits of a public-inbox epoch after ``after`` (None: from the first) to ``last``."""

    path: str
    after: str | None
    last: str


def _plan_partitions(
    sources: Sources, *, chunk_messages: int | None = CHUNK_MESSAGES, format: MboxFormat = "mboxrd"
) -> list[_MboxPart | _EpochPart]:
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
        if path == "-":
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
) -> list[_MboxPart | _EpochPart]:
    if os.path.isdir(path):
        return [*_epoch_parts(path, chunk_messages)]
    if chunk_messages is None or format != "mboxrd":
        return [_MboxPart(path, format=format)]  # mboxo separators depend on the next line
    offsets = list(_mail_offsets(path))
    starts = [0, *offsets[chunk_messages::chunk_messages]]
    ends: list[int | None] = [*starts[1:], None]
    return [_MboxPart(path, start, end) for start, end in zip(starts, ends, strict=True)]


def _mail_offsets(path: str) -> Iterator[int]:
    """Yield the stream offsets of lines that separate mails however the mbox is read."""
    with open_binary(path) as stream:
        base, pending, at_line_start = 0, b"", True
        for block in iter(lambda: stream.read(BLOCK), b""):
            data = pending + block
            whole = data.rfind(b"\n") + 1
            yield from (base + start for start in _cuts(data, whole, at_line_start))
            if whole:
                at_line_start = True
            base, pending = base + whole, data[whole:]
            if len(pending) > LONG_LINE:
                base, pending, at_line_start = base + len(pending), b"", False


def _cuts(data: bytes, end: int, at_line_start: bool) -> Iterator[int]:
    """Yield the offsets of the separator lines among the whole lines of data[:end]."""
    for start in _from_lines(data, end, at_line_start):
        if RE_CUT.match(data, start, data.find(b"\n", start, end)):
            yield start


def _from_lines(data: bytes, end: int, at_line_start: bool) -> Iterator[int]:
    """Yield the offsets of the whole lines of data[:end] that start with "From "."""
    if end and at_line_start and data.startswith(b"From "):
        yield 0
    position = data.find(b"\nFrom ", 0, end)
    while position >= 0:
        yield position + 1
        position = data.find(b"\nFrom ", position + 1, end)


def _epoch_parts(inbox: str, chunk_messages: int | None) -> Iterator[_EpochPart]:
    for epoch in find_epochs(inbox):
        commits = _commits(str(epoch.path))
        size = chunk_messages or len(commits) or 1
        for first in range(0, len(commits), size):
            last = commits[min(first + size, len(commits)) - 1]
            yield _EpochPart(str(epoch.path), commits[first - 1] if first else None, last)


def _commits(git_dir: str) -> list[str]:
    """Return the commits of an epoch, oldest first (none for an empty repository)."""
    git = ["git", f"--git-dir={git_dir}"]
    if subprocess.run(
        [*git, "rev-parse", "--verify", "--quiet", "HEAD"], capture_output=True
    ).returncode:
        return []
    listing = subprocess.run(
        [*git, "rev-list", "--reverse", "HEAD"], capture_output=True, text=True, check=False
    )
    if listing.returncode:
        raise SourceError(f"git rev-list in {git_dir}: {listing.stderr.strip()}")
    return listing.stdout.split()


def _read_part(part: _MboxPart | _EpochPart) -> list[Message]:
    """Return the messages of one partition, parsed (this runs in a worker)."""
    if isinstance(part, _EpochPart):
        return list(read_inbox(part.path, f"{part.after or ''}..{part.last}"))
    if part.start == 0 and part.end is None:
        return list(read_mbox(part.path, format=part.format))
    with open_binary(part.path) as stream:
        stream.seek(part.start)
        data = stream.read() if part.end is None else stream.read(part.end - part.start)
    chunk = io.BytesIO(data)
    chunk.name = f"{part.path}[{part.start}:{part.end or ''}]"
    return list(read_mbox(chunk, format=part.format))


def messages_bag(
    sources: Sources, *, chunk_messages: int | None = CHUNK_MESSAGES, format: MboxFormat = "mboxrd"
) -> Any:
    """Return a dask Bag of the Messages of mbox files and public-inbox archives, in order.

    Sources are paths or globs: mbox files (plain, .gz, .xz, .bz2) and v2 inboxes or epoch
    repositories. Planning reads each source once (mbox line starts, epoch commit lists);
    parsing happens in the workers. Compressed files are decompressed from their start by
    every chunk: prefer plain files or one compressed file per partition (``None``).
    """
    parts = _plan_partitions(sources, chunk_messages=chunk_messages, format=format)
    return dask_bag.from_delayed([dask.delayed(_read_part)(part) for part in parts])


def _bag(messages: BagOrSources) -> Any:
    return messages if isinstance(messages, dask_bag.Bag) else messages_bag(messages)


# --- counts -----------------------------------------------------------------------------------


def count_by(
    messages: BagOrSources, key: Callable[[Patch], Hashable | None], *, freq: str | None = None
) -> Counter[Any]:
    """Return :func:`kvmlist.count_by` of the messages; ``key`` runs in the workers."""
    counts: Counter[Any] = Counter()
    for value in _first_arrivals(messages, partial(_keyed, key=key, freq=freq)):
        if value is not None:
            counts[value] += 1
    return counts


def count_by_author(messages: BagOrSources, *, mailmap: Mailmap | None = None) -> Counter[Person]:
    """Return :func:`kvmlist.count_by_author` of the messages."""
    tally = AuthorTally()
    for author in _first_arrivals(messages, partial(_author, mailmap=mailmap)):
        if author is not None:
            tally.add_person(author)
    return tally.counts()


def count_by_domain(messages: BagOrSources) -> Counter[str]:
    """Return :func:`kvmlist.count_by_domain` of the messages."""
    return count_by(messages, domain_of)


def count_by_organisation(
    messages: BagOrSources,
    *,
    organisations: OrganisationMap | None = None,
    mailmap: Mailmap | None = None,
) -> Counter[str]:
    """Return :func:`kvmlist.count_by_organisation` of the messages."""
    organisations = organisations or OrganisationMap.default()
    return count_by(messages, partial(_organisation, organisations=organisations, mailmap=mailmap))


def _first_arrivals(messages: BagOrSources, project: Callable[[Patch], Any]) -> Iterator[Any]:
    """Yield project(patch) for each patch mail, each Message-ID once (the first arrival wins)."""
    rows = _bag(messages).map_partitions(_patch_rows, project).compute()
    seen: set[str] = set()
    for message_id, value in rows:
        if message_id not in seen:
            seen.add(message_id)
            yield value


def _patch_rows(messages: Iterable[Message], project: Callable[[Patch], Any]) -> list[Any]:
    """Return (Message-ID, project(patch)) for the patch mails of a partition, ids once."""
    return [(patch.message_id, project(patch)) for patch in iter_patch_mails(messages)]


def _keyed(patch: Patch, key: Callable[[Patch], Hashable | None], freq: str | None) -> Any:
    value = key(patch)
    if value is None or freq is None:
        return value
    return None if patch.date is None else (period_of(patch.date, freq), value)


def _author(patch: Patch, mailmap: Mailmap | None) -> Person | None:
    return mailmap.resolve(patch.author) if mailmap and patch.author else patch.author


def _organisation(patch: Patch, organisations: OrganisationMap, mailmap: Mailmap | None) -> str:
    return organisations.organisation(_author(patch, mailmap), patch.date)


# --- DataFrame --------------------------------------------------------------------------------


def patches_frame(messages: BagOrSources) -> Any:
    """Return a dask DataFrame of the patch mails, as ``export.to_dataframe`` makes it.

    One row per patch or cover letter as archived (duplicates kept, like to_dataframe); the
    index restarts in every partition; categoricals have unknown categories.
    """
    try:
        dataframe: Any = importlib.import_module("dask.dataframe")
        utils: Any = importlib.import_module("dask.dataframe.utils")
    except ImportError:
        raise MissingExtraError("DataFrames on Dask need pip install 'kvmlist[dask]'") from None
    empty = _empty_frame()
    parts = [dask.delayed(_patch_frame)(part, empty) for part in _bag(messages).to_delayed()]
    meta = utils.clear_known_categories(empty)
    return dataframe.from_delayed(parts, meta=meta, verify_meta=False)


def _empty_frame() -> Any:
    """Return to_dataframe's frame of patches with no rows (and no categories)."""
    when = datetime(2000, 1, 1, tzinfo=timezone.utc)
    person = Person(name="n", email="n@example.org")
    sample = Patch(
        message_id="<meta@kvmlist>", sender=person, author=person, date=when,
        in_reply_to="<parent@kvmlist>", diffstat=Diffstat(),
    )  # fmt: skip
    frame = to_dataframe([sample]).iloc[:0]
    for column in frame.select_dtypes("category"):
        frame[column] = frame[column].cat.remove_unused_categories()
    return frame


def _patch_frame(messages: Iterable[Message], empty: Any) -> Any:
    patches = [m for m in messages if isinstance(m, Patch)]
    if not patches:
        return empty
    frame = to_dataframe(patches)
    # a column that is None throughout this partition would come out as object
    plain = {c: t for c, t in empty.dtypes.items() if t != "category" and frame[c].dtype != t}
    return frame.astype(plain) if plain else frame


# --- series -----------------------------------------------------------------------------------


def group_series(
    messages: BagOrSources, *, reviews: bool = True, revisions: bool = False
) -> list[Series]:
    """Return :func:`kvmlist.group_series` of the messages, threads straddling partitions.

    Workers send back each mail's thread links; the client finds the threads (and which of
    them the series rules join, replaying the grouping on bodiless patches); workers then
    regroup the mails by thread, group each thread into series and send the series back.
    """
    bag = _bag(messages)
    plan = _SeriesPlan(bag.map_partitions(_thread_links).compute(), reviews=reviews)
    keyed = dask_bag.from_delayed(
        [
            dask.delayed(_keyed_by_thread)(part, number, plan.threads[number])
            for number, part in enumerate(bag.to_delayed())
        ]
    )
    grouped = keyed.groupby(itemgetter(0), shuffle="tasks")
    found = sorted(grouped.map(_thread_series, reviews=reviews).flatten().compute(), key=plan.rank)
    return with_revisions(found) if revisions else found


def _thread_links(messages: Iterable[Message]) -> list[list[tuple[Any, ...]]]:
    """Return, as one element, what threading needs of each mail of a partition."""
    return [[(m.message_id, m.in_reply_to, m.references, _light(m)) for m in messages]]


def _light(message: Message) -> dict[str, Any] | None:
    """Return a patch's fields but its bodies, diffstat and trailers; None for other mails."""
    if not isinstance(message, Patch):
        return None
    return {name: getattr(message, name) for name in Patch.model_fields if name not in HEAVY}


class _SeriesPlan:
    """The threads that hold series (a number per mail) and the order of the series."""

    def __init__(self, links: list[list[tuple[Any, ...]]], *, reviews: bool) -> None:
        forest = _Forest()
        patches: list[Patch] = []
        for message_id, in_reply_to, references, light in (row for rows in links for row in rows):
            if light is not None:
                patches.append(Patch.model_construct(**light))
            if reviews or light is not None:
                forest.join(message_id, *filter(None, (in_reply_to, *references)))
        # the rules join patches across threads (time-window fallback, adopted covers): replay
        self._order: dict[str, int] = {}
        for number, series in enumerate(group_series_locally(patches, reviews=False)):
            forest.join(*(patch.message_id for patch in series.messages))
            self._order |= dict.fromkeys((p.message_id for p in series.messages), number)
        numbers: dict[str, int] = {}
        for patch in patches:
            numbers.setdefault(forest.root(patch.message_id), len(numbers))
        #: per partition, the thread number of each mail; None for mails no series needs
        self.threads = [[numbers.get(forest.root(row[0])) for row in rows] for rows in links]

    def rank(self, series: Series) -> int:
        """Return where a series comes in the single-process order."""
        anchor = series.patches[0] if series.patches else series.cover
        if anchor is None:
            raise ValueError("a series without mails")  # group_series makes none
        return self._order[anchor.message_id]


class _Forest:
    """Union-find over Message-IDs: which mails share a thread."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def root(self, item: str) -> str:
        parent = self._parent.setdefault(item, item)
        while parent != item:
            grandparent = self._parent[parent]
            self._parent[item] = grandparent
            item, parent = parent, grandparent
        return item

    def join(self, first: str, *others: str) -> None:
        root = self.root(first)
        for other in others:
            other_root = self.root(other)
            if other_root != root:
                self._parent[other_root] = root


def _keyed_by_thread(
    messages: list[Message], partition: int, threads: list[int | None]
) -> list[tuple[int, tuple[int, int], Message]]:
    """Return (thread, position, message) for the mails of a partition some series needs."""
    if len(messages) != len(threads):
        raise SourceError(f"partition {partition} changed while it was read")
    return [
        (thread, (partition, index), message)
        for index, (thread, message) in enumerate(zip(threads, messages, strict=True))
        if thread is not None
    ]


def _thread_series(
    group: tuple[int, list[tuple[int, tuple[int, int], Message]]], reviews: bool
) -> list[Series]:
    """Return the series of one thread's mails, put back in archive order."""
    items = sorted(group[1], key=itemgetter(1))
    return group_series_locally([message for _, _, message in items], reviews=reviews)


# --- report -----------------------------------------------------------------------------------


@dataclasses.dataclass
class _Mails:
    """What the report needs of consecutive mails: lists, dates, acceptance notices."""

    list_ids: Counter[str] = dataclasses.field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    # (acceptance, the Message-ID whose title it takes when that patch arrived before)
    acceptances: list[tuple[Acceptance, str | None]] = dataclasses.field(default_factory=list)

    def add(self, message: Message) -> None:
        if message.list_id:
            self.list_ids[message.list_id.lower()] += 1
        if message.date is not None:
            self.first = min(self.first or message.date, message.date)
            self.last = max(self.last or message.date, message.date)
        if message.kind == "reply":
            for found in acceptances_in(message, {}):
                self.acceptances.append(
                    (found, message.parent_id if found.commit is None else None)
                )


@dataclasses.dataclass
class _PatchFacts:
    """What the report needs of a patch mail's first arrival in a partition."""

    message_id: str
    title: str
    author: Person | None
    block: list[str] | None  # the commit message block, for new postings (index <= 1)
    mail: _Mails


def render_report(
    messages: BagOrSources,
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
) -> str:
    """Return :func:`kvmlist.render_report` of the messages."""
    totals = _ReportTotals()
    for facts in _bag(messages).map_partitions(_report_facts).compute():
        totals.add(facts)
    range = range or _date_range(totals.mails.first, totals.mails.last)
    name = list_name or _name_of_list(totals.mails.list_ids)
    out = [
        f"From {range.start} to {range.end}",
        f"{name} mailing list update from {range.start} to {range.end}",
        "",
        f"Top {top} contributor Email domains (Based on Email Body)",
        "",
    ]
    out += [f"{n:7d} {domain}" for domain, n in totals.domains.most_common(top)]
    out += ["", f"Top {top} contributors (Based on Email Body)", ""]
    out += [f"{n:7d}  {person}" for person, n in totals.authors.counts().most_common(top)]
    out += ["", "===== Patch list in this time period =====", ""]
    out += [_acceptance_line(a) for a in totals.acceptances]
    out += ["", "===== Patch Commit Messages ====", ""]
    for block in reversed(totals.postings):
        out += block
    return "\n".join(out) + "\n"


def _report_facts(messages: Iterable[Message]) -> list[_PatchFacts | _Mails]:
    """Return a partition's mails as report facts, in order (a patch id once)."""
    facts: list[_PatchFacts | _Mails] = []
    seen: set[str] = set()
    for message in messages:
        if not isinstance(message, Patch):
            if not facts or not isinstance(facts[-1], _Mails):
                facts.append(_Mails())
            facts[-1].add(message)  # type: ignore[union-attr]
            continue
        if message.message_id in seen:
            continue
        seen.add(message.message_id)
        mail = _Mails()
        mail.add(message)
        block = _block(message) if message.index <= 1 else None
        facts.append(_PatchFacts(message.message_id, message.title, message.author, block, mail))
    return facts


class _ReportTotals:
    """The report's figures, gathered from the facts of every partition in order."""

    def __init__(self) -> None:
        self.mails = _Mails()
        self.domains: Counter[str] = Counter()
        self.authors = AuthorTally()
        self.titles: dict[str, str] = {}
        self.acceptances: list[Acceptance] = []
        self.postings: list[list[str]] = []

    def add(self, facts: _PatchFacts | _Mails) -> None:
        if isinstance(facts, _Mails):
            self._add_mails(facts)
            return
        if facts.message_id in self.titles:
            return  # the same Message-ID counts once
        self.titles[facts.message_id] = facts.title
        author = facts.author
        if author is not None:
            if author.domain:
                self.domains[author.domain] += 1
            self.authors.add_person(author)
        if facts.block is not None:
            self.postings.append(facts.block)
        self._add_mails(facts.mail)

    def _add_mails(self, mails: _Mails) -> None:
        self.mails.list_ids.update(mails.list_ids)
        for when in (mails.first, mails.last):
            if when is not None:
                self.mails.first = min(self.mails.first or when, when)
                self.mails.last = max(self.mails.last or when, when)
        for acceptance, parent in mails.acceptances:
            title = self.titles.get(parent, "") if parent else ""
            self.acceptances.append(
                dataclasses.replace(acceptance, title=title) if title else acceptance
            )
