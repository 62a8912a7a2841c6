"""The identity maps a command's options name: --mailmap, and --orgmap over the bundled map."""

from __future__ import annotations

import argparse

from kvmlist.analysis.identities import Mailmap, OrganisationMap


def identities(args: argparse.Namespace) -> tuple[Mailmap | None, OrganisationMap | None]:
    """Return the --mailmap and, with --by organisation, the bundled map plus --orgmap."""
    mailmap = Mailmap.from_file(args.mailmap) if args.mailmap else None
    if args.by != "organisation":
        return mailmap, None
    organisations = OrganisationMap.default()
    if args.orgmap:
        organisations.extend_from_file(args.orgmap)
    return mailmap, organisations
