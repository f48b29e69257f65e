"""The testkit (spec/testkit) run against the collector, and the canary never let out.

Each vector's bytes go through the import path for one file (importer.open_item), and the
class of the result must be the one the vector names: a failure of the wrong class is a
failure, so one class never hides another. The page side: what the page seals for a
testkit payload opens as a success vector would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT
from playwright.sync_api import Page

from collector.cli import main
from collector.formats import keys as key_format
from collector.formats.keyfile import HRKey
from collector.model.loading import Catalog
from spec.testkit import testkit as tk
from testing import testkit_run as run

VECTORS = tk.vectors()
SUCCESS = [v for v in VECTORS if v.expect == "success"]
FAILURES = [v for v in VECTORS if v.expect != "success"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, HRKey]:
    return run.load_keys(tmp_path_factory.mktemp("testkit-key"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return run.catalog()


# --------------------------------------------------------------------------- the vectors


def _marked(vector: tk.Vector) -> Any:
    reason = tk.KNOWN_BUGS.get(vector.name)
    if reason is None:
        return vector
    return pytest.param(vector, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("vector", [_marked(v) for v in VECTORS], ids=[v.name for v in VECTORS])
def test_vector(
    vector: tk.Vector, tmp_path: Path, keys: dict[str, HRKey], catalog: Catalog
) -> None:
    outcome = run.run_vector(vector, tmp_path, keys=keys, catalog=catalog)
    assert (outcome.kind, vector.expect) == (vector.expect, vector.expect), outcome.message
    if outcome.kind == "success":
        assert outcome.opened is not None
        assert hashlib.sha256(outcome.plaintext(keys)).hexdigest() == vector.payload
        assert outcome.opened.receipt == vector.receipt
    else:
        # One sentence for a person, and never a word of what was answered.
        assert outcome.message and "\n" not in outcome.message
        assert tk.CANARY_MARK not in outcome.message


def test_the_kit_is_complete() -> None:
    assert len(VECTORS) >= 60
    assert {v.expect for v in VECTORS} == set(tk.CLASSES)
    assert {v.file for v in VECTORS} == set(tk.FILE_KINDS)
    for prefix in ("success_", "envelope_", "no_key_", "decrypt_", "payload_", "armor_", "mail_"):
        assert sum(v.name.startswith(prefix) for v in VECTORS) >= 5, prefix


def test_every_vector_is_small_and_reads_back_as_written() -> None:
    for path in tk.vector_paths():
        data = path.read_bytes()
        # Bodies over 64 KiB are stored compressed (README.md); a header is a few lines.
        assert len(data) <= 65536 + 1024, f"{path.name} is not small; compress its body"
        assert tk.vector_bytes(tk.parse_vector(path.name, data)) == data, path.name


def test_the_canary_is_only_ever_sealed() -> None:
    # So that finding it anywhere after an import means the collector wrote plaintext.
    for vector in VECTORS:
        assert tk.CANARY_MARK.encode() not in vector.body, vector.name


def test_the_generator_writes_exactly_the_committed_vectors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spec.testkit.generate", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"expect: success\ncomment: x\nfile: json\n", "no empty line"),
        (b"expect: maybe\ncomment: x\nfile: json\n\n{}", "unknown class"),
        (b"expect: no key\ncomment: x\nfile: pdf\n\n{}", "unknown file kind"),
        (b"expect: no key\nfile: json\n\n{}", "missing header 'comment'"),
        (b"expect: no key\nexpect: no key\ncomment: x\nfile: json\n\n", "bad header line"),
        (b"expect: success\ncomment: x\nfile: json\n\n{}", "payload and receipt"),
        (b"expect: no key\ncomment: x\nfile: json\ncompressed: zlib\n\nnot zlib", "damaged"),
    ],
)
def test_vector_reader_refuses_a_broken_vector(data: bytes, problem: str) -> None:
    with pytest.raises(tk.VectorFormatError, match=problem):
        tk.parse_vector("broken", data)


def test_vector_body_may_hold_any_bytes() -> None:
    body = b"\n\nexpect: success\n\x00\xff"
    vector = tk.Vector("x", "no key", "any bytes", "json", body)
    assert tk.parse_vector("x", tk.vector_bytes(vector)).body == body


# --------------------------------------------------------------------------- the page side

HARNESS = ROOT / "tests" / "pages" / "harness.html"
LOADED = "() => !!(window.Sluttsamtale && Sluttsamtale.hpke && Sluttsamtale.payload)"
PAGE_SEAL = """async ({payload, key}) => {
  const sealed = await Sluttsamtale.payload.seal(payload, key);
  return {file: Sluttsamtale.bytes.base64(sealed.fileBytes), armored: sealed.armored,
          receipt: sealed.receipt};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    "name", ["success_canonical", "success_declined", "success_text_at_limits"]
)
def test_page_seals_what_the_testkit_opens(
    page: Page, name: str, tmp_path: Path, keys: dict[str, HRKey], catalog: Catalog
) -> None:
    """The page's sealing of a testkit payload classifies as success, as file and as armor."""
    (vector,) = [v for v in SUCCESS if v.name == name]
    plaintext = run.run_vector(vector, tmp_path, keys=keys, catalog=catalog).plaintext(keys)
    (key,) = keys.values()
    raw = key_format.load_public_pem(tk.KEY_FILE.with_name("hr-public.pem")).raw
    page.goto(HARNESS.as_uri())
    page.wait_for_function(LOADED)
    got = page.evaluate(
        PAGE_SEAL,
        {
            "payload": json.loads(plaintext),
            "key": {"key_id": key.key_id, "public_key": base64.b64encode(raw).decode()},
        },
    )
    file_bytes = base64.b64decode(got["file"], validate=True)
    as_file = run.run_bytes(file_bytes, ".json", tmp_path, keys=keys, catalog=catalog)
    as_armor = run.run_bytes(got["armored"].encode(), ".txt", tmp_path, keys=keys, catalog=catalog)
    for outcome in (as_file, as_armor):
        assert outcome.kind == "success", outcome.message
        # JSON.stringify of the payload gives back the very bytes the testkit sealed.
        assert outcome.plaintext(keys) == plaintext
        assert outcome.opened is not None and outcome.opened.receipt == got["receipt"]


