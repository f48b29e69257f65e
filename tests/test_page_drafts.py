"""The page's drafts (site/js/drafts.js) in Debian's Chromium, opened from file://.

A draft is the one thing the page stores, and only as ciphertext. These tests drive the real
module in a blank harness page, read back what it left in localStorage and sessionStorage,
and decrypt the stored record in Python from the passphrase alone: that proves the record
really uses the parameters it claims (PBKDF2-HMAC-SHA-256, 600,000 iterations, 16-byte salt,
AES-256-GCM, 12-byte IV, additional data bound to the set).
"""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ROOT, assert_accessible, build_site, make_test_key, served
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

HARNESS = ROOT / "tests" / "pages" / "drafts-harness.html"
LOADED = "() => !!(window.Sluttsamtale && Sluttsamtale.drafts)"

SET = "exit-test-2"
OTHER_SET = "exit-test-2-b"  # shares SET's text as a prefix: erase must not reach it
PASSPHRASE = "korrekt hest batteri"
CANARY = "CANARY-7f3e9a-plaintext-must-never-be-stored"
RECORD_FIELDS = ["format", "set", "saved_at", "kdf", "iv", "ct"]

STATE: dict[str, Any] = {
    "answers": {
        "reason": "other",
        "factors": ["tasks", "commute"],
        "satisfaction": 4,
        "recommend": False,
        "why_not": 'Lang vei, «sitat», "anførsel" \\ æøå ÆØÅ 🙂🏔️\nny linje\r\nog\ttab',
        "comment": CANARY,
    },
    "other": {"reason": "Flytter til Tromsø 🚆"},
    "declined": False,
    "decline_reason": None,
    "readers": "hr",
}

# Calls one API function and reports its value or its error, so tests can assert on both.
CALL = """async ([name, args]) => {
  try { return {ok: await Sluttsamtale.drafts[name](...args)}; }
  catch (e) { return {error: e.message, is_error: e instanceof Error}; }
}"""

STORAGE = """() => {
  const dump = (s) => Object.fromEntries(
    Array.from({length: s.length}, (_, i) => [s.key(i), s.getItem(s.key(i))]));
  return {local: dump(localStorage), session: dump(sessionStorage)};
}"""

SET_ITEM = "([area, key, value]) => window[area].setItem(key, value)"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def harness(page: Page) -> Page:
    page.goto(HARNESS.as_uri())
    page.wait_for_function(LOADED)
    assert page.evaluate("window.isSecureContext")  # WebCrypto needs one; file:// is
    return page


def call(page: Page, name: str, *args: Any) -> dict[str, Any]:
    return page.evaluate(CALL, [name, list(args)])


def save(page: Page, set_id: str = SET, state: Any = None, passphrase: str = PASSPHRASE) -> None:
    result = call(page, "save", set_id, STATE if state is None else state, passphrase)
    assert "error" not in result, result
    # save resolves to the session (its key cannot cross into the test: a CryptoKey)
    assert set(result["ok"]) == {"setId", "key", "salt", "stamp", "savedAt"}, result


def restore(page: Page, set_id: str = SET, passphrase: str = PASSPHRASE) -> Any:
    result = call(page, "restore", set_id, passphrase)
    assert "error" not in result, result
    return result["ok"]


def refused(page: Page, name: str, *args: Any) -> str:
    """The message of the Error the call rejects (or throws) with."""
    result = call(page, name, *args)
    assert "error" in result, f"{name} should have been refused: {result}"
    assert result["is_error"], result
    return result["error"]


def storage(page: Page) -> dict[str, dict[str, str]]:
    return page.evaluate(STORAGE)


def stored_record(page: Page, set_id: str = SET) -> dict[str, Any]:
    return json.loads(storage(page)["local"][f"sluttsamtale:{set_id}:draft"])


def put(page: Page, key: str, value: str, area: str = "localStorage") -> None:
    page.evaluate(SET_ITEM, [area, key, value])


