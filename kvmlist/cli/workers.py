"""How many worker processes a command reads its mails in, what they read, and what the
commands that hold the archive keep of each mail they hand back."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from kvmlist.cli.loading import Loaded, inbox_selection, is_remote, progress_for
from kvmlist.models import Message

if TYPE_CHECKING:
    from kvmlist.sources.public_inbox import InboxSelection

#: Commands that hold the whole archive, each mail as kvmlist.cli.holding keeps it.
HOLDING_COMMANDS = ("series", "review", "stalled", "pulls")


def as_held(args: argparse.Namespace, loaded: Loaded) -> Iterable[Message]:
    """series, review, stalled and pulls hold the whole archive: each mail without the raw
    bytes they do not read (kvmlist.cli.holding); stalled reads patches' bodies (revisions,
    To/Cc), and so does review with --git (diffs). With workers, they parse the mails and
    make them so, and hand back only what is held (``loaded.messages`` is left unread)."""
    if args.command not in HOLDING_COMMANDS:
        return loaded.messages
    from kvmlist.cli.holding import held, held_one

    patch_bodies = args.command == "stalled" or bool(getattr(args, "git", None))
    workers = worker_count(args)
    if workers <= 1:
        return held(loaded.messages, patch_bodies=patch_bodies)
    from kvmlist.scale.workers import map_in_workers

    keep = partial(held_one, patch_bodies=patch_bodies)
    kept = map_in_workers(worker_source(args, loaded), workers, keep)
    progress = progress_for(args, "reading")
    return loaded.tally.counted(progress(kept) if progress else kept)


def parsed_messages(args: argparse.Namespace, loaded: Loaded, workers: int) -> Iterable[Message]:
    """The command's messages, parsed in worker processes when there are several: the same
    messages in the same order as ``loaded.messages`` (which is left unread then)."""
    if workers <= 1:
        return loaded.messages
    from kvmlist.scale.workers import parse_in_workers

    parsed = parse_in_workers(worker_source(args, loaded), workers)
    progress = progress_for(args, "reading")
    return loaded.tally.counted(progress(parsed) if progress else parsed)


def worker_count(args: argparse.Namespace) -> int:
    """Processes to parse in: --workers, else one per core for a large file and for a
    public-inbox archive, given as --inbox or as the SOURCE (stats, check, report and the
    commands that hold the archive)."""
    archive_jobs = args.command in ("stats", "check", "report", *HOLDING_COMMANDS)
    if getattr(args, "inbox", None):
        if not archive_jobs:
            return 1
        return int(args.workers) if args.workers is not None else os.cpu_count() or 1
    if not args.source or is_remote(args.source):
        return 1
    if args.workers is not None:
        return int(args.workers)
    from kvmlist.scale.workers import worth_workers
    from kvmlist.sources.spec import classify_source

    if archive_jobs and classify_source(args.source).kind == "inbox":
        return os.cpu_count() or 1  # the workers read the archive's mails themselves
    return (os.cpu_count() or 1) if worth_workers(args.source) else 1


def worker_source(args: argparse.Namespace, loaded: Loaded | None = None) -> str | InboxSelection:
    """What the workers read and parse: the file, the archive's selected mails (they read
    them from git), or standard input (``-``, named so in errors as one process names it)."""
    if getattr(args, "inbox", None):
        return loaded.selection if loaded and loaded.selection else inbox_selection(args)
    return str(args.source)
