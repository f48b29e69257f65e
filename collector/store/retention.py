"""SQL for retention: what has reached its delete-by date, and deleting it beyond recovery."""

from __future__ import annotations

import sqlite3

from .records import Deletion

_EXPIRED_RESPONSES = "SELECT response_id FROM responses WHERE delete_by <= :today"
_EXPIRED_INVITATIONS = (
    "SELECT token FROM invitations WHERE delete_by <= :today OR token IN "
    f"(SELECT token FROM matches WHERE response_id IN ({_EXPIRED_RESPONSES}))"
)


def count_expired(conn: sqlite3.Connection, today: str) -> Deletion:
    """What has reached its delete-by date (`today` as YYYY-MM-DD) and not been purged."""
    args = {"today": today}

    def count(sql: str) -> int:
        return int(conn.execute(f"SELECT count(*) FROM ({sql})", args).fetchone()[0])

    return Deletion(
        responses=count(_EXPIRED_RESPONSES),
        invitations=count(_EXPIRED_INVITATIONS),
        followups=count(
            f"SELECT response_id FROM followups WHERE response_id IN ({_EXPIRED_RESPONSES})"
        ),
    )


def delete_expired(conn: sqlite3.Connection, today: str) -> Deletion:
    """Delete, inside the caller's transaction; follow-ups and matches go with their response."""
    args = {"today": today}
    counts = count_expired(conn, today)
    # Invitations first: the responses' matches lead to them.
    conn.execute(f"DELETE FROM invitations WHERE token IN ({_EXPIRED_INVITATIONS})", args)
    conn.execute(f"DELETE FROM responses WHERE response_id IN ({_EXPIRED_RESPONSES})", args)
    return counts
