"""Charts: bars and labels carry exactly the counts of analysis.aggregate, and read cleanly."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

import kvmlist
from kvmlist.analysis.aggregate import count_by, domain_of
from kvmlist.analysis.identities import Mailmap, OrganisationMap
from kvmlist.errors import MissingExtraError, UsageError
from kvmlist.grouping.pull_copies import PullCopies
from kvmlist.grouping.pulls import is_counted_patch_mail

from .conftest import FIXTURES, Corpus, mail, mbox

pytest.importorskip("matplotlib")
from kvmlist.outputs import plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def messages() -> list[kvmlist.Message]:
    return list(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))


def bars(figure: Any) -> dict[str, list[float]]:
    """Return each bar container's label and bar lengths (heights, or widths of barh)."""
    (axes,) = figure.axes
    return {
        c.get_label(): [p.get_height() if c.orientation == "vertical" else p.get_width()
                        for p in c.patches]
        for c in axes.containers
    }  # fmt: skip


def test_weekly_bars_stack_the_top_organisations_and_sum_the_rest_as_other(
    messages: list[kvmlist.Message],
) -> None:
    figure = plot.patches_per_period(messages, freq="W", by="organisation", top=3)
    expected = kvmlist.count_by_organisation(messages)
    top3 = expected.most_common(3)
    assert [name for name, _ in top3] == ["Arm", "(Unknown)", "Fujitsu"]
    assert bars(figure) == {
        "Arm": [7],
        "(Unknown)": [5],
        "Fujitsu": [3],
        "Other": [sum(expected.values()) - 7 - 5 - 3],
    }
    (axes,) = figure.axes
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2026-03-02"]


def test_no_other_bucket_when_every_group_is_shown(messages: list[kvmlist.Message]) -> None:
    figure = plot.patches_per_period(messages, by="domain", top=20)
    assert bars(figure) == {d: [n] for d, n in kvmlist.count_by_domain(messages).items()}


def test_daily_bars_have_one_bar_per_day_with_the_counts_of_count_by(
    messages: list[kvmlist.Message],
) -> None:
    figure = plot.patches_per_period(messages, freq="D", by="domain", top=4)
    per_day = count_by(messages, domain_of, freq="D")
    days = sorted({day for day, _ in per_day})
    assert days == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    drawn = bars(figure)
    shown = [d for d, _ in kvmlist.count_by_domain(messages).most_common(4)]
    assert list(drawn) == [*shown, "Other"]
    for domain in shown:
        assert drawn[domain] == [per_day[(day, domain)] for day in days]
    column_totals = [sum(column) for column in zip(*drawn.values(), strict=True)]
    assert column_totals == [sum(n for (d, _), n in per_day.items() if d == day) for day in days]


def test_weeks_without_patches_still_get_their_place(tmp_path: Path) -> None:
    archive = tmp_path / "gap.mbox"
    archive.write_bytes(
        mbox(
            mail(message_id="<1@x>", date="Mon, 2 Mar 2026 10:00:00 +0000"),
            mail(message_id="<2@x>", date="Wed, 18 Mar 2026 10:00:00 +0000"),
            mail(message_id="<3@x>", date="Thu, 19 Mar 2026 10:00:00 +0000"),
        )
    )
    figure = plot.patches_per_period(kvmlist.read_mbox(archive), by="domain")
    assert bars(figure) == {"example.org": [1, 0, 2]}
    (axes,) = figure.axes
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["2026-03-02", "2026-03-09", "2026-03-16"]


def test_author_stacks_use_names_and_merge_aliases_with_a_mailmap(
    messages: list[kvmlist.Message],
) -> None:
    mailmap = Mailmap.parse(
        ["Lars Eriksen <lars.eriksen@gmail.com> <emily.hargreaves@gmail.com>"]
    )  # one person, two addresses (invented)
    figure = plot.patches_per_period(messages, by="author", top=4, mailmap=mailmap)
    assert bars(figure) == {
        "Hannah Whitlock": [7],
        "Yuki Tanabe": [3],
        "Jörg Brandstätter": [3],
        "Lars Eriksen": [3],  # 2 of his own and Emily's one
        "Other": [23 - 16],
    }


