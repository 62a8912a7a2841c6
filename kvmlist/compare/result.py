"""The result of a comparison with an oracle: per-field counts, disagreements, both directions."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

#: What is compared, per series (version, total, indices, cover) and per patch (the rest).
FIELDS = ("version", "total", "indices", "cover", "author", "author_name", "trailers", "reviews")

#: Examples kept per field; the counts cover every disagreement.
EXAMPLES = 20


@dataclass(frozen=True)
class Disagreement:
    """One field on which kvmlist and b4 differ, for the series or patch ``message_id``."""

    field: str
    message_id: str
    kvmlist: str
    b4: str
    #: The oracle is known to have misread this mail (see Comparison.record).
    oracle_wrong: bool = False


@dataclass
class Comparison:
    """Per-field agreement between kvmlist and an oracle (b4, or git mailinfo) over an archive.

    For git, ``series`` counts the patch mails compared and ``b4_failed`` the mails git refused.
    """

    fields: tuple[str, ...] = FIELDS
    oracle: str = "b4"
    threads: int = 0
    series: int = 0
    compared: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    disagreements: dict[str, list[Disagreement]] = field(default_factory=lambda: defaultdict(list))
    #: Disagreements where the oracle is known wrong (see ``record``), per field.
    oracle_wrong: Counter[str] = field(default_factory=Counter)
    b4_only: list[str] = field(default_factory=list)
    #: Anchors of kvmlist series (with patches) that no b4 series matched.
    kvmlist_only: list[str] = field(default_factory=list)
    #: Mails b4 raises on (it would give up the whole thread; we leave out just them).
    b4_failed: list[str] = field(default_factory=list)

    def record(
        self, name: str, message_id: str, ours: object, theirs: object, *, wrong: bool = False
    ) -> None:
        """Count one comparison of ``name``; keep an example when the two differ. ``wrong``:
        the oracle is known to have misread this mail (a DMARC-munged sender "X via list", a
        multipart body git left undecoded), so a difference counts in ``oracle_wrong``."""
        self.compared[name] += 1
        if ours == theirs:
            self.agreed[name] += 1
            return
        if wrong:
            self.oracle_wrong[name] += 1
        self.disagreements[name].append(
            Disagreement(name, message_id, repr(ours), repr(theirs), oracle_wrong=wrong)
        )

    def agreement_where_right(self) -> dict[str, float]:
        """Percentage of agreement per field, leaving out where the oracle is known wrong."""
        return {
            name: 100.0 * self.agreed[name] / (self.compared[name] - self.oracle_wrong[name])
            if self.compared[name] > self.oracle_wrong[name]
            else 100.0
            for name in self.fields
        }

    def agreement(self) -> dict[str, float]:
        """Percentage of agreeing comparisons per field (100.0 where nothing was compared)."""
        return {
            name: 100.0 * self.agreed[name] / self.compared[name] if self.compared[name] else 100.0
            for name in self.fields
        }

    def to_markdown(self, examples: int = 3) -> str:
        """A table of agreement per field, then a few disagreements of each field."""
        lines = [self._summary(), ""]
        for what, anchors in (("b4 only", self.b4_only), ("kvmlist only", self.kvmlist_only)):
            if anchors:
                shown = ", ".join(f"<{anchor}>" for anchor in anchors[:examples])
                lines += [f"- {what} ({len(anchors)}): {shown}"]
        lines += [
            "",
            f"| field | compared | agree | agreement | {self.oracle} wrong | where right |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        right = self.agreement_where_right()
        for name, percent in self.agreement().items():
            lines.append(
                f"| {name} | {self.compared[name]} | {self.agreed[name]} | {percent:.2f} % "
                f"| {self.oracle_wrong[name]} | {right[name]:.2f} % |"
            )
        for name in self.fields:  # where the oracle is right first: those are kvmlist's to fix
            listed = sorted(self.disagreements.get(name, []), key=lambda d: d.oracle_wrong)
            for item in listed[:examples]:
                mark = f" ({self.oracle} wrong)" if item.oracle_wrong else ""
                lines.append(
                    f"- {name} <{item.message_id}>: kvmlist {item.kvmlist}, "
                    f"{self.oracle} {item.b4}{mark}"
                )
        return "\n".join(lines) + "\n"

    def _summary(self) -> str:
        if self.oracle != "b4":
            return (
                f"{self.series} patch mails compared with {self.oracle}, "
                f"{len(self.b4_failed)} mails {self.oracle} refused."
            )
        return (
            f"{self.threads} threads with patches, {self.series} b4 series compared, "
            f"{len(self.b4_only)} b4 series without a kvmlist counterpart, "
            f"{len(self.kvmlist_only)} kvmlist series without a b4 counterpart, "
            f"{len(self.b4_failed)} mails b4 could not read."
        )
