"""Coverage-guided fuzzing (atheris, libFuzzer) of everything a response file meets on import.

    python3 -m fuzz.fuzz_import -max_total_time=600 spec/testkit/vectors

(run from the repository root, as every script here is).

Any libFuzzer option may be given (-max_total_time, -runs, -max_len, -seed, ...); a folder
of testkit vectors is turned into the seed corpus (fuzz/corpus/import/, where libFuzzer also keeps
what it finds). The fuzzing runs in one child process; when it ends, this script writes
fuzz/last-import-run.json ({seconds, executions, crashes, date}) for scripts/reliability_figures.py.
A crash leaves its input in fuzz/crashes/ and makes the exit code non-zero.

The rule checked: whatever the bytes, the collector raises nothing but its documented
errors (collector.errors.SluttsamtaleError and subclasses). The first byte of each input
picks the entrance; the rest is the data:

    0 envelope.parse             3 a .json file, opened     6 a plaintext, sealed to the
    1 armor.find_blocks (UTF-8)  4 a .txt file, opened        testkit key and opened
    2 payload_format.parse      5 a .eml file, opened        (decrypt + payload checks)

"Opened" is importer.open_item, the import path for one file, with the testkit key.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CORPUS = HERE / "corpus" / "import"  # beside the in-memory targets' corpus/<target>/
CRASHES = HERE / "crashes"
LAST_RUN = HERE / "last-import-run.json"
CHILD_FLAG = "--child"
DEFAULT_MAX_LEN = 16384
ENTRANCES = 7
_FILE_MODE = {"json": 3, "txt": 4, "eml": 5}


# --------------------------------------------------------------------------- the driver


def main(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith("-")]
    folders = [Path(a) for a in argv if not a.startswith("-")]
    if not any(o.startswith("-max_len=") for o in options):
        options.append(f"-max_len={DEFAULT_MAX_LEN}")
    CORPUS.mkdir(parents=True, exist_ok=True)
    CRASHES.mkdir(exist_ok=True)
    for folder in folders:
        seeded = seed_corpus(folder, CORPUS)
        print(f"seeded {seeded} inputs from {folder}", file=sys.stderr)
    command = [
        sys.executable,
        "-m",
        "fuzz.fuzz_import",
        CHILD_FLAG,
        *options,
        "-print_final_stats=1",
        f"-artifact_prefix={CRASHES}/",
        str(CORPUS),
    ]
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, errors="replace")
    assert child.stderr is not None
    executions = 0
    for line in child.stderr:
        sys.stderr.write(line)
        found = re.match(r"stat::number_of_executed_units: (\d+)", line)
        if found:
            executions = int(found.group(1))
    code = child.wait()
    seconds = round(time.monotonic() - started)
    record = {
        "seconds": seconds,
        "executions": executions,
        "crashes": 0 if code == 0 else 1,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "command": "python3 -m fuzz.fuzz_import " + " ".join(argv),
    }
    LAST_RUN.write_text(json.dumps(record, indent=2) + "\n")
    verdict = "clean" if code == 0 else f"FAILED (exit {code}); see {CRASHES}"
    print(f"fuzzed {seconds} s, {executions} executions: {verdict}", file=sys.stderr)
    return code


def seed_corpus(folder: Path, corpus: Path) -> int:
    """Each vector's body at the entrances it belongs to, as libFuzzer seed files."""
    import hashlib

    from spec.testkit import testkit as tk
    from testing import testkit_run as run

    keys = run.load_keys()
    seeds: list[bytes] = []
    for vector in tk.vectors(folder):
        body = vector.body
        if len(body) + 1 > DEFAULT_MAX_LEN:
            continue
        seeds.append(bytes([_FILE_MODE[vector.file]]) + body)
        if vector.file == "json":
            seeds.append(b"\x00" + body)
        elif vector.file == "txt":
            seeds.append(b"\x01" + body)
        if vector.expect == "success":
            with tempfile.TemporaryDirectory() as work:
                outcome = run.run_vector(vector, Path(work), keys=keys, catalog=run.catalog())
            plaintext = outcome.plaintext(keys)
            seeds += [b"\x02" + plaintext, b"\x06" + plaintext]
    for seed in seeds:
        (corpus / f"seed-{hashlib.sha256(seed).hexdigest()[:16]}").write_bytes(seed)
    return len(seeds)


# --------------------------------------------------------------------------- the child


def child(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["collector", "email"]):
        from collector.errors import SluttsamtaleError
        from collector.formats import armor, envelope, hpke, keys
        from collector.formats import payload as payload_format
        from collector.intake import opening

    from testing import testkit_run as run

    hr_keys = run.load_keys()
    catalog = run.catalog()
    (key,) = hr_keys.values()
    public = keys.public_of(key.private)
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="fuzz-import-", dir=shm if shm.is_dir() else None))
    suffix = {3: ".json", 4: ".txt", 5: ".eml"}

    def one_input(data: bytes) -> None:
        if not data:
            return
        entrance, rest = data[0] % ENTRANCES, data[1:]
        try:
            if entrance == 0:
                envelope.parse(rest)
            elif entrance == 1:
                armor.find_blocks(rest.decode("utf-8", errors="replace"))
            elif entrance == 2:
                payload_format.parse(rest)
            elif entrance in suffix:
                run.run_bytes(rest, suffix[entrance], work, keys=hr_keys, catalog=catalog)
            else:
                sealed = hpke.seal(rest, public)
                file = envelope.encode(envelope.Envelope((envelope.Part(key.key_id, sealed),)))
                opening.open_response(file, hr_keys=hr_keys, catalog=catalog, now=datetime.now(UTC))
        except SluttsamtaleError:
            pass

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD_FLAG:
        child(sys.argv[2:])
    else:
        sys.exit(main(sys.argv[1:]))
