"""Run the in-memory fuzz targets (fuzz/targets/): speed, a campaign, or the planted bug.

    python -m fuzz.run --speed [--seconds 25] [--targets armor,mail]
    python -m fuzz.run --campaign --total 10000000 [--slice 60] [--targets ...]
    python -m fuzz.run --plant [--seconds 600]

(from the repository root). Each target runs in a child process under atheris (libFuzzer),
with its corpus in fuzz/corpus/<target>/ (seeded from the testkit; kept, not committed)
and its dictionary fuzz/dicts/<target>.dict. A crash leaves its input in
fuzz/crashes/<target>-crash-... and makes the exit code non-zero.

--speed runs each target for --seconds and prints executions per second (and writes
fuzz/last-speed.json). --campaign runs the targets in turn, --slice seconds each, round
after round, until --total executions are done, and records fuzz/last-run.json: executions
per target, the total, crashes and the date. --plant makes armor.find_blocks raise
KeyError on text holding "\\x00K" and times how long the armor target takes to find it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .targets import TARGETS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
CRASHES = HERE / "crashes"
DICTS = HERE / "dicts"
LAST_RUN = HERE / "last-run.json"
LAST_SPEED = HERE / "last-speed.json"
CHILD_FLAG = "--child"
PLANT_FLAG = "--planted"
PLANTED = "\x00K"
RSS_LIMIT_MB = 1024


@dataclass(frozen=True)
class Run:
    """What one child run did."""

    target: str
    seconds: float
    executions: int
    code: int
    log: str

    @property
    def crashed(self) -> bool:
        return self.code != 0

    @property
    def per_second(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- the parent


def seed(target: str, corpus: Path) -> int:
    """Write the target's seeds into `corpus` (named by their hash, so rerunning is free)."""
    corpus.mkdir(parents=True, exist_ok=True)
    module = importlib.import_module(f"fuzz.targets.{target}")
    count = 0
    for data in module.seeds():
        data = data[: TARGETS[target].max_len]
        (corpus / f"seed-{hashlib.sha256(data).hexdigest()[:16]}").write_bytes(data)
        count += 1
    return count


def run_child(
    target: str,
    options: list[str],
    corpus: Path,
    *,
    planted: bool = False,
    instrument: tuple[str, ...] = (),
    quiet: bool = False,
    artifacts: Path = CRASHES,
) -> Run:
    """One libFuzzer run of `target` in a child process, its statistics read from stderr."""
    artifacts.mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "fuzz.run",
        CHILD_FLAG,
        target,
        ",".join((*TARGETS[target].instrument, *instrument)),
        PLANT_FLAG if planted else "-",
        f"-max_len={TARGETS[target].max_len}",
        f"-dict={DICTS / f'{target}.dict'}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        "-timeout=10",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/{target}-",
        *options,
        str(corpus),
    ]
    started = time.monotonic()
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, errors="replace")
    seconds = time.monotonic() - started
    log = child.stdout + child.stderr  # atheris prints the Python traceback on stdout
    if child.returncode != 0 and not quiet:
        sys.stderr.write(log[-20000:])
    found = re.search(r"stat::number_of_executed_units: (\d+)", child.stderr)
    executions = int(found.group(1)) if found else 0
    return Run(target, seconds, executions, child.returncode, log)


def chosen(names: str | None) -> list[str]:
    if not names:
        return list(TARGETS)
    picked = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in picked if n not in TARGETS]
    if unknown:
        names = ", ".join(TARGETS)
        raise SystemExit(f"unknown target(s) {', '.join(unknown)}; the targets are {names}")
    return picked


def speed(targets: list[str], seconds: int, instrument: tuple[str, ...] = ()) -> int:
    """Each target for `seconds`; executions per second, printed and kept."""
    rows: dict[str, dict[str, float | int]] = {}
    code = 0
    for target in targets:
        corpus = CORPUS / target
        seed(target, corpus)
        run = run_child(target, [f"-max_total_time={seconds}"], corpus, instrument=instrument)
        rows[target] = {
            "seconds": round(run.seconds, 1),
            "executions": run.executions,
            "per_second": round(run.per_second),
        }
        verdict = "" if not run.crashed else f"  CRASH (exit {run.code})"
        took = f"({run.executions:,} in {run.seconds:.0f} s)"
        print(f"{target:12} {run.per_second:10,.0f} exec/s  {took}{verdict}", flush=True)
        code = code or run.code
    record = {
        "date": _today(),
        "seconds_each": seconds,
        "instrumented": ["collector", *instrument],
        "targets": rows,
    }
    LAST_SPEED.write_text(json.dumps(record, indent=2) + "\n")
    return code


