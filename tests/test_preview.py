"""Issue 12: `sluttsamtale serve` previews the site as HR edits it: rebuilt on a saved change,
reloaded in the browser through a wrapper page of its own, while the framed page keeps the
published CSP exactly (it still may connect nowhere)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import Page, expect

from testing.fixtures import install_key

pytestmark = pytest.mark.browser


@pytest.fixture
def serving(tmp_path: Path):  # type: ignore[no-untyped-def]
    sets = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", sets)
    _, pem, _ = install_key(tmp_path / "keys")
    process = subprocess.Popen(
        [sys.executable, "-m", "collector", "serve", "--port", "0", "--public-key", str(pem),
         "--questionnaires", str(sets)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy(),
    )  # fmt: skip
    assert process.stdout is not None
    address = None
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        found = re.search(r"Preview: (http://127\.0\.0\.1:\d+/__preview/)", line)
        if found:
            address = found.group(1)
            break
    assert address is not None, "".join(lines)
    yield address, sets, process
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=30)
    finally:
        process.kill()


def test_an_edit_shows_in_the_preview_without_a_reload(serving, page: Page) -> None:  # type: ignore[no-untyped-def]
    address, sets, _ = serving
    page.goto(address)
    frame = page.frame_locator("#site")
    expect(frame.locator("body")).to_contain_text("Sluttsamtale", timeout=30000)
    page.goto(address.replace("/__preview/", "/sets/kommune-nb.html"))
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy is not None and "connect-src 'none'" in policy  # the published page's own
    page.goto(address)
    frame.locator("body").wait_for()
    set_file = sets / "kommune-nb.yml"
    text = set_file.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M)
    assert title is not None
    set_file.write_text(
        text.replace(title.group(0), "title: Sluttsamtale for forhåndsvisning"), encoding="utf-8"
    )
    expect(frame.locator("body")).to_contain_text("Sluttsamtale for forhåndsvisning", timeout=60000)
