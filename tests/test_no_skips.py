"""The conftest rule that no test skips under CI: checked by running a skipping test in a
child pytest, with and without CI set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SKIPPING = """
import pytest

def test_skips():
    pytest.skip("a reason")
"""


def _run(folder: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    (folder / "test_skipping.py").write_text(SKIPPING, encoding="utf-8")
    (folder / "conftest.py").write_text(
        (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "1"} if ci else {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--rootdir",
            str(folder),
            str(folder),
        ],
        cwd=folder,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_skip_fails_the_run_under_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=True)
    assert done.returncode == 1, done.stdout
    assert "skipped under CI, which counts as a failure" in done.stdout


def test_a_skip_is_a_skip_outside_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
