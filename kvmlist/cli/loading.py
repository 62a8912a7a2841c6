"""The command line's way in: a SOURCE (mbox, Maildir, -) or a public-inbox archive range."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from kvmlist.analysis.aggregate import explain_no_period
from kvmlist.analysis.repeats import Repeats
from kvmlist.cli.lore_options import lore_client
from kvmlist.cli.output import say
from kvmlist.cli.state import check_recordable, last_reported
from kvmlist.cli.values import moment
from kvmlist.errors import CommitRangeError, SourceError, UsageError
from kvmlist.grouping.pulls import is_counted_patch_mail
from kvmlist.grouping.review import Progress
from kvmlist.models import Message, Patch
from kvmlist.outputs.report import ReportRange
from kvmlist.parse.message import is_unparsable
from kvmlist.sources.folder import iter_mail_files
from kvmlist.sources.maildir import SkippedEntry, iter_maildir
from kvmlist.sources.mbox import iter_raw_messages
from kvmlist.sources.notices import WithdrawnMail
from kvmlist.sources.reader import parse_raw
from kvmlist.sources.revrange import CommitRange
from kvmlist.sources.spec import classify_source

if TYPE_CHECKING:
    from kvmlist.sources.public_inbox import InboxSelection, ResolvedRange

T = TypeVar("T")

#: Commands that read nothing but patch mails (counts by author, domain, organisation).
COUNTS_PATCH_MAILS = frozenset({"stats", "plot"})
#: Commit ids in report headers are abbreviated like the seed's ("e5d776dd9").
ABBREV = 9


class Tally:
    """What a command's stream of messages held that the user should hear about."""

    def __init__(self) -> None:
        self.unparsable = 0
        self.repeats = Repeats()
        #: Mails dated by a broken clock (``implausible-date``), of them patch mails (first
        #: copies): what every count by period leaves out (Message.plausible_date).
        self.implausible = 0
        self.implausible_patches = 0
        #: Other lines for stderr, said first (how --since-last found its start).
        self.said: list[str] = []

    def counted(self, messages: Iterable[Message]) -> Iterator[Message]:
        """Yield the messages, counting those that could not be parsed, the patch mails
        that repeat a Message-ID seen earlier (what series, counts and the report leave out;
        stats in workers counts the same: see kvmlist.scale.workers.patch_keys_in_workers)
        and those with an implausible date."""
        for position, message in enumerate(messages, 1):
            self.unparsable += is_unparsable(message)
            repeated = isinstance(message, Patch) and self.repeats.add(position, message.message_id)
            if message.date is not None and message.plausible_date is None:
                self.implausible += 1
                self.implausible_patches += is_counted_patch_mail(message) and not repeated
            yield message

    def outside_periods(self, period: str, *, patches: bool, also: str = "") -> str | None:
        """Return the line telling how many mails (patch mails with ``patches``) a count by
        ``period`` left out for their implausible date, or None when none."""
        count = self.implausible_patches if patches else self.implausible
        if not count:
            return None
        line = explain_no_period(count, period, "patch mail" if patches else "mail", also)
        whose = "its" if count == 1 else "their"
        return f"{line} (`kvmlist check` lists {whose} defect, implausible-date)"

    def add_unparsable(self, count: int) -> None:
        """Count mails that could not be parsed, as worker processes hand back their number."""
        self.unparsable += count

    def notes(self) -> list[str]:
        """Return the lines to print on stderr: none when every mail was parsed, no
        Message-ID came twice and nothing else was said."""
        lines = list(self.said)
        if self.unparsable:
            lines.append(
                f"{_mails(self.unparsable)} could not be parsed (kept as 'unparsable' messages)"
            )
        if self.repeats.count:
            verb = "repeats" if self.repeats.count == 1 else "repeat"
            lines.append(
                f"{_mails(self.repeats.count, 'patch mail')} {verb} a Message-ID seen earlier"
                " (the first copy counts; `kvmlist check` lists them)"
            )
        return lines


def _mails(count: int, what: str = "mail") -> str:
    return f"1 {what}" if count == 1 else f"{count:,} {what}s"


#: Skipped entries named one by one on stderr; more are counted.
SKIPPED_SHOWN = 5


@dataclass
class Noted:
    """What a source left out, as its warnings said: entries that hold no mail (a Maildir's
    folder, a dangling link) and mails the archive withdrew (a later commit removed them)."""

    skipped: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """Return the lines that tell of them on stderr."""
        lines = [f"skipped {note}" for note in self.skipped[:SKIPPED_SHOWN]]
        if len(self.skipped) > SKIPPED_SHOWN:
            more = len(self.skipped) - SKIPPED_SHOWN
            lines.append(f"skipped {more:,} more entries that hold no mail")
        if self.withdrawn:
            lines.append(
                f"{_mails(len(self.withdrawn))} withdrawn from the archive left out (removed by"
                " a later commit; `kvmlist check` lists them)"
            )
        return lines


