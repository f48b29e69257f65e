"""`sluttsamtale followup`: the duty to follow up special information, step by step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .options import (
    Env,
    db_option,
    json_option,
    key_option,
    pass_env,
    past_day,
    print_json,
    questionnaires_option,
)


@click.command("followup")
@click.argument("response_id")
@click.option(
    "--acknowledged",
    is_flag=False,
    flag_value="today",
    metavar="[DATE]",
    help="Receipt was acknowledged to the employee (today, or on DATE).",
)
@click.option("--assessed", metavar="TEXT", help="HR's assessment, sealed to HR's key.")
@click.option(
    "--feedback",
    is_flag=False,
    flag_value="today",
    metavar="[DATE]",
    help="Feedback was given to the employee (today, or on DATE); this closes the case.",
)
@db_option
@key_option
@questionnaires_option
@json_option
@pass_env
def followup_(
    env: Env,
    response_id: str,
    acknowledged: str | None,
    assessed: str | None,
    feedback: str | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Record and show the follow-up of special information in a response.

    The employer must assess special information and follow it up (guideline 000, 3.3).
    Due dates follow the employer's rules ([employer.followup] in sluttsamtale.toml): for
    Sweden, acknowledge within 7 days and give feedback within 3 months; for Norway
    ("within reasonable time") the employer's reminders, 14 days and 3 months unless set
    there. Without options, shows the case.

    Example:

    \b
        sluttsamtale followup 3f2a91bc --acknowledged
        sluttsamtale followup 3f2a91bc --assessed "Sent to the safety delegate"
        sluttsamtale followup 3f2a91bc --feedback 2026-08-01
    """
    from ..intake.opening import open_row
    from ..render import text
    from ..routine import followup, notes

    catalog = env.catalog(questionnaires)
    rules = catalog.employer.followup
    today = env.today()
    asked = followup.Requested(
        acknowledged=past_day(acknowledged, "--acknowledged", today),
        assessment=assessed,
        feedback=past_day(feedback, "--feedback", today),
    )
    with env.store(db_path, create=False) as store:
        row = store.find(response_id)
        hr_keys = env.keys(key_paths)
        opened = open_row(row, hr_keys, catalog)
        payload, qset = opened.require()
        key = next(iter(hr_keys.values()))
        case = followup.record(store, row, payload, qset, asked, key, today)
        name = followup.names(store, [followup.Step(case, "acknowledge", today, False)], hr_keys)
    if as_json:
        step = followup.next_step(rules, case, today)
        print_json(
            {
                "response_id": case.response_id,
                "reported_on": case.reported_on.isoformat(),
                "acknowledged_on": _iso(case.acknowledged_on),
                "acknowledge_due": rules.acknowledge_due(case.reported_on).isoformat(),
                "assessed_on": _iso(case.assessed_on),
                "feedback_on": _iso(case.feedback_on),
                "feedback_due": followup.feedback_due(rules, case).isoformat(),
                "next": step.as_dict() if step else None,
            }
        )
        return
    assessment = notes.open_note(case.assessment, hr_keys)
    who = name.get(case.response_id)
    env.say(text.followup_case(rules, case, today, assessment, env.words, who))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
