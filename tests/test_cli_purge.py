"""Retention: every command warns about records past their delete-by date, and `purge`
deletes them so that neither the database file nor its log holds a trace of them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from workflow_support import answers_nb, db_bytes, import_files, invite_one, run, seal, status_json

from collector.formats import envelope
from testing.fixtures import CANARY, Flow

pytestmark = pytest.mark.usefixtures("flow")


LEAVER = "Canary Leaver-Q7"
LATER = {"SLUTTSAMTALE_NOW": "2027-05-02T08:00:00Z"}
"""A year on: the first response below (sealed 2026-05-01) is past its delete-by date."""
WARNING = (
    "Warning: 3 records have reached the delete-by date (1 response, 1 invitation, "
    "1 follow-up); delete them with `sluttsamtale purge`\n"
)


@pytest.fixture
def store(flow: Flow) -> dict[str, object]:
    """An answered invitation with special information (delete by 2027-05-01), and a
    response sealed two days later (delete by 2027-05-03)."""
    token = invite_one(LEAVER, "2026-04-30", department="Canary-avdeling")
    old, p_old = seal(
        flow,
        "kommune-nb",
        answers_nb(name=LEAVER, special_report=CANARY),
        invitation=token,
        sealed_at=datetime(2026, 5, 1, 10, tzinfo=UTC),
    )
    new, p_new = seal(
        flow,
        "kommune-nb",
        answers_nb(name="Ola Nordmann"),
        sealed_at=datetime(2026, 5, 3, 10, tzinfo=UTC),
    )
    import_files(flow, old, new)
    [part] = envelope.parse(old).parts
    return {"old": p_old, "new": p_new, "sealed": part.sealed, "token": token}


def traces(flow: Flow, sealed: bytes) -> list[str]:
    """Which traces of the old response the store's files still hold."""
    found = []
    files = db_bytes(flow.db) + b"".join(
        p.read_bytes() for p in [Path(f"{flow.db}-shm")] if p.exists()
    )
    probes = {
        "name": LEAVER.encode(),
        "department": b"Canary-avdeling",
        "answer": CANARY.encode(),
        "sealed bytes": sealed,
        "sealed bytes (part)": sealed[100:140],
        "sealed base64": base64.b64encode(sealed),
        "sealed hex": sealed.hex().encode(),
    }
    for what, needle in probes.items():
        if needle in files:
            found.append(what)
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["status"],
        ["show", "NEW"],
        ["followup", "OLD"],
        ["invite", "--set", "kommune-nb", "--name", "Per", "--last-day", "2027-06-30"],
        ["decline", "Per"],
        ["report", "--out", "r.html"],
        ["export", "--out", "r.csv", "--min-group", "2"],
        ["import", "inbox"],
    ],
)
def test_every_command_warns_when_records_are_past_delete_by(
    flow: Flow, store: dict[str, object], command: list[str]
) -> None:

    if command[0] == "decline":
        invite_one("Per", "2027-06-30")
    ids = {"NEW": store["new"].response_id[:8], "OLD": store["old"].response_id[:8]}  # type: ignore[attr-defined]
    args = [ids.get(a, a) for a in command]
    before = run(*args)
    assert before.exit_code == 0, before.output
    assert "Warning" not in before.stderr
    result = run(*args, env=LATER)
    assert result.exit_code == 0, result.output
    assert result.stderr == WARNING
    assert CANARY not in result.output


def test_purge_dry_run_changes_nothing(flow: Flow, store: dict[str, object]) -> None:
    listed = run("list", env=LATER).stdout
    result = run("purge", "--dry-run", env=LATER)
    assert (result.exit_code, result.output) == (
        0,
        "Would delete 1 response, 1 invitation, 1 follow-up; nothing was changed (--dry-run)\n",
    )
    assert run("list", env=LATER).stdout == listed
    assert len(status_json(env=LATER)["invitations"]) == 1
    assert "name" in traces(flow, store["sealed"])  # type: ignore[arg-type]


def test_purge_leaves_no_trace_of_what_it_deleted(flow: Flow, store: dict[str, object]) -> None:
    sealed = store["sealed"]
    assert isinstance(sealed, bytes)
    # Before: the search finds the invitation in clear and the sealed answer (the probe works).
    assert {"name", "department", "sealed bytes"} <= set(traces(flow, sealed))
    assert "answer" not in traces(flow, sealed)  # sealed at rest, always

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
    [entry] = json.loads(listed.stdout)
    assert entry["id"] == store["new"].response_id  # type: ignore[attr-defined]
    assert status_json(env=LATER) == {"today": "2027-05-02", "invitations": [], "followups": []}
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
    result = run("purge")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {flow.db}: no database here yet; import responses first (sluttsamtale import)\n",
    )


def test_a_bad_clock_is_one_clear_line(flow: Flow, store: dict[str, object]) -> None:
    result = run("status", env={"SLUTTSAMTALE_NOW": "next tuesday"})
    assert (result.exit_code, result.output) == (
        1,
        "Error: SLUTTSAMTALE_NOW: 'next tuesday' is not an ISO date-time such as "
        "2026-07-01T09:00:00Z\n",
    )
