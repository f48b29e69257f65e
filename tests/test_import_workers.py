"""A large import is opened, checked and sealed by worker processes on every core
(collector/intake/workers.py): it must store and report exactly what an import in one
process does, invitations and their rules included, and stop cleanly (issue 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from workflow_support import answers_nb, invite, seal

from collector.formats import keyfile
from collector.intake import files, importer, workers
from collector.model.loading import load_catalog
from collector.store import Store
from testing import crash as cs
from testing.fixtures import PASSPHRASE, Flow, copy_db


def import_with(
    flow: Flow, db: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> list[dict[str, Any]]:
    monkeypatch.setattr(workers, "cores", lambda: cores)
    hr_key = keyfile.load(flow.key, PASSPHRASE)
    with Store.open(db) as store:
        return [
            r.as_dict()
            for r in importer.import_items(
                files.expand([inbox]),
                hr_keys={hr_key.key_id: hr_key},
                catalog=load_catalog(flow.questionnaires),
                store=store,
                now=datetime(2026, 5, 4, 9, tzinfo=UTC),
            )
        ]


def stored(db: Path) -> list[tuple[Any, ...]]:
    with Store.open(db) as store:
        rows = store.db.run(
            lambda c: c.execute(
                "SELECT response_id, receipt, superseded, file_digest FROM responses "
                "ORDER BY response_id"
            ).fetchall()
        )
        links = store.db.run(
            lambda c: c.execute("SELECT code, record FROM invitations ORDER BY code").fetchall()
        )
    # An invitation's sealed record differs run to run (a fresh seal); its state does not.
    return [tuple(r) for r in rows] + [("invitation", code, len(rec)) for code, rec in links]


@pytest.mark.slow
def test_workers_store_and_report_what_one_process_does(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    kari = invite("Kari Nordmann", "2026-04-30", department="Barnehage Øst")
    ola = invite("Ola Nordmann", "2026-04-30")
    day = datetime(2026, 5, 1, tzinfo=UTC)
    first, _ = seal(flow, "kommune-nb", answers_nb(name=None), link=kari.secret, sealed_at=day)
    later, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None, workload="Bedre nå."),
        link=kari.secret,
        sealed_at=day.replace(hour=12),
    )
    earlier, _ = seal(
        flow, "kommune-nb", answers_nb(name=None), link=kari.secret, sealed_at=day.replace(hour=6)
    )
    anonymous, _ = seal(
        flow, "kommune-nb", answers_nb(name=None), link=ola.secret, readers="statistics"
    )
    after_anonymous, _ = seal(flow, "kommune-nb", answers_nb(name=None), link=ola.secret)
    stray = [seal(flow, "kommune-nb", answers_nb(name=f"Person {i}"))[0] for i in range(9)]
    forged, _ = seal(flow, "kommune-nb", answers_nb(), link=bytes(32))
    inbox = flow.root / "inbox"
    inbox.mkdir()
    # Answers from one invitation in different chunks and in one: a worker prepares each
    # with the invitation as it was, so the writer must prepare it again.
    batch = [stray[0], first, stray[1], later, earlier, anonymous, stray[2], after_anonymous]
    batch += [first, b"{not a response", forged, *stray[3:]]
    for i, data in enumerate(batch):
        (inbox / f"{i:03}.json").write_bytes(data)
    copy_db(flow.db, flow.root / "other.db")

    monkeypatch.setattr(workers, "PARALLEL_FROM", 4)
    monkeypatch.setattr(workers, "CHUNK", 3)
    alone = import_with(flow, flow.root / "other.db", inbox, monkeypatch, cores=1)
    together = import_with(flow, flow.db, inbox, monkeypatch, cores=2)

    assert together == alone
    outcomes = [r["outcome"] for r in alone]
    assert (
        outcomes
        == ["imported"] * 7 + ["rejected", "duplicate", "rejected", "rejected"] + ["imported"] * 6
    )
    assert alone[3]["superseded"] == 1 and alone[4]["older"]  # newer, then an older one
    assert alone[7]["kind"] == "closed"
    assert stored(flow.db) == stored(flow.root / "other.db")

    # The same inbox again, as HR imports it every morning: each file stored already is
    # known by its sealed part and digest before anything is opened.
    again_alone = import_with(flow, flow.root / "other.db", inbox, monkeypatch, cores=1)
    again = import_with(flow, flow.db, inbox, monkeypatch, cores=2)
    assert again == again_alone
    assert [r["outcome"] for r in again] == [
        "rejected" if r["outcome"] == "rejected" else "duplicate" for r in alone
    ]
    for before, now in zip(alone, again, strict=True):
        if now["outcome"] == "duplicate":
            assert (now["receipt"], now["invited"]) == (before["receipt"], before["invited"])
    assert stored(flow.db) == stored(flow.root / "other.db")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def is_worker(pid: int) -> bool:
    """A spawned pool worker, not multiprocessing's resource tracker."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def started_in_parallel(batch: cs.Batch) -> tuple[subprocess.Popen[bytes], list[int]]:
    process = cs._spawn(batch)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        found = [p for p in children_of(process.pid) if alive(p) and is_worker(p)]
        if len(found) >= 2:
            return process, found
    raise AssertionError("the import never started its workers")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_stopped_import_leaves_no_worker_behind(tmp_path: Path, how: signal.Signals) -> None:
    batch = cs.make_batch(tmp_path, workers.PARALLEL_FROM * 3, seed=11)
    process, spawned = started_in_parallel(batch)
    os.kill(process.pid, how)
    out, err = process.communicate(timeout=60)
    # On a loaded machine the import may finish its batch before the signal lands (CI saw
    # it once): its summary is then printed and there was nothing left to interrupt.
    finished = f"{len(batch.by_id)} imported".encode() in out + err
    if how == signal.SIGINT and not finished:
        assert process.returncode != 0
        assert b"Traceback" not in err, err.decode()
        assert b"interrupted" in err, err.decode()
    deadline = time.monotonic() + 20
    while any(alive(p) for p in spawned) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in spawned)
    stored_now, problems = cs.check_store(batch, tmp_path / "check")
    assert problems == []
    rerun = subprocess.run(
        batch.command(), env=batch.process_env(), cwd=tmp_path, capture_output=True, check=False
    )
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert cs.check_store(batch, tmp_path / "check2") == (len(batch.by_id), [])
    assert stored_now <= len(batch.by_id)


