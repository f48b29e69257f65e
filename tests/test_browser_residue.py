"""Issue 10.4, nothing left behind in the browser: after answering from an invitation link,
saving a draft, sealing and closing, every file of a persistent Chromium profile is searched.
The answer must be nowhere (in clear, or as the draft, which the page erases once the
answers are sealed). The link's secret is kept by Chromium's own history, which no page can
prevent; the page says so (test_site_links.py checks the words), and no storage of the
page's own holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, chromium_path
from site_support import latest_sets, set_url

from collector.formats import links

pytestmark = pytest.mark.browser

QSET = next(s for s in latest_sets() if s.id == "kommune-nb")
ANSWER = "RESIDUE-CANARY-8d1f: what I wrote about my manager"
PASSPHRASE = "residue passphrase kept nowhere"
SECRET = links.secret_text(bytes(range(100, 132)))


def profile_files(profile: Path) -> dict[str, bytes]:
    found = {}
    for path in profile.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                found[str(path.relative_to(profile))] = path.read_bytes()
            except OSError:
                continue
    return found


def holding(files: dict[str, bytes], needle: str) -> list[str]:
    """Files that hold the needle as UTF-8 or as UTF-16 (Chromium keeps some text so)."""
    forms = (needle.encode(), needle.encode("utf-16-le"))
    return sorted(name for name, data in files.items() if any(f in data for f in forms))


def test_a_visit_leaves_no_answer_and_no_draft_in_the_profile(
    http_site: str, tmp_path: Path
) -> None:
    chromium = chromium_path()
    assert chromium is not None
    profile = tmp_path / "profile"
    url = f"{set_url(http_site, QSET)}#k={SECRET}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "testing.residue", chromium, str(profile), url, ANSWER, PASSPHRASE],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    files = profile_files(profile)
    assert files, "the profile was written"
    assert holding(files, ANSWER) == []
    assert holding(files, ANSWER[:24]) == []
    assert holding(files, PASSPHRASE) == []
    # The page's storage is empty once it sealed: the draft went with the sealing.
    assert result.stdout.strip() == "0"
    # Chromium's storage files may keep the erased draft's record for a while (LevelDB
    # appends, and compacts later), but only as it was stored: locked with the passphrase,
    # so neither the answer nor the link's secret is readable there. The protection pages
    # say so.
    own = {n: d for n, d in files.items() if "Local Storage" in n or "IndexedDB" in n}
    assert holding(own, SECRET) == [] and holding(own, ANSWER[:24]) == []
    # Chromium's history keeps the address it was opened with, secret and all: the page
    # cannot stop that, and tells the employee (the link_history note).
    history = holding(files, SECRET)
    browser_own = ("History", "Sessions", "Favicons", "ukm_db")
    assert history and all(any(w in n for w in browser_own) for n in history), history
