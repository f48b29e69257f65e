"""What the store keeps sealed (not a file format of FORMAT.md: it never leaves HR's store).

Each blob is a strict JSON document sealed with the same HPKE suite as a response part
(section 6), to HR's key, under an info naming its kind, so that a blob of one kind never
opens as another: "sluttsamtale-store/1 <kind> " + K.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal, TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, ValidationError

from ..errors import DecryptError, SluttsamtaleError
from ..i18n import tr
from . import hpke, keys
from .keyfile import HRKey

Kind = Literal["record", "summary", "summaries", "invitation", "note"]
"""`summaries`: a page of many responses' summaries (store/summaries.py), one seal for all."""
M = TypeVar("M", bound=BaseModel)


def info(kind: Kind, kid: str) -> bytes:
    return f"sluttsamtale-store/1 {kind} {kid}".encode()


AT_REST_BUCKET = 1024
"""What is sealed at rest is padded with spaces to a multiple of this, doubling: 1 KiB,
2 KiB, 4 KiB... so a copied store's lengths do not tell a name's length, nor a
statistics-only record (which keeps less) from another."""


def stored(kind: Kind) -> str:
    """What a person is told a blob of `kind` is."""
    return {
        "record": tr("a stored record"),
        "summary": tr("a stored summary"),
        "summaries": tr("a stored page of summaries"),
        "invitation": tr("a stored invitation"),
        "note": tr("a stored note"),
    }[kind]


def padded(data: bytes) -> bytes:
    size = AT_REST_BUCKET
    while size < len(data):
        size *= 2
    return data + b" " * (size - len(data))


def seal(model: BaseModel, kind: Kind, public_raw: bytes) -> bytes:
    data = padded(model.model_dump_json().encode("utf-8"))
    return hpke.seal_with_info(data, public_raw, info(kind, keys.key_id(public_raw)))


def open_as(
    cls: type[M], sealed: bytes, kind: Kind, key_id: str, hr_keys: Mapping[str, HRKey]
) -> M:
    """The model sealed in `sealed`; SluttsamtaleError if no key given opens it."""
    key = hr_keys.get(key_id)
    if key is None:
        raise SluttsamtaleError(
            tr(
                "sealed to key {fingerprint}, which was not given with --key",
                fingerprint=keys.fingerprint(key_id),
            )
        )
    try:
        data = hpke.open_with_info(sealed, key.private, info(kind, key_id))
    except DecryptError:
        raise SluttsamtaleError(
            tr("{what} does not open: the store is damaged", what=stored(kind))
        ) from None
    try:
        return cls.model_validate_json(data)
    except ValidationError:
        raise SluttsamtaleError(tr("{what} is damaged", what=stored(kind))) from None


def index_key(key: HRKey) -> bytes:
    """A key for the store's identity tags, from HR's private key (HKDF-SHA256): a copied
    database without HR's key cannot tell whose tag is whose, nor test a guess."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"sluttsamtale-store/1 index"
    ).derive(keys.private_raw(key.private))


def tag(index: bytes, text: str) -> str:
    """HMAC-SHA256 of `text` under the index key, hex: equal texts, equal tags."""
    return hmac.new(index, text.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_text(text: str, kind: Kind, public_raw: bytes) -> bytes:
    """A text sealed at rest, padded with NUL bytes (which no stored text holds)."""
    data = text.replace("\x00", "").encode("utf-8")
    size = len(padded(data))
    return hpke.seal_with_info(
        data + b"\x00" * (size - len(data)), public_raw, info(kind, keys.key_id(public_raw))
    )


def open_text(sealed: bytes, kind: Kind, key_id: str, hr_keys: Mapping[str, HRKey]) -> str:
    key = hr_keys.get(key_id)
    if key is None:
        raise SluttsamtaleError(
            tr(
                "sealed to key {fingerprint}, which was not given with --key",
                fingerprint=keys.fingerprint(key_id),
            )
        )
    data = hpke.open_with_info(sealed, key.private, info(kind, key_id))
    return data.rstrip(b"\x00").decode("utf-8")
