"""`python -m benchmarks.peak OUT ARGS...`: run `sluttsamtale ARGS` in this process, then
write its peak resident memory (VmHWM, KiB, Linux) to the file OUT.

The benchmark's memory figures come from here, not from the child's ru_maxrss: that
counts the pages the child shared with its parent between fork and exec, so every
command seemed to peak at the size of the benchmark itself. exec starts VmHWM afresh.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def peak_kib() -> int:
    with open("/proc/self/status") as fh:
        return int(next(line.split()[1] for line in fh if line.startswith("VmHWM:")))


def main() -> None:
    out = Path(sys.argv[1])
    sys.argv = ["sluttsamtale", *sys.argv[2:]]
    try:
        runpy.run_module("collector", run_name="__main__", alter_sys=True)
    finally:
        out.write_text(f"{peak_kib()}\n", encoding="ascii")


if __name__ == "__main__":
    main()
