"""The one response file inside an item: the file itself, a saved e-mail (.eml) with the file
attached or its armored block pasted in, or any text file holding an armored block.

Each item must yield exactly one response: several different ones in one file are
refused, so every line of the import report stands for one response.
"""

from __future__ import annotations

import email
import html.parser
import re
from collections.abc import Iterable
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path

from ..errors import ArmorError, EnvelopeError, SluttsamtaleError
from ..formats import armor
from ..i18n import tr
from .files import Item, is_response_file, mbox_message, read_capped, within_caps


def not_a_response() -> str:
    """What a file with no response gets: most often a mail saved the wrong way."""
    return tr(
        "the file holds no Sluttsamtale response; save the attachment, or save "
        "the message as .eml or .msg"
    )


OUTLOOK_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The Compound File Binary signature that opens every Outlook .msg file (MS-CFB 2.2)."""


def extract_item(item: Item) -> bytes:
    """The one response file's bytes in `item`: a file, or one message of a mailbox."""
    if item.data is not None:
        return extract_bytes(within_caps(item.data), item.path.suffix)
    if item.message is None:
        return extract(item.path)
    found = _from_mail(mbox_message(item.path, item.message))
    if not found:
        raise EnvelopeError(tr("the message holds no Sluttsamtale response"))
    if len(found) > 1:
        raise EnvelopeError(tr("the message holds more than one response; save each separately"))
    return found[0]


def extract(path: Path) -> bytes:
    """The one response file's bytes in the item at `path`."""
    return extract_bytes(read_capped(path), path.suffix)


def extract_bytes(data: bytes, suffix: str) -> bytes:
    """The one response file's bytes in an item already read, saved under `suffix`."""
    if is_response_file(data):
        return data
    if data.startswith(OUTLOOK_MAGIC):
        found = _from_outlook(data)
    elif _is_mail(suffix, data):
        found = _from_mail(data)
    else:
        found = _from_text(data)
    if not found:
        raise EnvelopeError(not_a_response())
    if len(found) > 1:
        raise EnvelopeError(tr("the file holds more than one response; save each separately"))
    return found[0]


def _decode_text(data: bytes) -> str:
    # Armor is ASCII, so stray bytes elsewhere in the file do not matter; Windows tools
    # still save UTF-16 with a BOM now and then.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _from_text(data: bytes) -> list[bytes]:
    return _unique(armor.find_blocks(_decode_text(data)))


def _is_mail(suffix: str, data: bytes) -> bool:
    if suffix.lower() == ".eml":
        return True
    # Any text parses as a message, so ask for the mark of a MIME mail at the top.
    head = data[:16384].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return any(line.lower().startswith(b"mime-version:") for line in head.splitlines())


MAX_PARTS = 1000
"""A mail with a response has a handful of parts; parsing is slow per part (the email
package took 90 s for 150 000), so a mail with more delimiter lines than this is refused
before parsing (spec/FORMAT.md 8.3)."""
MAX_MULTIPARTS = 50
"""Nested multipart levels: counted as mentions of a multipart type."""
MAX_HEADER_BLOCK = 65_536
"""The longest header block (of the mail or of a part): 200 000 parameters in one
Content-Type took the parser minutes and a gigabyte."""
MAX_PARAMETERS = 200
"""Parameters (";") in one header block: the parser's work grows with their square (5000 of
them, in 49 KB, took 2 s)."""
_DELIMITER = re.compile(rb"(?:^|\n)--[^\n]*\n")


def _check_size(data: bytes) -> None:
    """Refuse, cheaply and before parsing, a mail with more parts, levels or header than a
    real one could have. Counted without knowing the boundaries (RFC 2231 can spell one in
    pieces): a part begins only at a line that starts with "--"."""
    delimiters = [m.end() for m in _DELIMITER.finditer(data)]
    if len(delimiters) > MAX_PARTS:
        raise EnvelopeError(
            tr(
                "the mail has more than {MAX_PARTS} parts; save the response file from "
                "it and import that",
                MAX_PARTS=MAX_PARTS,
            )
        )
    if data.lower().count(b"multipart/") > MAX_MULTIPARTS:
        raise EnvelopeError(
            tr(
                "the mail nests more than {MAX_MULTIPARTS} multipart levels; no real "
                "response mail does",
                MAX_MULTIPARTS=MAX_MULTIPARTS,
            )
        )
    for start in [0, *delimiters]:
        window = start + MAX_HEADER_BLOCK + 4  # look no further than a header may go
        found = (data.find(b"\n\n", start, window), data.find(b"\r\n\r\n", start, window))
        ends = [i for i in found if i >= 0]
        end = min(ends) if ends else min(window, len(data))
        if end - start > MAX_HEADER_BLOCK or data.count(b";", start, end) > MAX_PARAMETERS:
            raise EnvelopeError(
                tr(
                    "a header of the mail is longer than {value} KiB or has more than "
                    "{MAX_PARAMETERS} parameters, which no real response mail has",
                    value=MAX_HEADER_BLOCK // 1024,
                    MAX_PARAMETERS=MAX_PARAMETERS,
                )
            )


