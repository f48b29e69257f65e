"""The SQLite store: migrations, save, query. The only module with SQL.

Nothing readable is kept at rest: a row holds the response id (random), the key id, when
it arrived, when it must be deleted, the receipt code, and the sealed part exactly as it
came (enc || ct). Names, answers and even the question set stay inside the seal; the
commands that show them decrypt in memory.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from .errors import StoreError

APPLICATION_ID = 0x534C5454  # "SLTT": marks the file as ours for `file(1)` and for us
BUSY_TIMEOUT = 5.0
# Test-only, not an option and in no help text: caps the database at this many pages after
# the migrations (SQLite's max_page_count), so tests can fill "the disk" without filling
# one (tests/test_faults.py).
MAX_PAGE_COUNT_ENV = "SLUTTSAMTALE_MAX_PAGE_COUNT"


class ConflictError(StoreError):
    """A different response with the same id is already stored."""

    kind = "conflict"


# Each migration is a list of statements, applied in one transaction and recorded in the
# `migrations` table. Never edit a published one; append the next.
MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "responses",
        [
            """
            CREATE TABLE responses (
                response_id TEXT PRIMARY KEY
                    CHECK (typeof(response_id) = 'text' AND length(response_id) = 32),
                key_id TEXT NOT NULL CHECK (length(key_id) = 32),
                received_at TEXT NOT NULL,
                delete_by TEXT NOT NULL,
                receipt TEXT NOT NULL,
                sealed BLOB NOT NULL CHECK (typeof(sealed) = 'blob')
            )
            """,
            "CREATE INDEX responses_delete_by ON responses (delete_by)",
        ],
    ),
    (
        "invitations_and_followups",
        [
            # HR's own administrative record of whom it invited: in clear, so `status` works
            # without unlocking the key. Only notes HR writes (a decline reason, an
            # assessment) are sealed to HR's key, like the answers.
            """
            CREATE TABLE invitations (
                token TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
                set_id TEXT NOT NULL,
                language TEXT NOT NULL,
                name TEXT NOT NULL,
                email TEXT,
                position TEXT,
                workplace TEXT,
                department TEXT,
                employed_from TEXT,
                last_day TEXT NOT NULL,
                invited_at TEXT NOT NULL,
                delete_by TEXT NOT NULL,
                declined_on TEXT,
                decline_note BLOB,
                note_key_id TEXT
            )
            """,
            "CREATE INDEX invitations_delete_by ON invitations (delete_by)",
            # A response that came with an invitation's token. Whether it declined is kept
            # here too (HR's record of 001's "noted"), so `status` needs no key either.
            """
            CREATE TABLE matches (
                response_id TEXT PRIMARY KEY
                    REFERENCES responses (response_id) ON DELETE CASCADE,
                token TEXT NOT NULL REFERENCES invitations (token) ON DELETE CASCADE,
                declined INTEGER NOT NULL CHECK (declined IN (0, 1)),
                sealed_on TEXT NOT NULL
            )
            """,
            "CREATE INDEX matches_token ON matches (token)",
            """
            CREATE TABLE followups (
                response_id TEXT PRIMARY KEY
                    REFERENCES responses (response_id) ON DELETE CASCADE,
                reported_on TEXT NOT NULL,
                acknowledged_on TEXT,
                assessed_on TEXT,
                assessment BLOB,
                note_key_id TEXT,
                feedback_on TEXT
            )
            """,
        ],
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)

Outcome = Literal["imported", "duplicate"]


@dataclass(frozen=True)
class StoredResponse:
    response_id: str
    key_id: str
    received_at: str
    delete_by: str
    receipt: str
    sealed: bytes


_COLUMNS = "response_id, key_id, received_at, delete_by, receipt, sealed"


@dataclass(frozen=True)
class Invitation:
    """One person HR invited. Dates are "YYYY-MM-DD"; `declined_on` is a decline HR noted."""

    token: str
    set_id: str
    language: str
    name: str
    last_day: str
    invited_at: str
    delete_by: str
    email: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: str | None = None
    declined_on: str | None = None


_INVITATION_COLUMNS = (
    "token, set_id, language, name, last_day, invited_at, delete_by, email, position, "
    "workplace, department, employed_from, declined_on"
)


@dataclass(frozen=True)
class Matched:
    """A response that came with an invitation's token."""

    response_id: str
    declined: bool
    sealed_on: str


