"""Pages of summaries (issue 14, item 4): `list` and `status` open one sealed page per import
group, not one summary per response, and see exactly what the responses' own summaries
say; a store without pages lists the same and gets them; a page never outlives, nor
disagrees with, a response in it (erase, purge, correct). Real stores, real sealed files."""

from __future__ import annotations

import fcntl
import json
import os
import select
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from collector import store as store_module
from collector.formats import at_rest, hpke
from collector.intake import files, importer, summaries
from collector.intake.opening import Listed, open_summary
from collector.model.loading import load_catalog
from collector.model.records import ResponseRecord, SummaryPage
from collector.render import text
from collector.routine import erasure, responses
from collector.store import Store
from collector.words import catalogue
from testing import crash as cs
from testing.fixtures import GOOD_ANSWERS, db_bytes, seal

NOW = datetime.now(UTC)
CANARY_NAME = "Canary Person-P7"
F_SETPIPE_SZ = 1031  # Linux fcntl: a pipe's buffer size


def imported(batch: cs.Batch, store: Store) -> None:
    catalog = load_catalog(batch.env.questionnaires)
    for result in importer.import_items(
        files.expand([batch.inbox]),
        hr_keys={batch.key.key_id: batch.key},
        catalog=catalog,
        store=store,
        now=NOW,
    ):
        assert result.outcome == "imported", result


def one_by_one(store: Store, batch: cs.Batch) -> list[Listed]:
    """What the lists showed before pages: every row's own summary opened."""
    return [open_summary(row, {batch.key.key_id: batch.key}) for row in store.responses()]


def as_seen(listed: list[Listed]) -> list[tuple[object, ...]]:
    """What a list shows of each response (the row without its sealed bytes), by id: the
    order of the list is test_the_list_goes_oldest_first_a_page_at_a_time's."""
    return sorted(
        (item.row.response_id, item.row.received_at, item.row.superseded, item.summary)
        for item in listed
    )


