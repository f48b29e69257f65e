"""kill -9 during a real import: the store stays whole and a rerun imports each file once.

The campaign itself (rounds, where the kills land, what is checked after each) is in
testing/crash.py, shared with scripts/kill_import.py, which runs a longer one for the
README's "kills survived" figure.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from testing import crash as cs

pytestmark = pytest.mark.slow  # kill -9 campaigns of real imports

FILES = 600  # several groups of 200 even on a fast machine, so that kills land mid-batch
KILLS = 10
SEED = 20261123


def test_crash_kill_9_at_random_points_leaves_a_whole_store(tmp_path: Path) -> None:
    batch = cs.make_batch(tmp_path, FILES, seed=SEED)
    log: list[str] = []

    rounds = cs.campaign(batch, KILLS, seed=SEED, work=tmp_path / "check", progress=log.append)

    problems = [p for r in rounds for k in r.kills for p in k.problems]
    problems += [p for r in rounds for p in r.problems]
    assert problems == [], "\n".join(log)
    assert cs.survived(rounds) == (KILLS, KILLS)
    # The kills really interrupted work in progress: some landed mid-batch, leaving a
    # store that held some but not all files.
    partial = [k for r in rounds for k in r.kills if 0 < k.stored_after < FILES]
    assert partial, "\n".join(log)
    for r in rounds:
        assert r.rerun["imported"] + r.rerun["duplicate"] == FILES
    stored, problems = cs.check_store(batch, tmp_path / "check")
    assert (stored, problems) == (FILES, [])


def test_ctrl_c_at_random_points_stops_the_import_and_rejects_nothing(tmp_path: Path) -> None:
    """Ctrl+C (SIGINT) instead of kill -9: besides all the above, each run stops by itself
    with exit 130, says it was interrupted, and calls no file of the sound batch rejected
    (a Ctrl+C inside an HPKE open once did, tests/test_interrupts.py)."""
    batch = cs.make_batch(tmp_path, FILES, seed=SEED + 1)
    log: list[str] = []

    rounds = cs.campaign(
        batch,
        KILLS,
        seed=SEED + 1,
        work=tmp_path / "check",
        progress=log.append,
        how=signal.SIGINT,
    )

    problems = [p for r in rounds for k in r.kills for p in k.problems]
    problems += [p for r in rounds for p in r.problems]
    assert problems == [], "\n".join(log)
    assert cs.survived(rounds) == (KILLS, KILLS)
    assert [k for r in rounds for k in r.kills if 0 < k.stored_after < FILES], "\n".join(log)
    stored, problems = cs.check_store(batch, tmp_path / "check")
    assert (stored, problems) == (FILES, [])


def test_crash_checker_sees_a_half_stored_response(tmp_path: Path) -> None:
    """The check run after each kill is not blind: rows a torn write could leave are found."""
    batch = cs.make_batch(tmp_path, 12, seed=SEED)
    assert cs.complete(batch, 0)[1] == []
    special = next(rid for rid, e in batch.by_id.items() if e.special)
    plain = next(rid for rid, e in batch.by_id.items() if not e.special)
    conn = sqlite3.connect(batch.db)
    with conn:
        conn.execute("DELETE FROM followups WHERE response_id = ?", (special,))
        conn.execute(
            "UPDATE responses SET file_digest = ? WHERE response_id = ?", ("0" * 64, plain)
        )
    conn.close()

    stored, problems = cs.check_store(batch, tmp_path / "check")

    assert stored == 12
    assert sorted(problems) == sorted(
        [
            f"{special}: special information but no follow-up row",
            f"{plain}: stored digests differ from {batch.by_id[plain].path.name}",
        ]
    )
