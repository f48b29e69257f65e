"""`python -m benchmarks.peak OUT [--after-unlock] ARGS...`: run `sluttsamtale ARGS` in this
process, then write its peak resident memory (VmHWM, KiB, Linux) to the file OUT.

The benchmark's memory figures come from here, not from the child's ru_maxrss: that
counts the pages the child shared with its parent between fork and exec, so every
command seemed to peak at the size of the benchmark itself. exec starts VmHWM afresh.
With --after-unlock the peak is reset once HR's key is unlocked (/proc/self/clear_refs),
since Argon2id's 64 MiB is otherwise the peak of every command, whatever it reads.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any


def peak_kib() -> int:
    with open("/proc/self/status") as fh:
        return int(next(line.split()[1] for line in fh if line.startswith("VmHWM:")))


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:  # "5" resets VmHWM (Linux >= 4.0)
        fh.write("5")


def reset_after_unlock() -> None:
    from collector.formats import keyfile

    unlock = keyfile.load

    def load(*args: Any, **kwargs: Any) -> keyfile.HRKey:
        key = unlock(*args, **kwargs)
        reset_peak()
        return key

    keyfile.load = load


def main() -> None:
    out = Path(sys.argv[1])
    args = sys.argv[2:]
    if args[:1] == ["--after-unlock"]:
        args = args[1:]
        reset_after_unlock()
    sys.argv = ["sluttsamtale", *args]
    try:
        runpy.run_module("collector", run_name="__main__", alter_sys=True)
    finally:
        out.write_text(f"{peak_kib()}\n", encoding="ascii")


if __name__ == "__main__":
    main()