@contextlib.contextmanager
def noting_skipped() -> Iterator[Noted]:
    """Collect what a source left out (its SkippedEntry and WithdrawnMail warnings), for
    ``check`` to list and the others to note; other warnings go where they went."""
    noted = Noted()
    with warnings.catch_warnings():
        warnings.simplefilter("always", SkippedEntry)
        warnings.simplefilter("always", WithdrawnMail)
        show = warnings.showwarning

        def collect(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, SkippedEntry):
                noted.skipped.append(str(message))
            elif issubclass(category, WithdrawnMail):
                noted.withdrawn.append(str(message))
            elif category.__module__.startswith("kvmlist."):  # ours: one line, no source line
                say(str(message))
            else:
                show(message, category, filename, lineno, file, line)

        warnings.showwarning = collect
        yield noted


@dataclass
class Loaded:
    """The messages a command works on, and for an archive the commits they span."""

    messages: Iterable[Message]
    inbox: str | None = None
    range_start: str | None = None
    range_end: str | None = None
    tally: Tally = field(default_factory=Tally)
    #: What to do once the command's output is written in full (``--since-last``'s record).
    after_output: list[Callable[[], None]] = field(default_factory=list)
    #: The archive's mails that ``messages`` parses, for a command that has workers read
    #: and parse them instead (read one of the two, not both): it notes the commits listed.
    selection: InboxSelection | None = None

    def __post_init__(self) -> None:
        counted = self.tally.counted(self.messages)
        self.messages = list(counted) if isinstance(self.messages, list) else counted

    @property
    def first_commit(self) -> str | None:
        """The commit of the archive's first mail listed so far."""
        first = self.selection.first if self.selection is not None else None
        return first.commit if first is not None else None

    @property
    def last_commit(self) -> str | None:
        """The commit of the archive's last mail listed so far."""
        last = self.selection.last if self.selection is not None else None
        return last.commit if last is not None else None

    @property
    def commit_span(self) -> ReportRange | None:
        """The report header's ends, as a range ``A..B`` that selects the same mails: the
        commits the range names, else the commit of the mail that arrived just before the
        first (the first's own when nothing came before it) and the last mail's (a commit
        that adds no new mail, its blob equal to its parent's, is still named).

        Messages from an archive are streamed: this is known once they have been read."""
        if self.last_commit is None:
            return None
        start = self.range_start or self._before_first() or self.first_commit
        end = self.range_end or self.last_commit
        return ReportRange((start or end)[:ABBREV], end[:ABBREV])

    def _before_first(self) -> str | None:
        before = self.selection.before_first() if self.selection is not None else None
        return before.commit if before is not None else None


def load(args: argparse.Namespace) -> Loaded:
    """Return the messages the arguments name; a wrong combination is a UsageError."""
    inbox = getattr(args, "inbox", None)
    if inbox and args.source:
        raise UsageError("give a SOURCE or --inbox, not both")
    if not inbox:
        _source_needed(args)
        # streamed: report and stats keep no mail they need not; the bar counts every mail
        raws = with_progress(iter_raw_mails(args), enabled=wants_progress(args))
        return Loaded(parse_raw(raws, answers=reads_answers(args)))
    return _load_inbox(args, inbox)


def iter_raw_mails(args: argparse.Namespace) -> Iterator[bytes]:
    """Yield the raw mails of the SOURCE (mbox, Maildir, archive, ``-``, a Message-ID or
    lore URL, whose thread is fetched) or ``--inbox`` range."""
    inbox = getattr(args, "inbox", None)
    if inbox and args.source:
        raise UsageError("give a SOURCE or --inbox, not both")
    if inbox:
        return (mail.raw for mail in inbox_selection(args).mails())
    _source_needed(args)
    spec = classify_source(args.source)
    if spec.kind == "stdin":
        return iter_raw_messages("-")
    if spec.is_remote:
        return iter_raw_messages(io.BytesIO(fetch_thread(args, args.source)))
    if spec.kind == "maildir":
        return iter_maildir(args.source)
    if spec.kind == "files":
        return iter_mail_files(args.source)
    if spec.kind == "inbox":
        from kvmlist.sources.public_inbox import iter_archive  # git: for an archive only

        return (mail.raw for mail in iter_archive(args.source))
    return iter_raw_messages(args.source)


def _source_needed(args: argparse.Namespace) -> None:
    """Without --inbox: a SOURCE is needed, and the options that select from an inbox are
    refused rather than ignored."""
    if not args.source:
        raise UsageError("a SOURCE (mbox file, Maildir or -) or --inbox PATH is needed")
    for option in ("commits", "since", "until", "since_last"):
        if getattr(args, option, None):
            raise UsageError(f"--{option.replace('_', '-')} needs --inbox")


