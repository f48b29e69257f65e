"""An employer's folder and its one configuration file, `sluttsamtale.toml`.

`sluttsamtale init DIR` writes it; every command finds it by walking up from the current
folder, as git finds `.git`, unless `--config` or SLUTTSAMTALE_CONFIG names one. Paths in it
are relative to the file, so the folder can move (or sit on a share) as a whole. Its
`[employer]` table holds the employer's details, privacy notice, rules and policies, which
the page, the e-mails and the record are rendered from (the same `Employer` model that a
question-set folder's `employer.yml` is read with, where a folder has no configuration).

The JSON Schema (spec/config.schema.json) is generated from `Installation`, so an editor that
knows TOML schemas checks the file as it is typed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..configfile import CONFIG_NAME, find
from ..errors import SluttsamtaleError
from ..i18n import tr
from . import problems
from .employer import Employer

if TYPE_CHECKING:
    from .loading import Catalog

__all__ = ["CONFIG_NAME", "ConfigError", "Found", "Installation", "find", "load"]


class ConfigError(SluttsamtaleError):
    """A configuration file that cannot be read or holds a wrong value."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSection(_Section):
    """The answering site HR builds and publishes."""

    base_url: str | None = Field(
        default=None,
        description="Where the built site is published (https), for the invitation links.",
    )
    public_key: Path = Field(
        default=Path("keys/hr-public.pem"), description="HR's public key (PEM) the page seals to."
    )
    out: Path = Field(default=Path("build/site"), description="Where `build` writes the site.")
    mkdocs: Path | None = Field(
        default=None,
        description="A mkdocs.yml of your own; by default the one the package ships.",
    )


class StoreSection(_Section):
    """HR's store of sealed responses and the key that opens them."""

    path: Path = Field(default=Path("sluttsamtale.db"), description="The SQLite store.")
    keys: list[Path] = Field(
        default_factory=lambda: [Path("keys/hr-key.json")],
        description="HR's key file; more than one after a key rotation, newest first.",
    )
    unlock_minutes: int = Field(
        default=30,
        ge=1,
        le=720,
        description="How long `sluttsamtale unlock` keeps the key open without use.",
    )


class Installation(_Section):
    """One employer's configuration: where everything is. Paths are relative to the file."""

    language: Literal["nb", "nn", "sv", "en"] | None = Field(
        default=None,
        description="The language of the command's messages and tables (default: from LANG).",
    )
    questionnaires: Path = Field(
        default=Path("questionnaires"),
        description="The question-set folder: every version of every set ever published.",
    )
    site: SiteSection = Field(default_factory=SiteSection)
    store: StoreSection = Field(default_factory=StoreSection)
    employer: Employer | None = Field(
        default=None,
        description=(
            "The employer: its name, return address, retention, privacy notice in each "
            "language, follow-up rules and policies. Left out, the question-set folder's "
            "employer.yml is read."
        ),
    )


class Found(BaseModel):
    """A configuration read from a file, with its paths made absolute."""

    model_config = ConfigDict(frozen=True)

    file: Path
    questionnaires: Path
    base_url: str | None
    public_key: Path
    site_out: Path
    mkdocs: Path | None
    db: Path
    keys: tuple[Path, ...]
    unlock_minutes: int = 30
    language: Literal["nb", "nn", "sv", "en"] | None = None
    employer: Employer | None = None

    @property
    def folder(self) -> Path:
        return self.file.parent


def load(path: Path) -> Found:
    """Read and check one configuration file; ConfigError says what is wrong, in one line."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(tr("{path}: no such configuration file", path=path)) from None
    except OSError as e:
        raise ConfigError(
            tr(
                "{path}: cannot be read ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(tr("{path}: not UTF-8 text", path=path)) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(tr("{path}: not valid TOML ({error})", path=path, error=e)) from None
    try:
        config = Installation.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(f"{path}: {_first_problem(e)}") from None
    base = path.resolve().parent

    def at(p: Path) -> Path:
        return p if p.is_absolute() else base / p

    return Found(
        file=path.resolve(),
        questionnaires=at(config.questionnaires),
        base_url=config.site.base_url or None,
        public_key=at(config.site.public_key),
        site_out=at(config.site.out),
        mkdocs=at(config.site.mkdocs) if config.site.mkdocs else None,
        db=at(config.store.path),
        keys=tuple(at(p) for p in config.store.keys),
        unlock_minutes=config.store.unlock_minutes,
        language=config.language,
        employer=config.employer,
    )


def catalog_with(questionnaires: Path, config_file: Path | None) -> Catalog:
    """The sets in `questionnaires`, with the employer of `config_file` (read afresh: the
    desk runs for hours while HR edits it) if it has an [employer] table, else the
    folder's employer.yml. What every command, doctor, the desk and the plugin use."""
    from .loading import load_catalog

    if config_file is not None:
        found = load(config_file)
        if found.employer is not None:
            return load_catalog(questionnaires, found.employer, found.file)
    return load_catalog(questionnaires)


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or tr("the file")
    kind = first["type"]
    if kind == "extra_forbidden":
        return tr(
            "{where}: not a setting Sluttsamtale knows (see {CONFIG_NAME}'s schema)",
            where=where,
            CONFIG_NAME=CONFIG_NAME,
        )
    return f"{where}: {problems.problem(first)}"