@dataclass(frozen=True)
class InvitationState:
    invitation: Invitation
    responses: tuple[Matched, ...]


@dataclass(frozen=True)
class ImportLink:
    """What an import records beside the sealed response, in the same transaction."""

    invitation: str | None
    declined: bool
    sealed_on: str
    special: bool


@dataclass(frozen=True)
class Followup:
    """The follow-up of a response with special information. `name` is the invitation's."""

    response_id: str
    reported_on: str
    acknowledged_on: str | None = None
    assessed_on: str | None = None
    assessment: bytes | None = None
    note_key_id: str | None = None
    feedback_on: str | None = None
    name: str | None = None


_FOLLOWUP_COLUMNS = (
    "f.response_id, f.reported_on, f.acknowledged_on, f.assessed_on, f.assessment, "
    "f.note_key_id, f.feedback_on, i.name"
)
_FOLLOWUP_FROM = (
    "followups f LEFT JOIN matches m ON m.response_id = f.response_id "
    "LEFT JOIN invitations i ON i.token = m.token"
)
FOLLOWUP_FIELDS = ("acknowledged_on", "assessed_on", "assessment", "note_key_id", "feedback_on")


@dataclass(frozen=True)
class Deletion:
    """How many records have reached their delete-by date (or were deleted)."""

    responses: int = 0
    invitations: int = 0
    followups: int = 0

    @property
    def total(self) -> int:
        return self.responses + self.invitations + self.followups


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Store:
    """An open store. Use as a context manager so the connection is closed on exit."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path, *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT) -> Store:
        """Open (and with `create`, make) the store at `path`, applying any migrations."""
        path = Path(path)
        _check_path(path, create)
        try:
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise _translate(e, path) from None
        store = cls(conn, path)
        try:
            store._configure(busy_timeout)
            store._check_identity()
            store._migrate()
            store._limit_pages_for_tests()
        except sqlite3.Error as e:
            conn.close()
            raise _translate(e, path) from None
        except StoreError:
            conn.close()
            raise
        return store

    def _configure(self, busy_timeout: float) -> None:
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # Reading the schema first makes a foreign or damaged file fail here, not later.
        c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        c.execute("PRAGMA journal_mode = WAL").fetchone()
        c.execute("PRAGMA synchronous = FULL")  # a commit that returned is on disk
        c.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten, not left behind
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA trusted_schema = OFF")

    def _limit_pages_for_tests(self) -> None:
        limit = os.environ.get(MAX_PAGE_COUNT_ENV, "")
        if limit.isdigit():
            self._conn.execute(f"PRAGMA max_page_count = {int(limit)}").fetchone()

    def _check_identity(self) -> None:
        c = self._conn
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id not in (0, APPLICATION_ID) or (tables and "migrations" not in tables):
            raise StoreError(f"{self.path}: is not a Sluttsamtale database or is damaged")

    def version(self) -> int:
        c = self._conn
        if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'migrations'").fetchone():
            return 0
        return c.execute("SELECT coalesce(max(id), 0) FROM migrations").fetchone()[0]

    def _migrate(self) -> None:
        if self.version() > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: was made by a newer Sluttsamtale (schema {self.version()}); "
                "upgrade Sluttsamtale to use it"
            )
        for number, (name, statements) in enumerate(MIGRATIONS, start=1):
            if self.version() >= number:
                continue
            with self._transaction():
                # Another process may have migrated while we waited for the lock.
                if self.version() >= number:
                    continue
                if number == 1:
                    self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    self._conn.execute(
                        "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                for statement in statements:
                    self._conn.execute(statement)
                self._conn.execute(
                    "INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, _now()),
                )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so waiting happens at BEGIN (under the
        # busy timeout) and never halfway through a response.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def _run(self, work: Callable[[], object]) -> object:
        try:
            return work()
        except sqlite3.Error as e:
            raise _translate(e, self.path) from None

    # ------------------------------------------------------------------ writing

    def save(self, response: StoredResponse, link: ImportLink | None = None) -> Outcome:
        """Store one response in one transaction: "imported", or "duplicate" if already here.

        With `link`, the same transaction matches it to its invitation (which then lives no
        longer than the response) and opens a follow-up if it holds special information.
        Raises ConflictError if a different response with the same id is stored.
        """

        def work() -> Outcome:
            with self._transaction():
                row = self._conn.execute(
                    "SELECT sealed FROM responses WHERE response_id = ?",
                    (response.response_id,),
                ).fetchone()
                if row is not None:
                    if bytes(row[0]) == response.sealed:
                        return "duplicate"
                    raise ConflictError("a different response with the same id is already stored")
                self._conn.execute(
                    f"INSERT INTO responses ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        response.response_id,
                        response.key_id,
                        response.received_at,
                        response.delete_by,
                        response.receipt,
                        response.sealed,
                    ),
                )
                if link is not None:
                    self._link(response, link)
            return "imported"

        return self._run(work)  # type: ignore[return-value]

    def _link(self, response: StoredResponse, link: ImportLink) -> None:
        c = self._conn
        if (
            link.invitation is not None
            and c.execute(
                "SELECT 1 FROM invitations WHERE token = ?", (link.invitation,)
            ).fetchone()
        ):
            c.execute(
                "INSERT INTO matches (response_id, token, declined, sealed_on) VALUES (?, ?, ?, ?)",
                (response.response_id, link.invitation, int(link.declined), link.sealed_on),
            )
            c.execute(
                "UPDATE invitations SET delete_by = min(delete_by, ?) WHERE token = ?",
                (response.delete_by, link.invitation),
            )
        if link.special:
            c.execute(
                "INSERT OR IGNORE INTO followups (response_id, reported_on) VALUES (?, ?)",
                (response.response_id, link.sealed_on),
            )

    # ------------------------------------------------------------------ invitations

    def add_invitations(self, invitations: list[Invitation]) -> list[tuple[Invitation, bool]]:
        """Store a batch in one transaction: all or nothing.

        A person already invited (same name, ignoring case, and same last day) is not
        invited again: their existing invitation comes back with False.
        """

        def work() -> list[tuple[Invitation, bool]]:
            out: list[tuple[Invitation, bool]] = []
            with self._transaction():
                for inv in invitations:
                    existing = [
                        _invitation(r)
                        for r in self._conn.execute(
                            f"SELECT {_INVITATION_COLUMNS} FROM invitations WHERE last_day = ?",
                            (inv.last_day,),
                        )
                    ]
                    same = next(
                        (e for e in existing if e.name.casefold() == inv.name.casefold()), None
                    )
                    if same is not None:
                        out.append((same, False))
                        continue
                    self._conn.execute(
                        f"INSERT INTO invitations ({_INVITATION_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    out.append((inv, True))
            return out

        return self._run(work)  # type: ignore[return-value]

    def invitations(self) -> list[InvitationState]:
        """Every invitation with the responses that came with its token."""

        def work() -> list[InvitationState]:
            matched: dict[str, list[Matched]] = {}
            for token, rid, declined, sealed_on in self._conn.execute(
                "SELECT token, response_id, declined, sealed_on FROM matches ORDER BY sealed_on"
            ):
                matched.setdefault(token, []).append(Matched(rid, bool(declined), sealed_on))
            rows = self._conn.execute(
                f"SELECT {_INVITATION_COLUMNS} FROM invitations ORDER BY last_day, name"
            ).fetchall()
            return [
                InvitationState(inv, tuple(matched.get(inv.token, ())))
                for inv in map(_invitation, rows)
            ]

        return self._run(work)  # type: ignore[return-value]

    def record_decline(
        self, token: str, on: str, note: bytes | None, note_key_id: str | None
    ) -> None:
        self._run(
            lambda: self._write(
                "UPDATE invitations SET declined_on = ?, decline_note = ?, note_key_id = ? "
                "WHERE token = ?",
                (on, note, note_key_id, token),
            )
        )

    def decline_note(self, token: str) -> tuple[bytes, str] | None:
        row = self._run(
            lambda: self._conn.execute(
                "SELECT decline_note, note_key_id FROM invitations WHERE token = ?", (token,)
            ).fetchone()
        )
        if not isinstance(row, tuple) or row[0] is None:
            return None
        return bytes(row[0]), str(row[1])

    def matched_ids(self) -> set[str]:
        """The responses that came with the token of an invitation in this store."""
        rows = self._run(lambda: self._conn.execute("SELECT response_id FROM matches").fetchall())
        assert isinstance(rows, list)
        return {r[0] for r in rows}

    def is_matched(self, response_id: str) -> bool:
        row = self._run(
            lambda: self._conn.execute(
                "SELECT 1 FROM matches WHERE response_id = ?", (response_id,)
            ).fetchone()
        )
        return row is not None

    def invitation_of(self, response_id: str) -> Invitation | None:
        row = self._run(
            lambda: self._conn.execute(
                f"SELECT {', '.join('i.' + c for c in _INVITATION_COLUMNS.split(', '))} "
                "FROM invitations i JOIN matches m ON m.token = i.token WHERE m.response_id = ?",
                (response_id,),
            ).fetchone()
        )
        return _invitation(row) if isinstance(row, tuple) else None

    # ------------------------------------------------------------------ follow-ups

    def followups(self) -> list[Followup]:
        rows = self._run(
            lambda: self._conn.execute(
                f"SELECT {_FOLLOWUP_COLUMNS} FROM {_FOLLOWUP_FROM} ORDER BY f.reported_on"
            ).fetchall()
        )
        assert isinstance(rows, list)
        return [_followup(r) for r in rows]

    def followup(self, response_id: str) -> Followup | None:
        row = self._run(
            lambda: self._conn.execute(
                f"SELECT {_FOLLOWUP_COLUMNS} FROM {_FOLLOWUP_FROM} WHERE f.response_id = ?",
                (response_id,),
            ).fetchone()
        )
        return _followup(row) if isinstance(row, tuple) else None

    def open_followup(self, response_id: str, reported_on: str) -> None:
        """Start a follow-up (for a response imported before follow-ups were kept)."""
        self._run(
            lambda: self._write(
                "INSERT OR IGNORE INTO followups (response_id, reported_on) VALUES (?, ?)",
                (response_id, reported_on),
            )
        )

    def update_followup(self, response_id: str, **fields: str | bytes | None) -> None:
        unknown = set(fields) - set(FOLLOWUP_FIELDS)
        if unknown:
            raise ValueError(f"not a follow-up field: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._run(
            lambda: self._write(
                f"UPDATE followups SET {assignments} WHERE response_id = ?",
                (*fields.values(), response_id),
            )
        )

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self._transaction():
            self._conn.execute(sql, params)

    # ------------------------------------------------------------------ retention

    _EXPIRED_RESPONSES = "SELECT response_id FROM responses WHERE delete_by <= :today"
    _EXPIRED_INVITATIONS = (
        "SELECT token FROM invitations WHERE delete_by <= :today OR token IN "
        "(SELECT token FROM matches WHERE response_id IN "
        f"({_EXPIRED_RESPONSES}))"
    )

    def _count_expired(self, today: str) -> Deletion:
        c, args = self._conn, {"today": today}
        return Deletion(
            responses=c.execute(
                f"SELECT count(*) FROM ({self._EXPIRED_RESPONSES})", args
            ).fetchone()[0],
            invitations=c.execute(
                f"SELECT count(*) FROM ({self._EXPIRED_INVITATIONS})", args
            ).fetchone()[0],
            followups=c.execute(
                f"SELECT count(*) FROM followups WHERE response_id IN ({self._EXPIRED_RESPONSES})",
                args,
            ).fetchone()[0],
        )

    def due_for_deletion(self, today: str) -> Deletion:
        """What has reached its delete-by date (`today` as YYYY-MM-DD) and not been purged."""
        return self._run(lambda: self._count_expired(today))  # type: ignore[return-value]

    def purge(self, today: str) -> Deletion:
        """Delete everything that has reached its delete-by date, beyond recovery from the file.

        secure_delete zeroes the freed cells; the checkpoint moves the change out of the
        write-ahead log and truncates it (old page images live there until then); VACUUM
        rebuilds the file without free pages; the last checkpoint empties the log again.
        """

        def work() -> Deletion:
            args = {"today": today}
            with self._transaction():
                counts = self._count_expired(today)
                # Invitations first: the responses' matches lead to them.
                self._conn.execute(
                    f"DELETE FROM invitations WHERE token IN ({self._EXPIRED_INVITATIONS})", args
                )
                self._conn.execute(
                    f"DELETE FROM responses WHERE response_id IN ({self._EXPIRED_RESPONSES})",
                    args,
                )
            self._checkpoint()
            self._conn.execute("VACUUM")
            self._checkpoint()
            return counts

        return self._run(work)  # type: ignore[return-value]

    def _checkpoint(self) -> None:
        busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise StoreError(
                f"{self.path}: another program has the database open, so the deleted text may "
                "linger in its log; close it and run purge again"
            )

    # ------------------------------------------------------------------ reading

    def responses(self) -> Iterator[StoredResponse]:
        """Every stored response, oldest first, one row at a time."""
        try:
            cursor = self._conn.execute(
                f"SELECT {_COLUMNS} FROM responses ORDER BY received_at, response_id"
            )
            for row in cursor:
                yield _row(row)
        except sqlite3.Error as e:
            raise _translate(e, self.path) from None

    def count(self) -> int:
        return self._run(  # type: ignore[return-value]
            lambda: self._conn.execute("SELECT count(*) FROM responses").fetchone()[0]
        )

    def find(self, prefix: str) -> StoredResponse:
        """The one response whose id starts with `prefix`; StoreError if none or several."""
        wanted = prefix.strip().lower()
        if not wanted or len(wanted) > 32 or any(ch not in "0123456789abcdef" for ch in wanted):
            raise StoreError(
                f"{prefix!r} is not a response id; ids are hexadecimal, "
                "as `sluttsamtale list` shows them"
            )
        rows = self._run(
            lambda: self._conn.execute(
                f"SELECT {_COLUMNS} FROM responses WHERE substr(response_id, 1, ?) = ? "
                "ORDER BY response_id LIMIT 2",
                (len(wanted), wanted),
            ).fetchall()
        )
        assert isinstance(rows, list)
        if not rows:
            raise StoreError(f"no stored response has an id starting with {wanted!r}")
        if len(rows) > 1:
            raise StoreError(
                f"several stored responses have ids starting with {wanted!r}; give more characters"
            )
        return _row(rows[0])

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _row(row: tuple[object, ...]) -> StoredResponse:
    rid, kid, received, delete_by, receipt, sealed = row
    return StoredResponse(
        str(rid), str(kid), str(received), str(delete_by), str(receipt), bytes(sealed)
    )  # type: ignore[arg-type]


def _invitation(row: tuple[object, ...]) -> Invitation:
    return Invitation(*row)  # type: ignore[arg-type]


def _followup(row: tuple[object, ...]) -> Followup:
    rid, reported, acknowledged, assessed, assessment, kid, feedback, name = row
    return Followup(
        str(rid),
        str(reported),
        acknowledged,  # type: ignore[arg-type]
        assessed,  # type: ignore[arg-type]
        bytes(assessment) if assessment is not None else None,  # type: ignore[arg-type]
        kid,  # type: ignore[arg-type]
        feedback,  # type: ignore[arg-type]
        name,  # type: ignore[arg-type]
    )


def _check_path(path: Path, create: bool) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise StoreError(
                f"{path}: no database here yet; import responses first (sluttsamtale import)"
            ) from None
        _create_private(path)
        return
    except OSError as e:
        raise StoreError(f"{path}: cannot be opened ({e.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path}: is not a Sluttsamtale database or is damaged")


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only; SQLite gives -wal and -shm the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # made by a concurrent import a moment ago
    except OSError as e:
        raise StoreError(f"{path}: cannot be created ({e.strerror})") from None
    os.close(fd)


# Primary SQLite result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def _translate(e: sqlite3.Error, path: Path) -> StoreError:
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_BUSY, _LOCKED):
        return StoreError(f"{path}: is locked by another import; try again when it has finished")
    if code in (_CORRUPT, _NOTADB):
        return StoreError(f"{path}: is not a Sluttsamtale database or is damaged")
    if code == _READONLY:
        return StoreError(f"{path}: cannot be written (it or its folder is read-only)")
    if code == _FULL:
        return StoreError(f"{path}: cannot be written because the disk is full")
    if code in (_CANTOPEN, _IOERR):
        return StoreError(f"{path}: cannot be opened or written ({e})")
    return StoreError(f"{path}: the database reported an error ({e})")
