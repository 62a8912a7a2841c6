"""A package's names imported on first use (PEP 562), so that importing the package is cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_names(
    package: str,
    names: Mapping[str, str],
    namespace: dict[str, object],
    *,
    subpackages: bool = False,
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__``: each of ``names`` (name -> module)
    is imported from its module on first use and kept in ``namespace`` (the package's
    globals); with ``subpackages``, any other public name is tried as a subpackage
    (``kvmlist.sources``)."""

    def __getattr__(name: str) -> object:
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            namespace[name] = value
            return value
        if subpackages and not name.startswith("_"):
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
