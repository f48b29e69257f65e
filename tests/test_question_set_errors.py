"""A broken question set fails with one sentence naming the file, the question and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from collector.errors import QuestionSetError
from collector.model.loading import load_catalog

EMPLOYER = {
    "name": "Testkommunen",
    "privacy": {
        "nb": {
            "controller": "Testkommunen",
            "contact": "hr@test.example",
            "purpose": "Lære av dem som slutter.",
            "legal_basis": "GDPR art. 6 nr. 1 bokstav e.",
            "recipients": "HR.",
            "invitations": "HR fører en oversikt over invitasjonene.",
            "special_categories": "GDPR art. 9 nr. 2 bokstav b.",
            "automated_decisions": "Ingen.",
            "retention": "Slettes senest 12 måneder etter samtalen.",
            "rights": "Innsyn, retting, sletting og protest.",
            "complaints": "Datatilsynet.",
        }
    },
}

# A valid set; each case appends to its one section (line 14 is the last line).
HEAD = """\
id: broken
version: 1
language: nb
title: Test
introduction: Hei.
sections:
  - id: main
    title: Hoved
    questions:
      - id: reason
        type: single_choice
        label: Hvorfor slutter du?
        options:
          - {value: pay, label: Lønn}
"""

CASES = {
    "unknown question type": (
        """\
      - id: essay
        type: essay
        label: Skriv
""",
        "question 'essay': unknown question type 'essay'; use one of short_text, long_text, "
        "single_choice, multiple_choice, scale, yes_no, date",
    ),
    "duplicate question id": (
        """\
      - id: reason
        type: long_text
        label: Igjen
""",
        "question 'reason': question id is used twice",
    ),
    "condition on a missing question": (
        """\
      - id: more
        type: long_text
        label: Mer
        show_if: {question: nowhere, equals: [pay]}
""",
        "question 'more': condition refers to question 'nowhere', which does not come before it",
    ),
    "condition on a missing option value": (
        """\
      - id: more
        type: long_text
        label: Mer
        show_if: {question: reason, equals: [retirement]}
""",
        "question 'more': condition value 'retirement' is not an option of 'reason'",
    ),
    "empty option list": (
        """\
      - id: pick
        type: multiple_choice
        label: Velg
        options: []
""",
        "question 'pick': a choice question needs at least one option",
    ),
    "duplicate YAML key": (
        """\
      - id: more
        type: long_text
        label: Mer
        label: Mer igjen
""",
        "question 'more': not valid YAML at line 18: key 'label' appears twice",
    ),
    "invalid YAML": (
        """\
      - id: more
        type: long_text
        label: Hva mer: noe annet?
""",
        "question 'more': not valid YAML at line 17: mapping values are not allowed here",
    ),
    # Found by fuzz/targets/questionset.py: PyYAML's reader error is two lines.
    "NUL byte": (
        """\
      - id: more
        type: long_text
        label: Mer\x00
""",
        "is not valid YAML at line 17: the character U+0000 is not allowed in YAML",
    ),
    # Found by fuzz/targets/questionset.py: a TypeError (unhashable type) escaped.
    "list as a key": (
        """\
      - id: more
        type: long_text
        label: Mer
        [a, b]: x
""",
        "question 'more': not valid YAML at line 18: a key is a list or a mapping",
    ),
    # Beyond the list in the brief: the common slips of someone writing a set by hand.
    "missing label": (
        """\
      - id: more
        type: long_text
""",
        "question 'more': 'label' is missing",
    ),
    "misspelt field": (
        """\
      - id: more
        type: long_text
        lable: Mer
        label: Mer
""",
        "question 'more': 'lable' is not a known field",
    ),
    "bad option value": (
        """\
      - id: pick
        type: single_choice
        label: Velg
        options:
          - {value: New job, label: Ny jobb}
""",
        "question 'pick': options.0.value 'New job' must be lowercase letters, digits and _, "
        "starting with a letter",
    ),
    "scale without an end label": (
        """\
      - id: rating
        type: scale
        label: Hvor fornøyd?
        scale: {min: 1, max: 5, min_label: Lite}
""",
        "question 'rating': 'scale.max_label' is missing",
    ),
    "question without an id": (
        """\
      - type: long_text
        label: Mer
""",
        "section 'main', question number 2: 'id' is missing",
    ),
    "empty section": (
        """\
  - id: empty
    title: Tom
    questions: []
""",
        "section 'empty': 'questions' needs at least 1 item",
    ),
    "invalid YAML in a section": (
        """\
  - id: second
    title: Andre: del
""",
        "section 'second': not valid YAML at line 16: mapping values are not allowed here",
    ),
}


def _write_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "employer.yml").write_text(yaml.safe_dump(EMPLOYER, allow_unicode=True))
    (folder / "broken.yml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("tail", "problem"), CASES.values(), ids=CASES.keys())
def test_broken_set_names_file_question_and_problem(tmp_path: Path, tail: str, problem: str):
    folder = _write_folder(tmp_path, HEAD + tail)
    with pytest.raises(QuestionSetError) as caught:
        load_catalog(folder)
    assert str(caught.value) == f"{folder / 'broken.yml'}: {problem}"


def test_the_base_set_is_valid(tmp_path: Path):
    # Guards the cases above: each fails because of its own tail, not because of HEAD.
    catalog = load_catalog(_write_folder(tmp_path, HEAD))
    assert catalog.get("broken", 1) is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "id: broken\nversion: zero\n",
            "version: input should be a whole number",
        ),
        ("id: broken\nid: again\n", "is not valid YAML at line 2: key 'id' appears twice"),
        ("- just\n- a list\n", "must be a mapping with id, version, sections ..."),
        (HEAD.replace("title: Test\n", ""), "'title' is missing"),
        (
            HEAD.replace("language: nb", "language: sv"),
            "no privacy notice in 'sv'; add one to employer.yml",
        ),
    ],
    ids=["wrong type", "duplicate top key", "not a mapping", "missing title", "no notice"],
)
def test_broken_set_level_field(tmp_path: Path, text: str, problem: str):
    folder = _write_folder(tmp_path, text)
    with pytest.raises(QuestionSetError) as caught:
        load_catalog(folder)
    assert str(caught.value) == f"{folder / 'broken.yml'}: {problem}"


def test_same_set_and_version_twice(tmp_path: Path):
    folder = _write_folder(tmp_path, HEAD)
    (folder / "copy.yml").write_text(HEAD, encoding="utf-8")
    with pytest.raises(QuestionSetError) as caught:
        load_catalog(folder)
    assert str(caught.value) == (
        f"{folder / 'copy.yml'}: question set 'broken' version 1 is also in "
        f"{folder / 'broken.yml'}; give the new one a higher version"
    )


def test_broken_employer_file_is_named(tmp_path: Path):
    folder = _write_folder(tmp_path, HEAD)
    (folder / "employer.yml").write_text("name: Testkommunen\nprivacy:\n  nb: {}\n")
    with pytest.raises(QuestionSetError) as caught:
        load_catalog(folder)
    assert str(caught.value) == f"{folder / 'employer.yml'}: 'privacy.nb.controller' is missing"
