"""What tests are made of, in one place: a small question set and its employer, HR's test
key, the canary, good answers, and real sealed response files; and `isolate`, which points
every path and variable the CLI reads at a test's own folder."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from collector.formats import envelope, hpke, keyfile, keys
from collector.formats import payload as payload_format
from collector.model.loading import load_catalog
from collector.model.payload import Payload
from collector.model.questionset import QuestionSet
from collector.store import Store
from testing import pagesim

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"
CANARY = "CANARY-a41f9c-the-answer-text-that-must-stay-sealed"

SET_YAML = """\
id: exit-test
version: 1
language: nb
title: Test-sluttsamtale
introduction: Et lite sett for testene.
sections:
  - id: about
    title: Om deg
    questions:
      - id: name
        type: short_text
        label: Navn
        prefill: name
      - id: department
        type: short_text
        label: Avdeling
        prefill: department
  - id: work
    title: Arbeidet
    questions:
      - id: reason
        type: single_choice
        label: Hvorfor slutter du?
        required: true
        options:
          - {value: new_job, label: Ny jobb}
          - {value: moving, label: Flytter}
        other: true
        other_label: Annet, nemlig
      - id: liked
        type: multiple_choice
        label: Hva likte du?
        options:
          - {value: colleagues, label: Kollegene}
          - {value: tasks, label: Oppgavene}
      - id: satisfaction
        type: scale
        label: Hvor fornøyd var du alt i alt?
        scale: {min: 1, max: 5, min_label: Lite fornøyd, max_label: Svært fornøyd}
      - id: concern
        type: yes_no
        label: Har du opplevd noe kritikkverdig?
        special: true
      - id: concern_text
        type: long_text
        label: Beskriv det du opplevde
        special: true
        show_if: {question: concern, equals: ["yes"]}
      - id: comments
        type: long_text
        label: Andre kommentarer
      - id: last_day
        type: date
        label: Siste arbeidsdag
        prefill: last_day
"""

_NOTICE = {
    "controller": "Testkommunen",
    "contact": "personvern@example.org",
    "purpose": "Lære av dem som slutter.",
    "legal_basis": "GDPR art. 6 nr. 1 bokstav f.",
    "recipients": "HR.",
    "invitations": "HR fører en låst oversikt over invitasjonene.",
    "special_categories": "GDPR art. 9 nr. 2 bokstav b.",
    "retention": "Slettes senest 12 måneder etter mottak.",
    "rights": "Innsyn, retting, sletting og begrensning.",
    "automated_decisions": "Ingen automatiserte avgjørelser.",
    "complaints": "Datatilsynet.",
}
EMPLOYER = {"name": "Testkommunen", "privacy": {"nb": _NOTICE}}


@dataclass(frozen=True)
class Env:
    """The paths one test works in; every one of them is under tmp_path."""

    root: Path
    db: Path
    key: Path
    pem: Path
    key_id: str
    questionnaires: Path

    @property
    def public_raw(self) -> bytes:
        return keys.load_public_pem(self.pem).raw

    @property
    def qset(self) -> QuestionSet:
        qset = load_catalog(self.questionnaires).get("exit-test", 1)
        assert qset is not None
        return qset


@functools.cache
def _key_template() -> tuple[bytes, bytes, str]:
    """One real HR key per test session (Argon2id is slow on purpose), copied into each test."""
    with tempfile.TemporaryDirectory() as folder:
        key, pem, kid = keyfile.generate(Path(folder), PASSPHRASE)
        return key.read_bytes(), pem.read_bytes(), kid


def write_questionnaires(folder: Path, set_yaml: str = SET_YAML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "employer.yml").write_text(json.dumps(EMPLOYER, ensure_ascii=False), encoding="utf-8")
    (folder / "exit-test.yml").write_text(set_yaml, encoding="utf-8")
    return folder


def install_key(folder: Path) -> tuple[Path, Path, str]:
    key_bytes, pem_bytes, kid = _key_template()
    folder.mkdir(parents=True, exist_ok=True)
    key, pem = folder / "hr-key.json", folder / "hr-public.pem"
    key.write_bytes(key_bytes)
    os.chmod(key, 0o600)
    pem.write_bytes(pem_bytes)
    return key, pem, kid


GOOD_ANSWERS: dict[str, Any] = {
    "name": "Kari Nordmann",
    "department": "Barnehage Øst",
    "reason": "other",
    "liked": ["colleagues", "tasks"],
    "satisfaction": 4,
    "concern": True,
    "concern_text": "Noe skjedde i fjor.",
    "comments": CANARY,
    "last_day": "2025-06-30",
}


def make_payload(env: Env, answers: dict[str, Any] | None = None, **kw: Any) -> Payload:
    answers = dict(GOOD_ANSWERS if answers is None else answers)
    if answers.get("reason") == "other":
        kw.setdefault("other", {"reason": "Lengre reisevei"})
    return pagesim.build_payload(env.qset, answers, **kw)


def seal(
    env: Env, answers: dict[str, Any] | None = None, *, public_raw: bytes | None = None, **kw: Any
) -> tuple[bytes, Payload]:
    """A real response file, sealed as the page seals it, and the payload inside."""
    payload = make_payload(env, answers, **kw)
    return pagesim.seal_payload(payload, public_raw or env.public_raw), payload


def seal_plaintext(env: Env, plaintext: bytes, *, padded: bool = True) -> bytes:
    """A response file around any plaintext, for payloads the builder would refuse; padded
    to HR's bucket as the page pads (when one holds it), so the payload's own check runs."""
    if padded and len(plaintext) <= payload_format.HR_BUCKETS[-1]:
        plaintext = payload_format.pad(plaintext, "hr")
    sealed = hpke.seal(plaintext, env.public_raw)
    return envelope.encode(envelope.Envelope(parts=(envelope.Part(env.key_id, sealed),)))


def payload_json(payload: Payload) -> dict[str, Any]:
    return payload.model_dump(mode="json")


def db_bytes(db: Path) -> bytes:
    """The store as it lies on disk: the database and its write-ahead log, if any."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def copy_db(db: Path, to: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{db}{suffix}")
        if src.exists():
            shutil.copy(src, Path(f"{to}{suffix}"))


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """Point every path the CLI uses at tmp_path, so no test touches real data."""
    key, pem, kid = install_key(tmp_path / "keys")
    questionnaires = write_questionnaires(tmp_path / "questionnaires")
    db = tmp_path / "sluttsamtale.db"
    Store.open(db, create=True).close()  # as `sluttsamtale init` leaves it
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLUTTSAMTALE_DB", str(db))
    monkeypatch.setenv("SLUTTSAMTALE_KEY", str(key))
    monkeypatch.setenv("SLUTTSAMTALE_QUESTIONNAIRES", str(questionnaires))
    monkeypatch.setenv("SLUTTSAMTALE_PASSPHRASE", PASSPHRASE)
    return Env(tmp_path, db, key, pem, kid, questionnaires)


