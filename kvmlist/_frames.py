"""pandas on demand, and the one type of a text column in every DataFrame kvmlist gives.

Used by the analysis values' frames (kvmlist.analysis), the exports (kvmlist.outputs.export)
and the command line's tables.
"""

from __future__ import annotations

from typing import Any

from kvmlist.errors import MissingExtraError


def pandas_module() -> Any:
    """Return the pandas module, or raise MissingExtraError naming the extra to install."""
    try:
        import pandas  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise MissingExtraError("DataFrames need pandas: pip install 'kvmlist[pandas]'") from None
    return pandas


def text_dtype() -> Any:
    """Return the dtype pandas gives a column of strings (missing ones included): ``object``
    in pandas 2, ``str`` in pandas 3. Text columns are given it even when every value is
    missing, or there are no rows, so that such a frame has the types of any other."""
    return pandas_module().Series(["text", None]).dtype
