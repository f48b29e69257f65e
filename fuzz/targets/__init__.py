"""One in-memory fuzz target per reader (`python -m fuzz.run`).

Each module exposes `TestOneInput(data: bytes)`, which hands the bytes to one reader and
lets through only the errors that reader documents (anything else, or a message that is
not one line, is a crash), and `seeds()`, the testkit inputs that reader meets. Nothing
here touches a file, SQLite or a key per input: what a target needs is loaded when its
module is imported. This package itself imports nothing from the collector, so the child
process can import a target under atheris' instrumentation.
"""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_MAX_LEN = 16384


class Target(NamedTuple):
    instrument: tuple[str, ...] = ("collector",)
    """The packages instrumented for coverage when the target is imported. Instrumenting a
    pure-Python library as well costs much speed (email: 284 -> 40 exec/s for the mail
    target, yaml: 1,739 -> 51 for the question sets); `fuzz.run --instrument` adds it."""
    max_len: int = DEFAULT_MAX_LEN
    """libFuzzer's -max_len: the longest input it makes."""


TARGETS: dict[str, Target] = {
    "armor": Target(),
    "text": Target(),
    # The email package parses every header and part, at milliseconds a KiB.
    "mail": Target(max_len=4096),
    "strictjson": Target(),
    "envelope": Target(),
    "payload": Target(),
    # PyYAML is pure Python: about 7 ms a KiB here.
    "questionset": Target(max_len=4096),
    "leavers": Target(),
}
