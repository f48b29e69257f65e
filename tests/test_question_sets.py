"""The shipped question sets: they load, share the analysis codes reports aggregate on, keep
the source documents' wording, and match the published JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from collector.model.jsonschema import (
    CONFIG_FILE,
    PAYLOAD_FILE,
    QUESTIONNAIRE_FILE,
    config_schema,
    payload_schema,
    questionnaire_schema,
    render,
)
from collector.model.loading import Catalog, load_catalog, question_set_files, read_yaml
from collector.model.payload import Payload, is_visible
from collector.model.questionset import QuestionSet, QuestionType
from collector.words import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "questionnaires"
SPEC = ROOT / "spec"

SET_IDS = {
    "kommune-nb",
    "kommune-nn",
    "kommune-en",
    "sodermalm-sv",
    "intervjuplan-nb",
    "sykehus-nb",
}

REASONS = [
    "retirement",
    "new_job",
    "career",
    "pay",
    "workload",
    "work_environment",
    "leadership",
    "organisation_culture",
    "tasks",
    "development",
    "relocation",
    "family_health",
    "studies",
    "end_of_contract",
]

# code -> (type, option values or None, prefill). Reports aggregate on these codes across
# languages and versions, so they and their option values must be the same in every set.
SHARED = {
    "header.name": (QuestionType.short_text, None, "name"),
    "header.position": (QuestionType.short_text, None, "position"),
    "header.workplace": (QuestionType.short_text, None, "workplace"),
    "header.department": (QuestionType.short_text, None, "department"),
    "header.employed_from": (QuestionType.date, None, "employed_from"),
    "header.last_day": (QuestionType.date, None, "last_day"),
    "reason.primary": (QuestionType.single_choice, [*REASONS, "other"], None),
    "reason.details": (QuestionType.long_text, None, None),
    "talk.holder": (QuestionType.single_choice, ["nearest_leader", "other_leader", "hr"], None),
    "talk.union_rep": (QuestionType.yes_no, ["yes", "no"], None),
    "handover.arrangements": (QuestionType.long_text, None, None),
    "job_analysis.tasks": (QuestionType.long_text, None, None),
    "return.would_return": (QuestionType.single_choice, ["yes", "maybe", "no"], None),
    "improvement.suggestions": (QuestionType.long_text, None, None),
    "special.report": (QuestionType.long_text, None, None),
}

# The 15 open questions of the municipal form (doc 001), word for word; the examples it gives
# in parentheses are the help texts.
FORM_001 = [
    (
        "Hvorfor valgte du å si opp?",
        "pensjon, utfordringer, arbeidsmiljø/belastning, organisasjonskultur mv.",
    ),
    ("Hva kunne vi ha gjort for å få deg til å bli?", None),
    ("Hvordan har opplæring og oppfølging fungert?", None),
    ("Hvordan var samsvaret mellom forespeilede og faktiske arbeidsoppgaver?", None),
    ("Hvordan har du opplevd arbeidsmengden?", None),
    ("Ansvars- og myndighetsnivå, har disse forholdene vært tydelige nok?", None),
    ("Ser du muligheter som vi ikke benytter oss av?", None),
    ("Kan du beskrive vår organisasjonskultur med noen stikkord?", None),
    ("Hvordan har kommunikasjon, informasjon og samarbeid fungert på avdelingen?", None),
    ("Beskriv hvordan din leder har fungert i forhold til deg og din arbeidssituasjon:", None),
    ("Si litt om din opplevelse av trivsel og arbeidsmiljøet i tiden du har vært her:", None),
    ("Har du hatt mulighet for faglig utvikling?", None),
    ("Hva har du vært mest og minst fornøyd med i din tid hos oss?", None),
    ("Hva må ordnes før du slutter?", "kunnskapsoverføring, innlevering av utstyr el."),
    (
        "Andre forhold du ønsker å nevne til slutt?",
        "det fysiske arbeidsmiljøet, utstyr, forbedringer el.",
    ),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FOLDER)


@pytest.fixture(scope="module")
def sets(catalog: Catalog) -> dict[str, QuestionSet]:
    return {s.id: s for s in catalog.latest()}


def test_every_set_loads_once_as_version_1(catalog: Catalog, sets: dict[str, QuestionSet]):
    assert set(sets) == SET_IDS
    assert sorted(catalog.sets) == sorted((set_id, 1) for set_id in SET_IDS)
    for (set_id, _), path in catalog.files.items():
        assert path.stem == set_id  # one file per set, named by its id


@pytest.mark.parametrize("path", question_set_files(FOLDER), ids=lambda p: p.name)
def test_file_points_editors_at_the_schema(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../spec/questionnaire.schema.json"


@pytest.mark.parametrize("set_id", sorted(SET_IDS))
def test_shared_analysis_codes_are_identical(sets: dict[str, QuestionSet], set_id: str):
    qset = sets[set_id]
    codes = [q.analysis_code for q in qset.questions() if q.analysis_code]
    assert len(codes) == len(set(codes)), "an analysis code is used twice"
    for code, (qtype, values, prefill) in SHARED.items():
        q = qset.by_code(code)
        assert q is not None, f"{set_id} lacks {code}"
        assert (q.type, q.prefill) == (qtype, prefill), code
        if values is not None:
            assert q.option_values() == values, code
        assert q.special == (code == "special.report"), code
    assert qset.by_code("reason.primary").other_label  # "other" comes with its text field


@pytest.mark.parametrize("set_id", sorted(SET_IDS))
def test_no_shipped_question_is_required(sets: dict[str, QuestionSet], set_id: str):
    # Answering is voluntary (000, the notices, the e-mail): the reader choice, on the page
    # itself, is the only answer the page asks for.
    assert [q.id for q in sets[set_id].questions() if q.required] == []


@pytest.mark.parametrize("set_id", sorted(SET_IDS))
def test_consent_and_decline_are_left_to_the_page(sets: dict[str, QuestionSet], set_id: str):
    # The page asks who may read the answers and offers to decline on every set.
    for q in sets[set_id].questions():
        assert not any(w in q.id for w in ("consent", "reader", "decline")), q.id


@pytest.mark.parametrize("set_id", sorted(SET_IDS))
def test_special_question_leaves_who_reads_it_to_the_page(
    sets: dict[str, QuestionSet], set_id: str
):
    # Who reads a report depends on the build (HR, or the whistleblowing receiver), so the
    # page adds that hint from the configuration; the set's own help only gives examples.
    q = sets[set_id].by_code("special.report")
    assert q.help and "HR" not in q.help and "kontakt" not in q.help


def test_sodermalm_retirement_question_for_everyone_retiring(sets: dict[str, QuestionSet]):
    # The guide asks it of those who retire, whatever their primary reason for leaving.
    qset = sets["sodermalm-sv"]
    (retiree,) = [q for q in qset.questions() if q.label.startswith("För dig som går i pension")]
    retiring = qset.by_code("leaving.retiring")
    reason = qset.by_code("reason.primary")
    assert retiring is not None and retiree.show_if is not None
    assert retiree.show_if.question == retiring.id
    for value in reason.option_values():
        assert is_visible(retiree, {reason.id: value, retiring.id: True}), value
    assert not is_visible(retiree, {reason.id: "retirement", retiring.id: False})
    assert not is_visible(retiree, {})
    shown_always = [q for q in qset.questions() if q.show_if is None]
    assert len(shown_always) == len(qset.questions()) - 1


def test_interview_plan_new_job_questions_only_for_a_new_job(sets: dict[str, QuestionSet]):
    qset = sets["intervjuplan-nb"]
    new_job = qset.by_code("leaving.new_job")
    (section,) = [s for s in qset.sections if s.id == "new_position"]
    for q in section.questions:
        assert q.show_if is not None and q.show_if.question == new_job.id, q.id
        assert is_visible(q, {new_job.id: True}) and not is_visible(q, {new_job.id: False})


def test_sodermalm_keeps_the_guides_sections(sets: dict[str, QuestionSet]):
    titles = [s.title for s in sets["sodermalm-sv"].sections]
    guide = [
        "Inledning",
        "Introduktion",
        "Arbetsmiljö",
        "Arbetsuppgifter",
        "Kompetensutveckling",
        "Information",
        "Sammanfattande synpunkter",
    ]
    assert [t for t in titles if t in guide] == guide
    summary = next(s for s in sets["sodermalm-sv"].sections if s.title == guide[-1])
    assert summary.questions[-1].label == "Är det något i övrigt du vill tillägga?"


def test_interview_plan_keeps_sections_4_1_to_4_6(sets: dict[str, QuestionSet]):
    numbered = [s.title for s in sets["intervjuplan-nb"].sections if s.title[:2] == "4."]
    assert numbered == [
        "4.1 Hvilken stilling går du til?",
        "4.2 Om oppgaver og forventninger til en karriere i bedriften",
        "4.3 Om ledelse",
        "4.4 Om bedriftens læringsmiljø",
        "4.5 Om personalpolitikk",
        "4.6 Avslutning",
    ]


def test_hospital_set_rates_the_guideline_topics(sets: dict[str, QuestionSet]):
    scales = [q for q in sets["sykehus-nb"].questions() if q.type is QuestionType.scale]
    assert len(scales) == 4
    assert all(q.scale and q.scale.min_label and q.scale.max_label for q in scales)


def _shape(qset: QuestionSet) -> list[tuple[object, ...]]:
    """Everything but the wording."""
    return [
        (
            s.id,
            [
                (
                    q.id,
                    q.type,
                    q.required,
                    q.option_values(),
                    q.analysis_code,
                    q.prefill,
                    q.special,
                    q.show_if,
                    bool(q.help),
                )
                for q in s.questions
            ],
        )
        for s in qset.sections
    ]


@pytest.mark.parametrize("set_id", ["kommune-nn", "kommune-en"])
def test_municipal_translations_match_bokmal(sets: dict[str, QuestionSet], set_id: str):
    assert _shape(sets[set_id]) == _shape(sets["kommune-nb"])
    assert sets[set_id].language == set_id.rsplit("-", 1)[1]


def test_municipal_form_has_all_15_questions_verbatim(sets: dict[str, QuestionSet]):
    questions = sets["kommune-nb"].questions()
    labels = [q.label for q in questions]
    found = [labels.index(label) for label, _ in FORM_001]  # ValueError names a missing one
    assert found == sorted(found), "the form's order is kept"
    for label, example in FORM_001:
        q = questions[labels.index(label)]
        assert q.type is QuestionType.long_text
        if example:
            assert q.help and q.help.endswith(example), label


def test_every_language_has_a_privacy_notice(catalog: Catalog, sets: dict[str, QuestionSet]):
    assert set(catalog.employer.privacy) == set(LANGUAGES)
    for qset in sets.values():
        assert qset.privacy == catalog.employer.privacy[qset.language]
    assert catalog.employer.retention_months == 12
    restriction = {"nb": "begrense", "nn": "avgrensa", "sv": "begränsas", "en": "restricted"}
    for lang, notice in catalog.employer.privacy.items():
        # Written from retention_months and the personnel-file policy, so it cannot differ.
        assert notice.retention is None, lang
        # A Norwegian employer: its own authority, in every language (art. 13(2)(d)).
        assert "Datatilsynet" in notice.complaints, lang
        assert "9" in notice.special_categories and notice.invitations, lang
        assert restriction[lang] in notice.rights, lang  # art. 18
        assert notice.automated_decisions, lang
        # No promise the employer cannot keep: sharing "unless the law requires it".
        assert "utanfor" not in notice.recipients or "med mindre" in notice.recipients


@pytest.mark.parametrize(
    ("name", "generate"),
    [
        (QUESTIONNAIRE_FILE, questionnaire_schema),
        (PAYLOAD_FILE, payload_schema),
        (CONFIG_FILE, config_schema),
    ],
)
def test_committed_schema_is_up_to_date(name: str, generate):
    committed = (SPEC / name).read_text(encoding="utf-8")
    which = name.split(".")[0]
    assert committed == render(generate()), f"run: sluttsamtale schema {which} > spec/{name}"


def published(name: str) -> dict:
    """The schema file HR's editors read, not the model's output: breaking it fails here."""
    return json.loads((SPEC / name).read_text(encoding="utf-8"))


def test_schemas_are_draft_2020_12():
    for schema in (published(QUESTIONNAIRE_FILE), published(PAYLOAD_FILE)):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", question_set_files(FOLDER), ids=lambda p: p.name)
def test_set_validates_against_published_schema(path: Path):
    validator = jsonschema.Draft202012Validator(published(QUESTIONNAIRE_FILE))
    raw = read_yaml(path)
    assert [e.message for e in validator.iter_errors(raw)] == []
    # The "$schema" key some editors want is allowed; an unknown key is not.
    assert validator.is_valid({"$schema": "../spec/questionnaire.schema.json", **raw})
    assert not validator.is_valid({**raw, "colour": "red"})


def test_payload_schema_accepts_a_real_payload_and_refuses_a_wrong_one():
    validator = jsonschema.Draft202012Validator(published(PAYLOAD_FILE))
    payload = {
        "format": "sluttsamtale-payload/2",
        "response_id": "0123456789abcdef0123456789abcdef",
        "questionnaire": {"id": "kommune-nb", "version": 1, "language": "nb", "title": "T"},
        "wording": {"reason": {"label": "Hvorfor?", "options": {"pay": "Lønn"}}},
        "answers": {"reason": "pay", "union_rep": False},
        "other": {},
        "declined": False,
        "decline_reason": None,
        "readers": "hr",
        "sealed_at": "2025-01-31T12:00:00Z",
        "scope": "hr",
    }
    assert [e.message for e in validator.iter_errors(payload)] == []
    assert not validator.is_valid({**payload, "readers": "everyone"})
    assert not validator.is_valid({**payload, "format": "sluttsamtale-payload/3"})
    # The same sample is valid to the model itself, so the schema is not looser by accident.
    Payload.model_validate_json(json.dumps(payload))
