"""Print the reliability figures for the README, each measured here and now.

    python3 -m scripts.reliability_figures

- vectors passed: every testkit vector (spec/testkit) through the import path for one
  file, counted as passed when the class (and for success the payload and receipt) is
  what the vector says;
- bit flips rejected: every single-bit flip of the testkit's malleability samples (a
  short response file and an armored block), counted as rejected when it does not import;
- fuzzing: from fuzz/last-run.json, written by the last `python3 -m fuzz.run --campaign`
  (the in-memory targets, one per reader), and fuzz/last-import-run.json, written by the
  last `python3 -m fuzz.fuzz_import` (the whole import path, end to end);
- kills survived: from scripts/last-kill-run.json, written by the last
  `python3 -m scripts.kill_import` run (SIGKILL at random points of a large import, the
  store checked after each kill and a rerun importing every file exactly once);
- Ctrl+C survived: from scripts/last-ctrl-c-run.json, written by the last
  `python3 -m scripts.kill_import --ctrl-c` run (the same campaign with SIGINT: each run
  must also stop by itself with exit 130, say so, and reject none of the sound files).

The vectors and flips are the ones tests/test_testkit.py and tests/test_malleability.py
check, through the same code (spec/testkit/testkit.py, testing/testkit_run.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from spec.testkit import testkit as tk
from testing import testkit_run as run

ROOT = Path(__file__).resolve().parent.parent

LAST_RUN = ROOT / "fuzz" / "last-run.json"
FUZZ_COMMAND = "python3 -m fuzz.run --campaign --total 10000000"
LAST_IMPORT_RUN = ROOT / "fuzz" / "last-import-run.json"
IMPORT_COMMAND = "python3 -m fuzz.fuzz_import -max_total_time=600 spec/testkit/vectors"
LAST_KILL_RUN = ROOT / "scripts" / "last-kill-run.json"
KILL_COMMAND = "python3 -m scripts.kill_import"
LAST_CTRL_C_RUN = ROOT / "scripts" / "last-ctrl-c-run.json"
CTRL_C_COMMAND = "python3 -m scripts.kill_import --ctrl-c --files 1000 --kills 300"


def vectors_line(work: Path, keys: dict, catalog: object) -> tuple[str, list[str]]:
    vectors = tk.vectors()
    failed = []
    for vector in vectors:
        problem = run.check_vector(vector, work, keys=keys, catalog=catalog)  # type: ignore[arg-type]
        if problem:
            failed.append(f"  {vector.name}: {problem}")
    return f"vectors passed: {len(vectors) - len(failed)}/{len(vectors)}", failed


def flips_line(work: Path, keys: dict, catalog: object) -> tuple[str, list[str]]:
    samples = [v for v in tk.vectors() if v.name in tk.MALLEABILITY_SAMPLES]
    tried = rejected = 0
    notes = []
    for vector in samples:
        total, accepted = run.flips_accepted(vector, work, keys=keys, catalog=catalog)  # type: ignore[arg-type]
        tried += total
        rejected += total - len(accepted)
        if accepted:
            notes.append(f"  {vector.name}: {len(accepted)} flip(s) imported, bits {accepted[:5]}")
    names = ", ".join(v.name for v in samples)
    return f"bit flips rejected: {rejected}/{tried} (every bit of {names})", notes


def fuzz_line() -> str:
    try:
        run = json.loads(LAST_RUN.read_text())
    except (OSError, ValueError):
        return f"fuzzing: not run yet ({FUZZ_COMMAND})"
    targets = len(run.get("targets", {}))
    return (
        f"fuzzing: {run['executions']:,} executions over {targets} in-memory readers in "
        f"{_took(run['seconds'])}, {_verdict(run)} ({run['date']})"
    )


def import_fuzz_line() -> str:
    try:
        run = json.loads(LAST_IMPORT_RUN.read_text())
    except (OSError, ValueError):
        return f"fuzzing the whole import path: not run yet ({IMPORT_COMMAND})"
    return (
        f"fuzzing the whole import path: {_took(run['seconds'])}, {run['executions']:,} "
        f"executions, {_verdict(run)} ({run['date']})"
    )


def _took(seconds: int) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds} seconds"


def _verdict(run: dict) -> str:
    return "clean" if run["crashes"] == 0 else f"{run['crashes']} crash(es)"


def campaign_line(name: str, record: Path, command: str, what: str) -> str:
    """`name: survived/sent (what ...; the reruns; date)` from a campaign's record."""
    try:
        run = json.loads(record.read_text())
        survived, kills, files = run["survived"], run["kills"], run["files"]
    except (OSError, ValueError, KeyError):
        return f"{name}: not run yet ({command})"
    return (
        f"{name}: {survived}/{kills} ({what.format(files=f'{files:,}')}, and each of "
        f"{run['rounds']} reruns left every file stored exactly once; {run['date']}"
        + ("" if run.get("finished", True) else "; the campaign was cut short here")
        + ")"
    )


def kills_line() -> str:
    return campaign_line(
        "kills survived",
        LAST_KILL_RUN,
        KILL_COMMAND,
        "kill -9 at random points of a {files}-file import committed in groups; the store "
        "whole after every kill, every file reported imported before a kill stored",
    )


def ctrl_c_line() -> str:
    return campaign_line(
        "Ctrl+C survived",
        LAST_CTRL_C_RUN,
        CTRL_C_COMMAND,
        "SIGINT at random points of a {files}-file import, from the moment Python has "
        "started: each run stopped by itself with exit 130, said so once importing, "
        "rejected no sound file and left the store whole",
    )


def main() -> int:
    keys = run.load_keys()
    catalog = run.catalog()
    with tempfile.TemporaryDirectory(prefix="figures-") as folder:
        work = Path(folder)
        vectors, failed = vectors_line(work, keys, catalog)
        flips, notes = flips_line(work, keys, catalog)
    for line in (vectors, flips, fuzz_line(), import_fuzz_line(), kills_line(), ctrl_c_line()):
        print(line)
    for line in failed + notes:
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