def sql(db: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def open_pages(db: Path, batch: cs.Batch) -> list[SummaryPage]:
    keys = {batch.key.key_id: batch.key}
    return [
        at_rest.open_as(SummaryPage, bytes(sealed), "summaries", str(kid), keys)
        for kid, sealed in sql(db, "SELECT key_id, sealed FROM summary_pages")
    ]


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> cs.Batch:
    """25 responses imported in groups of 10 (so 3 pages), one of them from CANARY_NAME."""
    monkeypatch.setattr(importer, "GROUP_FILES", 10)
    monkeypatch.setattr(importer, "GROUP_SECONDS", 60.0)
    made = cs.make_batch(tmp_path, 24, seed=41)
    data, _ = seal(made.env, dict(GOOD_ANSWERS, name=CANARY_NAME))
    (made.inbox / "canary.json").write_bytes(data)
    with Store.open(made.db) as store:
        imported(made, store)
    return made


def canary_id(store: Store, batch: cs.Batch) -> str:
    [rid] = [
        item.row.response_id
        for item in one_by_one(store, batch)
        if item.summary is not None and item.summary.name == CANARY_NAME
    ]
    return rid


def test_import_seals_one_page_per_group_holding_what_each_summary_holds(
    batch: cs.Batch,
) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        assert store.count_summary_pages() == 3
        assert sql(batch.db, "SELECT count(*) FROM summary_index") == [(25,)]
        listed = summaries.listed(store, keys)
        assert as_seen(listed) == as_seen(one_by_one(store, batch))
        assert all(item.row.record == b"" and item.row.summary == b"" for item in listed)
        view = responses.load_overview(store, keys)
        assert [i.row.response_id for i in view.shown] == [i.row.response_id for i in listed]
        assert store.count_summary_pages() == 3  # nothing to repair, nothing written
    assert sorted(len(p.summaries) for p in open_pages(batch.db, batch)) == [5, 10, 10]


def test_the_list_goes_oldest_first_a_page_at_a_time(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        store.db.run(  # one response received long before the others
            lambda c: c.execute(
                "UPDATE responses SET received_at = '2020-01-01T00:00:00Z' WHERE response_id = ?",
                (list(store.responses())[-1].response_id,),
            )
        )
        listed = summaries.listed(store, keys, repair=False)
        streamed = list(summaries.streamed(store, keys))
        page_of = dict(sql(batch.db, "SELECT response_id, page FROM summary_index"))
    order = [(i.row.received_at, page_of[i.row.response_id], i.row.response_id) for i in listed]
    assert order == sorted(order)  # by receipt, then by page: each page's rows together
    assert order[0][0] == "2020-01-01T00:00:00Z"
    assert len({p for _, p, _ in order}) == 3
    assert [i.row.response_id for i in streamed] == [i.row.response_id for i in listed]


def test_a_store_without_pages_lists_the_same_and_then_has_them(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    conn = sqlite3.connect(batch.db)
    conn.execute("DELETE FROM summary_pages")  # as a store from before pages were kept
    conn.commit()
    conn.close()
    assert sql(batch.db, "SELECT count(*) FROM summary_index") == [(0,)]
    with Store.open(batch.db) as store:
        before = as_seen(one_by_one(store, batch))
        assert as_seen(summaries.listed(store, keys, repair=False)) == before
        assert store.count_summary_pages() == 0
        assert as_seen(summaries.listed(store, keys)) == before
        assert store.count_summary_pages() == 1  # 25 responses, one page of PAGE_SIZE
        assert as_seen(summaries.listed(store, keys)) == before


def test_a_page_that_does_not_open_falls_back_to_each_summary(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    conn = sqlite3.connect(batch.db)
    conn.execute("UPDATE summary_pages SET sealed = zeroblob(2048)")
    conn.commit()
    conn.close()
    with Store.open(batch.db) as store:
        # Without the key, each response says why, as it did before pages.
        problems = {item.problem for item in summaries.listed(store, {})}
        assert len(problems) == 1 and "was not given with --key" in str(problems.pop())
        assert store.count_summary_pages() == 3  # not dropped without the key to check
        # With it, each is read from its own summary, and the pages are sealed anew.
        assert as_seen(summaries.listed(store, keys)) == as_seen(one_by_one(store, batch))
        assert store.count_summary_pages() == 1
        assert sql(batch.db, "SELECT count(*) FROM summary_index") == [(25,)]
        assert as_seen(summaries.listed(store, keys)) == as_seen(one_by_one(store, batch))


def test_erase_leaves_nothing_of_the_person_in_the_file(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        row = store.response(rid)
        assert row is not None
        [(page,)] = sql(batch.db, f"SELECT page FROM summary_index WHERE response_id = '{rid}'")
        [(sealed_page,)] = sql(batch.db, f"SELECT sealed FROM summary_pages WHERE page = {page}")
        assert row.summary == b""  # the record carries it, sealed with it
        traces = [row.record[:40], row.record[-40:]]
        traces += [bytes(sealed_page)[:40], bytes(sealed_page)[-40:]]
        on_disk = db_bytes(batch.db)
        assert all(t in on_disk for t in traces)
        assert store.erase([rid], "2026-05-05") == 1
        on_disk = db_bytes(batch.db)
        assert [t for t in traces if t in on_disk] == []
        assert rid.encode() not in on_disk
        # Its page went with it; its neighbours are listed from their records and
        # sealed into a new page, which does not hold the erased person either.
        assert sql(batch.db, f"SELECT count(*) FROM summary_pages WHERE page = {page}") == [(0,)]
        assert as_seen(summaries.listed(store, keys)) == as_seen(one_by_one(store, batch))
        assert store.count_summary_pages() == 3
    pages = open_pages(batch.db, batch)
    assert sum(len(p.summaries) for p in pages) == 24
    assert all(rid not in p.summaries for p in pages)
    assert all(s.name != CANARY_NAME for p in pages for s in p.summaries.values())


def test_purge_takes_the_pages_of_what_it_deletes(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    before = list(
        zip(
            sql(batch.db, "SELECT sealed FROM summary_pages"),
            open_pages(batch.db, batch),
            strict=True,
        )
    )
    with Store.open(batch.db) as store:
        done = store.purge("2999-01-01")
        assert done.responses and done.held  # open follow-ups are held back
        kept = {r.response_id for r in store.responses()}
        assert len(kept) == done.held
        assert as_seen(summaries.listed(store, keys)) == as_seen(one_by_one(store, batch))
    on_disk = db_bytes(batch.db)
    for (sealed,), page in before:
        if set(page.summaries) - kept:  # it held a purged response: gone from the file
            assert bytes(sealed)[:40] not in on_disk and bytes(sealed)[-40:] not in on_disk
    indexed = {str(r) for (r,) in sql(batch.db, "SELECT response_id FROM summary_index")}
    assert indexed == kept
    assert all(set(p.summaries) <= kept for p in open_pages(batch.db, batch))


def test_a_correction_drops_the_page_and_the_next_list_seals_it_anew(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        [(page,)] = sql(batch.db, f"SELECT page FROM summary_index WHERE response_id = '{rid}'")
        erasure.correct(store, rid[:8], "Feil sluttdato", date(2026, 5, 5), keys)
        assert sql(batch.db, f"SELECT count(*) FROM summary_pages WHERE page = {page}") == [(0,)]
        assert as_seen(summaries.listed(store, keys)) == as_seen(one_by_one(store, batch))
        assert sql(batch.db, f"SELECT count(*) FROM summary_index WHERE response_id = '{rid}'") == [
            (1,)
        ]


def test_a_page_is_not_written_for_a_summary_that_changed_meanwhile(batch: cs.Batch) -> None:
    """A reading command seals a page from what it read; if an erasure or correction came
    in between, the page is not written (it would hold what the response no longer has)."""
    keys = {batch.key.key_id: batch.key}
    public = batch.env.public_raw
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        row = store.response(rid)
        assert row is not None
        summary = open_summary(row, keys).summary
        assert summary is not None
        store.erase([rid], "2026-05-05")
        sealed = summaries.seal_page({rid: summary}, public)
        assert store.try_add_summary_page(batch.key.key_id, sealed, {rid: row.record}) is None
        assert sql(batch.db, f"SELECT count(*) FROM summary_index WHERE response_id = '{rid}'") == [
            (0,)
        ]
        pages_before = store.count_summary_pages()
        other = next(r for r in store.responses() if r.response_id != rid)
        assert (
            store.try_add_summary_page(batch.key.key_id, sealed, {other.response_id: b"x"}) is None
        )
        assert store.count_summary_pages() == pages_before


def test_a_bulk_read_leaves_the_garbage_collector_as_it_found_it(batch: cs.Batch) -> None:
    import gc

    from collector.bulk import no_cycle_collection

    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        assert gc.isenabled()
        summaries.listed(store, keys)
        assert gc.isenabled()
        with pytest.raises(RuntimeError), no_cycle_collection():
            assert not gc.isenabled()
            raise RuntimeError("a read that fails")
        assert gc.isenabled()
        gc.disable()
        try:
            summaries.listed(store, keys)
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_a_list_while_another_program_writes_waits_for_nothing(batch: cs.Batch) -> None:
    """A reading command seals missing pages only when it can write at once: with the
    store locked by an import it lists all the same, at once, and writes nothing."""
    import time

    keys = {batch.key.key_id: batch.key}
    conn = sqlite3.connect(batch.db)
    conn.execute("DELETE FROM summary_pages")
    conn.commit()
    conn.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with Store.open(batch.db) as store:
            started = time.monotonic()
            listed = summaries.listed(store, keys)
            assert time.monotonic() - started < 2.0  # not the 5 s busy timeout
            assert as_seen(listed) == as_seen(one_by_one(store, batch))
            assert store.count_summary_pages() == 0
    finally:
        conn.rollback()
        conn.close()
    with Store.open(batch.db) as store:
        summaries.listed(store, keys)
        assert store.count_summary_pages() == 1


def test_a_lookup_gives_the_responses_asked_for_still_stored_in_the_listing_order(
    batch: cs.Batch,
) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        every = as_seen(summaries.listed(store, keys))
        ids = [row[0] for row in every]
        asked = [ids[20], ids[3], "0" * 32, ids[11], ids[3]]  # any order, one not stored
        assert as_seen(summaries.lookup(store, asked, keys)) == [
            every[3],
            every[11],
            every[20],
        ]
        assert summaries.lookup(store, [], keys) == []


def as_before_records_carried_summaries(batch: cs.Batch, store: Store, rid: str) -> None:
    """Rewrite one row as a store from before kept it: its record sealed without a summary
    (the field absent), its summary sealed in the row's own column."""
    keys = {batch.key.key_id: batch.key}
    row = store.response(rid)
    assert row is not None
    record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, keys)
    assert record.summary is not None
    old = record.model_dump_json(exclude={"summary"}).encode()
    assert b'"summary"' not in old
    info = at_rest.info("record", row.key_id)
    sealed_record = hpke.seal_with_info(at_rest.padded(old), batch.env.public_raw, info)
    own = at_rest.seal(record.summary, "summary", batch.env.public_raw)
    store.update_record(rid, sealed_record, own)


def test_rows_from_before_records_carried_summaries_list_the_same(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        before = as_seen(summaries.listed(store, keys))
        rid = canary_id(store, batch)
        olds = [str(row[0]) for row in before[::3]]
        olds += [] if rid in olds else [rid]
        for old in olds:
            as_before_records_carried_summaries(batch, store, old)
        assert store.count_summary_pages() == 0  # each page held one of them
        assert as_seen(summaries.listed(store, keys, repair=False)) == before
        assert as_seen(summaries.listed(store, keys)) == before
        assert store.count_summary_pages() == 1
        assert as_seen(summaries.listed(store, keys)) == before
        # A correction of such a row keeps its form (its summary sealed apart, anew), so a
        # copied store does not tell the corrected rows from the other older ones.
        old = store.response(rid)
        assert old is not None
        erasure.correct(store, rid[:8], "Feil sluttdato", date(2026, 5, 5), keys)
        row = store.response(rid)
        assert row is not None and row.summary and row.summary != old.summary
        assert len(row.summary) == len(old.summary)
        record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, keys)
        assert record.summary is None and record.corrections
        assert as_seen(summaries.listed(store, keys)) == before
        # A newer row corrected keeps its form too: the summary in its record.
        newer = next(str(r[0]) for r in before if str(r[0]) not in olds)
        erasure.correct(store, newer[:8], "Feil sluttdato", date(2026, 5, 5), keys)
        row = store.response(newer)
        assert row is not None and row.summary == b""
        record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, keys)
        assert record.summary is not None and record.corrections
        assert as_seen(summaries.listed(store, keys)) == before


def test_a_row_whose_summary_is_nowhere_is_listed_with_its_problem(batch: cs.Batch) -> None:
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        as_before_records_carried_summaries(batch, store, rid)
        row = store.response(rid)
        assert row is not None
        store.update_record(rid, row.record, b"")  # neither the record nor the row has it
        [listed] = [item for item in summaries.listed(store, keys) if item.row.response_id == rid]
        assert listed.summary is None
        assert listed.problem == "a stored summary is damaged"
        with pytest.raises(erasure.ErasureError, match="a stored summary is damaged"):
            erasure.correct(store, rid[:8], "Feil sluttdato", date(2026, 5, 5), keys)


def test_a_page_is_written_only_from_the_record_its_response_still_has(
    batch: cs.Batch,
) -> None:
    """The bytes a reading command sealed a page from are its responses' records now: one
    corrected in between (a new record) gets no page from the old one."""
    keys = {batch.key.key_id: batch.key}
    public = batch.env.public_raw
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        [(page,)] = sql(batch.db, f"SELECT page FROM summary_index WHERE response_id = '{rid}'")
        assert store.try_drop_summary_page(page)
        row = store.response(rid)
        assert row is not None
        summary = open_summary(row, keys).summary
        assert summary is not None
        sealed = summaries.seal_page({rid: summary}, public)
        erasure.correct(store, rid[:8], "Feil sluttdato", date(2026, 5, 5), keys)
        assert store.try_add_summary_page(batch.key.key_id, sealed, {rid: row.record}) is None
        again = store.response(rid)
        assert again is not None and again.record != row.record
        assert store.try_add_summary_page(batch.key.key_id, sealed, {rid: again.record})


def test_a_record_sealed_anew_takes_its_page_with_it(batch: cs.Batch) -> None:
    """The summary lives in the record now: a page goes when a row's record is rewritten,
    by any statement, not only when its summary column is (the schema's trigger)."""
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        rid = canary_id(store, batch)
        [(page,)] = sql(batch.db, f"SELECT page FROM summary_index WHERE response_id = '{rid}'")
        row = store.response(rid)
        assert row is not None
        record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, keys)
        assert record.summary is not None
        renamed = record.summary.model_copy(update={"name": "Someone Else"})
        new = at_rest.seal(
            record.model_copy(update={"summary": renamed}), "record", batch.env.public_raw
        )
    conn = sqlite3.connect(batch.db)
    conn.execute("UPDATE responses SET record = ? WHERE response_id = ?", (new, rid))
    conn.commit()
    conn.close()
    assert sql(batch.db, f"SELECT count(*) FROM summary_pages WHERE page = {page}") == [(0,)]
    with Store.open(batch.db) as store:
        names = {
            i.row.response_id: i.summary.name for i in summaries.listed(store, keys) if i.summary
        }
        assert names[rid] == "Someone Else"


def test_the_streamed_list_is_the_list(batch: cs.Batch) -> None:
    """`list` reads the store a page at a time (stream_overview); it prints what the whole
    overview would, in JSON to the byte, with an earlier answer replaced and a problem row."""
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        rows = list(store.responses())
        store.db.run(
            lambda c: c.execute(
                "UPDATE responses SET superseded = 1 WHERE response_id = ?",
                (rows[3].response_id,),
            )
        )
        for include_earlier in (False, True):
            whole = responses.load_overview(store, keys, include_earlier=include_earlier)
            streamed = responses.stream_overview(store, keys, include_earlier=include_earlier)
            assert "".join(text.overview_json_text(streamed)) == json.dumps(
                text.overview_json(whole), indent=2, ensure_ascii=False
            )
            assert streamed.tally.superseded == whole.superseded == 1
            words = catalogue("en")
            again = responses.stream_overview(store, keys, include_earlier=include_earlier)
            assert text.list_table(again, words) == text.list_table(whole, words)
    with Store.open(batch.db) as store:
        store.db.run(lambda c: c.execute("DELETE FROM responses"))
        empty = responses.stream_overview(store, keys)
        assert "".join(text.overview_json_text(empty)) == json.dumps(
            text.overview_json(responses.load_overview(store, keys)), indent=2
        )


def test_the_list_is_of_one_moment_while_another_program_erases_and_imports(
    batch: cs.Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list and its counts are read in one snapshot (store.snapshot): a response deleted
    and another imported by a second program halfway through change nothing in it (the
    attacker's pass found the last batch read from a later moment than the rest, and the
    earlier answers counted at another moment than the list)."""
    monkeypatch.setattr(store_module, "LISTING_BATCH", 4)
    keys = {batch.key.key_id: batch.key}
    with Store.open(batch.db) as store:
        before = responses.load_overview(store, keys)
        last = before.shown[-1].row.response_id
        with store.snapshot():
            view = responses.stream_overview(store, keys)
            shown = iter(view.shown)
            first = [next(shown), next(shown)]
            other = sqlite3.connect(batch.db)
            with other:
                other.execute("DELETE FROM responses WHERE response_id = ?", (last,))
            other.close()
            newer, _ = seal(batch.env, dict(GOOD_ANSWERS, name="Late Arrival"))
            (batch.inbox / "late.json").write_bytes(newer)
            with Store.open(batch.db) as second:
                imported_one(batch, second, batch.inbox / "late.json")
            rest = list(shown)
        responses.mend(store, view, keys)
        after = responses.load_overview(store, keys)
    assert [i.row.response_id for i in first + rest] == [i.row.response_id for i in before.shown]
    assert view.tally.superseded == before.superseded
    assert last not in {i.row.response_id for i in after.shown}
    assert "Late Arrival" in {i.summary.name for i in after.shown if i.summary is not None}


def imported_one(batch: cs.Batch, store: Store, path: Path) -> None:
    [result] = importer.import_items(
        files.expand([path]),
        hr_keys={batch.key.key_id: batch.key},
        catalog=load_catalog(batch.env.questionnaires),
        store=store,
        now=NOW,
    )
    assert result.outcome == "imported", result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ")
def test_a_slow_reader_of_the_list_never_keeps_an_erasure_waiting(batch: cs.Batch) -> None:
    """`list --json | less`: the list is printed after its snapshot ends, so an erasure
    meanwhile rewrites the store's log at once, and the list is of the moment it was
    asked for."""
    with Store.open(batch.db) as store:
        who = canary_id(store, batch)
    printed = erased_while_listed(batch, who)
    assert len(json.loads(printed)["responses"]) == 25


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ")
def test_a_slow_reader_of_a_long_list_never_keeps_an_erasure_waiting(tmp_path: Path) -> None:
    """The same over more rows than the store reads at a time (LISTING_BATCH): the
    attacker's pass saw the erasure wait its 5 s and fail, the deleted text left in the
    log, while a list streamed to its reader held the store."""
    made = cs.make_batch(tmp_path, store_module.LISTING_BATCH + 20, seed=43)
    with Store.open(made.db) as store:
        imported(made, store)
        who = next(iter(store.responses())).response_id
    printed = erased_while_listed(made, who, pipe_size=65536)
    assert len(json.loads(printed)["responses"]) == store_module.LISTING_BATCH + 20


def erased_while_listed(batch: cs.Batch, who: str, pipe_size: int = 4096) -> bytes:
    """`erase --force WHO` while `list --json` waits for a reader that has read nothing
    (its output does not fit the pipe); what the list printed in the end."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, F_SETPIPE_SZ, pipe_size)
    command = [sys.executable, "-m", "collector"]
    listing = subprocess.Popen(
        [*command, "list", "--json"], stdout=write_end, env=batch.process_env()
    )
    os.close(write_end)
    try:
        while not select.select([read_end], [], [], 60)[0]:
            pass  # waiting for the list to start printing (nothing is read yet)
        erase = subprocess.run(
            [*command, "erase", "--force", who],
            env=batch.process_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert listing.poll() is None  # the list still waits for its reader
        assert erase.returncode == 0, erase.stderr
        assert "rewritten" in erase.stdout
    finally:
        with os.fdopen(read_end, "rb") as out:
            printed = out.read()
        listing.wait(timeout=60)
    assert listing.returncode == 0
    return printed


@pytest.mark.parametrize("damage", ["a byte of its seal flipped", "its SQLite pages broken"])
def test_a_page_that_does_not_open_is_read_from_the_records_and_said(
    batch: cs.Batch, damage: str
) -> None:
    """A page is only a cache: the list is whole from the responses' own records, and the
    command says on its standard error that a page did not open (the attacker's pass
    found a page SQLite could not read failing the whole list, and `--json` leaving a
    megabyte of half a document)."""
    conn = sqlite3.connect(batch.db)
    page, sealed = conn.execute("SELECT page, sealed FROM summary_pages LIMIT 1").fetchone()
    if damage.startswith("a byte"):
        altered = bytes(sealed[:-1]) + bytes([sealed[-1] ^ 1])
        with conn:
            conn.execute("UPDATE summary_pages SET sealed = ? WHERE page = ?", (altered, page))
        conn.close()
        said = "1 stored page of summaries did not open; its responses were"
    else:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        [leaf] = conn.execute(  # the table's one b-tree page, which holds all three
            "SELECT pageno FROM dbstat WHERE name = 'summary_pages' AND pagetype = 'leaf'"
        ).fetchone()
        conn.close()
        with open(batch.db, "r+b") as f:  # its page type is no type SQLite knows
            f.seek((leaf - 1) * size)
            f.write(b"\xff")
        said = "3 stored pages of summaries did not open; their responses were"
    done = subprocess.run(
        [sys.executable, "-m", "collector", "list", "--json"],
        env=batch.process_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["responses"]) == 25
    assert done.stderr.strip() == (
        f"{said} read from their own records (the store file may be damaged or altered)"
    )