def test_uploaded_files_held_in_memory_are_prepared_by_workers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The desk's uploads never touch the disk: each item carries its bytes to the worker.
    batch = cs.make_batch(tmp_path, 12, seed=13)
    items = [files.Item(Path(p.name), data=p.read_bytes()) for p in sorted(batch.inbox.rglob("r*"))]
    monkeypatch.setattr(workers, "PARALLEL_FROM", 4)
    monkeypatch.setattr(workers, "CHUNK", 2)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    with Store.open(batch.db) as store:
        results = list(
            importer.import_items(
                items,
                hr_keys={batch.key.key_id: batch.key},
                catalog=load_catalog(batch.env.questionnaires),
                store=store,
                now=datetime.now(UTC),
            )
        )
    assert [r.outcome for r in results] == ["imported"] * 12
    assert [r.path for r in results] == [i.path for i in items]
    assert cs.check_store(batch, tmp_path / "check") == (12, [])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_worker_killed_mid_batch_loses_no_file_and_stores_none_twice(tmp_path: Path) -> None:
    # A worker that dies (the out-of-memory killer, say) breaks the pool: its files and the
    # rest of the batch are prepared in the import's own process instead.
    batch = cs.make_batch(tmp_path, workers.PARALLEL_FROM * 3, seed=17)
    killed: list[int] = []
    with Store.open(batch.db) as store:
        results = []
        for result in importer.import_items(
            files.expand([batch.inbox]),
            hr_keys={batch.key.key_id: batch.key},
            catalog=load_catalog(batch.env.questionnaires),
            store=store,
            now=datetime.now(UTC),
        ):
            results.append(result)
            if len(results) == workers.PARALLEL_FROM + 10 and not killed:
                found = [p for p in children_of(os.getpid()) if alive(p) and is_worker(p)]
                assert found, "no worker to kill"
                os.kill(found[0], signal.SIGKILL)
                killed.append(found[0])
    assert killed
    assert [r.outcome for r in results] == ["imported"] * len(batch.by_id)
    assert len({r.receipt for r in results}) == len(batch.by_id)
    assert cs.check_store(batch, tmp_path / "check") == (len(batch.by_id), [])


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@pytest.mark.slow
def test_a_worker_killed_while_writing_its_result_does_not_hang_the_import() -> None:
    # Found by CI: a worker killed mid-write leaves half a message in the pipe every result
    # comes through, and ProcessPoolExecutor's reader then waits for the rest for ever (the
    # future never fails; the process hangs at exit). Half a message is put there by hand.
    import struct
    import threading
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(2, mp_context=get_context("spawn"))
    future = pool.submit(_sleep, 30)
    time.sleep(2)
    writer = pool._result_queue._writer  # type: ignore[attr-defined]
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"half")
    victim = next(iter(pool._processes.values()))  # type: ignore[attr-defined]
    os.kill(victim.pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        workers._result(pool, future)
    done = threading.Event()
    closing = threading.Thread(target=lambda: (pool.shutdown(cancel_futures=True), done.set()))
    closing.start()
    closing.join(timeout=20)
    assert done.is_set(), "the pool never shut down"


PRESSED_AT = """
import os, signal, sys
import concurrent.futures.process as pool_module

where = sys.argv.pop(1)
owner = {"submit": pool_module.ProcessPoolExecutor, "join": pool_module._ExecutorManagerThread}
real = getattr(owner[where], where)


def pressing(self, *args, **kw):
    # Ctrl+C as the pool starts, or while it stops (waiting for its manager thread).
    setattr(owner[where], where, real)
    os.kill(os.getpid(), signal.SIGINT)
    return real(self, *args, **kw)


setattr(owner[where], where, pressing)
from collector.__main__ import run
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("where", ["submit", "join"])
def test_ctrl_c_as_the_workers_start_or_stop_leaves_no_traceback(
    tmp_path: Path, where: str
) -> None:
    # The Ctrl+C campaign saw a pool stopped halfway: its thread then wrote to a closed
    # pipe as the process exited, and printed a traceback on the person's terminal.
    batch = cs.make_batch(tmp_path, workers.PARALLEL_FROM + 20, seed=17)
    command = batch.command()
    done = subprocess.run(
        [command[0], "-c", PRESSED_AT, where, *command[3:]],
        env=batch.process_env(),
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == 130, err
    assert "Traceback" not in err and "Exception in thread" not in err, err
    assert "interrupted" in err
    assert cs.check_store(batch, tmp_path / "check")[1] == []
