"""SQL for the `invitations` and `matches` tables: whom HR invited, and which response came
with which invitation's token."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .records import ImportLink, Invitation, InvitationState, Matched, SealedNote

COLUMNS = (
    "token, set_id, language, name, last_day, invited_at, delete_by, email, position, "
    "workplace, department, employed_from, declined_on"
)
_PLACEHOLDERS = ", ".join("?" for _ in COLUMNS.split(", "))


def add(
    conn: sqlite3.Connection, batch: list[Invitation], identity: Callable[[Invitation], str]
) -> list[tuple[Invitation, bool]]:
    """Insert a batch inside the caller's transaction, except people already invited.

    Two invitations are the same person when `identity` (the routine's rule) gives the same
    text; the existing invitation then comes back with False.
    """
    known = {
        identity(inv): inv
        for inv in map(_invitation, conn.execute(f"SELECT {COLUMNS} FROM invitations"))
    }
    out: list[tuple[Invitation, bool]] = []
    for inv in batch:
        same = known.get(identity(inv))
        if same is not None:
            out.append((same, False))
            continue
        conn.execute(
            f"INSERT INTO invitations ({COLUMNS}) VALUES ({_PLACEHOLDERS})",
            (
                inv.token,
                inv.set_id,
                inv.language,
                inv.name,
                inv.last_day,
                inv.invited_at,
                inv.delete_by,
                inv.email,
                inv.position,
                inv.workplace,
                inv.department,
                inv.employed_from,
                inv.declined_on,
            ),
        )
        known[identity(inv)] = inv
        out.append((inv, True))
    return out


def every(conn: sqlite3.Connection) -> list[InvitationState]:
    """Every invitation with the responses that came with its token."""
    matched: dict[str, list[Matched]] = {}
    for token, rid, declined, sealed_on in conn.execute(
        "SELECT token, response_id, declined, sealed_on FROM matches ORDER BY sealed_on"
    ):
        matched.setdefault(token, []).append(Matched(rid, bool(declined), sealed_on))
    rows = conn.execute(f"SELECT {COLUMNS} FROM invitations ORDER BY last_day, name").fetchall()
    return [
        InvitationState(inv, tuple(matched.get(inv.token, ()))) for inv in map(_invitation, rows)
    ]


def record_decline(conn: sqlite3.Connection, token: str, on: str, note: SealedNote | None) -> None:
    conn.execute(
        "UPDATE invitations SET declined_on = ?, decline_note = ?, note_key_id = ? WHERE token = ?",
        (on, note.sealed if note else None, note.key_id if note else None, token),
    )


def decline_note(conn: sqlite3.Connection, token: str) -> SealedNote | None:
    row = conn.execute(
        "SELECT decline_note, note_key_id FROM invitations WHERE token = ?", (token,)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return SealedNote(bytes(row[0]), str(row[1]))


def match(conn: sqlite3.Connection, response_id: str, delete_by: str, link: ImportLink) -> bool:
    """Record that a response came with `link.invitation`'s token, if this store invited it;
    the invitation then lives no longer than the response. Whether it matched."""
    if link.invitation is None:
        return False
    known = conn.execute("SELECT 1 FROM invitations WHERE token = ?", (link.invitation,)).fetchone()
    if known is None:
        return False
    conn.execute(
        "INSERT INTO matches (response_id, token, declined, sealed_on) VALUES (?, ?, ?, ?)",
        (response_id, link.invitation, int(link.declined), link.sealed_on),
    )
    conn.execute(
        "UPDATE invitations SET delete_by = min(delete_by, ?) WHERE token = ?",
        (delete_by, link.invitation),
    )
    return True


def matched_ids(conn: sqlite3.Connection) -> set[str]:
    """The responses that came with the token of an invitation in this store."""
    return {r[0] for r in conn.execute("SELECT response_id FROM matches")}


def is_matched(conn: sqlite3.Connection, response_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM matches WHERE response_id = ?", (response_id,)).fetchone()
    return row is not None


def _invitation(row: tuple[str | None, ...]) -> Invitation:
    token, set_id, language, name, last_day, invited_at, delete_by, *rest = row
    email, position, workplace, department, employed_from, declined_on = rest
    assert token and set_id and language and name and last_day and invited_at and delete_by
    return Invitation(
        token,
        set_id,
        language,
        name,
        last_day,
        invited_at,
        delete_by,
        email,
        position,
        workplace,
        department,
        employed_from,
        declined_on,
    )
