"""The dashboard's pages, each a function of the SiteModel returning HTML."""

from __future__ import annotations

from html import escape

from kvmlist.analysis.aggregate import plausible_period
from kvmlist.outputs.report import format_report, posting_starts, report_figures
from kvmlist.outputs.site.charts import bar_chart
from kvmlist.outputs.site.html import link, page, table, text
from kvmlist.outputs.site.model import STATUSES, SeriesRow, SiteModel

#: Rows per ranking on the people page.
TOP = 25
#: Up to this many weeks the trends are weekly; beyond, monthly.
MAX_WEEKLY = 26


def week_file(week: str) -> str:
    """Return the path of a week's page, relative to the site's root."""
    return f"weeks/{week}.html"


def index_page(model: SiteModel) -> str:
    """Return the overview: totals, status counts and monthly trends."""
    economy, stalled = model.economy, model.stalled
    share = economy.cross_share
    facts = [
        ("mails", f"{len(model.messages):,}"),
        ("series", f"{len(model.rows):,}"),
        *((f"series {s}", f"{model.statuses[s]:,}") for s in STATUSES),
        ("stalled series", link("stalled.html", f"{len(stalled.stalled):,}")),
        ("review tags, per patch", f"{economy.reviews:,}"),
        ("people giving half the review tags", f"{economy.half_of_reviews:,}"),
        ("review tags across organisations", f"{100 * share:.1f} %" if share is not None else "–"),
    ]
    if model.subsystems is not None:
        facts.append(
            ("MAINTAINERS sections touched", link("subsystems.html", len(model.subsystems)))
        )
    freq = "W" if len(model.weeks) <= MAX_WEEKLY else "M"
    name = "week" if freq == "W" else "month"
    counts = _patches_per_period(model, freq)
    periods = {p.period: p for p in model.summary.per_period(freq)}
    charts = [
        bar_chart(f"Patch mails per {name}", [(m, float(n)) for m, n in counts.items()]),
        bar_chart(f"Series posted per {name}", [(p, float(v.series)) for p, v in periods.items()]),
        bar_chart(
            f"Median hours to the first review trailer, by {name} of posting",
            [(p, _hours(v.first_review)) for p, v in periods.items()],
            unit=" h",
        ),
    ]
    latest = list(model.weeks)[-8:][::-1]
    weeks = ", ".join(link(week_file(w), w) for w in latest)
    body = (
        table(["figure", "value"], [(escape(k), v) for k, v in facts], numeric=(1,))
        + "".join(charts)
        + f'<p>Latest weeks: {weeks} (<a href="weeks.html">all</a>)</p>'
    )
    return page("Overview", body, list_name=model.list_name)


