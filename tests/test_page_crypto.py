"""The page's sealing (site/js/hpke.js, site/js/payload.js) in Debian's Chromium.

hpke.js must reproduce the RFC 9180 test vectors for our suite, and what payload.js seals
must open with collector.formats.hpke, validate as a Payload and match the canonical response
file byte for byte. The scripts run in a blank harness page from file:// and from
http://127.0.0.1, the two secure contexts the real page is used from.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import cryptography_vectors
import pytest
from conftest import ROOT, served
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from playwright.sync_api import Browser, Page

from collector.formats import hpke, keys
from collector.formats import payload as payload_format
from collector.model.payload import Payload, check_payload
from collector.model.questionset import QuestionSet

if TYPE_CHECKING:
    # For types only: imported at run time, pytest would try to collect the class TestKey.
    from conftest import TestKey

pytestmark = pytest.mark.browser

HARNESS = ROOT / "tests" / "pages" / "harness.html"
LOADED = "() => !!(window.Sluttsamtale && Sluttsamtale.hpke && Sluttsamtale.payload)"

# X25519 public keys whose shared secret is all zero with any private key: the low-order
# points and their non-canonical spellings (libsodium's blacklist, RFC 7748 section 6.1).
LOW_ORDER = {
    "zero": "00" * 32,
    "one": "01" + "00" * 31,
    "order-8 a": "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "order-8 b": "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "p-1": "ec" + "ff" * 30 + "7f",
    "p": "ed" + "ff" * 30 + "7f",
    "p+1": "ee" + "ff" * 30 + "7f",
    "zero, top bit set": "00" * 31 + "80",
    "order-8 a, top bit set": "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
}

QSET = QuestionSet.model_validate(
    {
        "id": "exit-test",
        "version": 2,
        "language": "nb",
        "title": "Sluttsamtale",
        "introduction": "Et sett for prøver.",
        "sections": [
            {
                "id": "main",
                "title": "Hoveddel",
                "questions": [
                    {
                        "id": "reason",
                        "type": "single_choice",
                        "label": "Hvorfor slutter du?",
                        "required": True,
                        "options": [
                            {"value": "pay", "label": "Lønn"},
                            {"value": "leader", "label": "Leder"},
                        ],
                        "other": True,
                        "other_label": "Annet, nemlig",
                    },
                    {
                        "id": "factors",
                        "type": "multiple_choice",
                        "label": "Hva betydde noe?",
                        "options": [
                            {"value": "tasks", "label": "Oppgavene"},
                            {"value": "colleagues", "label": "Kollegene"},
                            {"value": "commute", "label": "Reisevei"},
                        ],
                    },
                    {
                        "id": "satisfaction",
                        "type": "scale",
                        "label": "Hvor fornøyd var du?",
                        "scale": {"min": 1, "max": 5, "min_label": "Lite", "max_label": "Mye"},
                    },
                    {"id": "recommend", "type": "yes_no", "label": "Vil du anbefale oss?"},
                    {
                        "id": "why_not",
                        "type": "long_text",
                        "label": "Hvorfor ikke?",
                        "show_if": {"question": "recommend", "equals": ["no"]},
                    },
                    {"id": "last_day", "type": "date", "label": "Siste arbeidsdag"},
                    {"id": "comment", "type": "short_text", "label": "Noe mer?"},
                ],
            }
        ],
    }
)

ANSWERS: dict[str, Any] = {
    "reason": "other",
    "factors": ["tasks", "commute"],
    "satisfaction": 4,
    "recommend": False,
    "why_not": 'Lang vei, «sitat», "anførsel" \\ skråstrek, æøå ÆØÅ 🙂\nny linje\tog tab',
    "last_day": "2025-06-30",
}


def page_config(qset: QuestionSet, key: TestKey) -> dict[str, Any]:
    """The JSON config the real page carries (built by the MkDocs plugin)."""
    wording: dict[str, Any] = {}
    for q in qset.questions():
        entry: dict[str, Any] = {"label": q.label}
        if q.options:
            entry["options"] = {o.value: o.label for o in q.options}
            if q.other:
                entry["options"]["other"] = q.other_label
        wording[q.id] = entry
    return {
        "questionnaire": {
            "id": qset.id,
            "version": qset.version,
            "language": qset.language,
            "title": qset.title,
        },
        "wording": wording,
        "key": page_key(key),
    }


def page_key(key: TestKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "public_key": base64.b64encode(key.public.raw).decode(),
        "fingerprint": keys.fingerprint(key.key_id),
        "demo": False,
    }


def state(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "answers": {**ANSWERS, "comment": "   "},
        "other": {"reason": "Flytter til Tromsø", "factors": "not offered, must be dropped"},
        "declined": False,
        "decline_reason": None,
        "readers": "hr_and_interviewer",
        "link": None,
        "contact": {},
    }
    return {**base, **changes}


BUILD_AND_SEAL = """async ({config, state}) => {
  const P = Sluttsamtale.payload;
  const payload = P.build(config, state);
  const sealed = await P.seal(payload, config.key);
  return {payload: JSON.stringify(payload), file: Sluttsamtale.bytes.base64(sealed.fileBytes),
          fileText: sealed.fileText, armored: sealed.armored, receipt: sealed.receipt,
          fileName: sealed.fileName};
}"""

CATCH = """async (run) => {
  try { await (0, eval)(run)(); return null; }
  catch (e) { return {name: e.name, message: e.message, dom: e instanceof DOMException}; }
}"""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def repo_http() -> Iterator[str]:
    """The repository root over http on 127.0.0.1, so the harness finds ../../site/js."""
    with served(ROOT) as base:
        yield base


@pytest.fixture(params=["file", "http"])
def harness(request: pytest.FixtureRequest, page: Page) -> Page:
    """The blank harness page with both scripts loaded, from file:// or from http."""
    if request.param == "file":
        url = HARNESS.as_uri()
    else:
        url = request.getfixturevalue("repo_http") + "/" + HARNESS.relative_to(ROOT).as_posix()
    page.goto(url)
    page.wait_for_function(LOADED)
    assert page.evaluate("window.isSecureContext")
    return page


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    with cryptography_vectors.open_vector_file("HPKE/test-vectors.json", "rb") as f:
        vectors = json.load(f)
    (found,) = [
        v
        for v in vectors
        if (int(v["mode"]), int(v["kem_id"]), int(v["kdf_id"]), int(v["aead_id"])) == (0, 32, 1, 2)
    ]
    return found


