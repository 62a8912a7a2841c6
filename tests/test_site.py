"""The static dashboard: pages written, links resolving, nothing fetched, and a real headless
browser (Debian's chromium) loading each kind of page without console errors."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.maintainers import Maintainers
from kvmlist.cli.commands import main
from kvmlist.outputs.site import build_site

from . import browser
from .conftest import FIXTURES, mail, mbox

SAMPLE = FIXTURES / "kvm-sample.mbox"
LIFECYCLE = FIXTURES / "review-lifecycle.mbox"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    mails = [*kvmlist.read_mbox(SAMPLE), *kvmlist.read_mbox(LIFECYCLE)]
    build_site(mails, root, list_name="KVM",
               maintainers=Maintainers.from_file(FIXTURES / "MAINTAINERS"))  # fmt: skip
    return root


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))


def _refs(page: Path) -> list[tuple[str, str, str]]:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def test_pages_of_every_kind_are_written(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    pages = {"index.html", "series.html", "people.html", "stalled.html", "pulls.html"}
    pages |= {"weeks.html"}
    assert pages | {"subsystems.html"} <= names
    assert "weeks/2026-03-02.html" in names


def test_every_local_link_resolves_and_nothing_is_fetched(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<link" not in text and "@import" not in text, page
        for tag, attribute, value in _refs(page):
            if value.startswith("https://"):
                assert (tag, attribute) == ("a", "href"), (page, value)  # a link, never a load
                continue
            target = (page.parent / value.split("#")[0]).resolve()
            assert target.is_file(), (page, value)


def test_series_page_gives_each_series_its_status(site: Path) -> None:
    html = (site / "series.html").read_text(encoding="utf-8")
    statuses = re.findall(r'<span class="status (\w+)">', html)
    assert set(statuses) == {"applied", "superseded", "reviewed", "new"}
    assert len(statuses) == len(kvmlist.group_series(
        [*kvmlist.read_mbox(SAMPLE), *kvmlist.read_mbox(LIFECYCLE)]))  # fmt: skip


def _posted_and_answered(n: int, sender: str, text: str) -> tuple[bytes, bytes]:
    patch = mail(f"[PATCH] KVM: x86: Fix {n}", message_id=f"<p{n}@x>")
    reply = mail("Re: [PATCH]", f"> quoted\n\n{text}\n", sender=sender, message_id=f"<r{n}@x>",
                 extra=f"In-Reply-To: <p{n}@x>\nReferences: <p{n}@x>\n",
                 date="Wed, 4 Mar 2026 10:00:00 +0000")  # fmt: skip
    return patch, reply


def test_a_series_is_reviewed_by_a_credited_review_tag_only() -> None:
    from kvmlist.outputs.site.model import build_model

    raw = mbox(
        *_posted_and_answered(1, "Marc Z <maz@kernel.org>", "Reported-by: Marc Z <maz@kernel.org>"),
        *_posted_and_answered(2, "Marc Z <maz@kernel.org>", "Fixes: 0123456789ab (\"KVM: x\")"),
        *_posted_and_answered(3, "Marc Z <maz@kernel.org>", "Reviewed-by: Rob Rev <rob@arm.com>"),
        *_posted_and_answered(4, "Rob Rev <rob@arm.com>", "Reviwed-by: Rob Rev <rob@arm.com>"),
    )  # fmt: skip
    model = build_model(kvmlist.read_mbox(io.BytesIO(raw)))
    rows = {row.series.title: (row.status, row.reviews) for row in model.rows}
    assert rows == {
        "KVM: x86: Fix 1": ("new", 0),  # a report, not a review
        "KVM: x86: Fix 2": ("new", 0),
        "KVM: x86: Fix 3": ("new", 0),  # Marc relays Rob's tag: a mismatch, nobody's review
        "KVM: x86: Fix 4": ("reviewed", 1),  # misspelt, but a review
    }


def test_week_page_links_new_postings_to_lore(site: Path) -> None:
    html = (site / "weeks" / "2026-03-02.html").read_text(encoding="utf-8")
    assert "KVM mailing list update from" in html
    assert re.search(r'New:  <a href="https://lore.kernel.org/r/[^"]+/">KVM: arm64: ', html)


def test_overview_draws_trends_as_inline_svg(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "<rect" in html and "Patch mails per week" in html


def test_site_command_writes_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["site", str(SAMPLE), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file()
    assert "pages in" in capsys.readouterr().err
    assert main(["site", str(SAMPLE)]) == 2
    assert "add -o DIR" in capsys.readouterr().err


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    browser.chromium()  # skips without it
    one = browser.Browser()
    yield one
    one.close()


def test_the_console_check_catches_a_script_error(
    chromium: browser.Browser, tmp_path: Path
) -> None:
    """The browser check can fail: a broken script and a missing image are errors."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><p>x</p><img src="missing.png"><script>nothing.at.all()</script>'
    )
    errors = chromium.load(page).errors
    assert any("nothing is not defined" in e for e in errors), errors
    assert any("ERR_FILE_NOT_FOUND" in e for e in errors), errors


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("index.html", "Overview"),
        ("series.html", "Series"),
        ("people.html", "People"),
        ("stalled.html", "Stalled series"),
        ("subsystems.html", "Subsystems"),
        ("weeks/2026-03-02.html", "Week of 2026-03-02"),
    ],
)
def test_each_kind_of_page_loads_in_chromium(
    site: Path, chromium: browser.Browser, name: str, heading: str
) -> None:
    loaded = chromium.load(site / name)
    assert loaded.errors == []
    colours, inked = browser.ink(loaded.png)
    assert colours > 20 and inked > 0.03, (colours, inked)  # text and tables, not a blank page
    assert f"<h1>{heading}</h1>" in loaded.dom and "</table>" in loaded.dom


