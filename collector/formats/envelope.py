"""The response file (sluttsamtale-response/2): its JSON envelope, receipt code and name.

Reading is strict: exactly one way to write each thing, so a file either means one
thing or is refused with a sentence saying why (spec/FORMAT.md, "Response file").
Writing gives the canonical bytes the page writes too (site/js/payload.js).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import EnvelopeError
from ..i18n import tr
from .hpke import ENC_LEN, RESPONSE_FORMAT, TAG_LEN
from .strictjson import JSONProblem, b64decode_canonical, check_depth, loads, quoted

MAX_FILE_BYTES = 1_048_576
MAX_PARTS = 2
MIN_SEALED_BYTES = ENC_LEN + TAG_LEN

_KEY_ID = re.compile(r"[0-9a-f]{32}")
_FIELDS = ("format", "parts")
_PART_FIELDS = ("key_id", "link", "sealed")
_PART_REQUIRED = ("key_id", "sealed")
OLD_FORMAT = "sluttsamtale-response/1"


@dataclass(frozen=True)
class Part:
    """One sealed payload, for the key whose id is `key_id`; `link` is the id of the
    invitation link it is bound to (FORMAT.md 6), for HR's part of an invited response."""

    key_id: str
    sealed: bytes  # enc || ct
    link: str | None = None


@dataclass(frozen=True)
class Envelope:
    parts: tuple[Part, ...]


def parse(data: bytes) -> Envelope:
    """Read a response file; EnvelopeError names the first rule it breaks."""
    if not data:
        raise EnvelopeError(tr("empty file"))
    if len(data) > MAX_FILE_BYTES:
        raise EnvelopeError(tr("file is larger than 1 MiB, the most a response file may be"))
    try:
        # A valid file nests 3 deep, so the depth is checked only for a file refused below.
        obj = loads(data, depth_bounded=True)
    except JSONProblem as e:
        raise EnvelopeError(str(e)) from None
    try:
        return _read(obj, data)
    except EnvelopeError:
        try:
            check_depth(data.decode("utf-8"))
        except JSONProblem as e:
            raise EnvelopeError(str(e)) from None
        raise


def _read(obj: Any, data: bytes) -> Envelope:
    """The envelope in `obj`, the strict JSON of `data`: its fields and canonical form."""
    if not isinstance(obj, dict):
        raise EnvelopeError(tr("the file is not a JSON object"))
    _check_fields(obj, _FIELDS)
    if not isinstance(obj["format"], str):
        raise EnvelopeError(tr('"format" must be a string'))
    if obj["format"] == OLD_FORMAT:
        raise EnvelopeError(
            tr(
                'unsupported format "{OLD_FORMAT}": sealed by an older page, whose files '
                "this version no longer reads; ask for the answers again from the "
                "current page",
                OLD_FORMAT=OLD_FORMAT,
            )
        )
    if obj["format"] != RESPONSE_FORMAT:
        raise EnvelopeError(tr("unsupported format {format}", format=quoted(obj["format"])))
    items = obj["parts"]
    if not isinstance(items, list):
        raise EnvelopeError(tr('"parts" must be a list'))
    if not 1 <= len(items) <= MAX_PARTS:
        raise EnvelopeError(
            tr(
                '"parts" must hold 1 or {MAX_PARTS} parts, not {n}',
                MAX_PARTS=MAX_PARTS,
                n=len(items),
            )
        )
    # Name the part only where there is more than one, so the usual message stays short.
    labels = [tr("part {n}: ", n=n) if len(items) > 1 else "" for n in range(1, len(items) + 1)]
    parts = tuple(_part(item, label) for item, label in zip(items, labels, strict=True))
    if len({p.key_id for p in parts}) != len(parts):
        raise EnvelopeError(tr("two parts have the same key id"))
    if any(p.link is not None for p in parts[1:]):
        raise EnvelopeError(tr('only the first part may carry a "link"'))
    envelope = Envelope(parts)
    texts = [(p.key_id, p.link, item["sealed"]) for p, item in zip(parts, items, strict=True)]
    # Only the canonical bytes (the final LF may be missing, as json.dump leaves it): so no
    # change of a bit, even one that a base64 armor turns into other JSON whitespace, imports,
    # and a receipt code names exactly one file.
    canonical = _canonical(texts)
    if data not in (canonical, canonical[:-1]):
        raise EnvelopeError(
            tr(
                'the file is not in canonical form (json.dumps with ", " and ": ", '
                "members in the order format, parts, key_id, link, sealed, and one final "
                "LF)"
            )
        )
    return envelope


