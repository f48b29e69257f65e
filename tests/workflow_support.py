"""Helpers for HR's workflow tests (invite, status, followup, purge, report, show html):
the project's real question sets, a real HR key, real sealed response files, and a clock
fixed by SLUTTSAMTALE_NOW. Everything lives in the test's tmp_path."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from collector.cli import main
from collector.formats import keys
from collector.model.loading import load_catalog
from collector.model.payload import Payload
from collector.model.questionset import QuestionSet
from testing import pagesim
from testing.fixtures import PASSPHRASE, install_key

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-05-04T09:00:00Z"
BASE_URL = "https://hr.example.org/sluttsamtale"
CANARY = "CANARY-7d1e-an-answer-that-must-not-outlive-its-delete-by-date"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


@dataclass(frozen=True)
class Flow:
    root: Path
    db: Path
    key: Path
    questionnaires: Path
    public_raw: bytes

    def qset(self, set_id: str) -> QuestionSet:
        qset = next(q for q in load_catalog(self.questionnaires).latest() if q.id == set_id)
        return qset

    def employer_rules(self, yaml_text: str) -> None:
        """Set top-level sections (e.g. `followup:`) of the copied employer.yml, written as
        YAML text so that YAML's own reading (an unquoted `no`) is part of the test."""
        path = self.questionnaires / "employer.yml"
        employer = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in yaml.safe_load(yaml_text):
            employer.pop(key, None)
        text = yaml.safe_dump(employer, allow_unicode=True, sort_keys=False) + yaml_text
        path.write_text(text, encoding="utf-8")


def isolate_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    """The real question sets (copied, so a test may edit employer.yml), a key, a fixed clock."""
    key, pem, _ = install_key(tmp_path / "keys")
    sets = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", sets)
    db = tmp_path / "sluttsamtale.db"
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "SLUTTSAMTALE_DB": db,
        "SLUTTSAMTALE_KEY": key,
        "SLUTTSAMTALE_QUESTIONNAIRES": sets,
        "SLUTTSAMTALE_PASSPHRASE": PASSPHRASE,
        "SLUTTSAMTALE_BASE_URL": BASE_URL,
        "SLUTTSAMTALE_NOW": NOW,
    }.items():
        monkeypatch.setenv(name, str(value))
    return Flow(tmp_path, db, key, sets, keys.load_public_pem(pem).raw)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def answers_nb(**changes: Any) -> dict[str, Any]:
    """A full kommune-nb answer; `changes` replace or (with None) remove answers."""
    answers: dict[str, Any] = {
        "name": "Kari Nordmann",
        "position": "Barnehagelærer",
        "department": "Barnehage Øst",
        "last_day": "2026-04-30",
        "talk_holder": "hr",
        "union_rep": True,
        "reason": "new_job",
        "reason_details": "Fikk et tilbud jeg ikke kunne si nei til.",
        "workload": "Høy i perioder.",
        "would_return": "maybe",
        "improvements": "Bedre opplæring for nyansatte.",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def answers_sv(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "name": "Sven Svensson",
        "department": "Äldreomsorg",
        "talk_holder": "nearest_leader",
        "union_rep": False,
        "reason": "new_job",
        "would_return": "yes",
        "improvements": "Tydligare introduktion.",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def seal(
    flow: Flow,
    set_id: str,
    answers: dict[str, Any],
    *,
    sealed_at: datetime | None = None,
    **kw: Any,
) -> tuple[bytes, Payload]:
    """A response file as the page makes it, sealed (by default) three days before NOW."""
    when = sealed_at or datetime(2026, 5, 1, 10, tzinfo=UTC)
    payload = pagesim.build_payload(flow.qset(set_id), answers, sealed_at=when, **kw)
    return pagesim.seal_payload(payload, flow.public_raw), payload


def import_files(
    flow: Flow, *files: bytes, expect: int = 0, env: dict[str, str] | None = None
) -> Result:
    inbox = flow.root / "inbox"
    inbox.mkdir(exist_ok=True)
    start = len(list(inbox.iterdir()))
    paths = []
    for i, data in enumerate(files, start=start):
        path = inbox / f"{i:03}.json"
        path.write_bytes(data)
        paths.append(str(path))
    result = run("import", *paths, env=env)
    assert result.exit_code == expect, result.output
    return result


def status_json(env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run("status", "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def invite_one(name: str, last_day: str, set_id: str = "kommune-nb", **options: str) -> str:
    """Invite one person; returns the invitation token."""
    args = ["invite", "--json", "--set", set_id, "--name", name, "--last-day", last_day]
    for option, value in options.items():
        args += [f"--{option.replace('_', '-')}", value]
    result = run(*args)
    assert result.exit_code == 0, result.output
    [made] = json.loads(result.stdout)
    return str(made["code"])


def db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())
