"""Issue 12: the CLI speaks the user's language: the configuration's `language`, else the
locale (LC_ALL, LC_MESSAGES, LANG, as gettext reads them), else English."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from collector.cli import main
from collector.settings import locale_language
from collector.words import catalogue
from testing.fixtures import Env

pytestmark = pytest.mark.usefixtures("env")


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({"LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LANG": "no_NO"}, "nb"),
        ({"LANG": "nn_NO.UTF-8"}, "nn"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "nb_NO.UTF-8", "LC_MESSAGES": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "nb_NO.UTF-8", "LC_ALL": "nn_NO.UTF-8", "LC_MESSAGES": "sv_SE"}, "nn"),
        ({}, "en"),
    ],
)
def test_the_locale_names_the_language(variables: dict[str, str], language: str) -> None:
    assert locale_language(variables) == language


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "en"])
def test_list_speaks_the_locales_language(language: str) -> None:
    locale = {"nb": "nb_NO.UTF-8", "nn": "nn_NO.UTF-8", "sv": "sv_SE.UTF-8", "en": "C.UTF-8"}
    result = CliRunner().invoke(main, ["list"], env={"LANG": locale[language]})
    assert result.exit_code == 0, result.output
    assert result.output == catalogue(language)["cli"]["no_responses"] + "\n"  # type: ignore[arg-type]


def test_the_configuration_wins_over_the_locale(env: Env, tmp_path: Path) -> None:
    (tmp_path / "sluttsamtale.toml").write_text('language = "sv"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["list"], env={"LANG": "nb_NO.UTF-8"})
    assert result.output == "Inga svar är sparade.\n"
