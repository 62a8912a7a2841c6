"""An archive's health: how many mails went in and came out, what they are, what was odd."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch, Person

#: Examples kept per defect kind.
EXAMPLES = 3


@dataclass
class CheckResult:
    """Counts over an archive, and the defects found, by kind, with example Message-IDs."""

    mails_in: int = 0
    mails_out: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    series_complete: int = 0
    series_partial: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

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
            f"robots:     {self.kinds['robot']}",
            f"other:      {self.kinds['other']}",
            f"series:     {self.series_complete + self.series_partial} "
            f"({self.series_complete} complete, {self.series_partial} partial)",
            f"defects:    {sum(self.defects.values())}",
        ]
        for kind, count in self.defects.most_common():
            lines.append(f"  {count:6d} {kind}  e.g. {', '.join(self.examples[kind])}")
        return "\n".join(lines) + "\n"


def check_messages(raw_count: int, messages: Iterable[Message]) -> CheckResult:
    """Return the health of an archive of raw_count mails that parsed into messages."""
    result = CheckResult(mails_in=raw_count)
    slim = _Slimmer()
    kept = [p for p in map(slim.project, _counted(messages, result)) if p is not None]
    del slim  # its index of Message-IDs is not needed for grouping
    # completeness depends on the patches and covers alone: no review trailers
    for series in group_series(kept, reviews=False):
        if series.complete:
            result.series_complete += 1
        else:
            result.series_partial += 1
    return result


class _Slimmer:
    """Projects each mail to what series grouping reads of it, or to nothing.

    check holds these until the series are grouped: a patch or cover keeps its ids, numbers,
    date and its author's address (one Person per address, shared). Other
    mails go: a pull request or a naked cover that group_series makes a series' cover letter
    changes neither the series nor their completeness (its version and total are the
    patches'). Raw bytes, bodies, titles, trailers and replies are not held
    (docs/performance.md).
    """

    def __init__(self) -> None:
        self._persons: dict[str, Person] = {}
        self._kept: set[str] = set()

    def project(self, message: Message) -> Patch | None:
        """Return the slim copy of a patch that grouping needs; None for any other mail and
        for a later copy of a patch (group_series keeps the first)."""
        if not isinstance(message, Patch) or message.message_id in self._kept:
            return None
        message_id = sys.intern(message.message_id)
        self._kept.add(message_id)
        return Patch(
            message_id=message_id,
            kind=message.kind,
            # the subject is read only for "[PATCH v4 12/11]" (grouping's _added_later)
            subject=message.subject if message.index == message.total else "",
            author=self._person(message.author),
            date=message.date,
            in_reply_to=sys.intern(message.in_reply_to) if message.in_reply_to else None,
            references=tuple(sys.intern(r) for r in message.references),
            version=message.version,
            index=message.index,
            total=message.total,
            numbered=message.numbered,
        )

    def _person(self, person: Person | None) -> Person | None:
        """Return one Person per address: grouping compares authors' addresses, not names."""
        if person is None:
            return None
        shared = self._persons.get(person.email)
        if shared is None:
            shared = self._persons[person.email] = Person(email=person.email)
        return shared


def _counted(messages: Iterable[Message], result: CheckResult) -> Iterator[Message]:
    for message in messages:
        result.mails_out += 1
        result.kinds[message.kind] += 1
        # a patch's or cover's body defects are in its defects already (its body is split at
        # parse time); other mails decode theirs lazily, and check reports them too
        body_defects = () if message.kind in ("patch", "cover") else message.body_defects
        for defect in (*message.defects, *body_defects):
            result.defects[defect.kind] += defect.count
            examples = result.examples.setdefault(defect.kind, [])
            if len(examples) < EXAMPLES and message.message_id not in examples:
                examples.append(message.message_id)
        yield message
