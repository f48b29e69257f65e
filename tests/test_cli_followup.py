"""Special information: flagged at import without quoting it, and `followup` with due dates
from the employer's rules (Sweden's act, Norway's "reasonable time"), shown by `status`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import Result
from workflow_support import (
    answers_nb,
    answers_sv,
    db_bytes,
    import_files,
    invite,
    run,
    seal,
    status_json,
)

from collector.model.payload import Payload
from testing.fixtures import CANARY, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]


SEALED = datetime(2026, 5, 1, 10, tzinfo=UTC)
RECEIVED = {"SLUTTSAMTALE_NOW": "2026-05-01T12:00:00Z"}
"""Deadlines count from the day HR received the answers, by the collector's clock."""


def receive(flow: Flow, *files: bytes, env: dict[str, str] | None = None) -> Result:
    return import_files(flow, *files, env=env or RECEIVED)


def special(flow: Flow, set_id: str = "kommune-nb", **kw: object) -> tuple[bytes, Payload]:
    make = answers_sv if set_id == "sodermalm-sv" else answers_nb
    return seal(flow, set_id, make(special_report=f"Avvik i turnus. {CANARY}"), **kw)


def case(response_id: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    result = run("followup", response_id[:8], *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_flags_special_information_without_quoting_it(flow: Flow) -> None:
    data, payload = special(flow)
    plain, _ = seal(flow, "kommune-nb", answers_nb())
    result = receive(flow, data, plain)
    lines = result.output.splitlines()
    assert lines[0].startswith("imported  ")
    assert lines[1] == (
        "  ! special information: the employer must assess it and follow it up (guideline 000, "
        f"section 3.3); acknowledge by 2026-05-15: sluttsamtale followup "
        f"{payload.response_id[:8]} --acknowledged"
    )
    assert lines[2].startswith("imported  ") and lines[3].startswith("2 imported")
    assert CANARY not in result.output and "turnus" not in result.output
    listed = run("list").output
    assert "special information" in next(
        x for x in listed.splitlines() if x.startswith(payload.response_id[:8])
    )


def test_norway_by_default_reminds_after_14_days_and_3_months(flow: Flow) -> None:
    data, payload = special(flow)
    receive(flow, data)
    shown = case(payload.response_id)
    assert (shown["reported_on"], shown["acknowledge_due"], shown["feedback_due"]) == (
        "2026-05-01",
        "2026-05-15",
        "2026-08-15",  # 3 months after the day acknowledgement was due
    )
    acknowledged = case(payload.response_id, "--acknowledged", "2026-05-03")
    assert acknowledged["acknowledged_on"] == "2026-05-03"
    assert acknowledged["feedback_due"] == "2026-08-03"
    assert acknowledged["next"] == {
        "response_id": payload.response_id,
        "next": "assess_and_feedback",
        "due": "2026-08-03",
        "overdue": False,
    }


def test_sweden_acknowledge_in_7_days_feedback_in_3_months(flow: Flow) -> None:
    flow.swedish()
    sven = invite("Sven Svensson", "2026-04-30", set_id="sodermalm-sv")
    data, payload = special(flow, "sodermalm-sv", link=sven.secret)
    result = receive(flow, data)
    assert "acknowledge by 2026-05-08" in result.output
    status = status_json()
    assert status["followups"] == [
        {
            "response_id": payload.response_id,
            "name": "Sven Svensson",
            "next": "acknowledge",
            "due": "2026-05-08",
            "overdue": False,
        }
    ]
    # Move the clock past the due day: the case is overdue, and listed first.
    later = {"SLUTTSAMTALE_NOW": "2026-05-09T08:00:00Z"}
    other, p_other = special(flow, sealed_at=datetime(2026, 5, 8, 9, tzinfo=UTC))
    receive(flow, other, env=later)
    rows = status_json(env=later)["followups"]
    assert [(r["response_id"], r["overdue"], r["due"]) for r in rows] == [
        (payload.response_id, True, "2026-05-08"),
        (p_other.response_id, False, "2026-05-16"),  # received 2026-05-09
    ]
    table = run("status", env=later).output
    assert "Follow-up of special information" in table
    overdue_line = next(x for x in table.splitlines() if x.startswith(payload.response_id[:8]))
    assert overdue_line.split()[1:] == [
        "Sven",
        "Svensson",
        "acknowledge",
        "receipt",
        "2026-05-08",
        "OVERDUE",
    ]
    # Acknowledged late; feedback due 3 calendar months after the acknowledgement.
    shown = case(payload.response_id, "--acknowledged", env=later)
    assert (shown["acknowledged_on"], shown["feedback_due"]) == ("2026-05-09", "2026-08-09")
    text = run("followup", payload.response_id[:8], env=later).output
    assert "Sweden, whistleblowing act (lag 2021:890): acknowledge within 7 days" in text
    assert "Next          assess and give feedback, due 2026-08-09" in text
    closed = case(payload.response_id, "--feedback", "2026-05-09", env=later)
    assert closed["next"] is None
    assert [r["response_id"] for r in status_json(env=later)["followups"]] == [p_other.response_id]


def test_employer_days_and_unquoted_no(flow: Flow) -> None:
    # YAML reads an unquoted `no` as false; it can only mean Norway.
    flow.employer_rules(
        "followup:\n  jurisdiction: no\n  acknowledge_days: 3\n  feedback_days: 30\n"
    )
    data, payload = special(flow)
    receive(flow, data)
    shown = case(payload.response_id, "--acknowledged", "2026-05-02")
    assert (shown["acknowledge_due"], shown["feedback_due"]) == ("2026-05-04", "2026-06-01")


def test_assessment_is_sealed_and_shown_to_hr(flow: Flow) -> None:
    data, payload = special(flow)
    receive(flow, data)
    note = "Vurdert: sendt til verneombud. ASSESSMENT-CANARY-91"
    result = run("followup", payload.response_id[:8], "--acknowledged", "--assessed", note)
    assert result.exit_code == 0, result.output
    assert "Assessment\n  Vurdert: sendt til verneombud. ASSESSMENT-CANARY-91" in result.output
    assert "Assessed      2026-05-04" in result.output
    assert b"ASSESSMENT-CANARY-91" not in db_bytes(flow.db)
    assert (
        "Next          give feedback, due 2026-08-04"
        in run("followup", payload.response_id[:8]).output
    )


def test_followup_of_a_response_without_special_information(flow: Flow) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb())
    receive(flow, data)
    result = run("followup", payload.response_id[:8], "--acknowledged")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: response {payload.response_id[:8]} holds no special information; "
        "there is nothing to follow up\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--feedback"], "record the acknowledgement first, then the feedback"),
        (["--acknowledged", "2026-05-06"], "--acknowledged: 2026-05-06 lies in the future"),
        (["--acknowledged", "4 May"], "--acknowledged: '4 May' is not a date; write 2026-07-01"),
        (
            ["--acknowledged", "2026-04-30"],
            "the acknowledgement: 2026-04-30 is before HR received the answers (2026-05-01)",
        ),
    ],
)
def test_followup_refuses_bad_dates(flow: Flow, args: list[str], message: str) -> None:
    data, payload = special(flow)
    receive(flow, data)
    result = run("followup", payload.response_id[:8], *args)
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert case(payload.response_id)["acknowledged_on"] is None


def test_duplicate_import_does_not_flag_again(flow: Flow) -> None:
    data, _ = special(flow)
    receive(flow, data)
    again = receive(flow, data)
    assert "special information" not in again.output
    assert len(status_json()["followups"]) == 1


def test_declined_with_nothing_special_opens_no_case(flow: Flow) -> None:
    data, _ = seal(flow, "kommune-nb", {"name": "Kari"}, declined=True, sealed_at=SEALED)
    receive(flow, data)
    assert status_json()["followups"] == []


def test_a_case_from_no_invitation_says_so_wherever_it_is_shown(flow: Flow) -> None:
    # Anyone with the page can make one, with any name typed in (FORMAT.md 14.3).
    data, payload = special(flow)
    receive(flow, data)
    status = run("status").output
    line = next(x for x in status.splitlines() if x.startswith(payload.response_id[:8]))
    assert "Kari Nordmann (not invited)" in line
    assert "(Kari Nordmann (not invited))" in run("followup", payload.response_id[:8]).output
    [row] = status_json()["followups"]
    assert row["invited"] is False
