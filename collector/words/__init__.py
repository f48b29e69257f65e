"""Sluttsamtale's own words, one catalogue per language (nb.yml, nn.yml, sv.yml, en.yml).

Everything the product says around the employer's questions lives here: the page's UI,
records, reports, exports, e-mails and the CLI's labels. A catalogue has sections (`terms`,
`page`, `record`, ...), each a flat mapping of key to text; `{name}` placeholders are filled
by the code that shows the text. Terms shared by several sections (the reader choice,
yes and no) are in `terms` only, so one concept has one wording in a language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from .. import i18n

Language = Literal["nb", "nn", "sv", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
Section = Literal[
    "terms",
    "page",
    "promises",
    "record",
    "report",
    "export",
    "analysis",
    "job_analysis",
    "mail",
    "cli",
    "desk",
    "sealed",
]
SECTIONS: tuple[Section, ...] = get_args(Section)
FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Catalogue:
    language: Language
    sections: dict[str, dict[str, str]]

    def __getitem__(self, section: Section) -> dict[str, str]:
        return self.sections[section]

    @property
    def terms(self) -> dict[str, str]:
        return self.sections["terms"]

    def readers(self, readers: str) -> str:
        """The wording of a reader choice ("hr", "hr_and_interviewer", "statistics")."""
        return self.terms[f"readers_{readers}"]

    def yes_no(self, value: bool) -> str:
        return self.terms["yes" if value else "no"]


OPERATORS: tuple[Section, ...] = ("cli",)
"""The sections said to the person at the keyboard, not in a set's language: written in
English in en.yml, translated in the gettext catalogues with the rest of the CLI (i18n.py),
so a translator finds every line the command says in one place."""


@functools.cache
def catalogue(language: Language) -> Catalogue:
    """The catalogue of one language, read once per process."""
    data = _read(language)
    sections: dict[str, dict[str, str]] = {
        name: dict(data[name]) for name in SECTIONS if name not in OPERATORS
    }
    english = _read("en")
    translated = i18n.translations(language)
    for name in OPERATORS:
        sections[name] = {key: translated.gettext(text) for key, text in english[name].items()}
    return Catalogue(language, sections)


@functools.cache
def _read(language: Language) -> dict[str, dict[str, str]]:
    with (FOLDER / f"{language}.yml").open(encoding="utf-8") as f:
        import yaml  # here, so that importing the words costs no YAML parser

        data: dict[str, dict[str, str]] = yaml.load(
            f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return data


def missing_keys() -> dict[str, set[str]]:
    """'language section.key' for every key some language lacks (a test keeps this empty)."""
    out: dict[str, set[str]] = {}
    for section in SECTIONS:
        every = set().union(*(catalogue(lang)[section].keys() for lang in LANGUAGES))
        for lang in LANGUAGES:
            lacking = every - catalogue(lang)[section].keys()
            if lacking:
                out.setdefault(lang, set()).update(f"{section}.{k}" for k in lacking)
    return out
