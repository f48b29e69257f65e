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
        """Read afresh on every page: HR may have edited the sets since the last click."""
        return self.env.catalog(None)

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
