"""RFC 9180 sender, transcribed: base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
AES-256-GCM. The library's sealer draws its own ephemeral key and cannot write a hostile
`enc`; this one takes both as given. Checked against the RFC's test vector before use.

The project's only hand transcription of the RFC: tests/test_hpke_vectors.py checks the
library against it, value by value."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import cryptography_vectors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


KEM_SUITE = b"KEM" + i2osp(0x0020, 2)
HPKE_SUITE = b"HPKE" + i2osp(0x0020, 2) + i2osp(0x0001, 2) + i2osp(0x0002, 2)


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite + label + ikm)


def _labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _expand(prk, i2osp(length, 2) + b"HPKE-v1" + suite + label + info, length)


def shared_secret(dh: bytes, enc: bytes, pk_r: bytes) -> bytes:
    """DHKEM ExtractAndExpand (section 4.1): `enc` enters exactly as written."""
    eae_prk = _labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    return _labeled_expand(KEM_SUITE, eae_prk, b"shared_secret", enc + pk_r, 32)


@dataclass(frozen=True)
class Context:
    """Every value the RFC's test vectors list for the key schedule (section 5.1)."""

    shared_secret: bytes
    key_schedule_context: bytes
    secret: bytes
    key: bytes
    base_nonce: bytes
    exporter_secret: bytes


def context(shared: bytes, info: bytes) -> Context:
    """KeySchedule for mode_base (section 5.1): psk and psk_id are empty."""
    psk_id_hash = _labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    ks_context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(HPKE_SUITE, shared, b"secret", b"")
    return Context(
        shared_secret=shared,
        key_schedule_context=ks_context,
        secret=secret,
        key=_labeled_expand(HPKE_SUITE, secret, b"key", ks_context, 32),
        base_nonce=_labeled_expand(HPKE_SUITE, secret, b"base_nonce", ks_context, 12),
        exporter_secret=_labeled_expand(HPKE_SUITE, secret, b"exp", ks_context, 32),
    )


def key_schedule(secret_in: bytes, info: bytes) -> tuple[bytes, bytes]:
    """(key, base_nonce) of the key schedule."""
    ctx = context(secret_in, info)
    return ctx.key, ctx.base_nonce


def encap(sk_e: X25519PrivateKey, pk_r: bytes) -> tuple[bytes, bytes]:
    """Encap (section 4.1) with a given ephemeral key: (shared_secret, enc)."""
    enc = raw_public(sk_e)
    dh = sk_e.exchange(X25519PublicKey.from_public_bytes(pk_r))
    return shared_secret(dh, enc, pk_r), enc


def seal(sk_e: X25519PrivateKey, pk_r: bytes, info: bytes, pt: bytes) -> tuple[bytes, Context]:
    """Single-shot SealBase with empty aad (section 6.1): enc || ct, and its context."""
    shared, enc = encap(sk_e, pk_r)
    ctx = context(shared, info)
    # First message: sequence number 0, so the nonce is base_nonce itself (section 5.2).
    return enc + AESGCM(ctx.key).encrypt(ctx.base_nonce, pt, b""), ctx


def seal_with(dh: bytes, enc: bytes, pk_r: bytes, info: bytes, aad: bytes, pt: bytes) -> bytes:
    """ct for a chosen DH output and `enc`: how the hostile `enc` vectors are made."""
    key, nonce = key_schedule(shared_secret(dh, enc, pk_r), info)
    return AESGCM(key).encrypt(nonce, pt, aad)


def raw_public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def seal_base(pk_r: bytes, info: bytes, aad: bytes, pt: bytes, sk_e: bytes) -> tuple[bytes, bytes]:
    """SealBase with a given ephemeral private key: (enc, ct)."""
    ephemeral = X25519PrivateKey.from_private_bytes(sk_e)
    enc = raw_public(ephemeral)
    dh = ephemeral.exchange(X25519PublicKey.from_public_bytes(pk_r))
    return enc, seal_with(dh, enc, pk_r, info, aad, pt)


def check_against_rfc() -> None:
    """The sender must reproduce the RFC 9180 vector for this suite before it seals anything."""
    with cryptography_vectors.open_vector_file("HPKE/test-vectors.json", "rb") as f:
        (v,) = [
            v
            for v in json.load(f)
            if (v["mode"], v["kem_id"], v["kdf_id"], v["aead_id"]) == (0, 32, 1, 2)
        ]
    first = v["encryptions"][0]
    enc, ct = seal_base(
        bytes.fromhex(v["pkRm"]),
        bytes.fromhex(v["info"]),
        bytes.fromhex(first["aad"]),
        bytes.fromhex(first["pt"]),
        bytes.fromhex(v["skEm"]),
    )
    if enc.hex() != v["enc"] or ct.hex() != first["ct"]:
        raise SystemExit("the generator's HPKE sender does not match RFC 9180; nothing written")
