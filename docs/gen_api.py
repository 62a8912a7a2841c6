"""Write docs/api.md from the code: the signature and docstring of every public name.

Run ``python docs/gen_api.py`` after changing a public signature or docstring;
tests/test_docs.py fails while docs/api.md is stale. ``--check`` only compares.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import kvmlist

API_MD = Path(__file__).with_name("api.md")
#: Modules documented in full besides the package's own ``__all__``.
MODULES = (
    "kvmlist.outputs.plot",
    "kvmlist.outputs.export",
    "kvmlist.sources.lore",
    "kvmlist.analysis.identities",
    "kvmlist.analysis.stalled",
    "kvmlist.analysis.review_economy",
    "kvmlist.sources.public_inbox",
    "kvmlist.scale.workers",
)

HEADER = """\
# API reference

Generated from the code by `docs/gen_api.py` (`python docs/gen_api.py` rewrites this file;
`tests/test_docs.py` fails when it is stale). Start with the [README](../README.md), the
[tutorial](tutorial.ipynb) and the [recipes](recipes.md); the models' fields are explained in
[data-model.md](data-model.md).

* [`kvmlist`](#kvmlist) — reading, models, series, counts, the report
""" + "".join(f"* [`{m}`](#{m.replace('.', '')})\n" for m in MODULES)


class _Annotation:
    """An annotation shown as written in the source, without quotes."""

    def __init__(self, text: Any) -> None:
        self.text = text if isinstance(text, str) else inspect.formatannotation(text)

    def __repr__(self) -> str:
        return str(self.text)


def signature(function: Any, name: str, *, method: bool = False) -> str:
    """Return ``name(params) -> result`` with annotations as written in the source.

    A method's ``self`` or ``cls`` is left out; so is a constructor's ``-> None``.
    """
    try:
        sig = inspect.signature(function)
    except (TypeError, ValueError):
        return f"{name}(...)"
    params = [
        p.replace(annotation=_Annotation(p.annotation)) if p.annotation is not p.empty else p
        for p in sig.parameters.values()
    ][1 if method else 0 :]
    result = sig.return_annotation
    if inspect.isclass(function) or result is sig.empty:
        sig = sig.replace(parameters=params, return_annotation=sig.empty)
    else:
        sig = sig.replace(parameters=params, return_annotation=_Annotation(result))
    return f"{name}{sig}"


def public_names(module: ModuleType) -> list[str]:
    """Return the module's ``__all__``, else the classes and functions it defines itself."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    )


def document(prefix: str, name: str, value: Any) -> list[str]:
    """Return the markdown lines of one public name."""
    lines = [f"### `{prefix}.{name}`", ""]
    if inspect.isclass(value):
        bases = ", ".join(b.__name__ for b in value.__bases__ if not _hidden(b))
        head = f"class {name}({bases})" if bases else f"class {name}"
        if not _is_model(value) and not issubclass(value, BaseException):
            head = "class " + signature(value, name)
        note = ["A frozen pydantic model.", ""] if _is_model(value) and not bases else []
        lines += ["```python", head, "```", "", *_doc(value), *note]
        lines += _fields(value) + _members(value)
    elif callable(value):
        lines += ["```python", signature(value, name), "```", "", *_doc(value)]
    elif name == "__version__":
        lines += [f"A `{type(value).__name__}`: the installed version of kvmlist.", ""]
    else:
        lines += [f"A `{type(value).__name__}`: `{value!r}`", ""]
    return lines


def _doc(value: Any) -> list[str]:
    text = inspect.getdoc(value) or "(no docstring)"
    return [*text.splitlines(), ""]


def _hidden(base: type) -> bool:
    """True for bases a reader need not see: object and private helper classes."""
    return base is object or base.__name__.startswith("_")


def _is_model(cls: type) -> bool:
    return hasattr(cls, "model_fields")


def _fields(cls: type) -> list[str]:
    """Return the fields a pydantic model declares itself (inherited ones are not repeated)."""
    if not _is_model(cls):
        return []
    own = inspect.get_annotations(cls)
    rows = [
        f"`{field}: {annotation}`"
        for field, annotation in own.items()
        if not field.startswith("_") and field != "model_config"
    ]
    if not rows:
        return []
    inherited = [b.__name__ for b in cls.__bases__ if _is_model(b) and not _hidden(b)]
    also = f" (and those of `{inherited[0]}`)" if inherited else ""
    return [f"Fields{also}: " + ", ".join(rows) + ".", ""]


def _members(cls: type) -> list[str]:
    """Return the public methods and properties a class defines, one line each."""
    lines = []
    for member, value in cls.__dict__.items():
        if member.startswith("_") or member.startswith("model_"):
            continue
        function = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
        if isinstance(value, (property, cached_property)):
            target = value.fget if isinstance(value, property) else value.func
            head = f"`.{member}` (property)"
        elif inspect.isfunction(function):
            target = function
            method = not isinstance(value, staticmethod)
            head = f"`{signature(function, '.' + member, method=method)}`"
            if isinstance(value, classmethod):
                head += " (class method)"
        else:
            continue
        summary = (inspect.getdoc(target) or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"* {head}: {summary}" if summary else f"* {head}")
    return [*lines, ""] if lines else []


def render() -> str:
    """Return the text of docs/api.md."""
    lines = [HEADER, "## kvmlist", "", *_intro(kvmlist), ""]
    for name in kvmlist.__all__:
        lines += document("kvmlist", name, getattr(kvmlist, name))
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        lines += [f"## {module_name}", "", *_intro(module), ""]
        for name in public_names(module):
            lines += document(module_name, name, getattr(module, name))
    return "\n".join(lines).rstrip() + "\n"


def _intro(module: ModuleType) -> list[str]:
    """Return the first paragraph of a module's docstring."""
    return (inspect.getdoc(module) or "").split("\n\n")[0].splitlines()


def main(argv: list[str]) -> int:
    """Write docs/api.md (or with --check, say whether it is current); return the status."""
    text = render()
    if "--check" in argv:
        current = API_MD.exists() and API_MD.read_text(encoding="utf-8") == text
        print("docs/api.md is current" if current else "docs/api.md is stale")
        return 0 if current else 1
    API_MD.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