def test_domain_charts_count_the_domain_a_mailmap_maps_to(messages: list[kvmlist.Message]) -> None:
    mailmap = Mailmap.parse(["Yuki Tanabe <yuki@tanabe.example> <tanabe.yuki@fujitsu.com>"])
    expected = kvmlist.count_by_domain(messages, mailmap=mailmap)
    assert expected["tanabe.example"] == 3
    stacked = plot.patches_per_period(messages, by="domain", top=20, mailmap=mailmap)
    assert bars(stacked) == {d: [n] for d, n in expected.items()}
    ranked = plot.top_contributors(messages, by="domain", top=20, mailmap=mailmap)
    labels = [t.get_text() for t in ranked.axes[0].get_yticklabels()]
    assert dict(zip(labels, bars(ranked)["domain"], strict=True)) == expected


def test_legend_is_outside_the_bars_and_lists_the_top_of_the_stack_first(
    messages: list[kvmlist.Message],
) -> None:
    figure = plot.patches_per_period(messages, top=3)
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Other", "Fujitsu", "(Unknown)", "Arm"]
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    assert legend.get_window_extent(renderer).x0 > axes.get_window_extent(renderer).x1
    assert axes.get_title() == "Patch mails per week, by organisation (23 mails)"
    assert axes.get_ylabel() == "patch mails"


def test_top_contributors_are_ranked_biggest_on_top_with_their_counts(
    messages: list[kvmlist.Message],
) -> None:
    figure = plot.top_contributors(messages, by="author", top=4)
    expected = kvmlist.count_by_author(messages).most_common(4)
    (axes,) = figure.axes
    assert bars(figure) == {"author": [n for _, n in expected]}
    assert [t.get_text() for t in axes.get_yticklabels()] == [p.name for p, _ in expected]
    assert axes.yaxis_inverted()  # the first (biggest) bar is drawn at the top
    assert [t.get_text() for t in axes.texts] == [str(n) for _, n in expected]


def test_top_organisations_follow_the_organisation_map(messages: list[kvmlist.Message]) -> None:
    orgmap = OrganisationMap.default().extend(["lars.eriksen@gmail.com Ericsson"])
    figure = plot.top_contributors(messages, by="organisation", orgmap=orgmap)
    expected = kvmlist.count_by_organisation(messages, organisations=orgmap)
    assert expected["Ericsson"] == 2
    assert bars(figure) == {"organisation": [n for _, n in expected.most_common(15)]}


def test_two_people_of_one_name_are_told_apart_by_address(tmp_path: Path) -> None:
    archive = tmp_path / "twins.mbox"
    archive.write_bytes(
        mbox(
            mail(message_id="<1@x>", sender="Sam Lee <sam@intel.com>"),
            mail(message_id="<2@x>", sender="Sam Lee <slee@google.com>"),
            mail(message_id="<3@x>", sender="Sam Lee <slee@google.com>"),
        )
    )
    figure = plot.top_contributors(kvmlist.read_mbox(archive))
    (axes,) = figure.axes
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "Sam Lee <slee@google.com>",
        "Sam Lee <sam@intel.com>",
    ]


def test_top_contributor_labels_do_not_overlap(messages: list[kvmlist.Message]) -> None:
    figure = plot.top_contributors(messages, by="author", top=15)
    figure.canvas.draw()
    (axes,) = figure.axes
    boxes = [t.get_window_extent() for t in axes.get_yticklabels()]
    assert len(boxes) == 10
    assert not any(a.overlaps(b) for a, b in pairwise(boxes))
    assert all(box.x0 >= 0 for box in boxes)  # long names are not cut off on the left


