"""HR's key file (sluttsamtale-key/1): the X25519 private key under HR's passphrase.

hr-key.json holds the raw private key sealed with AES-256-GCM under a key that Argon2id
derives from the passphrase; hr-public.pem is the public key for the site build. See
spec/FORMAT.md, "Key file". Loading refuses anything weaker than this module writes, so a
copied or hand-edited file cannot quietly lower the protection.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .. import osflags
from ..errors import KeyFileError
from ..i18n import tr
from . import keys
from .keys import PrivateKey
from .strictjson import JSONProblem, b64decode_canonical, loads, quoted

KEY_FORMAT = "sluttsamtale-key/1"
KDF_NAME = "argon2id"
MIN_KDF = {"iterations": 3, "lanes": 4, "memory_cost": 65536}
"""What keygen writes and the least a reader accepts (memory_cost in KiB: 64 MiB)."""
MAX_KDF = {"iterations": 64, "lanes": 64, "memory_cost": 2_097_152}
"""The most a reader spends (2 GiB), so a hostile key file cannot exhaust the machine."""
SALT_LEN = 16
NONCE_LEN = 12
SEALED_KEY_LEN = 32 + 16
MAX_KEY_FILE_BYTES = 65_536
KEY_FILE_NAME = "hr-key.json"
PEM_FILE_NAME = "hr-public.pem"

_KEY_ID = re.compile(r"[0-9a-f]{32}")
_FIELDS = ("format", "key_id", "public_key", "kdf", "nonce", "sealed_key")
_KDF_FIELDS = ("name", "salt", "iterations", "lanes", "memory_cost")


@dataclass(frozen=True)
class HRKey:
    key_id: str
    private: PrivateKey
    path: Path


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
    private: PrivateKey, passphrase: str, *, salt: bytes, nonce: bytes, params: KdfParams, ad: bytes
) -> bytes:
    """ct || tag (48 bytes) of the raw private key."""
    key = passphrase_key(passphrase, salt, params)
    return AESGCM(key).encrypt(nonce, keys.private_raw(private), ad)


def open_private_key(
    sealed: bytes, passphrase: str, *, salt: bytes, nonce: bytes, params: KdfParams, ad: bytes
) -> PrivateKey | None:
    """The private key, or None if the passphrase is wrong or the sealed bytes were altered."""
    key = passphrase_key(passphrase, salt, params)
    try:
        raw = AESGCM(key).decrypt(nonce, sealed, ad)
    except InvalidTag:
        return None
    if len(raw) != 32:
        return None
    return keys.private_from_raw(raw)


def key_ad(kid: str) -> bytes:
    """The AES-GCM associated data: binds the sealed private key to its key id."""
    return f"{KEY_FORMAT} {kid}".encode()


# --------------------------------------------------------------------------- writing


def generate(out_dir: Path, passphrase: str, *, demo: bool = False) -> tuple[Path, Path, str]:
    """Write a new key pair into `out_dir`; never writes over an existing file.

    Returns (hr-key.json, hr-public.pem, key id).
    """
    if not passphrase:
        raise KeyFileError(tr("the passphrase is empty; choose a long passphrase"))
    key_path, pem_path = refuse_existing(out_dir)

    private = keys.generate_private()
    raw = keys.public_of(private)
    salt, nonce = secrets.token_bytes(SALT_LEN), secrets.token_bytes(NONCE_LEN)
    document = key_document(private, passphrase, salt=salt, nonce=nonce)
    _write_new(key_path, key_file_bytes(document), 0o600)
    try:
        _write_new(pem_path, keys.public_pem(raw, demo=demo), 0o644)
    except KeyFileError:
        key_path.unlink()  # ours, written a moment ago: leave no half key pair behind
        raise
    return key_path, pem_path, keys.key_id(raw)


def key_document(
    private: PrivateKey, passphrase: str, *, salt: bytes, nonce: bytes
) -> dict[str, Any]:
    """The key file's content, fields in the order written; salt and nonce must be fresh."""
    raw = keys.public_of(private)
    kid = keys.key_id(raw)
    sealed = seal_private_key(
        private,
        passphrase,
        salt=salt,
        nonce=nonce,
        params=KdfParams(**MIN_KDF),
        ad=key_ad(kid),
    )
    return {
        "format": KEY_FORMAT,
        "key_id": kid,
        "public_key": _b64(raw),
        "kdf": {"name": KDF_NAME, "salt": _b64(salt), **MIN_KDF},
        "nonce": _b64(nonce),
        "sealed_key": _b64(sealed),
    }