def _patches_per_period(model: SiteModel, freq: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in model.rows:
        for patch in row.series.patches:
            period = plausible_period(patch, freq)
            if period is not None:
                counts[period] = counts.get(period, 0) + 1
    return dict(sorted(counts.items()))


def _hours(value: object) -> float | None:
    seconds = getattr(value, "total_seconds", None)
    return round(seconds() / 3600, 1) if seconds else None


def series_page(model: SiteModel) -> str:
    """Return the table of every series with its status, newest first."""
    rows = [_series_cells(model, row, depth=0) for row in reversed(model.rows)]
    counts = ", ".join(f"{model.statuses[s]:,} {s}" for s in STATUSES)
    body = (
        f'<p class="note">{len(model.rows):,} series: {counts}. Status: landed in the tree '
        'given, applied (an "applied" notice), superseded (a newer revision), reviewed (a '
        "Reviewed-by, Acked-by or Tested-by credited to its sender), else new. Reviews: those "
        "tags on its patches, a cover letter's once per patch.</p>"
        + table(_SERIES_HEADERS, rows, numeric=(3, 6))
    )
    return page("Series", body, list_name=model.list_name)


_SERIES_HEADERS = ("posted", "status", "version", "patches", "author", "title", "reviews")


def _series_cells(model: SiteModel, row: SeriesRow, *, depth: int) -> list[str]:
    one = row.series
    posted = link("../" * depth + week_file(row.week), row.week) if row.week else "–"
    author = one.author.name or one.author.email if one.author else ""
    return [
        posted,
        f'<span class="status {row.status}">{row.status}</span>',
        f"v{one.version}",
        f"{len(one.patches)}/{one.total}",
        text(author),
        link(model.link(one.anchor_id), one.title or "(no title)"),
        str(row.reviews),
    ]


def people_page(model: SiteModel) -> str:
    """Return the leaderboards: posting, reviewing, and the review economy per organisation."""
    posters = [(text(p), str(n)) for p, n in model.posters[:TOP]]
    reviewers = [
        (text(r.person), str(r.reviewed), str(r.acked), str(r.tested), str(r.replies))
        for r in model.summary.reviewers[:TOP]
    ]
    organisations = [
        [text(r["group"]), *(text(r[k]) for k in list(r)[1:])] for r in model.economy.rows()
    ]
    economy_headers = ["organisation", *list(model.economy.rows()[0])[1:]] if organisations else []
    body = (
        "<h2>Posting: patch mails per author</h2>"
        + table(["author", "patch mails"], posters, numeric=(1,))
        + "<h2>Reviewing: trailers given in replies</h2>"
        + '<p class="note">Trailers as written: one per line of a reply, whether it answers a '
        "patch or a cover letter (then the economy below counts it once per patch).</p>"
        + table(
            ["reviewer", "reviewed", "acked", "tested", "replies"], reviewers, numeric=(1, 2, 3, 4)
        )
        + "<h2>Review economy per organisation</h2>"
        + '<p class="note">Reviews per patch: a tag given under a cover letter counts once for '
        "each patch of the series. (Unknown): kernel.org and free-mail addresses and unmapped "
        "domains; map them with --orgmap (docs/identities.md).</p>"
        + table(economy_headers, organisations, numeric=tuple(range(1, 8)))
    )
    return page("People", body, list_name=model.list_name)


def stalled_page(model: SiteModel) -> str:
    """Return the stalled series, oldest first, the series re-sent by somebody else and
    those not judged for want of a plausible date (as ``kvmlist stalled`` lists them)."""
    report = model.stalled
    rows = [
        (
            text(s.series.date.date() if s.series.date else None),
            str(s.age.days),
            text(s.series.author.name if s.series.author else ""),
            link(s.link, s.series.title),
            text(", ".join(p.name or p.email for p in s.recipients)),
        )
        for s in report.stalled
    ]
    resent = [
        (text(r.original.date.date() if r.original.date else None), text(r.by),
         link(model.link(r.again.anchor_id), r.again.title))
        for r in report.resent
    ]  # fmt: skip
    undated = [
        (text(why), text(one.author.name if one.author else ""),
         link(model.link(one.anchor_id), one.title))
        for one, why in report.undated
    ]  # fmt: skip
    now = report.now.date().isoformat() if report.now else "–"
    body = (
        f'<p class="note">{len(report.stalled):,} of {report.series:,} series posted at least '
        f"{report.older.days} days before {now} got no reply but their author's, no review, no "
        "applied notice and no newer revision (docs/insight.md).</p>"
        + table(["posted", "days", "author", "title", "sent to"], rows, numeric=(1,))
        + "<h2>Re-sent by somebody else</h2>"
        + table(["first posted", "re-sent by", "title"], resent)
        + (f"<h2>Not judged: no plausible date ({len(undated):,})</h2>" if undated else "")
        + (table(["why", "author", "title"], undated) if undated else "")
    )
    return page("Stalled series", body, list_name=model.list_name)


def pulls_page(model: SiteModel) -> str:
    """Return the pull requests, newest first, with the first notice that says each was
    merged (kvmlist.grouping.pulls)."""
    rows = []
    for one in reversed(model.pulls):
        request, merge = one.request, one.merges[0] if one.merges else None
        sender = request.sender.name or request.sender.email if request.sender else ""
        rows.append(
            (
                text(request.date.date() if request.date else None),
                text(sender),
                link(model.link(request.message_id), request.subject or "(no subject)"),
                link(model.link(merge.message_id), merge.date.date() if merge.date else "yes")
                if merge
                else "–",
                text(merge.by if merge else None),
                text(merge.tree if merge else None),
                text(merge.commit[:12] if merge and merge.commit else None),
            )
        )
    merged = sum(one.merged for one in model.pulls)
    body = (
        f'<p class="note">{len(model.pulls):,} pull requests, {merged:,} of them merged by what '
        "a reply says: a maintainer's \u201cPulled, thanks\u201d or a kernel.org bot's notice "
        "(docs/review.md).</p>"
        + table(["posted", "from", "request", "merged", "by", "tree", "commit"], rows)
    )
    return page("Pull requests", body, list_name=model.list_name)


def subsystems_page(model: SiteModel) -> str:
    """Return the MAINTAINERS sections: series, answers by their M:/R: people, latency."""
    stats = model.subsystems or []
    headers = list(stats[0].row()) if stats else []
    rows = [[text(v) for v in one.row().values()] for one in stats]
    body = (
        '<p class="note">Each patch maps to the MAINTAINERS sections of the paths it touches; '
        "<i>by_maintainer</i>: series one of the section's M:/R: people answered "
        "(docs/insight.md).</p>" + table(headers, rows, numeric=tuple(range(1, 8)))
    )
    return page("Subsystems", body, list_name=model.list_name)


def weeks_page(model: SiteModel) -> str:
    """Return the list of weeks, newest first, with their mail counts."""
    rows = [
        (link(week_file(w), w), str(len(mails)), str(sum(1 for r in model.rows if r.week == w)))
        for w, mails in reversed(model.weeks.items())
    ]
    body = table(["week (Monday)", "mails", "series posted"], rows, numeric=(1, 2))
    return page("Weeks", body, list_name=model.list_name)


def week_page(model: SiteModel, week: str) -> str:
    """Return one week: its series with lore links, then the weekly report."""
    mails = model.weeks[week]
    rows = [_series_cells(model, row, depth=1) for row in model.rows if row.week == week]
    figures = report_figures(mails)
    lines = format_report(figures, list_name=model.list_name or None).split("\n")
    entries = {len(lines) + at for at in posting_starts(figures)}
    titles = {row.series.title: row.series.anchor_id for row in model.rows if row.week == week}
    body = (
        "<h2>Series posted</h2>"
        + table(_SERIES_HEADERS, rows, numeric=(3, 6))
        + "<h2>Report</h2><pre>"
        + "\n".join(
            _report_line(model, line, titles) if at in entries else text(line)
            for at, line in enumerate(lines)
        )
        + "</pre>"
    )
    return page(f"Week of {week}", body, list_name=model.list_name, depth=1)


def _report_line(model: SiteModel, line: str, titles: dict[str, str | None]) -> str:
    """A report's "New:" entry line, its title linked to the posting on lore."""
    if line.startswith("New:  ") and titles.get(line[6:]):
        return "New:  " + link(model.link(titles[line[6:]]), line[6:])
    return text(line)
