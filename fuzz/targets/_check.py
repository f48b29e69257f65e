"""The rule every target checks: only a documented error, and its message is one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spec.testkit.testkit import CANARY_MARK


class Undocumented(AssertionError):
    """A documented error whose message breaks the rules of collector/errors.py."""


def documented(errors: tuple[type[Exception], ...], call: Callable[[], Any]) -> Any:
    """call()'s result, or None if it raised one of `errors` with a one-line message.

    Any other exception propagates, which is what makes atheris report a crash.
    """
    try:
        return call()
    except errors as e:
        message = str(e)
        if not message.strip() or "\n" in message or "\r" in message:
            raise Undocumented(f"{type(e).__name__} is not one line: {message[:300]!r}") from e
        if CANARY_MARK in message:
            raise Undocumented(f"{type(e).__name__} quotes the input: {message[:300]!r}") from e
        return None
