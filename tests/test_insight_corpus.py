"""Review economy, stalled series, pull requests and the dashboard on a real archive: their
figures add up.

``make test`` runs these on a window of kvmarm, ``make test-corpus`` on the whole of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from kvmlist.analysis.counted import answerers, credited_kind
from kvmlist.analysis.review_economy import review_economy
from kvmlist.analysis.stalled import find_stalled
from kvmlist.grouping.pulls import find_pull_requests
from kvmlist.grouping.series import group_series
from kvmlist.outputs.site import build_site

from .conftest import Corpus

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def kvmarm(corpus: Callable[[str], Corpus]) -> Corpus:
    return corpus("kvmarm")


def test_review_economy_adds_up(kvmarm: Corpus) -> None:
    economy = review_economy(kvmarm.messages, by="organisation")
    groups = economy.groups.values()
    assert sum(g.reviews_given for g in groups) == economy.reviews > 0
    assert economy.across + economy.within + economy.unknown_pairs == economy.reviews
    assert sum(g.given_across for g in groups) == economy.across
    assert all(g.reviewed_across <= g.reviewed <= g.patches for g in groups)
    assert 1 <= economy.half_of_reviews <= len(economy.reviews_by_person)


def test_stalled_series_are_really_unanswered(kvmarm: Corpus) -> None:
    found = group_series(kvmarm.messages, revisions=True)
    report = find_stalled(kvmarm.messages, older=timedelta(days=14), series=found)
    assert report.stalled, "a real archive has unanswered series"
    people = answerers(found, kvmarm.messages)
    position = {id(one): at for at, one in enumerate(found)}
    for one in report.stalled:
        series = one.series
        assert not people[position[id(series)]], series.title
        trailers = [t for p in series.patches for t in p.review_trailers]
        assert series.next_id is None and not any(credited_kind(t) for t in trailers)
        assert one.age >= timedelta(days=14) and one.link.endswith(f"{series.anchor_id}/")
    dates = [s.series.date for s in report.stalled]
    assert dates == sorted(dates)  # type: ignore[type-var]


def test_dashboard_of_the_archive(kvmarm: Corpus, tmp_path: Path) -> None:
    written = build_site(kvmarm.messages, tmp_path, list_name="kvmarm")
    weeks = {p.name for p in (tmp_path / "weeks").iterdir()}
    assert len(written) == 6 + len(weeks) and len(weeks) >= 1
    assert "stalled" in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["kvmarm", "kasan-dev-2025"])
def test_pull_requests_and_their_merges(corpus: Callable[[str], Corpus], name: str) -> None:
    archive = corpus(name)
    by_id = {m.message_id: m for m in archive.messages}
    found = find_pull_requests(archive.messages)
    for one in found:
        for merge in one.merges:
            notice = by_id[merge.message_id]
            assert notice.kind == "reply" and notice.sender != one.request.sender
            if merge.how == "pr-tracker-bot":
                assert merge.merged_by is None and merge.tree == "torvalds/linux.git"
                assert merge.commit is not None and len(merge.commit) == 40
        dates = [merge.date for merge in one.merges]
        assert dates == sorted(dates)  # type: ignore[type-var]
    if archive.whole:  # read by hand: 56 of kvmarm's 80 say so, both of kasan-dev's (the bot)
        merged = sum(one.merged for one in found)
        assert (len(found), merged) == {"kvmarm": (80, 56), "kasan-dev-2025": (2, 2)}[name]
