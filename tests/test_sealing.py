"""Payloads built, sealed, opened and read in Python, as the page and the importer do it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from collector.errors import DecryptError, NoKeyError, PayloadFailure
from collector.formats import envelope, hpke, keys
from collector.formats import payload as payload_format
from collector.formats.envelope import Envelope, Part
from collector.formats.keyfile import HRKey
from collector.intake import opening
from collector.model.payload import Payload, check_payload
from collector.model.questionset import QuestionSet
from testing import pagesim

CANARY = "CANARY-7d3e the answer text that must stay sealed"
DECRYPT = "the sealed part does not open with this key; it was altered or sealed to another key"

NOTICE = {
    "controller": "Testkommunen",
    "contact": "personvern@example.org",
    "purpose": "Lære av dem som slutter.",
    "legal_basis": "GDPR art. 6 nr. 1 bokstav e.",
    "recipients": "HR.",
    "invitations": "HR fører en oversikt over invitasjonene.",
    "special_categories": "GDPR art. 9 nr. 2 bokstav b.",
    "automated_decisions": "Ingen.",
    "retention": "Slettes senest 12 måneder etter mottak.",
    "rights": "Innsyn, retting og sletting.",
    "complaints": "Datatilsynet.",
}

QSET = QuestionSet.model_validate(
    {
        "id": "exit-test",
        "version": 3,
        "language": "nb",
        "title": "Sluttsamtale",
        "introduction": "Et lite sett for testene.",
        "privacy": NOTICE,
        "sections": [
            {
                "id": "work",
                "title": "Arbeidet",
                "questions": [
                    {
                        "id": "reason",
                        "type": "single_choice",
                        "label": "Hvorfor slutter du?",
                        "required": True,
                        "options": [
                            {"value": "pay", "label": "Lønn"},
                            {"value": "leader", "label": "Leder"},
                        ],
                        "other": True,
                        "other_label": "Annet, nemlig",
                    },
                    {
                        "id": "liked",
                        "type": "multiple_choice",
                        "label": "Hva likte du?",
                        "options": [
                            {"value": "colleagues", "label": "Kollegene"},
                            {"value": "tasks", "label": "Oppgavene"},
                        ],
                    },
                    {
                        "id": "satisfaction",
                        "type": "scale",
                        "label": "Hvor fornøyd var du?",
                        "scale": {"min": 1, "max": 5, "min_label": "Lite", "max_label": "Svært"},
                    },
                    {"id": "concern", "type": "yes_no", "label": "Noe kritikkverdig?"},
                    {"id": "comments", "type": "long_text", "label": "Andre kommentarer"},
                    {"id": "last_day", "type": "date", "label": "Siste arbeidsdag"},
                ],
            }
        ],
    }
)

ANSWERS: dict[str, Any] = {
    "reason": "other",
    "liked": ["colleagues", "tasks"],
    "satisfaction": 4,
    "concern": False,
    "comments": CANARY,
    "last_day": "2025-06-30",
}


def new_key() -> HRKey:
    private = keys.generate_private()
    return HRKey(keys.key_id(keys.public_raw(private.public_key())), private, Path("k.json"))


@pytest.fixture(scope="module")
def key() -> HRKey:
    return new_key()


def public_of(key: HRKey) -> bytes:
    return keys.public_raw(key.private.public_key())


def good_payload(**kw: Any) -> Payload:
    kw.setdefault("other", {"reason": "Flytter til Tromsø"})
    return pagesim.build_payload(QSET, ANSWERS, **kw)


def padded(text: bytes) -> bytes:
    """`text` padded to HR's bucket as the page pads it (left alone if none holds it)."""
    if len(text) > payload_format.HR_BUCKETS[-1]:
        return text
    return payload_format.pad(text, "hr")


def file_around(plaintext: bytes, key: HRKey) -> bytes:
    sealed = hpke.seal(padded(plaintext), public_of(key))
    return envelope.encode(Envelope(parts=(Part(key.key_id, sealed),)))


