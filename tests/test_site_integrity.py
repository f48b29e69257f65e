"""A page HR can prove untampered (spec/FORMAT.md 16), on the real build: the manifest
lists every file the build made, and two builds are the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TestKey, build_site, make_test_key
from site_support import latest_sets

from collector import __version__
from collector.mkdocs_plugin import postprocess
from collector.website import manifest

pytestmark = pytest.mark.slow  # real builds

SETS = latest_sets()


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
    out = tmp_path / "site"
    extra = {"SLUTTSAMTALE_WHISTLEBLOWING_KEY": str(receiver.pem)}
    result = build_site(out, test_key.pem, extra_env=extra)
    assert result.returncode == 0, result.stderr
    obj = json.loads((out / manifest.MANIFEST_NAME).read_bytes())
    assert (obj["key_id"], obj["whistleblowing_key_id"]) == (test_key.key_id, receiver.key_id)
