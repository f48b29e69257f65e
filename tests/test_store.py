"""store: migrations, pragmas, save/duplicate/conflict, queries, and refusing bad files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from collector.errors import StoreError
from collector.store import ConflictError, DeletedError, ReplayError, Store, StoredResponse
from collector.store.migrations import SCHEMA_VERSION


def _row(rid: str = "ab" * 16, file: str = "f1", enc: str = "e1", **kw: str) -> StoredResponse:
    fields = {
        "key_id": "cd" * 16,
        "received_at": "2025-06-30T10:00:00Z",
        "delete_by": "2026-06-30",
        "receipt": "3f2a-91bc-04de",
    } | kw
    return StoredResponse(
        response_id=rid,
        file_digest=file * 32,
        enc_digest=enc * 32,
        record=b"\x01SEALED RECORD" * 5,
        summary=b"\x02SEALED SUMMARY" * 5,
        **fields,
    )


def save(store: Store, row: StoredResponse) -> str:
    return store.save(row, special=False)


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
        assert names == [
            "responses",
            "invitations_and_followups",
            "sealed_at_rest",
            "summary_pages",
            "summaries_in_records",
        ]
        save(store, _row())
        for suffix in ("", "-wal"):
            assert stat.S_IMODE(os.stat(f"{db}{suffix}").st_mode) == 0o600
    with Store.open(db) as again:  # opening again applies nothing twice
        assert again.version() == SCHEMA_VERSION and again.count() == 1


def test_store_save_imported_then_duplicate(db: Path) -> None:
    with Store.open(db) as store:
        assert save(store, _row()) == "imported"
        assert save(store, _row()) == "duplicate"
        assert store.count() == 1


def test_store_save_conflict_keeps_the_first(db: Path) -> None:
    with Store.open(db) as store:
        save(store, _row(file="f1"))
        with pytest.raises(
            ConflictError, match="a different response with the same id is already stored"
        ):
            save(store, _row(file="f2", enc="e2"))
        assert [r.file_digest for r in store.responses()] == ["f1" * 32]
        assert not store.db.conn.in_transaction


def test_store_refuses_a_replayed_part(db: Path) -> None:
    # Another file (another response id) whose sealed part's enc was seen before.
    with Store.open(db) as store:
        save(store, _row())
        with pytest.raises(ReplayError, match="taken from an earlier response"):
            save(store, _row("cd" * 16, file="f2", enc="e1"))
        assert store.count() == 1


def test_store_never_takes_an_erased_response_back(db: Path) -> None:
    with Store.open(db) as store:
        save(store, _row())
        assert store.erase(["ab" * 16], "2025-07-01") == 1
        with pytest.raises(DeletedError, match="erased on 2025-07-01"):
            save(store, _row())
        # Not by the same enc in another file either.
        with pytest.raises(DeletedError):
            save(store, _row("cd" * 16, file="f2", enc="e1"))
        assert store.count() == 0


def test_store_responses_oldest_first_and_find_by_prefix(db: Path) -> None:
    with Store.open(db) as store:
        save(store, _row("a1" + "0" * 30, "f1", "e1", received_at="2025-02-01T00:00:00Z"))
        save(store, _row("a2" + "0" * 30, "f2", "e2", received_at="2025-01-01T00:00:00Z"))
        save(store, _row("b0" + "0" * 30, "f3", "e3", received_at="2025-03-01T00:00:00Z"))
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
            save(store, _row())
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(db) as store:
        assert save(store, _row()) == "imported"


def test_store_first_open_waits_for_a_locked_migration(db: Path) -> None:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="is locked by another import"):
            Store.open(db, busy_timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_store_keeps_in_clear_only_what_retention_and_duplicates_need(db: Path) -> None:
    # FORMAT.md 14.3 and issue 9.8: everything about a person is in the sealed columns.
    with Store.open(db) as store:
        save(store, _row())
        conn = store.db.conn
        columns = {
            table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("responses", "invitations", "deleted", "outputs")
        }
    assert columns == {
        "responses": [
            "response_id",
            "key_id",
            "received_at",
            "delete_by",
            "receipt",
            "file_digest",
            "enc_digest",
            "record",
            "summary",
            "superseded",
            "confirmed",
        ],
        "invitations": ["code", "link_id", "identity_tag", "key_id", "delete_by", "record"],
        "deleted": ["enc_digest", "file_digest", "deleted_on", "how"],
        "outputs": ["path", "kind", "written_at", "delete_by"],
    }


def test_a_store_is_made_or_upgraded_whole_or_not_at_all(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pending migration in one transaction: a store stopped while it is being made
    (the kill campaign killed one between two migrations) or upgraded is left as it was,
    never at a version in between."""
    from collector.store import connection, migrations

    failing = [*migrations.MIGRATIONS, ("broken", ["CREATE TABLE responses (x)"])]
    monkeypatch.setattr(connection, "MIGRATIONS", failing)
    monkeypatch.setattr(connection, "SCHEMA_VERSION", len(failing))
    with pytest.raises(StoreError):
        Store.open(db)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    finally:
        conn.close()
    monkeypatch.undo()
    with Store.open(db) as store:  # made whole the next time
        assert store.version() == SCHEMA_VERSION
        save(store, _row())
    monkeypatch.setattr(connection, "MIGRATIONS", failing)
    monkeypatch.setattr(connection, "SCHEMA_VERSION", len(failing))
    with pytest.raises(StoreError):
        Store.open(db)
    monkeypatch.undo()
    with Store.open(db) as store:  # the failed upgrade left it as it was
        assert store.version() == SCHEMA_VERSION and store.count() == 1
