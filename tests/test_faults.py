"""Faults around a real `python -m collector import` process: a full disk, a second importer
at the same time, a damaged store, and inputs that are not response files.

Each must end in one clear line and a non-zero exit, leave nothing half-stored and lose no
good file. What tests/test_cli_import.py already covers in-process (garbage after the
SQLite header, a newer schema, a FIFO and a link to /dev/zero inside a folder) is not
repeated; here the real process, its real stderr and real concurrency are what is tested.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from collector.store import BUSY_TIMEOUT
from testing import crash as cs
from testing.privileges import without_override

pytestmark = pytest.mark.slow  # subprocesses, a held lock and a full disk

MAX_PAGE_COUNT_ENV = "SLUTTSAMTALE_MAX_PAGE_COUNT"

LOCKED = "is locked by another import; try again when it has finished"


def cli(
    batch: cs.Batch, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, as an ordinary user: file modes hold even for root."""
    proc = subprocess.run(
        without_override([sys.executable, "-m", "collector", *map(str, args)]),
        env={**batch.process_env(), **(env or {})},
        cwd=batch.env.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def files_of(batch: cs.Batch) -> list[Path]:
    return sorted(e.path for e in batch.by_id.values())


def summary_of(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return json.loads(proc.stdout)["summary"]


def assert_whole(batch: cs.Batch, tmp_path: Path, expected: int) -> None:
    stored, problems = cs.check_store(batch, tmp_path / "check")
    assert problems == []
    assert stored == expected


def finish(batch: cs.Batch, tmp_path: Path, stored: int) -> None:
    """A rerun with nothing in the way imports exactly the files not yet stored."""
    rerun = cli(batch, "import", "--json", batch.inbox)
    assert rerun.returncode == 0, rerun.stderr
    total = len(batch.by_id)
    assert summary_of(rerun) == cs.rerun_summary(total, stored)
    assert_whole(batch, tmp_path, total)


def page_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


# --------------------------------------------------------------------------- disk full


def test_faults_disk_full_stops_with_one_line_and_keeps_what_was_stored(tmp_path: Path) -> None:
    batch = cs.make_batch(tmp_path, 60, seed=1)
    first = files_of(batch)[:10]
    assert cli(batch, "import", *first).returncode == 0
    # Room for a few more responses, not for all fifty.
    full = {MAX_PAGE_COUNT_ENV: str(page_count(batch.db) + 4)}

    proc = cli(batch, "import", batch.inbox, env=full)

    assert proc.returncode == 1
    assert proc.stderr == f"Error: {batch.db}: cannot be written because the disk is full\n"
    lines = proc.stdout.splitlines()
    # Files are committed in groups, and SQLite undoes the whole group under way when the
    # disk fills: only the groups committed before it are reported, and exactly they are
    # stored. The summary sums them up; the rest are imported by the next run.
    imported = [line for line in lines if line.startswith("imported ")]
    duplicate = [line for line in lines if line.startswith("duplicate ")]
    assert len(imported) < 50 and len(duplicate) <= 10, proc.stdout
    assert not lines or lines[-1] == (
        f"stopped: {len(imported)} imported, {len(duplicate)} duplicate, 0 rejected "
        f"({len(imported) + len(duplicate)} files)"
    )
    assert all(line.startswith(("imported ", "duplicate ", "  ")) for line in lines[:-1])
    assert_whole(batch, tmp_path, 10 + len(imported))
    finish(batch, tmp_path, 10 + len(imported))


# --------------------------------------------------------------------------- two importers


def test_faults_two_importers_of_overlapping_folders_at_once(tmp_path: Path) -> None:
    batch = cs.make_batch(tmp_path, 250, seed=2)
    a_paths = [batch.inbox / "000", batch.inbox / "001"]
    b_paths = [batch.inbox / "001", batch.inbox / "002"]
    # Both start before the store exists: creating and migrating it is raced too.
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "collector", "import", "--json", *map(str, paths)],
            env=batch.process_env(),
            cwd=batch.env.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for paths in (a_paths, b_paths)
    ]
    # communicate, not wait: the JSON report is larger than a pipe holds.
    outcomes = [(*p.communicate(timeout=300), p.returncode) for p in procs]

    imported = 0
    for (out, err, code), paths, size in zip(outcomes, (a_paths, b_paths), (200, 150), strict=True):
        assert "Traceback" not in out + err
        if code == 0:
            summary = json.loads(out)["summary"]
            assert summary["rejected"] == 0
            assert summary["imported"] + summary["duplicate"] == summary["files"] == size
            imported += summary["imported"]
        else:  # waited out the busy timeout: one line, and the other import carries on
            assert err == f"Error: {batch.db}: {LOCKED}\n"
            rerun = cli(batch, "import", "--json", *paths)
            assert rerun.returncode == 0
            imported += summary_of(rerun)["imported"]
    assert imported == 250
    assert_whole(batch, tmp_path, 250)
    finish(batch, tmp_path, 250)


