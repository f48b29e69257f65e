"""What HR hands the importer: paths -> items -> the response-file bytes inside each item.

An item is one file. It may be a response file itself (JSON), a saved e-mail (.eml) with
the file attached or its armored block pasted in the text, or any other text file holding
an armored block. Each item must yield exactly one response: several different ones in one
file are refused, so every line of the import report stands for one response.

Size caps: a response file is at most 1 MiB (the format's cap, envelope.MAX_FILE_BYTES).
A mail or text file carrying a response may be up to 25 MiB, the usual mail size limit,
because base64 makes an attachment a third larger and mails carry other parts too; every
response found inside is again held to 1 MiB when envelope.parse reads it.
"""

from __future__ import annotations

import email
import html.parser
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path

from . import armor
from .envelope import MAX_FILE_BYTES
from .errors import ArmorError, EnvelopeError, InputError, SluttsamtaleError

MAIL_MAX_BYTES = 25 * 1024 * 1024
_JSON_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Item:
    """One file to import; `problem` is set when the walk itself could not read it."""

    path: Path
    problem: InputError | None = None


def expand(paths: Iterable[Path], *, skip: Iterable[Path] = ()) -> Iterator[Item]:
    """Files as given; folders recursively, sorted by name, skipping hidden entries.

    Streamed, so memory stays flat however many files there are. Files in `skip` (the
    store and its -wal and -shm, when HR imports the folder the store lives in) are left
    out of folder walks.
    """
    skipped = {p.name: p for p in skip}
    for path in paths:
        if path.is_dir():
            for item in _walk(path):
                own = skipped.get(item.path.name)
                if own is None or not _same_file(item.path, own):
                    yield item
        else:
            yield Item(path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _walk(top: Path) -> Iterator[Item]:
    # An explicit stack instead of recursion: a deep tree must not end in RecursionError.
    stack: list[Iterator[os.DirEntry[str]]] = []
    first = _scan(top)
    if isinstance(first, InputError):
        yield Item(top, first)
        return
    stack.append(first)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            scanned = _scan(path)
            if isinstance(scanned, InputError):
                yield Item(path, scanned)
            else:
                stack.append(scanned)
        elif entry.is_symlink() and path.is_dir():
            # Following links to folders invites loops; the user can name the folder itself.
            yield Item(
                path,
                InputError("is a link to a folder, which is not followed; name the folder itself"),
            )
        else:
            yield Item(path)


def _scan(folder: Path) -> Iterator[os.DirEntry[str]] | InputError:
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as e:
        return InputError(f"the folder cannot be read ({e.strerror})")
    return iter(entries)


def read_capped(path: Path) -> bytes:
    """The file's bytes, if it is a regular file (after following links) within the caps."""
    try:
        # stat first: a device or FIFO is refused before it is ever opened.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError("the path is not a regular file")
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError("the file does not exist") from None
    except OSError as e:
        raise InputError(f"the file cannot be read ({e.strerror})") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError("the path is not a regular file")
            data = fh.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES and not _is_response_file(data):
                data += fh.read(MAIL_MAX_BYTES + 1 - len(data))
    except OSError as e:
        raise InputError(f"the file cannot be read ({e.strerror})") from None
    if not data:
        raise EnvelopeError("the file is empty")
    if len(data) > MAX_FILE_BYTES and _is_response_file(data):
        raise EnvelopeError("the file is larger than 1 MiB, the most a response file may be")
    if len(data) > MAIL_MAX_BYTES:
        raise EnvelopeError(
            "the file is larger than 25 MiB, the most a mail or text file "
            "carrying a response may be"
        )
    return data


def extract(path: Path) -> bytes:
    """The one response file's bytes in the item at `path`."""
    data = read_capped(path)
    if _is_response_file(data):
        return data
    found = _from_mail(data) if _is_mail(path, data) else _from_text(data)
    if not found:
        raise EnvelopeError("the file holds no Sluttsamtale response")
    if len(found) > 1:
        raise EnvelopeError("the file holds more than one response; save each separately")
    return found[0]


def _is_response_file(data: bytes) -> bool:
    # A BOM is let through here so that envelope.parse can name it as the problem.
    head = data.lstrip(_JSON_WHITESPACE)
    return head.removeprefix(_BOM).lstrip(_JSON_WHITESPACE).startswith(b"{")


def _decode_text(data: bytes) -> str:
    # Armor is ASCII, so stray bytes elsewhere in the file do not matter; Windows tools
    # still save UTF-16 with a BOM now and then.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _from_text(data: bytes) -> list[bytes]:
    return _unique(armor.find_blocks(_decode_text(data)))


def _is_mail(path: Path, data: bytes) -> bool:
    if path.suffix.lower() == ".eml":
        return True
    # Any text parses as a message, so ask for the mark of a MIME mail at the top.
    head = data[:16384].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return any(line.lower().startswith(b"mime-version:") for line in head.splitlines())


def _from_mail(data: bytes) -> list[bytes]:
    """Response files attached to the mail, and armored blocks in its text parts.

    Mail clients mangle text (rewrapping, quoting, HTML), so a part that fails to parse
    only matters when no part yields a response: then its error is the one reported.
    """
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
        raise EnvelopeError("the mail is nested too deeply to read") from None
    found = _unique(found)
    if not found and errors:
        raise errors[0]
    return found


def _from_part(part: Message) -> list[bytes]:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes) or not raw:
        return []
    if _is_response_file(raw):
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