def decrypt_in_python(record: dict[str, Any], passphrase: str, set_id: str) -> bytes:
    """What the format says, from nothing but the record, the passphrase and the set id."""
    salt = base64.b64decode(record["kdf"]["salt"], validate=True)
    key = hashlib.pbkdf2_hmac(
        "sha256", unicodedata.normalize("NFC", passphrase).encode(), salt, 600_000, dklen=32
    )
    iv = base64.b64decode(record["iv"], validate=True)
    ct = base64.b64decode(record["ct"], validate=True)
    return AESGCM(key).decrypt(iv, ct, f"sluttsamtale-draft/1 {set_id}".encode())


# --------------------------------------------------------------------------- round trip


def test_api_shape(harness: Page) -> None:
    got = harness.evaluate(
        "() => [Object.keys(Sluttsamtale.drafts).sort(), Object.isFrozen(Sluttsamtale.drafts)]"
    )
    assert got == [
        ["erase", "has", "restore", "save", "savedAt", "stamp", "unlock", "update"],
        True,
    ]


def test_round_trip_keeps_unicode_and_line_breaks(harness: Page) -> None:
    save(harness)
    assert restore(harness) == STATE


def test_has_and_saved_at(harness: Page) -> None:
    assert call(harness, "has", SET) == {"ok": False}
    assert call(harness, "savedAt", SET) == {"ok": None}
    before = datetime.now(UTC)
    save(harness)
    after = datetime.now(UTC)
    assert call(harness, "has", SET) == {"ok": True}
    saved_at = call(harness, "savedAt", SET)["ok"]
    assert saved_at == stored_record(harness)["saved_at"]
    # Millisecond precision: widen the window by one on each side.
    when = datetime.fromisoformat(saved_at)
    assert before - timedelta(milliseconds=1) <= when <= after + timedelta(milliseconds=1)
    assert call(harness, "has", OTHER_SET) == {"ok": False}


def test_a_later_save_replaces_the_draft(harness: Page) -> None:
    save(harness, state={"answers": {"comment": "first"}})
    save(harness, state={"answers": {"comment": "second"}}, passphrase="an other passphrase")
    assert refused(harness, "restore", SET, PASSPHRASE) == "wrong passphrase"
    assert restore(harness, passphrase="an other passphrase") == {"answers": {"comment": "second"}}
    assert list(storage(harness)["local"]) == [f"sluttsamtale:{SET}:draft"]


def test_wrong_passphrase(harness: Page) -> None:
    save(harness)
    assert refused(harness, "restore", SET, PASSPHRASE + "!") == "wrong passphrase"
    assert restore(harness) == STATE  # a wrong try leaves the draft as it was


def test_passphrase_is_nfc_normalised(harness: Page) -> None:
    decomposed = "pa\u030asskode-ska\u030al"  # "å" as a + combining ring
    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed
    save(harness, passphrase=decomposed)
    assert restore(harness, passphrase=composed) == STATE


@pytest.mark.parametrize(
    "passphrase",
    ["", "1234567", "abcdef🙂"],  # the last: 8 UTF-16 units but 7 characters
    ids=["empty", "seven", "seven-with-emoji"],
)
def test_short_passphrase_refused(harness: Page, passphrase: str) -> None:
    assert refused(harness, "save", SET, STATE, passphrase) == "passphrase too short"
    assert storage(harness) == {"local": {}, "session": {}}


def test_eight_characters_are_enough(harness: Page) -> None:
    save(harness, passphrase="abcdefg🙂")
    assert restore(harness, passphrase="abcdefg🙂") == STATE
    assert refused(harness, "restore", SET, "abcdefg") == "passphrase too short"


def test_restore_without_a_draft(harness: Page) -> None:
    assert refused(harness, "restore", SET, PASSPHRASE) == "no draft"


# --------------------------------------------------------------------------- the record


def test_record_has_exactly_the_specified_fields(harness: Page) -> None:
    save(harness)
    record = stored_record(harness)
    assert list(record) == RECORD_FIELDS
    assert record["format"] == "sluttsamtale-draft/1"
    assert record["set"] == SET
    assert datetime.fromisoformat(record["saved_at"]).tzinfo is not None
    assert list(record["kdf"]) == ["name", "iterations", "salt"]
    assert record["kdf"]["name"] == "PBKDF2-SHA-256"
    assert record["kdf"]["iterations"] == 600_000
    for field, size in ((record["kdf"]["salt"], 16), (record["iv"], 12)):
        raw = base64.b64decode(field, validate=True)
        assert len(raw) == size
        assert base64.b64encode(raw).decode() == field  # standard base64 with padding


