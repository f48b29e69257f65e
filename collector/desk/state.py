"""What the desk holds while it runs: the settings, the session's secrets, and what waits in
memory between two pages (a leavers file being checked, a zip of e-mails to download).

Keys come only from the key agent (`sluttsamtale unlock`, or the desk's unlock page): the
desk never asks for a passphrase in the middle of another page, and never keeps a key
itself. Nothing here is written to disk.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli.options import Env
from ..errors import SluttsamtaleError
from ..settings import Settings
from ..words import Catalogue, Language, catalogue
from .access import Access

if TYPE_CHECKING:
    from ..formats.keyfile import HRKey
    from ..model.loading import Catalog
    from ..store import Store

KEPT_SECONDS = 30 * 60
"""How long a checked leavers file or a zip waits in memory for the next click."""


class Locked(SluttsamtaleError):
    kind = "locked"


class DeskEnv(Env):
    """The CLI's Env, except that a key not held by the agent is a page to unlock, not a
    passphrase prompt in the terminal."""

    def passphrase(self, path: Path) -> str:
        raise Locked(f"{path}: the key is locked")


@dataclass
class Waiting:
    """Something kept between two pages, in memory, for KEPT_SECONDS."""

    value: object
    until: float


@dataclass
class Desk:
    settings: Settings
    access: Access = field(default_factory=Access)
    _waiting: dict[str, Waiting] = field(default_factory=dict)
    _catalog: tuple[tuple[object, ...], Catalog] | None = None

    @property
    def env(self) -> DeskEnv:
        return DeskEnv(settings=self.settings)

    @property
    def language(self) -> Language:
        return self.settings.language

    @property
    def words(self) -> Catalogue:
        return catalogue(self.settings.language)

    def now(self) -> datetime:
        return self.settings.now()

    def today(self) -> date:
        return self.now().date()

    def catalog(self) -> Catalog:
        """Read afresh whenever a file it is read from has changed since the last read
        (HR may have edited the sets or the configuration since the last click); else the
        last read again, as a page asks for it more than once and YAML is slow to parse."""
        stamp = self._catalog_stamp()
        if self._catalog is not None and self._catalog[0] == stamp:
            return self._catalog[1]
        read = self.env.catalog(None)
        self._catalog = (stamp, read)
        return read

    def _catalog_stamp(self) -> tuple[object, ...]:
        """Every file the catalogue is read from, with what a change to it changes."""
        config = self.settings.config.file if self.settings.config is not None else None
        try:
            folder = self.settings.questionnaire_folder(None)
            files = sorted(folder.rglob("*")) if folder.is_dir() else []
        except (OSError, SluttsamtaleError):
            return (time.monotonic(),)  # nothing to compare: read afresh (and say why)
        stamp: list[object] = [folder]
        for path in [*([config] if config is not None else []), *files]:
            try:
                st = path.stat()
            except OSError:
                return (time.monotonic(),)
            stamp.append((path, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))
        return tuple(stamp)

    def keys(self) -> dict[str, HRKey]:
        return self.env.keys(())

    def key_paths(self) -> tuple[Path, ...]:
        return self.settings.key_paths(())

    def unlocked(self) -> bool:
        held = self.env.unlocked()
        if not held:
            return False
        try:
            self.keys()
        except (SluttsamtaleError, click.ClickException):  # Locked, or a key file missing
            return False
        return True

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self.env.store(None, create=False, warn=False) as store:
            yield store

    def keep(self, value: object) -> str:
        self._forget_old()
        ticket = secrets.token_urlsafe(16)
        self._waiting[ticket] = Waiting(value, time.monotonic() + KEPT_SECONDS)
        return ticket

    def take(self, ticket: str) -> object | None:
        self._forget_old()
        found = self._waiting.get(ticket)
        return found.value if found is not None else None

    def drop(self, ticket: str) -> None:
        self._waiting.pop(ticket, None)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for ticket in [t for t, w in self._waiting.items() if w.until < now]:
            del self._waiting[ticket]
