"""SQL for the `followups` table: the duty to follow up special information in a response."""

from __future__ import annotations

import sqlite3
from datetime import date

from .records import Followup, FollowupChanges, SealedNote

_COLUMNS = (
    "f.response_id, f.reported_on, f.acknowledged_on, f.assessed_on, f.feedback_on, "
    "f.assessment, f.note_key_id"
)
_FROM = "followups f"


def open_case(conn: sqlite3.Connection, response_id: str, reported_on: str) -> None:
    """Start a follow-up; one already open is left as it is."""
    conn.execute(
        "INSERT OR IGNORE INTO followups (response_id, reported_on) VALUES (?, ?)",
        (response_id, reported_on),
    )


def every(conn: sqlite3.Connection) -> list[Followup]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM {_FROM} ORDER BY f.reported_on").fetchall()
    return [_followup(r) for r in rows]


def get(conn: sqlite3.Connection, response_id: str) -> Followup | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM {_FROM} WHERE f.response_id = ?", (response_id,)
    ).fetchone()
    return _followup(row) if row is not None else None


def update(conn: sqlite3.Connection, response_id: str, changes: FollowupChanges) -> None:
    fields: dict[str, str | bytes] = {}
    for name in ("acknowledged_on", "assessed_on", "feedback_on"):
        day = getattr(changes, name)
        if day is not None:
            fields[name] = day.isoformat()
    if changes.assessment is not None:
        fields |= {
            "assessment": changes.assessment.sealed,
            "note_key_id": changes.assessment.key_id,
        }
    if not fields:
        return
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.execute(
        f"UPDATE followups SET {assignments} WHERE response_id = ?",
        (*fields.values(), response_id),
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def open_ids(conn: sqlite3.Connection) -> set[str]:
    """The responses whose follow-up is still open: a legal hold on their deletion."""
    return {
        r[0] for r in conn.execute("SELECT response_id FROM followups WHERE feedback_on IS NULL")
    }


def _followup(row: tuple[object, ...]) -> Followup:
    rid, reported, acknowledged, assessed, feedback, assessment, kid = row
    note = SealedNote(bytes(assessment), str(kid)) if isinstance(assessment, bytes) else None
    return Followup(
        response_id=str(rid),
        reported_on=date.fromisoformat(str(reported)),
        acknowledged_on=_day(acknowledged if isinstance(acknowledged, str) else None),
        assessed_on=_day(assessed if isinstance(assessed, str) else None),
        feedback_on=_day(feedback if isinstance(feedback, str) else None),
        assessment=note,
    )
