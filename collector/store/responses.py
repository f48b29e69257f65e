"""SQL for the `responses` table: the sealed responses themselves."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Literal

from ..errors import StoreError
from .records import StoredResponse

Outcome = Literal["imported", "duplicate"]
COLUMNS = "response_id, key_id, received_at, delete_by, receipt, sealed"


class ConflictError(StoreError):
    """A different response with the same id is already stored."""

    kind = "conflict"


def insert(conn: sqlite3.Connection, response: StoredResponse) -> Outcome:
    """Insert inside the caller's transaction: "imported", or "duplicate" if already here.

    Raises ConflictError if a different response with the same id is stored.
    """
    row = conn.execute(
        "SELECT sealed FROM responses WHERE response_id = ?", (response.response_id,)
    ).fetchone()
    if row is not None:
        if bytes(row[0]) == response.sealed:
            return "duplicate"
        raise ConflictError("a different response with the same id is already stored")
    conn.execute(
        f"INSERT INTO responses ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (
            response.response_id,
            response.key_id,
            response.received_at,
            response.delete_by,
            response.receipt,
            response.sealed,
        ),
    )
    return "imported"


def every(conn: sqlite3.Connection) -> Iterator[StoredResponse]:
    """Every stored response, oldest first, one row at a time."""
    cursor = conn.execute(f"SELECT {COLUMNS} FROM responses ORDER BY received_at, response_id")
    for row in cursor:
        yield _row(row)


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])


def find(conn: sqlite3.Connection, prefix: str) -> StoredResponse:
    """The one response whose id starts with `prefix`; StoreError if none or several."""
    wanted = prefix.strip().lower()
    if not wanted or len(wanted) > 32 or any(ch not in "0123456789abcdef" for ch in wanted):
        raise StoreError(
            f"{prefix!r} is not a response id; ids are hexadecimal, "
            "as `sluttsamtale list` shows them"
        )
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM responses WHERE substr(response_id, 1, ?) = ? "
        "ORDER BY response_id LIMIT 2",
        (len(wanted), wanted),
    ).fetchall()
    if not rows:
        raise StoreError(f"no stored response has an id starting with {wanted!r}")
    if len(rows) > 1:
        raise StoreError(
            f"several stored responses have ids starting with {wanted!r}; give more characters"
        )
    return _row(rows[0])


def _row(row: tuple[str, str, str, str, str, bytes]) -> StoredResponse:
    rid, kid, received, delete_by, receipt, sealed = row
    return StoredResponse(rid, kid, received, delete_by, receipt, bytes(sealed))
