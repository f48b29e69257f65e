"""The SQLite store: the only package with SQL, one module per table.

Nothing readable is kept at rest: a response row holds the response id (random), the key
id, when it arrived, when it must be deleted, the receipt code, and the sealed part exactly
as it came (enc || ct). Names, answers and even the question set stay inside the seal; the
commands that show them decrypt in memory. `Store` is the one door: it opens the file and
runs each call of the table modules in its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from . import followups, invitations, responses, retention
from .connection import BUSY_TIMEOUT, Database
from .records import (
    Deletion,
    Followup,
    FollowupChanges,
    ImportLink,
    Invitation,
    InvitationState,
    Matched,
    SealedNote,
    StoredResponse,
)
from .responses import ConflictError, Outcome

__all__ = [
    "BUSY_TIMEOUT",
    "ConflictError",
    "Deletion",
    "Followup",
    "FollowupChanges",
    "ImportLink",
    "Invitation",
    "InvitationState",
    "Matched",
    "Outcome",
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

    # ------------------------------------------------------------------ responses

    def save(self, response: StoredResponse, link: ImportLink | None = None) -> Outcome:
        """Store one response in one transaction: "imported", or "duplicate" if already here.

        With `link`, the same transaction matches it to its invitation (which then lives no
        longer than the response) and opens a follow-up if it holds special information.
        Raises ConflictError if a different response with the same id is stored.
        """

        def work(c: sqlite3.Connection) -> Outcome:
            outcome = responses.insert(c, response)
            if outcome == "imported" and link is not None:
                invitations.match(c, response.response_id, response.delete_by, link)
                if link.special:
                    followups.open_case(c, response.response_id, link.sealed_on)
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

    def find(self, prefix: str) -> StoredResponse:
        """The one response whose id starts with `prefix`; StoreError if none or several."""
        return self.db.run(lambda c: responses.find(c, prefix))

    # ------------------------------------------------------------------ invitations

    def add_invitations(
        self, batch: list[Invitation], identity: Callable[[Invitation], str]
    ) -> list[tuple[Invitation, bool]]:
        """Store a batch in one transaction, all or nothing, skipping people already invited
        (same `identity`); see invitations.add."""
        return self.db.write(lambda c: invitations.add(c, batch, identity))

    def invitations(self) -> list[InvitationState]:
        return self.db.run(invitations.every)

    def record_decline(self, token: str, on: str, note: SealedNote | None) -> None:
        self.db.write(lambda c: invitations.record_decline(c, token, on, note))

    def decline_note(self, token: str) -> SealedNote | None:
        return self.db.run(lambda c: invitations.decline_note(c, token))

    def matched_ids(self) -> set[str]:
        return self.db.run(invitations.matched_ids)

    def is_matched(self, response_id: str) -> bool:
        return self.db.run(lambda c: invitations.is_matched(c, response_id))

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

    # ------------------------------------------------------------------ retention

    def due_for_deletion(self, today: str) -> Deletion:
        """What has reached its delete-by date (`today` as YYYY-MM-DD) and not been purged."""
        return self.db.run(lambda c: retention.count_expired(c, today))

    def purge(self, today: str) -> Deletion:
        """Delete everything that has reached its delete-by date, beyond recovery from the file.

        secure_delete zeroes the freed cells; the checkpoint moves the change out of the
        write-ahead log and truncates it (old page images live there until then); VACUUM
        rebuilds the file without free pages; the last checkpoint empties the log again.
        """
        done = self.db.write(lambda c: retention.delete_expired(c, today))

        def rewrite(c: sqlite3.Connection) -> None:
            self.db.checkpoint()
            c.execute("VACUUM")
            self.db.checkpoint()

        self.db.run(rewrite)
        return done

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