def _from_mail(data: bytes) -> list[bytes]:
    """Response files attached to the mail, and armored blocks in its text parts.

    Mail clients mangle text (rewrapping, quoting, HTML), so a part that fails to parse
    only matters when no part yields a response: then its error is the one reported.
    """
    _check_size(data)
    found: list[bytes] = []
    errors: list[SluttsamtaleError] = []
    try:
        message = email.message_from_bytes(data, policy=policy.default)
        for part in message.walk():
            if part.is_multipart():
                continue
            try:
                found.extend(_from_part(part))
            except ArmorError as e:
                errors.append(e)
    except RecursionError:
        # The email package recurses once per nested part or comment; a hostile mail can
        # nest thousands deep.
        raise EnvelopeError(tr("the mail is nested too deeply to read")) from None
    found = _unique(found)
    if not found and errors:
        raise errors[0]
    return found


def _from_outlook(data: bytes) -> list[bytes]:
    """Response files attached to an Outlook message (.msg), and armored blocks in its text
    or HTML body. Read by extract-msg; whatever it raises on a damaged file is one line."""
    import logging

    import extract_msg  # only an Outlook file needs it (and it is slow to import)

    logging.getLogger("extract_msg").setLevel(logging.CRITICAL)
    texts: list[str] = []
    found: list[bytes] = []
    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
        try:
            for attachment in message.attachments:
                raw = getattr(attachment, "data", None)
                if isinstance(raw, bytes) and raw:
                    if is_response_file(raw):
                        found.append(raw)
                    else:
                        texts.append(_decode_text(raw))
            body = message.body if isinstance(message, extract_msg.Message) else None
            if isinstance(body, str):
                texts.append(body.replace("\r\n", "\n"))
            markup = getattr(message, "htmlBody", None)
            if isinstance(markup, bytes):
                texts.append(_html_to_text(_decode_text(markup)))
        finally:
            message.close()
    except Exception:  # noqa: BLE001 - a hostile or damaged file must be one line, not a trace
        raise EnvelopeError(tr("the Outlook message (.msg) is damaged or cannot be read")) from None
    # As in a MIME mail: a text that fails to parse matters only when nothing else yields.
    errors: list[ArmorError] = []
    for text in texts:
        try:
            found.extend(armor.find_blocks(text))
        except ArmorError as e:
            errors.append(e)
    found = _unique(found)
    if not found and errors:
        raise errors[0]
    return found


def _from_part(part: Message) -> list[bytes]:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes) or not raw:
        return []
    if is_response_file(raw):
        return [raw]
    if part.get_content_maintype() != "text":
        return armor.find_blocks(_decode_text(raw))
    text = _part_text(part, raw)
    if part.get_content_subtype() == "html":
        text = _html_to_text(text)
    return armor.find_blocks(text)


def _part_text(part: Message, raw: bytes) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
        except Exception:  # noqa: BLE001 - unknown charsets and odd encodings in hostile mail
            content = None
        if isinstance(content, str):
            return content
    return _decode_text(raw)


class _TextOfHtml(html.parser.HTMLParser):
    """The text of an HTML part, with a line break where the layout breaks a line."""

    _BREAKS = {"br", "p", "div", "pre", "tr", "li", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.chunks.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br />: one line break, not the two a start and an end tag would make.
        if tag in self._BREAKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return "".join(parser.chunks)


def _unique(blocks: Iterable[bytes]) -> list[bytes]:
    """Identical bytes found twice (attachment and pasted block) count once."""
    return list(dict.fromkeys(blocks))
