"""The sealed interviewer copy (FORMAT.md 17), in Python: the file opens with its code under
exactly the parameters the format names, and with nothing else; nothing of the record is in
it in clear; its CSP allows only what it holds. The browser's side: test_sealed_copy_page.py."""

from __future__ import annotations

import base64
import json
import re
from datetime import date

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from collector.errors import SealedCopyError
from collector.formats import sealed_copy
from collector.render import record
from collector.render.html import document
from collector.render.sealed_copy import seal_record
from collector.words import LANGUAGES, catalogue
from testing.fixtures import CANARY

DELETE_BY = date(2026, 11, 30)
CODE_SHOWN = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){3}")


def record_html(secret: str = CANARY) -> str:
    """A record in the real record's shell and CSS, with answers no file may show in clear."""
    body = [
        "<header><h1>Sluttsamtale</h1></header>",
        f'<main><h2>Svar</h2><h3>Hvorfor slutter du?</h3><p class="answer">{secret}</p>',
        '<p class="answer">Kari Nordmann, Barnehage Øst</p></main>',
    ]
    return document("nb", "Sluttsamtale: Kommune", record.CSS, body)


def block(html: str) -> dict[str, object]:
    found = re.findall(r'<script type="application/json" id="sealed-copy">(.*?)</script>', html)
    assert len(found) == 1
    data: dict[str, object] = json.loads(found[0])
    return data


