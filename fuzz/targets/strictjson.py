"""strictjson.loads: JSONProblem, or a value that is JSON again, unchanged.

What it accepts must survive `json.dumps(..., allow_nan=False)` and read back equal: a
number that overflows to infinity, say, is accepted data no other reader agrees on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from collector.formats import strictjson

from . import _kit
from ._check import documented

DOCUMENTED = (strictjson.JSONProblem,)


def seeds() -> Iterator[bytes]:
    yield from _kit.response_files()
    for plaintext in _kit.plaintexts():
        yield plaintext.rstrip(b" ")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    value = documented(DOCUMENTED, lambda: (strictjson.loads(data),))
    if value is None:
        return
    (value,) = value
    text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    if strictjson.loads(text.encode("utf-8")) != value:
        raise AssertionError("strictjson.loads accepted a value that does not read back equal")
