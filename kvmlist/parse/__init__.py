"""Parsing: one raw message (bytes) -> Message or Patch, with its defects; no I/O."""

from kvmlist import models
from kvmlist.parse.body import split_body
from kvmlist.parse.description import description
from kvmlist.parse.diffstat_check import diffstat_defects
from kvmlist.parse.file_diffs import file_diffs
from kvmlist.parse.headers import BodyForm, body_headers
from kvmlist.parse.links import base_lines
from kvmlist.parse.mime import decode_body
from kvmlist.parse.patch_text import patch_text_fields
from kvmlist.parse.recipients import recipients_of
from kvmlist.parse.reply import given_trailers
from kvmlist.parse.subject import parse_subject


def _body(raw: bytes, form: BodyForm | None = None) -> tuple[str, tuple[models.Defect, ...]]:
    decoded = decode_body(raw) if form is None else decode_body(raw, *body_headers(form))
    return decoded.text, tuple(decoded.defects)


def _subject_title(subject: str) -> str:
    return parse_subject(subject).title


def _diff(body: str) -> str:
    return split_body(body).diff


def _has_diff(raw: bytes, form: BodyForm | None) -> bool:
    from kvmlist.parse.message import reply_has_diff  # parse.message imports this package

    return reply_has_diff(raw, form)


# Message.body, Message.subject_title, Patch.diff, Patch.description, a parsed patch's
# commit message, trailers, diffstat, base-commit lines, diffstat check and file diffs, a
# parsed reply's has_diff and the trailers a reply gives stay lazy (bodies are costly)
# without models importing parse.
models.install_lazy_fields(
    body=_body,
    subject_title=_subject_title,
    diff=_diff,
    description=description,
    recipients=recipients_of,
    patch_text=patch_text_fields,
    has_diff=_has_diff,
    base_lines=base_lines,
    given_trailers=given_trailers,
    diffstat_defects=diffstat_defects,
    file_diffs=file_diffs,
)
