"""Trailer values as both kvmlist and b4 mean them, so spelling differences are no disagreement."""

from __future__ import annotations

_ADDRESS_STOPS = frozenset(" \t<>(),;:\"'[]")


def norm(value: str) -> str:
    """A trailer value as both tools mean it: the address where it names one (b4 and kvmlist
    spell names, brackets and trailing ``# notes`` differently), else the text with spaces
    collapsed and a trailing ``# comment`` / ``[note]`` dropped (b4's "extinfo")."""
    address = None if value.lstrip().startswith("http") else _address_in(value)
    if address is not None:
        return address
    return _without_extinfo(" ".join(value.split()))


def _without_extinfo(text: str) -> str:
    """Drop a trailing `` # comment`` or `` [note]``."""
    if text.endswith("]"):
        at = text.rfind(" [")
        if at > 0:
            return text[:at]
    at = text.rfind(" #")
    return text[:at] if at > 0 and "#" not in text[at + 2 :] else text


def _address_in(value: str) -> str | None:
    """The first ``local@domain.tld`` in value, lower-cased (a scan, no backtracking)."""
    at = value.find("@")
    if at <= 0:
        return None
    start, end = at, at + 1
    while start > 0 and value[start - 1] not in _ADDRESS_STOPS:
        start -= 1
    while end < len(value) and value[end] not in _ADDRESS_STOPS:
        end += 1
    address = value[start:end].rstrip(".?")
    return address.lower() if "." in address[at - start :] else None
