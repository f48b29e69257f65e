"""armor.find_blocks on any text: ArmorError or the blocks' bytes."""

from __future__ import annotations

from collections.abc import Iterator

from collector.errors import ArmorError
from collector.formats import armor

from . import _kit
from ._check import documented

DOCUMENTED = (ArmorError,)


def seeds() -> Iterator[bytes]:
    yield from _kit.bodies("txt", "eml")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    text = data.decode("utf-8", errors="replace")
    documented(DOCUMENTED, lambda: armor.find_blocks(text))
