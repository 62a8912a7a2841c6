"""Parse mails in worker processes, results in input order, memory bounded.

Handing parsed models back to the parent costs about as much as parsing them (pickling ~20
objects per mail), so for counting, workers can return a small *projection* of each mail
instead — a tuple the parent aggregates. :func:`count_by_field_in_workers` does that and gives
exactly the counts of the sequential :func:`kvmlist.aggregate.count_by_field`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from kvmlist.models import Message, Patch, Person

T = TypeVar("T")

#: Mails handed to a worker at a time: large enough to amortise pickling, small enough to stream.
CHUNK = 256
#: Chunks in flight per worker; bounds memory whatever the archive's size.
IN_FLIGHT = 3


def parse_in_workers(
    raws: Iterable[bytes], workers: int, *, strict: bool = False
) -> Iterator[Message]:
    """Yield a Message per raw mail, parsed in ``workers`` processes, in input order."""
    return map_in_workers(raws, workers, _identity, strict=strict)


def map_in_workers(
    raws: Iterable[bytes],
    workers: int,
    project: Callable[[Message], T],
    *,
    strict: bool = False,
) -> Iterator[T]:
    """Yield ``project(message)`` for every raw mail, parsed in worker processes, in order.

    ``project`` must be picklable (a module-level function); with ``workers <= 1`` everything
    runs in this process.
    """
    from kvmlist.reader import parse_raw

    if workers <= 1:
        yield from map(project, parse_raw(raws, strict=strict))
        return
    with ProcessPoolExecutor(workers) as pool:
        pending: list[Future[list[T]]] = []
        for chunk in _chunks(raws, CHUNK):
            pending.append(pool.submit(_parse_chunk, chunk, project, strict))
            if len(pending) >= workers * IN_FLIGHT:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def count_by_field_in_workers(
    raws: Iterable[bytes], field: str, workers: int
) -> Counter[str] | Counter[Person]:
    """Return the same counts as ``count_by_field(read(raws), field)``, parsed in workers."""
    from kvmlist.aggregate import AGGREGATIONS, AuthorTally

    if field not in AGGREGATIONS:
        from kvmlist.aggregate import count_by_field

        return count_by_field((), field)  # raises the usual UsageError
    seen: set[str] = set()
    tally = AuthorTally()
    domains: Counter[str] = Counter()
    for row in map_in_workers(raws, workers, _author_row):
        if row is None or row[0] in seen:
            continue
        seen.add(row[0])
        if row[1] is not None:
            person = Person.model_construct(name=row[1][0], email=row[1][1])
            tally.add_person(person)
            if person.domain:
                domains[person.domain] += 1
    return tally.counts() if field == "author" else domains


def _identity(message: Message) -> Message:
    return message


def _author_row(message: Message) -> tuple[Any, ...] | None:
    """The little a count needs of a patch mail; None for other mails."""
    if not isinstance(message, Patch):
        return None
    author = message.author
    return (message.message_id, (author.name, author.email) if author else None)


def _chunks(raws: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(raws)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _parse_chunk(chunk: list[bytes], project: Callable[[Message], T], strict: bool) -> list[T]:
    from kvmlist.reader import parse_raw

    return [project(message) for message in parse_raw(chunk, strict=strict)]
