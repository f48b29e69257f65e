"""routine/offered.py, the rule of who is offered the conversation, as a pure function:
whole months employed by the end of the last day, and which columns a rule needs."""

from __future__ import annotations

from datetime import date

import pytest

from collector.intake.leavers import Leaver
from collector.model.employer import OfferedTo
from collector.routine import offered

SODERMALM = OfferedTo(
    min_tenure_months=12, employment=["permanent", "fixed_term"], reasons=["resigned", "retired"]
)


def leaver(**facts: object) -> Leaver:
    base: dict[str, object] = {
        "where": "row 2",
        "set_id": "s",
        "name": "A",
        "last_day": date(2026, 6, 30),
    }
    return Leaver(**{**base, **facts})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "last_day", "months"),
    [
        (date(2025, 7, 1), date(2026, 6, 30), 12),  # a year to the day
        (date(2025, 7, 2), date(2026, 6, 30), 11),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # no 29 February: its month's last day
        (date(2026, 6, 30), date(2026, 6, 30), 0),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
    ],
)
def test_tenure_counts_whole_months_to_the_end_of_the_last_day(
    start: date, last_day: date, months: int
) -> None:
    assert offered.tenure(leaver(employed_from=start, last_day=last_day)) == months


def test_a_start_date_goes_before_months_given() -> None:
    assert offered.tenure(leaver(employed_from=date(2026, 1, 1), tenure_months=40)) == 6
    assert offered.tenure(leaver(tenure_months=40)) == 40
    assert offered.tenure(leaver()) is None


def test_the_default_rule_offers_everyone_and_needs_nothing() -> None:
    rule = OfferedTo()
    assert rule.everyone and offered.needs(rule) == [] and offered.missing(rule, []) == []
    assert offered.split([leaver()], rule) == ([leaver()], [])


def test_missing_columns_and_every_reason_at_once() -> None:
    assert offered.missing(SODERMALM, ["name", "last_day", "tenure_months"]) == [
        "employment",
        "reason",
    ]
    person = leaver(employed_from=date(2026, 1, 1), employment="temporary")
    assert offered.why_outside(person, SODERMALM) == ["short", "kind", "no_reason"]
