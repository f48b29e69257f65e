"""The testkit's reader and writer: vector files (README.md) in and out, and what the kit
is made of. The standard library only, so any Python can read the kit; tests/, fuzz/ and
scripts/ import this (and testing/testkit_run.py, which feeds a vector through the
collector), so the figures count exactly what the tests check.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TESTKIT = Path(__file__).resolve().parent
VECTORS = TESTKIT / "vectors"
KEY_FILE = TESTKIT / "hr-key.json"
PASSPHRASE = "testkit passphrase"
QUESTIONNAIRES = TESTKIT / "questionnaires"

LINK_SECRET_TEXT = "jIX356idPMa849IKpHQqrc0QlgPfpjNR-PLuqZlsaKE"
"""The link secret S of the kit's one invitation (FORMAT.md 14), as a link writes it. A
reader runs the vectors holding this invitation, so a part bound to its link id opens."""


def link_secret(text: str) -> bytes:
    """S from its base64url text (43 characters, no padding)."""
    return base64.urlsafe_b64decode(text + "=")


def link_id(secret: bytes) -> str:
    """L: hex of the first 16 bytes of SHA-256("sluttsamtale-link/1 " || S)."""
    return hashlib.sha256(b"sluttsamtale-link/1 " + secret).digest()[:16].hex()


LINK_SECRET = link_secret(LINK_SECRET_TEXT)
LINK_ID = link_id(LINK_SECRET)
assert LINK_ID == "873741c7c555384721ff100046ae59d1"

CANARY = "Kanarifugl quokka-7f3e: an answer that must stay sealed"
"""In every payload of the testkit (the long-text answer), and in the hostile answers."""
CANARY_MARK = "quokka"
"""Searched for instead of the whole canary, so that a message quoting part of it is caught."""

CLASSES = (
    "success",
    "envelope failure",
    "armor failure",
    "decrypt failure",
    "payload failure",
    "no key",
)
FILE_KINDS = ("json", "txt", "eml")
_HEADERS = ("expect", "comment", "file", "compressed", "payload", "receipt")
_REQUIRED = ("expect", "comment", "file")
MAX_DECOMPRESSED = 8 * 1024 * 1024
"""The largest body a vector inflates to (the 150 000-part mail is 6 MB)."""


class VectorFormatError(ValueError):
    """A vector file that breaks the testkit's own format (README.md)."""


@dataclass(frozen=True)
class Vector:
    name: str
    expect: str
    comment: str
    file: str  # json | txt | eml: the suffix the bytes are saved under before import
    body: bytes  # after decompression
    payload: str | None = None  # success: SHA-256 hex of the opened plaintext
    receipt: str | None = None  # success: the receipt code of the response file
    compressed: str | None = None

    @property
    def suffix(self) -> str:
        return f".{self.file}"


def parse_vector(name: str, data: bytes) -> Vector:
    """A vector from its file's bytes: header lines, one empty line, then the body."""
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        raise VectorFormatError(f"{name}: no empty line after the header")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise VectorFormatError(f"{name}: the header is not ASCII") from None
    fields: dict[str, str] = {}
    for line in lines:
        key, colon, value = line.partition(": ")
        if not colon or key not in _HEADERS or key in fields:
            raise VectorFormatError(f"{name}: bad header line {line!r}")
        fields[key] = value
    missing = [k for k in _REQUIRED if k not in fields]
    if missing:
        raise VectorFormatError(f"{name}: missing header {missing[0]!r}")
    if fields["expect"] not in CLASSES:
        raise VectorFormatError(f"{name}: unknown class {fields['expect']!r}")
    if fields["file"] not in FILE_KINDS:
        raise VectorFormatError(f"{name}: unknown file kind {fields['file']!r}")
    compressed = fields.get("compressed")
    if compressed is not None:
        if compressed != "zlib":
            raise VectorFormatError(f"{name}: unknown compression {compressed!r}")
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_DECOMPRESSED)
        except zlib.error:
            body = b""
        if inflater.unconsumed_tail or not inflater.eof:
            raise VectorFormatError(f"{name}: the compressed body is damaged or too large")
    success = fields["expect"] == "success"
    if success != ("payload" in fields) or success != ("receipt" in fields):
        raise VectorFormatError(f"{name}: payload and receipt go with success, and only there")
    return Vector(
        name=name,
        expect=fields["expect"],
        comment=fields["comment"],
        file=fields["file"],
        body=body,
        payload=fields.get("payload"),
        receipt=fields.get("receipt"),
        compressed=compressed,
    )


def vector_bytes(vector: Vector) -> bytes:
    """The file for a vector: the inverse of parse_vector (the generator writes this)."""
    lines = [f"expect: {vector.expect}", f"comment: {vector.comment}", f"file: {vector.file}"]
    body = vector.body
    if vector.compressed == "zlib":
        lines.append("compressed: zlib")
        body = zlib.compress(body, 9)
    if vector.payload is not None:
        lines.append(f"payload: {vector.payload}")
    if vector.receipt is not None:
        lines.append(f"receipt: {vector.receipt}")
    return "\n".join(lines).encode("ascii") + b"\n\n" + body


def read_vector(path: Path) -> Vector:
    return parse_vector(path.name, path.read_bytes())


def vector_paths(folder: Path = VECTORS) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def vectors(folder: Path = VECTORS) -> list[Vector]:
    return [read_vector(p) for p in vector_paths(folder)]


# --------------------------------------------------------------------------- bit flips


def flipped(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Every single-bit flip of `data`, with the bit's index."""
    buffer = bytearray(data)
    for index in range(len(data) * 8):
        byte, bit = divmod(index, 8)
        buffer[byte] ^= 1 << bit
        yield index, bytes(buffer)
        buffer[byte] ^= 1 << bit


KNOWN_BUGS: dict[str, str] = {}
"""Vectors the collector fails today, each reported with its reason; the tests mark them
as expected failures (strict), so the mark has to go when the collector is fixed."""

CANONICAL_ONLY = True
"""What FORMAT.md 5.2 says: a reader accepts only the canonical bytes (the final LF may be
missing). When False, a reader would accept any JSON spelling and only writers would write
the canonical bytes. The
vectors in ALTERNATIVE_SPELLINGS are success vectors under this rule. Were the spec to
require the canonical bytes, set this to True and regenerate: they become envelope
failures, and the armored sample's one flip that still imports (the file's final LF
turned into a tab, which takes two bits in the decoded file but one in the base64) too."""

ALTERNATIVE_SPELLINGS = (
    "success_pretty_printed",
    "success_whitespace",
    "success_member_order",
    "success_escapes",
    "success_max_size",
    "armor_last_line_full",
)
"""Valid JSON response files that are not canonical: envelope failures under CANONICAL_ONLY."""

ACCEPTED_SPELLINGS = ("success_no_final_newline",)
"""The one other spelling readers accept (FORMAT.md 5.2); re-encoding adds the final LF."""

MALLEABILITY_SAMPLES = ("success_declined", "success_armored_short")
"""The vectors whose every bit is flipped: a short JSON file and an armored block."""
