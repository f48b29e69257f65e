"""The sealed interviewer copy (FORMAT.md 17, `sluttsamtale-sealed-copy/1`): the record for
the person who holds the conversation, encrypted under a one-time code.

The code is the only secret: HR reads it out by phone or sends it by SMS, apart from the
file. It carries 100 bits from `secrets` (20 symbols of Crockford's base32), so guessing it
offline is out of reach whatever the key derivation costs; PBKDF2 at 600,000 iterations is
there because WebCrypto offers nothing stronger, not because the code needs stretching.
The AEAD's associated data binds the version and the delete-by date, so neither can be
changed in the file without the copy failing to open. Nothing here keeps the code.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ..errors import SealedCopyError
from ..i18n import tr
from .strictjson import b64decode_canonical, loads

FORMAT = "sluttsamtale-sealed-copy/1"
KDF = "PBKDF2-SHA256"
CIPHER = "AES-256-GCM"
ITERATIONS = 600_000
"""PBKDF2-HMAC-SHA256 iterations: OWASP's 2023 figure; fixed by the version, never read."""
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
BUCKET = 4096
"""The plaintext is padded with spaces to a power of two of at least this many bytes, so the
file's length tells little of how much the employee wrote (as FORMAT.md 6.1 does)."""

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so nothing read aloud is mistaken for another."""
CODE_LENGTH = 20  # 20 * 5 = 100 bits
GROUP = 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})  # what Crockford reads them as
_IGNORED = re.compile(r"[\s\-]+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLOCK = re.compile(r'<script type="application/json" id="sealed-copy">(.*?)</script>', re.DOTALL)
MEMBERS = ("format", "kdf", "iterations", "cipher", "salt", "nonce", "delete_by", "ciphertext")


def new_code() -> str:
    """A fresh one-time code in its canonical form (20 symbols, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def show_code(code: str) -> str:
    """The code as HR reads it out: groups of five joined by dashes."""
    canonical = canonical_code(code)
    return "-".join(canonical[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def canonical_code(typed: str) -> str:
    """The code as it enters the KDF: upper case, spaces and dashes dropped, O read as 0 and
    I and L as 1. SealedCopyError if what is left is not 20 symbols of the alphabet."""
    code = _IGNORED.sub("", typed).upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        raise SealedCopyError(
            tr(
                "a code has {CODE_LENGTH} letters and digits (spaces and dashes do not count)",
                CODE_LENGTH=CODE_LENGTH,
            )
        )
    return code


def associated_data(delete_by: date) -> bytes:
    """What the AEAD authenticates besides the ciphertext: the version and the date."""
    return f"{FORMAT}\n{delete_by.isoformat()}".encode("ascii")


def _key(code: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=ITERATIONS)
    return kdf.derive(canonical_code(code).encode("ascii"))


def padded(plaintext: bytes) -> bytes:
    size = BUCKET
    while size < len(plaintext):
        size *= 2
    return plaintext + b" " * (size - len(plaintext))


@dataclass(frozen=True)
class SealedBox:
    """The sealed part of the file: what the page decrypts, as the JSON block holds it."""

    delete_by: date
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kdf": KDF,
            "iterations": ITERATIONS,
            "cipher": CIPHER,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "nonce": base64.b64encode(self.nonce).decode("ascii"),
            "delete_by": self.delete_by.isoformat(),
            "ciphertext": base64.b64encode(self.ciphertext).decode("ascii"),
        }

    def block(self) -> str:
        """The `<script type="application/json">` element that carries it in the HTML file:
        only ASCII letters, digits and `+/=-:," {}`, so nothing in it can end the element."""
        text = json.dumps(self.as_json(), separators=(",", ":"))
        return f'<script type="application/json" id="sealed-copy">{text}</script>'


def seal(plaintext: bytes, code: str, delete_by: date) -> SealedBox:
    """Encrypt `plaintext` (padded, FORMAT.md 17) under `code`, bound to `delete_by`."""
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(_key(code, salt)).encrypt(nonce, padded(plaintext), associated_data(delete_by))
    return SealedBox(delete_by, salt, nonce, sealed)


def open_box(box: SealedBox, code: str) -> bytes:
    """The padded plaintext; SealedCopyError if the code (or any byte of the box) is wrong."""
    try:
        return AESGCM(_key(code, box.salt)).decrypt(
            box.nonce, box.ciphertext, associated_data(box.delete_by)
        )
    except InvalidTag:
        raise SealedCopyError(tr("the code does not open this sealed copy")) from None


def read_html(html: str) -> SealedBox:
    """The sealed box of a sealed-copy HTML file, read strictly (one block, every member)."""
    blocks = _BLOCK.findall(html)
    if len(blocks) != 1:
        raise SealedCopyError(tr("this is not a sealed interviewer copy (no single sealed block)"))
    try:
        data = loads(blocks[0].encode("utf-8"))
    except ValueError:
        raise SealedCopyError(tr("the sealed block of this copy is not JSON")) from None
    if not isinstance(data, dict) or tuple(sorted(data)) != tuple(sorted(MEMBERS)):
        raise SealedCopyError(
            tr(
                "the sealed block must have exactly {join}",
                join=", ".join(MEMBERS),
            )
        )
    fixed = {"format": FORMAT, "kdf": KDF, "iterations": ITERATIONS, "cipher": CIPHER}
    for name, value in fixed.items():
        if data[name] != value or type(data[name]) is not type(value):
            raise SealedCopyError(
                tr(
                    "this copy's {name} is not {value} ({FORMAT})",
                    name=name,
                    value=value,
                    FORMAT=FORMAT,
                )
            )
    raw = {
        name: b64decode_canonical(data[name]) if isinstance(data[name], str) else None
        for name in ("salt", "nonce", "ciphertext")
    }
    salt, nonce, sealed = raw["salt"], raw["nonce"], raw["ciphertext"]
    if salt is None or len(salt) != SALT_BYTES or nonce is None or len(nonce) != NONCE_BYTES:
        raise SealedCopyError(tr("this copy's salt or nonce is not of its size"))
    if sealed is None or len(sealed) < BUCKET + 16:
        raise SealedCopyError(tr("this copy's ciphertext is not canonical base64 of its size"))
    day = data["delete_by"]
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise SealedCopyError(tr("this copy's delete_by is not a date (YYYY-MM-DD)"))
    try:
        delete_by = date.fromisoformat(day)
    except ValueError:
        raise SealedCopyError(tr("this copy's delete_by is not a date (YYYY-MM-DD)")) from None
    return SealedBox(delete_by, salt, nonce, sealed)
