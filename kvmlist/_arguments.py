"""The checks of the public functions' arguments: a wrong type is a TypeError that names the
argument and what to pass, not an AttributeError from deep inside (or, worse, a result).

A stream of messages stays a stream: only what cannot be messages (a path, text, bytes, no
iterable) is refused up front, and the first item is looked at as it passes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: What to say to a caller who passed a path where messages go.
READ_FIRST = "pass messages, e.g. kvmlist.read(path)"


def refuse(name: str, value: object, expected: str, hint: str = "") -> TypeError:
    """Return the TypeError of an argument that is not of the expected kind."""
    given = type(value).__name__
    return TypeError(f"{name}: expected {expected}, got {given}" + (f"; {hint}" if hint else ""))


def check_type(
    value: object, kind: type | tuple[type, ...], name: str, expected: str, hint: str = ""
) -> None:
    """Raise a TypeError naming the argument unless ``value`` is of ``kind``."""
    if not isinstance(value, kind):
        raise refuse(name, value, expected, hint)


def check_messages(
    messages: Iterable[T], name: str = "messages", *, series: bool = False
) -> Iterable[T]:
    """Return ``messages`` (the same items, a stream still a stream), or raise a TypeError
    when they are a path, text, bytes, no iterable, or their first item is no Message (nor a
    Series, with ``series``)."""
    if isinstance(messages, (str, bytes, bytearray, os.PathLike)):
        raise refuse(name, messages, "an iterable of Message", READ_FIRST)
    if not isinstance(messages, Iterable):
        raise refuse(name, messages, "an iterable of Message")
    if isinstance(messages, Sequence):
        if messages:
            _check_first(messages[0], name, series)
        return messages
    return _first_checked(iter(messages), name, series)


def _first_checked(items: Iterator[T], name: str, series: bool) -> Iterator[T]:
    for first in items:
        _check_first(first, name, series)
        yield first
        break
    yield from items


def _check_first(item: object, name: str, series: bool) -> None:
    """Raise a TypeError unless the first item is a Message, or a Series with ``series`` (a
    Series where none goes gets its own hint)."""
    from kvmlist.models import Message, Series

    if series and isinstance(item, Series):
        return
    if not isinstance(item, Message):
        hint = "pass the messages, not Series" if isinstance(item, Series) else READ_FIRST
        raise refuse(f"{name}[0]", item, "a Message", hint)


def check_count(value: Any, name: str, least: int = 1) -> int:
    """Return a count argument (``top``): a TypeError unless it is an int, a UsageError
    below ``least``."""
    from kvmlist.errors import UsageError

    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(name, value, "an int")
    if value < least:
        raise UsageError(f"{name}: expected {least} or more, got {value}")
    return value
