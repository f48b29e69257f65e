"""Property-based fuzzing (Hypothesis) of the parsers a response file meets on import.

The rule: whatever the input, each parser returns or raises its own documented error
(a SluttsamtaleError subclass with its failure class), never anything else. Inputs are
random bytes, and structures shaped like the real thing so that the checks deep inside
get reached. Round trips: encode/parse and armor/find_blocks, the latter under everything
a mail program may do that FORMAT.md 8.2 forgives. The coverage-guided fuzzer
(fuzz/fuzz_import.py) runs the same entrances for as long as it is given.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from collector.errors import (
    ArmorError,
    EnvelopeError,
    InputError,
    PayloadFailure,
    SluttsamtaleError,
)
from collector.formats import armor, envelope
from collector.formats import payload as payload_format
from collector.intake import extract
from collector.model.payload import check_payload
from collector.model.questionset import QuestionSet
from spec.testkit import testkit as tk
from testing import pagesim
from testing import testkit_run as run

pytestmark = pytest.mark.slow  # Hypothesis runs

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RESPONSE_FORMAT = "sluttsamtale-response/2"
KEY_ID = "a578a1dd696bec18783cca81b64abffd"


def documented(error: type[SluttsamtaleError], call: Callable[[], Any]) -> Any:
    """call(), which may only fail with `error` (the one its failure class allows)."""
    try:
        return call()
    except SluttsamtaleError as e:
        assert isinstance(e, error), f"{type(e).__name__} ({e.kind}): {e}"
        assert str(e) and "\n" not in str(e)
        assert "Traceback" not in str(e)
        return e


@pytest.fixture(scope="module")
def qset() -> QuestionSet:
    found = run.catalog().get("testkit", 1)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --------------------------------------------------------------------------- strategies

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
hex32 = st.text("0123456789abcdef", min_size=32, max_size=32)
sealed_text = st.binary(min_size=0, max_size=120).map(lambda b: base64.b64encode(b).decode())


def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right shape, sometimes anything at all."""
    return st.one_of(good, good, good, json_values)


parts = st.fixed_dictionaries(
    {"key_id": maybe(st.just(KEY_ID) | hex32), "sealed": maybe(sealed_text)},
    optional={"extra": json_values},
)
envelopes = st.fixed_dictionaries(
    {"format": maybe(st.just(RESPONSE_FORMAT)), "parts": maybe(st.lists(maybe(parts), max_size=3))},
    optional={"extra": json_values},
)