def open_envelope(
    env: Envelope, hr_keys: dict[str, HRKey], secret: bytes | None = None
) -> tuple[Part, Payload]:
    """The part a reader with `hr_keys` opens (FORMAT.md 5.4), and its payload."""
    part = opening.choose_part(env, hr_keys)
    payload, _ = opening.open_part(part, hr_keys[part.key_id], secret)
    return part, payload


def open_file(data: bytes, *keys: HRKey) -> tuple[Part, Payload]:
    return open_envelope(envelope.parse(data), {k.key_id: k for k in keys})


# --------------------------------------------------------------------------- building


def test_build_payload_holds_the_wording_of_every_question() -> None:
    payload = good_payload()
    assert list(payload.wording) == [q.id for q in QSET.questions()]
    assert payload.wording["reason"].label == "Hvorfor slutter du?"
    assert payload.wording["reason"].options == {
        "pay": "Lønn",
        "leader": "Leder",
        "other": "Annet, nemlig",
    }
    assert payload.wording["liked"].options == {"colleagues": "Kollegene", "tasks": "Oppgavene"}
    # The page seals the words of yes and no too, in the set's language.
    assert payload.wording["concern"].options == {"yes": "Ja", "no": "Nei"}
    for qid in ("satisfaction", "comments", "last_day"):
        assert payload.wording[qid].options is None


def test_build_payload_fields() -> None:
    payload = good_payload(readers="hr_and_interviewer")
    assert payload.format == "sluttsamtale-payload/2"
    assert re.fullmatch(r"[0-9a-f]{32}", payload.response_id)
    assert (payload.questionnaire.id, payload.questionnaire.version) == ("exit-test", 3)
    assert (payload.questionnaire.language, payload.questionnaire.title) == ("nb", "Sluttsamtale")
    assert payload.answers == ANSWERS
    assert payload.other == {"reason": "Flytter til Tromsø"}
    assert payload.declined is False and payload.decline_reason is None
    assert payload.readers == "hr_and_interviewer"
    assert payload.scope == "hr" and payload.contact is None
    assert payload.sealed_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - payload.sealed_at) < timedelta(minutes=1)
    assert payload.sealed_at.microsecond % 1000 == 0  # milliseconds, as the page has them
    check_payload(payload, QSET, now=datetime.now(UTC))


def test_build_payload_response_ids_are_fresh() -> None:
    assert len({good_payload().response_id for _ in range(20)}) == 20


