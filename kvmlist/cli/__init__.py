"""The command line (``kvmlist ...``, ``python -m kvmlist``), on top of the public API."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Ctrl-C at any moment, even while the
    command's modules load, ends it with EXIT_INTERRUPTED and no traceback."""
    try:
        from kvmlist.cli.commands import main as run

        return run(argv)
    except KeyboardInterrupt:
        from kvmlist.cli.output import EXIT_INTERRUPTED

        return EXIT_INTERRUPTED
