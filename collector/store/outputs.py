"""SQL for the `outputs` table: files the collector wrote with personal data, so that purge
deletes them with the records they came from, and retention warnings can name them."""

from __future__ import annotations

import sqlite3

from .records import Output


def record(conn: sqlite3.Connection, output: Output) -> None:
    conn.execute(
        "INSERT INTO outputs (path, kind, written_at, delete_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, "
        "written_at = excluded.written_at, delete_by = excluded.delete_by",
        (output.path, output.kind, output.written_at, output.delete_by),
    )


def due(conn: sqlite3.Connection, today: str) -> list[Output]:
    rows = conn.execute(
        "SELECT path, kind, written_at, delete_by FROM outputs WHERE delete_by <= ? ORDER BY path",
        (today,),
    ).fetchall()
    return [Output(str(p), str(k), str(w), str(d)) for p, k, w, d in rows]


def forget(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("DELETE FROM outputs WHERE path = ?", (path,))
