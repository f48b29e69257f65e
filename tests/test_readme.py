"""README's two commands stay true: CI runs exactly the test command README gives."""

from __future__ import annotations

import re

from click.testing import CliRunner
from conftest import ROOT

from collector.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_after(heading: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()  # type: ignore[union-attr]


def test_ci_runs_the_readme_test_command() -> None:
    command = _command_after("Test")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == command


def test_readme_main_command_names_a_real_command() -> None:
    command = _command_after("Try it")
    assert command.endswith(".venv/bin/sluttsamtale demo")
    result = CliRunner().invoke(main, ["demo", "--help"])
    assert result.exit_code == 0 and "Example" in result.output