def campaign(
    targets: list[str], total: int, slice_seconds: int, instrument: tuple[str, ...] = ()
) -> int:
    """Targets in turn, a slice each, until `total` executions; fuzz/last-run.json."""
    done = dict.fromkeys(targets, 0)
    seconds = 0.0
    crashes: list[str] = []
    for target in targets:
        seed(target, CORPUS / target)
    while sum(done.values()) < total and not crashes:
        for target in targets:
            options = [f"-max_total_time={slice_seconds}"]
            run = run_child(target, options, CORPUS / target, instrument=instrument)
            done[target] += run.executions
            seconds += run.seconds
            print(
                f"{target:12} +{run.executions:,} ({run.per_second:,.0f}/s); "
                f"total {sum(done.values()):,}",
                flush=True,
            )
            if run.crashed:
                crashes.append(target)
                break
            if sum(done.values()) >= total:
                break
    record = {
        "date": _today(),
        "seconds": round(seconds),
        "executions": sum(done.values()),
        "crashes": len(crashes),
        "targets": done,
        "instrumented": ["collector", *instrument],
        "command": f"python -m fuzz.run --campaign --total {total} --slice {slice_seconds}"
        + (f" --instrument {','.join(instrument)}" if instrument else ""),
    }
    LAST_RUN.write_text(json.dumps(record, indent=2) + "\n")
    verdict = "clean" if not crashes else f"CRASHED in {', '.join(crashes)}; see {CRASHES}"
    print(f"campaign: {record['executions']:,} executions in {seconds / 60:.0f} min: {verdict}")
    return 1 if crashes else 0


def plant(seconds: int, tries: int = 3) -> int:
    """The armor target against a planted KeyError, from a fresh corpus of its seeds, with
    `tries` different random seeds; how long each took to find it."""
    missed = 0
    for seed_number in range(1, tries + 1):
        with tempfile.TemporaryDirectory(prefix="fuzz-plant-") as folder:
            corpus = Path(folder)
            seed("armor", corpus)
            options = [f"-max_total_time={seconds}", f"-seed={seed_number}"]
            run = run_child(
                "armor", options, corpus, planted=True, quiet=True, artifacts=corpus / "found"
            )
        if run.crashed and f"KeyError: {PLANTED!r}" in run.log:
            after = f"after {_units(run.log):,} executions"
            print(f"-seed={seed_number}: planted KeyError found in {run.seconds:.1f} s, {after}")
        else:
            missed += 1
            print(f"-seed={seed_number}: planted KeyError NOT found in {run.seconds:.0f} s")
    return 1 if missed else 0


def _units(log: str) -> int:
    """Executions so far, from the last progress line (a crash prints no final stats)."""
    lines = re.findall(r"^#(\d+)", log, re.M)
    return int(lines[-1]) if lines else 0


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def main(argv: list[str]) -> int:
    summary = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=summary)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--speed", action="store_true", help="executions per second per target")
    mode.add_argument("--campaign", action="store_true", help="run until --total executions")
    mode.add_argument("--plant", action="store_true", help="time finding a planted KeyError")
    parser.add_argument("--targets", help="comma-separated; default all: " + ",".join(TARGETS))
    parser.add_argument("--seconds", type=int, default=25, help="per target (--speed, --plant)")
    parser.add_argument("--total", type=int, default=10_000_000, help="executions (--campaign)")
    parser.add_argument("--slice", type=int, default=60, help="seconds per turn (--campaign)")
    parser.add_argument("--instrument", default="", help="more packages to instrument: email,yaml")
    args = parser.parse_args(argv)
    instrument = tuple(p for p in args.instrument.split(",") if p)
    if args.speed:
        return speed(chosen(args.targets), args.seconds, instrument)
    if args.campaign:
        return campaign(chosen(args.targets), args.total, args.slice, instrument)
    return plant(args.seconds if args.seconds != 25 else 600)


# --------------------------------------------------------------------------- the child


def child(target: str, instrument: list[str], planted: bool, options: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=instrument):
        module = importlib.import_module(f"fuzz.targets.{target}")
    if planted:
        _plant_bug()
    atheris.Setup([sys.argv[0], *options], module.TestOneInput)
    atheris.Fuzz()


def _plant_bug() -> None:
    """A KeyError in armor.find_blocks for text holding PLANTED: a bug the target must find."""
    from collector.formats import armor

    real = armor.find_blocks

    def find_blocks(text: str) -> list[bytes]:
        if PLANTED in text:
            raise KeyError(PLANTED)
        return real(text)

    armor.find_blocks = find_blocks


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == CHILD_FLAG:
        target, packages, plant_flag, *libfuzzer = sys.argv[2:]
        child(target, packages.split(","), plant_flag == PLANT_FLAG, libfuzzer)
    else:
        sys.exit(main(sys.argv[1:]))