def test_no_patch_mails_gives_a_figure_that_says_so() -> None:
    figure = plot.patches_per_period([])
    assert [t.get_text() for t in figure.axes[0].texts] == ["No dated patch mails to plot"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: plot.patches_per_period(m, by="colour"), "cannot plot by 'colour'"),
        (lambda m: plot.patches_per_period(m, freq="Q"), "freq 'Q'"),
        (lambda m: plot.top_contributors(m, by="domain", orgmap=OrganisationMap()), "goes with"),
    ],
)
def test_wrong_arguments_are_usage_errors(
    messages: list[kvmlist.Message], call: Any, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        call(messages)


def test_save_writes_png_or_svg_by_suffix(messages: list[kvmlist.Message], tmp_path: Path) -> None:
    figure = plot.top_contributors(messages)
    plot.save(figure, tmp_path / "top.png")
    plot.save(figure, tmp_path / "top.SVG")
    assert (tmp_path / "top.png").read_bytes().startswith(PNG_MAGIC)
    root = ElementTree.parse(tmp_path / "top.SVG").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    with pytest.raises(UsageError, match=r"name it \.png or \.svg"):
        plot.save(figure, tmp_path / "top.jpg")


def test_without_matplotlib_the_error_names_the_extra(
    messages: list[kvmlist.Message], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"kvmlist\[plot\]"):
        plot.top_contributors(messages)


@pytest.mark.corpus
def test_years_of_weekly_bars_get_a_date_axis_and_add_up(
    whole_corpus: Callable[[str], Corpus], tmp_path: Path
) -> None:
    messages = whole_corpus("kvmarm").messages
    figure = plot.patches_per_period(messages, freq="W", by="organisation")
    drawn = bars(figure)
    counted = filter(is_counted_patch_mail, kvmlist.patch_mails(messages))  # no pull covers
    copies = PullCopies.of(messages).copies()  # a pull request's copies: not again
    dated = Counter(
        p.message_id for p in counted if p.date is not None and p.message_id not in copies
    )
    assert len(drawn) == 9 and list(drawn)[-1] == "Other"
    assert sum(map(sum, drawn.values())) == len(dated)
    assert len(next(iter(drawn.values()))) > 150  # every week from 2019 to 2023
    figure.canvas.draw()
    (axes,) = figure.axes
    ticks = [t for t in axes.get_xticklabels() if t.get_text()]
    assert 4 <= len(ticks) <= 16
    boxes = [t.get_window_extent() for t in ticks]
    assert not any(a.overlaps(b) for a, b in pairwise(boxes))
    plot.save(figure, tmp_path / "weekly.png")
    assert (tmp_path / "weekly.png").stat().st_size > 20_000


@pytest.mark.parametrize("kind", ["top", "per-period"])
def test_a_name_with_dollar_signs_is_drawn_as_written(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # matplotlib reads "$...$" as TeX math: a sender named "Eve $\frac{1}{$" stopped the
    # drawing with a ValueError, and "$x^2$" would be drawn as a formula
    from kvmlist.cli.commands import main

    # the backslash is escaped in the quoted name (RFC 5322 quoted-pair): the name has one
    senders = ['"Eve $\\\\frac{1}{$ Mallory" <eve@evil.example>', '"Ann $x^2$ Lee" <ann@a.example>']
    path = tmp_path / "dollars.mbox"
    path.write_bytes(mbox(*(mail(sender=s, message_id=f"<{n}@x>") for n, s in enumerate(senders))))
    image = tmp_path / "people.svg"
    assert main(["plot", str(path), "--by", "author", "--kind", kind, "-o", str(image)]) == 0
    drawn = image.read_text()
    assert "Eve $\\frac{1}{$ Mallory" in drawn and "Ann $x^2$ Lee" in drawn


def test_a_name_starting_with_an_underscore_is_in_the_legend(tmp_path: Path) -> None:
    # matplotlib leaves out of a legend every label that starts with "_"
    senders = ["_Eve Biggest <eve@ex1.example>"] * 3 + ["Alice <alice@ex0.example>"] * 2
    path = tmp_path / "underscore.mbox"
    path.write_bytes(mbox(*(mail(sender=s, message_id=f"<{n}@x>") for n, s in enumerate(senders))))
    messages = list(kvmlist.read_mbox(path))
    figure = plot.patches_per_period(messages, by="author")
    shown = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert [text.lstrip("\u200b") for text in shown] == ["Alice", "_Eve Biggest"]
    ranked = plot.top_contributors(messages, by="author")
    ticks = [t.get_text().lstrip("\u200b") for t in ranked.axes[0].get_yticklabels()]
    assert sorted(ticks) == ["Alice", "_Eve Biggest"]
