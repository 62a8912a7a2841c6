"""Parse mails in worker processes, results in input order, memory bounded."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from kvmlist.models import Message

#: Mails handed to a worker at a time: large enough to amortise pickling, small enough to stream.
CHUNK = 256
#: Chunks in flight per worker; bounds memory whatever the archive's size.
IN_FLIGHT = 3


def parse_in_workers(
    raws: Iterable[bytes], workers: int, *, strict: bool = False
) -> Iterator[Message]:
    """Yield a Message per raw mail, parsed in ``workers`` processes, in input order."""
    from kvmlist.reader import parse_raw

    if workers <= 1:
        yield from parse_raw(raws, strict=strict)
        return
    with ProcessPoolExecutor(workers) as pool:
        pending: deque[Future[list[Message]]] = deque()
        for chunk in _chunks(raws, CHUNK):
            pending.append(pool.submit(_parse_chunk, chunk, strict))
            if len(pending) >= workers * IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunks(raws: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(raws)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _parse_chunk(chunk: list[bytes], strict: bool) -> list[Message]:
    from kvmlist.reader import parse_raw

    return list(parse_raw(chunk, strict=strict))
