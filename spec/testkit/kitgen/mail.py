"""Saved e-mails (FORMAT.md 8.3): attached, pasted, quoted, and each failure through them."""

from __future__ import annotations

import json

from .. import testkit as tk
from .common import (
    CRLF,
    OTHER_PK,
    RESPONSE_FORMAT,
    Kit,
    answers,
    armored,
    attachment,
    b64,
    carrying,
    compact,
    flip,
    good,
    mail,
    payload,
    response_file,
    seal,
    text_part,
)


def mail_vectors(k: Kit) -> None:
    s = good("mail")
    data = response_file(s)
    block = armored(data)

    def ok(name: str, comment: str, eml: bytes) -> None:
        k.add(
            f"mail_{name}",
            "success",
            comment,
            carrying(eml, data),
            file="eml",
            plaintext=s.plaintext,
        )

    def bad(name: str, expect: str, comment: str, eml: bytes) -> None:
        k.add(f"mail_{name}", expect, comment, eml, file="eml")

    hello = text_part("Hello HR,\nmy answers are attached.\n\nKari\n")
    ok(
        "attachment",
        "the response file attached (application/json, base64)",
        mail(hello, attachment(data)),
    )
    ok(
        "attachment_octet_stream",
        "attached as application/octet-stream",
        mail(hello, attachment(data, "application/octet-stream")),
    )
    ok(
        "pasted",
        "the block pasted into a plain-text mail",
        mail(text_part(f"Hello HR,\n\n{block}\nKari\n")),
    )
    ok(
        "pasted_quoted_printable",
        "the block pasted, the text sent quoted-printable",
        mail(
            text_part(
                f"Hei HR, her er svarene mine. Ha det bra! Æøå\n\n{block}", "quoted-printable"
            )
        ),
    )
    ok(
        "reply_quoted",
        'the block quoted with "> " in a reply',
        mail(
            text_part(f"Thanks, received.\n\nOn Friday Kari wrote:\n{armored(data, prefix='> ')}"),
            subject="Re: Exit interview",
        ),
    )
    ok(
        "attachment_and_pasted",
        "the same response attached and pasted: one response",
        mail(text_part(f"Hello HR,\n\n{block}"), attachment(data)),
    )
    ok(
        "rewrapped_but_attached",
        "a re-wrapped block in the text, the good file attached",
        mail(text_part("Hello,\n" + armored(data, width=72)), attachment(data)),
    )
    other = response_file(good("mail_two other"))
    bad(
        "two_attachments",
        "envelope failure",
        "two different responses attached",
        mail(hello, attachment(data), attachment(other)),
    )
    bad(
        "no_response",
        "envelope failure",
        "a mail that forgot the attachment",
        mail(text_part("Hello HR,\nmy answers are attached.\n")),
    )
    bad(
        "rewrapped_only",
        "armor failure",
        "the only block re-wrapped by the mail program",
        mail(text_part("Hello,\n" + armored(data, width=72))),
    )
    broken = json.dumps(
        {
            "format": RESPONSE_FORMAT,
            "parts": [{"key_id": s.key_id, "sealed": b64(s.sealed)}],
            "note": "x",
        }
    ).encode()
    bad(
        "attachment_envelope",
        "envelope failure",
        "the attached file has an unknown member",
        mail(hello, attachment(broken)),
    )
    foreign = response_file(seal("mail foreign", s.plaintext, to=OTHER_PK))
    bad(
        "attachment_other_key",
        "no key",
        "the attached file is sealed to another HR key",
        mail(hello, attachment(foreign)),
    )
    bad(
        "attachment_flipped",
        "decrypt failure",
        "the attached file has a flipped bit",
        mail(hello, attachment(response_file((s.key_id, flip(s.sealed, 50))))),
    )
    bad_payload = response_file(seal("mail payload", p_unknown_question()))
    bad(
        "attachment_payload",
        "payload failure",
        "the attached file's payload has an unknown answer",
        mail(hello, attachment(bad_payload)),
    )
    # Found by hand while fuzzing: Python's mail parser recurses once per nested part and
    # once per nested comment, and these ended in RecursionError instead of a class. They
    # hold no response, so the class is the same for a reader that can parse any depth.
    bad(
        "nested_parts",
        "envelope failure",
        "2000 multipart levels nested in one another, and no response",
        nested_parts(2000, text_part("Hello HR, no answers from me.\n")),
    )
    bad(
        "many_parts",
        "envelope failure",
        "150 000 one-letter parts and then a good response attached: more than 1000 parts "
        "is refused before parsing (FORMAT.md 8.3)",
        many_parts(150_000, attachment(response_file(good("mail many parts")))),
    )
    ok(
        "parts_at_the_limit",
        "998 one-letter parts and the response attached: 1000 delimiter lines, the most "
        "allowed (FORMAT.md 8.3)",
        many_parts(998, attachment(data)),
    )
    bad(
        "parts_over_the_limit",
        "envelope failure",
        "999 one-letter parts and a response: 1001 delimiter lines, one more than allowed",
        many_parts(999, attachment(data)),
    )
    bad(
        "boundary_in_pieces",
        "envelope failure",
        "the boundary spelt in RFC 2231 pieces (boundary*0, boundary*1) and 1001 parts: "
        "parts are counted by their lines, not by the boundary's spelling",
        many_parts(1000, attachment(data)).replace(
            b'boundary="testkit-many"', b'boundary*0="testkit-"; boundary*1="many"'
        ),
    )
    bad(
        "many_parameters",
        "envelope failure",
        "201 parameters in the mail's Content-Type, and the response attached",
        mail(hello, attachment(data)).replace(
            b"Content-Type: multipart/mixed;",
            b"Content-Type: multipart/mixed;" + b" x=1;" * 200,
            1,
        ),
    )
    bad(
        "nested_comment",
        "envelope failure",
        "a Content-Type header with 2000 nested comments, and no response",
        nested_comment(2000, "Hello HR, no answers from me.\n"),
    )


