"""Every setting read from outside the code, in one place: the environment, and the values the
command line passes. The library below never reads `os.environ`; the CLI and the MkDocs
plugin build one `Settings` and pass its values down as arguments.

A value given on the command line wins over the environment, which wins over the employer's
configuration file (model/installation.py), which wins over the defaults.

Variables (all optional):

| variable | what |
| --- | --- |
| SLUTTSAMTALE_CONFIG | the employer's sluttsamtale.toml (default: the nearest one up) |
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from . import clock, configfile, shipped
from .errors import SluttsamtaleError
from .i18n import tr
from .words import LANGUAGES, Language

if TYPE_CHECKING:
    from .model.installation import Found
    from .model.loading import Catalog

PREFIX = "SLUTTSAMTALE_"
DEFAULT_DB = Path("sluttsamtale.db")
DEFAULT_QUESTIONNAIRES = Path("questionnaires")
DEFAULT_SITE = Path("build/site")


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
    config: Found | None = None
    """The employer's sluttsamtale.toml, if one was named or found."""
    locale_language: Language = "en"
    """The language LANG (or LC_ALL, LC_MESSAGES) names, if it is one of ours."""
    agent_socket: Path | None = None
    """Where `sluttsamtale unlock`'s key agent listens (from XDG_RUNTIME_DIR)."""
    looked_from: Path | None = None
    """The folder the search for sluttsamtale.toml started from, for messages."""

    def now(self) -> datetime:
        """The current moment in UTC, or the moment SLUTTSAMTALE_NOW fixes."""
        return self.fixed_now if self.fixed_now is not None else clock.system_now()

    def db_path(self, given: Path | None = None) -> Path:
        return given or self.db or (self.config.db if self.config else None) or DEFAULT_DB

    def db_source(self, given: Path | None = None) -> str:
        """Where the store's path came from, as a message to HR says it."""
        if given is not None:
            return tr("named by --db")
        if self.db is not None:
            return tr("named by {PREFIX}DB", PREFIX=PREFIX)
        if self.config is not None:
            return tr("named in {file}", file=self.config.file)
        where = self.looked_from or Path.cwd()
        return tr(
            "the default: no {CONFIG_NAME} in {where} or a folder above it",
            CONFIG_NAME=configfile.CONFIG_NAME,
            where=where,
        )

    def key_paths(self, given: tuple[Path, ...] = ()) -> tuple[Path, ...]:
        return given or self.keys or (self.config.keys if self.config else ())

    def base_url_or(self, given: str | None) -> str | None:
        return given or self.base_url or (self.config.base_url if self.config else None)

    def public_key_or(self, given: Path | None) -> Path | None:
        return given or self.public_key or (self.config.public_key if self.config else None)

    @property
    def language(self) -> Language:
        """The CLI's language: the configuration's, else the locale's, else English."""
        if self.config is not None and self.config.language is not None:
            return self.config.language
        return self.locale_language

    def unlock_minutes(self, given: int | None) -> int:
        """How long the key agent keeps the key without use."""
        return given or (self.config.unlock_minutes if self.config else 30)

    def site_out(self, given: Path | None) -> Path:
        """Where the built site is: the option, the configuration, or ./build/site."""
        return given or (self.config.site_out if self.config else DEFAULT_SITE)

    def mkdocs_config(self, given: Path | None) -> Path:
        """The site's mkdocs.yml: the option, the configuration, ./mkdocs.yml, the shipped."""
        if given is not None:
            return given
        if self.config is not None and self.config.mkdocs is not None:
            return self.config.mkdocs
        if self.config is None and Path("mkdocs.yml").is_file():
            return Path("mkdocs.yml")
        return shipped.mkdocs_config()

    def questionnaire_folder(self, given: Path | None = None) -> Path:
        """The option, else the variable, else the configuration's, else ./questionnaires,
        else the shipped sets."""
        if given is not None:
            return given
        if self.questionnaires is not None:
            return self.questionnaires
        if self.config is not None:
            return self.config.questionnaires
        if DEFAULT_QUESTIONNAIRES.is_dir():
            return DEFAULT_QUESTIONNAIRES
        return shipped.questionnaires()

    def catalog(self, given: Path | None = None) -> Catalog:
        """The question sets in use, with the employer from the configuration if it holds
        one, else from the set folder's employer.yml. Both are read afresh on each call:
        the desk runs for hours while HR edits them."""
        from .model.installation import catalog_with

        config_file = self.config.file if self.config is not None else None
        return catalog_with(self.questionnaire_folder(given), config_file)


