"""`sluttsamtale build` and `sluttsamtale verify-site` as HR runs them: the site built with
its digest printed, single-file pages with their SHA-256, and a copy checked over http on
127.0.0.1 and as a folder; a changed byte, a missing file, a wrong digest and a missing
digest each give their line and exit 1, never a traceback."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, TestKey, served
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
        "--mkdocs-config",
        str(ROOT / "mkdocs.yml"),
        "--out",
        str(site),
        "--single-file",
        str(pages),
        "--allow-demo",
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
    result = run("build", "--mkdocs-config", str(ROOT / "mkdocs.yml"), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no public key for sealing answers: give --public-key hr-public.pem, set "
        "SLUTTSAMTALE_PUBLIC_KEY, or name it in sluttsamtale.toml (sluttsamtale init)\n"
    )


def test_build_empties_only_an_earlier_build(tmp_path: Path, test_key: TestKey) -> None:
    papers = tmp_path / "Documents"
    papers.mkdir()
    (papers / "contract.pdf").write_bytes(b"%PDF")
    args = ["build", "--mkdocs-config", str(ROOT / "mkdocs.yml"), "--public-key", str(test_key.pem)]
    args.append("--allow-demo")
    result = run(*args, "--out", str(papers))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {papers}: not empty and not a site built before (no sluttsamtale-site.json); "
        "the build empties its folder, so give a new or empty one\n"
    )
    assert (papers / "contract.pdf").read_bytes() == b"%PDF"
    site = tmp_path / "site"
    assert run(*args, "--out", str(site)).exit_code == 0
    (site / "stale.html").write_text("old", encoding="utf-8")
    assert run(*args, "--out", str(site)).exit_code == 0  # an earlier build is replaced
    assert not (site / "stale.html").exists()


def test_single_files_may_not_go_inside_the_site(tmp_path: Path, test_key: TestKey) -> None:
    site = tmp_path / "site"
    result = run(
        "build",
        "--mkdocs-config",
        str(ROOT / "mkdocs.yml"),
        "--public-key",
        str(test_key.pem),
        "--out",
        str(site),
        "--single-file",
        str(site / "single"),
        "--allow-demo",
    )
    assert result.exit_code == 1
    assert "the single-file pages cannot go inside the site folder" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --------------------------------------------------------------------------- verify-site


def test_a_served_copy_verifies(built_site: Path, tmp_path: Path) -> None:
    copy = _copy(built_site, tmp_path)
    with served(copy) as base:
        result = run("verify-site", base, "--build", str(built_site))
    assert result.exit_code == 0, result.output
    files = len(manifest.read((built_site / manifest.MANIFEST_NAME).read_bytes(), "x").files)
    assert (
        result.output
        == f"verified: digest {_digest(built_site)} ({files} files as HR built them)\n"
    )


def test_one_changed_byte_in_a_served_script_is_named(built_site: Path, tmp_path: Path) -> None:
    copy = _copy(built_site, tmp_path)
    _flip(copy / "js" / "hpke.js")
    (copy / "sets" / f"{latest_sets()[0].id}.html").unlink()
    with served(copy) as base:
        result = run("verify-site", base + "/", "--digest", _digest(built_site))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "changed /js/hpke.js",
        f"missing /sets/{latest_sets()[0].id}.html",
        f"NOT verified: 2 differences from the build with digest {_digest(built_site)}",
    ]


def test_a_folder_copy_verifies_and_names_what_it_adds(built_site: Path, tmp_path: Path) -> None:
    copy = _copy(built_site, tmp_path)
    digest = _digest(built_site).replace(" ", "").upper()
    assert run("verify-site", str(copy), "--digest", digest).exit_code == 0
    (copy / "js" / "extra.js").write_text("alert(1)\n", encoding="utf-8")
    _flip(copy / "css" / "sluttsamtale.css")
    result = run("verify-site", str(copy), "--digest", digest)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == ["changed /css/sluttsamtale.css", "extra /js/extra.js"]


def test_the_default_digest_is_the_local_builds(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _copy(built_site, tmp_path)
    (tmp_path / "build").mkdir()
    shutil.copytree(built_site, tmp_path / "build" / "site")
    monkeypatch.chdir(tmp_path)
    result = run("verify-site", str(copy))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"verified: digest {_digest(built_site)} (")


def test_a_copy_with_another_manifest_is_refused(built_site: Path, tmp_path: Path) -> None:
    copy = _copy(built_site, tmp_path)
    # A copy that changed a script and rewrote its manifest to match: only the digest shows it.
    _flip(copy / "js" / "form.js")
    text = (copy / manifest.MANIFEST_NAME).read_text(encoding="utf-8")
    old = manifest.read(text.encode(), "x").files["/js/form.js"]
    new = hashlib.sha256((copy / "js" / "form.js").read_bytes()).hexdigest()
    (copy / manifest.MANIFEST_NAME).write_text(text.replace(old, new), encoding="utf-8")
    with served(copy) as base:
        result = run("verify-site", base, "--build", str(built_site))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {base}/sluttsamtale-site.json: its digest is {_digest(copy)}, not the expected "
        f"{_digest(built_site)}, so this copy is not the site HR published\n"
    )


def test_no_digest_to_check_against(built_site: Path, tmp_path: Path) -> None:
    result = run("verify-site", str(built_site))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no site digest to check against: give --digest with the digest HR published, "
        "or --build with the folder HR built (build/site/sluttsamtale-site.json does not exist)\n"
    )


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("http://hr.example.org/", "plain http is only for this machine"),
        ("missing-folder", "no such folder, and not an https:// address"),
    ],
)
def test_what_cannot_be_checked_is_one_line(location: str, problem: str) -> None:
    result = run("verify-site", location, "--digest", "0" * 64)
    assert result.exit_code == 1
    assert re.fullmatch(rf"Error: {re.escape(location)}: [^\n]*\n", result.output)
    assert problem in result.output


def test_a_wrong_digest_spelling_is_one_line(built_site: Path) -> None:
    result = run("verify-site", str(built_site), "--digest", "abc")
    assert result.output == "Error: 'abc' is not a site digest (64 hexadecimal digits)\n"
    assert re.fullmatch(DIGEST_GROUPS, _digest(built_site))
