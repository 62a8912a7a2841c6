"""The public API's types as a user's ``mypy --strict`` sees them: snippets of user code that
mypy checks against this checkout's kvmlist."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent

USER_CODE = """
    import kvmlist

    def counts(messages: list[kvmlist.Message]) -> None:
        years = kvmlist.count_by(messages, lambda p: p.date.year if p.date else None)
        reveal_type(years)
        weekly = kvmlist.count_by(messages, lambda p: p.title or None, freq="W")
        reveal_type(weekly)
        year, _ = years.most_common(1)[0]
        label: str = year
"""


def mypy_strict(code: str, folder: Path) -> tuple[list[str], str]:
    """Run ``mypy --strict`` on user code; return the types it reveals and its whole output."""
    (folder / "user.py").write_text(textwrap.dedent(code))
    config = folder / "mypy.ini"  # this checkout's kvmlist before any installed one
    config.write_text(f"[mypy]\nstrict = True\nmypy_path = {ROOT}\nplugins = pydantic.mypy\n")
    out, _, _ = api.run(
        [f"--config-file={config}", f"--cache-dir={folder / 'cache'}", str(folder / "user.py")]
    )
    revealed = [  # "builtins.int" or "int", as the mypy version writes it
        line.split("Revealed type is ")[1].strip('"').replace("builtins.", "")
        for line in out.splitlines()
        if "Revealed" in line
    ]
    return revealed, out


def test_count_by_gives_counts_of_its_key_type(tmp_path: Path) -> None:
    revealed, out = mypy_strict(USER_CODE, tmp_path)
    assert revealed == [
        "kvmlist.analysis.aggregate.Counts[int]",
        "kvmlist.analysis.aggregate.Counts[tuple[str, str]]",
    ]
    assert 'expression has type "int", variable has type "str"' in out


COMPRESSED_FILES = """
    import bz2, gzip, io, lzma
    import kvmlist

    def read(path: str) -> None:
        with gzip.open(path) as zipped, lzma.open(path) as xz, bz2.open(path) as bzipped:
            kvmlist.read_mbox(zipped)
            kvmlist.read(xz)
            kvmlist.read_mbox(bzipped)
        with open(path, "rb") as raw:
            kvmlist.read(raw)
        kvmlist.read_mbox(io.BytesIO(b""))
        with open(path) as text:
            kvmlist.read_mbox(text)
"""


def test_binary_file_objects_are_sources(tmp_path: Path) -> None:
    # what docs/sources.md shows: any binary file object, a decompressing one included
    _, out = mypy_strict(COMPRESSED_FILES, tmp_path)
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "user.py:14:" in errors[0], out  # only the text-mode file
