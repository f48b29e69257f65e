"""Issue 12 (8): help, messages and errors in bokmål, nynorsk, Swedish and English through
gettext catalogues made by Babel, with the English text as the message id.

The catalogues are held to the code (every message the code and the help hold is in the
template, and every language translates all of it, placeholders and all), the compiled
files to the catalogues, and the CLI to what it prints in each language."""

from __future__ import annotations

import ast
import gettext
import inspect
import re
import typing
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from pydantic_core import core_schema

from collector import i18n
from collector.cli import main
from collector.formats import strictjson
from collector.model import problems
from collector.model.payload import QuestionnaireRef
from testing import messages
from testing.fixtures import Env

LOCALES = {"nb": "nb_NO.UTF-8", "nn": "nn_NO.UTF-8", "sv": "sv_SE.UTF-8"}


def _ids(catalog: object) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalog if m.id}  # type: ignore[attr-defined]


def test_the_template_holds_every_message_of_the_code_and_the_help() -> None:
    fresh = {
        m
        for source in (messages.our_messages(), messages.help_messages(), messages.word_messages())
        for m, _ in source
    }
    committed = _ids(messages.read(messages.TEMPLATE))
    assert fresh - committed == set(), "run: python scripts/messages.py extract update"
    gone = committed - fresh - {m for m, _ in messages.click_messages()}
    assert gone == set(), "run: python scripts/messages.py extract update"


def test_every_message_is_a_literal_the_extractor_can_read() -> None:
    """tr(f"...") or tr(variable) would be looked up but never translated."""
    wrong = []
    for path in sorted(messages.PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            count = {"tr": 1, "tr_plural": 2}.get(node.func.id)
            if count is None:
                continue
            given = node.args[:count]
            if len(given) < count or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in given
            ):
                wrong.append(f"{path.relative_to(messages.ROOT)}:{node.lineno}")
    assert wrong == []


def test_no_message_is_translated_when_its_module_is_imported() -> None:
    """A tr() outside a function runs before the CLI has chosen a language: English always."""
    found = []

    def visit(node: ast.AST, inside: bool, path: Path) -> None:
        for child in ast.iter_child_nodes(node):
            deeper = inside or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            call = isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
            if call and child.func.id in ("tr", "tr_plural") and not inside:  # type: ignore[attr-defined]
                found.append(f"{path.relative_to(messages.ROOT)}:{child.lineno}")
            visit(child, deeper, path)

    for path in sorted(messages.PACKAGE.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), False, path)
    assert found == []


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_language_translates_every_message(language: str) -> None:
    assert messages.problems(language) == []


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_compiled_catalogue_is_the_catalogue(language: str) -> None:
    with messages.mo_path(language).open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in messages.read(messages.po_path(language), language):
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id
        else:
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0]
            assert compiled.ngettext(singular, plural, 5) == message.string[1]


def test_english_needs_no_catalogue_and_is_the_code_itself() -> None:
    i18n.use("en")
    assert i18n.tr("{path}: no such configuration file", path="x") == (
        "x: no such configuration file"
    )


def _plain(text: str) -> str:
    """Words as printed, whatever the wrapping (click may break a line after a hyphen)."""
    return " ".join(re.sub(r"-\n\s+", "-", text).replace("\b", "").split())


def _commands() -> list[list[str]]:
    return [[]] + [[name] for name in sorted(main.commands)]


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_help_page_is_in_the_language(language: str) -> None:
    """Each command's help, each option's help and click's own words, as printed: the
    translation of every paragraph is there, and no English paragraph the language
    translates differently is left."""
    catalogue = i18n.translations(language)  # type: ignore[arg-type]
    runner = CliRunner()
    for args in _commands():
        result = runner.invoke(main, [*args, "--help"], env={"LANG": LOCALES[language]})
        assert result.exit_code == 0, result.output
        shown = _plain(result.output)
        command = main if not args else main.commands[args[0]]
        english = i18n._english(command)  # the help as written, kept aside
        texts = [english["help"], *(help_text for _, help_text in english["params"])]
        for text in texts:
            for paragraph in i18n.help_paragraphs(text or ""):
                translated = catalogue.gettext(paragraph)
                assert _plain(translated) in shown, (args, paragraph)
                if translated != paragraph:
                    assert _plain(paragraph) not in shown, (args, paragraph)
        for word in ("Usage:", "Options", "Show this message and exit."):
            assert catalogue.gettext(word) != word
            assert _plain(catalogue.gettext(word)) in shown, (args, word)
        for word in messages.CLICK_WORDS_AS_VALUES:  # "[required]"
            assert catalogue.gettext(word) != word
            assert f"[{word}]" not in shown, (args, word)
        if not args:
            for name in main.commands:  # the list of commands, with their short help
                assert name in shown


