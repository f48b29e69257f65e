"""Watching an inbox folder: the files that appear in it, as they appear."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


def watch(
    inbox: Path, on_new: Callable[[list[Path]], None], stop: threading.Event, interval: float = 2.0
) -> None:
    """Call `on_new` with files that appeared in `inbox` since the last look, until `stop`."""
    seen: set[Path] = set()
    while not stop.is_set():
        current = {p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")}
        new = sorted(current - seen)
        if new:
            on_new(new)
        seen |= current
        stop.wait(interval)
