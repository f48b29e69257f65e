"""The README's main command: a demo key, the site built with it, the inbox imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from collector.cli import main
from collector.formats import keys
from collector.model.loading import load_catalog
from collector.website.demo import DEMO_PASSPHRASE
from testing import pagesim

pytestmark = pytest.mark.slow  # a whole site build


def test_demo_builds_a_marked_site_and_imports_its_inbox(tmp_path: Path) -> None:
    folder = tmp_path / ".demo"
    runner = CliRunner()
    args = ["demo", "--dir", str(folder), "--mkdocs-config", str(ROOT / "mkdocs.yml"), "--once"]

    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "Made the DEMO key" in first.output
    page = (folder / "site" / "sets" / "kommune-nb.html").read_text()
    assert "DEMO" in page

    public = keys.load_public_pem(folder / "hr-public.pem")
    assert public.demo
    qset = load_catalog(ROOT / "questionnaires").get("kommune-nb", 1)
    assert qset is not None
    payload = pagesim.build_payload(qset, {"reason": "pay"})
    (folder / "inbox" / "answer.json").write_bytes(pagesim.seal_payload(payload, public.raw))

    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "Using the DEMO key" in second.output
    assert "imported" in second.output and "answer.json" in second.output

    listed = runner.invoke(
        main,
        [
            "list",
            "--json",
            "--db",
            str(folder / "sluttsamtale.db"),
            "--key",
            str(folder / "hr-key.json"),
        ],
        env={"SLUTTSAMTALE_PASSPHRASE": DEMO_PASSPHRASE},
    )
    assert listed.exit_code == 0, listed.output
    assert payload.response_id[:8] in listed.output


def test_demo_in_an_empty_folder_builds_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a fresh machine: no mkdocs.yml here, so the shipped one, whose folder is not
    # this one; the site still goes into ./.demo.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--once"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".demo" / "site" / "sets" / "kommune-nb.html").is_file()
    assert not (ROOT / ".demo").exists()
