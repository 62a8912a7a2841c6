"""A patch body's commit message, trailers and diffstat: the Patch fields read on first use.

Most uses of an archive (counts, threads, series) never read them, so a parsed Patch leaves them
out and computes them here from its body the first time one is read (``models.Patch``).
"""

from __future__ import annotations

from kvmlist.models import Diffstat, Trailer
from kvmlist.parse.body import split_body
from kvmlist.parse.diffstat import mail_diffstat
from kvmlist.parse.trailers import parse_trailers


def patch_text_fields(body: str) -> tuple[str, tuple[Trailer, ...], Diffstat | None]:
    """Return the commit message, its trailers and the diffstat of a patch or cover body.

    The diffstat is the one the body carries with its diff's files, else one computed from
    its diff, else None (diffstat.mail_diffstat).
    """
    parts = split_body(body)
    diffstat = mail_diffstat(parts.diffstat, parts.diff)
    return parts.message, parse_trailers(parts.message), diffstat
