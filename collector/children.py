"""What every helper process of ours does first: it ends with the process that started it,
writes nothing to the console, and leaves Ctrl+C to its parent.

Helpers are spawned, never forked, on every system: a fork of a process holding threads
(the desk's server) or an open SQLite connection is unsafe, and Windows and macOS spawn
anyway.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
from collections.abc import Iterator
from multiprocessing.context import SpawnContext

from . import interrupts


def spawning() -> SpawnContext:
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def born_quiet() -> Iterator[None]:
    """Helpers started inside have the null device as their standard error from birth.

    A spawned helper reads what it is to run from its parent before any code of ours runs
    in it; if the parent is killed in that moment, the helper's Python prints a traceback,
    and multiprocessing's resource tracker, started with the first helper, warns of what
    the parent left, both on the standard error they were born with: the person's
    terminal. So this process's own standard error is the null device while they start
    (a few milliseconds), and is given back at once."""
    _flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def settle() -> None:
    """In a helper, first: ignore Ctrl+C (the parent stops it), end as soon as the parent
    is gone (a pipe alone would not tell: the helper may hold its other end too), and send
    standard output and error to the null device, so that it never holds open the pipes a
    caller reads the parent's output from."""
    interrupts.ignore()
    _end_with_parent()
    _quiet()


def _end_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _flush() -> None:
    """What Python holds for standard output and error, written before their fds move."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


def _quiet() -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    _flush()
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
