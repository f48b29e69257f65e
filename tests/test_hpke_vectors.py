"""The HPKE suite against RFC 9180's test vectors, and the spec's worked example.

cryptography's hpke.Suite takes neither an aad nor a fixed ephemeral key, so the vector
(mode 0, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) is checked from the side
it does expose: given the vector's `enc`, skRm and info, Suite must derive the vector's
key and base_nonce, which it only does if its DH, KEM and key schedule are all right.

`rfc` is the testkit generator's transcription of the RFC's pseudocode (stdlib HMAC for
HKDF), the project's only one. It must reproduce every intermediate value of the vector;
then it seals with a fixed ephemeral key, which gives the worked example in
spec/FORMAT.md, and collector.formats.hpke must open what it seals.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cryptography_vectors
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from collector.errors import DecryptError
from collector.formats import hpke, keys
from collector.intake import opening
from spec.testkit.kitgen import hpke as rfc
from testing import pagesim

ROOT = Path(__file__).resolve().parent.parent

SUITE_IDS = (0, 32, 1, 2)  # mode base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    with cryptography_vectors.open_vector_file("HPKE/test-vectors.json", "rb") as f:
        vectors = json.load(f)
    (found,) = [
        v
        for v in vectors
        if (int(v["mode"]), int(v["kem_id"]), int(v["kdf_id"]), int(v["aead_id"])) == SUITE_IDS
    ]
    return found


def h(value: str) -> bytes:
    return bytes.fromhex(value)


# --------------------------------------------------------------------------- the vector


def test_hand_implementation_reproduces_the_vector(vector: dict[str, Any]) -> None:
    sk_e = X25519PrivateKey.from_private_bytes(h(vector["skEm"]))
    shared, enc = rfc.encap(sk_e, h(vector["pkRm"]))
    assert enc == h(vector["enc"])
    ctx = rfc.context(shared, h(vector["info"]))
    assert ctx.shared_secret.hex() == vector["shared_secret"]
    assert ctx.key_schedule_context.hex() == vector["key_schedule_context"]
    assert ctx.secret.hex() == vector["secret"]
    assert ctx.key.hex() == vector["key"]
    assert ctx.base_nonce.hex() == vector["base_nonce"]
    assert ctx.exporter_secret.hex() == vector["exporter_secret"]
    first = vector["encryptions"][0]
    got = AESGCM(ctx.key).encrypt(ctx.base_nonce, h(first["pt"]), h(first["aad"]))
    assert got.hex() == first["ct"]


def test_public_keys_derive_as_in_the_vector(vector: dict[str, Any]) -> None:
    sk_r = X25519PrivateKey.from_private_bytes(h(vector["skRm"]))
    sk_e = X25519PrivateKey.from_private_bytes(h(vector["skEm"]))
    assert rfc.raw_public(sk_r).hex() == vector["pkRm"]
    assert rfc.raw_public(sk_e).hex() == vector["pkEm"] == vector["enc"]


def test_suite_derives_the_vector_key_and_nonce(vector: dict[str, Any]) -> None:
    """A wrong DH, KEM or key schedule in the library gives another key: decrypt fails."""
    sk_r = X25519PrivateKey.from_private_bytes(h(vector["skRm"]))
    plaintext = h(vector["encryptions"][0]["pt"])
    ct = AESGCM(h(vector["key"])).encrypt(h(vector["base_nonce"]), plaintext, b"")
    sealed = h(vector["enc"]) + ct
    assert hpke.SUITE.decrypt(sealed, sk_r, info=h(vector["info"])) == plaintext


@pytest.mark.parametrize("change", ["info", "key", "nonce", "enc", "recipient"])
def test_suite_refuses_anything_but_the_vector_values(vector: dict[str, Any], change: str) -> None:
    sk_r = X25519PrivateKey.from_private_bytes(h(vector["skRm"]))
    info, key, nonce, enc = (
        h(vector["info"]),
        h(vector["key"]),
        h(vector["base_nonce"]),
        h(vector["enc"]),
    )
    if change == "info":
        info += b"!"
    elif change == "key":
        key = bytes([key[0] ^ 1]) + key[1:]
    elif change == "nonce":
        nonce = bytes([nonce[0] ^ 1]) + nonce[1:]
    elif change == "enc":
        enc = rfc.raw_public(X25519PrivateKey.generate())
    else:
        sk_r = X25519PrivateKey.generate()
    ct = AESGCM(key).encrypt(nonce, b"Beauty is truth", b"")
    with pytest.raises(InvalidTag):
        hpke.SUITE.decrypt(enc + ct, sk_r, info=info)


# --------------------------------------------------------------------------- our info


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000, 100_000])
def test_crypto_round_trip(size: int) -> None:
    sk = keys.generate_private()
    raw = rfc.raw_public(sk)
    plaintext = bytes(range(256)) * (size // 256) + bytes(size % 256)
    sealed = hpke.seal(plaintext, raw)
    assert len(sealed) == hpke.ENC_LEN + size + hpke.TAG_LEN
    assert hpke.open_sealed(sealed, sk) == plaintext
    assert hpke.seal(plaintext, raw) != sealed  # a fresh ephemeral key every time


def test_crypto_info_is_the_format_and_key_id() -> None:
    kid = "0123456789abcdef" * 2
    assert hpke.response_info(kid) == b"sluttsamtale-response/2 0123456789abcdef0123456789abcdef"


def test_hand_sealed_with_our_info_opens_in_crypto() -> None:
    sk_r, sk_e = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    raw = rfc.raw_public(sk_r)
    info = b"sluttsamtale-response/2 " + keys.key_id(raw).encode()
    sealed, _ = rfc.seal(sk_e, raw, info, b'{"hei": "verden"}')
    assert hpke.open_sealed(sealed, sk_r) == b'{"hei": "verden"}'


@pytest.mark.parametrize(
    "info",
    [
        b"",
        b"sluttsamtale-response/2",
        b"sluttsamtale-response/3 {kid}",
        b"sluttsamtale-response/2 {KID}",
        b"sluttsamtale-response/2  {kid}",
    ],
)
def test_hand_sealed_with_another_info_does_not_open(info: bytes) -> None:
    sk_r, sk_e = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    raw = rfc.raw_public(sk_r)
    kid = keys.key_id(raw)
    info = info.replace(b"{kid}", kid.encode()).replace(b"{KID}", kid.upper().encode())
    sealed, _ = rfc.seal(sk_e, raw, info, b"{}")
    with pytest.raises(DecryptError):
        hpke.open_sealed(sealed, sk_r)


# --------------------------------------------------------------------------- worked example
# Fixed keys make every value reproducible; real keys, salts and nonces are random. Print
# the example with: cd tests && python -c "import test_hpke_vectors as t; t.print_example()"

EXAMPLE_PASSPHRASE = "correct horse battery staple"
EXAMPLE_SET = {
    "id": "exit-example",
    "version": 1,
    "language": "en",
    "title": "Exit interview",
    "introduction": "A short example.",
    "privacy": {
        "controller": "Example Municipality",
        "contact": "privacy@example.org",
        "purpose": "Learning from people who leave.",
        "legal_basis": "GDPR art. 6(1)(e).",
        "recipients": "HR.",
        "invitations": "HR keeps a sealed record of whom it invited.",
        "special_categories": "GDPR art. 9(2)(b).",
        "retention": "Deleted 12 months after it is received.",
        "rights": "Access, rectification, erasure and restriction.",
        "automated_decisions": "None.",
        "complaints": "The data protection authority.",
    },
    "sections": [
        {
            "id": "work",
            "title": "Your work",
            "questions": [
                {
                    "id": "reason",
                    "type": "single_choice",
                    "label": "Why are you leaving?",
                    "options": [
                        {"value": "new_job", "label": "A new job"},
                        {"value": "moving", "label": "Moving"},
                    ],
                    "other": True,
                    "other_label": "Other, namely",
                },
                {
                    "id": "satisfaction",
                    "type": "scale",
                    "label": "How satisfied were you overall?",
                    "scale": {"min": 1, "max": 5, "min_label": "Not at all", "max_label": "Very"},
                },
                {"id": "comments", "type": "long_text", "label": "Anything else?"},
            ],
        }
    ],
}


@dataclass(frozen=True)
class Example:
    listing: dict[str, str]
    fingerprint: str
    payload_text: str
    file_text: str
    armored_head: str
    key_file_text: str
    payload: Any
    opened: Any


def _fixed_key(label: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def build_example(tmp: Path) -> Example:
    from datetime import UTC, date, datetime

    from collector.formats import armor, envelope, keyfile, links
    from collector.formats import payload as payload_format
    from collector.model.questionset import QuestionSet

    sk_r, sk_e = _fixed_key("sluttsamtale example: HR"), _fixed_key("sluttsamtale example: enc")
    pk_r = rfc.raw_public(sk_r)
    kid = keys.key_id(pk_r)
    secret = hashlib.sha256(b"sluttsamtale example: link").digest()
    link = links.link_id(secret)
    payload = pagesim.build_payload(
        QuestionSet.model_validate(EXAMPLE_SET),
        {"reason": "other", "satisfaction": 4, "comments": "Thank you for five good years."},
        other={"reason": "Closer to family"},
        sealed_at=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
        response_id="5f0e9c1d2b3a48776a6b5c4d3e2f1a09",
    )
    text = pagesim.payload_bytes(payload)
    plaintext = payload_format.padded(payload)
    info = hpke.response_info(kid, secret)
    sealed, ctx = rfc.seal(sk_e, pk_r, info, plaintext)
    file_bytes = envelope.encode(envelope.Envelope((envelope.Part(kid, sealed, link),)))
    key_doc = keyfile.key_document(
        sk_r, EXAMPLE_PASSPHRASE, salt=bytes(range(16)), nonce=bytes(range(12))
    )
    key_path = tmp / "hr-key.json"
    key_path.write_bytes(keyfile.key_file_bytes(key_doc))
    key_path.chmod(0o600)
    key = keyfile.load(key_path, EXAMPLE_PASSPHRASE)
    part = opening.choose_part(envelope.parse(file_bytes), {key.key_id: key})
    opened, _ = opening.open_part(part, key, secret)
    armored = armor.armor(file_bytes)
    listing = {
        "skR": keys.private_raw(sk_r).hex(),
        "pkR": pk_r.hex(),
        "K": kid,
        "S": secret.hex(),
        "S_in_link": links.secret_text(secret),
        "L": link,
        "info": info.hex(),
        "skE": keys.private_raw(sk_e).hex(),
        "enc": sealed[:32].hex(),
        "shared_secret": ctx.shared_secret.hex(),
        "key": ctx.key.hex(),
        "base_nonce": ctx.base_nonce.hex(),
        "payload_bytes": str(len(text)),
        "plaintext_bytes": str(len(plaintext)),
        "plaintext_sha256": hashlib.sha256(plaintext).hexdigest(),
        "sealed_bytes": str(len(sealed)),
        "ct_sha256": hashlib.sha256(sealed[32:]).hexdigest(),
        "file_bytes": str(len(file_bytes)),
        "file_sha256": hashlib.sha256(file_bytes).hexdigest(),
        "armored_sha256": hashlib.sha256(armored.encode()).hexdigest(),
        "receipt": envelope.receipt(file_bytes),
        "file_name": envelope.file_name(file_bytes, date(2025, 3, 14)),
    }
    return Example(
        listing=listing,
        fingerprint=keys.fingerprint(kid),
        payload_text=text.decode(),
        file_text=file_bytes.decode()[:160],
        armored_head="\n".join(armored.split("\n")[:3]),
        key_file_text=keyfile.key_file_bytes(key_doc).decode(),
        payload=payload,
        opened=opened,
    )


def print_example() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        example = build_example(Path(folder))
    width = max(len(k) for k in example.listing) + 1
    for name, value in example.listing.items():
        print(f"{name + ':':<{width}} {value}")
    print("fingerprint:", example.fingerprint)
    for text in (
        example.payload_text,
        example.file_text,
        example.armored_head,
        example.key_file_text,
    ):
        print("\n" + text)


def _spec_value(text: str, name: str) -> str:
    """The value after `name:` in the worked example's listing in spec/FORMAT.md."""
    match = re.search(rf"^{re.escape(name)}:[ ]+(\S+)$", text, re.MULTILINE)
    assert match, f"spec/FORMAT.md has no line for {name}"
    return match.group(1)


