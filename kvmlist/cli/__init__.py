"""The command line (``kvmlist ...``, ``python -m kvmlist``), on top of the public API."""

from kvmlist.cli.commands import main

__all__ = ["main"]
