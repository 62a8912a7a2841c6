"""Shared test helpers: where ../shared lives, the corpus fixtures, a builder for raw mails.

Corpus tests (marker ``corpus``) read the real archives in ../shared/corpus. ``make test``
passes ``--corpus-sample N``: tests that take the :func:`corpus` fixture then run on N
consecutive mails of each archive (a window placed by a fixed seed), and the other corpus
tests (:func:`whole_corpus`, or reading ../shared themselves) are left to ``make
test-corpus``, which runs every corpus test on whole archives.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import kvmlist

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
SEED_MBOX = SHARED / "seed" / "kvm-2025-12-04.mbox"
SEED_REPORT = SHARED / "seed" / "kvm-report-2025-12-04.txt"
KVMARM = SHARED / "corpus" / "kvmarm.mboxrd.xz"
#: The seed that places the sampled window in each archive: the same mails on every run.
SAMPLE_SEED = 18


def need(path: Path) -> Path:
    """Return path, or skip the test with the reason when ../shared is not beside the project."""
    if not path.exists():
        pytest.skip(f"needs {path} (the shared material beside the project checkout)")
    return path


def mail(
    subject: str = "[PATCH] KVM: x86: Fix a thing",
    body: str = "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n",
    *,
    sender: str = "Jane Doe <jane@example.org>",
    message_id: str | None = "<1@example.org>",
    date: str | None = "Tue, 3 Mar 2026 10:00:00 +0000",
    extra: str = "",
) -> bytes:
    """Return the raw bytes of a mail with the usual list headers."""
    head = [f"From: {sender}", f"Subject: {subject}"]
    if date is not None:
        head.append(f"Date: {date}")
    if message_id is not None:
        head.append(f"Message-ID: {message_id}")
    head.append("List-Id: <kvm.vger.kernel.org>")
    text = "\n".join(head) + "\n" + extra + "\n" + body
    return text.encode("utf-8")


def mbox(*mails: bytes) -> bytes:
    """Return an mboxrd file holding the mails, quoting ``>*From `` body lines."""
    import re

    out = []
    for raw in mails:
        quoted = re.sub(rb"(?m)^(>*From )", rb">\1", raw)
        out.append(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + quoted + b"\n")
    return b"".join(out)


# --- the corpus, whole or sampled ------------------------------------------------------------


@pytest.fixture
def west_coast(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test on a machine whose local time zone is Los Angeles (UTC-8/-7)."""
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--corpus-sample",
        type=int,
        default=int(os.environ.get("KVMLIST_CORPUS_SAMPLE", "0")),
        metavar="N",
        help="run corpus tests that take the `corpus` fixture on N consecutive mails of each "
        "archive (fixed seed) and leave the other corpus tests out; 0: whole archives "
        "(default, or $KVMLIST_CORPUS_SAMPLE)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    size = config.getoption("--corpus-sample")
    if size:
        return f"corpus: windows of {size} mails (seed {SAMPLE_SEED}); whole: make test-corpus"
    return "corpus: whole archives"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With a sample size, keep only the corpus tests that can run on a sample."""
    if not config.getoption("--corpus-sample"):
        return
    kept, left = [], []
    for item in items:
        whole_only = item.get_closest_marker("corpus") and "corpus" not in getattr(
            item, "fixturenames", ()
        )
        (left if whole_only else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@dataclass(frozen=True)
class Corpus:
    """One archive as a test sees it: the whole of it, or a window of consecutive mails."""

    name: str
    #: A plain (uncompressed) mboxrd holding exactly the mails of ``messages``.
    path: Path
    messages: list[kvmlist.Message]
    #: True for the whole archive; a sample's thresholds must not assume the whole.
    whole: bool


@pytest.fixture(scope="session")
def _corpora(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int], Corpus]:
    """Return load(name, size): each archive read once a session, whole (0) or sampled."""
    cache: dict[tuple[str, int], Corpus] = {}

    def load(name: str, size: int) -> Corpus:
        if (name, size) not in cache:
            folder = tmp_path_factory.mktemp(name)
            cache[name, size] = _load_corpus(name, size, folder)
        return cache[name, size]

    return load


@pytest.fixture(scope="session")
def corpus(
    request: pytest.FixtureRequest, _corpora: Callable[[str, int], Corpus]
) -> Callable[[str], Corpus]:
    """Return corpus(name): the archive ../shared/corpus/NAME.mboxrd.xz, read once a session.

    Whole under ``make test-corpus``; a seeded window of ``--corpus-sample`` mails under
    ``make test``. Skips with the reason when ../shared is absent.
    """
    size = request.config.getoption("--corpus-sample")
    return lambda name: _corpora(name, size)


@pytest.fixture(scope="session")
def whole_corpus(_corpora: Callable[[str, int], Corpus]) -> Callable[[str], Corpus]:
    """Return whole_corpus(name): the whole archive; its tests run only in make test-corpus."""
    return lambda name: _corpora(name, 0)


def _load_corpus(name: str, size: int, folder: Path) -> Corpus:
    import lzma
    import shutil

    from kvmlist.sources.mbox import iter_raw_messages

    packed = need(SHARED / "corpus" / f"{name}.mboxrd.xz")
    path = folder / f"{name}.mbox"
    raws = list(iter_raw_messages(packed)) if size else []
    whole = not size or size >= len(raws)
    if whole:
        with lzma.open(packed) as source, path.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
    else:
        start = random.Random(f"{SAMPLE_SEED}:{name}").randrange(len(raws) - size + 1)
        path.write_bytes(mbox(*raws[start : start + size]))
    return Corpus(name, path, list(kvmlist.read_mbox(path)), whole)


class Pipe(io.RawIOBase):
    """Bytes read as from a pipe (standard input): no seeking, nothing read again."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._data.readinto(buffer)


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], says: str = "") -> str:
    """Run the command line; check it exits 2 with one line on stderr, no traceback, holding
    ``says``; return that line."""
    from kvmlist.cli import main

    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own refusals
        status = exit.code  # type: ignore[assignment]
    assert status == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert says in err
    return err
