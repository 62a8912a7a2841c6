"""Jupyter display: one-line reprs, HTML tables with missing parts marked and text escaped."""

from __future__ import annotations

import kvmlist

from .conftest import FIXTURES


def test_series_html_marks_missing_parts_and_escapes() -> None:
    series = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))
    partial = next(s for s in series if not s.complete)
    html = partial._repr_html_()
    assert "missing 3" in html and "(missing)" in html
    assert html.count("<tr") == partial.total
    assert "\n" not in repr(partial) and repr(partial).startswith("<Series v3 3/4")


def test_patch_html_lists_trailers_and_escapes_angle_brackets() -> None:
    patch = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "kvm-sample.mbox"))[0].patches[1]
    html = patch._repr_html_()
    assert "Reviewed-by" in html
    assert "&lt;priyar@google.com&gt;" in html and "<priyar@" not in html
    assert repr(patch).startswith("<Patch v1 2/3 ")