def many_parts(count: int, last: tuple[str, str, str]) -> bytes:
    """`count` one-letter text parts, then `last` (FORMAT.md 8.3: refused before parsing)."""
    boundary = "testkit-many"
    head = (
        f'MIME-Version: 1.0{CRLF}Content-Type: multipart/mixed; boundary="{boundary}"{CRLF}{CRLF}'
    )
    one = f"--{boundary}{CRLF}Content-Type: text/plain{CRLF}{CRLF}x{CRLF}"
    ctype, cte, body = last
    tail = (
        f"--{boundary}{CRLF}Content-Type: {ctype}{CRLF}Content-Transfer-Encoding: {cte}"
        f"{CRLF}{CRLF}{body}{CRLF}--{boundary}--{CRLF}"
    )
    return (head + one * count + tail).encode("ascii")


def nested_parts(depth: int, inner: tuple[str, str, str]) -> bytes:
    ctype, cte, body = inner
    head = "MIME-Version: 1.0" + CRLF
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"{CRLF}{CRLF}--b{i}{CRLF}'
        for i in range(depth)
    )
    leaf = f"Content-Type: {ctype}{CRLF}Content-Transfer-Encoding: {cte}{CRLF}{CRLF}{body}{CRLF}"
    closing = "".join(f"--b{i}--{CRLF}" for i in reversed(range(depth)))
    return (head + opening + leaf + closing).encode("ascii")


def nested_comment(depth: int, text: str) -> bytes:
    comment = "(" * depth + ")" * depth
    return (
        f"MIME-Version: 1.0{CRLF}Content-Type: text/plain; charset=utf-8 {comment}{CRLF}"
        f"{CRLF}{text.replace(chr(10), CRLF)}"
    ).encode("ascii")


def p_unknown_question() -> bytes:
    return compact(payload("mail payload", answers=answers(salary=tk.CANARY)))
