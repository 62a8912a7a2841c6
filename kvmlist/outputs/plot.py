"""Charts of patch mails (needs ``kvmlist[plot]``: matplotlib).

>>> figure = kvmlist.outputs.plot.patches_per_period(messages, freq="W", by="organisation")
>>> kvmlist.outputs.plot.save(figure, "weekly.png")                      # or .svg

Figures are plain :class:`matplotlib.figure.Figure` objects drawn by the Agg backend: nothing
touches pyplot's global state and no display is needed. The counts come from
:mod:`kvmlist.analysis.aggregate`, so they are those of ``kvmlist stats``.
"""

from __future__ import annotations

import os
import textwrap
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvmlist.analysis.aggregate import (
    PERIOD_NAME,
    OrganisationKey,
    PatchKeys,
    PeriodKey,
    author_of,
    count_by,
    count_by_author,
    count_by_domain,
    domain_of,
    explain_no_period,
    explain_unknown,
    period_of,
)
from kvmlist.analysis.identities import UNKNOWN, Mailmap, OrganisationMap
from kvmlist.errors import MissingExtraError, UsageError
from kvmlist.models import Message, Patch, Person
from kvmlist.parse.addresses import identity_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OTHER = "Other"
#: Put before a label that starts with "_", which matplotlib would leave out of the legend.
ZERO_WIDTH_SPACE = "\u200b"
OTHER_COLOUR = "#b0b0b0"
GROUPINGS = ("organisation", "domain", "author")
FORMATS = {".png": "png", ".svg": "svg"}
#: How many days a bar spans on a date axis.
BAR_DAYS = {"D": 0.8, "W": 6.0, "M": 26.0, "Y": 330.0}
#: Up to this many periods every bar is named under it; beyond, the x axis is a date axis.
MAX_NAMED_PERIODS = 16


