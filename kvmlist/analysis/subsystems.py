"""Per MAINTAINERS section: series and patches posted, review latency, and whether one of
the section's M:/R: people answered (docs/insight.md).

>>> for one in subsystem_stats(messages, Maintainers.from_file("MAINTAINERS")):
...     print(one.section.name, one.series, one.median("first_review"), one.answered_share)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from kvmlist.analysis.counted import answerers
from kvmlist.analysis.maintainers import Maintainers, Section
from kvmlist.analysis.review_stats import SeriesTiming, median_duration, review_summary
from kvmlist.models import Message

#: The name given to patches that no section covers.
NO_SECTION = "(no section)"


@dataclass
class SectionStats:
    """What was posted to one section and how its people answered."""

    section: Section
    series: int = 0
    patches: int = 0
    answered: int = 0  # series answered by anybody but their own people and robots
    answered_by_maintainer: int = 0  # series with a reply from one of the section's M:/R:
    timings: list[SeriesTiming] = field(default_factory=list)

    @property
    def answered_share(self) -> float | None:
        """Share of the section's series that one of its M:/R: people answered."""
        return self.answered_by_maintainer / self.series if self.series else None

    def median(self, name: str) -> timedelta | None:
        """Median wait from posting to "first_reply", "first_review" or "accepted"."""
        return median_duration(getattr(t, name) for t in self.timings)

    def row(self) -> dict[str, Any]:
        """Return the section as a table row (hours rounded to 0.1)."""
        share = self.answered_share
        return {
            "section": self.section.name,
            "series": self.series,
            "patches": self.patches,
            "answered": self.answered,
            "by_maintainer": self.answered_by_maintainer,
            "by_maintainer_pct": round(100 * share, 1) if share is not None else None,
            "first_reply_hours": _hours(self.median("first_reply")),
            "first_review_hours": _hours(self.median("first_review")),
        }


#: The columns of a section's row, in order.
SECTION_COLUMNS = (
    "section", "series", "patches", "answered", "by_maintainer", "by_maintainer_pct",
    "first_reply_hours", "first_review_hours",
)  # fmt: skip


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


def subsystem_stats(messages: Iterable[Message], maintainers: Maintainers) -> list[SectionStats]:
    """Return the stats of every section some series touched, most series first.

    A series belongs to every section one of its patches belongs to; patches no section
    covers count under "(no section)". A series is answered when a mail in its thread answers
    it (kvmlist.analysis.counted.answers), by a maintainer when that mail comes from one of the
    section's M: or R: addresses.
    """
    mails = list(messages)
    summary = review_summary(mails)
    found = [t.series for t in summary.timings]
    stats: dict[str, SectionStats] = {}
    for timing, repliers in zip(summary.timings, answerers(found, mails), strict=True):
        one = timing.series
        touched: dict[str, Section] = {}
        for patch in one.patches:
            sections = maintainers.sections_of(patch) or [Section(NO_SECTION)]
            for section in sections:
                entry = stats.setdefault(section.name, SectionStats(section))
                entry.patches += 1
                touched.setdefault(section.name, section)
        for name, section in touched.items():
            entry = stats[name]
            entry.series += 1
            entry.timings.append(timing)
            entry.answered += bool(repliers)
            entry.answered_by_maintainer += bool(repliers & section.addresses)
    return sorted(stats.values(), key=lambda s: (-s.series, s.section.name))
