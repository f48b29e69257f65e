"""HR's key file (sluttsamtale-key/1): written once, read strictly, never weakened.

Argon2id with 64 MiB takes a moment on purpose, so one key is made per module and most
cases are refused before any derivation runs.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from collector.errors import KeyFileError
from collector.formats import hpke, keyfile, keys

PASSPHRASE = "korrekt hest batteri stift"


@dataclass(frozen=True)
class Made:
    key: Path
    pem: Path
    key_id: str

    def document(self) -> dict[str, Any]:
        return json.loads(self.key.read_text())


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    key, pem, kid = keyfile.generate(tmp_path_factory.mktemp("key"), PASSPHRASE)
    return Made(key, pem, kid)


def write_key(folder: Path, data: bytes | dict[str, Any], mode: int = 0o600) -> Path:
    path = folder / "hr-key.json"
    if isinstance(data, dict):
        data = (json.dumps(data, indent=2) + "\n").encode()
    path.write_bytes(data)
    path.chmod(mode)
    return path


def refused(path: Path, passphrase: str = PASSPHRASE) -> str:
    with pytest.raises(KeyFileError) as caught:
        keyfile.load(path, passphrase)
    message = str(caught.value)
    assert str(path) in message
    assert "\n" not in message
    assert passphrase not in message
    return message


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --------------------------------------------------------------------------- writing


def test_generate_and_load_round_trip(made: Made) -> None:
    key = keyfile.load(made.key, PASSPHRASE)
    assert key.key_id == made.key_id
    assert key.path == made.key
    public = keys.load_public_pem(made.pem)
    assert keys.public_raw(key.private.public_key()) == public.raw
    assert public.key_id == made.key_id
    assert public.demo is False
    # The key opens what is sealed to the PEM: the pair belongs together.
    assert hpke.open_sealed(hpke.seal(b"hei", public.raw), key.private) == b"hei"


def test_generate_writes_exactly_the_documented_fields(made: Made) -> None:
    text = made.key.read_text()
    doc = json.loads(text)
    assert list(doc) == ["format", "key_id", "public_key", "kdf", "nonce", "sealed_key"]
    assert list(doc["kdf"]) == ["name", "salt", "iterations", "lanes", "memory_cost"]
    assert doc["format"] == "sluttsamtale-key/1"
    assert doc["key_id"] == made.key_id
    assert doc["kdf"]["name"] == "argon2id"
    assert {k: doc["kdf"][k] for k in keyfile.MIN_KDF} == {
        "iterations": 3,
        "lanes": 4,
        "memory_cost": 65536,
    }
    lengths = {
        "public_key": len(base64.b64decode(doc["public_key"], validate=True)),
        "salt": len(base64.b64decode(doc["kdf"]["salt"], validate=True)),
        "nonce": len(base64.b64decode(doc["nonce"], validate=True)),
        "sealed_key": len(base64.b64decode(doc["sealed_key"], validate=True)),
    }
    assert lengths == {"public_key": 32, "salt": 16, "nonce": 12, "sealed_key": 48}
    assert keys.key_id(base64.b64decode(doc["public_key"])) == made.key_id
    assert text == json.dumps(doc, indent=2) + "\n"


def test_generate_key_file_mode_is_0600(made: Made) -> None:
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600


def test_generate_ignores_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        key, pem, _ = keyfile.generate(tmp_path, PASSPHRASE)
    finally:
        os.umask(old)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(pem.stat().st_mode) == 0o644


def test_generate_demo_marks_the_public_key(tmp_path: Path) -> None:
    _, pem, kid = keyfile.generate(tmp_path, "demo passphrase", demo=True)
    text = pem.read_text()
    assert text.startswith(f"{keys.DEMO_MARK}: ")
    assert text.splitlines()[1] == "-----BEGIN PUBLIC KEY-----"
    public = keys.load_public_pem(pem)
    assert public.demo is True and public.key_id == kid


def test_generate_salt_and_nonce_are_fresh(tmp_path: Path, made: Made) -> None:
    key, _, kid = keyfile.generate(tmp_path, PASSPHRASE)
    a, b = made.document(), json.loads(key.read_text())
    assert kid != made.key_id
    assert a["kdf"]["salt"] != b["kdf"]["salt"]
    assert a["nonce"] != b["nonce"]


@pytest.mark.parametrize("existing", ["hr-key.json", "hr-public.pem"])
def test_generate_refuses_to_overwrite(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("the old key\n")
    with pytest.raises(KeyFileError) as caught:
        keyfile.generate(tmp_path, PASSPHRASE)
    assert str(caught.value) == (
        f"{tmp_path / existing} already exists; a key is never written over, "
        "so move the old one away first"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]
    assert (tmp_path / existing).read_text() == "the old key\n"


def test_generate_refuses_a_dangling_link_in_the_way(tmp_path: Path) -> None:
    # O_EXCL would also refuse it; the early check keeps hr-public.pem from being written.
    (tmp_path / "hr-key.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(KeyFileError, match="already exists"):
        keyfile.generate(tmp_path, PASSPHRASE)
    assert not (tmp_path / "elsewhere.json").exists()
    assert not (tmp_path / "hr-public.pem").exists()


def test_generate_refuses_an_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError) as caught:
        keyfile.generate(tmp_path, "")
    assert str(caught.value) == "the passphrase is empty; choose a long passphrase"
    assert list(tmp_path.iterdir()) == []


def test_generate_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError) as caught:
        keyfile.generate(tmp_path / "nowhere", PASSPHRASE)
    assert str(caught.value) == (
        f"{tmp_path / 'nowhere' / 'hr-key.json'} cannot be written (No such file or directory)"
    )


# --------------------------------------------------------------------------- reading: the file


def test_load_missing_file(tmp_path: Path) -> None:
    assert refused(tmp_path / "hr-key.json") == f"{tmp_path / 'hr-key.json'} does not exist"


def test_load_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "hr-key.json"
    folder.mkdir(mode=0o700)
    assert refused(folder) == f"{folder} is not a regular file"


@pytest.mark.parametrize(
    ("mode", "what"),
    [
        (0o644, "readable"),
        (0o640, "readable"),
        (0o604, "readable"),
        (0o660, "readable"),
        (0o620, "writable"),
        (0o602, "writable"),
        (0o610, "usable"),
    ],
)
def test_load_refuses_a_mode_wider_than_0600(
    tmp_path: Path, made: Made, mode: int, what: str
) -> None:
    path = write_key(tmp_path, made.key.read_bytes(), mode)
    assert refused(path) == (f"{path} is {what} by others (mode {mode:04o}); run chmod 600 {path}")


def test_load_accepts_mode_0400(tmp_path: Path, made: Made) -> None:
    path = write_key(tmp_path, made.key.read_bytes(), 0o400)
    assert keyfile.load(path, PASSPHRASE).key_id == made.key_id


def test_load_refuses_a_huge_file(tmp_path: Path) -> None:
    path = write_key(tmp_path, b"{" + b" " * keyfile.MAX_KEY_FILE_BYTES + b"}")
    assert refused(path) == f"{path} is too large to be a Sluttsamtale key file"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "not JSON (a value was expected at line 1, column 1)"),
        (b"PRIVATE KEY", "not JSON (a value was expected at line 1, column 1)"),
        (b"\xef\xbb\xbf{}", "starts with a byte order mark"),
        (b'{"format": "\xff"}', "not UTF-8"),
        (b'{"format": 1, "format": 2}', 'duplicate key "format"'),
        (b"{} {}", "trailing data after the JSON object"),
        (b"[" * 100 + b"]" * 100, "nesting too deep"),
        (b"[]", "the file must be a JSON object"),
    ],
)
def test_load_refuses_what_is_not_a_key_file(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write_key(tmp_path, data)
    assert refused(path) == f"{path} is not a Sluttsamtale key file: {problem}"


# --------------------------------------------------------------------------- reading: fields


def _set(*where: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for name in where[:-1]:
            target = target[name]
        target[where[-1]] = value

    return change


def _delete(*where: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for name in where[:-1]:
            target = target[name]
        del target[where[-1]]

    return change


FIELD_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "format other": (
        _set("format", value="sluttsamtale-key/2"),
        'unsupported format "sluttsamtale-key/2"',
    ),
    "format type": (_set("format", value=1), '"format" must be a string'),
    "unknown field": (_set("comment", value="x"), 'unknown field "comment"'),
    "unknown kdf field": (_set("kdf", "pepper", value="x"), 'unknown field "pepper" in "kdf"'),
    "missing field": (_delete("sealed_key"), 'missing field "sealed_key"'),
    "missing kdf field": (_delete("kdf", "salt"), 'missing field "salt" in "kdf"'),
    "missing nonce": (_delete("nonce"), 'missing field "nonce"'),
    "kdf not an object": (_set("kdf", value="argon2id"), '"kdf" must be a JSON object'),
    "key id upper case": (
        _set("key_id", value="ABCDEF00" * 4),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "key id short": (_set("key_id", value="abcd"), '"key_id" must be 32 lowercase hex characters'),
    "public key short": (
        _set("public_key", value=b64(bytes(31))),
        '"public_key" must be canonical base64 of 32 bytes',
    ),
    "public key unpadded": (
        _set("public_key", value=b64(bytes(32)).rstrip("=")),
        '"public_key" must be canonical base64 of 32 bytes',
    ),
    "salt short": (
        _set("kdf", "salt", value=b64(bytes(8))),
        '"kdf.salt" must be canonical base64 of 16 bytes',
    ),
    "salt with a space": (
        _set("kdf", "salt", value="AAAA AAAAAAAAAAAAAAAAAA=="),
        '"kdf.salt" must be canonical base64 of 16 bytes',
    ),
    "salt type": (_set("kdf", "salt", value=16), '"kdf.salt" must be a string'),
    "nonce long": (
        _set("nonce", value=b64(bytes(16))),
        '"nonce" must be canonical base64 of 12 bytes',
    ),
    "private key short": (
        _set("sealed_key", value=b64(bytes(32))),
        '"sealed_key" must be canonical base64 of 48 bytes',
    ),
    "iterations as text": (
        _set("kdf", "iterations", value="3"),
        '"kdf.iterations" must be a whole number',
    ),
    "iterations as bool": (
        _set("kdf", "iterations", value=True),
        '"kdf.iterations" must be a whole number',
    ),
    "iterations as float": (
        _set("kdf", "iterations", value=3.0),
        '"kdf.iterations" must be a whole number',
    ),
}


@pytest.mark.parametrize("case", list(FIELD_CASES))
def test_load_refuses_a_malformed_field(tmp_path: Path, made: Made, case: str) -> None:
    change, problem = FIELD_CASES[case]
    doc = made.document()
    change(doc)
    path = write_key(tmp_path, doc)
    assert refused(path) == f"{path} is not a Sluttsamtale key file: {problem}"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("iterations", 2),
        ("iterations", 0),
        ("memory_cost", 32768),
        ("memory_cost", 65535),
        ("lanes", 1),
        ("lanes", 3),
        ("lanes", -4),
    ],
)
def test_load_refuses_weaker_kdf_parameters(
    tmp_path: Path, made: Made, name: str, value: int
) -> None:
    doc = made.document()
    doc["kdf"][name] = value
    path = write_key(tmp_path, doc)
    assert refused(path) == (
        f'{path} is protected more weakly than allowed: "kdf.{name}" is {value}, '
        f"at least {keyfile.MIN_KDF[name]} is required"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("iterations", 65), ("memory_cost", 2_097_153), ("lanes", 65), ("memory_cost", 10**30)],
)
def test_load_refuses_absurd_kdf_parameters(
    tmp_path: Path, made: Made, name: str, value: int
) -> None:
    doc = made.document()
    doc["kdf"][name] = value
    path = write_key(tmp_path, doc)
    assert refused(path) == (
        f'{path} asks for more work than allowed: "kdf.{name}" is {value}, '
        f"at most {keyfile.MAX_KDF[name]}"
    )


@pytest.mark.parametrize("name", ["argon2i", "argon2d", "scrypt", "pbkdf2-sha256", "ARGON2ID"])
def test_load_refuses_another_kdf(tmp_path: Path, made: Made, name: str) -> None:
    doc = made.document()
    doc["kdf"]["name"] = name
    path = write_key(tmp_path, doc)
    assert refused(path) == f'{path} uses key derivation "{name}"; only "argon2id" is allowed'


# --------------------------------------------------------------------------- reading: secrets


def test_load_wrong_passphrase(made: Made) -> None:
    assert refused(made.key, "not the passphrase") == (
        f"{made.key} does not open with this passphrase; the passphrase is wrong "
        "or the file was altered"
    )


def test_load_tampered_sealed_private_key(tmp_path: Path, made: Made) -> None:
    doc = made.document()
    sealed = bytearray(base64.b64decode(doc["sealed_key"]))
    sealed[0] ^= 1
    doc["sealed_key"] = b64(bytes(sealed))
    path = write_key(tmp_path, doc)
    assert refused(path).endswith(
        "does not open with this passphrase; the passphrase is wrong or the file was altered"
    )


def test_load_tampered_public_key(tmp_path: Path, made: Made) -> None:
    doc = made.document()
    doc["public_key"] = b64(keys.public_raw(keys.generate_private().public_key()))
    path = write_key(tmp_path, doc)
    assert refused(path) == f"{path} is damaged: its key id does not match its public key"


def test_load_swapped_public_key_and_key_id(tmp_path: Path, made: Made) -> None:
    # A consistent but different public key: the GCM associated data holds the key id,
    # so the sealed private key no longer opens.
    raw = keys.public_raw(keys.generate_private().public_key())
    doc = made.document()
    doc["public_key"], doc["key_id"] = b64(raw), keys.key_id(raw)
    path = write_key(tmp_path, doc)
    assert "does not open with this passphrase" in refused(path)


def test_load_private_key_not_matching_public_key(tmp_path: Path, made: Made) -> None:
    # Sealed correctly under the file's key id, but it is another private key.
    doc = made.document()
    salt, nonce = bytes(16), bytes(12)
    params = keyfile.KdfParams(**keyfile.MIN_KDF)
    sealed = keyfile.seal_private_key(
        keys.generate_private(),
        PASSPHRASE,
        salt=salt,
        nonce=nonce,
        params=params,
        ad=keyfile.key_ad(made.key_id),
    )
    doc["kdf"]["salt"], doc["nonce"], doc["sealed_key"] = (
        b64(salt),
        b64(nonce),
        b64(sealed),
    )
    path = write_key(tmp_path, doc)
    assert refused(path) == f"{path} is damaged: its private key does not match its public key"


def test_load_accepts_any_json_whitespace(tmp_path: Path, made: Made) -> None:
    path = write_key(tmp_path, json.dumps(made.document()).encode())
    assert keyfile.load(path, PASSPHRASE).key_id == made.key_id


def test_passphrase_is_compared_in_nfc(tmp_path: Path) -> None:
    composed = unicodedata.normalize("NFC", "blåbærsyltetøy på skrå")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    key, _, kid = keyfile.generate(tmp_path, composed)
    assert keyfile.load(key, decomposed).key_id == kid


def test_key_ad_binds_the_key_id() -> None:
    assert keyfile.key_ad("ab" * 16) == b"sluttsamtale-key/1 " + b"ab" * 16