def from_environ(
    environ: Mapping[str, str] | None = None,
    *,
    config_file: Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """The settings the environment and the employer's configuration give: `config_file`
    (--config), else SLUTTSAMTALE_CONFIG, else the nearest sluttsamtale.toml from `cwd` up.
    SettingsError names a variable that is wrong; ConfigError, a configuration file."""
    env = {
        k.removeprefix(PREFIX): v
        for k, v in (os.environ if environ is None else environ).items()
        if k.startswith(PREFIX) and v != ""
    }
    start = cwd or Path.cwd()
    found = _configuration(config_file, env.get("CONFIG"), start)
    from .keyagent import socket_path

    whole = os.environ if environ is None else environ
    runtime = whole.get("XDG_RUNTIME_DIR")
    return Settings(
        locale_language=locale_language(whole),
        agent_socket=socket_path(runtime),
        config=_load_config(found) if found is not None else None,
        looked_from=start,
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


def early_language(
    args: Sequence[str], environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Language:
    """The language for what is said before the configuration is checked (the main help,
    or a configuration that fails its check): its `language` read as plain TOML, else the
    locale's. The standard library only, so `--help` starts at once."""
    whole = os.environ if environ is None else environ
    found = _configuration(_config_argument(args), whole.get(PREFIX + "CONFIG"), cwd or Path.cwd())
    if found is not None:
        import tomllib

        try:
            with found.open("rb") as f:
                chosen = tomllib.load(f).get("language")
        except (OSError, ValueError):
            chosen = None
        if chosen in LANGUAGES:
            return cast(Language, chosen)
    return locale_language(whole)


def _configuration(named: Path | None, variable: str | None, start: Path) -> Path | None:
    """--config, else SLUTTSAMTALE_CONFIG, else the nearest sluttsamtale.toml from `start`."""
    chosen = named or _path(variable or None)
    return chosen if chosen is not None else configfile.find(start)


def _config_argument(args: Sequence[str]) -> Path | None:
    for i, arg in enumerate(args):
        if arg == "--config" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--config="):
            return Path(arg.removeprefix("--config="))
    return None


_LOCALE_CODES: dict[str, Language] = {"nb": "nb", "no": "nb", "nn": "nn", "sv": "sv"}


def locale_language(environ: Mapping[str, str]) -> Language:
    """nb_NO.UTF-8 -> nb, nn_NO -> nn, sv_SE -> sv; anything else (C, POSIX, de_DE) -> en.
    As gettext does: LC_ALL, then LC_MESSAGES, then LANG, the first that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return _LOCALE_CODES.get(code, "en")
    return "en"


def _load_config(path: Path) -> Found:
    from .model import installation  # pydantic: only when there is a file to check

    return installation.load(path)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return clock.parse_moment(value)
    except ValueError:
        raise SettingsError(
            tr(
                "{PREFIX}NOW: {value!r} is not an ISO date-time such as 2026-07-01T09:00:00Z",
                PREFIX=PREFIX,
                value=value,
            )
        ) from None


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise SettingsError(
            tr(
                "{PREFIX}MAX_PAGE_COUNT: {value!r} is not a whole number",
                PREFIX=PREFIX,
                value=value,
            )
        )
    return int(value)
