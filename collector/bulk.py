"""Reading many stored rows at once without the cyclic garbage collector in the way.

A list, a report or an export makes tens of thousands of small objects (rows, models,
entries) that form no reference cycles, and keeps many of them to the end. Each time
enough of them have been made, CPython's cyclic collector walks every object the process
holds, over and over, to find no garbage: a third of `list`'s own time over 10,000
responses. Reference counting still frees whatever is dropped; the collector runs again
as usual once the reading is done.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic collector for a bulk read (it is left as it was found)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
