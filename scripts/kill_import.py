"""Kill `sluttsamtale import` with SIGKILL at random points of a large batch, many times.

    python3 -m scripts.kill_import                      # 10,000 files, 1,000 kills
    python3 -m scripts.kill_import --files 300 --kills 20 --seed 7
    python3 -m scripts.kill_import --ctrl-c --files 2000 --kills 300

With --ctrl-c the signal is SIGINT, as Ctrl+C sends: each run must also stop by itself
with exit 130, say it was interrupted, and reject none of the (sound) files; the record
goes to scripts/last-ctrl-c-run.json instead.

After every kill the store is checked (integrity check, every stored row is exactly one
file's sealed part and opens and fits its question set, follow-up rows match), and each
round ends with a rerun that must import every file not yet stored exactly once. Prints
"kills survived: K/N" and writes scripts/last-kill-run.json, which
scripts/reliability_figures.py reads; it is written after every round too, marked
"finished": false, so a campaign cut short still leaves what it showed. The campaign is
testing/crash.py, the same code tests/test_crash_safety.py runs on a smaller batch.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from testing import crash as cs

ROOT = Path(__file__).resolve().parent.parent

LAST_RUN = ROOT / "scripts" / "last-kill-run.json"
LAST_CTRL_C_RUN = ROOT / "scripts" / "last-ctrl-c-run.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ctrl-c", action="store_true", help="SIGINT instead of SIGKILL.")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("-q", "--quiet", action="store_true", help="Print only the result.")
    args = parser.parse_args()
    if args.out is None:
        args.out = LAST_CTRL_C_RUN if args.ctrl_c else LAST_RUN
    how = signal.SIGINT if args.ctrl_c else signal.SIGKILL

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kill-import-") as folder:
        work = Path(folder)
        batch = cs.make_batch(work, args.files, seed=args.seed)

        def progress(line: str) -> None:
            if not args.quiet:
                print(line, file=sys.stderr, flush=True)

        def record(rounds: list[cs.Round], finished: bool = False) -> None:
            args.out.write_text(
                json.dumps(summary(rounds, args, started, finished), indent=2) + "\n",
                encoding="utf-8",
            )

        rounds = cs.campaign(
            batch,
            args.kills,
            seed=args.seed,
            work=work / "check",
            progress=progress,
            after_round=record,
            how=how,
        )
        record(rounds, finished=True)
    good, total = cs.survived(rounds)
    for r in rounds:
        for problem in [p for k in r.kills for p in k.problems] + r.problems:
            print(f"  {problem}", file=sys.stderr)
    print(f"{'Ctrl+C' if args.ctrl_c else 'kills'} survived: {good}/{total}")
    return 0 if good == total else 1


def summary(
    rounds: list[cs.Round], args: argparse.Namespace, started: float, finished: bool
) -> dict[str, object]:
    good, total = cs.survived(rounds)
    killed = [k for r in rounds for k in r.kills if k.killed]
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "files": args.files,
        "kills": total,
        "survived": good,
        "rounds": len(rounds),
        "phases": dict(Counter(k.phase for k in killed)),
        "mid_batch": sum(1 for k in killed if 0 < k.stored_after < args.files),
        "signal": "SIGINT" if args.ctrl_c else "SIGKILL",
        "seed": args.seed,
        "seconds": round(time.monotonic() - started),
        "finished": finished,
        "command": " ".join(["python3 -m scripts.kill_import", *sys.argv[1:]]),
    }


if __name__ == "__main__":
    sys.exit(main())
