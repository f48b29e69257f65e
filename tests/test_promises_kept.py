"""Issue 9, the collector's side of the promises to the employee: "only anonymous statistics"
is anonymous, one current answer per invitation, erasure and correction on request, files
that go with their records, unconfirmed answers from no invitation count nowhere, and a
copied database names nobody. Every test runs the real CLI on a real store."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from workflow_support import (
    answers_nb,
    db_bytes,
    import_files,
    invite,
    run,
    seal,
    status_json,
)

from collector.formats import at_rest, keyfile
from collector.model.records import ResponseRecord
from collector.store import Store
from testing.fixtures import PASSPHRASE, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]

NAME = "Canary Kari-Z9"
EMAIL = "kari.z9@example.org"
DEPARTMENT = "Canary-avdeling-Z9"
TYPED = "Typed Name-Q4"
TEXT = "FREE-TEXT-CANARY-Q4: the suggestion the employee wrote"
LATER = {"SLUTTSAMTALE_NOW": "2027-06-01T08:00:00Z"}


def record_of(flow: Flow, response_id: str) -> ResponseRecord:
    """What the store keeps for one response, opened with HR's key as the collector does."""
    key = keyfile.load(flow.key, PASSPHRASE)
    with Store.open(flow.db) as store:
        row = store.response(response_id)
        assert row is not None
        return at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, {key.key_id: key})


def every_store_file(flow: Flow) -> bytes:
    return db_bytes(flow.db) + b"".join(
        p.read_bytes() for p in flow.db.parent.glob(f"{flow.db.name}-*") if p.is_file()
    )


# --------------------------------------------------------------------------- 9.1


def test_statistics_only_keeps_no_name_no_free_text_and_no_link(flow: Flow) -> None:
    kari = invite(NAME, "2026-04-30", email=EMAIL, department=DEPARTMENT)
    data, payload = seal(
        flow,
        "kommune-nb",
        answers_nb(name=TYPED, department="Barnehage Øst", improvements=TEXT),
        readers="statistics",
        link=kari.secret,
    )
    result = import_files(flow, data)
    assert "anonymous" in result.output and TYPED not in result.output
    rid = payload.response_id

    # Kept: what counts need, and the department for groups; no name, no text, no link.
    record = record_of(flow, rid)
    assert record.reduced and record.invitation is None and record.facts is None
    assert "name" not in record.payload.answers and "improvements" not in record.payload.answers
    assert record.payload.answers.get("department") == "Barnehage Øst"

    # Counted, never listed or shown one by one.
    listed = run("list")
    assert rid[:8] not in listed.output and TYPED not in listed.output
    assert "1 response for anonymous statistics only" in listed.output
    shown = run("show", rid[:8])
    assert shown.exit_code == 1 and "anonymous statistics only" in shown.output

    # The invitation just becomes "answered": nothing HR can read points to the answer.
    [row] = status_json()["invitations"]
    assert (row["name"], row["status"]) == (NAME, "answered")
    assert rid not in json.dumps(status_json()) and rid[:8] not in run("status", kari.code).output

    # Its free text is in no report or export, even with a group of one allowed.
    for command in (["report", "--out", "r.html"], ["export", "--out", "e.csv"]):
        assert run(*command, "--min-group", "2").exit_code in (0, 1)
    for name in ("r.html", "e.csv"):
        path = flow.root / name
        assert not path.exists() or TEXT not in path.read_text(encoding="utf-8")
    assert TYPED.encode() not in every_store_file(flow)


# --------------------------------------------------------------------------- 9.6


def test_a_newer_answer_or_decline_supersedes_the_older(flow: Flow) -> None:
    kari = invite(NAME, "2026-04-30")
    first, p1 = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None),
        readers="hr_and_interviewer",
        link=kari.secret,
        sealed_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    second, p2 = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None),
        link=kari.secret,
        sealed_at=datetime(2026, 5, 2, tzinfo=UTC),
    )
    decline, p3 = seal(
        flow,
        "kommune-nb",
        {},
        declined=True,
        link=kari.secret,
        sealed_at=datetime(2026, 5, 3, tzinfo=UTC),
    )
    out = import_files(flow, first, second, decline).output
    assert out.count("(replaces 1 earlier)") == 2
    listed = run("list").output
    assert p3.response_id[:8] in listed and "declined, replaces 2 earlier" in listed
    assert p1.response_id[:8] not in listed and p2.response_id[:8] not in listed
    assert p1.response_id[:8] in run("list", "--earlier").output
    # No copy for the interviewer from the older answer that allowed one.
    copy = run("show", p1.response_id[:8], "--format", "html", "--for-interviewer")
    assert copy.exit_code == 1 and "replaced by a newer answer" in copy.output
    # An older file arriving last does not take over.
    kari2 = invite("Per Hansen", "2026-04-30")
    new, pn = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None),
        link=kari2.secret,
        sealed_at=datetime(2026, 5, 3, tzinfo=UTC),
    )
    old, po = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None),
        link=kari2.secret,
        sealed_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    import_files(flow, new)
    import_files(flow, old)  # received after the newer one, so listed after it too
    listed = run("list").output
    assert pn.response_id[:8] in listed and po.response_id[:8] not in listed
    [line] = [x for x in listed.splitlines() if x.startswith(pn.response_id[:8])]
    assert line.endswith("replaces 1 earlier"), line
    entries = json.loads(run("list", "--json").stdout)["responses"]
    [report] = [e for e in entries if e["id"] == pn.response_id]
    assert report["earlier"] == 1
    earlier = json.loads(run("list", "--json", "--earlier").stdout)["responses"]
    ids = [e["id"] for e in earlier]
    assert ids.index(pn.response_id) < ids.index(po.response_id)


