"""`sluttsamtale build` as HR runs it: the site built with its digest printed, single-file
pages with their SHA-256, and each mistake one line, never a traceback."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, TestKey
from site_support import latest_sets

from collector.cli import main
from collector.website import manifest

pytestmark = pytest.mark.slow  # site builds

DIGEST_GROUPS = r"(?:[0-9a-f]{4} ){15}[0-9a-f]{4}"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def _digest(site: Path) -> str:
    return manifest.grouped(
        hashlib.sha256((site / manifest.MANIFEST_NAME).read_bytes()).hexdigest()
    )


def _copy(built_site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(built_site, copy)
    return copy


def _flip(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x20
    file.write_bytes(bytes(data))


# --------------------------------------------------------------------------- build


def test_build_prints_the_digest_and_each_single_files_sha256(
    tmp_path: Path, test_key: TestKey
) -> None:
    site, pages = tmp_path / "site", tmp_path / "e-post"
    result = run(
        "build",
        "--config",
        str(ROOT / "mkdocs.yml"),
        "--out",
        str(site),
        "--single-file",
        str(pages),
        env={"SLUTTSAMTALE_PUBLIC_KEY": str(test_key.pem)},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Built the site into {site}"
    assert lines[1] == f"site digest {_digest(site)} ({site / manifest.MANIFEST_NAME})"
    sets = sorted(q.id for q in latest_sets())
    assert len(lines) == 2 + len(sets)
    for line, set_id in zip(lines[2:], sets, strict=True):
        page = pages / "sets" / f"{set_id}.html"
        shown = manifest.grouped(hashlib.sha256(page.read_bytes()).hexdigest())
        assert line == f"single-file page {page}: SHA-256 {shown}"
    assert not (site / "sets" / "single").exists()


def test_build_without_a_key_says_what_to_give(tmp_path: Path) -> None:
    result = run("build", "--config", str(ROOT / "mkdocs.yml"), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no public key for sealing answers: give --public-key hr-public.pem "
        "or set SLUTTSAMTALE_PUBLIC_KEY\n"
    )


def test_single_files_may_not_go_inside_the_site(tmp_path: Path, test_key: TestKey) -> None:
    site = tmp_path / "site"
    result = run(
        "build",
        "--config",
        str(ROOT / "mkdocs.yml"),
        "--public-key",
        str(test_key.pem),
        "--out",
        str(site),
        "--single-file",
        str(site / "single"),
    )
    assert result.exit_code == 1
    assert "the single-file pages cannot go inside the site folder" in result.output
    assert len(result.output.strip().splitlines()) == 1