def test_a_sender_cannot_reorder_or_hide_text_on_a_page(tmp_path: Path) -> None:
    # a right-to-left override makes "moc.elgoog" read "google.com"; a NUL or an escape
    # sequence shows as nothing: every page writes them as visible escapes
    from .conftest import mail

    mails = list(
        kvmlist.sources.reader.parse_raw(
            [
                mail(
                    "[PATCH] =?utf-8?q?KVM=3A_x86=3A_fix_=E2=80=AEtxt.exe?=",
                    sender="=?utf-8?q?Eve_=E2=80=AEmoc.elgoog=1B[2J?= <eve@evil.example>",
                )
            ]
        )
    )
    build_site(mails, tmp_path, list_name="KVM")
    pages = [page.read_text(encoding="utf-8") for page in tmp_path.rglob("*.html")]
    assert not [page for page in pages if "\u202e" in page or "\x1b" in page]
    assert any("Eve \\u202emoc.elgoog\\x1b[2J" in page for page in pages)
    assert any("fix \\u202etxt.exe" in page for page in pages)


def test_only_the_reports_own_entry_lines_link_a_posting(tmp_path: Path) -> None:
    # A commit message may hold a line shaped like the report's "New:" line, naming another
    # series of the week: it is the mail's text, shown as text, no link the sender chose.
    honest = mail("[PATCH] KVM: x86: Fix the TSC scaling", message_id="<honest@x>")
    forged = mail(
        "[PATCH] KVM: arm64: Tidy up",
        "Tidy up.\n\nNew:  KVM: x86: Fix the TSC scaling\n\n"
        "Signed-off-by: Eve <eve@evil.example>\n",
        sender="Eve <eve@evil.example>",
        message_id="<forged@x>",
        date="Tue, 3 Mar 2026 11:00:00 +0000",
    )
    build_site(kvmlist.read_mbox(io.BytesIO(mbox(honest, forged))), tmp_path, list_name="KVM")
    html = (tmp_path / "weeks" / "2026-03-02.html").read_text(encoding="utf-8")
    report = html.split("<h2>Report</h2>", 1)[1]
    assert report.count(">KVM: x86: Fix the TSC scaling</a>") == 1
    assert report.count("New:  KVM: x86: Fix the TSC scaling\n") == 1  # the forged line, as text
    assert report.count(">KVM: arm64: Tidy up</a>") == 1


def test_the_stalled_page_lists_the_series_it_could_not_judge(tmp_path: Path) -> None:
    # as `kvmlist stalled` does: a clock at zero or no date at all waits no number of days
    zero = mail("[PATCH] KVM: x86: From a clock at zero", message_id="<zero@x>",
                date="Thu, 1 Jan 1970 00:00:05 +0000")  # fmt: skip
    undated = mail("[PATCH] KVM: x86: Undated", message_id="<undated@x>", date=None)
    mails = [*kvmlist.read_mbox(SAMPLE), *kvmlist.read_mbox(io.BytesIO(mbox(zero, undated)))]
    build_site(mails, tmp_path, list_name="KVM")
    html = (tmp_path / "stalled.html").read_text(encoding="utf-8")
    unjudged = html.split("<h2>Not judged: no plausible date (2)</h2>", 1)[1]
    assert ">KVM: x86: From a clock at zero</a>" in unjudged and "implausible-date" in unjudged
    assert ">KVM: x86: Undated</a>" in unjudged and "missing-date" in unjudged
    assert '<a href="https://lore.kernel.org/r/undated@x/">' in unjudged