# --------------------------------------------------------------------------- no plaintext leaks


def _scan(data: bytes) -> bool:
    """Whether the canary's mark is in `data`, in the encodings SQLite and Python write."""
    mark = tk.CANARY_MARK
    return any(mark.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def test_canary_never_leaves_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every vector imported by the real CLI: the canary is in no output, nowhere in the
    database or its WAL, and in no temporary file left behind."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for vector in VECTORS:
        (inbox / f"{vector.name}{vector.suffix}").write_bytes(vector.body)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    key = run.load_key(tmp_path)  # a 0600 copy of the testkit key in tmp_path
    db = tmp_path / "responses.db"
    monkeypatch.setenv("SLUTTSAMTALE_PASSPHRASE", tk.PASSPHRASE)
    common = ["--db", str(db), "--key", str(key.path), "--questionnaires", str(tk.QUESTIONNAIRES)]
    runner = CliRunner()

    first = runner.invoke(main, ["import", *common, str(inbox)])
    again = runner.invoke(main, ["import", *common, "--json", str(inbox)])
    listed = runner.invoke(main, ["list", *common[:4]])
    for result in (first, again, listed):
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert not _scan(result.stdout_bytes) and not _scan(result.stderr_bytes or b"")

    assert first.exit_code == 1  # some files are rejected, as they must be
    assert f"rejected ({len(VECTORS)} files)" in first.stdout
    # This store holds no invitation, so the parts bound to the kit's link are "no key".
    bound = [v for v in SUCCESS if tk.LINK_ID.encode() in v.body]
    assert bound
    assert f", {len(FAILURES) + len(bound)} rejected" in first.stdout
    summary = json.loads(again.stdout)["summary"]
    assert summary == {
        "imported": 0,
        "duplicate": len(SUCCESS) - len(bound),
        "rejected": len(FAILURES) + len(bound),
        "empty": 0,
        "forwarded": 0,
        "files": len(VECTORS),
    }
    assert listed.exit_code == 0 and listed.stdout.strip()

    stored = [p for p in tmp_path.iterdir() if p.name.startswith(db.name)]
    assert db in stored
    for path in stored:
        assert not _scan(path.read_bytes()), path.name
    for path in tmp.rglob("*"):
        if path.is_file():
            assert not _scan(path.read_bytes()), path
