"""Who is offered the conversation (employer.yml `offered_to`): Södermalm's rule (doc 003,
"tillsvidareanställda och tidsbegränsat anställda som varit anställda under minst 1 år som
slutar sin anställning på egen begäran eller går i pension") applied by `invite --csv` to a
leavers' file with short tenures, fixed-term contracts and dismissals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from workflow_support import run, status_json

from collector.model.employer import Employer, OfferedTo
from collector.model.loading import load_catalog
from testing.fixtures import ROOT, Flow

# slow: each invite unlocks the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]

SODERMALM = (
    "offered_to:\n"
    "  min_tenure_months: 12\n"
    "  employment: [permanent, fixed_term]\n"
    "  reasons: [resigned, retired]\n"
)

# Swedish headings, as Södermalm's HR system would export them.
LEAVERS = (
    "Namn;Anställningsdatum;Anställningsform;Avgångsorsak;Sista arbetsdag\n"
    "Anna Andersson;2019-03-01;Tillsvidareanställd;Egen begäran;2026-06-30\n"
    "Bo Berg;2025-08-01;Tillsvidare;Egen uppsägning;2026-06-30\n"
    "Cecilia Ceder;2024-01-15;Visstid;Pension;2026-07-31\n"
    "David Dahl;2020-05-01;Tillsvidare;Uppsagd;2026-06-30\n"
    "Eva Ek;2021-09-01;Timanställd;Egen begäran;2026-06-30\n"
    "Fredrik Falk;2025-07-01;Vikariat;Egen begäran;2026-06-30\n"
    "Greta Gran;2023-02-01;;Pension;2026-06-30\n"
)
INSIDE = ["Anna Andersson", "Cecilia Ceder", "Fredrik Falk"]


def write(flow: Flow, text: str) -> Path:
    path = flow.root / "avgangar.csv"
    path.write_text(text, encoding="utf-8")
    return path


def invited_names() -> list[str]:
    return sorted(row["name"] for row in status_json()["invitations"])


def test_sodermalm_rule_invites_those_inside_and_lists_the_others(flow: Flow) -> None:
    flow.employer_rules(SODERMALM)
    result = run("invite", "--csv", str(write(flow, LEAVERS)), "--set", "sodermalm-sv")
    assert result.exit_code == 0, result.output
    # Fredrik: 2025-07-01 to the end of 2026-06-30 is a year to the day.
    assert result.stderr == (
        "outside the rule: Bo Berg, last day 2026-06-30: employed 11 months, the rule asks "
        "at least 12\n"
        "outside the rule: David Dahl, last day 2026-06-30: reason for leaving dismissed, the "
        "rule offers it for resigned, retired\n"
        "outside the rule: Eva Ek, last day 2026-06-30: employment temporary, the rule offers "
        "it to permanent, fixed_term\n"
        "outside the rule: Greta Gran, last day 2026-06-30: no kind of employment given\n"
        "4 outside the rule not invited; to invite them too, add --include-outside-rule\n"
    )
    assert result.stdout.endswith("3 invited, 0 already invited\n")
    assert invited_names() == INSIDE


def test_include_outside_rule_invites_them_too(flow: Flow) -> None:
    flow.employer_rules(SODERMALM)
    path = str(write(flow, LEAVERS))
    args = ["invite", "--csv", path, "--set", "sodermalm-sv", "--include-outside-rule"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "4 outside the rule invited too (--include-outside-rule)\n" in result.stderr
    assert result.stdout.endswith("7 invited, 0 already invited\n")
    assert len(invited_names()) == 7


def test_norwegian_headings_and_tenure_in_months(flow: Flow) -> None:
    flow.employer_rules(SODERMALM)
    text = (
        "Navn;Ansettelsestid (måneder);Ansettelsesform;Sluttårsak;Sluttdato\n"
        "Kari Nordmann;12;Fast;Egen oppsigelse;30.06.2026\n"
        "Ola Nordmann;6;Midlertidig;Pensjon;30.06.2026\n"
        "Per Hansen;40;Engasjement;Kontrakt utløpt;30.06.2026\n"
    )
    result = run("invite", "--csv", str(write(flow, text)), "--set", "kommune-nb")
    assert result.exit_code == 0, result.output
    assert "Ola Nordmann, last day 2026-06-30: employed 6 months" in result.stderr
    assert "Per Hansen, last day 2026-06-30: reason for leaving end_of_contract" in result.stderr
    assert invited_names() == ["Kari Nordmann"]


@pytest.mark.parametrize(
    ("headings", "cells", "lacks"),
    [
        (
            "Namn;Anställningsform;Avgångsorsak;Sista arbetsdag",
            "Anna Andersson;Tillsvidare;Pension;2026-06-30",
            "a start date (such as Ansettelsesdato or Anställningsdatum) or the months employed",
        ),
        (
            "Namn;Anställningsdatum;Sista arbetsdag",
            "Anna Andersson;2019-03-01;2026-06-30",
            "the kind of employment (such as Ansettelsesform or Anställningsform) and the "
            "reason for leaving (such as Sluttårsak or Avgångsorsak)",
        ),
    ],
)
def test_a_file_without_a_column_the_rule_needs_writes_nothing(
    flow: Flow, headings: str, cells: str, lacks: str
) -> None:
    flow.employer_rules(SODERMALM)
    path = write(flow, f"{headings}\n{cells}\n")
    result = run("invite", "--csv", str(path), "--set", "sodermalm-sv", "--out", "e-post")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {path}: the rule of who is offered the conversation (employer.yml "
        f"offered_to) needs {lacks}, and the file has no such column; nothing was written\n",
    )
    assert not (flow.root / "e-post").exists()
    assert not flow.db.exists() or status_json()["invitations"] == []


def test_the_default_rule_offers_everyone_and_needs_no_column(flow: Flow) -> None:
    assert load_catalog(flow.questionnaires).employer.offered_to.everyone
    result = run("invite", "--csv", str(write(flow, LEAVERS)), "--set", "sodermalm-sv")
    assert result.exit_code == 0, result.output
    assert "outside the rule" not in result.output
    assert len(invited_names()) == 7


def test_an_unknown_word_names_its_row(flow: Flow) -> None:
    flow.employer_rules(SODERMALM)
    text = "Namn;Anställningsform;Sista arbetsdag;Anställningsdatum;Avgångsorsak\n"
    text += "Anna Andersson;Konsult;2026-06-30;2019-03-01;Pension\n"
    result = run("invite", "--csv", str(write(flow, text)), "--set", "sodermalm-sv")
    assert result.exit_code == 1
    assert result.output.startswith(
        "bad      row 2: the employment kind 'Konsult' is not one the rule knows; write "
        "permanent, fixed_term, temporary"
    )
    assert f"Error: {flow.root / 'avgangar.csv'}: 1 row cannot be used" in result.output
    assert "Traceback" not in result.output


def test_the_shipped_example_is_sodermalms_rule() -> None:
    """employer.yml ships 003's rule commented out; uncommented, it is the rule tested here."""
    text = (ROOT / "questionnaires" / "employer.yml").read_text(encoding="utf-8")
    start = text.index("# offered_to:")
    block = "\n".join(
        line.removeprefix("# ").split("  #")[0].rstrip()
        for line in text[start:].splitlines()
        if line.startswith("# ") and ("offered_to" in line or line.startswith("#   "))
    )
    shipped = yaml.safe_load(block)["offered_to"]
    assert OfferedTo.model_validate(shipped) == OfferedTo.model_validate(
        yaml.safe_load(SODERMALM)["offered_to"]
    )
    assert Employer.model_fields["offered_to"].default == OfferedTo()


