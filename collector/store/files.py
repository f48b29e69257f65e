"""Writing HR's output files (records, reports, exports, e-mails): whole or not at all,
owner-only.

These files hold decrypted answers, so they are created readable by their owner only
(0600), and written to a temporary file beside the target and renamed over it, so a full
disk or an interruption never leaves half a report that looks whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .. import osflags
from ..errors import SluttsamtaleError
from ..i18n import tr


def write_private(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SluttsamtaleError(tr("{path}: is a folder; give a file name", path=path))
    if not folder.is_dir():
        raise SluttsamtaleError(
            tr(
                "{path}: the folder {folder} does not exist",
                path=path,
                folder=folder,
            )
        )
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise _unwritable(path, e) from None
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp already made it 0600
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _unwritable(path, e) from None


def prepare_folder(folder: Path) -> None:
    """Make an output folder before anything is stored, so a bad --out stores nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SluttsamtaleError(
            tr(
                "{folder}: cannot be created ({strerror})",
                folder=folder,
                strerror=e.strerror,
            )
        ) from None
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise SluttsamtaleError(
            tr(
                "{folder}: is not a folder that can be written",
                folder=folder,
            )
        )


def write_new(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """DIR/<stem><suffix>, or <stem>-2, -3 ...: created exclusively, never over another file."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            fd = os.open(path, osflags.CREATE_NEW, 0o600)
        except FileExistsError:
            continue
        except OSError as e:
            raise SluttsamtaleError(
                tr(
                    "{path}: cannot be written ({strerror})",
                    path=path,
                    strerror=e.strerror,
                )
            ) from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path
    raise SluttsamtaleError(
        tr(
            "{folder}: too many files named {stem!r} already",
            folder=folder,
            stem=stem,
        )
    )


def _unwritable(path: Path, e: OSError) -> SluttsamtaleError:
    return SluttsamtaleError(
        tr("{path}: cannot be written ({strerror})", path=path, strerror=e.strerror)
    )
