"""The operator's language: help, messages and errors through gettext catalogues.

The English text in the code is the message id (`tr("{path}: no such file", path=p)`), so
English needs no catalogue and an untranslated message still reads as English. Bokmål,
nynorsk and Swedish live in `locale/<lang>/LC_MESSAGES/sluttsamtale.po`, made and compiled
to `.mo` by Babel (scripts/messages.py); the standard library's gettext reads the `.mo` at
run time, so a command starts at once.

What a page, a record, a report or an e-mail says follows the question set's language and
lives in collector/words/ instead: this module is for the person at the keyboard.
"""

from __future__ import annotations

import functools
import gettext
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from .words import Language

DOMAIN = "sluttsamtale"
LOCALE = Path(__file__).resolve().parent / "locale"
TRANSLATED: tuple[Language, ...] = ("nb", "nn", "sv")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language: Language = "en"


@functools.cache
def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalogue of one language (English: none, the ids are English)."""
    if language not in TRANSLATED:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE, languages=[language], fallback=True)


def use(language: Language) -> None:
    """Speak `language` from now on in this process: our messages and click's own words."""
    global _current, _language
    _current, _language = translations(language), language
    _speak_click(_current)


def language() -> Language:
    return _language


def tr(message: str, /, **values: Any) -> str:
    """`message` in the current language, its {placeholders} filled from `values`."""
    text = _current.gettext(message)
    return text.format(**values) if values else text


def number(n: int) -> str:
    """A whole number as the language writes it: 20,000 in English, 20 000 in the Nordic
    languages (a no-break space, as the page writes its counts)."""
    return f"{n:,}".replace(",", "," if _language == "en" else "\u00a0")


def tr_plural(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The form for `n` (`{n}` is filled in too)."""
    return _current.ngettext(singular, plural, n).format(n=n, **values)


# ---------------------------------------------------------------------------- help texts


def help_paragraphs(text: str) -> list[str]:
    """A help text's paragraphs, each one message. A block kept as written (click's `\\b`)
    that holds only commands is not a message: a command reads the same in any language;
    but one with a quoted text (a note, a reason) is, as the text is written in words."""
    return [p for p in _paragraphs(text) if p.strip() and not _only_commands(p)]


def _paragraphs(text: str) -> list[str]:
    """As click shows a help text: dedented, cut at a form feed, in paragraphs."""
    return inspect.cleandoc(text).partition("\f")[0].split("\n\n")


def _only_commands(paragraph: str) -> bool:
    lines = paragraph.splitlines()
    if not lines or lines[0].strip() != "\b" or '"' in paragraph:
        return False
    return all(line.strip().startswith(("sluttsamtale", "cd ", "#", "$")) for line in lines[1:])


def translate_help(text: str | None) -> str | None:
    if text is None:
        return None
    return "\n\n".join(_current.gettext(p) for p in _paragraphs(text))


def help_texts(group: click.Group) -> list[str]:
    """Every help message of the command tree, in order (for the catalogue's template)."""
    out: list[str] = []
    for command in _walk(group):
        english = _english(command)
        for text in (english["help"], english["short_help"], english["epilog"]):
            if text:
                out.extend(help_paragraphs(text))
        for _param, help_text in english["params"]:
            if help_text:
                out.extend(help_paragraphs(help_text))
    return list(dict.fromkeys(out))


def speak_help(group: click.Group) -> None:
    """Put the command tree's help into the current language (from its English, kept aside
    the first time, so that this can be done again in another language)."""
    for command in _walk(group):
        english = _english(command)
        command.help = translate_help(english["help"])
        command.short_help = translate_help(english["short_help"])
        command.epilog = translate_help(english["epilog"])
        for param, help_text in english["params"]:
            param.help = translate_help(help_text)
        # click makes --help once, in the language of that moment, and keeps it.
        made = getattr(command, "_help_option", None)
        if made is not None:
            made.help = _current.gettext("Show this message and exit.")


def _walk(command: click.Command) -> list[click.Command]:
    import click

    found = [command]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name]))
    return found


_ENGLISH = "_sluttsamtale_english"


def _english(command: click.Command) -> dict[str, Any]:
    import click

    kept = getattr(command, _ENGLISH, None)
    if kept is None:
        kept = {
            "help": command.help,
            "short_help": command.short_help,
            "epilog": command.epilog,
            "params": [(p, p.help) for p in command.params if isinstance(p, click.Option)],
        }
        setattr(command, _ENGLISH, kept)
    return kept


def _speak_click(catalogue: gettext.NullTranslations) -> None:
    """click marks its own words ("Usage:", "Show this message and exit.") for gettext and
    looks them up in the process's global domain, whose language only the environment
    chooses. Our catalogues carry those words too; pointing click's lookups at the chosen
    catalogue makes them follow the configuration's language, not just LANG."""
    import sys

    import click  # noqa: F401 - loads the modules that hold click's words

    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(getattr(module, "_", None), "__name__", "") == "gettext":
            module._ = catalogue.gettext  # type: ignore[attr-defined]
        if getattr(getattr(module, "ngettext", None), "__name__", "") == "ngettext":
            module.ngettext = catalogue.ngettext  # type: ignore[attr-defined]
