"""The response file's envelope (sluttsamtale-response/2): canonical out, strict in."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.errors import EnvelopeError
from collector.formats import envelope, hpke, keys
from collector.formats.envelope import MAX_FILE_BYTES, Envelope, Part

if TYPE_CHECKING:
    from conftest import TestKey

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
KID_A = "0123456789abcdef" * 2
KID_B = "fedcba9876543210" * 2


@pytest.fixture(scope="module")
def good(test_key: TestKey) -> bytes:
    sealed = hpke.seal(b'{"a": 1}', test_key.public.raw)
    return envelope.encode(Envelope(parts=(Part(test_key.key_id, sealed),)))


def obj_of(data: bytes) -> dict[str, Any]:
    return json.loads(data)


def dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode()


def refused(data: bytes) -> str:
    with pytest.raises(EnvelopeError) as caught:
        envelope.parse(data)
    message = str(caught.value)
    assert "\n" not in message
    return message


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def padded_sealed(pad: int) -> str:
    """Base64 of a sealed part whose text ends in `pad` padding characters."""
    length = 48 + (3 - pad) % 3
    text = b64(bytes(range(length)))
    assert text.endswith("=" * pad) and not text.endswith("=" * (pad + 1))
    return text


# --------------------------------------------------------------------------- writing


def test_encode_is_the_canonical_form() -> None:
    sealed = bytes(range(48))
    data = envelope.encode(Envelope(parts=(Part(KID_A, sealed),)))
    assert (
        data
        == (
            '{"format": "sluttsamtale-response/2", "parts": [{"key_id": "'
            + KID_A
            + '", "sealed": "'
            + b64(sealed)
            + '"}]}\n'
        ).encode()
    )


def test_encode_two_parts_in_order() -> None:
    one, two = Part(KID_A, bytes(48)), Part(KID_B, bytes(range(60)))
    data = envelope.encode(Envelope(parts=(one, two)))
    assert obj_of(data)["parts"] == [
        {"key_id": KID_A, "sealed": b64(bytes(48))},
        {"key_id": KID_B, "sealed": b64(bytes(range(60)))},
    ]
    assert envelope.parse(data) == Envelope(parts=(one, two))


def test_parse_good_file(good: bytes, test_key: TestKey) -> None:
    parsed = envelope.parse(good)
    (part,) = parsed.parts
    assert part.key_id == test_key.key_id
    assert hpke.open_sealed(part.sealed, test_key.private) == b'{"a": 1}'
    assert envelope.encode(parsed) == good


@given(
    st.lists(
        st.tuples(
            st.text("0123456789abcdef", min_size=32, max_size=32),
            st.binary(min_size=48, max_size=400),
        ),
        min_size=1,
        max_size=2,
        unique_by=lambda p: p[0],
    )
)
def test_canonical_files_round_trip(parts: list[tuple[str, bytes]]) -> None:
    env = Envelope(parts=tuple(Part(k, s) for k, s in parts))
    data = envelope.encode(env)
    assert envelope.parse(data) == env
    assert envelope.encode(envelope.parse(data)) == data


@pytest.mark.parametrize(
    "respell",
    [
        lambda o: json.dumps(o, indent=2).encode(),
        lambda o: json.dumps(o, separators=(",", ":")).encode(),
        lambda o: json.dumps(o).replace(", ", ",\r\n\t").encode() + b"\r\n",
        lambda o: b"\n \t" + json.dumps(o).encode() + b"\n\n  ",
        lambda o: json.dumps(o).replace("/", "\\/").encode(),
        lambda o: json.dumps(o).replace('"format"', '"\\u0066ormat"').encode(),
    ],
    ids=[
        "indented",
        "compact",
        "crlf-and-tabs",
        "surrounding-whitespace",
        "escaped-slash",
        "escaped-letter",
    ],
)
def test_parse_refuses_any_other_json_spelling(good: bytes, respell: Any) -> None:
    data = respell(obj_of(good))
    assert data != good
    assert refused(data).startswith("the file is not in canonical form")


def test_parse_accepts_the_canonical_bytes_without_the_final_newline(good: bytes) -> None:
    # What json.dump(obj, file) writes; re-encoding adds the LF back.
    assert envelope.encode(envelope.parse(good.rstrip(b"\n"))) == good


def test_parse_accepts_the_shortest_sealed_part() -> None:
    data = dumps(
        {
            "format": "sluttsamtale-response/2",
            "parts": [{"key_id": KID_A, "sealed": b64(bytes(48))}],
        }
    )
    assert envelope.parse(data).parts[0].sealed == bytes(48)


def test_parse_accepts_exactly_1_mib() -> None:
    shell = len(envelope.encode(Envelope((Part(KID_A, b""),))))
    sealed = bytes((MAX_FILE_BYTES - shell) // 4 * 3)  # base64 grows by 4/3, no padding
    data = envelope.encode(Envelope((Part(KID_A, sealed),)))
    assert len(data) == MAX_FILE_BYTES - (MAX_FILE_BYTES - shell) % 4
    assert envelope.encode(envelope.parse(data)) == data


# --------------------------------------------------------------------------- reading: bytes


def test_parse_refuses_empty() -> None:
    assert refused(b"") == "empty file"


def test_parse_refuses_more_than_1_mib(good: bytes) -> None:
    data = good[:-1] + b" " * (MAX_FILE_BYTES - len(good) + 1) + b"\n"
    assert len(data) == MAX_FILE_BYTES + 1
    assert refused(data) == "file is larger than 1 MiB, the most a response file may be"


BYTE_CASES: dict[str, tuple[Any, str]] = {
    "bom": (lambda g: b"\xef\xbb\xbf" + g, "starts with a byte order mark"),
    "latin-1": (lambda g: g.replace(b'"format"', b'"f\xf8rmat"'), "not UTF-8"),
    "utf-16 with bom": (lambda g: g.decode().encode("utf-16"), "not UTF-8"),
    # Without a BOM, ASCII in UTF-16 is valid UTF-8 holding NULs: JSON says what is wrong.
    "utf-16 without bom": (
        lambda g: g.decode().encode("utf-16-le"),
        "not JSON (a name in double quotes was expected at line 1, column 2)",
    ),
    "not json": (
        lambda g: b"Hei HR,\nher er svarene mine.\n",
        "not JSON (a value was expected at line 1, column 1)",
    ),
    "cut short": (lambda g: g[:40], "not JSON (a string that does not end at line 1, column 39)"),
    "single quotes": (
        lambda g: g.replace(b'"', b"'"),
        "not JSON (a name in double quotes was expected at line 1, column 2)",
    ),
    "trailing object": (lambda g: g + b"{}", "trailing data after the JSON object"),
    "trailing text": (lambda g: g + b"-- \nHilsen Kari\n", "trailing data after the JSON object"),
    "two files": (lambda g: g + g, "trailing data after the JSON object"),
    "nul after": (lambda g: g + b"\x00", "trailing data after the JSON object"),
    "duplicate format": (
        lambda g: g.replace(b'{"format"', b'{"format": "sluttsamtale-response/2", "format"'),
        'duplicate key "format"',
    ),
    "duplicate parts": (
        lambda g: g.replace(b', "parts"', b', "parts": [], "parts"'),
        'duplicate key "parts"',
    ),
    "duplicate key id": (
        lambda g: g.replace(b'{"key_id"', b'{"key_id": "x", "key_id"'),
        'duplicate key "key_id"',
    ),
    "deep nesting": (lambda g: b'{"x": ' + b"[" * 40 + b"]" * 40 + b"}", "nesting too deep"),
    "very deep nesting": (lambda g: b"[" * 200_000 + b"]" * 200_000, "nesting too deep"),
    "nan": (lambda g: b'{"format": NaN}', "not JSON (NaN is not a JSON number)"),
    "infinity": (lambda g: b'{"format": -Infinity}', "not JSON (-Infinity is not a JSON number)"),
    "long number": (
        lambda g: b'{"format": ' + b"9" * 5000 + b"}",
        "not JSON (a number has too many digits)",
    ),
    # Found by fuzz/targets/strictjson.py: Python reads these as infinity.
    "overflowing number": (lambda g: b'{"format": 1e400}', "not JSON (a number is too large)"),
    "overflowing negative": (lambda g: b'{"x": [-1E+999]}', "not JSON (a number is too large)"),
    "array": (lambda g: b"[" + g.rstrip() + b"]", "the file is not a JSON object"),
    "string": (lambda g: b'"sluttsamtale-response/2"', "the file is not a JSON object"),
    "null": (lambda g: b"null", "the file is not a JSON object"),
}


@pytest.mark.parametrize("case", list(BYTE_CASES))
def test_parse_refuses_bad_bytes(good: bytes, case: str) -> None:
    change, message = BYTE_CASES[case]
    assert refused(change(good)) == message


# --------------------------------------------------------------------------- reading: fields


def part(key_id: Any = KID_A, sealed: Any = None, **extra: Any) -> dict[str, Any]:
    return {"key_id": key_id, "sealed": b64(bytes(48)) if sealed is None else sealed, **extra}


def file(parts: Any = None, fmt: Any = "sluttsamtale-response/2", **extra: Any) -> bytes:
    return dumps({"format": fmt, "parts": [part()] if parts is None else parts, **extra})


FIELD_CASES: dict[str, tuple[bytes, str]] = {
    "unknown field": (file(x=1), 'unknown field "x"'),
    "unknown field in part": (file([part(note="hei")]), 'unknown field "note"'),
    "unprintable field": (file(**{"\u0007\n": 1}), "unknown field (an unprintable name)"),
    "long field": (file(**{"y" * 65: 1}), "unknown field (an unprintable name)"),
    "missing format": (dumps({"parts": [part()]}), 'missing field "format"'),
    "missing parts": (dumps({"format": "sluttsamtale-response/2"}), 'missing field "parts"'),
    "missing sealed": (file([{"key_id": KID_A}]), 'missing field "sealed"'),
    "missing key id": (file([{"sealed": b64(bytes(48))}]), 'missing field "key_id"'),
    "format number": (file(fmt=1), '"format" must be a string'),
    "format null": (file(fmt=None), '"format" must be a string'),
    "format list": (file(fmt=["sluttsamtale-response/2"]), '"format" must be a string'),
    "format 2": (
        file(fmt="sluttsamtale-response/3"),
        'unsupported format "sluttsamtale-response/3"',
    ),
    "format upper": (
        file(fmt="SLUTTSAMTALE-RESPONSE/1"),
        'unsupported format "SLUTTSAMTALE-RESPONSE/1"',
    ),
    "format payload": (
        file(fmt="sluttsamtale-payload/2"),
        'unsupported format "sluttsamtale-payload/2"',
    ),
    "format with space": (
        file(fmt="sluttsamtale-response/2 "),
        'unsupported format "sluttsamtale-response/2 "',
    ),
    "format unprintable": (file(fmt="x\u202ey"), "unsupported format (an unprintable name)"),
    "parts object": (file(part()), '"parts" must be a list'),
    "parts none": (file([]), '"parts" must hold 1 or 2 parts, not 0'),
    "parts three": (
        file([part("a" * 32), part("b" * 32), part("c" * 32)]),
        '"parts" must hold 1 or 2 parts, not 3',
    ),
    "part string": (file(["sealed"]), 'each of "parts" must be a JSON object'),
    "key id number": (file([part(key_id=1)]), '"key_id" must be a string'),
    "sealed bytes list": (file([part(sealed=[1, 2])]), '"sealed" must be a string'),
    "key id upper": (
        file([part(key_id=KID_A.upper())]),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "key id short": (
        file([part(key_id=KID_A[:31])]),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "key id long": (
        file([part(key_id=KID_A + "0")]),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "key id fingerprint": (
        file([part(key_id=keys.fingerprint(KID_A))]),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "key id newline": (
        file([part(key_id=KID_A + "\n")]),
        '"key_id" must be 32 lowercase hex characters',
    ),
    "sealed empty": (file([part(sealed="")]), "sealed part is shorter than 48 bytes"),
    "sealed 47": (file([part(sealed=b64(bytes(47)))]), "sealed part is shorter than 48 bytes"),
    "sealed no padding": (
        file([part(sealed=padded_sealed(2).rstrip("="))]),
        '"sealed" is not canonical base64',
    ),
    "sealed half padding": (
        file([part(sealed=padded_sealed(2)[:-1])]),
        '"sealed" is not canonical base64',
    ),
    "sealed extra padding": (
        file([part(sealed=padded_sealed(0) + "====")]),
        '"sealed" is not canonical base64',
    ),
    "sealed spare bits": (
        file(
            [
                part(
                    sealed=padded_sealed(2)[:-3]
                    + ALPHABET[ALPHABET.index(padded_sealed(2)[-3]) | 1]
                    + "=="
                )
            ]
        ),
        '"sealed" is not canonical base64',
    ),
    "sealed spare bits one pad": (
        file(
            [
                part(
                    sealed=padded_sealed(1)[:-2]
                    + ALPHABET[ALPHABET.index(padded_sealed(1)[-2]) | 1]
                    + "="
                )
            ]
        ),
        '"sealed" is not canonical base64',
    ),
    "sealed url-safe": (
        file([part(sealed=b64(bytes([251, 255] * 30)).replace("+", "-").replace("/", "_"))]),
        '"sealed" is not canonical base64',
    ),
    "sealed line break": (
        file([part(sealed=b64(bytes(60))[:40] + "\n" + b64(bytes(60))[40:])]),
        '"sealed" is not canonical base64',
    ),
    "sealed space": (file([part(sealed=" " + b64(bytes(48)))]), '"sealed" is not canonical base64'),
    "sealed padding inside": (
        file([part(sealed="AA==" + b64(bytes(48)))]),
        '"sealed" is not canonical base64',
    ),
    "same key id": (file([part(), part()]), "two parts have the same key id"),
    "second part bad": (
        file([part(), part(KID_B, sealed="AAAA")]),
        "part 2: sealed part is shorter than 48 bytes",
    ),
    "second part unknown field": (file([part(), part(KID_B, x=1)]), 'part 2: unknown field "x"'),
    "first part of two bad": (
        file([part(key_id="x"), part(KID_B)]),
        'part 1: "key_id" must be 32 lowercase hex characters',
    ),
}


@pytest.mark.parametrize("case", list(FIELD_CASES))
def test_parse_refuses_bad_fields(case: str) -> None:
    data, message = FIELD_CASES[case]
    assert refused(data) == message


def test_parse_accepts_two_parts_with_distinct_ids() -> None:
    parsed = envelope.parse(file([part(), part(KID_B, sealed=b64(bytes(range(49))))]))
    assert [p.key_id for p in parsed.parts] == [KID_A, KID_B]
    assert parsed.parts[1].sealed == bytes(range(49))


# --------------------------------------------------------------------------- receipt and name


def test_receipt_of_known_bytes() -> None:
    # SHA-256 of the empty string starts e3b0c44298fc...
    assert envelope.receipt(b"") == "e3b0-c442-98fc"
    assert envelope.receipt(b"abc") == "ba78-16bf-8f01"


def test_receipt_and_file_name_of_a_real_file(good: bytes) -> None:
    digest = hashlib.sha256(good).hexdigest()
    assert envelope.receipt(good) == f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"
    assert envelope.file_name(good, date(2025, 3, 14)) == (
        f"sluttsamtale-2025-03-14-{digest[:6]}.json"
    )


def test_file_name_pads_the_date() -> None:
    assert envelope.file_name(b"abc", date(2026, 1, 2)) == "sluttsamtale-2026-01-02-ba7816.json"


def test_receipt_changes_with_any_byte(good: bytes) -> None:
    # The receipt is of the bytes as written, not of the parsed content.
    respelled = json.dumps(obj_of(good), indent=2).encode()
    assert envelope.receipt(respelled) != envelope.receipt(good)


@pytest.mark.parametrize("links", [(None,), ("ab" * 16,), ("cd" * 16, None), (None, None)])
def test_parse_puts_the_canonical_bytes_together_as_json_dumps_writes_them(
    links: tuple[str | None, ...],
) -> None:
    parts = [
        (f"{n:032x}", link, base64.b64encode(bytes(range(n, n + 60))).decode("ascii"))
        for n, link in enumerate(links)
    ]
    assert envelope._canonical(parts) == envelope._dumped(parts)
