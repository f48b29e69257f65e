"""The testkit (spec/testkit) as Python sees it: read a vector, load the testkit key, and
feed a vector's bytes through the collector's real path for one input file.

Shared by tests/test_testkit.py, tests/test_malleability.py, fuzz/fuzz_import.py and
scripts/reliability_figures.py, so that the figures count exactly what the tests check.
The vector file format is described in spec/testkit/README.md.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from collector import crypto, importer, inputs, keyfile
from collector.errors import SluttsamtaleError
from collector.keyfile import HRKey
from collector.questionnaires import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
TESTKIT = ROOT / "spec" / "testkit"
VECTORS = TESTKIT / "vectors"
KEY_FILE = TESTKIT / "hr-key.json"
PASSPHRASE = "testkit passphrase"
QUESTIONNAIRES = TESTKIT / "questionnaires"

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
MAX_DECOMPRESSED = 4 * 1024 * 1024


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


# --------------------------------------------------------------------------- key and sets


def load_key(work: Path | None = None) -> HRKey:
    """The committed testkit key, opened with its published passphrase.

    Git does not keep the file's 0600 mode and keyfile.load rightly refuses a wider one,
    so a private copy is opened (in `work`, or a temporary folder removed afterwards).
    """
    if work is not None:
        return _load_copy(work)
    with tempfile.TemporaryDirectory(prefix="testkit-key-") as folder:
        return _load_copy(Path(folder))


def _load_copy(folder: Path) -> HRKey:
    copy = folder / KEY_FILE.name
    shutil.copyfile(KEY_FILE, copy)
    os.chmod(copy, 0o600)
    return keyfile.load(copy, PASSPHRASE)


def load_keys(work: Path | None = None) -> dict[str, HRKey]:
    key = load_key(work)
    return {key.key_id: key}


def catalog() -> Catalog:
    return load_catalog(QUESTIONNAIRES)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Outcome:
    """What the collector made of one input: a class, and the message or the response."""

    kind: str
    message: str | None = None
    opened: importer.OpenedResponse | None = None

    def plaintext(self, keys: Mapping[str, HRKey]) -> bytes:
        """The opened payload's bytes, for the vector's `payload:` hash."""
        assert self.opened is not None
        return crypto.open_sealed(self.opened.sealed, keys[self.opened.key_id].private)


def run_bytes(
    body: bytes,
    suffix: str,
    folder: Path,
    *,
    keys: Mapping[str, HRKey],
    catalog: Catalog,
) -> Outcome:
    """Save `body` as one input file in `folder` and open it as `sluttsamtale import` does.

    Only the documented error types count as a class; anything else propagates, so a test
    or the fuzzer sees it as the bug it is.
    """
    path = folder / f"input{suffix}"
    path.write_bytes(body)
    try:
        opened = importer.open_item(inputs.Item(path), keys=keys, catalog=catalog)
    except SluttsamtaleError as e:
        return Outcome(e.kind, str(e))
    finally:
        path.unlink(missing_ok=True)
    return Outcome("success", opened=opened)


def run_vector(
    vector: Vector, folder: Path, *, keys: Mapping[str, HRKey], catalog: Catalog
) -> Outcome:
    return run_bytes(vector.body, vector.suffix, folder, keys=keys, catalog=catalog)


def check_vector(
    vector: Vector, folder: Path, *, keys: Mapping[str, HRKey], catalog: Catalog
) -> str | None:
    """None if the collector does what the vector says; else what it did instead."""
    try:
        outcome = run_vector(vector, folder, keys=keys, catalog=catalog)
    except Exception as e:  # noqa: BLE001 - a crash is what this reports, not a reason to stop
        return f"raised {type(e).__name__}, which is none of the documented errors"
    if outcome.kind != vector.expect:
        return f"expected {vector.expect}, got {outcome.kind}: {outcome.message}"
    if outcome.kind != "success":
        return None
    assert outcome.opened is not None
    digest = hashlib.sha256(outcome.plaintext(keys)).hexdigest()
    if digest != vector.payload:
        return f"opened, but the payload's SHA-256 is {digest}, not {vector.payload}"
    if outcome.opened.receipt != vector.receipt:
        return f"opened, but the receipt is {outcome.opened.receipt}, not {vector.receipt}"
    return None


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


def flips_accepted(
    vector: Vector, folder: Path, *, keys: Mapping[str, HRKey], catalog: Catalog
) -> tuple[int, list[int]]:
    """(flips tried, indexes of the flips that imported anyway)."""
    accepted = []
    total = 0
    for index, data in flipped(vector.body):
        total += 1
        if run_bytes(data, vector.suffix, folder, keys=keys, catalog=catalog).kind == "success":
            accepted.append(index)
    return total, accepted