def key_file_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2) + "\n").encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def refuse_existing(out_dir: Path) -> tuple[Path, Path]:
    """The paths a new key pair goes to in `out_dir`; KeyFileError if either is taken."""
    key_path, pem_path = out_dir / KEY_FILE_NAME, out_dir / PEM_FILE_NAME
    for path in (key_path, pem_path):
        if os.path.lexists(path):
            raise KeyFileError(_exists(path))
    return key_path, pem_path


def _exists(path: Path) -> str:
    return tr(
        "{path} already exists; a key is never written over, so move the old one away first",
        path=path,
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` with `mode`, failing if anything is there (O_EXCL: no race, no link)."""
    try:
        fd = os.open(path, osflags.CREATE_NEW, mode)
    except FileExistsError:
        raise KeyFileError(_exists(path)) from None
    except OSError as e:
        raise _unwritable(path, e) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)  # the umask may have narrowed it; never widened
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        path.unlink(missing_ok=True)
        raise _unwritable(path, e) from None


# --------------------------------------------------------------------------- reading


def _document(path: Path) -> Any:
    """The key file's JSON, read strictly; KeyFileError if it is not JSON."""
    try:
        return loads(_read_private(path))
    except JSONProblem as e:
        raise KeyFileError(
            tr("{path} is not a Sluttsamtale key file: {error}", path=path, error=e)
        ) from None


def public_of_file(path: Path) -> tuple[str, bytes]:
    """The key id and raw public key a key file names, read without its passphrase."""
    document = _document(path)
    kid, public, *_ = _Fields(path).parse(document)
    return kid, public


def load(path: Path, passphrase: str) -> HRKey:
    """Open HR's key file with the passphrase; KeyFileError names the file and the problem."""
    document = _document(path)
    fields = _Fields(path)
    kid, public, params, salt, nonce, sealed = fields.parse(document)
    if keys.key_id(public) != kid:
        raise KeyFileError(
            tr(
                "{path} is damaged: its key id does not match its public key",
                path=path,
            )
        )
    private = open_private_key(
        sealed, passphrase, salt=salt, nonce=nonce, params=params, ad=key_ad(kid)
    )
    if private is None:
        raise KeyFileError(
            tr(
                "{path} does not open with this passphrase; the passphrase is wrong or "
                "the file was altered",
                path=path,
            )
        )
    if keys.public_of(private) != public:
        raise KeyFileError(
            tr(
                "{path} is damaged: its private key does not match its public key",
                path=path,
            )
        )
    return HRKey(kid, private, path)


def _read_private(path: Path) -> bytes:
    """The file's bytes, if it is a regular file that only its owner can use."""
    try:
        fd = os.open(path, osflags.READ)
    except FileNotFoundError:
        raise KeyFileError(tr("{path} does not exist", path=path)) from None
    except OSError as e:
        raise KeyFileError(
            tr(
                "{path} cannot be read ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    try:
        # fstat on the open file: the mode checked is the mode of the file read.
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(tr("{path} is not a regular file", path=path))
        mode = stat.S_IMODE(info.st_mode)
        if osflags.POSIX and mode & 0o077:
            if mode & 0o044:
                said = tr(
                    "{path} is readable by others (mode {mode:04o}); run chmod 600 {path}",
                    path=path,
                    mode=mode,
                )
            elif mode & 0o022:
                said = tr(
                    "{path} is writable by others (mode {mode:04o}); run chmod 600 {path}",
                    path=path,
                    mode=mode,
                )
            else:
                said = tr(
                    "{path} is usable by others (mode {mode:04o}); run chmod 600 {path}",
                    path=path,
                    mode=mode,
                )
            raise KeyFileError(said)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as e:
        raise KeyFileError(
            tr(
                "{path} cannot be read ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(tr("{path} is too large to be a Sluttsamtale key file", path=path))
    return data


@dataclass(frozen=True)
class _Fields:
    """Checks the key file's fields one by one, each failure naming the file and field."""

    path: Path

    def fail(self, problem: str) -> KeyFileError:
        return KeyFileError(
            tr(
                "{path} is not a Sluttsamtale key file: {problem}",
                path=self.path,
                problem=problem,
            )
        )

    def parse(self, document: Any) -> tuple[str, bytes, KdfParams, bytes, bytes, bytes]:
        top = self.object(document, None, _FIELDS)
        fmt = self.string(top, "format")
        if fmt != KEY_FORMAT:
            raise self.fail(tr("unsupported format {fmt}", fmt=quoted(fmt)))
        kid = self.string(top, "key_id")
        if not _KEY_ID.fullmatch(kid):
            raise self.fail(tr('"key_id" must be 32 lowercase hex characters'))
        public = self.base64(top, "public_key", 32)
        kdf = self.object(top["kdf"], "kdf", _KDF_FIELDS)
        name = self.string(kdf, "name", "kdf.")
        if name != KDF_NAME:
            raise KeyFileError(
                tr(
                    '{path} uses key derivation {name}; only "{KDF_NAME}" is allowed',
                    path=self.path,
                    name=quoted(name),
                    KDF_NAME=KDF_NAME,
                )
            )
        salt = self.base64(kdf, "salt", SALT_LEN, "kdf.")
        params = KdfParams(**{k: self.cost(kdf, k) for k in MIN_KDF})
        nonce = self.base64(top, "nonce", NONCE_LEN)
        sealed = self.base64(top, "sealed_key", SEALED_KEY_LEN)
        return kid, public, params, salt, nonce, sealed

    def object(self, value: Any, member: str | None, fields: tuple[str, ...]) -> dict[str, Any]:
        """The file itself (`member` None) or one of its members, as an object of `fields`."""
        if not isinstance(value, dict):
            raise self.fail(
                tr("the file must be a JSON object")
                if member is None
                else tr('"{member}" must be a JSON object', member=member)
            )
        for name in value:
            if name not in fields:
                raise self.fail(
                    tr("unknown field {name}", name=quoted(name))
                    if member is None
                    else tr('unknown field {name} in "{member}"', name=quoted(name), member=member)
                )
        for name in fields:
            if name not in value:
                raise self.fail(
                    tr('missing field "{name}"', name=name)
                    if member is None
                    else tr('missing field "{name}" in "{member}"', name=name, member=member)
                )
        return value

    def string(self, obj: dict[str, Any], name: str, scope: str = "") -> str:
        value = obj[name]
        if not isinstance(value, str):
            raise self.fail(tr('"{scope}{name}" must be a string', scope=scope, name=name))
        return value

    def base64(self, obj: dict[str, Any], name: str, length: int, scope: str = "") -> bytes:
        raw = b64decode_canonical(self.string(obj, name, scope))
        if raw is None or len(raw) != length:
            raise self.fail(
                tr(
                    '"{scope}{name}" must be canonical base64 of {length} bytes',
                    scope=scope,
                    name=name,
                    length=length,
                )
            )
        return raw

    def cost(self, kdf: dict[str, Any], name: str) -> int:
        value = kdf[name]
        # bool is an int in Python, never in the format.
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(tr('"kdf.{name}" must be a whole number', name=name))
        if value < MIN_KDF[name]:
            raise KeyFileError(
                tr(
                    '{path} is protected more weakly than allowed: "kdf.{name}" is {value}, '
                    "at least {value2} is required",
                    path=self.path,
                    name=name,
                    value=value,
                    value2=MIN_KDF[name],
                )
            )
        if value > MAX_KDF[name]:
            raise KeyFileError(
                tr(
                    '{path} asks for more work than allowed: "kdf.{name}" is {value}, at '
                    "most {value2}",
                    path=self.path,
                    name=name,
                    value=value,
                    value2=MAX_KDF[name],
                )
            )
        return value


def _unwritable(path: Path, e: OSError) -> KeyFileError:
    return KeyFileError(tr("{path} cannot be written ({strerror})", path=path, strerror=e.strerror))
