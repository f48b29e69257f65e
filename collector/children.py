"""What every helper process of ours does first: it ends with the process that started it,
writes nothing to the console, and leaves Ctrl+C to its parent.

Helpers are spawned, never forked, on every system: a fork of a process holding threads
(the desk's server) or an open SQLite connection is unsafe, and Windows and macOS spawn
anyway.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from multiprocessing.context import SpawnContext


def spawning() -> SpawnContext:
    return multiprocessing.get_context("spawn")


def settle() -> None:
    """In a helper, first: ignore Ctrl+C (the parent stops it), end as soon as the parent
    is gone (a pipe alone would not tell: the helper may hold its other end too), and send
    standard output and error to the null device, so that it never holds open the pipes a
    caller reads the parent's output from."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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


def _quiet() -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
