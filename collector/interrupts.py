"""Ctrl+C that lands inside a cryptographic call waits until the call has returned.

`cryptography`'s HPKE open runs a little Python while it works (an `isinstance` on an
abstract class), and Python runs a signal's handler at such a moment. Ctrl+C then raises
KeyboardInterrupt inside the open, which reports any error raised inside it as InvalidTag:
a sound file would be rejected as altered, and the Ctrl+C lost, so the import went on
(issue 14's interrupted-import test found it). Inside `held()` the handler only notes the
signal; the note is acted on as the block ends, with the handler that was there before.

Only the main thread runs signal handlers, so `held()` does nothing in any other thread.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

Handler = Callable[[int, FrameType | None], Any]

_held = 0
_pending = False
_previous: Handler | None = None
_ours = False
"""Ours is in place (a flag: looking the handler up costs more than the rest)."""
_ignored = False
"""This process ignores Ctrl+C (a helper process): there is nothing to hold."""


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _held:
        _pending = True
        return
    _call_previous(signum, frame)


def _call_previous(signum: int, frame: FrameType | None) -> None:
    if _previous is None:
        raise KeyboardInterrupt
    _previous(signum, frame)


def ignore() -> None:
    """This process ignores Ctrl+C from now on (a helper: its parent stops it)."""
    global _ignored
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ignored = True


def _installed() -> bool:
    """Ours in place of a Python-level handler; False where Ctrl+C is ignored or left to C."""
    global _previous, _ours
    if _ours or _ignored:
        return _ours
    current = signal.getsignal(signal.SIGINT)
    if not callable(current):  # SIG_IGN, SIG_DFL, or a handler set outside Python
        return False
    if current is not _on_interrupt:
        _previous = current
        signal.signal(signal.SIGINT, _on_interrupt)
    _ours = True
    return True


class _Held:
    """`held()`'s block: a class, not a generator, as it wraps every open (a microsecond)."""

    def __enter__(self) -> bool:
        global _held
        if threading.get_ident() != _MAIN or not _installed():
            return False
        _held += 1
        return True

    def __exit__(self, *exc: object) -> None:
        global _held, _pending
        if not _held or threading.get_ident() != _MAIN:
            return
        _held -= 1
        if not _held and _pending:
            _pending = False
            _call_previous(signal.SIGINT, None)


_BLOCK = _Held()
_MAIN = threading.main_thread().ident


def held() -> _Held:
    """Ctrl+C during the block takes effect as the block ends, never inside it."""
    return _BLOCK


def keep_lost_interrupts() -> None:
    """From now on a Ctrl+C that lands inside a callback Python calls (a weakref's, a
    `__del__`, importlib's module locks), whose errors Python can only print and drop, is
    sent again a moment later instead: the person would otherwise see "Exception ignored
    ... KeyboardInterrupt" and the command go on (the Ctrl+C campaign saw it once in 300)."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            # From another thread: sent from here, it would land in this hook again.
            threading.Thread(target=_send_again, daemon=True).start()
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _send_again() -> None:
    time.sleep(0.001)
    signal.raise_signal(signal.SIGINT)  # this process's main thread runs the handler
