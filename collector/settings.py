"""Every setting read from outside the code, in one place: the environment, and the values the
command line passes. The library below never reads `os.environ`; the CLI and the MkDocs
plugin build one `Settings` and pass its values down as arguments.

Variables (all optional):

| variable | what |
| --- | --- |
| SLUTTSAMTALE_DB | the store (default `sluttsamtale.db`) |
| SLUTTSAMTALE_KEY | HR's key file(s), separated by the OS path separator |
| SLUTTSAMTALE_PASSPHRASE | the key's passphrase, for scripts (asked for when unset) |
| SLUTTSAMTALE_QUESTIONNAIRES | the question-set folder |
| SLUTTSAMTALE_BASE_URL | the answering site's address, for invitation links |
| SLUTTSAMTALE_PUBLIC_KEY | HR's public key for a site build (mkdocs.yml reads it with !ENV) |
| SLUTTSAMTALE_NOW | moves the clock (ISO date-time): tests and HR's walk-through |
| SLUTTSAMTALE_DEBUG | 1: an unexpected error shows its traceback (for maintainers) |
| SLUTTSAMTALE_MAX_PAGE_COUNT | tests only: caps the store file, to fill "the disk" |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import clock
from .errors import SluttsamtaleError

PREFIX = "SLUTTSAMTALE_"
DEFAULT_DB = Path("sluttsamtale.db")
DEFAULT_QUESTIONNAIRES = Path("questionnaires")


class SettingsError(SluttsamtaleError):
    """An environment variable with a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    db: Path | None = None
    keys: tuple[Path, ...] = ()
    passphrase: str | None = None
    questionnaires: Path | None = None
    base_url: str | None = None
    public_key: Path | None = None
    fixed_now: datetime | None = None
    debug: bool = False
    max_page_count: int | None = None
    environ_names: frozenset[str] = field(default_factory=frozenset)
    """Which variables were set, for messages that say where a value came from."""

    def now(self) -> datetime:
        """The current moment in UTC, or the moment SLUTTSAMTALE_NOW fixes."""
        return self.fixed_now if self.fixed_now is not None else clock.system_now()

    def db_path(self, given: Path | None = None) -> Path:
        return given or self.db or DEFAULT_DB

    def key_paths(self, given: tuple[Path, ...] = ()) -> tuple[Path, ...]:
        return given or self.keys

    def questionnaire_folder(self, given: Path | None = None) -> Path:
        """The option, else the variable, else ./questionnaires, else the shipped sets."""
        if given is not None:
            return given
        if self.questionnaires is not None:
            return self.questionnaires
        if DEFAULT_QUESTIONNAIRES.is_dir():
            return DEFAULT_QUESTIONNAIRES
        return Path(__file__).resolve().parent.parent / "questionnaires"


def from_environ(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the environment gives; SettingsError names a variable that is wrong."""
    env = {
        k.removeprefix(PREFIX): v
        for k, v in (os.environ if environ is None else environ).items()
        if k.startswith(PREFIX) and v != ""
    }
    return Settings(
        db=_path(env.get("DB")),
        keys=tuple(Path(p) for p in env.get("KEY", "").split(os.pathsep) if p),
        passphrase=env.get("PASSPHRASE"),
        questionnaires=_path(env.get("QUESTIONNAIRES")),
        base_url=env.get("BASE_URL"),
        public_key=_path(env.get("PUBLIC_KEY")),
        fixed_now=_moment(env.get("NOW")),
        debug=env.get("DEBUG", "").lower() in ("1", "true", "yes"),
        max_page_count=_count(env.get("MAX_PAGE_COUNT")),
        environ_names=frozenset(PREFIX + k for k in env),
    )


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return clock.parse_moment(value)
    except ValueError:
        raise SettingsError(
            f"{PREFIX}NOW: {value!r} is not an ISO date-time such as 2026-07-01T09:00:00Z"
        ) from None


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise SettingsError(f"{PREFIX}MAX_PAGE_COUNT: {value!r} is not a whole number")
    return int(value)