def test_python_decrypts_the_record_from_the_passphrase(harness: Page) -> None:
    passphrase = "Blåbærsyltetøy på skiva 🫐"
    save(harness, passphrase=passphrase)
    record = stored_record(harness)
    plaintext = decrypt_in_python(record, passphrase, SET)
    assert json.loads(plaintext.decode("utf-8")) == STATE
    # AES-GCM's tag is 16 bytes: nothing else rides along with the ciphertext.
    assert len(base64.b64decode(record["ct"])) == len(plaintext) + 16
    with pytest.raises(InvalidTag):  # the additional data names the set
        decrypt_in_python(record, passphrase, OTHER_SET)


def test_no_plaintext_in_storage(harness: Page) -> None:
    save(harness)
    contents = storage(harness)
    assert contents["session"] == {}
    assert list(contents["local"]) == [f"sluttsamtale:{SET}:draft"]
    everything = json.dumps(contents, ensure_ascii=False)
    for secret in (CANARY, PASSPHRASE, "Tromsø", "anførsel", "satisfaction", "answers"):
        assert secret not in everything
    # Not merely encoded either: the canary is not in the stored bytes.
    ct = base64.b64decode(stored_record(harness)["ct"])
    assert CANARY.encode() not in ct


def test_each_save_draws_new_salt_and_iv(harness: Page) -> None:
    save(harness)
    first = stored_record(harness)
    save(harness)
    second = stored_record(harness)
    assert first["kdf"]["salt"] != second["kdf"]["salt"]
    assert first["iv"] != second["iv"]
    assert first["ct"] != second["ct"]
    assert restore(harness) == STATE


# --------------------------------------------------------------------------- set binding


def test_record_copied_to_another_set_is_damaged(harness: Page) -> None:
    """A plain copy still names its own set: "damaged draft", not a hint to retry."""
    save(harness)
    raw = storage(harness)["local"][f"sluttsamtale:{SET}:draft"]
    put(harness, f"sluttsamtale:{OTHER_SET}:draft", raw)
    assert call(harness, "has", OTHER_SET) == {"ok": True}
    assert call(harness, "savedAt", OTHER_SET) == {"ok": None}
    assert refused(harness, "restore", OTHER_SET, PASSPHRASE) == "damaged draft"


def test_record_relabelled_for_another_set_fails_authentication(harness: Page) -> None:
    """With its "set" field rewritten too, only the additional data stops it."""
    save(harness)
    record = stored_record(harness)
    record["set"] = OTHER_SET
    put(harness, f"sluttsamtale:{OTHER_SET}:draft", json.dumps(record))
    assert call(harness, "savedAt", OTHER_SET) == {"ok": record["saved_at"]}
    # The right passphrase, yet AES-GCM refuses: the record is bound to SET.
    assert refused(harness, "restore", OTHER_SET, PASSPHRASE) == "wrong passphrase"


# --------------------------------------------------------------------------- damaged records


def _mutations(good: dict[str, Any]) -> dict[str, str]:
    def changed(**fields: Any) -> str:
        return json.dumps({**good, **fields})

    def kdf(**fields: Any) -> str:
        return changed(kdf={**good["kdf"], **fields})

    without_iv = {k: v for k, v in good.items() if k != "iv"}
    short_salt = base64.b64encode(b"\x01" * 15).decode()
    return {
        "not json": "{not json",
        "json array": json.dumps([good]),
        "json null": "null",
        "missing field": json.dumps(without_iv),
        "extra field": changed(note="hi"),
        "other format": changed(format="sluttsamtale-draft/2"),
        "bad saved_at": changed(saved_at="yesterday"),
        "other kdf": kdf(name="scrypt"),
        "fewer iterations": kdf(iterations=1000),
        "iterations as text": kdf(iterations="600000"),
        "extra kdf field": kdf(hash="SHA-256"),
        "short salt": kdf(salt=short_salt),
        "salt not base64": kdf(salt="%%%%"),
        "salt unpadded": kdf(salt=good["kdf"]["salt"].rstrip("=")),
        "iv with a line break": changed(iv=good["iv"][:8] + "\n" + good["iv"][8:]),
        "short iv": changed(iv=base64.b64encode(b"\x00" * 8).decode()),
        "ct shorter than a tag": changed(ct=base64.b64encode(b"\x00" * 15).decode()),
        "ct not a string": changed(ct=None),
    }