def test_build_payload_given_id_and_time() -> None:
    when = datetime(2025, 6, 30, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    payload = good_payload(response_id="ab" * 16, sealed_at=when)
    assert payload.response_id == "ab" * 16
    assert payload.sealed_at == when
    assert payload.sealed_at.utcoffset() == timedelta(0)  # kept in UTC
    # As the page's Date.toISOString() writes it: UTC, milliseconds, "Z".
    assert b'"sealed_at":"2025-06-30T12:00:00.000Z"' in pagesim.payload_bytes(payload)


def test_build_payload_leaves_out_what_the_page_leaves_out() -> None:
    payload = pagesim.build_payload(
        QSET,
        {"reason": "pay", "liked": [], "comments": "  \n", "last_day": None, "concern": False},
        other={"reason": "not chosen, so dropped", "liked": "no other here"},
        decline_reason="dropped, not declined",
    )
    assert payload.answers == {"reason": "pay", "concern": False}
    assert payload.other == {}
    assert payload.decline_reason is None


def test_build_payload_declined() -> None:
    payload = pagesim.build_payload(QSET, {}, declined=True, decline_reason="Ønsker ikke.")
    assert payload.declined is True and payload.decline_reason == "Ønsker ikke."
    assert payload.answers == {}
    check_payload(payload, QSET, now=datetime.now(UTC))


def test_build_payload_refuses_a_time_without_zone() -> None:
    with pytest.raises(PayloadFailure) as caught:
        good_payload(sealed_at=datetime(2025, 6, 30, 12))
    assert str(caught.value) == "sealed_at has no time zone"


def test_build_payload_refuses_unknown_readers() -> None:
    with pytest.raises(PayloadFailure) as caught:
        good_payload(readers="everyone")
    assert str(caught.value) == (
        "the payload: field \"readers\" is not valid (input should be 'hr', "
        "'hr_and_interviewer' or 'statistics')"
    )


def test_payload_bytes_are_what_the_page_writes() -> None:
    payload = good_payload()
    data = pagesim.payload_bytes(payload)
    obj = payload.model_dump(mode="json")
    for w in obj["wording"].values():
        if w["options"] is None:
            del w["options"]
    # contact is left out of HR's payload (FORMAT.md 7).
    del obj["contact"]
    obj["sealed_at"] = payload_format.iso_milliseconds(payload.sealed_at)
    # JSON.stringify: compact, non-ASCII as itself, keys in the model's order.
    assert data == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    assert "Tromsø".encode() in data
    assert b'"satisfaction":{"label":"Hvor forn\xc3\xb8yd var du?"}' in data
    assert b'"decline_reason":null' in data and b'"scope":"hr"' in data
    assert b"invitation" not in data and b"contact" not in data
    # Sealed, it is padded with spaces to its bucket (FORMAT.md 6.1), and reads back alike.
    sealed = payload_format.padded(payload)
    assert len(sealed) == 4096 and sealed == data + b" " * (4096 - len(data))
    assert payload_format.parse(sealed) == payload
    with pytest.raises(PayloadFailure, match="not padded to a bucket"):
        payload_format.parse(data)


def test_payload_bytes_escape_a_lone_surrogate_as_the_page_does() -> None:
    payload = pagesim.build_payload(QSET, {"reason": "pay", "comments": "a\ud800b"})
    data = pagesim.payload_bytes(payload)
    assert b'"comments":"a\\ud800b"' in data
    data.decode("utf-8")  # valid UTF-8, as JSON.stringify's output is
    with pytest.raises(PayloadFailure) as caught:
        payload_format.parse(data)
    assert str(caught.value) == "the payload: not JSON (a string holds a lone surrogate)"


# --------------------------------------------------------------------------- sealing and opening


def test_seal_and_open_round_trip(key: HRKey) -> None:
    payload = good_payload()
    data = pagesim.seal_payload(payload, public_of(key))
    assert envelope.encode(envelope.parse(data)) == data
    assert CANARY.encode() not in data
    part, opened = open_file(data, key)
    assert part.key_id == key.key_id
    assert opened == payload
    check_payload(opened, QSET, now=datetime.now(UTC))


def test_open_envelope_picks_the_part_for_the_key_held(key: HRKey) -> None:
    other = new_key()
    mine, theirs = good_payload(), good_payload()
    p_other = Part(other.key_id, hpke.seal(payload_format.padded(theirs), public_of(other)))
    p_mine = Part(key.key_id, hpke.seal(payload_format.padded(mine), public_of(key)))
    env = Envelope(parts=(p_other, p_mine))
    assert open_envelope(env, {key.key_id: key}) == (p_mine, mine)
    assert open_envelope(env, {other.key_id: other}) == (p_other, theirs)
    # Holding both: the first part in file order.
    both = {key.key_id: key, other.key_id: other}
    assert open_envelope(env, both) == (p_other, theirs)


def test_no_key_names_the_key_id(key: HRKey) -> None:
    data = pagesim.seal_payload(good_payload(), public_of(key))
    with pytest.raises(NoKeyError) as caught:
        open_file(data, new_key())
    assert str(caught.value) == (
        f"the file is sealed to key {keys.fingerprint(key.key_id)}, "
        "and no key given has that key id"
    )
    assert caught.value.kind == "no key"


def test_no_key_for_either_part() -> None:
    a, b = "0123456789abcdef" * 2, "fedcba9876543210" * 2
    env = Envelope(parts=(Part(a, bytes(48)), Part(b, bytes(48))))
    with pytest.raises(NoKeyError) as caught:
        open_envelope(env, {})
    assert str(caught.value) == (
        f"the file is sealed to keys {keys.fingerprint(a)} and {keys.fingerprint(b)}, "
        "and no key given has either key id"
    )


def _flip(index: int) -> Callable[[bytes], bytes]:
    def change(sealed: bytes) -> bytes:
        b = bytearray(sealed)
        b[index] ^= 0x80
        return bytes(b)

    return change


@pytest.mark.parametrize(
    "change",
    [
        _flip(0),  # enc
        _flip(31),  # enc, last byte
        _flip(32),  # ct, first byte
        _flip(100),  # ct
        _flip(-17),  # ct, last byte
        _flip(-16),  # tag
        _flip(-1),  # tag, last byte
        lambda s: s[:-1],  # tag cut
        lambda s: s[:32] + s[33:],  # a byte of ct removed
        lambda s: bytes(32) + s[32:],  # enc zeroed: a low-order point
        lambda s: s[:48],  # just enc and 16 bytes
    ],
    ids=[
        "enc-0",
        "enc-31",
        "ct-0",
        "ct-100",
        "ct-last",
        "tag-0",
        "tag-last",
        "tag-cut",
        "ct-short",
        "enc-zero",
        "48-bytes",
    ],
)
def test_altered_sealed_bytes_are_a_decrypt_failure(
    key: HRKey, change: Callable[[bytes], bytes]
) -> None:
    data = pagesim.seal_payload(good_payload(), public_of(key))
    (part,) = envelope.parse(data).parts
    altered = envelope.encode(Envelope(parts=(Part(part.key_id, change(part.sealed)),)))
    with pytest.raises(DecryptError) as caught:
        open_file(altered, key)
    assert str(caught.value) == DECRYPT
    assert caught.value.kind == "decrypt failure"


def test_relabelled_part_is_a_decrypt_failure(key: HRKey) -> None:
    # Sealed to another key, but labelled with ours: the info (and the key) differ.
    data = pagesim.seal_payload(good_payload(), public_of(new_key()))
    (part,) = envelope.parse(data).parts
    relabelled = envelope.encode(Envelope(parts=(Part(key.key_id, part.sealed),)))
    with pytest.raises(DecryptError):
        open_file(relabelled, key)


def test_sealed_to_our_key_with_another_info_is_a_decrypt_failure(key: HRKey) -> None:
    # Our key, wrong info: what a page built for another format version would make.
    recipient = X25519PublicKey.from_public_bytes(public_of(key))
    sealed = hpke.SUITE.encrypt(b"{}", recipient, info=b"sluttsamtale-response/3 " + b"x")
    with pytest.raises(DecryptError):
        open_envelope(Envelope(parts=(Part(key.key_id, sealed),)), {key.key_id: key})


# --------------------------------------------------------------------------- payload failures


def good_json() -> dict[str, Any]:
    return json.loads(pagesim.payload_bytes(good_payload(decline_reason=None)))


def changed(change: Callable[[dict[str, Any]], None]) -> bytes:
    obj = good_json()
    change(obj)
    return json.dumps(obj, ensure_ascii=False).encode()


def _set(value: Any, *path: str) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        for name in path[:-1]:
            obj = obj[name]
        obj[path[-1]] = value

    return change


def _del(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        for name in path[:-1]:
            obj = obj[name]
        del obj[path[-1]]

    return change


def _answer_type(qid: str) -> str:
    return (
        f'the payload: answer "{qid}" must be text, a list of texts, a whole number or true/false'
    )


PAYLOAD_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "not utf-8": (
        lambda: pagesim.payload_bytes(good_payload()).replace(
            "Tromsø".encode(), "Tromsø".encode("latin-1")
        ),
        "the payload: not UTF-8",
    ),
    "bom": (
        lambda: b"\xef\xbb\xbf" + pagesim.payload_bytes(good_payload()),
        "the payload: starts with a byte order mark",
    ),
    "not json": (
        lambda: CANARY.encode(),
        "the payload: not JSON (a value was expected at line 1, column 1)",
    ),
    "empty": (lambda: b"", "the payload: not JSON (a value was expected at line 1, column 4097)"),
    "trailing": (
        lambda: pagesim.payload_bytes(good_payload()) + b"\n{}",
        "the payload: trailing data after the JSON object",
    ),
    "duplicate readers": (
        lambda: pagesim.payload_bytes(good_payload()).replace(
            b'"readers":"hr"', b'"readers":"statistics","readers":"hr"'
        ),
        'the payload: duplicate key "readers"',
    ),
    "duplicate answer": (
        lambda: pagesim.payload_bytes(good_payload()).replace(
            b'"answers":{', b'"answers":{"comments":"x",'
        ),
        'the payload: duplicate key "comments"',
    ),
    "nesting": (
        lambda: changed(_set(json.loads("[" * 40 + "]" * 40), "answers", "liked")),
        "the payload: nesting too deep",
    ),
    "deep nesting": (
        lambda: b'{"answers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "the payload: nesting too deep",
    ),
    "array": (lambda: b"[]", "the payload is not a JSON object"),
    "version as text": (
        lambda: changed(_set("3", "questionnaire", "version")),
        'the payload: field "questionnaire.version" is not valid (input should be a whole number)',
    ),
    "version as float": (
        lambda: changed(_set(3.0, "questionnaire", "version")),
        'the payload: field "questionnaire.version" is not valid (input should be a whole number)',
    ),
    "declined as text": (
        lambda: changed(_set("false", "declined")),
        'the payload: field "declined" is not valid (input should be true or false)',
    ),
    "declined as number": (
        lambda: changed(_set(0, "declined")),
        'the payload: field "declined" is not valid (input should be true or false)',
    ),
    "format 2": (
        lambda: changed(_set("sluttsamtale-payload/3", "format")),
        "the payload: field \"format\" is not valid (input should be 'sluttsamtale-payload/2')",
    ),
    "response id upper": (
        lambda: changed(_set("AB" * 16, "response_id")),
        'the payload: field "response_id" is not valid (text should match the pattern '
        "'^[0-9a-f]{32}$')",
    ),
    "readers": (
        lambda: changed(_set("everyone", "readers")),
        "the payload: field \"readers\" is not valid (input should be 'hr', "
        "'hr_and_interviewer' "
        "or 'statistics')",
    ),
    "missing readers": (lambda: changed(_del("readers")), 'the payload: missing field "readers"'),
    "missing title": (
        lambda: changed(_del("questionnaire", "title")),
        'the payload: missing field "questionnaire.title"',
    ),
    "unknown field": (
        lambda: changed(_set("kari@example.org", "employee_email")),
        'the payload: unknown field "employee_email"',
    ),
    "unknown nested field": (
        lambda: changed(_set(1, "questionnaire", "x")),
        'the payload: unknown field "questionnaire.x"',
    ),
    "unprintable unknown field": (
        lambda: changed(_set(1, CANARY)),
        'the payload: unknown field "(unprintable)"',
    ),
    "answer object": (
        lambda: changed(_set({"text": CANARY}, "answers", "comments")),
        _answer_type("comments"),
    ),
    "answer float": (
        lambda: changed(_set(4.5, "answers", "satisfaction")),
        _answer_type("satisfaction"),
    ),
    "answer null": (lambda: changed(_set(None, "answers", "comments")), _answer_type("comments")),
    "answer list of numbers": (
        lambda: changed(_set([CANARY, 1], "answers", "liked")),
        _answer_type("liked"),
    ),
    "answers list": (
        lambda: changed(_set([CANARY], "answers")),
        'the payload: field "answers" is not valid (input should be a mapping of names to values)',
    ),
    "other not text": (
        lambda: changed(_set([CANARY], "other", "reason")),
        'the payload: field "other.reason" is not valid (input should be text)',
    ),
    "decline reason not text": (
        lambda: changed(_set({"why": CANARY}, "decline_reason")),
        'the payload: field "decline_reason" is not valid (input should be text)',
    ),
    "option label not text": (
        lambda: changed(_set(1, "wording", "reason", "options", "pay")),
        'the payload: field "wording.reason.options.pay" is not valid (input should be text)',
    ),
    "sealed_at not a time": (
        lambda: changed(_set(CANARY, "sealed_at")),
        'the payload: field "sealed_at" is not valid (input should be a moment, such as '
        "2026-05-31T12:00:00Z)",
    ),
    "sealed_at number": (
        lambda: changed(_set(1_750_000_000, "sealed_at")),
        'the payload: field "sealed_at" is not valid (input should be a moment, such as '
        "2026-05-31T12:00:00Z)",
    ),
    "sealed_at local time": (
        lambda: changed(_set("2025-06-30T14:00:00+02:00", "sealed_at")),
        'the payload: "sealed_at" must be UTC, ending in "Z" or "+00:00"',
    ),
    "sealed_at no zone": (
        lambda: changed(_set("2025-06-30T12:00:00", "sealed_at")),
        'the payload: "sealed_at" must be UTC, ending in "Z" or "+00:00"',
    ),
}


@pytest.mark.parametrize("case", list(PAYLOAD_CASES))
def test_payload_failures(key: HRKey, case: str) -> None:
    make, message = PAYLOAD_CASES[case]
    with pytest.raises(PayloadFailure) as caught:
        open_file(file_around(make(), key), key)
    assert str(caught.value) == message
    assert caught.value.kind == "payload failure"
    assert CANARY not in str(caught.value)
    assert "7d3e" not in str(caught.value)


@pytest.mark.parametrize(
    "sealed_at", ["2025-06-30T12:00:00Z", "2025-06-30T12:00:00.123Z", "2025-06-30T12:00:00+00:00"]
)
def test_payload_sealed_at_spellings_accepted(sealed_at: str) -> None:
    data = padded(changed(_set(sealed_at, "sealed_at")))
    assert payload_format.parse(data).sealed_at.utcoffset() == timedelta(0)


def test_payload_accepts_the_page_spelling() -> None:
    # The page writes JSON.stringify output: sealed_at with milliseconds and "Z", options
    # only where a question has them, null for decline_reason.
    obj = good_json()
    obj["sealed_at"] = "2025-06-30T12:00:00.000Z"
    payload = payload_format.parse(padded(json.dumps(obj, separators=(",", ":")).encode()))
    assert payload.sealed_at == datetime(2025, 6, 30, 12, tzinfo=UTC)
    check_payload(payload, QSET, now=datetime(2025, 7, 1, tzinfo=UTC))


def test_payload_failure_messages_never_hold_answer_text(key: HRKey) -> None:
    """Every way to break a payload that carries the canary in every text field."""
    base = good_json()
    base["decline_reason"] = None
    base["other"]["reason"] = CANARY
    texts = [
        lambda o: o["answers"].__setitem__("comments", {"x": CANARY}),
        lambda o: o.__setitem__("declined", CANARY),
        lambda o: o.__setitem__("sealed_at", CANARY),
        lambda o: o["wording"]["reason"].__setitem__("label", [CANARY]),
        lambda o: o["questionnaire"].__setitem__("id", CANARY),
        lambda o: o.__setitem__("invitation", CANARY),
        lambda o: o.__setitem__("contact", {"name": CANARY}),
        lambda o: o.__setitem__("scope", CANARY),
    ]
    for change in texts:
        obj = json.loads(json.dumps(base))
        change(obj)
        data = json.dumps(obj, ensure_ascii=False).encode()
        try:
            _, payload = open_file(file_around(data, key), key)
            check_payload(payload, QSET, now=datetime.now(UTC))
        except PayloadFailure as e:
            assert CANARY not in str(e) and "7d3e" not in str(e)
        else:
            raise AssertionError(f"accepted a broken payload: {change}")
