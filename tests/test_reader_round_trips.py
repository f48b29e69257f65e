"""Property tests (Hypothesis) of every reader a stranger's bytes meet: what the writer emits,
the reader takes back unchanged, and on any bytes a reader raises only its documented errors.

The "any bytes" tests call the fuzz targets' own TestOneInput (fuzz/targets/), so the rule
checked here in every test run is the one the coverage-guided fuzzer checks for hours.
Kept fast: few examples each, small inputs.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.formats import armor, envelope, strictjson
from collector.formats import payload as payload_format
from collector.intake import leavers
from collector.model import loading
from collector.model.employer import Employer
from collector.model.payload import check_payload
from collector.model.questionset import QuestionSet
from fuzz.targets import TARGETS
from spec.testkit import testkit as tk
from testing import pagesim
from testing import testkit_run as run

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent
CATALOG = run.catalog()
KIT_SET = CATALOG.get("testkit", 1)
assert KIT_SET is not None
NOW = datetime(2026, 1, 1, tzinfo=UTC)

# Text a person could type: no control character but line breaks and tabs, no surrogate.
typed = st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="\u2028\u2029"
)
hex32 = st.text("0123456789abcdef", min_size=32, max_size=32)


# --------------------------------------------------------------------------- round trips


@QUICK
@given(st.binary(min_size=1, max_size=3000))
def test_armor_write_then_find(data: bytes) -> None:
    assert armor.find_blocks(armor.armor(data)) == [data]


@st.composite
def envelopes(draw: st.DrawFn) -> envelope.Envelope:
    ids = draw(st.lists(hex32, min_size=1, max_size=envelope.MAX_PARTS, unique=True))
    link = draw(st.none() | hex32)
    parts = [
        envelope.Part(kid, draw(st.binary(min_size=envelope.MIN_SEALED_BYTES, max_size=300)))
        for kid in ids
    ]
    parts[0] = envelope.Part(parts[0].key_id, parts[0].sealed, link)
    return envelope.Envelope(tuple(parts))


@QUICK
@given(envelopes(), st.booleans())
def test_envelope_encode_then_parse(env: envelope.Envelope, final_newline: bool) -> None:
    data = envelope.encode(env)
    assert envelope.parse(data if final_newline else data[:-1]) == env


# JSON as any writer makes it, within the strict rules: finite numbers, integers of at
# most 32 digits, no lone surrogate, at most 32 levels (the leaves here stay far below).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**32) + 1, 10**32 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(typed, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(typed, max_size=8), inner),
    max_leaves=15,
)


@QUICK
@given(json_values, st.booleans(), st.sampled_from([None, 2]))
def test_strictjson_dumps_then_loads(value: Any, ascii_only: bool, indent: int | None) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert strictjson.loads(text.encode("utf-8")) == value


@st.composite
def kit_answers(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers the testkit set accepts: one of each type, each possibly left out."""
    words = st.text(typed, min_size=1, max_size=30).filter(str.strip)
    answers: dict[str, Any] = {"reason": draw(st.sampled_from(["new_job", "moving", "other"]))}
    other = {"reason": draw(words)} if answers["reason"] == "other" else {}
    maybe = {
        "liked": st.lists(st.sampled_from(["colleagues", "tasks", "pay"]), min_size=1, unique=True),
        "satisfaction": st.integers(1, 5),
        "concern": st.booleans(),
        "title": st.text(typed, min_size=1, max_size=40).filter(str.strip),
        "comments": words,
        "last_day": st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat),
    }
    for qid, values in maybe.items():
        if draw(st.booleans()):
            answers[qid] = draw(values)
    if answers.get("concern") is True and draw(st.booleans()):
        answers["concern_text"] = draw(words)
    return answers, other


@QUICK
@given(
    kit_answers(),
    st.sampled_from(["hr", "hr_and_interviewer", "statistics"]),
    st.integers(0, 10**10),
)
def test_payload_build_then_check(
    given_answers: tuple[dict[str, Any], dict[str, str]], readers: Any, ms_ago: int
) -> None:
    answers, other = given_answers
    sealed_at = datetime(2025, 3, 14, tzinfo=UTC) - timedelta(milliseconds=ms_ago)
    built = pagesim.build_payload(
        KIT_SET, answers, other=other, readers=readers, sealed_at=sealed_at
    )
    back = payload_format.parse(payload_format.padded(built))
    assert back == built
    check_payload(back, KIT_SET, now=NOW)