def test_damaged_records(harness: Page) -> None:
    save(harness)
    good = stored_record(harness)
    key = f"sluttsamtale:{SET}:draft"
    for name, text in _mutations(good).items():
        put(harness, key, text)
        assert call(harness, "has", SET) == {"ok": True}, name
        assert refused(harness, "restore", SET, PASSPHRASE) == "damaged draft", name
        # saved_at is shown only from a well-formed record.
        assert call(harness, "savedAt", SET) == {"ok": None}, name
    put(harness, key, json.dumps(good))
    assert restore(harness) == STATE  # the same record, intact, still opens


def test_altered_ciphertext_fails_authentication(harness: Page) -> None:
    save(harness)
    record = stored_record(harness)
    ct = bytearray(base64.b64decode(record["ct"]))
    ct[0] ^= 0x01
    record["ct"] = base64.b64encode(bytes(ct)).decode()
    put(harness, f"sluttsamtale:{SET}:draft", json.dumps(record))
    # GCM cannot tell altered bytes from a wrong key; both say the draft will not open.
    assert refused(harness, "restore", SET, PASSPHRASE) == "wrong passphrase"


# --------------------------------------------------------------------------- erase


def test_erase_removes_only_this_sets_keys(harness: Page) -> None:
    save(harness, SET)
    save(harness, OTHER_SET, state={"answers": {"comment": "the other set"}})
    put(harness, f"sluttsamtale:{SET}:ui", "x")
    put(harness, f"sluttsamtale:{SET}:ui", "x", "sessionStorage")
    put(harness, f"sluttsamtale:{OTHER_SET}:ui", "y", "sessionStorage")
    put(harness, "unrelated", "z")
    put(harness, "unrelated", "z", "sessionStorage")
    put(harness, f"sluttsamtale:{SET}", "no colon after the set id: not this set's key")

    assert call(harness, "erase", SET) == {"ok": None}

    contents = storage(harness)
    assert sorted(contents["local"]) == sorted(
        [f"sluttsamtale:{OTHER_SET}:draft", "unrelated", f"sluttsamtale:{SET}"]
    )
    assert sorted(contents["session"]) == sorted([f"sluttsamtale:{OTHER_SET}:ui", "unrelated"])
    assert call(harness, "has", SET) == {"ok": False}
    assert restore(harness, OTHER_SET) == {"answers": {"comment": "the other set"}}


def test_erase_without_a_draft_is_harmless(harness: Page) -> None:
    assert call(harness, "erase", SET) == {"ok": None}
    assert storage(harness) == {"local": {}, "session": {}}


@pytest.mark.parametrize("set_id", ["", "a:b", 7])
def test_invalid_set_id_refused(harness: Page, set_id: Any) -> None:
    for name, args in (("has", ()), ("erase", ()), ("save", (STATE, PASSPHRASE))):
        assert refused(harness, name, set_id, *args) == "invalid set id", name


def test_state_must_be_an_object(harness: Page) -> None:
    assert refused(harness, "save", SET, "text", PASSPHRASE) == "the state must be an object"
    assert storage(harness) == {"local": {}, "session": {}}


# --------------------------------------------------------------------------- no storage

# What some file:// settings and private modes do: the property access itself throws.
DENY_STORAGE = """for (const name of ["localStorage", "sessionStorage"]) {
  Object.defineProperty(window, name, {
    configurable: true,
    get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
  });
}"""


