"""An opened plaintext, read (formats/payload.parse) and checked against its question set
(model/payload.check_payload): PayloadFailure, or a payload that passes. Its one-parse
reading and its strict reading must say the same: the same payload, or the same words.

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
    plaintext = payload_format.pad(data, scope)
    fast, strict = _reading(plaintext, fast=True), _reading(plaintext, fast=False)
    if fast != strict:
        raise AssertionError(f"the fast and the strict reading differ: {fast!r} != {strict!r}")
    payload = payload_format.parse(plaintext)
    ref = payload.questionnaire
    qset = CATALOG.get(ref.id, ref.version)
    if qset is not None:
        check_payload(payload, qset, now=NOW)


def _reading(plaintext: bytes, *, fast: bool) -> str:
    """What one reading says: the payload's JSON again, or its refusal's words."""
    try:
        return payload_format.parse(plaintext, fast=fast).model_dump_json()
    except PayloadFailure as e:
        return f"refused: {e}"


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: read_and_check(data))
