"""SQL for retention: what has reached its delete-by date, and deleting it beyond recovery.
A response whose follow-up of special information is still open is held (a legal hold):
it is counted as held, and kept until the case is closed."""

from __future__ import annotations

import sqlite3

from . import outputs, responses
from .records import Deletion

_HELD = "SELECT response_id FROM followups WHERE feedback_on IS NULL"
_EXPIRED_RESPONSES = (
    f"SELECT response_id FROM responses WHERE delete_by <= :today AND response_id NOT IN ({_HELD})"
)
# By the delete-by index: looked up by id instead, each open case would read its row
# (every command asks this, and a store with thousands of open cases read as many pages).
_HELD_RESPONSES = (
    "SELECT response_id FROM responses INDEXED BY responses_delete_by "
    f"WHERE delete_by <= :today AND response_id IN ({_HELD})"
)
_EXPIRED_INVITATIONS = "SELECT code FROM invitations WHERE delete_by <= :today"


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
        held=count(_HELD_RESPONSES),
        outputs=tuple(o.path for o in outputs.due(conn, today)),
    )


def delete_expired(conn: sqlite3.Connection, today: str) -> Deletion:
    """Delete, inside the caller's transaction; a response's follow-up goes with it."""
    counts = count_expired(conn, today)
    args = {"today": today}
    for (rid,) in conn.execute(_EXPIRED_RESPONSES, args).fetchall():
        responses.delete(conn, rid, today, "purged")
    conn.execute(f"DELETE FROM invitations WHERE code IN ({_EXPIRED_INVITATIONS})", args)
    return counts
