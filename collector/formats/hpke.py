"""HPKE sealing (FORMAT.md 6): RFC 9180 base mode, single shot, with `cryptography`.

Suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; info =
"sluttsamtale-response/1 " + key id; empty aad.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from ..errors import DecryptError
from .keys import key_id, public_of

RESPONSE_FORMAT = "sluttsamtale-response/1"
ENC_LEN = 32
TAG_LEN = 16
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def response_info(kid: str) -> bytes:
    return f"{RESPONSE_FORMAT} {kid}".encode()


def seal(plaintext: bytes, recipient_raw: bytes) -> bytes:
    """enc || ct for one recipient, as the page makes it."""
    recipient = X25519PublicKey.from_public_bytes(recipient_raw)
    return SUITE.encrypt(plaintext, recipient, info=response_info(key_id(recipient_raw)))


def open_sealed(sealed: bytes, private: X25519PrivateKey) -> bytes:
    """Open enc || ct; DecryptError on any failure, including a low-order `enc`."""
    kid = key_id(public_of(private))
    if len(sealed) < ENC_LEN + TAG_LEN:
        raise DecryptError("the sealed part is too short to hold a key and a tag")
    try:
        return SUITE.decrypt(sealed, private, info=response_info(kid))
    except (InvalidTag, ValueError):
        # ValueError: cryptography refuses an all-zero shared secret (low-order enc).
        raise DecryptError(
            "the sealed part does not open with this key; it was altered or sealed to another key"
        ) from None
