"""Running a command as an ordinary user would, even when the tests run as root.

Root reads a chmod 000 file through CAP_DAC_OVERRIDE (and lists a chmod 000 folder through
CAP_DAC_READ_SEARCH), so a test of "the file cannot be read" would never fail for root. The
command is run without those two capabilities instead (util-linux's setpriv drops them from
the bounding set, so the exec'd process never has them), and plainly for anyone else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

OVERRIDES = "-dac_override,-dac_read_search"


def without_override(command: Sequence[str | Path]) -> list[str]:
    """`command` as it must be run so that file modes hold for it."""
    args = [str(a) for a in command]
    if os.geteuid() != 0:
        return args
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("running as root needs util-linux's setpriv to drop CAP_DAC_OVERRIDE")
    return [setpriv, f"--inh-caps={OVERRIDES}", f"--bounding-set={OVERRIDES}", "--", *args]


def python(code: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run Python `code` in a child without the overrides; its stdout is what it prints."""
    command = without_override([sys.executable, "-c", code])
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]
