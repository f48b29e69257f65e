"""HPKE sealing and HR's keys. The only module that imports `cryptography`.

Suite (RFC 9180, base mode, single shot): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
AES-256-GCM; info = "sluttsamtale-response/1 " + key id; empty aad. See spec/FORMAT.md.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .errors import DecryptError, KeyFileError

RESPONSE_FORMAT = "sluttsamtale-response/1"
ENC_LEN = 32
TAG_LEN = 16
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
DEMO_MARK = "Sluttsamtale DEMO key"
"""A line before the PEM block of a demo public key; the page then warns that it is a demo."""


def key_id(public_raw: bytes) -> str:
    """K: lowercase hex of the first 16 bytes of SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(public_raw).digest()[:16].hex()


def fingerprint(kid: str) -> str:
    """The key id as people read it aloud: groups of four."""
    return " ".join(kid[i : i + 4] for i in range(0, len(kid), 4))


def response_info(kid: str) -> bytes:
    return f"{RESPONSE_FORMAT} {kid}".encode()


def public_raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class PublicKey:
    raw: bytes
    demo: bool = False

    @property
    def key_id(self) -> str:
        return key_id(self.raw)


def public_pem(raw: bytes, *, demo: bool = False) -> bytes:
    pem = X25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # RFC 7468 allows explanatory text before the block; the mark travels with the key.
    return (
        f"{DEMO_MARK}: for trying the product, never for real answers.\n".encode() + pem
        if demo
        else pem
    )


def load_public_pem(path: Path) -> PublicKey:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise KeyFileError(f"{path}: cannot read the public key ({e.strerror})") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyFileError(f"{path}: is not a PEM public key") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path}: is not an X25519 public key")
    return PublicKey(public_raw(key), demo=data.lstrip().startswith(DEMO_MARK.encode()))


def seal(plaintext: bytes, recipient_raw: bytes) -> bytes:
    """enc || ct for one recipient, as the page makes it."""
    recipient = X25519PublicKey.from_public_bytes(recipient_raw)
    return SUITE.encrypt(plaintext, recipient, info=response_info(key_id(recipient_raw)))


def open_sealed(sealed: bytes, private: X25519PrivateKey) -> bytes:
    """Open enc || ct; DecryptError on any failure, including a low-order `enc`."""
    kid = key_id(public_raw(private.public_key()))
    if len(sealed) < ENC_LEN + TAG_LEN:
        raise DecryptError("the sealed part is too short to hold a key and a tag")
    try:
        return SUITE.decrypt(sealed, private, info=response_info(kid))
    except (InvalidTag, ValueError):
        # ValueError: cryptography refuses an all-zero shared secret (low-order enc).
        raise DecryptError(
            "the sealed part does not open with this key; it was altered or sealed to another key"
        ) from None


# --------------------------------------------------------------------------- HR's private key
# The key file (collector/keyfile.py, spec/FORMAT.md "Key file") keeps the raw private key
# under AES-256-GCM with a key derived from HR's passphrase by Argon2id.


def generate_private() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_raw(private: X25519PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: passes over memory, parallel lanes, memory in KiB."""

    iterations: int
    lanes: int
    memory_cost: int


def passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The 32-byte AES-256-GCM key for the key file.

    NFC first: the same passphrase typed with "å" as one character or as "a" plus a ring
    must open the same file, whichever keyboard and system typed it.
    """
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    ).derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def seal_private_key(
    private: X25519PrivateKey,
    passphrase: str,
    *,
    salt: bytes,
    nonce: bytes,
    params: KdfParams,
    ad: bytes,
) -> bytes:
    """ct || tag (48 bytes) of the raw private key."""
    key = passphrase_key(passphrase, salt, params)
    return AESGCM(key).encrypt(nonce, private_raw(private), ad)


def open_private_key(
    sealed: bytes,
    passphrase: str,
    *,
    salt: bytes,
    nonce: bytes,
    params: KdfParams,
    ad: bytes,
) -> X25519PrivateKey | None:
    """The private key, or None if the passphrase is wrong or the sealed bytes were altered."""
    key = passphrase_key(passphrase, salt, params)
    try:
        raw = AESGCM(key).decrypt(nonce, sealed, ad)
    except InvalidTag:
        return None
    if len(raw) != 32:
        return None
    return X25519PrivateKey.from_private_bytes(raw)