def test_faults_store_held_by_another_writer_says_locked_and_stores_nothing(
    tmp_path: Path,
) -> None:
    batch = cs.make_batch(tmp_path, 20, seed=3)
    assert cli(batch, "import", files_of(batch)[0]).returncode == 0
    holder = sqlite3.connect(batch.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another importer in the middle of a long write
    try:
        proc = cli(batch, "import", batch.inbox)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert proc.returncode == 1
    assert proc.stderr == f"Error: {batch.db}: {LOCKED}\n"
    # A group of files takes the write lock before its first file, so the import waited
    # there, and nothing is reported at all.
    assert proc.stdout == ""
    assert not [line for line in proc.stdout.splitlines() if line.startswith("imported")]
    assert BUSY_TIMEOUT <= 10  # HR waits this long before being told, not forever
    assert_whole(batch, tmp_path, 1)
    finish(batch, tmp_path, 1)


# --------------------------------------------------------------------------- damaged store


@pytest.mark.parametrize("damage", ["pages overwritten", "truncated"])
def test_faults_damaged_store_with_responses_is_refused_untouched(
    tmp_path: Path, damage: str
) -> None:
    batch = cs.make_batch(tmp_path, 60, seed=4)
    files = files_of(batch)
    assert cli(batch, "import", *files[:50]).returncode == 0
    data = bytearray(batch.db.read_bytes())
    assert len(data) >= 6 * 4096 and not Path(f"{batch.db}-wal").exists()
    if damage == "pages overwritten":
        data[3 * 4096 : 6 * 4096] = os.urandom(3 * 4096)  # the header stays as it was
    else:
        del data[len(data) // 2 :]
    batch.db.write_bytes(bytes(data))

    proc = cli(batch, "import", *files[50:])

    assert proc.returncode == 1
    assert proc.stderr == f"Error: {batch.db}: is not a Sluttsamtale database or is damaged\n"
    assert proc.stdout == ""
    assert batch.db.read_bytes() == bytes(data)  # no repair attempted, nothing written


# --------------------------------------------------------------------------- odd inputs


def test_faults_odd_inputs_named_on_the_command_line(tmp_path: Path) -> None:
    """Each odd path gets its own one-line rejection; the good files around them import."""
    batch = cs.make_batch(tmp_path, 6, seed=5)
    good = files_of(batch)
    odd = tmp_path / "odd"
    odd.mkdir()
    fifo = odd / "pipe.json"
    os.mkfifo(fifo)
    zero = odd / "zero.json"
    zero.symlink_to("/dev/zero")
    # A regular file whose read fails with EIO, unreadable even for root (unlike chmod 000).
    unreadable = odd / "mem.json"
    unreadable.symlink_to("/proc/self/mem")
    missing = odd / "gone.json"
    linked = odd / "folder-link"
    linked.symlink_to(batch.inbox)
    # A folder named like a response file is a folder: searched, its files imported.
    folder = odd / "looks-like-a-file.json"
    folder.mkdir()
    good[5].rename(folder / good[5].name)

    proc = cli(batch, "import", good[0], fifo, good[1], zero, unreadable, missing, folder, linked)

    assert proc.returncode == 1
    assert proc.stderr == f"Created a new store: {batch.db.resolve()}\n"  # only import may
    lines = proc.stdout.splitlines()
    rejected = [line for line in lines if line.startswith("rejected ")]
    assert rejected == [
        f"rejected  {fifo}: envelope failure: the path is not a regular file",
        f"rejected  {zero}: envelope failure: the path is not a regular file",
        f"rejected  {unreadable}: envelope failure: the file cannot be read (Input/output error)",
        f"rejected  {missing}: envelope failure: the file does not exist",
    ]
    # The link to the inbox is given by name, so it is searched like the folder it names.
    assert lines[-1] == "6 imported, 2 duplicate, 4 rejected (12 files)"
    assert_whole(batch, tmp_path, 6)


def test_faults_unreadable_file_and_folder_among_the_inputs(tmp_path: Path) -> None:
    # cli() runs without the capabilities that let root ignore file modes.
    batch = cs.make_batch(tmp_path, 6, seed=6)
    good = files_of(batch)
    locked_file = good[1]
    locked_file.chmod(0)
    locked_folder = batch.inbox / "locked"
    locked_folder.mkdir()
    locked_folder.chmod(0)
    try:
        proc = cli(batch, "import", batch.inbox)
    finally:
        locked_folder.chmod(0o700)
        locked_file.chmod(0o600)
    assert proc.returncode == 1
    rejected = [line for line in proc.stdout.splitlines() if line.startswith("rejected ")]
    assert rejected == [
        f"rejected  {locked_file}: envelope failure: the file cannot be read (Permission denied)",
        f"rejected  {locked_folder}: envelope failure: the folder cannot be read "
        "(Permission denied)",
    ]
    assert_whole(batch, tmp_path, 5)
    finish(batch, tmp_path, 5)
