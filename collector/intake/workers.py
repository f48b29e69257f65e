"""A large import prepared on every core: worker processes open, check, keep and seal the
files (preparing.py), in order, while the import's own process writes them (importer.py).

Processes, as the work is Python (parsing, checking) and the GIL lets one thread run it at
a time. Spawned, never forked, on every system: a fork of a process holding threads (the
desk's server) or an open SQLite connection is unsafe, and Windows and macOS spawn anyway.

The workers get HR's opened keys through the pool's pipe (memory, never a file), the
question sets, and the store's path, which they open read-only to look invitations up.
They ignore Ctrl+C, which the import's process handles by stopping them; if the import's
process is killed, each worker sees it at once and ends (its task pipe alone would not
tell: every worker holds that pipe's other end too). A worker writes nothing to the
console: its standard output and error are the null device, so it never holds open the
pipes a caller reads the import's report from.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from .. import children, i18n, interrupts
from ..formats.keyfile import HRKey
from ..formats.keys import private_from_raw, private_raw
from ..model.loading import Catalog
from ..store import BUSY_TIMEOUT, Store, invitations, responses
from ..store.connection import translate
from ..words import Language
from .files import Item
from .opening import Invitation, LinkFinder, open_invitation
from .preparing import FileFinder, Ready, prepare, prepare_here

_T = TypeVar("_T")

PARALLEL_FROM = 256
"""Items: a batch smaller than this is prepared in the import's own process, where the
workers' start (about a third of a second) would cost more than they win."""
CHUNK = 32
"""Items sent to a worker at a time: few enough pipe trips, small enough to keep order."""
AHEAD = 2
"""Chunks in flight per worker: enough that none waits, few enough that memory stays flat."""


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def prepared(
    items: Iterable[Item],
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
) -> Iterator[Iterator[tuple[Item, Ready]]]:
    """Each item with what preparing it gave, in the order given."""
    count = cores()
    stream = iter(items)
    head = list(islice(stream, PARALLEL_FROM))

    def locally(batch: Iterable[Item]) -> Iterator[tuple[Item, Ready]]:
        for item in batch:
            yield item, prepare_here(item, hr_keys=hr_keys, catalog=catalog, store=store, now=now)

    if count < 2 or len(head) < PARALLEL_FROM:
        yield locally(chain(head, stream))
        return
    keys = [(k.key_id, private_raw(k.private), str(k.path)) for k in hr_keys.values()]
    # Compressed, so that what a worker starts with fits the pipe's buffer: a start that
    # writes more waits until the new process has read it, after its imports.
    sets = zlib.compress(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
    # Held: a Ctrl+C while the pool starts or stops would leave it half made or half
    # stopped, its threads writing to pipes already closed as the process exits (the
    # Ctrl+C campaign saw their tracebacks); it takes effect once the pool is whole or gone.
    pool: ProcessPoolExecutor | None = None
    try:
        with interrupts.held(), children.born_quiet():
            pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=children.spawning(),
                initializer=_start,
                initargs=(keys, sets, str(store.db.path), now, i18n.language()),
            )
            # The pool starts a worker at each task until it has them all: started here,
            # inside, so that none is born with the terminal as its standard error.
            for _ in range(count):
                pool.submit(_ready)
        yield _in_order(pool, head, stream, count, locally)
    finally:
        if pool is not None:
            with interrupts.held():
                pool.shutdown(wait=True, cancel_futures=True)