# --------------------------------------------------------------------------- 9.7


def test_erase_removes_a_response_beyond_recovery(flow: Flow) -> None:
    kari = invite(NAME, "2026-04-30", email=EMAIL)
    data, payload = seal(
        flow, "kommune-nb", answers_nb(name=None, special_report=TEXT), link=kari.secret
    )
    import_files(flow, data)
    rid = payload.response_id
    with Store.open(flow.db) as store:
        row = store.response(rid)
        assert row is not None
        sealed = row.record
    dry = run("erase", rid[:8], "--dry-run")
    assert dry.exit_code == 0 and "nothing was changed" in dry.output
    assert sealed[:40] in every_store_file(flow)
    # An open follow-up is a legal hold: erase says so, and --force overrides it.
    held = run("erase", rid[:8])
    assert held.exit_code == 1 and "--force" in held.output
    done = run("erase", rid[:8], "--force")
    assert done.exit_code == 0, done.output
    assert sealed[:40] not in every_store_file(flow) and sealed[100:140] not in every_store_file(
        flow
    )
    assert status_json()["followups"] == []
    # The same file again is refused, not taken back in.
    again = import_files(flow, data, expect=1)
    assert "was erased on" in again.output


def test_erase_by_invitation_and_a_correction_note(flow: Flow) -> None:
    kari = invite(NAME, "2026-04-30", email=EMAIL)
    data, payload = seal(flow, "kommune-nb", answers_nb(name=None), link=kari.secret)
    import_files(flow, data)
    noted = run("correct", payload.response_id[:8], "--note", "Sluttdatoen var 31. mai")
    assert noted.exit_code == 0, noted.output
    assert "Sluttdatoen var 31. mai" in run("show", payload.response_id[:8]).output
    assert b"Sluttdatoen" not in every_store_file(flow)  # sealed with the record
    done = run("erase", "--invitation", kari.code)
    assert done.exit_code == 0, done.output
    assert status_json()["invitations"] == []
    assert run("list").output.startswith("No responses are stored.")


def test_files_with_personal_data_go_with_their_records(flow: Flow, tmp_path: Path) -> None:
    kari = invite(NAME, "2026-04-30")
    data, payload = seal(flow, "kommune-nb", answers_nb(name=None), link=kari.secret)
    import_files(flow, data)
    # By default into exports/ beside the store; elsewhere with --out, and recorded.
    report = run("report", "--min-group", "2")
    assert report.exit_code in (0, 1)
    elsewhere = tmp_path / "elsewhere" / "samtale.html"
    elsewhere.parent.mkdir()
    shown = run("show", payload.response_id[:8], "--format", "html", "--out", str(elsewhere))
    assert shown.exit_code == 0, shown.output
    exports = flow.db.parent / "exports"
    written = sorted(p.name for p in exports.iterdir()) if exports.exists() else []
    # A year and a month on: every command names the file in its warning; purge deletes it.
    warned = run("list", env=LATER)
    assert str(elsewhere) in warned.stderr
    purged = run("purge", env=LATER)
    assert purged.exit_code == 0, purged.output
    assert str(elsewhere) in purged.output and not elsewhere.exists()
    for name in written:
        assert not (exports / name).exists(), name
    assert os.listdir(exports) == [] if exports.exists() else True


# --------------------------------------------------------------------------- 14.3


def test_answers_from_no_invitation_count_only_when_confirmed(flow: Flow) -> None:
    files = [seal(flow, "kommune-nb", answers_nb(reason="pay"))[0] for _ in range(5)]
    import_files(flow, *files)
    made = run("export", "--out", "e.csv", "--min-group", "2")
    assert made.exit_code == 1 and "only 0 responses" in made.output
    receipt = run("list", "--json")
    for entry in json.loads(receipt.stdout)["responses"]:
        assert run("confirm", entry["receipt"]).exit_code == 0
    made = run("export", "--out", "e.csv", "--min-group", "2")
    assert made.exit_code == 0 and "5 rows" in made.output


# --------------------------------------------------------------------------- 9.8


def test_a_copied_database_names_nobody(flow: Flow) -> None:
    """A full routine, then the store's files searched for every name, e-mail and answer."""
    kari = invite(NAME, "2026-04-30", email=EMAIL, department=DEPARTMENT, position="Canary-Q7")
    per = invite("Per Canary-Y2", "2026-05-30", email="per.y2@example.org")
    data, payload = seal(
        flow, "kommune-nb", answers_nb(name=None, special_report=TEXT), link=kari.secret
    )
    plain, _ = seal(flow, "kommune-nb", answers_nb(name=TYPED, improvements=TEXT))
    import_files(flow, data, plain)
    assert run("decline", per.code, "--reason", "REASON-CANARY-Y2").exit_code == 0
    case = run("followup", payload.response_id[:8], "--assessed", "ASSESSED-CANARY-Q7")
    assert case.exit_code == 0, case.output
    stored = every_store_file(flow)
    for canary in (
        NAME,
        EMAIL,
        DEPARTMENT,
        "Canary-Q7",
        "Per Canary-Y2",
        "per.y2@example.org",
        TYPED,
        TEXT,
        "REASON-CANARY-Y2",
        "ASSESSED-CANARY-Q7",
    ):
        assert canary.encode() not in stored, canary
    # ... while HR, with the key, reads them all.
    assert (
        NAME in run("status").output
        and "ASSESSED-CANARY-Q7" in run("followup", payload.response_id[:8]).output
    )
