"""Watching an inbox folder: the files that appear in it, once they are whole.

A mail program or a browser writes a file over some time; a file is handed on only when
its size and modification time stayed the same from one look to the next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


def watch(
    inbox: Path, on_new: Callable[[list[Path]], None], stop: threading.Event, interval: float = 2.0
) -> None:
    """Call `on_new` with files that appeared in `inbox` (and stopped changing) since the
    last look, until `stop`. Files there at the start count as new."""
    done: set[Path] = set()
    last: dict[Path, tuple[int, int]] = {}
    while not stop.is_set():
        now = _look(inbox)
        ready = sorted(p for p, sig in now.items() if p not in done and last.get(p) == sig)
        if ready:
            on_new(ready)
            done.update(ready)
        done &= set(now)  # a file deleted and saved again is new again
        last = now
        stop.wait(interval)


def _look(inbox: Path) -> dict[Path, tuple[int, int]]:
    found = {}
    for path in inbox.iterdir():
        if path.name.startswith("."):
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            found[path] = (st.st_size, st.st_mtime_ns)
    return found