def test_the_configurations_language_wins_for_the_main_help(env: Env, tmp_path: Path) -> None:
    (tmp_path / "sluttsamtale.toml").write_text('language = "nn"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--help"], env={"LANG": "sv_SE.UTF-8"})
    nn = i18n.translations("nn")
    assert _plain(nn.gettext("Show this message and exit.")) in _plain(result.output)
    first = inspect.cleandoc(main.help or "").split("\n\n")[0]
    assert nn.gettext(first) in result.output


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_an_error_is_said_in_the_language(env: Env, tmp_path: Path, language: str) -> None:
    (tmp_path / "empty.json").write_bytes(b"")
    result = CliRunner().invoke(main, ["import", "empty.json"], env={"LANG": LOCALES[language]})
    catalogue = i18n.translations(language)  # type: ignore[arg-type]
    for english in ("the file is empty", "envelope failure"):
        said = catalogue.gettext(english)
        assert said != english
        assert said in result.output, result.output
        assert english not in result.output


def test_every_problem_pydantic_has_words_of_ours_named_by_a_type_it_has() -> None:
    """A misspelt type would leave its problem in pydantic's English without a sound."""
    known = set(typing.get_args(core_schema.ErrorType))
    assert set(problems._words()) <= known, set(problems._words()) - known


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_parsers_problems_are_said_in_the_language(language: str) -> None:
    """pydantic's and Python's JSON decoder's English, inside our sentences, is ours."""
    i18n.use(language)  # type: ignore[arg-type]
    said = []
    for value in ("1", 1.5, None, [1], {"a": 1}):
        with pytest.raises(ValidationError) as caught:
            QuestionnaireRef.model_validate(
                {"id": "s", "version": value, "language": "nb", "title": "T"}, strict=True
            )
        said.append(problems.problem(caught.value.errors()[0]))
    with pytest.raises(ValidationError) as caught:
        QuestionnaireRef.model_validate({"id": "s", "version": 1, "language": "xx", "title": "T"})
    said.append(problems.problem(caught.value.errors()[0]))
    for text in (b"", b"{a", b'{"a" 1}', b'{"a":1 "b"}', b'"\x01"', b'"\\x"', b'"abc'):
        with pytest.raises(strictjson.JSONProblem) as problem:
            strictjson.loads(text)
        said.append(str(problem.value))
    english = ("Input", "input", "should", "Expecting", "Invalid", "Unterminated")
    for sentence in said:
        assert not any(word in sentence for word in english), sentence
    assert "'nb', 'nn', 'sv'" in said[5], said[5]  # the values allowed, in the language's "or"


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_a_usage_error_is_said_in_the_language(language: str) -> None:
    """click's own words: the "Error:" before the sentence, and the sentence."""
    result = CliRunner().invoke(main, ["list", "--no-such"], env={"LANG": LOCALES[language]})
    catalogue = i18n.translations(language)  # type: ignore[arg-type]
    assert result.exit_code == 2
    error = catalogue.gettext("Error: {message}").format(message="")
    no_such = catalogue.gettext("No such option {name!r}.").format(name="--no-such")
    assert error.strip() and error.strip() != "Error:"
    assert error.strip() in result.output and no_such in result.output, result.output


def test_a_language_change_in_one_process_changes_every_word_back() -> None:
    """The desk and the tests run several commands in one process: the help and click's
    words follow each call, from the English kept aside."""
    runner = CliRunner()
    sv = runner.invoke(main, ["list", "--help"], env={"LANG": "sv_SE.UTF-8"}).output
    en = runner.invoke(main, ["list", "--help"], env={"LANG": "C.UTF-8"}).output
    assert "Usage:" in en and "Show this message and exit." in en
    assert "Usage:" not in sv
    written = i18n._english(main.commands["list"])["help"]
    assert inspect.cleandoc(written).partition("\f")[0] == main.commands["list"].help


def test_help_paragraphs_leave_out_blocks_of_commands() -> None:
    text = "Say this.\n\nExample:\n\n\b\n    sluttsamtale init x\n    sluttsamtale doctor\n"
    assert i18n.help_paragraphs(text) == ["Say this.", "Example:"]
    assert isinstance(main, click.Group)


def test_a_translation_may_not_name_more_than_its_english() -> None:
    """str.format follows what a field names: `{path.__class__}` in a catalogue would print
    an attribute the English never shows."""
    english = messages.placeholders("{path}: no such file ({error!r})")
    assert english == {"{path}", "{error!r}"}
    assert messages.placeholders("{path.__class__}: finst ikkje ({error!r})") != english
    assert messages.placeholders("{path}: finst ikkje ({error})") != english
    assert messages.placeholders("({error!r}) {path}: finst ikkje") == english
    assert messages.placeholders("{path: ikkje") == {"(a lone brace)"}


def test_a_number_is_written_as_the_language_writes_it() -> None:
    i18n.use("en")
    assert i18n.number(20_000) == "20,000"
    i18n.use("nb")
    assert i18n.number(20_000) == "20\u00a0000"
    i18n.use("en")


GLOSSARY = {
    "nb": {"kontrollsum": "sjekksum"},
    "nn": {"kontrollsum": "sjekksum"},
    "sv": {"kontrollsumma": "checksumma"},
}
"""Per language, a term the product uses and the other word for the same thing that it
does not: HR reads the CLI's digest out to IT, and the employee's page names it too."""


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_cli_and_the_page_use_one_word_for_one_thing(language: str) -> None:
    from collector.words import FOLDER

    page = (FOLDER / f"{language}.yml").read_text(encoding="utf-8").lower()
    catalogue = messages.read(messages.po_path(language), language)
    said = " ".join(
        s
        for m in catalogue
        if m.id
        for s in ([m.string] if isinstance(m.string, str) else m.string)
    ).lower()
    for used, avoided in GLOSSARY[language].items():
        assert used in page and used in said, used
        assert avoided not in page and avoided not in said, avoided