def seal_in_page(page: Page, key: TestKey, **changes: Any) -> dict[str, Any]:
    return page.evaluate(
        BUILD_AND_SEAL, {"config": page_config(QSET, key), "state": state(**changes)}
    )


# --------------------------------------------------------------------------- hpke.js


def test_supported_in_chromium(harness: Page) -> None:
    assert harness.evaluate("Sluttsamtale.hpke.supported()") is True


def test_rfc9180_vector(harness: Page, vector: dict[str, Any]) -> None:
    got = harness.evaluate(
        """async (v) => {
          const {fromHex} = testkit, hex = Sluttsamtale.bytes.hex;
          const ctx = await Sluttsamtale.hpke.setupBaseS(
            fromHex(v.pkRm), fromHex(v.info), fromHex(v.skEm));
          const cts = [];
          for (const e of v.encryptions) {
            cts.push(hex(await ctx.seal(fromHex(e.aad), fromHex(e.pt))));
          }
          return {enc: hex(ctx.enc), shared_secret: hex(ctx.sharedSecret), key: hex(ctx.key),
                  base_nonce: hex(ctx.baseNonce), cts};
        }""",
        vector,
    )
    for name in ("enc", "shared_secret", "key", "base_nonce"):
        assert got[name] == vector[name], name
    # All 257 encryptions in order: sequence numbers 0 to 256 exercise the nonce counter.
    assert got["cts"] == [e["ct"] for e in vector["encryptions"]]


