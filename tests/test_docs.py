"""The docs stay true: api.md matches the code, and every recipe runs on the fixtures."""

from __future__ import annotations

import gzip
import http.server
import importlib.util
import re
import shlex
import threading
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest

import kvmlist
from kvmlist.cli.commands import main
from kvmlist.sources.mbox import iter_raw_messages

from .conftest import FIXTURES, ROOT
from .inbox_builder import build_epoch

DOCS = ROOT / "docs"
SAMPLE = FIXTURES / "kvm-sample.mbox"
#: ```lang [file name]\n body ```
RE_BLOCK = re.compile(r"^```(\w+)[ \t]*([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
#: a file a recipe writes: "q1-weekly.png", -o digest.txt
RE_WRITTEN = re.compile(r"""["' ]([\w.-]+\.(?:png|svg|csv|parquet|xlsx|txt))\b""")
#: what a recipe needs beyond kvmlist, by a word in its text
EXTRAS = {"plot": "matplotlib", "parquet": "pyarrow", "export": "pandas", "ExcelWriter": "openpyxl"}


def load_gen_api() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api", DOCS / "gen_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_is_current() -> None:
    written = (DOCS / "api.md").read_text(encoding="utf-8")
    assert written == load_gen_api().render(), "docs/api.md is stale: run python docs/gen_api.py"


def test_api_reference_covers_every_public_name() -> None:
    text = load_gen_api().render()
    for name in kvmlist.__all__:
        assert f"### `kvmlist.{name}`\n" in text
    for name in ("outputs.plot.patches_per_period", "outputs.plot.save",
                 "outputs.export.to_parquet", "sources.lore.LoreClient",
                 "analysis.identities.OrganisationMap"):  # fmt: skip
        assert f"### `kvmlist.{name}`\n" in text


def test_the_names_the_docs_tell_users_to_call_are_in_the_api_reference() -> None:
    # the README and docs name these as the Python way to do what a command does
    text = load_gen_api().render()
    for name in ("parse_raw", "analysis.stalled.find_stalled",
                 "analysis.review_economy.review_economy",
                 "sources.public_inbox.InboxSelection",
                 "scale.workers.count_by_field_in_workers", "scale.workers.parse_in_workers",
                 "scale.workers.render_report_in_workers", "scale.workers.check_in_workers",
                 "scale.workers.dataframe_in_workers"):  # fmt: skip
        assert f"### `kvmlist.{name}`\n" in text, name
    messages = list(kvmlist.parse_raw([b"Subject: Re: [PATCH] x\n\nok\n"], answers=False))
    assert messages == []  # README: `parse_raw` reads raw mails, answers=False as read() does


def recipe_blocks(language: str) -> list[tuple[str, str]]:
    """Return (info, body) of the recipes' code blocks in one language."""
    text = (DOCS / "recipes.md").read_text(encoding="utf-8")
    return [(info, body) for lang, info, body in RE_BLOCK.findall(text) if lang == language]


def skip_without_extras(code: str) -> None:
    for word, module in EXTRAS.items():
        if word in code:
            pytest.importorskip(module)


class FakeLore(http.server.BaseHTTPRequestHandler):
    """Answers every search with the sample week, gzipped, as public-inbox does."""

    queries: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        FakeLore.queries.append(self.path)
        body = gzip.compress(SAMPLE.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def lore_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeLore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kvm/"
    server.shutdown()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A public-inbox archive of the sample week, each mail committed at its Date."""
    path = tmp_path_factory.mktemp("lore") / "kvm"
    (path / "git").mkdir(parents=True)
    entries = []
    for raw in iter_raw_messages(SAMPLE):
        date = re.search(rb"^Date: (.*)$", raw, re.MULTILINE)
        assert date is not None
        entries.append(("m", raw, int(parsedate_to_datetime(date[1].decode()).timestamp())))
    build_epoch(path / "git" / "0.git", entries)
    return path


@pytest.fixture
def kitchen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inbox: Path, lore_url: str
) -> dict[str, str]:
    """Work in a fresh directory holding the recipes' text files; return the substitutions."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for info, body in recipe_blocks("text"):
        if info:
            (tmp_path / info).write_text(body, encoding="utf-8")
    return {
        "kvm.mbox": str(SAMPLE),
        "~/lore/kvm": str(inbox),
        "https://lore.kernel.org/kvm/": lore_url,
    }


def substitute(text: str, kitchen: dict[str, str]) -> str:
    for old, new in kitchen.items():
        text = text.replace(old, new)
    return text


def assert_files_written(code: str) -> None:
    for name in RE_WRITTEN.findall(code):
        assert Path(name).stat().st_size > 0, f"{name} was not written"


def test_recipes_have_blocks_of_each_kind() -> None:
    assert len(recipe_blocks("python")) >= 5
    assert len(recipe_blocks("sh")) >= 3
    assert [info for info, _ in recipe_blocks("text")] == ["orgs.txt", ".mailmap"]


@pytest.mark.parametrize(
    "code", [body for _, body in recipe_blocks("python")], ids=lambda c: c.splitlines()[-1][:40]
)
def test_python_recipe_runs(
    code: str, kitchen: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    skip_without_extras(code)
    exec(compile(substitute(code, kitchen), "docs/recipes.md", "exec"), {"__name__": "recipe"})
    printed = capsys.readouterr().out
    if "render_report" in code:
        assert "KVM mailing list update from 2026-03-02 to 2026-03-06" in printed
    if "count_by_organisation" in code:
        assert "Ericsson" in printed  # orgs.txt at work
    if "LoreClient" in code:
        # d: takes both days whole: Monday to Sunday
        assert FakeLore.queries[-1].endswith("?q=d%3A2026-03-02..2026-03-08&x=m")
    assert_files_written(code)


@pytest.mark.parametrize(
    "line",
    [
        line
        for _, body in recipe_blocks("sh")
        for line in body.splitlines()
        if line.startswith("kvmlist ")
    ],
)
def test_shell_recipe_runs(
    line: str, kitchen: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    skip_without_extras(line)
    argv = [substitute(word, kitchen) for word in shlex.split(line, comments=True)[1:]]
    assert main(argv) == 0, capsys.readouterr().err
    if "-o" in argv:
        assert_files_written(line)
    else:
        assert capsys.readouterr().out.strip()


def test_what_check_exit_status_1_means_is_said_in_full(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # check exits 1 for a headerless mail or a skipped folder entry too, not only lost mails
    from kvmlist.cli.commands import main

    said = "mails lost, a mail with no header (cut in two) or an entry skipped"
    readme = " ".join((DOCS.parent / "README.md").read_text(encoding="utf-8").split())
    assert said in readme
    for argv in (["--help"], ["check", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert said in " ".join(capsys.readouterr().out.split()), argv
