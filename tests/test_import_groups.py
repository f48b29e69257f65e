"""Import commits files in groups (one fsync per group, not per response): a file is
reported only once its group is on disk, each response is still all or nothing, and a
failure loses no file and stores none twice (issue 14). Real stores, real files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.errors import StoreError
from collector.intake import files, importer
from collector.model.loading import load_catalog
from collector.store import Store
from testing import crash as cs
from testing.fixtures import seal


def committed_receipts(db: Path) -> set[str]:
    """What another connection sees: only what a commit made durable."""
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT receipt FROM responses")}
    finally:
        conn.close()


def run(batch: cs.Batch, store: Store) -> list[importer.FileResult]:
    catalog = load_catalog(batch.env.questionnaires)
    keys = {batch.key.key_id: batch.key}
    now = datetime.now(UTC)
    results = []
    for result in importer.import_items(
        files.expand([batch.inbox]), hr_keys=keys, catalog=catalog, store=store, now=now
    ):
        if result.outcome == "imported":  # reported: so it must be committed already
            assert result.receipt in committed_receipts(batch.db)
        results.append(result)
    return results


def test_a_file_is_reported_only_once_its_group_is_committed(tmp_path: Path) -> None:
    batch = cs.make_batch(tmp_path, 30, seed=5)
    with Store.open(batch.db) as store:
        results = run(batch, store)
    assert [r.outcome for r in results] == ["imported"] * 30
    assert cs.check_store(batch, tmp_path / "check") == (30, [])


def test_groups_are_bounded_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "GROUP_FILES", 4)
    monkeypatch.setattr(importer, "GROUP_SECONDS", 60.0)
    batch = cs.make_batch(tmp_path, 10, seed=6)
    seen: list[int] = []
    with Store.open(batch.db) as store:
        catalog = load_catalog(batch.env.questionnaires)
        keys = {batch.key.key_id: batch.key}
        for _ in importer.import_items(
            files.expand([batch.inbox]),
            hr_keys=keys,
            catalog=catalog,
            store=store,
            now=datetime.now(UTC),
        ):
            seen.append(len(committed_receipts(batch.db)))
    # Each result arrives with its whole group committed: 4, 4, then the last 2.
    assert seen == [4] * 4 + [8] * 4 + [10] * 2


def test_a_full_disk_mid_group_stores_no_half_response_and_loses_no_file(
    tmp_path: Path,
) -> None:
    batch = cs.make_batch(tmp_path, 40, seed=7)
    with Store.open(batch.db):
        pass
    conn = sqlite3.connect(batch.db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    reported: list[importer.FileResult] = []
    with (
        pytest.raises(StoreError, match="disk is full"),
        Store.open(batch.db, max_page_count=pages + 6) as store,
    ):
        catalog = load_catalog(batch.env.questionnaires)
        keys = {batch.key.key_id: batch.key}
        for result in importer.import_items(
            files.expand([batch.inbox]),
            hr_keys=keys,
            catalog=catalog,
            store=store,
            now=datetime.now(UTC),
        ):
            reported.append(result)
    stored, problems = cs.check_store(batch, tmp_path / "check")
    assert problems == []  # whole responses only: every special one has its follow-up row
    assert stored == len(reported) < 40
    assert {r.receipt for r in reported} == committed_receipts(batch.db)
    # The next run stores every other file exactly once.
    with Store.open(batch.db) as store:
        again = run(batch, store)
    outcomes = sorted(r.outcome for r in again)
    assert outcomes == ["duplicate"] * stored + ["imported"] * (40 - stored)
    assert cs.check_store(batch, tmp_path / "check") == (40, [])


@pytest.mark.parametrize("bad", ["unreadable", "same id, other answers"])
def test_a_rejected_file_inside_a_group_keeps_the_others(tmp_path: Path, bad: str) -> None:
    batch = cs.make_batch(tmp_path, 12, seed=8)
    rid, first = next(iter(batch.by_id.items()))
    if bad == "unreadable":
        data = first.path.read_bytes()[:-40] + b"}\n"
    else:  # refused by the store itself, inside the group, after other files' writes
        data, _ = seal(batch.env, response_id=rid)
    (batch.inbox / "zz-bad.json").write_bytes(data)
    with Store.open(batch.db) as store:
        results = run(batch, store)
    assert sorted(r.outcome for r in results) == ["imported"] * 12 + ["rejected"]
    assert cs.check_store(batch, tmp_path / "check") == (12, [])