def _check_fields(
    obj: dict[str, Any], fields: tuple[str, ...], where: str = "", required: tuple[str, ...] = ()
) -> None:
    for name in obj:
        if name not in fields:
            raise EnvelopeError(
                tr(
                    "{where}unknown field {name}",
                    where=where,
                    name=quoted(name),
                )
            )
    for name in required or fields:
        if name not in obj:
            raise EnvelopeError(tr('{where}missing field "{name}"', where=where, name=name))


def _part(item: object, where: str) -> Part:
    if not isinstance(item, dict):
        raise EnvelopeError(tr('{where}each of "parts" must be a JSON object', where=where))
    _check_fields(item, _PART_FIELDS, where, _PART_REQUIRED)
    for name in item:
        if not isinstance(item[name], str):
            raise EnvelopeError(tr('{where}"{name}" must be a string', where=where, name=name))
    kid, text, link = item["key_id"], item["sealed"], item.get("link")
    if not _KEY_ID.fullmatch(kid):
        raise EnvelopeError(
            tr(
                '{where}"key_id" must be 32 lowercase hex characters',
                where=where,
            )
        )
    if link is not None and not _KEY_ID.fullmatch(link):
        raise EnvelopeError(
            tr(
                '{where}"link" must be 32 lowercase hex characters',
                where=where,
            )
        )
    sealed = b64decode_canonical(text)
    if sealed is None:
        raise EnvelopeError(tr('{where}"sealed" is not canonical base64', where=where))
    if len(sealed) < MIN_SEALED_BYTES:
        raise EnvelopeError(
            tr(
                "{where}sealed part is shorter than {MIN_SEALED_BYTES} bytes",
                where=where,
                MIN_SEALED_BYTES=MIN_SEALED_BYTES,
            )
        )
    return Part(kid, sealed, link)


def encode(envelope: Envelope) -> bytes:
    """The canonical bytes: json.dumps with Python's default separators, then one "\\n".

    Writes what it is given without checking it, so tests can build files that break a
    rule and still differ from a good file only there; `parse` enforces the rules.
    """
    return _dumped(
        [(p.key_id, p.link, base64.b64encode(p.sealed).decode("ascii")) for p in envelope.parts]
    )


def _canonical(parts: list[tuple[str, str | None, str]]) -> bytes:
    """What `encode` writes for parts given as (key id, link, sealed as base64 text) that
    `parse` has checked: their strings are hex and base64, which JSON writes as they are,
    so the text is put together without json.dumps (test_envelope holds the two equal)."""
    items = (
        f'{{"key_id": "{kid}", '
        + (f'"link": "{link}", ' if link is not None else "")
        + f'"sealed": "{sealed}"}}'
        for kid, link, sealed in parts
    )
    return f'{{"format": "{RESPONSE_FORMAT}", "parts": [{", ".join(items)}]}}\n'.encode("ascii")


def _dumped(parts: list[tuple[str, str | None, str]]) -> bytes:
    obj = {
        "format": RESPONSE_FORMAT,
        "parts": [
            {"key_id": kid} | ({"link": link} if link is not None else {}) | {"sealed": sealed}
            for kid, link, sealed in parts
        ],
    }
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


def receipt(file_bytes: bytes) -> str:
    """The code the employee is shown and HR can look up, e.g. "3f2a-91bc-04de"."""
    return receipt_of(hashlib.sha256(file_bytes).hexdigest())


def receipt_of(file_digest: str) -> str:
    """The receipt code of the file whose SHA-256 hex is `file_digest`."""
    return f"{file_digest[0:4]}-{file_digest[4:8]}-{file_digest[8:12]}"


def file_name(file_bytes: bytes, day: date) -> str:
    """The download name: the day it was sealed and 6 hex of the hash, never a person's name."""
    return f"sluttsamtale-{day.isoformat()}-{hashlib.sha256(file_bytes).hexdigest()[:6]}.json"
