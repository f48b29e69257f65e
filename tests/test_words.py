"""The catalogues of words (collector/words/*.yml): every key in every language, with the same
placeholders, so no text shows a raw `{name}` or falls back to another language."""

from __future__ import annotations

import string

import pytest

from collector import words
from collector.words import LANGUAGES, SECTIONS, catalogue


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_language_has_every_key() -> None:
    assert words.missing_keys() == {}


@pytest.mark.parametrize("section", SECTIONS)
def test_every_language_fills_the_same_placeholders(section: str) -> None:
    english = catalogue("en")[section]  # type: ignore[index]
    for language in LANGUAGES:
        texts = catalogue(language)[section]  # type: ignore[index]
        for key, text in texts.items():
            assert _placeholders(text) == _placeholders(english[key]), (language, section, key)


def test_no_text_is_empty_or_untranslated_by_accident() -> None:
    for language in LANGUAGES:
        for section in SECTIONS:
            for key, text in catalogue(language)[section].items():
                assert text.strip(), (language, section, key)


def test_one_wording_of_the_reader_choice_per_language() -> None:
    # The page, the record, the CLI and the export all take it from `terms`.
    for language in LANGUAGES:
        for section in SECTIONS:
            if section == "terms":
                continue
            keys = catalogue(language)[section].keys()
            assert not {
                k
                for k in keys
                if k.startswith("readers_") and k[8:] in ("hr", "hr_and_leader", "statistics")
            }, (language, section)
