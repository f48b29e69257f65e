"""HPKE sealing (FORMAT.md 6): RFC 9180 base mode, single shot, with `cryptography`.

Suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; empty aad. The info names the
format version and the recipient's key id, and for a part bound to an invitation link also
the link id and the link's secret, so that only a holder of the link can seal a part that
opens as bound (FORMAT.md 6, "Why the link secret is in info").
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from .. import interrupts
from ..errors import DecryptError
from ..i18n import tr
from .keys import key_id, public_of
from .links import link_id

RESPONSE_FORMAT = "sluttsamtale-response/2"
ENC_LEN = 32
TAG_LEN = 16
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def response_info(kid: str, link_secret: bytes | None = None) -> bytes:
    """The info of a part for key `kid`, bound to a link when its secret is given."""
    if link_secret is None:
        return f"{RESPONSE_FORMAT} {kid}".encode()
    return f"{RESPONSE_FORMAT} {kid} {link_id(link_secret)} ".encode() + link_secret


def seal(plaintext: bytes, recipient_raw: bytes, link_secret: bytes | None = None) -> bytes:
    """enc || ct of a response part for one recipient, as the page makes it."""
    return seal_with_info(
        plaintext, recipient_raw, response_info(key_id(recipient_raw), link_secret)
    )


def open_sealed(
    sealed: bytes,
    private: X25519PrivateKey,
    link_secret: bytes | None = None,
    *,
    kid: str | None = None,
) -> bytes:
    """Open a response part; DecryptError on any failure, including a low-order `enc`.
    `kid`: the key id of `private`, if known (else it is worked out)."""
    kid = kid or key_id(public_of(private))
    what = tr("this key and this invitation's link") if link_secret else None  # "this key"
    return open_with_info(sealed, private, response_info(kid, link_secret), what)


def seal_with_info(plaintext: bytes, recipient_raw: bytes, info: bytes) -> bytes:
    """enc || ct under any info: the response parts, and what the store seals at rest."""
    recipient = X25519PublicKey.from_public_bytes(recipient_raw)
    return SUITE.encrypt(plaintext, recipient, info=info)


def open_with_info(
    sealed: bytes, private: X25519PrivateKey, info: bytes, what: str | None = None
) -> bytes:
    if len(sealed) < ENC_LEN + TAG_LEN:
        raise DecryptError(tr("the sealed part is too short to hold a key and a tag"))
    try:
        # Held: a Ctrl+C inside the open would come out of it as InvalidTag (interrupts.py).
        with interrupts.held():
            return SUITE.decrypt(sealed, private, info=info)
    except (InvalidTag, ValueError):
        # ValueError: cryptography refuses an all-zero shared secret (low-order enc).
        raise DecryptError(
            tr(
                "the sealed part does not open with {what}; it was altered or sealed to "
                "another key",
                what=what or tr("this key"),
            )
        ) from None


def enc_of(sealed: bytes) -> bytes:
    """The part's encapsulated key: fresh for every seal, so seen twice means a replay."""
    return sealed[:ENC_LEN]
