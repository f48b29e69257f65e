"""SQL for `summary_pages` and `summary_index`: the summaries of many responses sealed
together, so that lists open a page per import group, not a summary per response.

A page repeats what its responses' sealed records carry (or, for a response stored before
records carried their summary, its own `summary` column); the triggers of migrations.py
drop a page with any response in it that is deleted or given a new summary.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from . import responses
from .records import StoredResponse

LISTING = (
    "r.response_id, r.key_id, r.received_at, r.delete_by, r.receipt, r.file_digest, "
    "r.enc_digest, r.superseded, r.confirmed, s.page"
)


# Oldest first; among responses received at the same moment (one import's), by the page
# that holds their summaries, so that a reader going down the list needs one page at a time.
ORDER = "ORDER BY r.received_at, s.page, r.response_id"


def listing_cursor(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """Every response (ORDER), without its sealed record and summary, with the page that
    holds its summary, if one does; rows for listed_row. Read from the `responses_listing`
    index alone: the rows themselves, with their sealed records, are not read."""
    return conn.execute(
        f"SELECT {LISTING} FROM responses AS r INDEXED BY responses_listing "
        f"LEFT JOIN summary_index AS s ON s.response_id = r.response_id {ORDER}"
    )


def listing(conn: sqlite3.Connection) -> list[tuple[StoredResponse, int | None]]:
    """Every response as listing_cursor reads it, with its sealed record and summary left
    empty."""
    return [listed_row(row) for row in listing_cursor(conn)]


def listing_of(
    conn: sqlite3.Connection, response_ids: Iterable[str]
) -> list[tuple[StoredResponse, int | None]]:
    """As `listing`, of these responses only (those still stored): the index is still read
    alone, and rows are made only of the responses asked for."""
    cursor = conn.execute(
        f"SELECT {LISTING} FROM responses AS r INDEXED BY responses_listing "
        "LEFT JOIN summary_index AS s ON s.response_id = r.response_id "
        f"WHERE r.response_id IN (SELECT value FROM json_each(?)) {ORDER}",
        (json.dumps(list(response_ids)),),
    )
    return [listed_row(row) for row in cursor]


def page(conn: sqlite3.Connection, number: int) -> tuple[str, bytes] | None:
    """The key id and sealed bytes of one page."""
    row = conn.execute(
        "SELECT key_id, sealed FROM summary_pages WHERE page = ?", (number,)
    ).fetchone()
    return (str(row[0]), bytes(row[1])) if row is not None else None


SOURCE = "CASE WHEN length(summary) > 0 THEN summary ELSE record END"
"""The sealed bytes a response's summary is read from: its own column, else its record."""


def own_summaries(
    conn: sqlite3.Connection, response_ids: Iterable[str]
) -> dict[str, tuple[str, bytes, bytes]]:
    """Response id -> (key id, its own sealed summary, its sealed record if that is empty:
    the record then carries the summary), for those still stored."""
    out: dict[str, tuple[str, bytes, bytes]] = {}
    for rid in response_ids:
        row = conn.execute(
            "SELECT key_id, summary, CASE WHEN length(summary) > 0 THEN x'' ELSE record END "
            "FROM responses WHERE response_id = ?",
            (rid,),
        ).fetchone()
        if row is not None:
            out[rid] = (str(row[0]), bytes(row[1]), bytes(row[2]))
    return out


def add_page(
    conn: sqlite3.Connection,
    key_id: str,
    sealed: bytes,
    members: Mapping[str, bytes] | Iterable[str],
) -> int | None:
    """Store a page of summaries inside the caller's transaction; its number.

    `members` are the response ids it holds; given as a mapping to the sealed bytes the
    page was made from (SOURCE), each is checked to be still stored with those very bytes,
    sealed to `key_id`, and in no other page (a concurrent erasure or correction may have come
    between reading and writing): if one is not, nothing is written and None comes back,
    so that no page ever holds a summary its response no longer has.
    """
    if isinstance(members, Mapping):
        for rid, summary in members.items():
            row = conn.execute(
                f"SELECT key_id, {SOURCE}, "
                "EXISTS (SELECT 1 FROM summary_index WHERE response_id = ?1) "
                "FROM responses WHERE response_id = ?1",
                (rid,),
            ).fetchone()
            if row is None or row[0] != key_id or bytes(row[1]) != summary or row[2]:
                return None
    cursor = conn.execute(
        "INSERT INTO summary_pages (key_id, sealed) VALUES (?, ?)", (key_id, sealed)
    )
    number = cursor.lastrowid
    assert number is not None
    conn.executemany(
        "INSERT INTO summary_index (response_id, page) VALUES (?, ?)",
        [(rid, number) for rid in members],
    )
    return int(number)


def drop_page(conn: sqlite3.Connection, number: int) -> bool:
    """Delete one page (its index entries go with it, by trigger)."""
    return conn.execute("DELETE FROM summary_pages WHERE page = ?", (number,)).rowcount > 0


def count_pages(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM summary_pages").fetchone()[0])


def superseded_ids(conn: sqlite3.Connection) -> list[str]:
    """The responses a later one replaced (a column in the clear, set at import)."""
    return [str(r[0]) for r in conn.execute("SELECT response_id FROM responses WHERE superseded")]


def listed_row(row: tuple[Any, ...]) -> tuple[StoredResponse, int | None]:
    *columns, old, confirmed, page = row
    stored = responses.row_of((*columns, b"", b"", old, confirmed))  # no record, no summary
    return stored, int(page) if page is not None else None
