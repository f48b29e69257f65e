"""Retention: every command warns about records past their delete-by date, and `purge`
deletes them so that neither the database file nor its log holds a trace of them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from workflow_support import (
    answers_nb,
    db_bytes,
    import_files,
    invite,
    invite_one,
    run,
    seal,
    status_json,
)

from collector.store import Store
from testing.fixtures import CANARY, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]


LEAVER = "Canary Leaver-Q7"
FIRST = {"SLUTTSAMTALE_NOW": "2026-05-01T10:00:00Z"}
"""The day the first response is received: delete by 2027-05-01 (12 months after)."""
LATER = {"SLUTTSAMTALE_NOW": "2027-05-02T08:00:00Z"}
"""A year on: the first response is past its delete-by date, the second (received
2026-05-04, the flow's clock) is not."""
WARNING = (
    "Warning: 3 records have reached the delete-by date (1 response, 1 invitation, "
    "1 follow-up); delete them with `sluttsamtale purge`\n"
)
HELD = (
    "1 response past its delete-by date is kept: its follow-up of special information is still open"
)


@pytest.fixture
def store(flow: Flow) -> dict[str, object]:
    """An answered invitation with special information, received 2026-05-01 (delete by
    2027-05-01, its follow-up open), and a response received 2026-05-04."""
    leaver = invite(LEAVER, "2026-04-30", department="Canary-avdeling", email="q7@example.org")
    old, p_old = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None, special_report=CANARY),
        link=leaver.secret,
        sealed_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
    )
    ola = invite("Ola Nordmann", "2026-06-30")
    new, p_new = seal(flow, "kommune-nb", answers_nb(name=None), link=ola.secret)
    import_files(flow, old, env=FIRST)
    import_files(flow, new)
    with Store.open(flow.db) as opened:
        row = opened.response(p_old.response_id)
        assert row is not None
        sealed = row.record
    return {"old": p_old, "new": p_new, "sealed": sealed, "code": leaver.code}


def traces(flow: Flow, sealed: bytes) -> list[str]:
    """Which traces of the old response the store's files still hold."""
    found = []
    files = db_bytes(flow.db) + b"".join(
        p.read_bytes() for p in [Path(f"{flow.db}-shm")] if p.exists()
    )
    probes = {
        "name": LEAVER.encode(),
        "department": b"Canary-avdeling",
        "e-mail": b"q7@example.org",
        "answer": CANARY.encode(),
        # SQLite may split a long blob across pages, so pieces of it are searched for.
        "sealed record (start)": sealed[:40],
        "sealed record (part)": sealed[100:140],
        "sealed base64": base64.b64encode(sealed[:60]),
        "sealed hex": sealed[:40].hex().encode(),
    }
    for what, needle in probes.items():
        if needle in files:
            found.append(what)
    return found


def close_case(store: dict[str, object], env: dict[str, str] | None = None) -> None:
    rid = store["old"].response_id[:8]  # type: ignore[attr-defined]
    result = run(
        "followup", rid, "--acknowledged", "2026-05-02", "--feedback", "2026-05-04", env=env
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["status"],
        ["show", "NEW"],
        ["followup", "OLD"],
        [
            "invite",
            "--set",
            "kommune-nb",
            "--name",
            "Per",
            "--last-day",
            "2027-06-30",
            "--email",
            "per@example.org",
        ],
        ["decline", "Per"],
        ["report", "--out", "r.html"],
        ["export", "--out", "r.csv", "--min-group", "2"],
        ["import", "inbox"],
    ],
)
def test_every_command_warns_when_records_are_past_delete_by(
    flow: Flow, store: dict[str, object], command: list[str]
) -> None:
    close_case(store)  # else the first response is held, and only its invitation is due
    if command[0] == "decline":
        invite_one("Per", "2027-06-30")
    ids = {"NEW": store["new"].response_id[:8], "OLD": store["old"].response_id[:8]}  # type: ignore[attr-defined]
    args = [ids.get(a, a) for a in command]
    before = run(*args)
    assert before.exit_code == 0, before.output
    assert "Warning" not in before.stderr
    result = run(*args, env=LATER)
    assert result.exit_code == 0, result.output
    if command[0] in ("report", "export"):
        # The file the first run wrote holds the old response: it is due with it, by name.
        written = (flow.root / command[2]).resolve()
        assert (
            result.stderr
            == WARNING.replace("3 records", "4 records").replace(
                "1 follow-up)", "1 follow-up, 1 file)"
            )
            + f"Files past their delete-by date: {written}\n"
        )
    else:
        assert result.stderr == WARNING
    assert CANARY not in result.output