def test_storage_unavailable(page: Page) -> None:
    page.add_init_script(DENY_STORAGE)
    page.goto(HARNESS.as_uri())
    page.wait_for_function(LOADED)
    assert page.evaluate("() => { try { localStorage; return false } catch { return true } }")
    assert call(page, "has", SET) == {"ok": False}
    assert call(page, "savedAt", SET) == {"ok": None}
    assert refused(page, "save", SET, STATE, PASSPHRASE) == "storage unavailable"
    assert refused(page, "restore", SET, PASSPHRASE) == "storage unavailable"
    assert call(page, "erase", SET) == {"ok": None}


def test_storage_refusing_the_write(harness: Page) -> None:
    harness.evaluate(
        """() => { Storage.prototype.setItem = function () {
          throw new DOMException("full", "QuotaExceededError"); }; }"""
    )
    assert refused(harness, "save", SET, STATE, PASSPHRASE) == "storage unavailable"
    assert call(harness, "has", SET) == {"ok": False}


# --------------------------------------------------------------------------- protection pages

PROTECTION = ROOT / "site" / "protection"
LANGUAGES = ("nb", "nn", "sv", "en")
TITLES = {
    "nb": "Slik er svarene dine beskyttet",
    "nn": "Slik er svara dine verna",
    "sv": "Så skyddas dina svar",
    "en": "How your answers are protected",
}


def _headings(markdown: str) -> list[tuple[int, str]]:
    return [
        (len(line) - len(line.lstrip("#")), line.lstrip("#").strip())
        for line in markdown.splitlines()
        if line.startswith("#")
    ]


def test_protection_pages_share_one_outline() -> None:
    """One h1 first, then h2 sections only, the same number in every language."""
    outlines = {}
    for lang in LANGUAGES:
        text = (PROTECTION / f"{lang}.md").read_text(encoding="utf-8")
        headings = _headings(text)
        assert text.startswith("# "), lang
        assert headings[0] == (1, TITLES[lang]), lang
        assert [level for level, _ in headings[1:]] == [2] * (len(headings) - 1), lang
        outlines[lang] = len(headings)
        # The facts the technical section promises must match what drafts.js does.
        facts = ("RFC 9180", "X25519", "HKDF-SHA256", "AES-256-GCM", "PBKDF2", "connect-src")
        # ... and what the build does (tests/test_site_integrity.py, test_site_offline.py).
        facts += ("Subresource Integrity (SHA-384)", "sluttsamtale-site.json", "verify-site")
        words = " ".join(text.split())  # a fact may wrap across lines
        for fact in facts:
            assert fact in words, (lang, fact)
        assert "600 000" in text or "600,000" in text, lang
        assert "12" in text, lang
    assert len(set(outlines.values())) == 1, outlines


@pytest.fixture(scope="module")
def protection_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real build, with a small test question set: these pages do not depend on it."""
    # Imported here: the collector's test helpers are only needed for this one build.
    from testing.fixtures import write_questionnaires

    tmp = tmp_path_factory.mktemp("protection")
    key = make_test_key(tmp)
    questionnaires = tmp / "questionnaires"
    questionnaires.mkdir()
    write_questionnaires(questionnaires)
    out = tmp / "site"
    # Not strict: the test set has a required question, which the notice warns about.
    result = build_site(
        out,
        key.pem,
        extra_env={"SLUTTSAMTALE_QUESTIONNAIRES": str(questionnaires)},
        strict=False,
    )
    assert result.returncode == 0, result.stderr
    # Over http: the site's stylesheets and scripts carry integrity, which Chromium refuses
    # on file:// (tests/test_site_offline.py).
    with served(out) as base:
        yield base


@pytest.mark.parametrize("lang", LANGUAGES)
def test_protection_page_built_and_accessible(page: Page, protection_site: str, lang: str) -> None:
    page.goto(f"{protection_site}/protection/{lang}.html")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("article h1").all_inner_texts() == [TITLES[lang]]
    links = page.evaluate(
        """() => [...document.querySelectorAll("article a[hreflang]")]
             .map((a) => [a.getAttribute("href"), a.lang, a.hreflang])"""
    )
    others = [other for other in LANGUAGES if other != lang]
    assert links == [[f"{other}.html", other, other] for other in others]
    assert_accessible(page)
