"""Local public-inbox archives (the git repositories lore.kernel.org serves), with commit ranges.

A v2 inbox is a directory with ``git/0.git``, ``git/1.git``, … — one repository per epoch,
each commit adding one mail as the blob ``m`` (a deletion commit removes ``m`` and adds
``d``). A v1 inbox is one repository whose commits add mails under fan-out paths. We list the
commits with one ``git log`` per epoch and stream every blob through a single
``git cat-file --batch-command`` process per epoch: no process per message. Worker
processes read batches of the mails ``git log`` listed, each batch with a ``git cat-file``
of its own (:class:`InboxSelection`, :func:`read_arrivals`).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import re
import subprocess
import tempfile
import warnings
from collections import defaultdict, deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from kvmlist._utc import as_utc
from kvmlist.errors import CommitRangeError, SourceError, UsageError
from kvmlist.sources._git import (
    SAFE_LOG_FLAGS,
    Git,
    has_commits,
    last_words,
    one_line,
    run_git,
)
from kvmlist.sources.mbox import MAX_MAIL_BYTES
from kvmlist.sources.notices import WithdrawnMail
from kvmlist.sources.revrange import CommitRange, revision
from kvmlist.sources.spec import extindex_root

#: What a user calls (kvmlist.read_inbox reads through it); the rest serves the readers.
__all__ = ["InboxSelection"]

#: How many candidate commits an "ambiguous prefix" error lists.
CANDIDATES_SHOWN = 8
#: Mails ``git log`` lists per batch; each is asked of ``git cat-file`` in round trips of as
#: many as the pipe to it holds the commands of (_mails_per_trip): sizes, then contents.
BATCH = 4096
#: Bytes of the pipes to and from ``git cat-file`` (Linux's largest for any user): git
#: inflates the next run of mails while this process parses the last.
PIPE_BYTES = 1 << 20
#: Bytes of the pipes elsewhere, or where they could not be widened (POSIX's least).
SMALL_PIPE_BYTES = 4096
#: The longest command written to ``git cat-file``: "contents " and a SHA-256 id.
COMMAND_BYTES = len("contents \n") + 64
#: Bytes of mail read from ``git cat-file`` at once, newest first (see _fetch): a quarter
#: of the pipe, which holds the next run as this one is parsed.
GROUP_BYTES = PIPE_BYTES // 4
#: The newest commits of an epoch whose files are looked at before it is read (check_shape).
SHAPE_COMMITS = 3
# m | d | 0a/1b2c3d4e...: the files public-inbox commits (v2's mail or removal, v1's fan-out)
RE_ARCHIVE_PATH = re.compile(r"[md]|[0-9a-f]{2}/[0-9a-f]{2,62}")


@dataclass(frozen=True, slots=True)
class ArchivedMail:
    """One mail of a public-inbox archive, with where and when it arrived."""

    raw: bytes
    commit: str
    committed: datetime
    epoch: int


@dataclass(frozen=True, slots=True)
class Epoch:
    """One git repository of an inbox."""

    number: int
    path: Path


def find_epochs(inbox: str | os.PathLike[str]) -> list[Epoch]:
    """Return the epochs of a v2 inbox, or the single repository of a v1 inbox or epoch."""
    root = Path(inbox)
    if not root.exists():
        raise SourceError(f"{root}: no such inbox")
    extindex = extindex_root(root)
    if extindex is not None:
        raise SourceError(
            f"{root}: a public-inbox extindex, which holds no mails of its own (only an index "
            f"of other inboxes and their objects): pass one of the inboxes it indexes"
            f"{_indexed(extindex)}"
        )
    git_dir = root / "git"
    if git_dir.is_dir():
        epochs = [
            Epoch(int(p.name[:-4]), p)
            for p in git_dir.iterdir()
            if p.name.endswith(".git") and p.name[:-4].isdigit()
        ]
        for epoch in epochs:
            if not (epoch.path / "objects").is_dir():
                raise SourceError(f"{epoch.path}: not a git repository (an epoch must be one)")
        if epochs:
            return sorted(epochs, key=lambda e: e.number)
    if (root / "HEAD").is_file() and (root / "objects").is_dir():
        return [Epoch(_epoch_number(root), root)]  # a bare epoch or v1 repository
    if (root / ".git").is_dir():
        return [Epoch(0, root / ".git")]
    raise SourceError(f"{root}: not a public-inbox archive (no git/N.git epochs, no repository)")


def _indexed(extindex: str) -> str:
    """The inboxes an extindex's ALL.git borrows objects from (its alternates), for its
    error: ``" (kvm, ...)"`` with up to three paths, or nothing when none can be read."""
    alternates = Path(extindex, "ALL.git", "objects", "info", "alternates")
    try:
        lines = alternates.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    inboxes: list[str] = []
    for line in filter(None, map(str.strip, lines)):
        repository = Path(line).parent  # <inbox>/git/N.git/objects or <v1>/objects
        if repository.parent.name == "git" and repository.name[:-4].isdigit():
            repository = repository.parent.parent
        if str(repository) not in inboxes:
            inboxes.append(str(repository))
    more = ", ..." if len(inboxes) > 3 else ""
    return f" ({', '.join(inboxes[:3])}{more})" if inboxes else ""


def _epoch_number(path: Path) -> int:
    stem = path.name[:-4] if path.name.endswith(".git") else path.name
    return int(stem) if stem.isdigit() else 0


@dataclass(frozen=True, slots=True)
class ResolvedRange:
    """A CommitRange resolved in an archive: (epoch, full commit id) of each given end."""

    given: CommitRange
    first: tuple[Epoch, str] | None
    last: tuple[Epoch, str] | None


def resolve(epochs: Sequence[Epoch], commit: str) -> tuple[Epoch, str]:
    """Return the epoch holding a (possibly abbreviated) commit id, and its full id."""
    found: list[tuple[Epoch, str]] = []
    revision(commit, "commit")
    for epoch in epochs:
        done = _rev_parse(epoch, "--verify", "--quiet", f"{commit}^{{commit}}")
        if done.returncode == 0:
            found.append((epoch, done.stdout.strip()))
        else:
            found += [(epoch, full) for full in _commits_starting(epoch, commit)]
    candidates = sorted({full for _, full in found})
    if not candidates:
        raise CommitRangeError(f"{commit!r}: no such commit in the archive")
    if len(candidates) > 1:
        shown = ", ".join(c[:12] for c in candidates[:CANDIDATES_SHOWN])
        more = ", ..." if len(candidates) > CANDIDATES_SHOWN else ""
        raise CommitRangeError(
            f"{commit!r} is ambiguous: {len(candidates)} commits start with it "
            f"({shown}{more}); give more digits"
        )
    return found[0]


def resolve_range(epochs: Sequence[Epoch], commit_range: CommitRange) -> ResolvedRange:
    """Return the range with its ends resolved; CommitRangeError when it runs backwards."""
    first = resolve(epochs, commit_range.start) if commit_range.start else None
    last = resolve(epochs, commit_range.end) if commit_range.end else None
    if first and last and not _in_order(first, last):
        raise CommitRangeError(
            f"range {commit_range}: reversed, {commit_range.start} arrived after "
            f"{commit_range.end}; write it oldest..newest"
        )
    return ResolvedRange(commit_range, first, last)


def _in_order(first: tuple[Epoch, str], last: tuple[Epoch, str]) -> bool:
    """Whether first arrived before (or is) last; a SourceError when git cannot tell: it
    exits 1 for "not an ancestor" but also, saying why on stderr, when it cannot read a
    commit between them (git 2.39)."""
    (first_epoch, first_id), (last_epoch, last_id) = first, last
    if first_epoch.number != last_epoch.number:
        return first_epoch.number < last_epoch.number
    args = ("merge-base", "--is-ancestor", first_id, last_id)
    ancestor = run_git(first_epoch.path, *args, check=False)
    if ancestor.returncode not in (0, 1) or (ancestor.returncode and ancestor.stderr.strip()):
        said = one_line(ancestor.stderr) or f"exit status {ancestor.returncode}"
        raise SourceError(f"git {' '.join(args)} in {first_epoch.path}: {said}")
    return ancestor.returncode == 0


def _rev_parse(epoch: Epoch, *args: str) -> subprocess.CompletedProcess[str]:
    return run_git(epoch.path, "rev-parse", *args, check=False)


def _commits_starting(epoch: Epoch, prefix: str) -> list[str]:
    """Return the commits whose id starts with a hex prefix git found ambiguous."""
    if not (4 <= len(prefix) < 40) or not all(c in "0123456789abcdef" for c in prefix.lower()):
        return []
    objects = _rev_parse(epoch, f"--disambiguate={prefix.lower()}").stdout.split()
    if not objects:
        return []
    kinds = run_git(
        epoch.path,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        check=False,
        input="\n".join(objects) + "\n",
    )
    return [line.split()[0] for line in kinds.stdout.splitlines() if line.endswith(" commit")]


def iter_archive(
    inbox: str | os.PathLike[str],
    commit_range: str | CommitRange | ResolvedRange | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_mail_bytes: int = MAX_MAIL_BYTES,
) -> Iterator[ArchivedMail]:
    """Yield the mails of an inbox in arrival order, those it withdrew left out.

    ``commit_range`` has git semantics across epochs: ``A..B`` is every mail that arrived
    after commit A up to and including B; ``A..`` runs to the newest mail, ``..B`` from the
    first. Ids may be abbreviated. ``since``/``until`` bound the commit time (at or after
    ``since``, before ``until``). The inbox is read as of B, else as of its HEAD: a mail
    that a later commit up to there removes (``public-inbox-learn rm``) is left out with a
    :class:`WithdrawnMail` warning. A mail larger than ``max_mail_bytes`` stops the read with
    a SourceError (its size is asked of git before its bytes). git runs with options that
    keep the archive's configuration from running any program (kvmlist.sources._git).
    """
    selection = InboxSelection(inbox, commit_range, since=since, until=until)
    return selection.mails(max_mail_bytes)


@dataclass
class InboxSelection:
    """The mails of an inbox that a commit range and commit-time bounds select (see
    :func:`iter_archive`), listed by ``git log`` before any is read.

    :meth:`mails` reads them here; :meth:`batches` lists them in batches of one epoch,
    without reading any, for other processes to read (:func:`read_arrivals`). Either way
    ``first`` and ``last`` note the first and last arrival listed so far (a report names
    their commits), so they are the same whoever reads the mails; :meth:`before_first` finds
    the mail that arrived just before the first.
    """

    inbox: str | os.PathLike[str]
    commit_range: str | CommitRange | ResolvedRange | None = None
    since: datetime | None = None
    until: datetime | None = None
    first: Arrival | None = field(default=None, init=False)
    last: Arrival | None = field(default=None, init=False)
    _first_epoch: Epoch | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # a naive bound is UTC (kvmlist._utc): .timestamp() would read it in the machine's zone
        self.since = as_utc(self.since) if self.since is not None else None
        self.until = as_utc(self.until) if self.until is not None else None
        if self.since is not None and self.until is not None and self.since > self.until:
            raise UsageError(
                f"since {self.since.isoformat()} is after until {self.until.isoformat()}:"
                " no mail can arrive in between"
            )

    def batches(
        self, size: int, first_size: int = 1
    ) -> Generator[tuple[Epoch, list[Arrival]], None, None]:
        """Yield the arrivals, oldest first, in batches of up to ``size`` of one epoch:
        ``first_size``, twice that, ... in each epoch (a small first batch is read at once)."""
        commit_range = self.commit_range
        if isinstance(commit_range, str):
            commit_range = CommitRange.parse(commit_range)
        plan = _plan(find_epochs(self.inbox), commit_range)
        # commit times are whole seconds: "since" a time, "until" (before) a time, as the
        # options say. They are not monotonic (public-inbox stamps a commit with its mail's
        # first Received: time, and an old mail may be imported late), so each commit's time
        # is compared here: git log --since stops walking at the first older commit. The
        # inbox is read as of the range's end: all its removals count, whenever stamped
        since = math.ceil(self.since.timestamp()) if self.since else None
        until = math.ceil(self.until.timestamp()) if self.until else None
        pending = _removals(plan)
        for epoch, revisions in plan:
            with contextlib.closing(_listed(epoch, revisions)) as listing:
                kept = _kept(epoch, _stamped(listing, since, until), pending)
                for batch in _chunks(kept, size, first_size):
                    if self.first is None:
                        self.first, self._first_epoch = batch[0], epoch
                    self.last = batch[-1]
                    yield epoch, batch

    def before_first(self) -> Arrival | None:
        """Return the mail that arrived last before the first listed, in the archive whole
        (``B..`` from its commit selects the mails from the first on); None when none is
        listed or the first is the archive's first mail.

        Its epoch's commits are searched back from the first's, then the epochs before it,
        newest first; a commit that adds no mail (a deletion) is passed over."""
        first, epoch = self.first, self._first_epoch
        if first is None or epoch is None:
            return None
        earlier = [e for e in find_epochs(self.inbox) if e.number < epoch.number]
        searched = [(epoch, first.commit)]
        searched += [(e, "HEAD") for e in reversed(earlier) if has_commits(e.path)]
        for where, tip in searched:
            with contextlib.closing(_listed(where, [tip], newest_first=True)) as listing:
                for arrival in listing:
                    if isinstance(arrival, Arrival) and arrival.commit != first.commit:
                        return arrival
        return None

    def mails(self, max_mail_bytes: int = MAX_MAIL_BYTES) -> Iterator[ArchivedMail]:
        """Yield the mails, read by one ``git cat-file`` per epoch: the first arrives as
        soon as ``git log`` names it."""
        with contextlib.closing(self.batches(BATCH)) as batches:
            for epoch, in_epoch in itertools.groupby(batches, key=lambda batch: batch[0]):
                with _cat_file(epoch) as cat:
                    for _, batch in in_epoch:
                        yield from _fetch_all(cat, batch, epoch, max_mail_bytes)


def _plan(
    epochs: list[Epoch], commit_range: CommitRange | ResolvedRange | None
) -> list[tuple[Epoch, list[str]]]:
    """Return the rev-list arguments per epoch that cover a range."""
    heads = [e for e in epochs if has_commits(e.path)]
    for epoch in heads:
        check_shape(epoch)
    if commit_range is None:
        return [(e, ["HEAD"]) for e in heads]
    if isinstance(commit_range, CommitRange):
        commit_range = resolve_range(heads, commit_range)
    first, last = commit_range.first, commit_range.last
    plan = []
    for epoch in heads:
        if (first and epoch.number < first[0].number) or (last and epoch.number > last[0].number):
            continue
        tip = last[1] if last and epoch.number == last[0].number else "HEAD"
        args = [tip]
        if first and epoch.number == first[0].number:
            args.append(f"^{first[1]}")
        plan.append((epoch, args))
    return plan


def check_shape(epoch: Epoch) -> None:
    """Raise a SourceError unless an epoch's newest commits change only the files
    public-inbox writes (``m``, ``d``, v1's fan-out paths): a clone of source code is no
    archive, and its files would be read as mails. A few commits, newest first: it costs
    one short ``git log`` however long the history."""
    listing = run_git(
        epoch.path, "log", *SAFE_LOG_FLAGS, f"--max-count={SHAPE_COMMITS}", "--no-renames",
        "--raw", "--no-abbrev", "--format=C %H", "HEAD",
    )  # fmt: skip
    commit, files = "", 0
    for line in listing.stdout.splitlines():  # paths quoted in ASCII (core.quotePath)
        if line.startswith("C "):
            commit = line[2:]
        elif line.startswith(":"):
            path = line.partition("\t")[2]
            if not RE_ARCHIVE_PATH.fullmatch(path):
                raise SourceError(
                    f"{epoch.path}: not a public-inbox archive: commit {commit[:12]} changes "
                    f"{path!r}, where public-inbox commits only mails (m, d or ab/cdef...)"
                )
            files += 1
    if not files:
        raise SourceError(f"{epoch.path}: not a public-inbox archive: its commits hold no mail")


def _removals(plan: list[tuple[Epoch, list[str]]]) -> dict[bytes, deque[str]]:
    """Return the mails the commits of a plan remove: each blob with the commits that remove
    it, oldest first (:func:`pending`)."""
    return pending(removal for epoch, revisions in plan for removal in removals(epoch, revisions))


def _stamped(
    changes: Iterator[Arrival | Removal], since: int | None, until: int | None
) -> Iterator[Arrival | Removal]:
    """The removals, and the arrivals whose commit time is at or after ``since`` and before
    ``until`` (unix times; None: unbounded)."""
    for change in changes:
        if isinstance(change, Arrival) and (
            (since is not None and change.stamp < since)
            or (until is not None and change.stamp >= until)
        ):
            continue
        yield change


def removals(epoch: Epoch, revisions: list[str]) -> Iterator[Removal]:
    """Yield the removals among the commits of an epoch, oldest first. One ``git log`` of the
    commits that change a path other than ``m``: a v2 epoch's removals (``d``) only, so it
    walks without a diff per mail."""
    with contextlib.closing(_listed(epoch, revisions, paths=(":(exclude)m",))) as listing:
        yield from (change for change in listing if isinstance(change, Removal))


def pending(later: Iterable[Removal]) -> dict[bytes, deque[str]]:
    """Return the removals still to come, in archive order, as :func:`_kept` takes them: each
    blob with the commits that remove it, oldest first."""
    found: dict[bytes, deque[str]] = defaultdict(deque)
    for removal in later:
        found[removal.blob].append(removal.commit)
    return found


def _kept(
    epoch: Epoch, changes: Iterator[Arrival | Removal], pending: dict[bytes, deque[str]]
) -> Iterator[Arrival]:
    """Yield the arrivals that no later removal (``pending``, as :func:`_removals` lists
    them) takes back; each one withdrawn is a WithdrawnMail warning."""
    for change in changes:
        removals = pending.get(change.blob)
        if isinstance(change, Removal):
            if removals:
                removals.popleft()  # passed: it concerns no mail after it
        elif removals:
            warnings.warn(
                f"{epoch.path}: the mail of commit {change.commit} was removed by commit "
                f"{removals[0]} (public-inbox-learn rm or the like); left out",
                WithdrawnMail,
                stacklevel=2,
            )
        else:
            yield change


def read_arrivals(
    epoch: Epoch, arrivals: list[Arrival], max_mail_bytes: int = MAX_MAIL_BYTES
) -> Iterator[ArchivedMail]:
    """Yield the mails of a batch of :meth:`InboxSelection.batches`, read by a
    ``git cat-file`` of its own, as :func:`iter_archive` gives them."""
    with _cat_file(epoch) as cat:
        yield from _fetch_all(cat, arrivals, epoch, max_mail_bytes)


def read_commits(
    epoch: Epoch,
    revisions: list[str],
    later: dict[bytes, deque[str]],
    max_mail_bytes: int = MAX_MAIL_BYTES,
) -> Iterator[ArchivedMail]:
    """Yield the mails the commits of an epoch add (``revisions`` as ``git log`` takes them),
    read by a ``git cat-file`` of their own, those withdrawn left out as :func:`iter_archive`
    leaves them out: ``later`` (:func:`pending`) holds the removals of the archive from the
    first of these commits on, to the end of the view (its own epoch's and later epochs')."""
    with contextlib.closing(_listed(epoch, revisions)) as listing, _cat_file(epoch) as cat:
        for batch in _chunks(_kept(epoch, listing, later), BATCH, BATCH):
            yield from _fetch_all(cat, batch, epoch, max_mail_bytes)


def _listed(
    epoch: Epoch,
    revisions: list[str],
    *,
    newest_first: bool = False,
    paths: tuple[str, ...] = (),
) -> Generator[Arrival | Removal, None, None]:
    """The arrivals and removals ``git log`` lists for revisions of an epoch (the commits
    that change ``paths``, when given), oldest first unless ``newest_first``, as it writes
    them; its failure is a SourceError after them."""
    order = () if newest_first else ("--reverse",)
    with tempfile.TemporaryFile() as errors:
        log = Git(
            epoch.path, "log", *SAFE_LOG_FLAGS, *order, "--no-renames", "--raw",
            "--no-abbrev", "--format=C %H %ct", *revisions, "--", *paths,
            stdin=subprocess.DEVNULL, stderr=errors,
        )  # fmt: skip
        try:
            yield from _changes(log.stdout)
            if log.process.wait() != 0:
                raise SourceError(f"git log in {epoch.path} failed{_colon(last_words(errors))}")
        finally:
            log.stop()


@contextlib.contextmanager
def _cat_file(epoch: Epoch) -> Iterator[Git]:
    """A ``git cat-file --batch-command`` of an epoch, its pipes widened, stopped after use.
    When git ends early (its output stops short of an answer, or it no longer reads the
    requests), the SourceError names the epoch and quotes git's last words on stderr."""
    with tempfile.TemporaryFile() as errors:
        cat = Git(
            epoch.path, "cat-file", "--batch-command", "--buffer",
            stdin=subprocess.PIPE, stderr=errors,
        )  # fmt: skip
        try:
            for pipe in (cat.stdin, cat.stdout):
                if pipe is not None:
                    _widen(pipe)
            yield cat
        except (_EndedEarly, BrokenPipeError):
            cat.stop()  # git has ended, or is ended: all it said is in the file
            said = last_words(errors)
            raise SourceError(f"{epoch.path}: git cat-file ended early{_colon(said)}") from None
        finally:
            cat.stop()


def _colon(said: str) -> str:
    """What git said, after a colon; nothing when it said nothing."""
    return f": {said}" if said else ""


class _EndedEarly(SourceError):
    """git cat-file's output ended before the answer it owed (see _cat_file)."""


def _widen(pipe: IO[bytes]) -> None:
    """Ask the system to let a pipe hold PIPE_BYTES.

    git blocks once its pipe is full: with the 64 kB default it waited while each run of
    mails was parsed (read_inbox of the bench inbox: 2.1 s -> 1.3-1.4 s widened, runs of
    GROUP_BYTES). Elsewhere than on Linux, or where a user's pipes are capped, pipes stay.
    """
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _held(pipe: IO[bytes]) -> int:
    """The bytes a pipe holds, as far as the system tells (else SMALL_PIPE_BYTES)."""
    try:
        import fcntl

        return int(fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ))
    except (ImportError, AttributeError, OSError):
        return SMALL_PIPE_BYTES


