"""The weekly report on a Dask cluster: workers gather small facts, the client renders them."""

from __future__ import annotations

from kvmlist.outputs.figures import ReportTotals, facts_of
from kvmlist.outputs.report import TOP, ReportRange, format_report
from kvmlist.scale.dask._partitions import BagOrSources, bag_of


def render_report(
    messages: BagOrSources,
    *,
    range: ReportRange | None = None,
    list_name: str | None = None,
    top: int = TOP,
) -> str:
    """Return :func:`kvmlist.render_report` of the messages."""
    totals = ReportTotals()
    for facts in bag_of(messages).map_partitions(facts_of).compute():
        totals.add(facts)
    return format_report(totals.figures(), range=range, list_name=list_name, top=top)
