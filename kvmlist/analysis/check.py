"""An archive's health: how many mails went in and came out, what they are, what was odd,
which mails repeat a Message-ID (kvmlist.analysis.repeats), and how many patches are a pull
request's copies of a posting (kvmlist.grouping.pull_copies: ``stats`` counts them once)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from kvmlist.analysis.repeats import MailPrint, RepeatedId, Repeats, mail_print
from kvmlist.grouping.pull_copies import Claim, PullCopies, claim_of
from kvmlist.grouping.pulls import counted_kind
from kvmlist.grouping.series import group_series
from kvmlist.models import Defect, DefectKind, Message, MessageKind, Patch, Person
from kvmlist.parse.addresses import identity_key

#: Examples kept per defect kind.
EXAMPLES = 3
#: The defects of a mail with none of the headers every list mail has: nearly always one cut
#: in two at a body line taken for a ``From `` separator, else one the file's end truncates.
HEADERLESS = frozenset({"missing-from", "missing-date", "missing-message-id"})
#: What check finds of a robot's mail with a diff (a commit notice, a stable or tip-bot
#: notice): counted as no posting, so no patch check ran on the diff that ``git am`` applies.
ROBOT_WITH_DIFF = Defect(kind="robot-with-diff", detail="no patch check ran on its diff")


@dataclass
class CheckResult:
    """Counts over an archive, the defects found, by kind, with example Message-IDs, and
    every mail that repeats a Message-ID seen earlier (left out of series and counts)."""

    mails_in: int = 0
    mails_out: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    series_complete: int = 0
    series_partial: int = 0
    #: of the partial series, the stable backports (AUTOSEL: partial by design)
    series_partial_backports: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    repeats: list[RepeatedId] = field(default_factory=list)
    #: entries of the source that hold no mail, each with the reason (a Maildir's folder)
    skipped: list[str] = field(default_factory=list)
    #: mails of a public-inbox archive that a later commit removed, each with the commits
    withdrawn: list[str] = field(default_factory=list)
    #: mails with no From, Date nor Message-ID, and the first EXAMPLES of their (synthetic) ids
    headerless: int = 0
    headerless_examples: list[str] = field(default_factory=list)
    #: of the patches, those that are a pull request's copy of a posting of the archive
    copies: int = 0

    def add(self, row: CheckRow) -> None:
        """Count one parsed mail."""
        self.mails_out += 1
        self.kinds[row.kind] += 1
        for kind, count in row.defects:
            self.defects[kind] += count
            examples = self.examples.setdefault(kind, [])
            if len(examples) < EXAMPLES and row.message_id not in examples:
                examples.append(row.message_id)
        if HEADERLESS.issubset(kind for kind, _ in row.defects):
            self.headerless += 1
            if len(self.headerless_examples) < EXAMPLES:
                self.headerless_examples.append(row.message_id)

    def merge(self, later: CheckResult) -> None:
        """Add the counts of the mails that came after these (a worker's slice): the same
        counts, kinds in the same order and the same examples as if they were added here."""
        self.mails_out += later.mails_out
        self.kinds.update(later.kinds)
        self.defects.update(later.defects)
        self.headerless += later.headerless
        room = EXAMPLES - len(self.headerless_examples)
        self.headerless_examples += later.headerless_examples[: max(room, 0)]
        for kind, ids in later.examples.items():
            examples = self.examples.setdefault(kind, [])
            for message_id in ids:  # a slice's first EXAMPLES ids hold all it may add
                if len(examples) < EXAMPLES and message_id not in examples:
                    examples.append(message_id)

    @property
    def lost(self) -> int:
        """Mails that went in but did not come out (0 unless something is badly wrong)."""
        return self.mails_in - self.mails_out

    def render(self) -> str:
        """Return the result as a short human-readable text."""
        lines = [
            f"mails in:   {self.mails_in}",
            f"mails out:  {self.mails_out}" + (f"  ({self.lost} LOST)" if self.lost else ""),
            f"patches:    {self.kinds['patch']}",
            f"covers:     {self.kinds['cover']}",
            f"replies:    {self.kinds['reply']}",
            f"pulls:      {self.kinds['pull']}",
            *(
                [
                    f"copies:     {self.copies} of the patches (a pull request's, of a posting "
                    "here: counted once)"
                ]
                if self.copies
                else []
            ),
            f"robots:     {self.kinds['robot']}",
            f"other:      {self.kinds['other']}",
            f"series:     {self.series_complete + self.series_partial} "
            f"({self.series_complete} complete, {self.series_partial} partial"
            + (
                f", {self.series_partial_backports} of them stable backports)"
                if self.series_partial_backports
                else ")"
            ),
            f"defects:    {sum(self.defects.values())}",
        ]
        if self.skipped:
            entries = (
                "1 entry that holds"
                if len(self.skipped) == 1
                else f"{len(self.skipped)} entries that hold"
            )
            lines.insert(2, f"skipped:    {entries} no mail")
            lines[3:3] = [f"  {note}" for note in self.skipped]
        if self.withdrawn:
            mails = "1 mail" if len(self.withdrawn) == 1 else f"{len(self.withdrawn)} mails"
            at = 2 + (len(self.skipped) + 1 if self.skipped else 0)
            lines.insert(at, f"withdrawn:  {mails} a later commit removed (left out)")
            lines[at + 1 : at + 1] = [f"  {note}" for note in self.withdrawn]
        for kind, count in self.defects.most_common():
            lines.append(f"  {count:6d} {kind}  e.g. {', '.join(self.examples[kind])}")
        if self.headerless:
            mails = "1 mail" if self.headerless == 1 else f"{self.headerless} mails"
            lines.append(
                f"headerless: {mails} with no From, Date nor Message-ID (cut in two at a body "
                f"'From ' line, or truncated?)  e.g. {', '.join(self.headerless_examples)}"
            )
        lines.append(f"repeats:    {len(self.repeats)}")
        if self.repeats:
            verb = "mail repeats" if len(self.repeats) == 1 else "mails repeat"
            lines[-1] += f" {verb} a Message-ID seen earlier (the first copy counts)"
        for repeat in self.repeats:
            lines.append(
                f"  mails {repeat.first}, {repeat.position}  {repeat.how}  {repeat.message_id}"
            )
        return "\n".join(lines) + "\n"


def check_messages(raw_count: int, messages: Iterable[Message]) -> CheckResult:
    """Return the health of an archive of raw_count mails that parsed into messages."""
    return check_rows(raw_count, map(check_row, messages))


class SlimPatch(NamedTuple):
    """What series grouping reads of a patch or cover (see :class:`_Slimmer`)."""

    message_id: str
    kind: MessageKind
    subject: str
    author: tuple[str, str] | None  # (name, address): grouping asks whose a mail is
    sender: tuple[str, str] | None
    date: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    version: int
    number: int  # the i of i/N (``index`` is a tuple method)
    total: int
    numbered: bool
    prefixes: tuple[str, ...]  # "v4.1" tells a point revision (grouping rule 3)
    has_diff: bool  # a "0/N" with a diff under its cover is a patch (grouping rule 2b)
    claim: Claim | None  # what it claims to copy (kvmlist.grouping.pull_copies.claim_of)


class CheckRow(NamedTuple):
    """What check needs of one parsed mail (a cover letter carrying a pull request is of
    kind "pull", as ``kvmlist pulls`` lists it; its ``patch`` still groups it). Built where
    the mail is parsed (in a worker process too: plain values, cheap to hand back), merged
    by :func:`check_rows`."""

    message_id: str
    kind: MessageKind
    defects: tuple[tuple[DefectKind, int], ...]
    patch: SlimPatch | None
    mail: MailPrint


def check_row(message: Message) -> CheckRow:
    """Return what check counts and groups of a parsed mail."""
    # a patch's or cover's body defects are in its defects already (its body is decoded at
    # parse time); other mails decode theirs lazily, and check reports them too, as it does a
    # patch's diffstat against its diff (Patch.diffstat_defects, never read at parse time)
    body_defects = () if message.kind in ("patch", "cover") else message.body_defects
    if isinstance(message, Patch):
        body_defects += message.diffstat_defects
    elif message.kind == "robot" and message.has_diff:
        body_defects += (ROBOT_WITH_DIFF,)
    defects = tuple((d.kind, d.count) for d in (*message.defects, *body_defects))
    patch = None
    if isinstance(message, Patch):
        patch = SlimPatch(
            message_id=message.message_id,
            kind=message.kind,
            # the subject is read only for "[PATCH v4 12/11]" (grouping's _added_later)
            subject=message.subject if message.index == message.total else "",
            author=(message.author.name, message.author.email) if message.author else None,
            sender=(message.sender.name, message.sender.email) if message.sender else None,
            date=message.date,
            in_reply_to=message.in_reply_to,
            references=message.references,
            version=message.version,
            number=message.index,
            total=message.total,
            numbered=message.numbered,
            prefixes=message.prefixes,
            has_diff=message.has_diff,
            claim=claim_of(message),
        )
    return CheckRow(message.message_id, counted_kind(message), defects, patch, mail_print(message))


def check_rows(raw_count: int, rows: Iterable[CheckRow]) -> CheckResult:
    """Return the health of an archive of raw_count mails from a row per parsed mail."""
    result = CheckResult(mails_in=raw_count)
    slim = _Slimmer()
    repeats = Repeats()
    copies = PullCopies()
    projected = map(slim.project, _counted(rows, result, repeats, copies))
    kept = [p for p in projected if p is not None]
    del slim  # its index of Message-IDs is not needed for grouping
    result.repeats = repeats.found
    result.copies = len(copies.copies())
    return _with_series(result, kept)


class CheckPart(NamedTuple):
    """What check needs of a slice of the archive: its counts, its patches and covers as
    grouping reads them, and each mail's print (repeats may straddle slices). A worker
    hands back one per slice instead of a row per mail."""

    counts: CheckResult
    patches: tuple[SlimPatch, ...]
    mails: tuple[MailPrint, ...]
    pulls: tuple[str, ...] = ()  # the pull requests' Message-IDs (their patches may be copies)


def check_part(messages: Iterable[Message]) -> CheckPart:
    """Return the CheckPart of some parsed mails (picklable: a worker's summary)."""
    counts = CheckResult()
    patches = []
    mails = []
    pulls = []
    for row in map(check_row, messages):
        counts.add(row)
        mails.append(row.mail)
        if row.patch is not None:
            patches.append(row.patch)
        if row.kind == "pull":
            pulls.append(row.message_id)
    return CheckPart(counts, tuple(patches), tuple(mails), tuple(pulls))


def check_parts(raw_count: int, parts: Iterable[CheckPart | None]) -> CheckResult:
    """Return what :func:`check_rows` returns for the mails of the parts, in order (a None
    stands for no mail: a progress bar's count)."""
    result = CheckResult(mails_in=raw_count)
    slim = _Slimmer()
    repeats = Repeats()
    kept: list[Patch] = []
    copies = PullCopies()
    for part in parts:
        if part is not None:
            for position, mail in enumerate(part.mails, result.mails_out + 1):
                repeats.add(position, mail.message_id, mail)
            result.merge(part.counts)
            kept += (p for p in map(slim.project_slim, part.patches) if p is not None)
            pulls = set(part.pulls)
            for request in pulls:
                copies.add_request(request)
            for patch in part.patches:
                if patch.message_id not in pulls:
                    _add_patch(copies, patch)
    del slim
    result.repeats = repeats.found
    result.copies = len(copies.copies())
    return _with_series(result, kept)


def _add_patch(copies: PullCopies, patch: SlimPatch) -> None:
    """Record a counted patch mail's author and claim (kvmlist.grouping.pull_copies)."""
    author = patch.author and Person.model_construct(name=patch.author[0], email=patch.author[1])
    copies.add_patch(patch.message_id, identity_key(author) if author else None, patch.claim)


def _with_series(result: CheckResult, kept: list[Patch]) -> CheckResult:
    # completeness depends on the patches and covers alone: no review trailers
    for series in group_series(kept, reviews=False):
        if series.complete:
            result.series_complete += 1
        else:
            result.series_partial += 1
            result.series_partial_backports += series.is_backport
    return result


class _Slimmer:
    """Projects each mail to what series grouping reads of it, or to nothing.

    check holds these until the series are grouped: a patch or cover keeps its ids, numbers,
    date, and its author and sender (one Person per name and address, shared). Other
    mails go: a pull request or a naked cover that group_series makes a series' cover letter
    changes neither the series nor their completeness (its version and total are the
    patches'). Raw bytes, bodies, titles, trailers and replies are not held
    (docs/performance.md).
    """

    def __init__(self) -> None:
        self._persons: dict[tuple[str, str], Person] = {}
        self._kept: set[str] = set()

    def project(self, row: CheckRow) -> Patch | None:
        """Return the slim copy of a patch that grouping needs; None for any other mail and
        for a later copy of a patch (group_series keeps the first)."""
        return None if row.patch is None else self.project_slim(row.patch)

    def project_slim(self, slim: SlimPatch) -> Patch | None:
        """Return the slim copy of a patch or cover; None for a later copy of one."""
        if slim.message_id in self._kept:
            return None
        message_id = sys.intern(slim.message_id)
        self._kept.add(message_id)
        return Patch(
            message_id=message_id,
            kind=slim.kind,
            subject=slim.subject,
            author=self._person(slim.author),
            sender=self._person(slim.sender),
            date=slim.date,
            in_reply_to=sys.intern(slim.in_reply_to) if slim.in_reply_to else None,
            references=tuple(sys.intern(r) for r in slim.references),
            version=slim.version,
            index=slim.number,
            total=slim.total,
            numbered=slim.numbered,
            prefixes=tuple(sys.intern(p) for p in slim.prefixes),
            has_diff=slim.has_diff,
        )

    def _person(self, person: tuple[str, str] | None) -> Person | None:
        """Return one Person per name and address: a mail's people are shared, not copied."""
        if person is None:
            return None
        shared = self._persons.get(person)
        if shared is None:
            name, email = person
            shared = self._persons[person] = Person(name=name, email=email)
        return shared


def _counted(
    rows: Iterable[CheckRow], result: CheckResult, repeats: Repeats, copies: PullCopies
) -> Iterator[CheckRow]:
    for row in rows:
        result.add(row)
        repeats.add(result.mails_out, row.message_id, row.mail)
        if row.kind == "pull":
            copies.add_request(row.message_id)
        elif row.patch is not None:
            _add_patch(copies, row.patch)
        yield row
