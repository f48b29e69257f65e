"""The SQLite store: the only package with SQL, one module per table.

Nothing readable is kept at rest: a response row holds its record and summary sealed to
HR's key, an invitation its record sealed too, and a page of summaries those of many
responses sealed as one (for lists); in clear only ids, dates, digests, a keyed identity
tag and which page holds which summary (store/migrations.py says which and why). The
commands that show people or answers open them in memory. `Store` is the one door: it
opens the file and runs each call of the table modules in its own transaction (a
savepoint, inside a group).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..errors import StoreError
from . import followups, invitations, outputs, responses, retention, summaries
from .connection import BUSY_TIMEOUT, Database
from .records import (
    Deletion,
    Followup,
    FollowupChanges,
    InvitationRow,
    Output,
    SealedNote,
    StoredResponse,
)
from .responses import ConflictError, DeletedError, Outcome, ReplayError

LISTING_BATCH = 500
"""Rows a streamed listing reads from SQLite at a time."""

__all__ = [
    "BUSY_TIMEOUT",
    "ConflictError",
    "DeletedError",
    "Deletion",
    "Followup",
    "FollowupChanges",
    "InvitationRow",
    "Outcome",
    "Output",
    "ReplayError",
    "SealedNote",
    "Store",
    "StoredResponse",
]


class Store:
    """An open store. Use as a context manager so the connection is closed on exit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.path = db.path

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        busy_timeout: float = BUSY_TIMEOUT,
        max_page_count: int | None = None,
    ) -> Store:
        """Open (and with `create`, make) the store at `path`, applying any migrations."""
        return cls(
            Database.open(
                path, create=create, busy_timeout=busy_timeout, max_page_count=max_page_count
            )
        )

    def version(self) -> int:
        return self.db.version()

    def group(self) -> contextlib.AbstractContextManager[None]:
        """Many writes, one commit (Database.group): each write all or nothing, and every
        one of them on disk once the `with` block is left without an error."""
        return self.db.group()

    def group_lost(self) -> bool:
        """Inside a group: whether SQLite undid it, so that nothing more is written in it."""
        return self.db.group_lost()

    # ------------------------------------------------------------------ responses

    def save(
        self,
        response: StoredResponse,
        *,
        special: bool,
        supersedes: tuple[str, ...] = (),
        invitation: tuple[str, bytes, str, str] | None = None,
    ) -> Outcome:
        """Store one response in one transaction: "imported", or "duplicate" if this file is
        here already. The same transaction opens its follow-up if it holds special
        information, marks the responses it `supersedes`, and writes the new sealed record of
        its `invitation` (code, record, key id, delete-by). Raises ConflictError,
        ReplayError or DeletedError (each a rejection of this one file)."""

        def work(c: sqlite3.Connection) -> Outcome:
            outcome = responses.insert(c, response)
            if outcome == "duplicate":
                return outcome
            if special:
                followups.open_case(c, response.response_id, response.received_at[:10])
            for old in supersedes:
                responses.supersede(c, old)
            if invitation is not None:
                code, record, key_id, delete_by = invitation
                invitations.replace_record(c, code, key_id, record, delete_by)
            return outcome

        return self.db.write(work)

    def responses(self) -> Iterator[StoredResponse]:
        """Every stored response, oldest first, one row at a time."""
        rows = self.db.run(responses.every)
        while True:
            row = self.db.run(lambda _: next(rows, None))
            if row is None:
                return
            yield row

    def count(self) -> int:
        return self.db.run(responses.count)

    # ------------------------------------------------------------------ summary pages

    def listing(self) -> list[tuple[StoredResponse, int | None]]:
        """Every response, oldest first, with the page that holds its summary (or None):
        the rows come without their sealed record and summary (b""), which are not read."""
        return self.db.run(summaries.listing)

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Reads that all see one moment of the store (connection.reading). Hold it only
        while reading, never while waiting for a person or a pipe: erasure's rewrite of the
        log waits for every snapshot older than its deletion to end."""
        return self.db.reading()

    def listing_rows(self) -> Iterator[tuple[StoredResponse, int | None]]:
        """`listing`, read a batch at a time, so that its reader need not hold every row."""
        cursor = self.db.run(summaries.listing_cursor)
        while batch := self.db.run(lambda _: cursor.fetchmany(LISTING_BATCH)):
            yield from map(summaries.listed_row, batch)

    def superseded_ids(self) -> list[str]:
        """The ids of the responses a later answer to the same invitation replaced."""
        return self.db.run(summaries.superseded_ids)

    def listing_of(self, response_ids: Iterable[str]) -> list[tuple[StoredResponse, int | None]]:
        """`listing`, of these responses only."""
        return self.db.run(lambda c: summaries.listing_of(c, response_ids))

    def summary_page(self, page: int) -> tuple[str, bytes] | None:
        """A page's key id and sealed bytes; None if it is gone."""
        return self.db.run(lambda c: summaries.page(c, page))

    def own_summaries(self, response_ids: Iterable[str]) -> dict[str, tuple[str, bytes, bytes]]:
        """Response id -> (key id, own sealed summary, sealed record if that is empty)."""
        return self.db.run(lambda c: summaries.own_summaries(c, response_ids))

    def add_summary_page(
        self, key_id: str, sealed: bytes, members: Mapping[str, bytes] | Iterable[str]
    ) -> int | None:
        """Store a sealed page of summaries (summaries.add_page): inside a group as a
        savepoint of it, else in a transaction of its own."""
        return self.db.write(lambda c: summaries.add_page(c, key_id, sealed, members))

    def try_add_summary_page(
        self, key_id: str, sealed: bytes, members: Mapping[str, bytes]
    ) -> int | None:
        """As add_summary_page, for a reading command: without waiting for a lock another
        program holds, and None, nothing written, if the file cannot be written now."""
        try:
            return self.db.write_at_once(lambda c: summaries.add_page(c, key_id, sealed, members))
        except StoreError:
            return None

    def try_drop_summary_page(self, page: int) -> bool:
        """Delete a page that does not open (its responses' records or own columns keep
        their summaries), as
        try_add_summary_page writes: at once or not at all."""
        try:
            return self.db.write_at_once(lambda c: summaries.drop_page(c, page))
        except StoreError:
            return False

    def count_summary_pages(self) -> int:
        return self.db.run(summaries.count_pages)

    def find(self, prefix: str) -> StoredResponse:
        """The one response whose id starts with `prefix`; StoreError if none or several."""
        return self.db.run(lambda c: responses.find(c, prefix))

    def response(self, response_id: str) -> StoredResponse | None:
        return self.db.run(lambda c: responses.get(c, response_id))

    def update_record(self, response_id: str, record: bytes, summary: bytes) -> None:
        """A new sealed record for a response (a correction was recorded); the old one is
        overwritten in the file (secure_delete) and the log rewritten."""
        self.db.write(lambda c: responses.replace_record(c, response_id, record, summary))
        self.rewrite()

    def confirm(self, receipt: str) -> list[str]:
        """HR vouches for the responses with this receipt code (the employee quoted it)."""
        return self.db.write(lambda c: responses.confirm(c, receipt))

    def erase(
        self, response_ids: list[str], on: str, invitation: tuple[str, bytes, str] | None = None
    ) -> int:
        """Delete responses on request (GDPR Art. 17), follow-ups with them, in one
        transaction; `invitation` (code, new sealed record, key id) is written with it."""

        def work(c: sqlite3.Connection) -> int:
            done = sum(responses.delete(c, rid, on, "erased") for rid in response_ids)
            if invitation is not None:
                code, record, key_id = invitation
                invitations.replace_record(c, code, key_id, record)
            return done

        done = self.db.write(work)
        self.rewrite()
        return done

    # ------------------------------------------------------------------ invitations

    def add_invitations(self, batch: list[InvitationRow]) -> list[tuple[InvitationRow, bool]]:
        """Store a batch in one transaction, all or nothing, skipping people already invited
        (the same identity tag)."""
        return self.db.write(lambda c: invitations.add(c, batch))

    def invitations(self) -> list[InvitationRow]:
        return self.db.run(invitations.every)

    def file_with_enc(self, enc_digest: str) -> str | None:
        """The file digest of the response stored with this enc digest, if one is."""
        return self.db.run(lambda c: responses.file_with_enc(c, enc_digest))

    def invitation_by_link(self, link_id: str) -> InvitationRow | None:
        return self.db.run(lambda c: invitations.by_link(c, link_id))

    def invitation(self, code: str) -> InvitationRow | None:
        return self.db.run(lambda c: invitations.by_code(c, code))

    def update_invitation(
        self, code: str, record: bytes, key_id: str, delete_by: str | None = None
    ) -> None:
        self.db.write(lambda c: invitations.replace_record(c, code, key_id, record, delete_by))

    def delete_invitation(self, code: str) -> bool:
        done = self.db.write(lambda c: invitations.delete(c, code))
        self.rewrite()
        return done

    # ------------------------------------------------------------------ follow-ups

    def followups(self) -> list[Followup]:
        return self.db.run(followups.every)

    def followup(self, response_id: str) -> Followup | None:
        return self.db.run(lambda c: followups.get(c, response_id))

    def open_followup(self, response_id: str, reported_on: str) -> None:
        """Start a follow-up (for a response imported before follow-ups were kept)."""
        self.db.write(lambda c: followups.open_case(c, response_id, reported_on))

    def update_followup(self, response_id: str, changes: FollowupChanges) -> None:
        self.db.write(lambda c: followups.update(c, response_id, changes))

    # ------------------------------------------------------------------ outputs

    def record_output(self, output: Output) -> None:
        self.db.write(lambda c: outputs.record(c, output))

    def forget_output(self, path: str) -> None:
        self.db.write(lambda c: outputs.forget(c, path))

    # ------------------------------------------------------------------ retention

    def due_for_deletion(self, today: str) -> Deletion:
        """What has reached its delete-by date (`today` as YYYY-MM-DD) and not been purged."""
        return self.db.run(lambda c: retention.count_expired(c, today))

    def purge(self, today: str) -> Deletion:
        """Delete everything that has reached its delete-by date and is not held, beyond
        recovery from the file (see `rewrite`)."""
        done = self.db.write(lambda c: retention.delete_expired(c, today))
        self.rewrite()
        return done

    def rewrite(self) -> None:
        """Leave no deleted byte in the file: secure_delete zeroes the freed cells; the
        checkpoint moves the change out of the write-ahead log and truncates it (old page
        images live there until then); VACUUM rebuilds the file without free pages; the
        last checkpoint empties the log again."""

        def work(c: sqlite3.Connection) -> None:
            self.db.checkpoint()
            c.execute("VACUUM")
            self.db.checkpoint()

        self.db.run(work)

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