def test_key_id_matches_python(harness: Page, test_key: TestKey) -> None:
    got = harness.evaluate(
        "(h) => Sluttsamtale.hpke.keyId(testkit.fromHex(h))", test_key.public.raw.hex()
    )
    assert got == test_key.key_id == keys.key_id(test_key.public.raw)


def test_single_shot_seal_opens_in_python(harness: Page, test_key: TestKey) -> None:
    sealed = harness.evaluate(
        """async ({pk, info}) => Sluttsamtale.bytes.hex(await Sluttsamtale.hpke.seal(
             testkit.fromHex(pk), new TextEncoder().encode(info), new Uint8Array(0),
             new TextEncoder().encode("hei på deg")))""",
        {"pk": test_key.public.raw.hex(), "info": hpke.response_info(test_key.key_id).decode()},
    )
    assert hpke.open_sealed(bytes.fromhex(sealed), test_key.private) == "hei på deg".encode()


@pytest.mark.parametrize("point", LOW_ORDER.values(), ids=LOW_ORDER.keys())
def test_low_order_key_is_refused(harness: Page, point: str) -> None:
    # The list itself is checked: Python's X25519 refuses each point too.
    with pytest.raises(ValueError):
        X25519PrivateKey.generate().exchange(
            X25519PublicKey.from_public_bytes(bytes.fromhex(point))
        )
    run = f"""async () => Sluttsamtale.hpke.seal(testkit.fromHex("{point}"),
        new Uint8Array(0), new Uint8Array(0), new Uint8Array(1))"""
    error = harness.evaluate(CATCH, run)
    assert error is not None, "sealed to a low-order point"
    assert error["name"] == "Error" and not error["dom"], error
    assert "low-order" in error["message"]


def test_low_order_key_is_refused_by_payload_seal(harness: Page) -> None:
    raw = bytes(32)
    key = {"key_id": keys.key_id(raw), "public_key": base64.b64encode(raw).decode()}
    run = f"async () => Sluttsamtale.payload.seal({{a: 1}}, {json.dumps(key)})"
    error = harness.evaluate(CATCH, run)
    assert error is not None and error["name"] == "Error" and "low-order" in error["message"]


def test_setup_checks_its_inputs(harness: Page) -> None:
    run = """async () => Sluttsamtale.hpke.seal(new Uint8Array(31), new Uint8Array(0),
        new Uint8Array(0), new Uint8Array(1))"""
    error = harness.evaluate(CATCH, run)
    assert error == {
        "name": "Error",
        "message": "the public key must be a Uint8Array of 32 bytes",
        "dom": False,
    }


# --------------------------------------------------------------------------- payload.js


def test_python_opens_what_the_page_sealed(harness: Page, test_key: TestKey) -> None:
    got = seal_in_page(harness, test_key)
    file_bytes = base64.b64decode(got["file"], validate=True)
    assert got["fileText"].encode() == file_bytes

    envelope = json.loads(file_bytes)
    (part,) = envelope["parts"]
    sealed = base64.b64decode(part["sealed"], validate=True)
    canonical = {
        "format": "sluttsamtale-response/2",
        "parts": [{"key_id": test_key.key_id, "sealed": base64.b64encode(sealed).decode()}],
    }
    assert file_bytes == (json.dumps(canonical, ensure_ascii=False) + "\n").encode()

    plaintext = hpke.open_sealed(sealed, test_key.private)
    # JSON.stringify's bytes, then spaces to the first bucket (FORMAT.md 6.1).
    assert len(plaintext) == 4096
    assert plaintext == got["payload"].encode() + b" " * (4096 - len(got["payload"].encode()))
    payload = payload_format.parse(plaintext)
    check_payload(payload, QSET, now=datetime.now(UTC))
    assert payload.answers == ANSWERS  # the blank "comment" is left out, not sent as ""
    assert payload.other == {"reason": "Flytter til Tromsø"}
    assert payload.readers == "hr_and_interviewer" and payload.scope == "hr"
    assert payload.questionnaire.id == "exit-test" and payload.questionnaire.version == 2
    assert set(payload.wording) == {q.id for q in QSET.questions()}
    assert payload.wording["reason"].options == {
        "pay": "Lønn",
        "leader": "Leder",
        "other": "Annet, nemlig",
    }


