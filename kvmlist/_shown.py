"""Text as a reader is shown it: no character a terminal or a browser would act on.

Used by the command line, the dashboard, the comparison and the models' HTML views.

A sender writes the subjects and names kvmlist prints: an escape sequence would clear a
terminal or retitle its window, a backspace hide what came before, a right-to-left override
reorder a name ("Trojan Source"). :func:`shown` writes each such character as an escape.
"""

from __future__ import annotations

import re

# "\x1b[2J"   what a terminal acts on rather than shows: C0 controls but tab and newline, DEL,
# C1 controls, and the bidirectional embeddings, overrides and isolates
RE_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# the same, and tab and newline: what breaks a line of a table (a name "R:\tJane Doe")
RE_UNSHOWN_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str, *, in_line: bool = False) -> str:
    """Return text with each character a terminal would act on written as an escape: a C0
    control as ``\\x1b``, the others as ``\\u202e`` (which JSON reads back as the character).

    ``in_line``: text shown within a line (a table's cell), whose tab or line break would
    misalign the table, has these escaped too (a tab as ``\\x09``)."""
    unshown = RE_UNSHOWN_IN_LINE if in_line else RE_UNSHOWN
    return unshown.sub(_escape, text) if unshown.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"
