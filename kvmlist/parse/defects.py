"""The defects of one mail, collected so that a hostile mail cannot multiply them.

Ten million malformed header lines are one ``malformed-header-line`` defect with a count of
ten million and the first line as its example, not ten million objects: the memory a mail's
defects take is bounded by the number of defect kinds, not by the mail's size.
"""

from __future__ import annotations

from collections.abc import Iterable

from kvmlist.models import Defect, DefectKind


class DefectLog(list[Defect]):
    """A list of defects that keeps each kind once and counts the repeats.

    Parsing code appends to it like to any list; :meth:`frozen` gives the defects with
    their counts, in the order each kind first occurred.
    """

    #: Each kind's count, made by the first record: most mails have no defect, and every
    #: mail's parse makes a log or two (an empty one now costs a third of what it did).
    _counts: dict[str, int] | None = None

    def __init__(self, defects: Iterable[Defect] = ()) -> None:
        if defects:  # list.__new__ made the list empty
            self.extend(defects)

    def append(self, defect: Defect) -> None:
        """Record a defect; a kind seen before only adds to its count."""
        counts = self._counts
        if counts is None:
            counts = self._counts = {}
        seen = counts.get(defect.kind)
        if seen is None:
            counts[defect.kind] = defect.count
            super().append(defect)
        else:
            counts[defect.kind] = seen + defect.count

    def extend(self, defects: Iterable[Defect]) -> None:
        """Record several defects."""
        for defect in defects:
            self.append(defect)

    def add(self, kind: DefectKind, detail: str = "") -> None:
        """Record a defect by kind, building no object when the kind was seen before."""
        counts = self._counts
        seen = None if counts is None else counts.get(kind)
        if counts is None or seen is None:
            self.append(Defect(kind=kind, detail=detail))
        else:
            counts[kind] = seen + 1

    def frozen(self) -> tuple[Defect, ...]:
        """Return the defects, each kind once with its count, in order of first occurrence."""
        if not self:  # most mails
            return ()
        counts = self._counts or {}  # {} only if list methods bypassed append
        return tuple(
            d
            if counts.get(d.kind, d.count) == d.count
            else d.model_copy(update={"count": counts[d.kind]})
            for d in self
        )


def record(defects: list[Defect], kind: DefectKind, detail: str = "") -> None:
    """Record a defect in a DefectLog (cheaply, for repeats) or a plain list."""
    if isinstance(defects, DefectLog):
        defects.add(kind, detail)
    else:
        defects.append(Defect(kind=kind, detail=detail))