def test_armor_receipt_and_file_name(harness: Page, test_key: TestKey) -> None:
    got = seal_in_page(harness, test_key)
    file_bytes = base64.b64decode(got["file"])
    digest = hashlib.sha256(file_bytes).hexdigest()
    assert got["receipt"] == f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"
    assert re.fullmatch(rf"sluttsamtale-\d{{4}}-\d\d-\d\d-{digest[:6]}\.json", got["fileName"])

    lines = got["armored"].split("\n")
    assert lines[0] == "-----BEGIN SLUTTSAMTALE RESPONSE-----"
    assert lines[-2:] == ["-----END SLUTTSAMTALE RESPONSE-----", ""]
    body = lines[1:-2]
    assert all(len(line) == 64 for line in body[:-1]) and 0 < len(body[-1]) <= 64
    assert base64.b64decode("".join(body), validate=True) == file_bytes
    assert "\r" not in got["armored"]


def test_envelope_module_reads_the_page_file(harness: Page, test_key: TestKey) -> None:
    from collector.formats import armor, envelope

    got = seal_in_page(harness, test_key)
    file_bytes = base64.b64decode(got["file"])
    assert envelope.encode(envelope.parse(file_bytes)) == file_bytes
    assert armor.find_blocks(got["armored"])[0] == file_bytes


@pytest.mark.parametrize("tz, offset", [("Pacific/Kiritimati", 14), ("Pacific/Pago_Pago", -11)])
def test_file_name_uses_local_date(
    browser: Browser, test_key: TestKey, tz: str, offset: int
) -> None:
    # At any hour one of these zones is on another date than UTC, so a UTC date fails here.
    context = browser.new_context(timezone_id=tz)
    try:
        page = context.new_page()
        page.goto(HARNESS.as_uri())
        page.wait_for_function(LOADED)
        before = (datetime.now(UTC) + timedelta(hours=offset)).date()
        got = seal_in_page(page, test_key)
        after = (datetime.now(UTC) + timedelta(hours=offset)).date()
    finally:
        context.close()
    date = got["fileName"][len("sluttsamtale-") :][:10]
    assert date in {before.isoformat(), after.isoformat()}


def test_seal_refuses_a_key_id_that_does_not_match(harness: Page, test_key: TestKey) -> None:
    wrong = {**page_key(test_key), "key_id": "0" * 32}
    error = harness.evaluate(
        CATCH, f"async () => Sluttsamtale.payload.seal({{}}, {json.dumps(wrong)})"
    )
    assert error is not None and error["name"] == "Error"
    assert error["message"] == (
        f"the page's key id {'0' * 32} does not match its public key ({test_key.key_id}); "
        "the page was built wrong or altered"
    )


@pytest.mark.parametrize(
    "public_key, message",
    [
        ("not base64!", "the page's public key is not valid base64; the page was built wrong"),
        # Unpadded: atob would take it, the format does not.
        (
            base64.b64encode(bytes(range(32))).decode().rstrip("="),
            "the page's public key is not valid base64; the page was built wrong",
        ),
        (
            base64.b64encode(bytes(31)).decode(),
            "the page's public key is not 32 bytes; the page was built wrong",
        ),
    ],
)
def test_seal_refuses_a_malformed_key(harness: Page, public_key: str, message: str) -> None:
    key = {"key_id": "0" * 32, "public_key": public_key}
    error = harness.evaluate(
        CATCH, f"async () => Sluttsamtale.payload.seal({{}}, {json.dumps(key)})"
    )
    assert error == {"name": "Error", "message": message, "dom": False}