def _mails_per_trip(cat: Git) -> int:
    """How many mails one round trip to ``git cat-file`` may ask: as many as the pipe to it
    holds the commands of, so that writing them never waits on git (which may be waiting
    for us to read its answers)."""
    assert cat.stdin is not None
    return max(1, _held(cat.stdin) // COMMAND_BYTES)


def _fetch_all(
    cat: Git, arrivals: list[Arrival], epoch: Epoch, max_mail_bytes: int
) -> Iterator[ArchivedMail]:
    """Yield the mails of arrivals, asked of git in round trips of _mails_per_trip."""
    trip = _mails_per_trip(cat)
    for start in range(0, len(arrivals), trip):
        yield from _fetch(cat, arrivals[start : start + trip], epoch, max_mail_bytes)


@dataclass(frozen=True, slots=True)
class Arrival:
    """A mail a commit added, as ``git log`` names it: the commit, its time, the blob."""

    commit: str
    stamp: int
    blob: bytes


@dataclass(frozen=True, slots=True)
class Removal:
    """A commit that removes a mail from the inbox, and the mail's blob."""

    commit: str
    blob: bytes


def _changes(listing: IO[bytes]) -> Iterator[Arrival | Removal]:
    """Yield each mail a commit added or removed, as ``git log --raw`` streams them.

    v2 commits add the blob ``m`` (replacing the previous one, which stays in the inbox);
    a v2 removal holds the removed mail as ``d`` instead. v1 commits add a mail under a
    fan-out path, and a v1 removal deletes that path.
    """
    commit, stamp = "", 0
    for line in listing:
        if line.startswith(b"C "):
            _, sha, when = line.split()
            commit, stamp = sha.decode(), int(when)
        elif line.startswith(b":"):
            meta, _, path = line.rstrip(b"\n").partition(b"\t")
            fields = meta.split()
            status = fields[-1]
            if status in (b"A", b"M"):
                if path == b"d":
                    yield Removal(commit, fields[3])
                else:
                    yield Arrival(commit, stamp, fields[3])
            elif status == b"D" and path not in (b"m", b"d"):
                yield Removal(commit, fields[2])


def _chunks(arrivals: Iterator[Arrival], size: int, first: int = 1) -> Iterator[list[Arrival]]:
    """Yield the arrivals in lists of ``first``, twice that, ... up to size: by default the
    first mail is asked of git as soon as ``git log`` names it, not once a whole batch of
    the log has been read."""
    chunk: list[Arrival] = []
    wanted = first
    for arrival in arrivals:
        chunk.append(arrival)
        if len(chunk) == wanted:
            yield chunk
            chunk, wanted = [], min(2 * wanted, size)
    if chunk:
        yield chunk


def _fetch(
    cat: Git, chunk: list[Arrival], epoch: Epoch, max_mail_bytes: int
) -> Iterator[ArchivedMail]:
    """Yield the mails of a chunk: ask git their sizes, then the contents of those in bounds.

    Git packs an older mail as a delta against a newer one (chains of up to 50 in lore's
    packs), so the contents are asked newest first within runs of up to GROUP_BYTES: git's
    cache of delta bases then builds each chain once (git's CPU on the bench inbox: 3.5 ->
    2.1 s). Each run is read whole and its mails yielded oldest first.
    """
    assert cat.stdin is not None
    cat.stdin.write(b"".join(b"info %s\n" % a.blob for a in chunk) + b"flush\n")
    cat.stdin.flush()
    sizes = [_size(cat.stdout.readline()) for _ in chunk]
    runs, unread = _runs(chunk, sizes, max_mail_bytes)
    asked = (a.blob for run in runs for a in reversed(run))
    cat.stdin.write(b"".join(b"contents %s\n" % blob for blob in asked) + b"flush\n")
    cat.stdin.flush()
    for run in runs:
        raws = [_read_object(cat.stdout) for _ in run]
        for arrival, raw in zip(run, reversed(raws), strict=True):
            when = datetime.fromtimestamp(arrival.stamp, tz=timezone.utc)
            yield ArchivedMail(raw=raw, commit=arrival.commit, committed=when, epoch=epoch.number)
    if unread is not None:
        arrival, size = unread
        if size is None:
            raise SourceError(
                f"{epoch.path}: the mail of commit {arrival.commit} is not in the repository "
                "(a partial clone? kvmlist fetches nothing: clone the archive whole)"
            )
        raise SourceError(
            f"{epoch.path}: the mail of commit {arrival.commit} is larger than "
            f"{max_mail_bytes:,} bytes (max_mail_bytes); corrupt or hostile input?"
        )


def _runs(
    chunk: list[Arrival], sizes: list[int | None], max_mail_bytes: int
) -> tuple[list[list[Arrival]], tuple[Arrival, int | None] | None]:
    """Return the mails to read as runs of at most GROUP_BYTES (a larger mail alone), in
    order, up to the first that cannot be read, which is returned apart with its size: a
    blob the repository lacks (None) or one above max_mail_bytes."""
    runs: list[list[Arrival]] = []
    run: list[Arrival] = []
    held = 0
    for arrival, size in zip(chunk, sizes, strict=True):
        if size is None or size > max_mail_bytes:
            return [*runs, run] if run else runs, (arrival, size)
        if run and held + size > GROUP_BYTES:
            runs.append(run)
            run, held = [], 0
        run.append(arrival)
        held += size
    return [*runs, run] if run else runs, None


def _size(header: bytes) -> int | None:
    """Return the size an ``info`` answer gives, or None for a missing object."""
    fields = header.split()
    if not fields:
        raise _EndedEarly("git cat-file ended early")
    return None if fields[-1] == b"missing" else int(fields[2])


def _read_object(stdout: IO[bytes]) -> bytes:
    """Return the next blob a ``contents`` command of ``git cat-file`` sends."""
    size = _size(stdout.readline())
    if size is None:
        raise SourceError("git cat-file lost an object it had just listed")
    data = stdout.read(size)
    stdout.read(1)  # the newline after each object
    if len(data) != size:
        raise _EndedEarly("git cat-file ended early")
    return data
