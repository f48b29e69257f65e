"""Extraction from a text file (extract_bytes, ".txt"): the one response file, or an error."""

from __future__ import annotations

from collections.abc import Iterator

from collector.errors import ArmorError, EnvelopeError
from collector.intake import extract

from . import _kit
from ._check import documented

DOCUMENTED = (ArmorError, EnvelopeError)


def seeds() -> Iterator[bytes]:
    yield from _kit.bodies("txt", "json")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: extract.extract_bytes(data, ".txt"))