SHIPPED = [ROOT / "questionnaires" / p.name for p in (ROOT / "questionnaires").glob("*.yml")]
SET_FILES = sorted(p for p in SHIPPED if p.name != loading.EMPLOYER_FILE) + [
    tk.QUESTIONNAIRES / "testkit-en.yml"
]


@functools.cache
def shipped(path: Path) -> tuple[Employer, QuestionSet]:
    employer = loading.load_employer(path.parent / loading.EMPLOYER_FILE)
    return employer, loading.load_question_set(path, employer)


@settings(QUICK, max_examples=15)  # PyYAML is pure Python: 50 ms a set
@given(
    st.sampled_from(SET_FILES),
    st.text(typed, min_size=1, max_size=60).filter(str.strip),
    st.booleans(),
)
def test_question_set_dump_then_load(path: Path, title: str, flow_style: bool) -> None:
    employer, qset = shipped(path)
    changed = QuestionSet.model_validate(qset.model_dump() | {"title": title.strip()})
    text = yaml.safe_dump(
        changed.model_dump(mode="json", exclude_none=True),
        allow_unicode=True,
        default_flow_style=flow_style,
    )
    data = text.encode("utf-8")
    again = loading.question_set_from_raw(loading.parse_yaml(data, path), path, employer)
    assert again == changed


names = st.text("abcdefghijklmnopqrstuvwxyzæøåäöéüßÆØÅÄÖ-'", min_size=1, max_size=12)
people = st.tuples(
    st.lists(names, min_size=1, max_size=3).map(" ".join),
    st.none() | st.builds("{}@{}.no".format, names, names),
    st.dates(date(2024, 1, 1), date(2030, 12, 31)),
)


@QUICK
@given(
    st.lists(people, min_size=1, max_size=6, unique_by=lambda p: (p[0].casefold(), p[2])),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
)
def test_leavers_csv_write_then_read(
    rows: list[tuple[str, str | None, date]], delimiter: str, bom: bool, newline: str
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["navn", "e-post", "sluttdato"])
    for name, email, day in rows:
        writer.writerow([name, email or "", day.strftime("%d.%m.%Y")])
    data = ("\ufeff" if bom else "") + out.getvalue()
    read = leavers.parse_leavers(data.encode("utf-8"), Path("sluttere.csv"), "testkit", CATALOG)
    assert [(p.name, p.email, p.last_day) for p in read.leavers] == rows
    assert all(p.set_id == "testkit" for p in read.leavers)


# --------------------------------------------------------------------------- any bytes


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_target_takes_its_testkit_seeds(target: str) -> None:
    module = __import__(f"fuzz.targets.{target}", fromlist=["TestOneInput"])
    seeds = list(module.seeds())
    assert seeds, f"{target} has no seeds"
    for data in seeds[:40]:
        module.TestOneInput(data)


@pytest.mark.parametrize("target", list(TARGETS))
@QUICK
@given(data=st.binary(max_size=1500))
def test_each_target_raises_only_documented_errors_on_bytes(target: str, data: bytes) -> None:
    module = __import__(f"fuzz.targets.{target}", fromlist=["TestOneInput"])
    module.TestOneInput(data)


# --------------------------------------------------------------------------- the fuzzer


DICT_LINE = re.compile(r'(#.*|"(?:[^"\\]|\\\\|\\"|\\x[0-9a-fA-F]{2})+")')


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_target_has_a_libfuzzer_dictionary(target: str) -> None:
    lines = (ROOT / "fuzz" / "dicts" / f"{target}.dict").read_text().splitlines()
    tokens = [line for line in lines if line and not line.startswith("#")]
    assert len(tokens) >= 10
    assert all(DICT_LINE.fullmatch(line) for line in lines if line), target


@pytest.mark.slow
def test_the_armor_target_finds_a_planted_bug() -> None:
    """fuzz.run --plant: a KeyError planted in armor.find_blocks is found, each of 3 tries."""
    result = subprocess.run(
        [sys.executable, "-m", "fuzz.run", "--plant", "--seconds", "120"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("planted KeyError found in") == 3