# --------------------------------------------------------------------------- the real sets

NOW = "2026-05-04T09:00:00Z"
BASE_URL = "https://hr.example.org/sluttsamtale"
CODE = re.compile(r"[A-Za-z0-9_-]{12}")
"""HR's code for an invitation (status, decline); never in the link."""


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

    def swedish(self, rules: str = "") -> None:
        """Make the copied employer a Swedish one: the whistleblowing act's clock, and the
        notices naming IMY, as employer.yml then requires (GDPR art. 13(2)(d))."""
        path = self.questionnaires / "employer.yml"
        employer = yaml.safe_load(path.read_text(encoding="utf-8"))
        for notice in employer["privacy"].values():
            notice["complaints"] = (
                "Integritetsskyddsmyndigheten (IMY), www.imy.se, eller Datatilsynet i Norge."
            )
        employer.pop("followup", None)
        text = yaml.safe_dump(employer, allow_unicode=True, sort_keys=False)
        path.write_text(text + f"followup:\n  jurisdiction: se\n{rules}", encoding="utf-8")


def isolate_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    """The real question sets (copied, so a test may edit employer.yml), a key, a fixed clock."""
    key, pem, _ = install_key(tmp_path / "keys")
    sets = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", sets)
    db = tmp_path / "sluttsamtale.db"
    Store.open(db, create=True).close()  # as `sluttsamtale init` leaves it
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


OWN_EMPLOYER = (
    ("Eksempel kommune (demo)", "Fjordvik kommune"),
    ("Eksempel kommune", "Fjordvik kommune"),
    ("eksempel-kommune.example", "fjordvik.kommune.no"),
    ("00 00 00 00", "12 34 56 78"),
)
"""What HR replaces of the demo employer in the configuration `init` wrote: its name (as the
name and as the notices write it), its addresses and its phone number."""


def as_own_employer(config_text: str) -> str:
    """`init`'s sluttsamtale.toml with a real employer's details instead of the demo's."""
    for demo, own in OWN_EMPLOYER:
        config_text = config_text.replace(demo, own)
    return config_text
