"""The armored response: a response file as a text block an employee can paste into e-mail.

    -----BEGIN SLUTTSAMTALE RESPONSE-----
    <standard base64 of the response file, 64 characters a line>
    -----END SLUTTSAMTALE RESPONSE-----

Writing is fixed byte for byte. Reading (spec/FORMAT.md, "Armor") forgives what mail
systems do without changing the content: text around the block, CRLF line ends, trailing
spaces, and quoting with "> ". Anything that could change the content (re-wrapped lines,
lost padding, inserted headers) is refused, with a hint where one helps. The decoded bytes
are a response file that the caller still hands to envelope.parse.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from ..errors import ArmorError
from ..i18n import tr
from .strictjson import b64decode_canonical

BEGIN = "-----BEGIN SLUTTSAMTALE RESPONSE-----"
END = "-----END SLUTTSAMTALE RESPONSE-----"
COLUMNS = 64


def rewrapped() -> str:
    return tr("it looks re-wrapped by an e-mail program; attach the .json file instead")


# What makes a line look like ours, in any case: it is then held to the rules, so that a
# damaged block is reported instead of silently skipped.
_OUR_BEGIN = re.compile(r"-----BEGIN SLUTTSAMTALE", re.IGNORECASE)
_OUR_END = re.compile(r"-----END SLUTTSAMTALE", re.IGNORECASE)
_QUOTE_PREFIX = re.compile(r"[> ]*")
_HEADER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*:")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]+")
_TRAILING = " \t\r"


def armor(file_bytes: bytes) -> str:
    """The block for `file_bytes`, LF line ends and a final newline (as the page writes it)."""
    if not file_bytes:
        raise ValueError(tr("there is nothing to armor"))
    text = base64.b64encode(file_bytes).decode("ascii")
    lines = [text[i : i + COLUMNS] for i in range(0, len(text), COLUMNS)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


@dataclass
class _Block:
    prefix: str
    first_line: int  # 1-based line number of the BEGIN line in the text, for messages
    body: list[str]


def find_blocks(text: str) -> list[bytes]:
    """The response-file bytes of every block in `text`, in order.

    [] if no line looks like a BEGIN line; ArmorError if a block breaks a rule.
    """
    lines = [line.rstrip(_TRAILING) for line in text.split("\n")]
    found: list[bytes] = []
    i = 0
    while i < len(lines):
        start = _begin(lines[i], i + 1)
        if start is None:
            i += 1
            continue
        block, i = _read_block(lines, i, start)
        found.append(_decode(block))
    return found


def _begin(line: str, number: int) -> str | None:
    """The quote prefix if `line` is a BEGIN line; None if it does not look like one."""
    match = _OUR_BEGIN.search(line)
    if match is None:
        return None
    prefix = line[: match.start()]
    if not _QUOTE_PREFIX.fullmatch(prefix):
        raise ArmorError(
            tr(
                "line {number} has text before the BEGIN line; {REWRAPPED}",
                number=number,
                REWRAPPED=rewrapped(),
            )
        )
    content = line[len(prefix) :]
    if content == BEGIN:
        return prefix
    if content.startswith(BEGIN):
        raise ArmorError(
            tr(
                "line {number} has text after the BEGIN line; {REWRAPPED}",
                number=number,
                REWRAPPED=rewrapped(),
            )
        )
    raise ArmorError(
        tr(
            'line {number} must read exactly "{BEGIN}"',
            number=number,
            BEGIN=BEGIN,
        )
    )


def _read_block(lines: list[str], begin: int, prefix: str) -> tuple[_Block, int]:
    """The block whose BEGIN line is lines[begin], and the index after its END line."""
    block = _Block(prefix, begin + 1, [])
    for i in range(begin + 1, len(lines)):
        number = i + 1
        if not lines[i].startswith(prefix):
            raise ArmorError(
                tr(
                    'line {number} does not start with "{prefix}" as its BEGIN line does',
                    number=number,
                    prefix=prefix,
                )
            )
        content = lines[i][len(prefix) :]
        if _OUR_END.search(content):
            if content != END:
                raise ArmorError(
                    tr(
                        'line {number} must read exactly "{END}"',
                        number=number,
                        END=END,
                    )
                )
            return block, i + 1
        if _OUR_BEGIN.search(content):
            raise ArmorError(
                tr(
                    "the block that begins on line {first_line} has no END line",
                    first_line=block.first_line,
                )
            )
        if _HEADER.match(content):
            raise ArmorError(tr("line {number}: armor headers are not allowed", number=number))
        block.body.append(content)
    raise ArmorError(
        tr(
            "the block that begins on line {first_line} has no END line",
            first_line=block.first_line,
        )
    )


def _decode(block: _Block) -> bytes:
    body = block.body
    where = tr("the block that begins on line {first_line}", first_line=block.first_line)
    if not body:
        raise ArmorError(tr("{where} is empty", where=where))
    if any(len(line) != COLUMNS for line in body[:-1]) or not 1 <= len(body[-1]) <= COLUMNS:
        raise ArmorError(
            tr(
                "{where} has lines that are not {COLUMNS} characters long; {REWRAPPED}",
                where=where,
                COLUMNS=COLUMNS,
                REWRAPPED=rewrapped(),
            )
        )
    if not all(_BASE64_LINE.fullmatch(line) for line in body):
        raise ArmorError(tr("{where} holds characters that are not base64", where=where))
    joined = "".join(body)
    if len(joined) % 4:
        raise ArmorError(
            tr(
                "{where} is missing its base64 padding, or is cut short",
                where=where,
            )
        )
    decoded = b64decode_canonical(joined)
    if decoded is None:
        raise ArmorError(tr("{where} is not canonical base64", where=where))
    return decoded