def patches_per_period(
    messages: Iterable[Message],
    *,
    freq: str = "W",
    by: str = "organisation",
    top: int = 8,
    orgmap: OrganisationMap | None = None,
    mailmap: Mailmap | None = None,
) -> Figure:
    """Return stacked bars of patch mails per period, one colour per group and "Other".

    ``freq`` is "W" (ISO weeks, named by their Monday) or "M" (also "D", "Y"); ``by`` is
    "organisation", "domain" or "author". The ``top`` groups with the most patch mails get
    a colour each, the rest are summed into "Other". Mails without a date are not shown,
    nor those dated by a broken clock (defect ``implausible-date``, before 1971 or ahead of
    the clock): a note under the chart says how many. A bar is drawn for each period that
    has mail, and empty ones between them when there are few enough to name.
    """
    _check_grouping(by, orgmap)
    if freq not in BAR_DAYS:
        raise UsageError(f"freq {freq!r}: choose W or M (or D, Y)")
    key, display = _grouping(by, orgmap, mailmap)
    periodic = PeriodKey(key, freq)
    counts = PatchKeys.of(messages, periodic).counts()
    periods, named = _periods({period for period, _ in counts}, freq)
    unknown = key.unknown if isinstance(key, OrganisationKey) else None
    notes = [explain_unknown(unknown)] if unknown else []
    if periodic.implausible:
        notes.append(f"{explain_no_period(periodic.implausible, PERIOD_NAME[freq])}.")
    figure = _figure(figsize=(11, 5.5))
    axes = figure.add_subplot()
    if not periods:
        return _note(_empty(figure, axes, "No dated patch mails to plot"), notes)
    positions, width = _bar_positions(periods, freq, named)
    colours = _colours(top)
    bottom = [0] * len(periods)
    for index, (name, heights) in enumerate(_stacks(counts, periods, top, display)):
        axes.bar(
            positions,
            heights,
            width,
            bottom=bottom,
            label=name,
            color=colours[index] if index < top else OTHER_COLOUR,  # "Other" comes last
            edgecolor="white",
            linewidth=0.5,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    period = PERIOD_NAME[freq]
    axes.set_title(f"Patch mails per {period}, by {by} ({sum(bottom):,} mails)")
    axes.set_xlabel(f"{period} (starting Monday)" if freq == "W" else period)
    axes.set_ylabel("patch mails")
    axes.set_ylim(0, max(bottom) * 1.05)
    axes.spines[["top", "right"]].set_visible(False)
    _period_axis(axes, periods, freq, named)
    handles, names = axes.get_legend_handles_labels()  # listed as stacked: top first
    axes.legend(handles[::-1], names[::-1], title=by, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _note(figure, notes)


def top_contributors(
    messages: Iterable[Message],
    *,
    by: str = "author",
    top: int = 15,
    orgmap: OrganisationMap | None = None,
    mailmap: Mailmap | None = None,
) -> Figure:
    """Return horizontal bars of the ``top`` authors (domains, organisations), biggest on top.

    Each bar is labelled with its count; the counts are those of ``kvmlist stats``.
    """
    _check_grouping(by, orgmap)
    counts, unknown = _ranking(messages, by, orgmap, mailmap)
    ranked = counts.most_common(top)
    figure = _figure(figsize=(9, 1.2 + 0.32 * max(len(ranked), 3)))
    axes = figure.add_subplot()
    if not ranked:
        return _empty(figure, axes, "No patch mails to plot")
    bars = axes.barh(range(len(ranked)), [n for _, n in ranked], color="#4c72b0", label=by)
    axes.set_yticks(range(len(ranked)), _labels([key for key, _ in ranked]))
    axes.invert_yaxis()
    axes.bar_label(bars, padding=3)
    axes.set_xlim(0, ranked[0][1] * 1.12)  # room for the biggest bar's label
    axes.set_xlabel("patch mails")
    axes.set_title(f"Top {len(ranked)} by {by}: patch mails")
    axes.spines[["top", "right"]].set_visible(False)
    shown = {key for key, _ in ranked}
    return _note(figure, [explain_unknown(unknown)] if unknown and UNKNOWN in shown else [])


def save(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Write a figure to a PNG or SVG file, the format chosen by the file name's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{os.fspath(path)}: cannot tell the image format; name it .png or .svg")
    figure.savefig(path, format=FORMATS[suffix], dpi=150)


def _figure(**options: Any) -> Figure:
    """Return a new Figure drawn by Agg, or say which extra to install."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("plots need matplotlib: pip install 'kvmlist[plot]'") from None
    figure = Figure(layout="constrained", **options)
    FigureCanvasAgg(figure)
    return figure


def _check_grouping(by: str, orgmap: OrganisationMap | None) -> None:
    if by not in GROUPINGS:
        raise UsageError(f"cannot plot by {by!r}; choose one of: {', '.join(GROUPINGS)}")
    if orgmap is not None and by != "organisation":
        raise UsageError("an organisation map goes with by='organisation'")


def _ranking(
    messages: Iterable[Message],
    by: str,
    orgmap: OrganisationMap | None,
    mailmap: Mailmap | None,
) -> tuple[Counter[Any], Counter[str] | None]:
    """Return the counts, and for organisations the domains behind "(Unknown)"."""
    if by == "author":
        return count_by_author(messages, mailmap=mailmap), None
    if by == "domain":
        return count_by_domain(messages, mailmap=mailmap), None
    key = OrganisationKey(orgmap or OrganisationMap.default(), mailmap)
    return count_by(messages, key), key.unknown


def _note(figure: Figure, notes: list[str]) -> Figure:
    """Say under the chart what it leaves out or lumps together: what "(Unknown)" is made of
    and how to map it, how many mails a broken clock kept out of every period."""
    if notes:
        width = int(figure.get_figwidth() * 15)
        note = "\n".join(textwrap.fill(line, width=width) for line in notes)
        note = _literal(note)  # it names the senders' domains
        figure.supxlabel(note, fontsize=8, color="#555555", ha="center")
    return figure


def _grouping(
    by: str, orgmap: OrganisationMap | None, mailmap: Mailmap | None
) -> tuple[Callable[[Patch], Hashable | None], Callable[[Hashable], object]]:
    """Return the key count_by groups patches by, and what a key stands for (for labels)."""
    if by == "domain":
        return partial(domain_of, mailmap=mailmap), _same
    if by == "organisation":
        return OrganisationKey(orgmap or OrganisationMap.default(), mailmap), _same
    latest: dict[str, Person] = {}  # one person per identity_key, as count_by_author counts

    def address(patch: Patch) -> str | None:
        person = author_of(patch, mailmap)
        if person is None:
            return None
        key = identity_key(person)
        latest[key] = person
        return key

    return address, lambda key: latest[str(key)]


def _same(key: Hashable) -> object:
    return key


def _stacks(
    counts: Counter[Any], periods: list[str], top: int, display: Callable[[Hashable], object]
) -> list[tuple[str, list[int]]]:
    """Return (label, count per period) for the ``top`` groups, then "Other" if any is left."""
    totals: Counter[Hashable] = Counter()
    others: Counter[str] = Counter()
    for (_, group), n in counts.items():
        totals[group] += n
    shown = [group for group, _ in totals.most_common(top)]
    for (period, group), n in counts.items():
        if group not in shown:
            others[period] += n
    labels = _labels([display(group) for group in shown])
    stacks = [
        (label, [counts[(period, group)] for period in periods])
        for label, group in zip(labels, shown, strict=True)
    ]
    if others:
        stacks.append((OTHER, [others[period] for period in periods]))
    return stacks


def _labels(keys: list[object]) -> list[str]:
    """Return display names: a person's name, with the address where two share a name."""
    names = [(key.name or key.email) if isinstance(key, Person) else str(key) for key in keys]
    return [
        _literal(str(key) if isinstance(key, Person) and names.count(name) > 1 else name)
        for key, name in zip(keys, names, strict=True)
    ]


def _literal(text: str) -> str:
    """Return a sender's text as matplotlib draws it literally: it reads ``$...$`` as TeX
    math, which a name like "Eve $\\frac{1}{$" makes fail (and "$x^2$" draws as a formula),
    and leaves a label starting with "_" out of the legend: a zero-width space goes first."""
    text = text.replace("$", r"\$")
    return ZERO_WIDTH_SPACE + text if text.startswith("_") else text


def _periods(seen: set[str], freq: str) -> tuple[list[str], bool]:
    """Return the periods to draw, oldest first, and whether each is named under its bar:
    every one from the first seen to the last when they are few enough to name, else (on a
    date axis, where an empty period shows as a gap) only those seen, so that the work
    follows the mails, not the span between them."""
    if not seen:
        return [], True
    first, last = _period_start(min(seen), freq), _period_start(max(seen), freq)
    if _span(first, last, freq) > MAX_NAMED_PERIODS:
        return sorted(seen), False
    day = first
    periods: list[str] = []
    while day <= last:
        label = period_of(datetime.combine(day, time(), timezone.utc), freq)
        if not periods or periods[-1] != label:
            periods.append(label)
        day += timedelta(days=1)
    return periods, True


def _span(first: date, last: date, freq: str) -> int:
    """Return how many periods run from the one starting on ``first`` to that on ``last``."""
    if freq == "M":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    if freq == "Y":
        return last.year - first.year + 1
    return (last - first).days // (7 if freq == "W" else 1) + 1


def _period_start(label: str, freq: str) -> date:
    if freq == "M":
        return date.fromisoformat(f"{label}-01")
    if freq == "Y":
        return date.fromisoformat(f"{label}-01-01")
    return date.fromisoformat(label)


def _colours(count: int) -> list[Any]:
    """Return ``count`` distinct colours, none of them the grey of "Other"."""
    from matplotlib import colormaps

    if count <= 9:
        return [colormaps["tab10"](i) for i in range(10) if i != 7][:count]
    palette = [colormaps["tab20"](i) for i in range(20) if i not in (14, 15)]
    return [palette[i % len(palette)] for i in range(count)]


def _bar_positions(periods: list[str], freq: str, named: bool) -> tuple[list[float], float]:
    """Return where the bars go and how wide they are: named slots, or dates."""
    if named:
        return [float(i) for i in range(len(periods))], 0.8
    from matplotlib.dates import date2num

    middles = [_period_start(p, freq) + timedelta(days=BAR_DAYS[freq] / 2) for p in periods]
    return [float(date2num(day)) for day in middles], BAR_DAYS[freq]  # type: ignore[no-untyped-call]


def _period_axis(axes: Axes, periods: list[str], freq: str, named: bool) -> None:
    """Name each period under its bar, or put a concise date axis under many of them."""
    if named:
        axes.set_xticks(range(len(periods)), periods)
        spare = max(0.0, (3 - len(periods)) / 2)  # a lone bar should not fill the width
        axes.set_xlim(-0.6 - spare, len(periods) - 0.4 + spare)
        if len(periods) > 6:
            axes.tick_params(axis="x", labelrotation=45)
            for label in axes.get_xticklabels():
                label.set_horizontalalignment("right")
        return
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=6, maxticks=16)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _empty(figure: Figure, axes: Axes, text: str) -> Figure:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()
    return figure
