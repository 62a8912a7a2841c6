"""Parsing: one raw message (bytes) -> Message or Patch, with its defects; no I/O."""

from kvmlist import models
from kvmlist.parse.body import split_body
from kvmlist.parse.description import description
from kvmlist.parse.mime import decode_body
from kvmlist.parse.recipients import recipients_of


def _body_text(raw: bytes) -> str:
    return decode_body(raw).text


def _diff(body: str) -> str:
    return split_body(body).diff


# Message.body, Patch.diff and Patch.description stay lazy (bodies are costly) without
# models importing parse.
models.install_lazy_fields(
    body=_body_text, diff=_diff, description=description, recipients=recipients_of
)