@st.composite
def spelled(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> bytes:
    """A JSON value written some way a person or a program might write it, then maybe
    damaged at one byte."""
    value = draw(values)
    indent = draw(st.sampled_from([None, 0, 2, "\t"]))
    text = json.dumps(value, indent=indent, ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8", "surrogatepass") + draw(st.sampled_from([b"", b"\n", b"\r\n"]))
    if data and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = bytes([draw(st.integers(0, 255))])
        data = {
            "replace": data[:at] + byte + data[at + 1 :],
            "insert": data[:at] + byte + data[at:],
            "delete": data[:at] + data[at + 1 :],
        }[how]
    return data


# --------------------------------------------------------------------------- envelope


@FUZZ
@given(st.binary(max_size=2000))
def test_envelope_parse_raises_only_envelope_errors_on_bytes(data: bytes) -> None:
    documented(EnvelopeError, lambda: envelope.parse(data))


@FUZZ
@given(spelled(envelopes))
def test_envelope_parse_raises_only_envelope_errors_on_near_misses(data: bytes) -> None:
    result = documented(EnvelopeError, lambda: envelope.parse(data))
    if isinstance(result, envelope.Envelope):
        # What reads must be what the format allows.
        assert 1 <= len(result.parts) <= 2
        assert all(len(p.sealed) >= 48 and len(p.key_id) == 32 for p in result.parts)
        again = envelope.encode(result)
        assert envelope.parse(again) == result and envelope.encode(envelope.parse(again)) == again


@FUZZ
@given(
    st.lists(
        st.tuples(hex32, st.binary(min_size=48, max_size=300)),
        min_size=1,
        max_size=2,
        unique_by=lambda p: p[0],
    ),
    st.sampled_from([None, 2, "\t"]),
)
def test_envelope_round_trip_and_only_the_canonical_spelling(
    pairs: list[tuple[str, bytes]], indent: Any
) -> None:
    env = envelope.Envelope(tuple(envelope.Part(k, s) for k, s in pairs))
    canonical = envelope.encode(env)
    assert envelope.parse(canonical) == env
    assert envelope.encode(envelope.parse(canonical)) == canonical
    respelled = json.dumps(json.loads(canonical), indent=indent).encode()
    if respelled == canonical.rstrip(b"\n"):  # indent=None: what json.dump writes
        assert envelope.parse(respelled) == env
        return
    with pytest.raises(EnvelopeError, match="not in canonical form"):
        envelope.parse(respelled)


# --------------------------------------------------------------------------- armor

BEGIN, END = armor.BEGIN, armor.END
armor_lines = st.one_of(
    st.sampled_from(
        [
            BEGIN,
            END,
            BEGIN.lower(),
            END[:-1],
            "-----BEGIN SLUTTSAMTALE KEY-----",
            "Version: 1",
            "",
            ">",
            "> ",
            "=",
            "====",
        ]
    ),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", max_size=70),
    st.text(max_size=70),
)


@st.composite
def armor_texts(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "> ", ">> ", "  ", "\t"]))
    lines = draw(st.lists(armor_lines, max_size=30))
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return nl.join(prefix + line if draw(st.booleans()) else line for line in lines)


@FUZZ
@given(st.text(max_size=2000))
def test_find_blocks_raises_only_armor_errors_on_text(text: str) -> None:
    documented(ArmorError, lambda: armor.find_blocks(text))


@FUZZ
@given(armor_texts())
def test_find_blocks_raises_only_armor_errors_on_near_misses(text: str) -> None:
    result = documented(ArmorError, lambda: armor.find_blocks(text))
    if isinstance(result, list):
        assert all(isinstance(b, bytes) and b for b in result)


@FUZZ
@given(
    st.binary(min_size=1, max_size=600), st.integers(0, 10_000), st.sampled_from(list("*-_ .\x00é"))
)
def test_a_damaged_block_raises_only_armor_errors(data: bytes, at: int, char: str) -> None:
    text = armor.armor(data)
    at %= len(text)
    damaged = text[:at] + char + text[at + 1 :]
    result = documented(ArmorError, lambda: armor.find_blocks(damaged))
    if isinstance(result, list) and result:
        # Only a change armor forgives (a space at a line end, say) may still decode.
        assert result == [data]


# Text around a block must not itself look like a block, or be a run of base64 that
# could pass for one; words and punctuation stand in for a mail's text.
mail_text = st.lists(st.text("abcdefghijklmnopqrstuvwxyzæøå ,.!?:'()", max_size=60), max_size=4)


@FUZZ
@given(
    st.binary(min_size=1, max_size=600),
    st.from_regex(r"[> ]{0,4}", fullmatch=True),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", " ", "\t", " \t "]),
    mail_text,
    mail_text,
    st.booleans(),
)
def test_armor_round_trip_survives_what_mail_does(
    data: bytes,
    prefix: str,
    nl: str,
    trailing: str,
    before: list[str],
    after: list[str],
    final_newline: bool,
) -> None:
    block = [prefix + line + trailing for line in armor.armor(data).rstrip("\n").split("\n")]
    text = nl.join([*before, *block, *after])
    if final_newline:
        text += nl
    assert armor.find_blocks(text) == [data]


@FUZZ
@given(st.lists(st.binary(min_size=1, max_size=200), min_size=1, max_size=4), mail_text)
def test_armor_finds_every_block_in_order(blocks: list[bytes], between: list[str]) -> None:
    text = "\n".join(" ".join(between) + "\n" + armor.armor(b) for b in blocks)
    assert armor.find_blocks(text) == blocks


