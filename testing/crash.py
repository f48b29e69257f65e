"""A kill -9 campaign against the real `python -m collector import`, shared by
tests/test_crash_safety.py (a short one) and scripts/kill_import.py (the long one behind the
README's "kills survived" figure).

A round starts from no database at all. Each run of the import is killed with SIGKILL at a
seeded random moment: either during start-up (key unlock, creating and migrating the store)
or while files are being imported (after a random number of report lines plus a random
sub-file delay, so the kill lands anywhere inside opening, checking or storing a file).
After every kill a copy of the store (database and write-ahead log, as the kill left them)
is checked; the original is left as it is, so the next run must recover it by itself. A
round ends with a run that is not killed, which must import every file not yet stored
exactly once and call the rest duplicates.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.formats import armor, at_rest, envelope, keyfile
from collector.formats.keyfile import HRKey
from collector.model import answers as model_answers
from collector.model.payload import check_payload
from collector.model.records import ResponseRecord
from testing.fixtures import (
    GOOD_ANSWERS,
    PASSPHRASE,
    Env,
    copy_db,
    install_key,
    seal,
    write_questionnaires,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Expected:
    """What the store must hold for one response file, if it holds it at all."""

    path: Path
    file_digest: str
    enc_digest: str
    receipt: str
    special: bool


@dataclass
class Batch:
    env: Env
    inbox: Path
    key: HRKey
    by_id: dict[str, Expected]

    @property
    def db(self) -> Path:
        return self.env.db

    def command(self, *extra: str) -> list[str]:
        return [sys.executable, "-m", "collector", "import", *extra, str(self.inbox)]

    def process_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SLUTTSAMTALE_DB": str(self.db),
            "SLUTTSAMTALE_KEY": str(self.env.key),
            "SLUTTSAMTALE_QUESTIONNAIRES": str(self.env.questionnaires),
            "SLUTTSAMTALE_PASSPHRASE": PASSPHRASE,
            # Each report line reaches us as it is written, so a kill can be aimed by it.
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }


def make_batch(root: Path, count: int, seed: int) -> Batch:
    """`count` real sealed response files in root/inbox, in folders of 100; about one in
    ten is an armored block in a .txt file, and about a third hold special information (so
    their import also writes a follow-up row in the same transaction)."""
    key_path, pem, kid = install_key(root / "keys")
    env = Env(
        root, root / "store.db", key_path, pem, kid, write_questionnaires(root / "questionnaires")
    )
    qset = env.qset
    rng = random.Random(seed)
    inbox = root / "inbox"
    by_id: dict[str, Expected] = {}
    for i in range(count):
        answers = dict(GOOD_ANSWERS, satisfaction=rng.randint(1, 5))
        if rng.random() < 0.65:
            answers["concern"] = False
            del answers["concern_text"]
        data, payload = seal(env, answers)
        [part] = envelope.parse(data).parts
        folder = inbox / f"{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() < 0.1:
            path = folder / f"r{i:05d}.txt"
            path.write_text(f"Forwarded by mail:\n\n{armor.armor(data)}", encoding="utf-8")
        else:
            path = folder / f"r{i:05d}.json"
            path.write_bytes(data)
        by_id[payload.response_id] = Expected(
            path,
            hashlib.sha256(data).hexdigest(),
            hashlib.sha256(part.sealed[:32]).hexdigest(),
            envelope.receipt(data),
            model_answers.has_special(payload, qset),
        )
    return Batch(env, inbox, keyfile.load(key_path, PASSPHRASE), by_id)


# --------------------------------------------------------------------------- checking


def check_store(
    batch: Batch, work: Path, verified: dict[str, str] | None = None
) -> tuple[int, list[str]]:
    """(responses stored, problems) for a copy of the store as it lies on disk now.

    `verified`, kept by the caller from one check to the next of the same store: the
    digest of each row's sealed record that was opened and checked already; a row whose
    record is byte for byte the same is not opened again (the rest of the checks are).
    """
    if not batch.db.exists():
        return 0, []
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / "copy.db"
    copy_db(batch.db, copy)
    conn = sqlite3.connect(copy)
    try:
        return _check(conn, batch, {} if verified is None else verified)
    except sqlite3.Error as e:
        return 0, [f"the store cannot be read: {e}"]
    finally:
        conn.close()


def _check(
    conn: sqlite3.Connection, batch: Batch, verified: dict[str, str]
) -> tuple[int, list[str]]:
    problems: list[str] = []
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:3]}")
    if conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check found orphans")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "responses" not in tables:
        return 0, problems  # killed before the first migration committed
    rows = conn.execute(
        "SELECT response_id, key_id, receipt, file_digest, enc_digest, record FROM responses"
    ).fetchall()
    distinct = conn.execute("SELECT count(DISTINCT response_id) FROM responses").fetchone()[0]
    if distinct != len(rows):
        problems.append(f"{len(rows)} rows but {distinct} distinct response ids")
    followups = set()
    if "followups" in tables:
        followups = {r[0] for r in conn.execute("SELECT response_id FROM followups")}
    qset = batch.env.qset
    keys = {batch.key.key_id: batch.key}
    for rid, kid, receipt, file_digest, enc_digest, sealed in rows:
        want = batch.by_id.get(rid)
        if want is None:
            problems.append(f"{rid}: not a response of this batch")
            continue
        stored = (file_digest, enc_digest, receipt, kid)
        if stored != (want.file_digest, want.enc_digest, want.receipt, batch.env.key_id):
            problems.append(f"{rid}: stored digests differ from {want.path.name}")
            continue
        sealed_digest = hashlib.sha256(sealed).hexdigest()
        if verified.get(rid) != sealed_digest:
            record = at_rest.open_as(ResponseRecord, bytes(sealed), "record", kid, keys)
            payload = record.payload
            check_payload(
                payload, qset, now=datetime.now(UTC)
            )  # raises if a stored response does not fit its set
            if payload.response_id != rid:
                problems.append(f"{rid}: the sealed part holds response {payload.response_id}")
                continue
            verified[rid] = sealed_digest
        if want.special and "followups" in tables and rid not in followups:
            problems.append(f"{rid}: special information but no follow-up row")
    for rid in followups:
        if rid not in batch.by_id or not batch.by_id[rid].special:
            problems.append(f"{rid}: follow-up row without a special response")
    return len(rows), problems


# --------------------------------------------------------------------------- killing


@dataclass
class Kill:
    phase: str  # "start-up" or "import"
    stored_before: int
    stored_after: int = 0
    killed: bool = True  # False: the run finished before the moment came
    first_line: float | None = None  # seconds from start to the first report line
    reported: set[str] = field(default_factory=set)
    """Receipts of the files the run said it imported before it was killed."""
    problems: list[str] = field(default_factory=list)


@dataclass
class Round:
    kills: list[Kill] = field(default_factory=list)
    rerun: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _spawn(batch: Batch, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        batch.command(*extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=batch.process_env(),
        cwd=batch.env.root,
    )


def kill_once(
    batch: Batch,
    rng: random.Random,
    stored: int,
    startup: float,
    how: signal.Signals = signal.SIGKILL,
    floor: float = 0.0,
) -> Kill:
    """Start an import and send it `how` at a random moment, not before `floor` seconds;
    the store is checked by the caller. SIGINT is Ctrl+C: the run must then stop by
    itself, say so, and reject nothing (every file of the batch is sound)."""
    total = len(batch.by_id)
    proc = _spawn(batch)
    started = time.monotonic()
    in_startup = rng.random() < 0.2
    target = stored + rng.randrange(max(total - stored, 1))
    delay = rng.uniform(floor, max(startup, floor)) if in_startup else rng.uniform(0, 0.02)
    reached = threading.Event()
    lines: list[bytes] = []
    first_line: list[float] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if not lines:
                first_line.append(time.monotonic() - started)
            lines.append(line)
            if len(lines) > target:
                reached.set()
        reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not in_startup:
        reached.wait(timeout=120)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, how)
    kill = Kill("start-up" if in_startup else "import", stored, killed=killed)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        kill.problems.append(f"the run did not stop within 120 s of {how.name}")
        return kill
    reader.join(timeout=10)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    kill.first_line = first_line[0] if first_line else None
    kill.reported = reported_imports(lines)
    if "Traceback" in err:
        kill.problems.append(f"a traceback on stderr: {err[-300:]}")
    if not killed and proc.returncode != 0:
        kill.problems.append(f"the run finished with exit {proc.returncode}: {err.strip()}")
    if how == signal.SIGINT and killed:
        kill.problems += _after_ctrl_c(kill.phase, proc.returncode, lines, err)
    return kill


def _after_ctrl_c(phase: str, code: int, lines: list[bytes], err: str) -> list[str]:
    """What a run stopped by Ctrl+C must have done: stopped with its own exit code (or
    finished first, the signal landing as it ended), said so once it was importing, and
    called no file of the sound batch rejected."""
    out = b"".join(lines).decode(errors="replace")
    problems = []
    last = out.strip().splitlines()[-1:]
    done = bool(last) and " imported, " in last[0]  # the import's last line, its summary
    finished = code == 0 and done
    if code == -signal.SIGINT and done:
        pass  # all said and stored; Python's own exit, which no program can catch, met it
    elif code == -signal.SIGINT:
        problems.append(
            f"Ctrl+C killed the run instead of stopping it ({phase}, {len(lines)} lines out,"
            f" last: {out.strip().splitlines()[-1:]!r}, err: {err.strip()[-200:]!r})"
        )
    elif code != 130 and not finished and not (phase == "start-up" and code == 1):
        problems.append(f"after Ctrl+C the run exited {code}: {err.strip()[-300:]}")
    if phase == "import" and code == 130 and "interrupted" not in err:
        problems.append(f"after Ctrl+C the run did not say it was interrupted: {err[-300:]}")
    rejected = [line for line in out.splitlines() if line.startswith("rejected")]
    if rejected:
        problems.append(f"Ctrl+C made a sound file rejected: {rejected[0]}")
    return problems


def reported_imports(lines: list[bytes]) -> set[str]:
    """The receipts in `imported  PATH  receipt CODE` report lines."""
    found = set()
    for line in lines:
        words = line.decode(errors="replace").split()
        if words[:1] == ["imported"] and "receipt" in words[:-1]:
            found.add(words[words.index("receipt") + 1])
    return found


def stored_receipts(work: Path) -> set[str]:
    """The receipts in the copy of the store that check_store made last."""
    copy = work / "copy.db"
    if not copy.exists():
        return set()
    conn = sqlite3.connect(copy)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "responses" not in tables:
            return set()
        return {r[0] for r in conn.execute("SELECT receipt FROM responses")}
    finally:
        conn.close()


def rerun_summary(total: int, stored: int) -> dict[str, int]:
    """What `import --json` must sum up when `stored` of `total` files are in already."""
    return {
        "imported": total - stored,
        "duplicate": stored,
        "rejected": 0,
        "empty": 0,
        "files": total,
        "forwarded": 0,
    }


def complete(batch: Batch, stored: int) -> tuple[dict[str, int], list[str]]:
    """Run the import to the end; it must import exactly the files not yet stored."""
    proc = _spawn(batch, "--json")
    out, err = proc.communicate(timeout=600)
    total = len(batch.by_id)
    problems = []
    if proc.returncode != 0 or "Traceback" in err.decode(errors="replace"):
        return {}, [f"the rerun failed with exit {proc.returncode}: {err.decode()[-300:]}"]
    report: dict[str, Any] = json.loads(out)
    summary: dict[str, int] = report["summary"]
    want = rerun_summary(total, stored)
    if summary != want:
        problems.append(f"the rerun said {summary}, expected {want}")
    paths = [f["path"] for f in report["files"]]
    if sorted(paths) != sorted(str(e.path) for e in batch.by_id.values()):
        problems.append("the rerun did not report every file exactly once")
    return summary, problems


def campaign(
    batch: Batch,
    kills: int,
    seed: int,
    work: Path,
    progress: Callable[[str], None] = lambda line: None,
    after_round: Callable[[list[Round]], None] = lambda rounds: None,
    how: signal.Signals = signal.SIGKILL,
) -> list[Round]:
    """`kills` signals `how` (SIGKILL, or SIGINT: Ctrl+C) in rounds from an empty store;
    every round ends in a full rerun (and `after_round`, to record the campaign so far)."""
    rng = random.Random(seed)
    rounds: list[Round] = []
    startup = 1.0  # refined from the runs: seconds until the first report line
    floor = python_start(batch) if how == signal.SIGINT else 0.0
    done = 0
    while done < kills:
        _remove_store(batch.db)
        current = Round()
        rounds.append(current)
        stored = 0
        verified: dict[str, str] = {}
        while done < kills and stored < len(batch.by_id):
            kill = kill_once(batch, rng, stored, startup, how, floor)
            kill.stored_after, problems = check_store(batch, work, verified)
            kill.problems += problems
            on_disk = stored_receipts(work) if batch.db.exists() else set()
            lost = kill.reported - on_disk
            if lost:  # said to be imported, so it must have been on disk when it was said
                kill.problems.append(f"{len(lost)} files reported imported are not stored")
            if kill.stored_after < stored:
                kill.problems.append(f"{stored} responses stored before, {kill.stored_after} after")
            stored = kill.stored_after
            if kill.first_line is not None:
                startup = kill.first_line
            current.kills.append(kill)
            if kill.killed:
                done += 1
            progress(
                f"kill {done}/{kills} ({kill.phase}): {stored} stored"
                + (f"; PROBLEM: {kill.problems[0]}" if kill.problems else "")
            )
            if not kill.killed:
                break
        current.rerun, current.problems = complete(batch, stored)
        after, problems = check_store(batch, work, verified)
        current.problems += problems
        if after != len(batch.by_id):
            current.problems.append(f"{after} of {len(batch.by_id)} stored after the rerun")
        progress(f"round {len(rounds)} rerun: {current.rerun}")
        after_round(rounds)
    return rounds


def python_start(batch: Batch) -> float:
    """Seconds Python itself takes to start here, before any code of ours runs (half as
    much again, for a loaded machine): a Ctrl+C in that moment meets Python's own start-up
    (its traceback, or none and a death by the signal), which no program can catch, so
    the Ctrl+C campaign does not aim there."""
    runs = []
    for _ in range(5):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], env=batch.process_env(), check=True)
        runs.append(time.monotonic() - started)
    return 1.5 * sorted(runs)[len(runs) // 2]


def survived(rounds: list[Round]) -> tuple[int, int]:
    """(kills after which every check held, kills): a round's failed rerun fails its kills."""
    kills = [k for r in rounds for k in r.kills if k.killed]
    good = [k for r in rounds for k in r.kills if k.killed and not k.problems and not r.problems]
    return len(good), len(kills)


def _remove_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
