"""Running the testkit through the Python collector: load the kit's key and sets, and feed
a vector's bytes through the real import path for one input file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from collector.errors import SluttsamtaleError
from collector.formats import envelope, hpke, keyfile
from collector.formats.keyfile import HRKey
from collector.intake import extract, importer
from collector.intake.files import Item
from collector.intake.opening import Invitation, OpenedResponse, choose_part
from collector.model.loading import Catalog, load_catalog
from collector.model.records import InvitationRecord
from collector.store import InvitationRow
from spec.testkit.testkit import (
    KEY_FILE,
    LINK_ID,
    LINK_SECRET,
    LINK_SECRET_TEXT,
    PASSPHRASE,
    QUESTIONNAIRES,
    Vector,
    flipped,
)


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


KIT_INVITATION = Invitation(
    row=InvitationRow(
        code="testkit", link_id=LINK_ID, identity_tag="", key_id="", delete_by="", record=b""
    ),
    record=InvitationRecord(
        secret=LINK_SECRET_TEXT,
        set_id="testkit",
        language="en",
        name="Testkit Leaver",
        last_day="2025-06-30",
        invited_at="2025-03-01T09:00:00Z",
    ),
)
"""The kit's one invitation (README.md): the reader holds it, so parts bound to its link
open; a part bound to any other link is "no key"."""
assert KIT_INVITATION.secret == LINK_SECRET


def find_kit_link(link_id: str) -> Invitation | None:
    return KIT_INVITATION if link_id == LINK_ID else None


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Outcome:
    """What the collector made of one input: a class, and the message or the response."""

    kind: str
    message: str | None = None
    opened: OpenedResponse | None = None

    response: bytes = b""
    """The response file the input held (itself, or found in its armor or mail)."""

    @property
    def plaintext_digest(self) -> str:
        """SHA-256 hex of the opened plaintext, for the vector's `payload:` line."""
        assert self.opened is not None
        return self.opened.plaintext_digest

    def plaintext(self, keys: Mapping[str, HRKey]) -> bytes:
        """The opened part's plaintext (padded), opened once more from the response file."""
        assert self.opened is not None
        part = choose_part(envelope.parse(self.response), keys)
        secret = self.opened.invitation.secret if self.opened.invitation else None
        return hpke.open_sealed(part.sealed, keys[part.key_id].private, secret)


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
            Item(path),
            hr_keys=keys,
            catalog=catalog,
            now=datetime.now(UTC),
            find_link=find_kit_link,
        )
        response = extract.extract(path)
    except SluttsamtaleError as e:
        return Outcome(e.kind, str(e))
    finally:
        path.unlink(missing_ok=True)
    return Outcome("success", opened=opened, response=response)


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
    digest = outcome.plaintext_digest
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