def inbox_selection(
    args: argparse.Namespace, commit_range: str | ResolvedRange | None = None
) -> InboxSelection:
    """The mails of ``--inbox`` that a commit range (else ``--commits``), ``--since`` and
    ``--until`` select."""
    from kvmlist.sources.public_inbox import InboxSelection  # git: for an archive only

    return InboxSelection(
        args.inbox,
        commit_range or getattr(args, "commits", None),
        since=_date(getattr(args, "since", None), "--since"),
        until=_date(getattr(args, "until", None), "--until"),
    )


def wants_progress(args: argparse.Namespace, stream: TextIO | None = None) -> bool:
    """True when reading should draw a progress bar: not ``--quiet`` and stderr a terminal."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return not getattr(args, "quiet", False) and callable(isatty) and bool(isatty())


def with_progress(
    items: Iterable[T],
    *,
    enabled: bool,
    total: int | None = None,
    what: str = "reading",
    stream: TextIO | None = None,
) -> Iterator[T]:
    """Yield the items, counting them (as mails) on a tqdm bar on stderr when enabled."""
    if not enabled:
        yield from items
        return
    from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

    if total is None and isinstance(items, Sized):
        total = len(items)

    bar = tqdm(
        items,
        total=total,
        desc=what,
        unit=" mails",
        file=sys.stderr if stream is None else stream,
        leave=False,  # the bar goes once the mails are read; the result stays on screen
        dynamic_ncols=True,
    )
    yield from bar


def progress_for(args: argparse.Namespace, what: str) -> Progress | None:
    """A progress hook (see kvmlist.grouping.review.Progress) for a long phase, or None."""
    if not wants_progress(args):
        return None
    return lambda items: with_progress(items, enabled=True, what=what)


def is_remote(source: str) -> bool:
    """True for a lore URL or a Message-ID that is not a file here."""
    return classify_source(source).is_remote


def fetch_thread(args: argparse.Namespace, source: str) -> bytes:
    """Return the mbox of the thread a Message-ID or lore URL names, fetched at once."""
    with lore_client(args, source) as client:
        return client.thread_mbox(source)


def _load_inbox(args: argparse.Namespace, inbox: str) -> Loaded:
    from kvmlist.sources.public_inbox import find_epochs, resolve_range

    commit_range = args.commits or (args.range if args.command == "report" else None)
    notes = []
    if getattr(args, "since_last", False):
        if commit_range:
            raise UsageError("--since-last and a commit range exclude each other")
        from kvmlist.cli.state import default_state_file

        state = Path(args.state) if args.state else default_state_file()
        last = last_reported(inbox, state)
        check_recordable(state)
        if last and _gone(inbox, last):
            if not args.since:
                raise SourceError(
                    f"{state}: the last report of {inbox} ended at commit {last[:12]}, which "
                    "the archive no longer holds (its history rewritten: public-inbox-edit or "
                    "-purge?); add --since DATE once to report from a date on (the state goes "
                    "on from there), or delete the entry to report the whole archive"
                )
            notes.append(f"{state}: commit {last[:12]} is no longer in the archive; this "
                         f"report reports from --since {args.since}")  # fmt: skip
            last = None
        commit_range = f"{last}.." if last else None
    resolved = None
    if commit_range:
        resolved = resolve_range(find_epochs(inbox), CommitRange.parse(commit_range))
    selection = inbox_selection(args, resolved)
    loaded = Loaded(
        (),
        inbox=inbox,
        range_start=resolved.first[1] if resolved and resolved.first else None,
        range_end=resolved.last[1] if resolved and resolved.last else None,
        selection=selection,
    )
    loaded.tally.said += notes
    # streamed: the raw mail and its Message are dropped once the command has used them
    mails = (mail.raw for mail in selection.mails())
    raws = with_progress(mails, enabled=wants_progress(args), what="reading the archive")
    loaded.messages = loaded.tally.counted(parse_raw(raws, answers=reads_answers(args)))
    return loaded


def _gone(inbox: str, commit: str) -> bool:
    """Whether an archive no longer holds a commit (its history was rewritten)."""
    from kvmlist.sources.public_inbox import find_epochs, resolve

    try:
        resolve(find_epochs(inbox), commit)
    except CommitRangeError:
        return True
    return False


def reads_answers(args: argparse.Namespace) -> bool:
    """False for a command that counts patch mails only (COUNTS_PATCH_MAILS): it leaves
    answers unparsed once their subject is read (parse_raw's ``answers``)."""
    return args.command not in COUNTS_PATCH_MAILS


def _date(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        return moment(text)
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"{option} {error}") from None
