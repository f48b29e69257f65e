"""An opened plaintext, read (formats/payload.parse) and checked against its question set
(model/payload.check_payload): PayloadFailure, or a payload that passes.

The input is padded to its bucket first, as the page pads what it seals, so that short
inputs reach the checks; an input already at a bucket's length is taken as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from collector.errors import PayloadFailure
from collector.formats import payload as payload_format
from collector.model.payload import check_payload
from testing import testkit_run as run

from . import _kit
from ._check import documented

DOCUMENTED = (PayloadFailure,)
CATALOG = run.catalog()
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def seeds() -> Iterator[bytes]:
    for plaintext in _kit.plaintexts():
        yield plaintext.rstrip(b" ")


def read_and_check(data: bytes) -> None:
    scope = "whistleblowing" if b'"whistleblowing"' in data else "hr"
    payload = payload_format.parse(payload_format.pad(data, scope))
    ref = payload.questionnaire
    qset = CATALOG.get(ref.id, ref.version)
    if qset is not None:
        check_payload(payload, qset, now=NOW)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: read_and_check(data))