def policy(html: str) -> dict[str, list[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert match is not None
    return {d.split()[0]: d.split()[1:] for d in match.group(1).split("; ")}


def sha256_source(text: str) -> str:
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_file_opens_with_its_code_under_the_documented_parameters() -> None:
    html, code = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    assert CODE_SHOWN.fullmatch(code), code
    data = block(html)
    assert data["format"] == "sluttsamtale-sealed-copy/1"
    assert (data["kdf"], data["iterations"], data["cipher"]) == (
        "PBKDF2-SHA256",
        600_000,
        "AES-256-GCM",
    )
    salt = base64.b64decode(str(data["salt"]), validate=True)
    nonce = base64.b64decode(str(data["nonce"]), validate=True)
    sealed = base64.b64decode(str(data["ciphertext"]), validate=True)
    assert (len(salt), len(nonce), data["delete_by"]) == (16, 12, "2026-11-30")
    # Opened with the bare primitives and the numbers FORMAT.md 17 gives, not the module's.
    secret = code.replace("-", "").encode("ascii")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600_000)
    aad = b"sluttsamtale-sealed-copy/1\n2026-11-30"
    plain = AESGCM(kdf.derive(secret)).decrypt(nonce, sealed, aad)
    assert len(plain) == 4096  # padded to its bucket with spaces
    assert plain.rstrip(b" ") == record_html().encode("utf-8")


def test_the_code_is_typed_loosely_and_opens_through_the_module() -> None:
    html, code = seal_record(record_html(), delete_by=DELETE_BY, language="en")
    box = sealed_copy.read_html(html)
    typed = " ".join(code.lower().split("-")).replace("0", "o").replace("1", "l")
    plain = sealed_copy.open_box(box, f"  {typed} ")
    assert plain.rstrip(b" ").decode("utf-8") == record_html()


def test_a_wrong_code_opens_nothing() -> None:
    html, code = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    box = sealed_copy.read_html(html)
    other = sealed_copy.new_code()
    assert other != sealed_copy.canonical_code(code)
    with pytest.raises(SealedCopyError, match="does not open"):
        sealed_copy.open_box(box, other)
    with pytest.raises(SealedCopyError, match="20 letters and digits"):
        sealed_copy.open_box(box, code[:-1])


@pytest.mark.parametrize("member", ["delete_by", "ciphertext", "nonce", "salt"])
def test_a_changed_date_or_byte_opens_nothing(member: str) -> None:
    html, code = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    data = block(html)
    if member == "delete_by":
        data[member] = "2099-12-31"  # keeping the file longer than the employee was told
    else:
        raw = bytearray(base64.b64decode(str(data[member])))
        raw[len(raw) // 2] ^= 1
        data[member] = base64.b64encode(bytes(raw)).decode()
    changed = re.sub(
        r'(<script type="application/json" id="sealed-copy">).*?(</script>)',
        lambda m: m.group(1) + json.dumps(data, separators=(",", ":")) + m.group(2),
        html,
    )
    box = sealed_copy.read_html(changed)
    with pytest.raises(SealedCopyError, match="does not open"):
        sealed_copy.open_box(box, code)
    # The same with the bare primitives: the associated data holds the date.
    if member == "delete_by":
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=box.salt, iterations=600_000)
        key = kdf.derive(code.replace("-", "").encode())
        aad = b"sluttsamtale-sealed-copy/1\n2099-12-31"
        with pytest.raises(InvalidTag):
            AESGCM(key).decrypt(box.nonce, box.ciphertext, aad)


def test_nothing_of_the_record_is_in_the_file_in_clear() -> None:
    secret = "Trakassering-" + CANARY
    html, code = seal_record(record_html(secret), delete_by=DELETE_BY, language="nb")
    for text in (secret, CANARY, "Kari", "Nordmann", "Barnehage", "Hvorfor slutter", "answer"):
        assert text not in html, text
    # Nor the code, in any spelling.
    for spelling in (code, code.replace("-", ""), code.lower(), code.replace("-", " ")):
        assert spelling not in html


def test_each_copy_has_its_own_code_salt_and_nonce() -> None:
    copies = [seal_record(record_html(), delete_by=DELETE_BY, language="nb") for _ in range(3)]
    assert len({c.code for c in copies}) == 3
    assert len({block(c.html)["salt"] for c in copies}) == 3
    assert len({block(c.html)["nonce"] for c in copies}) == 3


def test_codes_are_100_bits_from_the_whole_alphabet() -> None:
    codes = [sealed_copy.new_code() for _ in range(400)]
    assert all(len(c) == 20 and set(c) <= set(sealed_copy.ALPHABET) for c in codes)
    assert len(sealed_copy.ALPHABET) == 32 and len(set(sealed_copy.ALPHABET)) == 32
    assert not set("ILOU") & set(sealed_copy.ALPHABET)
    assert set("".join(codes)) == set(sealed_copy.ALPHABET)  # 8000 draws miss none
    assert len(set(codes)) == 400


@pytest.mark.parametrize("typed", ["", "ABCDE", "U" * 20, "A" * 21, "ÅBCDE-FGHJK-MNPQR-STVWX"])
def test_what_is_not_a_code_is_refused(typed: str) -> None:
    with pytest.raises(SealedCopyError):
        sealed_copy.canonical_code(typed)


def test_the_policy_allows_only_the_files_own_script_and_styles() -> None:
    html, _ = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    csp = policy(html)
    assert csp == {
        "default-src": ["'none'"],
        "script-src": csp["script-src"],
        "style-src": csp["style-src"],
        "img-src": ["data:"],
        "form-action": ["'none'"],
        "base-uri": ["'none'"],
    }
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 1 and csp["script-src"] == [sha256_source(scripts[0])]
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert len(styles) == 1
    assert csp["style-src"] == [sha256_source(styles[0]), sha256_source(record.CSS)]
    assert "unsafe" not in html and "'self'" not in html
    # The script has its constants filled in, and they are the format's.
    assert "@" not in scripts[0]
    assert "var ITERATIONS = 600000;" in scripts[0]
    assert 'var FORMAT = "sluttsamtale-sealed-copy/1";' in scripts[0]
    assert f'var ALPHABET = "{sealed_copy.ALPHABET}";' in scripts[0]


def test_the_file_names_nothing_to_load() -> None:
    html, _ = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    lowered = html.lower()
    assert not re.search(r"""\s(?:src|href|action|srcset|poster|data)\s*=""", lowered)
    assert "http:" not in lowered and "https:" not in lowered and "url(" not in lowered
    assert "@import" not in lowered and "<link" not in lowered and "<iframe" not in lowered
    assert "fetch(" not in html and "XMLHttpRequest" not in html and "localStorage" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_locked_page_speaks_the_sets_language(language: str) -> None:
    html, _ = seal_record(record_html(), delete_by=DELETE_BY, language=language)  # type: ignore[arg-type]
    w = catalogue(language)["sealed"]  # type: ignore[arg-type]
    assert f'<html lang="{language}">' in html
    assert f"<h1>{w['title']}</h1>" in html and f">{w['code']}</label>" in html
    before, _, after = w["delete"].partition("{date}")
    assert f'{before}<time datetime="2026-11-30">2026-11-30</time>{after}' in html
    assert w["code_hint"].format(length=20) in html


def test_a_record_with_a_script_is_not_sealed() -> None:
    html = record_html().replace("</main>", "<SCRIPT>alert(1)</SCRIPT></main>")
    with pytest.raises(ValueError, match="no script"):
        seal_record(html, delete_by=DELETE_BY, language="nb")
