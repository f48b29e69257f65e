"""Helpers for HR's workflow tests (invite, status, followup, purge, report, show html):
the project's real question sets, a real HR key, real sealed response files, and a clock
fixed by SLUTTSAMTALE_NOW. Everything lives in the test's tmp_path."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from collector.cli import main
from collector.formats import links
from collector.model.payload import Payload
from testing import pagesim
from testing.fixtures import Flow


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
    link: bytes | None = None,
    **kw: Any,
) -> tuple[bytes, Payload]:
    """A response file as the page makes it, sealed (by default) three days before NOW,
    bound to the invitation link whose secret is `link` (else "not invited")."""
    when = sealed_at or datetime(2026, 5, 1, 10, tzinfo=UTC)
    payload = pagesim.build_payload(flow.qset(set_id), answers, sealed_at=when, **kw)
    return pagesim.seal_payload(payload, flow.public_raw, link), payload


def import_files(
    flow: Flow,
    *files: bytes,
    expect: int = 0,
    env: dict[str, str] | None = None,
    confirm: bool = False,
) -> Result:
    """Import the files with the real CLI (with --confirm: HR vouches for those that came
    without an invitation link, so they count in reports)."""
    inbox = flow.root / "inbox"
    inbox.mkdir(exist_ok=True)
    start = len(list(inbox.iterdir()))
    paths = []
    for i, data in enumerate(files, start=start):
        path = inbox / f"{i:03}.json"
        path.write_bytes(data)
        paths.append(str(path))
    result = run("import", *(["--confirm"] if confirm else []), *paths, env=env)
    assert result.exit_code == expect, result.output
    return result


def status_json(env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run("status", "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Invited:
    code: str
    """HR's code for the invitation (status, decline)."""
    secret: bytes
    """The link secret S from the link's #k= (what the page binds the answers with)."""
    link: str


def invite(name: str, last_day: str, set_id: str = "kommune-nb", **options: str) -> Invited:
    """Invite one person with the real CLI; its code and the secret its link carries."""
    args = ["invite", "--json", "--set", set_id, "--name", name, "--last-day", last_day]
    for option, value in options.items():
        args += [f"--{option.replace('_', '-')}", value]
    result = run(*args)
    assert result.exit_code == 0, result.output
    [made] = json.loads(result.stdout)
    link = str(made["link"])
    secret = links.read_secret(link.split("#k=", 1)[1])
    assert secret is not None, link
    return Invited(str(made["code"]), secret, link)


def invite_one(name: str, last_day: str, set_id: str = "kommune-nb", **options: str) -> str:
    """Invite one person; returns the invitation's code."""
    return invite(name, last_day, set_id, **options).code


def db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())