def test_purge_dry_run_changes_nothing(flow: Flow, store: dict[str, object]) -> None:
    close_case(store)
    listed = run("list", env=LATER).stdout
    result = run("purge", "--dry-run", env=LATER)
    assert (result.exit_code, result.output) == (
        0,
        "Would delete 1 response, 1 invitation, 1 follow-up; nothing was changed (--dry-run)\n",
    )
    assert run("list", env=LATER).stdout == listed
    assert len(status_json(env=LATER)["invitations"]) == 2
    assert "sealed record (part)" in traces(flow, store["sealed"])  # type: ignore[arg-type]


def test_purge_keeps_a_response_whose_follow_up_is_open(
    flow: Flow, store: dict[str, object]
) -> None:
    # A legal hold: the employer must still follow the report up (Sweden: feedback within 3
    # months), so the response stays past its date, and purge says so by count.
    result = run("purge", env=LATER)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Deleted 1 invitation past the delete-by date; the database file was rewritten\n{HELD}\n"
    )
    assert "sealed record (part)" in traces(flow, store["sealed"])  # type: ignore[arg-type]
    rid = store["old"].response_id[:8]  # type: ignore[attr-defined]
    assert run("followup", rid, env=LATER).exit_code == 0
    # Closed, it goes at the next purge.
    close_case(store)
    assert run("purge", env=LATER).output.startswith("Deleted 1 response, 1 follow-up past")
    assert traces(flow, store["sealed"]) == []  # type: ignore[arg-type]


def test_purge_leaves_no_trace_of_what_it_deleted(flow: Flow, store: dict[str, object]) -> None:
    sealed = store["sealed"]
    assert isinstance(sealed, bytes)
    close_case(store)
    # Before: the probe finds the sealed record; names and answers are sealed at rest, always.
    assert traces(flow, sealed) == ["sealed record (start)", "sealed record (part)"]

    result = run("purge", env=LATER)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Deleted 1 response, 1 invitation, 1 follow-up past the delete-by date; "
        "the database file was rewritten\n"
    )
    assert result.stderr == ""  # purge does not warn about what it is deleting
    assert traces(flow, sealed) == []
    wal = Path(f"{flow.db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0

    # What was not due stays, still readable; nothing warns any more.
    listed = run("list", "--json", env=LATER)
    assert listed.stderr == ""
    [entry] = json.loads(listed.stdout)["responses"]
    assert entry["id"] == store["new"].response_id  # type: ignore[attr-defined]
    after = status_json(env=LATER)
    assert [r["name"] for r in after["invitations"]] == ["Ola Nordmann"]
    assert (after["today"], after["followups"]) == ("2027-05-02", [])
    again = run("purge", env=LATER)
    assert again.output == "Nothing has reached its delete-by date; nothing was deleted\n"


def test_purge_deletes_an_unanswered_invitation_after_its_own_date(flow: Flow) -> None:
    invite_one(LEAVER, "2026-04-15", department="Canary-avdeling")  # delete by 2027-04-15
    invite_one("Still Here", "2026-06-30")
    assert run("status", env=LATER).stderr == (
        "Warning: 1 record has reached the delete-by date (1 invitation); delete them with "
        "`sluttsamtale purge`\n"
    )
    assert run("purge", env=LATER).output.startswith("Deleted 1 invitation past")
    assert [r["name"] for r in status_json(env=LATER)["invitations"]] == ["Still Here"]
    assert LEAVER.encode() not in db_bytes(flow.db)


def test_purge_without_a_database(flow: Flow) -> None:
    flow.db.unlink()  # HR's folder without its store: purge makes no new one
    result = run("purge")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {flow.db.resolve()}: no store here (named by SLUTTSAMTALE_DB); "
        "only import and init create one\n",
    )


def test_a_bad_clock_is_one_clear_line(flow: Flow, store: dict[str, object]) -> None:
    result = run("status", env={"SLUTTSAMTALE_NOW": "next tuesday"})
    assert (result.exit_code, result.output) == (
        1,
        "Error: SLUTTSAMTALE_NOW: 'next tuesday' is not an ISO date-time such as "
        "2026-07-01T09:00:00Z\n",
    )
