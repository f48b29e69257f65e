"""Commands start at once: `--help`, a command's own help, and a command that stops before
it unlocks a key import none of the heavy libraries (issue 14). Not timed: what is imported
is what costs, and it can be checked exactly; benchmarks/import_speed.py prints the time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testing.fixtures import Env

HEAVY = {
    "matplotlib",
    "openpyxl",
    "mkdocs",
    "jinja2",
    "markdown",
    "argon2",
    "cryptography",
    "pydantic",
    "yaml",
    "zxcvbn",
}

PROBE = """\
import json, sys
from collector.cli import main
try:
    main(sys.argv[1:], prog_name="sluttsamtale")
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def loaded(args: list[str], cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


COMMANDS = ["import", "list", "show", "report", "export", "status", "invite", "keygen"]
COMMANDS += ["followup", "purge", "erase", "build", "verify-site", "demo", "schema"]


@pytest.mark.parametrize("args", [["--help"], *([c, "--help"] for c in COMMANDS)])
def test_help_imports_no_heavy_library(env: Env, args: list[str]) -> None:
    assert loaded(args, env.root).isdisjoint(HEAVY)


@pytest.mark.parametrize("command", ["list", "status", "report", "export", "show x"])
def test_a_command_refused_before_its_key_imports_no_heavy_library(env: Env, command: str) -> None:
    missing = env.root / "no-store-here.db"
    args = [*command.split(), "--db", str(missing)]
    # The catalog (question sets: YAML read into pydantic models) may come first.
    assert loaded(args, env.root).isdisjoint(HEAVY - {"pydantic", "yaml"})
