"""Running the testkit through the Python collector: load the kit's key and sets, and feed
a vector's bytes through the real import path for one input file."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from collector.errors import SluttsamtaleError
from collector.formats import hpke, keyfile
from collector.formats.keyfile import HRKey
from collector.intake import importer
from collector.intake.files import Item
from collector.intake.opening import OpenedResponse
from collector.model.loading import Catalog, load_catalog
from spec.testkit.testkit import KEY_FILE, PASSPHRASE, QUESTIONNAIRES, Vector, flipped


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
    opened: OpenedResponse | None = None

    def plaintext(self, keys: Mapping[str, HRKey]) -> bytes:
        """The opened payload's bytes, for the vector's `payload:` hash."""
        assert self.opened is not None
        return hpke.open_sealed(self.opened.sealed, keys[self.opened.key_id].private)


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
        opened = importer.open_item(
            Item(path), hr_keys=keys, catalog=catalog, now=datetime.now(UTC)
        )
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
