"""SQL for the `responses` table: responses as the collector keeps them, sealed, and the
`deleted` table that remembers (by digest only) what was deleted, so it is not taken again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, Literal

from ..errors import StoreError
from ..i18n import tr
from .records import StoredResponse

Outcome = Literal["imported", "duplicate"]
COLUMNS = (
    "response_id, key_id, received_at, delete_by, receipt, file_digest, enc_digest, "
    "record, summary, superseded, confirmed"
)
_PLACEHOLDERS = ", ".join("?" for _ in COLUMNS.split(", "))


class ConflictError(StoreError):
    """A different response with the same id is already stored."""

    kind = "conflict"


class ReplayError(StoreError):
    """A part whose enc was seen before, in another file (FORMAT.md 6, class `replay`)."""

    kind = "replay"


class DeletedError(StoreError):
    """A response that was deleted (purged or erased) and must not come back."""

    kind = "deleted"


def insert(conn: sqlite3.Connection, response: StoredResponse) -> Outcome:
    """Insert inside the caller's transaction: "imported", or "duplicate" if this very file
    is here already. A different file with the same response id is a conflict; a different
    file with an enc seen before is a replay; a file deleted before stays deleted."""
    gone = conn.execute(
        "SELECT deleted_on, how FROM deleted WHERE enc_digest = ? OR file_digest = ?",
        (response.enc_digest, response.file_digest),
    ).fetchone()
    if gone is not None:
        on, how = gone[0], gone[1]
        raise DeletedError(
            tr(
                "this response was purged on {day} and is not taken again; delete the file too",
                day=on,
            )
            if how == "purged"
            else tr(
                "this response was erased on {day} and is not taken again; delete the file too",
                day=on,
            )
        )
    row = conn.execute(
        "SELECT file_digest FROM responses WHERE response_id = ? OR enc_digest = ?",
        (response.response_id, response.enc_digest),
    ).fetchone()
    if row is not None:
        if row[0] == response.file_digest:
            return "duplicate"
        same_enc = conn.execute(
            "SELECT 1 FROM responses WHERE enc_digest = ?", (response.enc_digest,)
        ).fetchone()
        if same_enc is None:
            raise ConflictError(tr("a different response with the same id is already stored"))
        raise ReplayError(
            tr(
                "its sealed part was taken from an earlier response; this file is a copy "
                "altered to look new"
            )
        )
    conn.execute(
        f"INSERT INTO responses ({COLUMNS}) VALUES ({_PLACEHOLDERS})",
        (
            response.response_id,
            response.key_id,
            response.received_at,
            response.delete_by,
            response.receipt,
            response.file_digest,
            response.enc_digest,
            response.record,
            response.summary,
            int(response.superseded),
            int(response.confirmed),
        ),
    )
    return "imported"


def file_with_enc(conn: sqlite3.Connection, enc_digest: str) -> str | None:
    row = conn.execute(
        "SELECT file_digest FROM responses WHERE enc_digest = ?", (enc_digest,)
    ).fetchone()
    return row[0] if row is not None else None


def confirm(conn: sqlite3.Connection, receipt: str) -> list[str]:
    """Mark the responses with this receipt code as confirmed by HR; their ids."""
    ids = [
        r[0]
        for r in conn.execute("SELECT response_id FROM responses WHERE receipt = ?", (receipt,))
    ]
    conn.execute("UPDATE responses SET confirmed = 1 WHERE receipt = ?", (receipt,))
    return ids


def replace_record(
    conn: sqlite3.Connection, response_id: str, record: bytes, summary: bytes
) -> None:
    conn.execute(
        "UPDATE responses SET record = ?, summary = ? WHERE response_id = ?",
        (record, summary, response_id),
    )


def supersede(conn: sqlite3.Connection, response_id: str) -> None:
    conn.execute("UPDATE responses SET superseded = 1 WHERE response_id = ?", (response_id,))


def every(conn: sqlite3.Connection) -> Iterator[StoredResponse]:
    """Every stored response, oldest first, one row at a time."""
    cursor = conn.execute(f"SELECT {COLUMNS} FROM responses ORDER BY received_at, response_id")
    for row in cursor:
        yield row_of(row)


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])


def find(conn: sqlite3.Connection, prefix: str) -> StoredResponse:
    """The one response whose id starts with `prefix`; StoreError if none or several."""
    wanted = prefix.strip().lower()
    if not wanted or len(wanted) > 32 or any(ch not in "0123456789abcdef" for ch in wanted):
        raise StoreError(
            tr(
                "{prefix!r} is not a response id; ids are hexadecimal, as `sluttsamtale "
                "list` shows them",
                prefix=prefix,
            )
        )
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM responses WHERE substr(response_id, 1, ?) = ? "
        "ORDER BY response_id LIMIT 2",
        (len(wanted), wanted),
    ).fetchall()
    if not rows:
        raise StoreError(
            tr(
                "no stored response has an id starting with {wanted!r}",
                wanted=wanted,
            )
        )
    if len(rows) > 1:
        raise StoreError(
            tr(
                "several stored responses have ids starting with {wanted!r}; give more characters",
                wanted=wanted,
            )
        )
    return row_of(rows[0])


def get(conn: sqlite3.Connection, response_id: str) -> StoredResponse | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM responses WHERE response_id = ?", (response_id,)
    ).fetchone()
    return row_of(row) if row is not None else None


def delete(conn: sqlite3.Connection, response_id: str, on: str, how: str) -> bool:
    """Delete one response (its follow-up goes with it), remembering its digests."""
    row = conn.execute(
        "SELECT enc_digest, file_digest FROM responses WHERE response_id = ?", (response_id,)
    ).fetchone()
    if row is None:
        return False
    conn.execute(
        "INSERT OR IGNORE INTO deleted (enc_digest, file_digest, deleted_on, how) "
        "VALUES (?, ?, ?, ?)",
        (row[0], row[1], on, how),
    )
    conn.execute("DELETE FROM responses WHERE response_id = ?", (response_id,))
    return True


def row_of(row: tuple[Any, ...]) -> StoredResponse:
    """A stored response from the columns COLUMNS names, in their order."""
    rid, kid, received, delete_by, receipt, file_digest, enc_digest, record, summary, *flags = row
    old, confirmed = flags
    return StoredResponse(
        str(rid),
        str(kid),
        str(received),
        str(delete_by),
        str(receipt),
        str(file_digest),
        str(enc_digest),
        bytes(record),
        bytes(summary),
        bool(old),
        bool(confirmed),
    )
