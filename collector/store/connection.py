"""Opening the SQLite file: its checks, pragmas, migrations, transactions and error words.

Nothing readable is kept at rest (see the table modules); this module only makes sure the
file is ours, private, durable, and that every SQLite error reaches HR as one sentence.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .. import clock
from ..errors import StoreError
from ..i18n import tr
from .migrations import FORMAT_2, MIGRATIONS, SCHEMA_VERSION

APPLICATION_ID = 0x534C5454  # "SLTT": marks the file as ours for `file(1)` and for us
BUSY_TIMEOUT = 5.0

T = TypeVar("T")


class Database:
    """One connection to the store file, in autocommit mode; writes go through `transaction`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._grouped = False
        self._group_lost = False
        self.busy_timeout = BUSY_TIMEOUT

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool,
        busy_timeout: float = BUSY_TIMEOUT,
        max_page_count: int | None = None,
    ) -> Database:
        """Open (and with `create`, make) the file at `path`, applying any migrations.

        `max_page_count` caps the file after the migrations (SQLite's max_page_count); the
        tests use it to fill "the disk" without filling one.
        """
        path = Path(path)
        _check_path(path, create)
        try:
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise translate(e, path) from None
        db = cls(conn, path)
        try:
            db._configure(busy_timeout)
            db._check_identity()
            db._migrate()
            if max_page_count is not None:
                conn.execute(f"PRAGMA max_page_count = {int(max_page_count)}").fetchone()
        except sqlite3.Error as e:
            conn.close()
            raise translate(e, path) from None
        except StoreError:
            conn.close()
            raise
        return db

    def _configure(self, busy_timeout: float) -> None:
        c = self.conn
        self.busy_timeout = busy_timeout
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # Reading the schema first makes a foreign or damaged file fail here, not later.
        c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        c.execute("PRAGMA journal_mode = WAL").fetchone()
        c.execute("PRAGMA synchronous = FULL")  # a commit that returned is on disk
        c.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten, not left behind
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA trusted_schema = OFF")

    def _check_identity(self) -> None:
        c = self.conn
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id not in (0, APPLICATION_ID) or (tables and "migrations" not in tables):
            raise StoreError(
                tr(
                    "{path}: is not a Sluttsamtale database or is damaged",
                    path=self.path,
                )
            )

    def version(self) -> int:
        c = self.conn
        if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'migrations'").fetchone():
            return 0
        return int(c.execute("SELECT coalesce(max(id), 0) FROM migrations").fetchone()[0])

    def _migrate(self) -> None:
        if self.version() > SCHEMA_VERSION:
            raise StoreError(
                tr(
                    "{path}: was made by a newer Sluttsamtale (schema {version}); upgrade "
                    "Sluttsamtale to use it",
                    path=self.path,
                    version=self.version(),
                )
            )
        if self.version() == SCHEMA_VERSION:
            return
        # Every pending migration in one transaction: a store being made or upgraded is at
        # its old version or at the new one, never in between, however it is stopped (the
        # kill campaign found a new store killed between two of its migrations).
        with self.transaction():
            for number, (name, statements) in enumerate(MIGRATIONS, start=1):
                # Another process may have migrated while we waited for the lock.
                if self.version() >= number:
                    continue
                if number == FORMAT_2 and self._holds_format_1_rows():
                    raise StoreError(
                        tr(
                            "{path}: was made by Sluttsamtale 0.1 for response format 1, which "
                            "this version cannot read; keep it as it is and import the "
                            "responses again into a new store",
                            path=self.path,
                        )
                    )
                if number == 1:
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    self.conn.execute(
                        "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                for statement in statements:
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, clock.iso(clock.system_now())),
                )

    def _holds_format_1_rows(self) -> bool:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        old = [t for t in ("responses", "invitations") if t in tables]
        return any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in old)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self._grouped:
            with self._savepoint():
                yield self.conn
            return
        # IMMEDIATE takes the write lock up front, so waiting happens at BEGIN (under the
        # busy timeout) and never halfway through a response.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except GeneratorExit:
            raise  # abandoned, not ended: see _savepoint
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Many reads as one: they all see the store as it was at the first of them, and
        none of another program's commits meanwhile (a deferred transaction that writes
        nothing). Inside a transaction already, that one is the snapshot."""
        if self.conn.in_transaction:
            yield
            return
        self.run(lambda c: c.execute("BEGIN DEFERRED"))
        try:
            yield
        except GeneratorExit:
            raise  # abandoned, not ended: see _savepoint
        except BaseException:
            self._end_reading()
            raise
        self._end_reading()

    def _end_reading(self) -> None:
        # It wrote nothing, so ending it undoes nothing; SQLite may still report a damaged
        # page a read met, which the read itself has said if it mattered.
        with contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A transaction inside a group: all of it or none, durable when the group is."""
        self.conn.execute("SAVEPOINT one")
        try:
            yield
        except GeneratorExit:
            # Abandoned, not ended: a Ctrl+C inside contextlib's own steps left this
            # suspended, and the collector closes it later, maybe after the connection (the
            # Ctrl+C campaign saw "Cannot operate on a closed database" ignored on the
            # terminal). The interrupt went up through the enclosing transaction, whose
            # end undid this too.
            raise
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO one")
                self.conn.execute("RELEASE one")
            else:  # SQLite rolled the whole group back itself (disk full, I/O error)
                self._group_lost = True
            raise
        # Outside the try: a Ctrl+C that lands as RELEASE returns must not roll back to a
        # savepoint released already (the Ctrl+C campaign saw "no such savepoint: one").
        self.conn.execute("RELEASE one")

    @contextlib.contextmanager
    def group(self) -> Iterator[None]:
        """One durable commit for many transactions: each `transaction` inside is a
        savepoint, all of it or none, and on disk when the group's COMMIT returns (with
        synchronous=FULL); if the group fails, none of them is."""
        if self._grouped:
            raise RuntimeError("groups do not nest")
        self._group_lost = False
        try:
            with self.transaction():
                self._grouped = True
                try:
                    yield
                finally:
                    self._grouped = False
                if self._group_lost:
                    raise StoreError(
                        tr(
                            "{path}: SQLite undid the last writes; import again",
                            path=self.path,
                        )
                    )
        except sqlite3.Error as e:
            raise translate(e, self.path) from None

    def group_lost(self) -> bool:
        """Inside a group: SQLite undid it (disk full, I/O error), so nothing more belongs
        in it."""
        return self._grouped and (self._group_lost or not self.conn.in_transaction)

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(conn)`, with any SQLite error turned into a StoreError naming the file."""
        try:
            return work(self.conn)
        except sqlite3.Error as e:
            raise translate(e, self.path) from None

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(conn)` in one write transaction: all of it or none."""

        def in_transaction(_: sqlite3.Connection) -> T:
            with self.transaction() as conn:
                return work(conn)

        return self.run(in_transaction)

    def write_at_once(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """As `write`, but a lock held by another program is not waited for: StoreError."""
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            return self.write(work)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def checkpoint(self) -> None:
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise StoreError(
                tr(
                    "{path}: another program has the database open, so the deleted text may "
                    "linger in its log; close it and run purge again",
                    path=self.path,
                )
            )

    def close(self) -> None:
        self.conn.close()


def _check_path(path: Path, create: bool) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise StoreError(
                tr(
                    "{path}: no database here yet; import responses first (sluttsamtale import)",
                    path=path,
                )
            ) from None
        _create_private(path)
        return
    except OSError as e:
        raise StoreError(
            tr(
                "{path}: cannot be opened ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(tr("{path}: is not a Sluttsamtale database or is damaged", path=path))


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only; SQLite gives -wal and -shm the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # made by a concurrent import a moment ago
    except OSError as e:
        raise StoreError(
            tr(
                "{path}: cannot be created ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    os.close(fd)


# Primary SQLite result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def translate(e: sqlite3.Error, path: Path) -> StoreError:
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_BUSY, _LOCKED):
        return StoreError(
            tr(
                "{path}: is locked by another import; try again when it has finished",
                path=path,
            )
        )
    if code in (_CORRUPT, _NOTADB):
        return StoreError(tr("{path}: is not a Sluttsamtale database or is damaged", path=path))
    if code == _READONLY:
        return StoreError(
            tr(
                "{path}: cannot be written (it or its folder is read-only)",
                path=path,
            )
        )
    if code == _FULL:
        return StoreError(tr("{path}: cannot be written because the disk is full", path=path))
    if code in (_CANTOPEN, _IOERR):
        return StoreError(
            tr(
                "{path}: cannot be opened or written ({error})",
                path=path,
                error=e,
            )
        )
    return StoreError(tr("{path}: the database reported an error ({error})", path=path, error=e))
