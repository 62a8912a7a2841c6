"""The layer rule of docs/architecture.md, checked by reading every module's imports.

Layers, lowest first: core (``_version``, ``_lazy``, ``_utc``, ``_frames``, ``errors``, ``models``,
``_html``, ``data``) < parse < sources < grouping < analysis < outputs < scale < compare < cli.
A module may import its own layer and the layers below it. ``kvmlist/__init__.py`` and
``__main__.py`` are the front door and may import anything.

Which imports count: every ``import``/``from ... import`` naming a kvmlist module, wherever it
stands -- at the top, inside a function (a lazy import is still a dependency) or under
``if TYPE_CHECKING:`` (a type names the layer it comes from). Imports under ``TYPE_CHECKING``
do not run, so they are left out of the cycle check only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kvmlist"

LAYERS = (
    (
        "core",
        (
            "_version",
            "_lazy",
            "_shown",
            "_utc",
            "_arguments",
            "_frames",
            "errors",
            "models",
            "_html",
            "data",
        ),
    ),
    ("parse", ("parse",)),
    ("sources", ("sources",)),
    ("grouping", ("grouping",)),
    ("analysis", ("analysis",)),
    ("outputs", ("outputs",)),
    ("scale", ("scale",)),
    ("compare", ("compare",)),
    ("cli", ("cli",)),
)
FRONT_DOOR = {"kvmlist", "kvmlist.__main__"}


def module_name(path: Path) -> str:
    """``kvmlist/parse/body.py`` -> ``kvmlist.parse.body``; a package's __init__ -> the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The layer's rank (0 = core) of a kvmlist module; fails for a module of no layer."""
    top = module.split(".")[1]
    for rank, (_, tops) in enumerate(LAYERS):
        if top in tops:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The kvmlist modules one import statement loads."""
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name.split(".")[0] == "kvmlist")
        return
    if node.level:  # relative: resolve against the importing module's package
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
        name = f"{base}.{node.module}" if node.module else base
    else:
        name = node.module or ""
    if name.split(".")[0] != "kvmlist":
        return
    for alias in node.names:  # `from kvmlist.sources import mbox` imports a module
        yield f"{name}.{alias.name}" if f"{name}.{alias.name}" in MODULES else name


def imports_of(module: str) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, runs at runtime) for every kvmlist import in *module*."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def visit(node: ast.AST, runtime: bool) -> Iterator[tuple[str, int, bool]]:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for target in _targets(node, module):
                yield target, node.lineno, runtime
        for child in ast.iter_child_nodes(node):
            checked = isinstance(node, ast.If) and _is_type_checking(node.test)
            yield from visit(child, runtime and not (checked and child in node.body))

    yield from visit(tree, True)


def test_every_module_belongs_to_a_layer() -> None:
    for module in MODULES.keys() - FRONT_DOOR:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES.keys() - FRONT_DOOR))
def test_module_imports_only_its_layer_and_below(module: str) -> None:
    rank = layer_of(module)
    above = [
        f"line {line}: {target} ({LAYERS[layer_of(target)][0]})"
        for target, line, _ in imports_of(module)
        if target not in FRONT_DOOR and layer_of(target) > rank
    ]
    assert not above, f"{module} ({LAYERS[rank][0]}) imports from a layer above it: {above}"


def test_front_door_is_never_imported_by_the_package() -> None:
    offenders = [
        f"{module} line {line}"
        for module in MODULES
        for target, line, _ in imports_of(module)
        if target == "kvmlist" and module not in FRONT_DOOR
    ]
    assert not offenders, f"modules import the front door `kvmlist`: {offenders}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of *graph* as a list of modules (first == last), else None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done and (cycle := visit(target)):
                return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done and (cycle := visit(start)):
            return cycle
    return None


def test_find_cycle_sees_a_cycle_and_passes_a_tree() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_package_has_no_import_cycle() -> None:
    graph = {
        module: {t for t, _, runtime in imports_of(module) if runtime and t != module}
        for module in MODULES
    }
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph) or [])}"