def test_same_payload_seals_differently_each_time(harness: Page, test_key: TestKey) -> None:
    got = harness.evaluate(
        """async ({config, state}) => {
          const P = Sluttsamtale.payload, payload = P.build(config, state);
          const a = await P.seal(payload, config.key), b = await P.seal(payload, config.key);
          return {payload: JSON.stringify(payload), files: [a.fileText, b.fileText]};
        }""",
        {"config": page_config(QSET, test_key), "state": state()},
    )
    sealed = [base64.b64decode(json.loads(f)["parts"][0]["sealed"]) for f in got["files"]]
    assert sealed[0][:32] != sealed[1][:32], "the ephemeral key was reused"
    assert sealed[0] != sealed[1]
    for s in sealed:
        assert hpke.open_sealed(s, test_key.private).rstrip(b" ") == got["payload"].encode()


def build_in_page(page: Page, key: TestKey, **changes: Any) -> dict[str, Any]:
    text = page.evaluate(
        "({config, state}) => JSON.stringify(Sluttsamtale.payload.build(config, state))",
        {"config": page_config(QSET, key), "state": state(**changes)},
    )
    payload = Payload.model_validate_json(text)
    check_payload(payload, QSET, now=datetime.now(UTC))
    return json.loads(text)


def test_build_fields(harness: Page, test_key: TestKey) -> None:
    first = build_in_page(harness, test_key)
    second = build_in_page(harness, test_key)
    assert first["format"] == "sluttsamtale-payload/2"
    assert re.fullmatch(r"[0-9a-f]{32}", first["response_id"])
    assert first["response_id"] != second["response_id"]
    assert "invitation" not in first and first["declined"] is False
    assert first["decline_reason"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["sealed_at"])
    sealed_at = datetime.fromisoformat(first["sealed_at"])
    assert abs(sealed_at - datetime.now(UTC)) < timedelta(minutes=5)
    # HR's payload: every member in the table's order, but `contact` (FORMAT.md 7).
    assert list(first) == [f for f in Payload.model_fields if f != "contact"]
    assert first["scope"] == "hr"


@pytest.mark.parametrize(
    "declined, reason, expected",
    [
        (True, "Jeg vil heller snakke med HR.", "Jeg vil heller snakke med HR."),
        (True, "", None),
        (True, None, None),
        (False, "left over from an earlier click", None),
    ],
)
def test_build_decline_reason(
    harness, test_key: TestKey, declined: bool, reason: str | None, expected: str | None
) -> None:
    answers = {} if declined else ANSWERS
    got = build_in_page(
        harness, test_key, answers=answers, other={}, declined=declined, decline_reason=reason
    )
    assert got["declined"] is declined
    assert got["decline_reason"] == expected


def test_build_refuses_unknown_readers(harness: Page, test_key: TestKey) -> None:
    config = json.dumps(page_config(QSET, test_key))
    run = f"async () => Sluttsamtale.payload.build({config}, {json.dumps(state(readers='all'))})"
    error = harness.evaluate(CATCH, run)
    assert error == {
        "name": "Error",
        "message": "readers must be one of hr, hr_and_interviewer, statistics",
        "dom": False,
    }


def test_base64_helpers(harness: Page) -> None:
    data = bytes(range(256)) * 300  # larger than one fromCharCode slice
    got = harness.evaluate(
        """(h) => { const B = Sluttsamtale.bytes, bytes = testkit.fromHex(h);
          const b64 = B.base64(bytes);
          return {b64, back: B.hex(B.fromBase64(b64))}; }""",
        data.hex(),
    )
    assert got["b64"] == base64.b64encode(data).decode()
    assert got["back"] == data.hex()
