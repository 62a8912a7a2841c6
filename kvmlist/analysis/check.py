"""An archive's health: how many mails went in and came out, what they are, what was odd."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kvmlist.grouping.series import group_series
from kvmlist.models import Message, Patch

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
    kept: list[Message] = []
    for message in _counted(messages, result):
        kept.append(_projection(message))
    for series in group_series(kept):
        if series.complete:
            result.series_complete += 1
        else:
            result.series_partial += 1
    return result


def _projection(message: Message) -> Message:
    """Return what series grouping needs of a mail: not its raw bytes nor commit message.

    check holds every mail of an archive until the series are grouped; without these a mail
    takes a few hundred bytes instead of its size (docs/performance.md).
    """
    if isinstance(message, Patch):
        return message.model_copy(update={"raw": b"", "commit_message": "", "trailers": ()})
    return message.model_copy(update={"raw": b""})


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
