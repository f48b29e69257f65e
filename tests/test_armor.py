"""The armored block: written byte for byte, read through what mail systems do to text."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.errors import ArmorError
from collector.formats import armor, envelope
from collector.formats.armor import BEGIN, END
from collector.formats.envelope import Envelope, Part

REWRAPPED = "it looks re-wrapped by an e-mail program; attach the .json file instead"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def response(sealed_len: int = 120) -> bytes:
    """A canonical response file (armor does not open it, so any 48+ bytes will do)."""
    return envelope.encode(Envelope(parts=(Part("ab" * 16, bytes(range(sealed_len))),)))


def response_padded(pad: int) -> bytes:
    """A response file whose base64 ends in exactly `pad` "=" characters."""
    for n in range(48, 60):
        data = response(n)
        text = base64.b64encode(data).decode()
        if len(text) - len(text.rstrip("=")) == pad:
            return data
    raise AssertionError(f"no length gives {pad} padding characters")


FILE = response()
BLOCK = armor.armor(FILE)
LINES = BLOCK.splitlines()  # BEGIN, body..., END


def refused(text: str) -> str:
    with pytest.raises(ArmorError) as caught:
        armor.find_blocks(text)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------- writing


def test_armor_layout() -> None:
    assert BLOCK.endswith("\n") and "\r" not in BLOCK
    assert LINES[0] == BEGIN == "-----BEGIN SLUTTSAMTALE RESPONSE-----"
    assert LINES[-1] == END == "-----END SLUTTSAMTALE RESPONSE-----"
    body = LINES[1:-1]
    assert len(body) > 2
    assert all(len(line) == 64 for line in body[:-1])
    assert 1 <= len(body[-1]) <= 64
    assert base64.b64decode("".join(body), validate=True) == FILE


def test_armor_exact_bytes_of_a_small_file() -> None:
    assert armor.armor(b"{}\n") == f"{BEGIN}\ne30K\n{END}\n"


def test_armor_exactly_64_columns_has_no_short_line() -> None:
    data = bytes(48)  # 64 base64 characters
    assert armor.armor(data) == f"{BEGIN}\n{'A' * 64}\n{END}\n"


def test_armor_refuses_nothing() -> None:
    with pytest.raises(ValueError, match="nothing to armor"):
        armor.armor(b"")


@given(st.binary(min_size=1, max_size=2000))
def test_armor_round_trip(data: bytes) -> None:
    assert armor.find_blocks(armor.armor(data)) == [data]


# --------------------------------------------------------------------------- reading: accepted


def quote(prefix: str, text: str) -> str:
    return "".join(prefix + line + "\n" for line in text.splitlines())


ACCEPTED: dict[str, Callable[[str], str]] = {
    "as written": lambda b: b,
    "no final newline": lambda b: b.rstrip("\n"),
    "text around": lambda b: "Hei HR,\n\nher er svarene mine:\n\n" + b + "\nHilsen Åse ✓\n",
    "on the first line": lambda b: b + "-- \nsendt fra mobilen\n",
    "crlf": lambda b: b.replace("\n", "\r\n"),
    "mixed line ends": lambda b: b.replace("\n", "\r\n", 3),
    "trailing spaces": lambda b: b.replace("\n", "  \n"),
    "trailing tabs and spaces": lambda b: b.replace("\n", " \t \r\n"),
    "quoted": lambda b: "Kari wrote:\n" + quote("> ", b),
    "quoted twice": lambda b: quote(">> ", b),
    "quoted twice spaced": lambda b: quote("> > ", b),
    "quoted bare": lambda b: quote(">", b),
    "quoted with crlf and trailing spaces": lambda b: quote("> ", b).replace("\n", " \r\n"),
    "indented": lambda b: quote("    ", b),
    "end of a long mail": lambda b: "x\n" * 5000 + b,
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_find_blocks_accepts(case: str) -> None:
    assert armor.find_blocks(ACCEPTED[case](BLOCK)) == [FILE]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hei HR, svarene kommer i morgen.\n",
        json.dumps({"format": "sluttsamtale-response/2"}),
        "-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----\n",
        "Sluttsamtale response follows.\n",
        f"{END}\n",  # an END alone is not a block
        "\n".join(LINES[1:]),  # the BEGIN line was lost: nothing that looks like a block
    ],
    ids=["empty", "prose", "json", "pgp", "the name", "end only", "no begin"],
)
def test_find_blocks_without_a_begin_line_is_empty(text: str) -> None:
    assert armor.find_blocks(text) == []


def test_find_blocks_finds_every_block_in_order() -> None:
    other = response(200)
    text = f"first:\n{BLOCK}\nand again, quoted:\n{quote('> ', armor.armor(other))}\n{BLOCK}"
    assert armor.find_blocks(text) == [FILE, other, FILE]


def test_find_blocks_refuses_when_any_block_is_broken() -> None:
    broken = BLOCK.replace(END, "")
    assert refused(f"{BLOCK}\n{broken}").startswith("the block that begins on line")


# --------------------------------------------------------------------------- reading: refused


def body_lines() -> list[str]:
    return LINES[1:-1]


def with_body(body: list[str]) -> str:
    return "\n".join([BEGIN, *body, END]) + "\n"


def rewrap(width: int) -> str:
    joined = "".join(body_lines())
    return with_body([joined[i : i + width] for i in range(0, len(joined), width)])


def drop_padding() -> str:
    block = armor.armor(response_padded(2))
    assert "==\n" in block
    return block.replace("==\n", "\n")


def spare_bits() -> str:
    block = armor.armor(response_padded(2))
    lines = block.splitlines()
    last = lines[-2]
    lines[-2] = last[:-3] + ALPHABET[ALPHABET.index(last[-3]) | 1] + "=="
    return "\n".join(lines) + "\n"


def first_body_line_changed(change: Callable[[str], str]) -> str:
    body = body_lines()
    body[0] = change(body[0])
    return with_body(body)


BLOCK_AT_1 = "the block that begins on line 1"

REFUSED: dict[str, tuple[Callable[[], str], str]] = {
    "lowercase label": (
        lambda: BLOCK.replace(BEGIN, BEGIN.lower()),
        f'line 1 must read exactly "{BEGIN}"',
    ),
    "title case label": (
        lambda: BLOCK.replace(BEGIN, "-----BEGIN Sluttsamtale Response-----"),
        f'line 1 must read exactly "{BEGIN}"',
    ),
    "other label": (
        lambda: BLOCK.replace(BEGIN, "-----BEGIN SLUTTSAMTALE KEY-----"),
        f'line 1 must read exactly "{BEGIN}"',
    ),
    "short dashes": (
        lambda: BLOCK.replace(BEGIN, BEGIN[:-1]),
        f'line 1 must read exactly "{BEGIN}"',
    ),
    "lowercase end": (
        lambda: BLOCK.replace(END, END.lower()),
        f'line {len(LINES)} must read exactly "{END}"',
    ),
    "end with text after": (
        lambda: BLOCK.replace(END, END + "Hilsen"),
        f'line {len(LINES)} must read exactly "{END}"',
    ),
    "text before begin": (
        lambda: "Svarene: " + BLOCK,
        f"line 1 has text before the BEGIN line; {REWRAPPED}",
    ),
    "joined into one paragraph": (
        lambda: " ".join(LINES) + "\n",
        f"line 1 has text after the BEGIN line; {REWRAPPED}",
    ),
    "version header": (
        lambda: first_body_line_changed(lambda line: "Version: 1\n" + line),
        "line 2: armor headers are not allowed",
    ),
    "comment header": (
        lambda: first_body_line_changed(lambda line: "Comment: from Kari\n\n" + line),
        "line 2: armor headers are not allowed",
    ),
    "rewrapped at 76": (
        lambda: rewrap(76),
        f"{BLOCK_AT_1} has lines that are not 64 characters long; {REWRAPPED}",
    ),
    "rewrapped at 60": (
        lambda: rewrap(60),
        f"{BLOCK_AT_1} has lines that are not 64 characters long; {REWRAPPED}",
    ),
    "one long line": (
        lambda: rewrap(10_000),
        f"{BLOCK_AT_1} has lines that are not 64 characters long; {REWRAPPED}",
    ),
    "blank line inside": (
        lambda: first_body_line_changed(lambda line: line + "\n"),
        f"{BLOCK_AT_1} has lines that are not 64 characters long; {REWRAPPED}",
    ),
    "space inside a line": (
        lambda: first_body_line_changed(lambda line: line[:30] + " " + line[30:]),
        f"{BLOCK_AT_1} has lines that are not 64 characters long; {REWRAPPED}",
    ),
    "not base64": (
        lambda: first_body_line_changed(lambda line: "!" + line[1:]),
        f"{BLOCK_AT_1} holds characters that are not base64",
    ),
    "url-safe base64": (
        lambda: first_body_line_changed(lambda line: "-_" + line[2:]),
        f"{BLOCK_AT_1} holds characters that are not base64",
    ),
    "missing padding": (
        drop_padding,
        f"{BLOCK_AT_1} is missing its base64 padding, or is cut short",
    ),
    "spare bits": (spare_bits, f"{BLOCK_AT_1} is not canonical base64"),
    "padding inside": (
        lambda: first_body_line_changed(lambda line: line[:-4] + "AA=="),
        f"{BLOCK_AT_1} is not canonical base64",
    ),
    "missing end": (lambda: BLOCK.replace(END + "\n", ""), f"{BLOCK_AT_1} has no END line"),
    "missing end, more text": (
        lambda: BLOCK.replace(END, "") + "Hilsen Kari\n",
        f"{BLOCK_AT_1} has no END line",
    ),
    "begin again before end": (
        lambda: BLOCK.replace(END + "\n", "") + BLOCK,
        f"{BLOCK_AT_1} has no END line",
    ),
    "empty block": (lambda: f"{BEGIN}\n{END}\n", f"{BLOCK_AT_1} is empty"),
    "quote prefix lost": (
        lambda: quote("> ", BLOCK).replace("> " + LINES[2], LINES[2]),
        'line 3 does not start with "> " as its BEGIN line does',
    ),
    "quote prefix changed": (
        lambda: quote("> ", BLOCK).replace("> " + LINES[2], ">> " + LINES[2]),
        'line 3 does not start with "> " as its BEGIN line does',
    ),
    "quoted without space": (
        lambda: quote("> ", BLOCK).replace("> " + LINES[2], ">" + LINES[2]),
        'line 3 does not start with "> " as its BEGIN line does',
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_find_blocks_refuses(case: str) -> None:
    make, message = REFUSED[case]
    assert refused(make()) == message


def test_find_blocks_line_numbers_count_text_before_the_block() -> None:
    text = "Hei\r\n\r\nher:\r\n" + BLOCK.replace(BEGIN, BEGIN.lower()).replace("\n", "\r\n")
    assert refused(text) == f'line 4 must read exactly "{BEGIN}"'


def test_missing_end_is_refused_even_after_a_good_block() -> None:
    text = BLOCK + "\n" + BLOCK.replace(END, "")
    assert refused(text) == f"the block that begins on line {len(LINES) + 2} has no END line"


def test_the_decoded_block_is_the_file_not_its_meaning() -> None:
    # Armor gives back bytes; whether they are a valid response is envelope.parse's call.
    block = armor.armor(b"not a response file")
    (found,) = armor.find_blocks(block)
    assert found == b"not a response file"
