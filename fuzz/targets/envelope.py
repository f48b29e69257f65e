"""envelope.parse: EnvelopeError, or an envelope that encodes to the same bytes."""

from __future__ import annotations

from collections.abc import Iterator

from collector.errors import EnvelopeError
from collector.formats import envelope

from . import _kit
from ._check import documented

DOCUMENTED = (EnvelopeError,)


def seeds() -> Iterator[bytes]:
    yield from _kit.response_files()


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    parsed = documented(DOCUMENTED, lambda: envelope.parse(data))
    if parsed is not None and envelope.encode(parsed) not in (data, data + b"\n"):
        raise AssertionError("envelope.parse accepted bytes that are not the canonical file")
