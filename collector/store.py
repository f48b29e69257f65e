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

    def save(self, response: StoredResponse) -> Outcome:
        """Store one response in one transaction: "imported", or "duplicate" if already here.

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
            return "imported"

        return self._run(work)  # type: ignore[return-value]

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
