"""Defect kinds are a closed set: the code, DefectKind and docs/defects.md agree."""

from __future__ import annotations

import ast
import re
import typing

import pydantic
import pytest

from kvmlist import Defect, Person, parse_message
from kvmlist.models import DefectKind

from .conftest import ROOT

KINDS = set(typing.get_args(DefectKind))
#: | `kind` | meaning | example |
RE_ROW = re.compile(r"^\| `([\w-]+)` \|", re.MULTILINE)


def kinds_in_code() -> dict[str, str]:
    """Every ``Defect(kind="...")`` literal in the package -> where it stands."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "kvmlist").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for kind in _kinds_of(node):
                found[kind] = f"{path.name}:{node.lineno}"
    return found


def _kinds_of(call: ast.Call) -> list[str]:
    """Kinds a call records: ``Defect(kind=...)``, ``record(defects, kind)``, ``log.add(kind)``."""
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    if name == "Defect":
        values = [k.value for k in call.keywords if k.arg == "kind"]
    elif name == "record" and len(call.args) > 1:
        values = [call.args[1]]
    elif name == "add" and call.args and getattr(call.func, "attr", None) == "add":
        values = [call.args[0]]
    else:
        values = []
    return [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)]


def test_every_kind_the_code_records_is_in_the_set() -> None:
    unknown = {kind: where for kind, where in kinds_in_code().items() if kind not in KINDS}
    assert not unknown, f"add these to models.DefectKind and docs/defects.md: {unknown}"


def test_every_kind_of_the_set_is_recorded_somewhere() -> None:
    assert KINDS - kinds_in_code().keys() == set()


def test_docs_table_lists_exactly_the_set() -> None:
    rows = RE_ROW.findall((ROOT / "docs" / "defects.md").read_text(encoding="utf-8"))
    assert sorted(rows) == sorted(KINDS) and len(rows) == len(set(rows))


def test_an_unknown_kind_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError):
        Defect(kind="made-up")  # type: ignore[arg-type]


def test_a_parsed_defect_round_trips_through_json() -> None:
    message = parse_message(b"Subject: no sender\n\nhello\n")
    assert "missing-from" in {d.kind for d in message.defects}
    assert type(message).model_validate_json(message.model_dump_json()) == message


def test_person_equality_is_name_and_exact_address() -> None:
    assert Person(name="Jane Roe", email="jane@example.org") == Person(
        name="Jane Roe", email="jane@example.org"
    )
    assert Person(name="Jane Roe", email="jane@example.org") != Person(
        name="J. Roe", email="jane@example.org"
    )
    assert Person(email="jane@example.org") != Person(email="Jane@Example.org")
