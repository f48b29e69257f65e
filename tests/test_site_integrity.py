"""A page HR can prove untampered (spec/FORMAT.md 16), on the real build: the manifest
lists every file the build made, two builds are the same bytes, every script and
stylesheet carries Subresource Integrity, and Chromium refuses a script changed by one
byte after the page was built."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TestKey, build_site, make_test_key, served
from playwright.sync_api import Page, expect
from site_support import latest_sets, set_url

from collector import __version__
from collector.mkdocs_plugin import postprocess
from collector.website import manifest

pytestmark = pytest.mark.slow  # real builds

SETS = latest_sets()
TAG = re.compile(r"<(script|link)\b([^>]*)>", re.IGNORECASE)


def _files(folder: Path) -> dict[str, bytes]:
    return {manifest.site_path(folder, p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / manifest.MANIFEST_NAME).read_bytes()).hexdigest()


def test_the_manifest_lists_every_file_the_build_made(built_site: Path, test_key: TestKey) -> None:
    data = (built_site / manifest.MANIFEST_NAME).read_bytes()
    obj = json.loads(data)
    assert data == (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    files = _files(built_site)
    del files["/" + manifest.MANIFEST_NAME]
    assert obj == {
        "format": "sluttsamtale-site/1",
        "app_version": __version__,
        "csp": postprocess.policy([]),
        "key_id": test_key.key_id,
        "whistleblowing_key_id": None,
        "question_sets": {q.id: q.version for q in SETS},
        "files": {path: hashlib.sha256(body).hexdigest() for path, body in files.items()},
    }
    assert {f"/sets/{q.id}.html" for q in SETS} <= set(obj["files"])


def test_two_builds_are_the_same_bytes(tmp_path: Path, test_key: TestKey) -> None:
    """Another folder, another day, another hash seed: nothing of it reaches the site."""
    first, second = tmp_path / "one" / "site", tmp_path / "two" / "elsewhere"
    for out, day, seed in ((first, "1700000000", "1"), (second, "1900000000", "2")):
        extra = {"SOURCE_DATE_EPOCH": day, "PYTHONHASHSEED": seed}
        result = build_site(out, test_key.pem, extra_env=extra)
        assert result.returncode == 0, result.stderr
    one, two = _files(first), _files(second)
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
    assert _digest(first) == _digest(second)


def test_the_build_prints_the_site_digest(tmp_path: Path, test_key: TestKey) -> None:
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        env={**os.environ, "SLUTTSAMTALE_PUBLIC_KEY": str(test_key.pem)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "site digest" in line]
    shown = manifest.grouped(_digest(out))
    assert lines == [f"INFO    -  site digest {shown} ({out / manifest.MANIFEST_NAME})"]


def test_the_receivers_key_is_in_the_manifest(tmp_path: Path, test_key: TestKey) -> None:
    receiver = make_test_key(tmp_path, "receiver")
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    shutil.copyfile(receiver.pem, folder / "receiver-public.pem")
    with (folder / "employer.yml").open("a", encoding="utf-8") as f:
        f.write("\nwhistleblowing_key: receiver-public.pem\n")
    out = tmp_path / "site"
    extra = {"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)}
    result = build_site(out, test_key.pem, extra_env=extra)
    assert result.returncode == 0, result.stderr
    obj = json.loads((out / manifest.MANIFEST_NAME).read_bytes())
    assert (obj["key_id"], obj["whistleblowing_key_id"]) == (test_key.key_id, receiver.key_id)


def test_every_script_and_stylesheet_carries_its_integrity(built_site: Path) -> None:
    stamped = 0
    for page in sorted(built_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        for tag, attrs in TAG.findall(html):
            url = postprocess.attribute(attrs, "src" if tag.lower() == "script" else "href")
            if url is None or (tag.lower() == "link" and not postprocess.is_stylesheet(attrs)):
                continue
            target = (page.parent / url) if not url.startswith("/") else built_site / url[1:]
            digest = hashlib.sha384(target.read_bytes()).digest()
            expected = "sha384-" + base64.b64encode(digest).decode()
            assert postprocess.attribute(attrs, "integrity") == expected, (page.name, url)
            assert postprocess.attribute(attrs, "crossorigin") is None
            stamped += 1
    pages = len(list(built_site.rglob("*.html")))
    assert stamped == pages * 12  # two stylesheets and ten scripts (early.js in the head)


# --------------------------------------------------------------------------- in Chromium


def _tampered(built_site: Path, tmp_path: Path, name: str) -> Path:
    """A copy of the site with one byte of `name` changed."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    target = site / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    return site


@pytest.mark.browser
@pytest.mark.parametrize(("name", "namespace"), [("js/form.js", "form"), ("js/hpke.js", "hpke")])
def test_chromium_refuses_a_script_changed_by_one_byte(
    page: Page, built_site: Path, tmp_path: Path, name: str, namespace: str
) -> None:
    site = _tampered(built_site, tmp_path, name)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    qset = SETS[0]
    with served(site) as base:
        page.goto(set_url(base, qset))
        page.wait_for_load_state("load")
        # The changed script never ran; the others did.
        assert page.evaluate(f"typeof Sluttsamtale.{namespace}") == "undefined"
        assert page.evaluate("typeof Sluttsamtale.bytes") == "object"
        if namespace == "form":
            expect(page.locator("[data-sl-progress]")).to_be_hidden()  # the form never started
        else:
            # Without its sealing code the page says it cannot seal, and nothing can be sent.
            expect(page.locator("[data-sl-unsupported]")).to_be_visible()
            expect(page.locator("[data-sl-finish]")).to_be_disabled()
    refused = [m for m in console if "integrity" in m and name in m]
    assert len(refused) == 1, console
    assert "Failed to find a valid digest" in refused[0]


@pytest.mark.browser
def test_the_untampered_copy_runs_over_http(page: Page, http_site: str) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(set_url(http_site, SETS[0]))
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    assert [m for m in console if "ntegrity" in m] == []
