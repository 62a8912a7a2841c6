"""Scale-out on Dask: the single-process results, computed by a cluster (``kvmlist[dask]``).

>>> from distributed import Client
>>> client = Client()                       # or Client("tcp://scheduler:8786")
>>> bag = kvmlist.scale.dask.messages_bag(["kvm-2025.mbox.gz", "lore/kvm"])
>>> kvmlist.scale.dask.count_by_domain(bag).most_common(15)  # == kvmlist.count_by_domain(...)

Workers open the sources themselves, so paths must be readable there. Partitions come in
archive order; every function returns exactly what its namesake in kvmlist returns on the
concatenated messages. Workers send back small projections, not parsed models, except where
the result is made of models (series). See docs/scale.md.
"""

from __future__ import annotations

import importlib

from kvmlist.errors import MissingExtraError

# checked here, not only in the submodules: they may already be imported (and cached)
try:
    importlib.import_module("dask")
    importlib.import_module("dask.bag")
except ImportError:
    raise MissingExtraError("scale-out needs dask: pip install 'kvmlist[dask]'") from None

from kvmlist.scale.dask._counts import (
    count_by,
    count_by_author,
    count_by_domain,
    count_by_organisation,
    patches_frame,
)
from kvmlist.scale.dask._partitions import CHUNK_MESSAGES, messages_bag
from kvmlist.scale.dask._report import render_report
from kvmlist.scale.dask._series import group_series

__all__ = [
    "CHUNK_MESSAGES",
    "count_by",
    "count_by_author",
    "count_by_domain",
    "count_by_organisation",
    "group_series",
    "messages_bag",
    "patches_frame",
    "render_report",
]