# --------------------------------------------------------------------------- payload

QUESTION_IDS = [
    "reason",
    "liked",
    "satisfaction",
    "concern",
    "concern_text",
    "title",
    "comments",
    "last_day",
]
answer_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["new_job", "moving", "other", "tasks", "pay", "2025-06-30", "2025-02-30"]),
    st.lists(st.sampled_from(["colleagues", "tasks", "pay", "other", "x"]), max_size=4),
    st.integers(-2, 8),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
questionnaire_refs = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["testkit", "testkit", "other-set"]),
        "version": st.sampled_from([1, 1, 2]),
        "language": st.sampled_from(["en", "en", "nb"]),
        "title": st.text(min_size=1, max_size=20),
    }
)
wording = st.dictionaries(
    st.sampled_from([*QUESTION_IDS, "x"]),
    st.fixed_dictionaries(
        {"label": st.text(min_size=1, max_size=10)},
        optional={
            "options": st.dictionaries(
                st.text(max_size=8), st.text(min_size=1, max_size=8), max_size=3
            )
        },
    ),
    max_size=9,
)
good_payloads = st.fixed_dictionaries(
    {
        "format": st.just(pagesim.PAYLOAD_FORMAT),
        "response_id": st.text("0123456789abcdef", min_size=32, max_size=32),
        "questionnaire": questionnaire_refs,
        "wording": wording,
        "answers": st.dictionaries(
            st.sampled_from([*QUESTION_IDS, "x"]), answer_values, max_size=9
        ),
        "other": st.dictionaries(
            st.sampled_from(["reason", "liked", "x"]), st.text(max_size=20), max_size=2
        ),
        "declined": st.booleans(),
        "decline_reason": st.none() | st.text(max_size=20),
        "readers": st.sampled_from(["hr", "hr_and_leader", "statistics", "all"]),
        "invitation": st.none() | st.from_regex(r"[A-Za-z0-9_-]{14,66}", fullmatch=True),
        "sealed_at": st.sampled_from(
            [
                "2025-03-14T09:30:00.000Z",
                "2025-03-14T09:30:00+00:00",
                "2025-03-14T09:30:00+01:00",
                "9999-01-01T00:00:00Z",
                "2025-03-14",
                "now",
            ]
        ),
    }
)


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A payload of the right shape with at most one member replaced by anything at all
    (or one too many), so that most get past parsing to the checks against the set."""
    obj = draw(good_payloads)
    spoilt = draw(st.sampled_from([None, None, "extra", *obj]))
    if spoilt is not None:
        obj[spoilt] = draw(json_values)
    return obj


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_payload_raises_only_payload_failures_on_bytes(data: bytes) -> None:
    documented(PayloadFailure, lambda: payload_format.parse(data))


@FUZZ
@given(data=spelled(payloads()))
def test_payload_checks_raise_only_payload_failures(data: bytes, qset: QuestionSet) -> None:
    """The opened plaintext through both checks the importer runs after decrypting."""
    result = documented(PayloadFailure, lambda: payload_format.parse(data))
    if not isinstance(result, SluttsamtaleError):
        outcome = documented(
            PayloadFailure, lambda: check_payload(result, qset, now=datetime.now(UTC))
        )
        event("checked against the set: " + ("accepted" if outcome is None else "refused"))
        if outcome is None:  # accepted: then it answers only what the set asks
            assert set(result.answers) <= set(QUESTION_IDS)


# --------------------------------------------------------------------------- files and mail


def extract_from(work: Path, data: bytes, suffix: str) -> Any:
    path = work / f"input{suffix}"
    path.write_bytes(data)
    return documented(SluttsamtaleError, lambda: extract.extract(path))


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".json", ".txt", ".eml"]))
def test_extract_raises_only_documented_errors_on_bytes(
    data: bytes, suffix: str, work: Path
) -> None:
    result = extract_from(work, data, suffix)
    if isinstance(result, SluttsamtaleError):
        assert isinstance(result, InputError | EnvelopeError | ArmorError)


def _canonical() -> bytes:
    (vector,) = [v for v in tk.vectors() if v.name == "success_canonical"]
    return vector.body


CANONICAL = _canonical()
CRLF = "\r\n"


@st.composite
def mail_parts(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["text", "armored", "attachment", "junk", "html"]))
    cte = draw(st.sampled_from(["7bit", "base64", "quoted-printable", "8bit", "x-unknown"]))
    charset = draw(st.sampled_from(["utf-8", "latin-1", "x-nonsense", "utf-16"]))
    if kind == "text":
        body = draw(st.text(max_size=200))
    elif kind == "armored":
        body = armor.armor(
            draw(st.sampled_from([CANONICAL, draw(st.binary(min_size=1, max_size=100))]))
        )
    elif kind == "attachment":
        body = base64.b64encode(
            draw(st.sampled_from([CANONICAL, draw(st.binary(max_size=100))]))
        ).decode()
        cte = "base64"
    elif kind == "html":
        body = "<pre>" + armor.armor(CANONICAL).replace("\n", "<br>") + "</pre>"
    else:
        body = draw(st.text(max_size=200))
    ctype = {
        "text": "text/plain",
        "armored": "text/plain",
        "attachment": "application/json",
        "junk": draw(st.sampled_from(["image/png", "message/rfc822", "multipart/alternative"])),
        "html": "text/html",
    }[kind]
    return (
        f"Content-Type: {ctype}; charset={charset}{CRLF}"
        f"Content-Transfer-Encoding: {cte}{CRLF}{CRLF}{body}"
    )


@FUZZ
@given(parts_=st.lists(mail_parts(), max_size=4), mime_header=st.booleans())
def test_extract_raises_only_documented_errors_on_mail(
    parts_: list[str], mime_header: bool, work: Path
) -> None:
    boundary = "b-7f3e"
    head = [f"Subject: answers{CRLF}"]
    if mime_header:
        head.append(f"MIME-Version: 1.0{CRLF}")
    head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"{CRLF}{CRLF}')
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts_) + f"--{boundary}--{CRLF}"
    data = ("".join(head) + body).encode("utf-8", "surrogatepass")
    result = extract_from(work, data, ".eml")
    if not isinstance(result, SluttsamtaleError):
        assert isinstance(result, bytes) and result  # one response file, for envelope.parse


@FUZZ
@given(
    text=mail_text,
    cte=st.sampled_from(["base64", "quoted-printable", "7bit"]),
    where=st.sampled_from(["attached", "pasted", "both", "quoted"]),
)
def test_one_response_in_a_mail_is_found_however_it_travels(
    text: list[str], cte: str, where: str, work: Path
) -> None:
    import quopri

    words = "\n".join(text)
    block = armor.armor(CANONICAL)
    if where == "quoted":
        block = "".join(f"> {line}\n" for line in block.rstrip("\n").split("\n"))
    pasted = f"{words}\n{block}" if where != "attached" else words
    encoded = {
        "base64": lambda t: base64.encodebytes(t.encode()).decode(),
        "quoted-printable": lambda t: quopri.encodestring(t.encode()).decode(),
        "7bit": lambda t: t,
    }[cte](pasted)
    parts_ = [
        f"Content-Type: text/plain; charset=utf-8{CRLF}Content-Transfer-Encoding: {cte}"
        f"{CRLF}{CRLF}{encoded}"
    ]
    if where in ("attached", "both"):
        parts_.append(
            f"Content-Type: application/json{CRLF}Content-Transfer-Encoding: base64"
            f"{CRLF}{CRLF}{base64.encodebytes(CANONICAL).decode()}"
        )
    boundary = "b-7f3e"
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts_) + f"--{boundary}--{CRLF}"
    head = (
        f'MIME-Version: 1.0{CRLF}Content-Type: multipart/mixed; boundary="{boundary}"{CRLF}{CRLF}'
    )
    assert extract_from(work, (head + body).encode(), ".eml") == CANONICAL
