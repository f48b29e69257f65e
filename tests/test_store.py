"""store: migrations, pragmas, save/duplicate/conflict, queries, and refusing bad files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from collector.errors import StoreError
from collector.store import ConflictError, Store, StoredResponse
from collector.store.migrations import SCHEMA_VERSION


def _row(rid: str = "ab" * 16, sealed: bytes = b"\x01" * 80, **kw: str) -> StoredResponse:
    fields = {
        "key_id": "cd" * 16,
        "received_at": "2025-06-30T10:00:00Z",
        "delete_by": "2026-06-30",
        "receipt": "3f2a-91bc-04de",
    } | kw
    return StoredResponse(response_id=rid, sealed=sealed, **fields)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def test_store_open_creates_private_file_with_migrations_and_pragmas(db: Path) -> None:
    with Store.open(db) as store:
        assert store.version() == SCHEMA_VERSION
        conn = store.db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY id")]
        assert names == ["responses", "invitations_and_followups"]
        store.save(_row())
        for suffix in ("", "-wal"):
            assert stat.S_IMODE(os.stat(f"{db}{suffix}").st_mode) == 0o600
    with Store.open(db) as again:  # opening again applies nothing twice
        assert again.version() == SCHEMA_VERSION and again.count() == 1


def test_store_save_imported_then_duplicate(db: Path) -> None:
    with Store.open(db) as store:
        assert store.save(_row()) == "imported"
        assert store.save(_row()) == "duplicate"
        assert store.count() == 1


def test_store_save_conflict_keeps_the_first(db: Path) -> None:
    with Store.open(db) as store:
        store.save(_row(sealed=b"\x01" * 80))
        with pytest.raises(
            ConflictError, match="a different response with the same id is already stored"
        ):
            store.save(_row(sealed=b"\x02" * 80))
        assert [r.sealed for r in store.responses()] == [b"\x01" * 80]
        assert not store.db.conn.in_transaction


def test_store_responses_oldest_first_and_find_by_prefix(db: Path) -> None:
    with Store.open(db) as store:
        store.save(_row("a1" + "0" * 30, received_at="2025-02-01T00:00:00Z"))
        store.save(_row("a2" + "0" * 30, received_at="2025-01-01T00:00:00Z"))
        store.save(_row("b0" + "0" * 30, received_at="2025-03-01T00:00:00Z"))
        assert [r.response_id[:2] for r in store.responses()] == ["a2", "a1", "b0"]
        assert store.find("B0").response_id == "b0" + "0" * 30
        assert store.find("a1" + "0" * 30).received_at == "2025-02-01T00:00:00Z"
        with pytest.raises(StoreError, match="several stored responses .* give more"):
            store.find("a")
        with pytest.raises(StoreError, match="no stored response has an id starting with 'c'"):
            store.find("c")
        with pytest.raises(StoreError, match="is not a response id"):
            store.find("a%")


def test_store_refuses_newer_schema(db: Path) -> None:
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO migrations VALUES (7, 'from the future', '2030-01-01')")
    conn.close()
    with pytest.raises(
        StoreError,
        match=r"was made by a newer Sluttsamtale \(schema 7\); "
        "upgrade",
    ):
        Store.open(db)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "damaged-header"],
)
def test_store_refuses_damaged_file(db: Path, content: bytes) -> None:
    db.write_bytes(content)
    with pytest.raises(StoreError, match="is not a Sluttsamtale database or is damaged"):
        Store.open(db)
    assert db.read_bytes() == content


def test_store_refuses_someone_elses_database(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match="is not a Sluttsamtale database"):
        Store.open(db)


def test_store_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is not a Sluttsamtale database"):
        Store.open(tmp_path)


def test_store_open_without_create_needs_a_database(db: Path) -> None:
    with pytest.raises(StoreError, match="no database here yet"):
        Store.open(db, create=False)
    assert not db.exists()


def test_store_locked_by_another_writer(db: Path) -> None:
    Store.open(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with (
            Store.open(db, busy_timeout=0.1) as store,
            pytest.raises(StoreError, match="is locked by another import"),
        ):
            store.save(_row())
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(db) as store:
        assert store.save(_row()) == "imported"


def test_store_first_open_waits_for_a_locked_migration(db: Path) -> None:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="is locked by another import"):
            Store.open(db, busy_timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_store_keeps_only_sealed_bytes(db: Path) -> None:
    with Store.open(db) as store:
        store.save(_row(sealed=b"\x00SEALED\x00" * 10))
        columns = [r[1] for r in store.db.conn.execute("PRAGMA table_info(responses)")]
    assert columns == ["response_id", "key_id", "received_at", "delete_by", "receipt", "sealed"]
