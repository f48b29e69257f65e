"""SQL for the `invitations` table: HR's sealed record of whom it invited. In clear: the
code HR uses, the link id a bound response names, a keyed identity tag, the delete-by date."""

from __future__ import annotations

import sqlite3
from typing import Any

from .records import InvitationRow

COLUMNS = "code, link_id, identity_tag, key_id, delete_by, record"


def add(conn: sqlite3.Connection, batch: list[InvitationRow]) -> list[tuple[InvitationRow, bool]]:
    """Insert a batch inside the caller's transaction, except people already invited: an
    invitation whose identity tag is already here comes back as it is, with False."""
    out: list[tuple[InvitationRow, bool]] = []
    for row in batch:
        same = conn.execute(
            f"SELECT {COLUMNS} FROM invitations WHERE identity_tag = ? ORDER BY code LIMIT 1",
            (row.identity_tag,),
        ).fetchone()
        if same is not None:
            out.append((_row(same), False))
            continue
        conn.execute(
            f"INSERT INTO invitations ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            (row.code, row.link_id, row.identity_tag, row.key_id, row.delete_by, row.record),
        )
        out.append((row, True))
    return out


def every(conn: sqlite3.Connection) -> list[InvitationRow]:
    return [_row(r) for r in conn.execute(f"SELECT {COLUMNS} FROM invitations ORDER BY code")]


def by_link(conn: sqlite3.Connection, link_id: str) -> InvitationRow | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM invitations WHERE link_id = ?", (link_id,)
    ).fetchone()
    return _row(row) if row is not None else None


def by_code(conn: sqlite3.Connection, code: str) -> InvitationRow | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM invitations WHERE code = ?", (code,)).fetchone()
    return _row(row) if row is not None else None


def replace_record(
    conn: sqlite3.Connection, code: str, key_id: str, record: bytes, delete_by: str | None = None
) -> None:
    """A new sealed record for an invitation (its state changed); the delete-by date only
    ever comes closer."""
    conn.execute(
        "UPDATE invitations SET key_id = ?, record = ?, "
        "delete_by = min(delete_by, coalesce(?, delete_by)) WHERE code = ?",
        (key_id, record, delete_by, code),
    )


def delete(conn: sqlite3.Connection, code: str) -> bool:
    return conn.execute("DELETE FROM invitations WHERE code = ?", (code,)).rowcount > 0


def _row(row: tuple[Any, ...]) -> InvitationRow:
    code, link_id, tag, kid, delete_by, record = row
    return InvitationRow(str(code), str(link_id), str(tag), str(kid), str(delete_by), bytes(record))
