"""Plaintexts that open but are no valid payload for the testkit set: payload failures."""

from __future__ import annotations

from typing import Any

from .. import testkit as tk
from .common import (
    REMOVE,
    WORDING,
    Kit,
    answers,
    armored,
    compact,
    derived,
    nested,
    payload,
    response_file,
    seal,
)


def payload_vectors(k: Kit) -> None:
    fail = "payload failure"

    def add(name: str, comment: str, plaintext: bytes, **how: Any) -> None:
        sealed = seal(f"payload_{name}", plaintext, **how)
        k.add(f"payload_{name}", fail, comment, response_file(sealed))

    def p(name: str, **changes: Any) -> bytes:
        return compact(payload(f"payload_{name}", **changes))

    def a(name: str, comment: str, **changed: Any) -> None:
        add(name, comment, p(name, answers=answers(**changed)))

    good_pt = p("base")
    add("empty", "the plaintext is empty (sealed is exactly 48 bytes)", b"", padded=False)
    add("only_padding", "the plaintext is 4096 spaces: padding and no payload", b"")
    add("not_padded", "a valid payload, not padded to a bucket", good_pt, padded=False)
    add(
        "padded_to_5000",
        "a valid payload padded to 5000 bytes, which is no bucket",
        good_pt,
        buckets=(5000,),
    )
    add(
        "padded_one_over",
        "a valid payload padded to 4097 bytes, one past the first bucket",
        good_pt,
        buckets=(4097,),
    )
    add(
        "receiver_scope_hr_bucket",
        "a receiver's payload (scope whistleblowing) padded to 4096, not to 32768",
        p(
            "receiver_scope_hr_bucket",
            scope="whistleblowing",
            wording={q: WORDING[q] for q in ("concern", "concern_text")},
            answers={"concern": True, "concern_text": tk.CANARY},
            other={},
            contact=None,
        ),
    )
    add(
        "contact_in_hr_payload",
        "HR's payload (scope hr) with contact details, which only the receiver's may carry",
        p("contact_in_hr_payload", contact={"name": tk.CANARY}),
    )
    add("scope_missing", "no scope member", p("scope_missing", scope=REMOVE))
    add(
        "scope_unknown",
        "a scope that is neither hr nor whistleblowing",
        p("scope_unknown", scope="leader"),
    )
    add(
        "not_json",
        "the plaintext is text, not JSON",
        f"Thanks for everything. {tk.CANARY}".encode(),
    )
    add(
        "not_utf8",
        "the plaintext is Latin-1, not UTF-8",
        f'{{"comments": "{tk.CANARY} \xe6\xf8\xe5"}}'.encode("latin-1"),
    )
    add("bom", "a byte order mark before the payload", b"\xef\xbb\xbf" + good_pt)
    add("array", "the payload is a JSON array", b"[" + good_pt + b"]")
    add("trailing_data", "text after the payload", good_pt + b" " + tk.CANARY.encode())
    add(
        "duplicate_member",
        'the member "answers" twice',
        good_pt.replace(b'"other":', b'"answers":{"reason":"new_job"},"other":'),
    )
    add(
        "nesting_33",
        "33 levels of nesting (an answer of 31 nested arrays), one too many",
        p("nesting_33", answers=answers(comments=nested(30))),
    )
    add(
        "nan",
        "NaN as the scale answer",
        p("nan").replace(b'"satisfaction":4', b'"satisfaction":NaN'),
    )
    add(
        "lone_surrogate",
        "a lone surrogate escape in an answer",
        p("lone_surrogate", answers=answers(comments="LONE" + tk.CANARY)).replace(
            b"LONE", b"\\ud800"
        ),
    )
    add("format_v1", "payload format version 1", p("format_v1", format="sluttsamtale-payload/1"))
    add("format_v3", "payload format version 3", p("format_v3", format="sluttsamtale-payload/3"))
    add("format_missing", "no format member", p("format_missing", format=REMOVE))
    add("extra_member", "an unknown member in the payload", p("extra_member", note=tk.CANARY))
    add(
        "extra_member_questionnaire",
        "an unknown member in questionnaire",
        p(
            "extra_member_questionnaire",
            questionnaire={
                "id": "testkit",
                "version": 1,
                "language": "en",
                "title": "Testkit exit interview",
                "hash": "x",
            },
        ),
    )
    add(
        "response_id_upper",
        "response_id in upper-case hex",
        p("response_id_upper", response_id=derived("response_id", "x", 16).hex().upper()),
    )
    add(
        "response_id_short",
        "response_id of 30 hex characters",
        p("response_id_short", response_id="ab" * 15),
    )
    add("declined_missing", "no declined member", p("declined_missing", declined=REMOVE))
    add("answers_missing", "no answers member", p("answers_missing", answers=REMOVE))
    add("answers_array", "answers as an array", p("answers_array", answers=[tk.CANARY]))
    for name, comment, ref in [
        (
            "unknown_set",
            "a question set id that is not in the folder",
            {"id": "another-set", "version": 1, "language": "en", "title": "Another"},
        ),
        (
            "wrong_version",
            "version 2 of the set, which does not exist",
            {"id": "testkit", "version": 2, "language": "en", "title": "Testkit exit interview"},
        ),
        (
            "wrong_language",
            "the set's id and version with another language",
            {"id": "testkit", "version": 1, "language": "nb", "title": "Testkit exit interview"},
        ),
        (
            "version_string",
            'the set version as the string "1"',
            {"id": "testkit", "version": "1", "language": "en", "title": "Testkit exit interview"},
        ),
        (
            "version_float",
            "the set version as 1.0",
            {"id": "testkit", "version": 1.0, "language": "en", "title": "Testkit exit interview"},
        ),
    ]:
        add(name, comment, p(name, questionnaire=ref))
    add("declined_number", "declined as 0, not false", p("declined_number", declined=0))
    a("scale_string", 'the scale answer as the string "4"', satisfaction="4")
    a("scale_float", "the scale answer as 4.0", satisfaction=4.0)
    a("scale_above", "the scale answer 6 on a scale of 1 to 5", satisfaction=6)
    a("scale_below", "the scale answer 0 on a scale of 1 to 5", satisfaction=0)
    a("yes_no_number", "the yes/no answer as 1", concern=1)
    a("yes_no_string", 'the yes/no answer as "yes"', concern="yes")
    a("answer_null", "an answer that is null", title=None)
    a("answer_object", "an answer that is an object", title={"text": tk.CANARY})
    a("unknown_question", "an answer to a question the set does not have", salary=tk.CANARY)
    add(
        "wording_unknown_question",
        "wording for a question the set does not have",
        p("wording_unknown_question", wording={**WORDING, "salary": {"label": "Salary?"}}),
    )
    add(
        "missing_required",
        "the required question unanswered, not declined",
        p("missing_required", answers=answers(reason=REMOVE), other={}),
    )
    a("option_unknown", "a single choice that is not one of its options", reason=tk.CANARY)
    a("single_as_list", "a single choice given as a list", reason=["other"])
    a("multiple_duplicate", "a multiple choice naming one option twice", liked=["tasks", "tasks"])
    a("multiple_empty", "a multiple choice as an empty list", liked=[])
    a(
        "multiple_unknown",
        "a multiple choice with a value that is not an option",
        liked=["tasks", tk.CANARY],
    )
    a("multiple_as_string", "a multiple choice given as one string", liked="tasks")
    a(
        "hidden_answered",
        "the conditional question answered while its condition is not met",
        concern=False,
    )
    a("short_text_too_long", "a short text one character over its 40", title="T" * 41)
    a(
        "long_text_too_long",
        "a long text over the default 5000 characters",
        comments=(tk.CANARY + " ") * 100,
    )
    a("text_blank", "a text answer of spaces only", title="   ")
    a("control_bell", "a text answer with a BEL control character", comments=tk.CANARY + "\u0007")
    a("control_nul", "a text answer with a NUL character", comments=tk.CANARY + "\u0000")
    a(
        "control_escape",
        "a text answer with an ANSI escape sequence",
        comments="\u001b[2J" + tk.CANARY,
    )
    a("control_delete", "a text answer with a DEL character", comments=tk.CANARY + "\u007f")
    a("date_impossible", "a date that does not exist (30 February)", last_day="2025-02-30")
    a("date_format", "a date written DD.MM.YYYY", last_day="30.06.2025")
    add(
        "other_not_chosen",
        "other text for a question where other is not chosen",
        p("other_not_chosen", answers=answers(reason="new_job"), other={"reason": tk.CANARY}),
    )
    add(
        "other_not_offered",
        "other text for a question that offers no other",
        p("other_not_offered", other={"reason": "Closer to family", "liked": tk.CANARY}),
    )
    add(
        "other_too_long",
        "other text over 500 characters",
        p("other_too_long", other={"reason": "o" * 501}),
    )
    add(
        "other_control",
        "other text with a control character",
        p("other_control", other={"reason": tk.CANARY + "\u0008"}),
    )
    add(
        "decline_reason_not_declined",
        "a decline reason on a response that is not declined",
        p("decline_reason_not_declined", decline_reason=tk.CANARY),
    )
    add(
        "sealed_at_future",
        "sealed_at far in the future",
        p("sealed_at_future", sealed_at="9999-12-31T00:00:00.000Z"),
    )
    add(
        "sealed_at_not_utc",
        "sealed_at with the offset +01:00",
        p("sealed_at_not_utc", sealed_at="2025-03-14T10:30:00.000+01:00"),
    )
    add(
        "sealed_at_no_zone",
        "sealed_at without a time zone",
        p("sealed_at_no_zone", sealed_at="2025-03-14T09:30:00.000"),
    )
    add(
        "sealed_at_not_a_date",
        "sealed_at that is no date",
        p("sealed_at_not_a_date", sealed_at="yesterday"),
    )
    add(
        "readers_unknown",
        "readers that is not one of the three choices",
        p("readers_unknown", readers="everyone"),
    )
    add(
        "invitation_code",
        "an invitation code, which version 2 payloads no longer carry",
        p("invitation_code", invitation="AbCdEfGhIjKlMnOp_-12"),
    )
    add(
        "readers_hr_and_leader",
        'the version 1 reader choice "hr_and_leader"',
        p("readers_hr_and_leader", readers="hr_and_leader"),
    )
    k.add(
        "payload_armored",
        fail,
        "an armored file whose payload has an unknown question",
        armored(response_file(seal("payload_armored", p("armored", answers=answers(x=1))))),
        file="txt",
    )
