"""Issue 3 end to end: HR makes a key with `keygen`, the site is built with it, Chromium
fills in a set, and both the downloaded file and the copied armored text (pasted into an
e-mail) go through `sluttsamtale import`; `show --json` gives back what was typed."""

from __future__ import annotations

import email.message
import email.policy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, build_site, served
from playwright.sync_api import Page
from site_support import (
    choose_readers,
    fill_all,
    open_set,
    press,
    ui,
)

from collector.cli import main
from collector.model.loading import load_catalog

pytestmark = pytest.mark.browser

PASSPHRASE = "end to end passphrase"


@pytest.fixture(scope="module")
def hr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """HR's key made by the real `keygen`, and the site built with its public half."""
    tmp = tmp_path_factory.mktemp("e2e")
    made = CliRunner().invoke(
        main, ["keygen", "--out", str(tmp / "keys")], env={"SLUTTSAMTALE_PASSPHRASE": PASSPHRASE}
    )
    assert made.exit_code == 0, made.output
    out = tmp / "site"
    built = build_site(out, tmp / "keys" / "hr-public.pem")
    assert built.returncode == 0, built.stderr
    with served(out) as base:
        yield tmp / "keys" / "hr-key.json", base


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"SLUTTSAMTALE_PASSPHRASE": PASSPHRASE})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def mail_with_pasted_block(armored: str) -> bytes:
    """An e-mail as a mail client saves it: the block pasted into a quoted-printable body."""
    msg = email.message.EmailMessage(policy=email.policy.default)
    msg["From"] = "ansatt@example.invalid"
    msg["To"] = "hr@example.invalid"
    msg["Subject"] = "Svar til sluttsamtalen"
    msg.set_content(f"Hei,\n\nher er svarene mine.\n\n{armored}\nHilsen\n", cte="quoted-printable")
    return msg.as_bytes()


def test_answers_typed_in_chromium_come_back_from_show(
    page: Page, hr: tuple[Path, str], tmp_path: Path
) -> None:
    key_file, base = hr
    qset = load_catalog(ROOT / "questionnaires").get("kommune-nb", 1)
    assert qset is not None
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    open_set(page, base, qset)
    filled = fill_all(page, qset)
    choose_readers(page, qset, "hr")
    press(page, ui(qset)["finish"])

    with page.expect_download() as info:
        page.locator("[data-sl-result]").get_by_role("link", name=ui(qset)["download"]).click()
    downloaded = tmp_path / info.value.suggested_filename
    info.value.save_as(downloaded)
    page.locator("[data-sl-result]").get_by_role("button", name=ui(qset)["copy"]).click()
    armored = page.evaluate("navigator.clipboard.readText()")
    eml = tmp_path / "svar.eml"
    eml.write_bytes(mail_with_pasted_block(armored))

    for source, db in ((downloaded, tmp_path / "file.db"), (eml, tmp_path / "mail.db")):
        code, out = cli("import", "--db", str(db), "--key", str(key_file), str(source))
        assert code == 0, out
        assert out.removeprefix(f"Created a new store: {db.resolve()}\n").startswith("imported")
        code, out = cli("list", "--json", "--db", str(db), "--key", str(key_file))
        assert code == 0, out
        [entry] = json.loads(out)["responses"]
        code, out = cli("show", entry["id"], "--json", "--db", str(db), "--key", str(key_file))
        assert code == 0, out
        shown = json.loads(out)
        assert shown["answers"] == filled.answers
        assert shown["other"] == filled.other
        assert shown["readers"] == "hr"

    # The pasted text is the same response as the file: importing both is one response.
    code, out = cli("import", "--db", str(tmp_path / "file.db"), "--key", str(key_file), str(eml))
    assert code == 0 and out.startswith("duplicate"), out
    for db in ("file.db", "file.db-wal"):
        stored = (tmp_path / db).read_bytes() if (tmp_path / db).exists() else b""
        for value in filled.answers.values():
            if isinstance(value, str) and len(value) > 8:
                assert value.encode() not in stored
