"""A static dashboard: self-contained HTML pages, no server, no script, nothing fetched.

>>> from kvmlist.outputs.site import build_site
>>> build_site(messages, "site/", list_name="kvmarm")      # then open site/index.html

Pages: ``index.html`` (totals and monthly trends as inline SVG), ``series.html`` (every series
with its status), ``people.html`` (posting and reviewing leaderboards, the review economy per
organisation), ``stalled.html``, ``pulls.html`` (pull requests and their merges),
``weeks.html`` and ``weeks/YYYY-MM-DD.html`` (the weekly report, its new postings linked to
lore). docs/insight.md tells what each figure means.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from kvmlist.models import Message
from kvmlist.outputs._files import replace_file
from kvmlist.outputs.site.model import SiteModel, build_model
from kvmlist.outputs.site.pages import (
    index_page,
    people_page,
    pulls_page,
    series_page,
    stalled_page,
    subsystems_page,
    week_file,
    week_page,
    weeks_page,
)

__all__ = ["SiteModel", "build_model", "build_site", "write_site"]


def build_site(
    messages: Iterable[Message], directory: str | os.PathLike[str], **options: object
) -> list[Path]:
    """Write the dashboard of the mails into directory; return the files written.

    ``options`` are those of :func:`build_model` (list_name, mailmap, organisations, older,
    landed, lore_base).
    """
    return write_site(build_model(messages, **options), directory)  # type: ignore[arg-type]


def write_site(model: SiteModel, directory: str | os.PathLike[str]) -> list[Path]:
    """Write the pages of a SiteModel into directory (created if needed), each whole or not
    at all; a link among them (a page, the ``weeks`` folder) is replaced, not followed."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    if (root / "weeks").is_symlink():
        (root / "weeks").unlink()
    (root / "weeks").mkdir(exist_ok=True)
    pages = {
        "index.html": index_page(model),
        "series.html": series_page(model),
        "people.html": people_page(model),
        "stalled.html": stalled_page(model),
        "pulls.html": pulls_page(model),
        "weeks.html": weeks_page(model),
    }
    if model.subsystems is not None:
        pages["subsystems.html"] = subsystems_page(model)
    pages |= {week_file(week): week_page(model, week) for week in model.weeks}
    written = []
    for name, html in pages.items():
        path = root / name
        replace_file(str(path), partial(_write_text, html), follow_link=False)
        written.append(path)
    return written


def _write_text(text: str, name: str) -> None:
    Path(name).write_text(text, encoding="utf-8")