def _in_order(
    pool: ProcessPoolExecutor,
    head: list[Item],
    items: Iterator[Item],
    count: int,
    locally: Callable[[Iterable[Item]], Iterator[tuple[Item, Ready]]],
) -> Iterator[tuple[Item, Ready]]:
    """The batch's first items prepared here while the workers start and take the next.

    A worker that dies (killed, out of memory) breaks the pool: the files it held and all
    after them are prepared here instead, in order, so that no file is lost or stored twice.
    """
    window: deque[tuple[list[Item], Future[list[Ready]] | None]] = deque()
    broken = False
    first = True
    while True:
        while not broken and len(window) < count * AHEAD:
            chunk = list(islice(items, CHUNK))
            if not chunk:
                break
            try:
                window.append((chunk, pool.submit(_prepare_chunk, chunk)))
            except BrokenProcessPool:
                broken = True
                window.append((chunk, None))
        if first:
            first = False
            yield from locally(head)
        if not window:
            if broken:  # the rest of the batch, here
                yield from locally(items)
            return
        chunk, future = window.popleft()
        try:
            if future is None:
                raise BrokenProcessPool
            results = _result(pool, future)
        except BrokenProcessPool:
            broken = True
            yield from locally(chunk)
            continue
        yield from zip(chunk, results, strict=True)


def _result(pool: ProcessPoolExecutor, future: Future[list[Ready]]) -> list[Ready]:
    """The chunk's results; BrokenProcessPool as soon as a worker has died.

    The pool alone may never say so: a worker killed while it was writing a result leaves
    half a message in the pipe the pool reads every result from, and the pool's reader
    then waits for the rest for ever (CPython's ProcessPoolExecutor). So the workers are
    looked at twice a second, and if one is gone the pool is stopped here (see _stop).
    """
    while True:
        try:
            return future.result(timeout=0.5)
        except FuturesTimeout:
            if any(p.exitcode is not None for p in _processes(pool)):
                _stop(pool)
                raise BrokenProcessPool("a worker process ended") from None


def _processes(pool: ProcessPoolExecutor) -> list[Any]:
    # The pool keeps its processes in a private attribute; nothing public lists them.
    return list((getattr(pool, "_processes", None) or {}).values())


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a broken pool whose reader may wait for ever on half a message: every worker is
    killed, then the pool's own end of its result pipe is closed, so that its reader sees
    the pipe end and stops, and shutting the pool down returns."""
    for process in _processes(pool):
        if process.exitcode is None:
            process.kill()
    for process in _processes(pool):
        process.join(timeout=5)
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


# --------------------------------------------------------------------------- in a worker

_worker: dict[str, Any] = {}


def _start(
    keys: list[tuple[str, bytes, str]], sets: bytes, db: str, now: datetime, language: Language
) -> None:
    children.settle()
    i18n.use(language)  # a refused file is said in the import's language
    catalog = pickle.loads(zlib.decompress(sets))
    hr_keys = {kid: HRKey(kid, private_from_raw(raw), Path(path)) for kid, raw, path in keys}
    reader = _ReadOnly(Path(db))
    _worker.update(
        hr_keys=hr_keys,
        catalog=catalog,
        now=now,
        find_link=reader.links(hr_keys),
        find_file=reader.files(),
    )


def _ready() -> None:
    """A first task: it only makes the pool start a worker."""


def _prepare_chunk(chunk: list[Item]) -> list[Ready]:
    return [
        prepare(
            item,
            hr_keys=_worker["hr_keys"],
            catalog=_worker["catalog"],
            now=_worker["now"],
            find_link=_worker["find_link"],
            find_file=_worker["find_file"],
        )
        for item in chunk
    ]


class _ReadOnly:
    """The store as last committed, read through a connection of the worker's own that
    cannot write (opened when first needed)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.conn: sqlite3.Connection | None = None

    def run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            if self.conn is None:
                uri = f"{self.db.resolve().as_uri()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
            return work(self.conn)
        except sqlite3.Error as e:
            raise translate(e, self.db) from None

    def links(self, hr_keys: Mapping[str, HRKey]) -> LinkFinder:
        def find_link(link_id: str) -> Invitation | None:
            row = self.run(lambda c: invitations.by_link(c, link_id))
            return open_invitation(row, hr_keys) if row is not None else None

        return find_link

    def files(self) -> FileFinder:
        return lambda enc_digest: self.run(lambda c: responses.file_with_enc(c, enc_digest))