def test_spec_worked_example_is_what_the_code_computes(tmp_path: Path) -> None:
    example = build_example(tmp_path)
    # The real code opened it: key file -> private key -> payload.
    assert example.opened == example.payload
    spec = (ROOT / "spec" / "FORMAT.md").read_text(encoding="utf-8")
    for name, value in example.listing.items():
        assert _spec_value(spec, name) == value, name
    for text in (
        example.payload_text,
        example.file_text,
        example.armored_head,
        example.key_file_text,
        example.fingerprint,
        EXAMPLE_PASSPHRASE,
    ):
        assert text in spec


def test_the_node_tests_fixture_is_the_rfc_vectors() -> None:
    """site/js/tests/ checks hpke.js in Node against a copy of our suite's RFC 9180 entries;
    the copy must be the package's, value for value, so that test cannot drift."""
    fixture = ROOT / "site" / "js" / "tests" / "rfc9180-x25519-sha256-aes256gcm.json"
    copied = json.loads(fixture.read_text(encoding="utf-8"))["vectors"]
    with cryptography_vectors.open_vector_file("HPKE/test-vectors.json", "rb") as f:
        published = json.load(f)
    assert [v["mode"] for v in copied] == [0, 1]
    for entry in copied:
        [source] = [
            v
            for v in published
            if (v["mode"], v["kem_id"], v["kdf_id"], v["aead_id"]) == (entry["mode"], 32, 1, 2)
        ]
        for name, value in entry.items():
            if name == "encryptions":
                assert value == source["encryptions"][: len(value)] and len(value) >= 10
            else:
                assert value == source[name], name
