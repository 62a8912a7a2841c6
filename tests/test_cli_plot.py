"""`kvmlist plot`: the image file, its format by suffix, the chart's groups, and its mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

import kvmlist
from kvmlist.cli.commands import main

from .conftest import FIXTURES

pytest.importorskip("matplotlib")
from kvmlist.outputs import plot

SAMPLE = str(FIXTURES / "kvm-sample.mbox")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Collect the figures the command saves (and still write them)."""
    figures: list[Any] = []
    save = plot.save

    def keep(figure: Any, path: Any) -> None:
        figures.append(figure)
        save(figure, path)

    monkeypatch.setattr(plot, "save", keep)
    return figures


def legend(figure: Any) -> list[str]:
    return [text.get_text() for text in figure.axes[0].get_legend().get_texts()]


def test_weekly_chart_by_organisation_is_a_png(tmp_path: Path, drawn: list[Any]) -> None:
    out = tmp_path / "weekly.png"
    assert main(["plot", SAMPLE, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(PNG_MAGIC)
    # eight organisations, so no "Other"; listed as stacked, the largest at the bottom
    assert legend(drawn[0]) == [
        "Samsung", "Linaro", "Intel", "NVIDIA", "SUSE", "Fujitsu", "(Unknown)", "Arm"
    ]  # fmt: skip
    assert drawn[0].axes[0].get_title().startswith("Patch mails per week, by organisation")


def test_top_chart_is_an_svg_with_one_bar_per_domain(tmp_path: Path, drawn: list[Any]) -> None:
    out = tmp_path / "top.svg"
    argv = ["plot", SAMPLE, "--kind", "top", "--by", "domain", "--top", "3", "-o", str(out)]
    assert main(argv) == 0
    assert ElementTree.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    labels = [t.get_text() for t in drawn[0].axes[0].get_yticklabels()]
    assert labels == ["arm.com", "fujitsu.com", "suse.de"]


def test_monthly_chart_by_author_with_a_mailmap(tmp_path: Path, drawn: list[Any]) -> None:
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Lars Eriksen <lars.eriksen@gmail.com> <emily.hargreaves@gmail.com>\n")
    argv = ["plot", SAMPLE, "--by", "author", "--freq", "M", "--top", "4"]
    assert main([*argv, "--mailmap", str(mailmap), "-o", str(tmp_path / "m.png")]) == 0
    (axes,) = drawn[0].axes
    assert legend(drawn[0])[:2] == ["Other", "Lars Eriksen"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2026-03"]


def test_orgmap_file_names_organisations(tmp_path: Path, drawn: list[Any]) -> None:
    orgmap = tmp_path / "orgs.txt"
    orgmap.write_text("lars.eriksen@gmail.com   Ericsson\nfree.fr  Marchand Consulting\n")
    argv = ["plot", SAMPLE, "--kind", "top", "--orgmap", str(orgmap), "-o", str(tmp_path / "o.png")]
    assert main(argv) == 0
    labels = [t.get_text() for t in drawn[0].axes[0].get_yticklabels()]
    assert {"Ericsson", "Marchand Consulting"} <= set(labels)
    messages = list(kvmlist.read_mbox(SAMPLE))
    assert "Ericsson" not in kvmlist.count_by_organisation(messages)  # only thanks to the map


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plot", SAMPLE], "add -o FILE.png"),
        (["plot", SAMPLE, "-o", "{tmp}/chart.jpg"], "name the image .png or .svg"),
        (["plot", SAMPLE, "--kind", "top", "--freq", "M", "-o", "{tmp}/a.png"], "--freq goes"),
        (["plot", SAMPLE, "--by", "domain", "--orgmap", "x", "-o", "{tmp}/a.png"], "--orgmap"),
        (["plot", SAMPLE, "--top", "0", "-o", "{tmp}/a.png"], "give 1 or more"),
        (["plot", SAMPLE, "--freq", "Q", "-o", "{tmp}/a.png"], "invalid choice"),
        (["plot", SAMPLE, "-o", "{tmp}/no/such/dir/a.png"], "No such file or directory"),
        (["plot", "{tmp}/missing.mbox", "-o", "{tmp}/a.png"], "no such file"),
    ],
)
def test_plot_mistakes_give_one_line_and_status_2(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    argv = [a.format(tmp=tmp_path) for a in argv]
    done = subprocess.run([sys.executable, "-m", "kvmlist", *argv], capture_output=True, text=True)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "a.png").exists()
