"""X25519 public keys as the formats name them: key id, fingerprint, PEM (FORMAT.md 3)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from ..errors import KeyFileError
from ..i18n import tr

DEMO_MARK = "Sluttsamtale DEMO key"
"""A line before the PEM block of a demo public key; the page then warns that it is a demo."""

PrivateKey = X25519PrivateKey


def key_id(public_raw: bytes) -> str:
    """K: lowercase hex of the first 16 bytes of SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(public_raw).digest()[:16].hex()


def fingerprint(kid: str) -> str:
    """The key id as people read it aloud: groups of four."""
    return " ".join(kid[i : i + 4] for i in range(0, len(kid), 4))


def public_raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_of(private: X25519PrivateKey) -> bytes:
    """The raw public key of a private key."""
    return public_raw(private.public_key())


@dataclass(frozen=True)
class PublicKey:
    raw: bytes
    demo: bool = False

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_id)


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
        raise KeyFileError(
            tr(
                "{path}: cannot read the public key ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyFileError(tr("{path}: is not a PEM public key", path=path)) from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(tr("{path}: is not an X25519 public key", path=path))
    return PublicKey(public_raw(key), demo=data.lstrip().startswith(DEMO_MARK.encode()))


def generate_private() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_raw(private: X25519PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def private_from_raw(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def receiver_key(path: Path | None, hr: PublicKey | None = None) -> PublicKey | None:
    """The whistleblowing receiver's public key named by the employer, or None. Refuses HR's
    own key: the receiver's part would then be readable by HR."""
    if path is None:
        return None
    key = load_public_pem(path)
    if hr is not None and key.key_id == hr.key_id:
        raise KeyFileError(
            tr(
                "{path}: is HR's own public key; the employer's whistleblowing_key must "
                "be the whistleblowing receiver's public key",
                path=path,
            )
        )
    return key