def test_when_no_one_is_inside_no_one_is_invited(flow: Flow) -> None:
    flow.employer_rules("offered_to:\n  reasons: [retired]\n")
    text = "Navn;Sluttårsak;Sluttdato\nKari Nordmann;Oppsagt;30.06.2026\n"
    result = run("invite", "--csv", str(write(flow, text)), "--set", "kommune-nb")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "outside the rule: Kari Nordmann, last day 2026-06-30: reason for leaving dismissed, "
        "the rule offers it for retired\n"
        "1 outside the rule not invited; to invite them too, add --include-outside-rule\n"
    )
    assert result.stdout == "0 invited, 0 already invited\n"
    assert invited_names() == []


def test_json_names_those_outside_the_rule_as_results(flow: Flow) -> None:
    flow.employer_rules(SODERMALM)
    path = str(write(flow, LEAVERS))
    result = run("invite", "--csv", path, "--set", "sodermalm-sv", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows if r["outcome"] == "invited"] == INSIDE
    outside = [r for r in rows if r["outcome"] == "outside the rule"]
    assert [r["name"] for r in outside] == ["Bo Berg", "David Dahl", "Eva Ek", "Greta Gran"]
    assert outside[0]["why"].endswith("employed 11 months, the rule asks at least 12")
    assert "code" not in outside[0] and "link" not in outside[0]
