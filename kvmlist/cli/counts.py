"""``kvmlist stats`` (patch mails counted by a field, as rows) and ``kvmlist plot`` (the same
counts drawn): the commands that read nothing but patch mails."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from kvmlist.analysis.aggregate import (
    PERIOD_NAME,
    OrganisationKey,
    PatchKeys,
    count_by_field,
    explain_unknown,
)
from kvmlist.cli.identities import identities
from kvmlist.cli.loading import Loaded, progress_for
from kvmlist.cli.output import note, render_rows, rows_frame, write_file, write_parquet
from kvmlist.cli.workers import worker_count, worker_source
from kvmlist.models import Patch


def run_stats(args: argparse.Namespace, loaded: Loaded) -> str | None:
    """Return the counts as rows (None once --format parquet has written them)."""
    mailmap, organisations = identities(args)
    counts: Sequence[tuple[object, int]]
    workers = worker_count(args)
    if args.by == "organisation" and organisations is not None:
        key = OrganisationKey(organisations, mailmap)
        counts = _patch_keys(args, loaded, workers, key).counts().most_common(args.top)
        if key.unknown:
            note(args, explain_unknown(key.unknown))
    elif workers > 1:
        from kvmlist.scale.workers import count_by_field_in_workers

        # the workers split the file, or parse the raw mails this process reads from an
        # archive; the bar counts the mails they hand back
        counts = count_by_field_in_workers(
            worker_source(args, loaded),
            args.by,
            workers,
            mailmap=mailmap,
            progress=progress_for(args, "counting"),
            repeats=loaded.tally.repeats,
            unparsable=loaded.tally.add_unparsable,
        ).most_common(args.top)
    else:
        counts = count_by_field(loaded.messages, args.by, mailmap=mailmap).most_common(args.top)
    rows = [{args.by: str(key), "count": n} for key, n in counts]
    if args.format == "parquet":
        write_parquet(rows_frame(rows, [args.by, "count"], {"count": "int64"}), args.output)
        return None
    return render_rows(rows, args.format, [args.by, "count"])


def _patch_keys(
    args: argparse.Namespace, loaded: Loaded, workers: int, key: Callable[[Patch], Any]
) -> PatchKeys:
    """Return each patch mail's key, parsed in workers when there are several."""
    if workers <= 1:
        return PatchKeys.of(loaded.messages, key)
    from kvmlist.scale.workers import patch_keys_in_workers

    source = worker_source(args, loaded)
    progress = progress_for(args, "counting")
    tally = loaded.tally
    return patch_keys_in_workers(
        source,
        workers,
        key,
        progress=progress,
        repeats=tally.repeats,
        unparsable=tally.add_unparsable,
    )


def run_plot(args: argparse.Namespace, loaded: Loaded) -> None:
    """Draw the top contributors, or patches per period, into the --output file."""
    from kvmlist.outputs import plot

    mailmap, organisations = identities(args)
    if args.kind == "top":
        figure = plot.top_contributors(
            loaded.messages,
            by=args.by,
            top=args.top or 15,
            orgmap=organisations,
            mailmap=mailmap,
        )
    else:
        freq = args.freq or "W"
        figure = plot.patches_per_period(
            loaded.messages,
            freq=freq,
            by=args.by,
            top=args.top or 8,
            orgmap=organisations,
            mailmap=mailmap,
        )
        left_out = loaded.tally.outside_periods(PERIOD_NAME[freq], patches=True)
        if left_out:
            note(args, left_out)
    write_file(args.output, lambda name: plot.save(figure, name))
