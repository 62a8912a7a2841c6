"""docs/tutorial.ipynb runs from top to bottom on the sample week and shows what it says."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


@pytest.fixture(scope="module")
def cells() -> dict[str, Any]:
    """Execute the notebook as Jupyter would from docs/; return its code cells by tag."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return {
        tag: cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        for tag in cell.metadata.get("tags", [])
    }


def text(cell: Any) -> str:
    """Return what a cell printed and the plain-text form of its result."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_it_reads_every_mail_of_the_sample(cells: dict[str, Any]) -> None:
    assert text(cells["count-messages"]) == "39"
    assert "'patch': 21" in text(cells["count-kinds"]) and "'cover': 3" in text(
        cells["count-kinds"]
    )


def test_patches_and_series_show_as_html(cells: dict[str, Any]) -> None:
    (result,) = cells["series-html"].outputs
    assert "missing 3" in result.data["text/html"]
    assert "<table" in cells["patch-html"].outputs[0].data["text/html"]


def test_it_lists_the_ten_series(cells: dict[str, Any]) -> None:
    lines = text(cells["list-series"]).splitlines()
    assert len(lines) == 10
    title = "KVM: guest_memfd: Track the number of memslots bound to a file"
    assert lines[2] == f"v3 3/4 {title}  missing=[3]"


def test_counts_match_the_fixture_tables(cells: dict[str, Any]) -> None:
    assert "('Hannah Whitlock <hannah.whitlock@arm.com>', 7)" in text(cells["count-authors"])
    assert "('arm.com', 7)" in text(cells["count-domains"])
    organisations = text(cells["count-organisations"])
    assert "('Arm', 7)" in organisations and "('Ericsson', 2)" in organisations  # via the mailmap
    assert "('2026-03-02', 'arm.com'): 7" in text(cells["per-week"])


def test_dataframe_and_chart_are_displayed(cells: dict[str, Any]) -> None:
    assert "text/html" in cells["dataframe"].outputs[0].data
    assert any("image/png" in output.get("data", {}) for output in cells["plot"].outputs)


def test_it_ends_with_the_weekly_report(cells: dict[str, Any]) -> None:
    report = text(cells["report"])
    assert "KVM mailing list update from 2026-03-02 to 2026-03-06" in report
    assert "      7 arm.com" in report
