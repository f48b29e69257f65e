"""What HR hands the importer: paths -> items -> each item's bytes, within the size caps.

An item is one file, or one message of a mailbox file (mbox). It may be a response file
itself (JSON), a saved e-mail (.eml, Outlook's .msg, a file of a maildir folder) with the
file attached or its armored block pasted in the text, or any other text file holding an
armored block. Each item must yield exactly one response: several different ones in one
file are refused, so every line of the import report stands for one response.

Size caps: a response file is at most 1 MiB (the format's cap, envelope.MAX_FILE_BYTES).
A mail or text file carrying a response may be up to 25 MiB, the usual mail size limit,
because base64 makes an attachment a third larger and mails carry other parts too; every
response found inside is again held to 1 MiB when envelope.parse reads it.
"""

from __future__ import annotations

import functools
import mailbox
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import osflags
from ..errors import EnvelopeError, InputError
from ..formats.envelope import MAX_FILE_BYTES
from ..i18n import tr

MAIL_MAX_BYTES = 25 * 1024 * 1024
JSON_WHITESPACE = b" \t\r\n"
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Item:
    """One file to import; `problem` is set when the walk itself could not read it.
    `message` is the n-th message (from 1) when the file is a mailbox (mbox). `data` holds
    the bytes of a file that was never on this disk (uploaded to the desk), kept in memory
    only; `path` is then the name it was uploaded under."""

    path: Path
    problem: InputError | None = None
    message: int | None = None
    data: bytes | None = field(default=None, repr=False, compare=False)


MBOX_SUFFIXES = (".mbox", ".mbx")
_PLAIN_SUFFIXES = (".json", ".txt", ".eml", ".msg")


def is_mbox(path: Path) -> bool:
    """A mailbox file (mbox, as Thunderbird and Apple Mail export): by its name, or by the
    "From " line every mbox begins with."""
    suffix = path.suffix.lower()
    if suffix in MBOX_SUFFIXES:
        return True
    if suffix in _PLAIN_SUFFIXES:
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False  # read_capped names the problem when the item is opened


def mbox_items(path: Path) -> Iterator[Item]:
    """One item per message of a mailbox file, so every line of the report is one response."""
    try:
        count = len(_mailbox(path)[1])
    except InputError as e:
        yield Item(path, e)
        return
    if count == 0:
        yield Item(path, InputError(tr("the mailbox holds no messages")))
        return
    for number in range(1, count + 1):
        yield Item(path, message=number)


def mbox_message(path: Path, number: int) -> bytes:
    """The bytes of the `number`-th message (from 1) of a mailbox file."""
    box, keys = _mailbox(path)
    if not 1 <= number <= len(keys):
        raise InputError(tr("the mailbox has no message {number}", number=number))
    try:
        data = box.get_bytes(keys[number - 1])
    except (OSError, mailbox.Error) as e:
        raise InputError(tr("the mailbox cannot be read ({error})", error=e)) from None
    if len(data) > MAIL_MAX_BYTES:
        raise EnvelopeError(tr("the message is larger than 25 MiB, the most a mail may be"))
    return data


def _mailbox(path: Path) -> tuple[mailbox.mbox, list[str]]:
    """The mailbox at `path` and its message keys, scanned once while the file is unchanged
    (reading message n must not scan the whole file again for every n)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputError(
            tr("the mailbox cannot be read ({strerror})", strerror=e.strerror)
        ) from None
    return _scanned(path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _scanned(path: Path, size: int, mtime_ns: int) -> tuple[mailbox.mbox, list[str]]:
    try:
        box = mailbox.mbox(path, create=False)
        return box, list(box.keys())
    except (OSError, mailbox.Error) as e:
        raise InputError(tr("the mailbox cannot be read ({error})", error=e)) from None


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
                    yield from _messages_of(item)
        else:
            yield from _messages_of(Item(path))


def _messages_of(item: Item) -> Iterator[Item]:
    if item.problem is None and item.path.is_file() and is_mbox(item.path):
        yield from mbox_items(item.path)
    else:
        yield item


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
        if entry.is_dir(follow_symlinks=False) and _maildir_tmp(path):
            continue  # a maildir's tmp/ holds messages still being written
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
                InputError(
                    tr("is a link to a folder, which is not followed; name the folder itself")
                ),
            )
        else:
            yield Item(path)


def _maildir_tmp(folder: Path) -> bool:
    parent = folder.parent
    return folder.name == "tmp" and (parent / "cur").is_dir() and (parent / "new").is_dir()


def _scan(folder: Path) -> Iterator[os.DirEntry[str]] | InputError:
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as e:
        return InputError(tr("the folder cannot be read ({strerror})", strerror=e.strerror))
    return iter(entries)


def read_capped(path: Path) -> bytes:
    """The file's bytes, if it is a regular file (after following links) within the caps."""
    try:
        # stat first: a device or FIFO is refused before it is ever opened.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(tr("the path is not a regular file"))
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not hang.
        fd = os.open(path, osflags.READ)
    except FileNotFoundError:
        raise InputError(tr("the file does not exist")) from None
    except OSError as e:
        raise InputError(tr("the file cannot be read ({strerror})", strerror=e.strerror)) from None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(tr("the path is not a regular file"))
            # Its size and one byte more, not the cap: a 1 MiB buffer for a 20 KB file
            # costs more than reading it. A file that grew since is read on to the cap.
            want = min(st.st_size, MAX_FILE_BYTES) + 1
            data = fh.read(want)
            if len(data) == want and want <= MAX_FILE_BYTES:
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
            if len(data) > MAX_FILE_BYTES and not is_response_file(data):
                data += fh.read(MAIL_MAX_BYTES + 1 - len(data))
    except OSError as e:
        raise InputError(tr("the file cannot be read ({strerror})", strerror=e.strerror)) from None
    return within_caps(data)


def within_caps(data: bytes) -> bytes:
    """`data`, if it is no larger than a response file or a mail carrying one may be."""
    if not data:
        raise EnvelopeError(tr("the file is empty"))
    if len(data) > MAX_FILE_BYTES and is_response_file(data):
        raise EnvelopeError(tr("the file is larger than 1 MiB, the most a response file may be"))
    if len(data) > MAIL_MAX_BYTES:
        raise EnvelopeError(
            tr(
                "the file is larger than 25 MiB, the most a mail or text file carrying a "
                "response may be"
            )
        )
    return data


def is_response_file(data: bytes) -> bool:
    # A BOM is let through here so that envelope.parse can name it as the problem.
    head = data.lstrip(JSON_WHITESPACE)
    return head.removeprefix(BOM).lstrip(JSON_WHITESPACE).startswith(b"{")
