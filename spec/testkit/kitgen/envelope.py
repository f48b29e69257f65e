"""Response files that break section 5.3 (and section 1): envelope failures."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from ..testkit import LINK_ID, LINK_SECRET_TEXT
from .common import (
    KIT,
    MIB,
    OTHER_K,
    PAYLOAD_FORMAT,
    REMOVE,
    RESPONSE_FORMAT,
    Kit,
    b64,
    good,
    nested,
    response_file,
    spare_bits,
)


def envelope_vectors(k: Kit) -> None:
    s = good("envelope")
    canonical = response_file(s)
    part = {"key_id": s.key_id, "sealed": b64(s.sealed)}

    def obj(**changes: Any) -> str:
        top: dict[str, Any] = {"format": RESPONSE_FORMAT, "parts": [part]}
        for key, value in changes.items():
            if value is REMOVE:
                top.pop(key)
            else:
                top[key] = value
        return json.dumps(top) + "\n"

    def with_part(**changes: Any) -> str:
        item = dict(part)
        for key, value in changes.items():
            if value is REMOVE:
                item.pop(key)
            else:
                item[key] = value
        return obj(parts=[item])

    fail = "envelope failure"
    table: list[tuple[str, str, bytes | str]] = [
        ("empty", "an empty file", b""),
        ("whitespace_only", "only JSON whitespace: no value, so no response", b" \r\n\t\n"),
        ("truncated", "the canonical file cut off halfway", canonical[: len(canonical) // 2]),
        (
            "format_v1",
            "format version 1, which version 2 readers refuse",
            obj(format="sluttsamtale-response/1"),
        ),
        ("format_v3", "an unknown format version", obj(format="sluttsamtale-response/3")),
        ("format_number", "the format as a number", obj(format=1)),
        ("format_null", "the format as null", obj(format=None)),
        ("format_missing", "no format member", obj(format=REMOVE)),
        ("format_upper", "the format string in upper case", obj(format=RESPONSE_FORMAT.upper())),
        (
            "format_space",
            "the format string with a trailing space",
            obj(format=RESPONSE_FORMAT + " "),
        ),
        ("format_payload", "the payload's format string", obj(format=PAYLOAD_FORMAT)),
        ("parts_missing", "no parts member", obj(parts=REMOVE)),
        ("parts_object", "parts as an object, not an array", obj(parts=part)),
        ("parts_empty", "parts as an empty array", obj(parts=[])),
        (
            "parts_three",
            "three parts: the most is two",
            obj(
                parts=[
                    part,
                    {"key_id": OTHER_K, "sealed": b64(s.sealed)},
                    {"key_id": "0" * 32, "sealed": b64(s.sealed)},
                ]
            ),
        ),
        ("parts_string", "a part that is a string", obj(parts=[b64(s.sealed)])),
        ("parts_null", "a part that is null", obj(parts=[None])),
        ("key_id_missing", "a part without key_id", with_part(key_id=REMOVE)),
        ("sealed_missing", "a part without sealed", with_part(sealed=REMOVE)),
        ("key_id_number", "key_id as a number", with_part(key_id=12345)),
        ("key_id_upper", "key_id in upper-case hex", with_part(key_id=s.key_id.upper())),
        (
            "key_id_fingerprint",
            "key_id written as the fingerprint, with spaces",
            with_part(key_id=" ".join(s.key_id[i : i + 4] for i in range(0, 32, 4))),
        ),
        ("key_id_short", "key_id of 31 hex characters", with_part(key_id=s.key_id[:31])),
        (
            "key_id_long",
            "key_id of the full SHA-256, 64 hex characters",
            with_part(key_id=hashlib.sha256(KIT.public).hexdigest()),
        ),
        (
            "sealed_array",
            "sealed as an array of byte values",
            with_part(sealed=list(s.sealed[:64])),
        ),
        ("sealed_null", "sealed as null", with_part(sealed=None)),
        (
            "sealed_urlsafe",
            "sealed in URL-safe base64 (- and _)",
            with_part(sealed=base64.urlsafe_b64encode(s.sealed).decode()),
        ),
        (
            "sealed_no_padding",
            "sealed without its = padding",
            with_part(sealed=b64(s.sealed).rstrip("=")),
        ),
        (
            "sealed_newline",
            "sealed wrapped at 76 columns with escaped newlines",
            with_part(
                sealed="\n".join(
                    b64(s.sealed)[i : i + 76] for i in range(0, len(b64(s.sealed)), 76)
                )
            ),
        ),
        (
            "sealed_space",
            "a space inside sealed",
            with_part(sealed=b64(s.sealed)[:40] + " " + b64(s.sealed)[40:]),
        ),
        (
            "sealed_spare_bits",
            "sealed with non-zero unused bits in its last character",
            with_part(sealed=spare_bits(b64(s.sealed))),
        ),
        (
            "sealed_47_bytes",
            "sealed decodes to 47 bytes, less than enc and a tag",
            with_part(sealed=b64(s.sealed[:47])),
        ),
        ("sealed_empty", "sealed is the empty string", with_part(sealed="")),
        ("same_key_id_twice", "two parts with the same key id", obj(parts=[part, part])),
        (
            "duplicate_member",
            'the member "format" twice, with the same value',
            canonical.decode().replace('"parts"', f'"format": "{RESPONSE_FORMAT}", "parts"'),
        ),
        (
            "duplicate_member_in_part",
            'the member "sealed" twice in a part, with the same value',
            canonical.decode().replace('"}]}', f'", "sealed": "{b64(s.sealed)}"}}]}}'),
        ),
        ("extra_member", "an unknown member beside format and parts", obj(comment="hello")),
        ("link_upper", "a link id in upper-case hex", with_part(link=LINK_ID.upper())),
        ("link_short", "a link id of 31 hex characters", with_part(link=LINK_ID[:31])),
        ("link_number", "a link id as a number", with_part(link=12345)),
        ("link_null", "a link id as null", with_part(link=None)),
        (
            "link_secret",
            "the link secret itself where the link id goes",
            with_part(link=LINK_SECRET_TEXT),
        ),
        (
            "link_in_second_part",
            "a link in the second part: only HR's part, the first, may carry one",
            obj(parts=[part, {"key_id": OTHER_K, "link": LINK_ID, "sealed": b64(s.sealed)}]),
        ),
        ("extra_member_in_part", "an unknown member in a part", with_part(aad="")),
        ("bom", "a UTF-8 byte order mark before the JSON", b"\xef\xbb\xbf" + canonical),
        ("nul_after", "a NUL byte after the JSON", canonical + b"\x00"),
        (
            "nul_in_string",
            "a raw NUL byte inside the format string",
            canonical.replace(b"response/2", b"response/2\x00"),
        ),
        (
            "invalid_utf8",
            "a byte that is not UTF-8 (0xff) inside a string",
            canonical.replace(b"response/2", b"response/2\xff"),
        ),
        (
            "overlong_utf8",
            "an overlong UTF-8 encoding of / (C0 AF)",
            canonical.replace(b"response/2", b"response\xc0\xaf2"),
        ),
        ("trailing_garbage", "text after the JSON object", canonical + b"thanks!\n"),
        ("trailing_object", "a second JSON object after the first", canonical + canonical),
        ("top_array", "the parts array as the whole file", json.dumps([part]) + "\n"),
        (
            "nesting_33",
            "33 levels of nesting (the object and 32 arrays), one more than allowed",
            obj(parts=nested(31)),
        ),
        (
            "nesting_100000",
            "100 000 nested arrays: refused, without running out of stack",
            '{"format": "sluttsamtale-response/2", "parts": ' + "[" * 100_000 + "]" * 100_000 + "}",
        ),
        (
            "nan",
            "NaN where the parts go, which is not JSON",
            canonical.decode().split('"parts"')[0] + '"parts": NaN}\n',
        ),
        (
            "big_integer",
            "an integer of 40 digits",
            canonical.decode().replace('"parts"', '"x": ' + "9" * 40 + ', "parts"'),
        ),
        (
            "number_overflow",
            "a number too large for a double (1e400), which Python's json reads as infinity",
            canonical.decode().replace('"parts"', '"x": 1e400, "parts"'),
        ),
        (
            "lone_surrogate",
            "a lone UTF-16 surrogate escape in key_id",
            with_part(key_id="\ud800" + s.key_id[1:]),
        ),
    ]
    for name, comment, body in table:
        k.add(f"envelope_{name}", fail, comment, body)
    data = canonical.rstrip(b"\n")
    k.add(
        "envelope_oversized",
        fail,
        "a valid file padded with spaces to 1 MiB and one byte",
        data + b" " * (MIB + 1 - len(data)),
    )
