"""The operator's catalogues (collector/locale/): extracted, merged and compiled by Babel.

    python scripts/messages.py extract   # the template: every message the code and help hold
    python scripts/messages.py update    # merge it into nb, nn and sv (new ones untranslated)
    python scripts/messages.py compile   # the .mo files gettext reads at run time

The English text is the message id, so a message changed in the code is a new message for
every translator; tests/test_cli_language.py fails until each language has it.
"""

from __future__ import annotations

import inspect
import re
import string
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "collector"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "sluttsamtale.pot"
LANGUAGES = ("nb", "nn", "sv")
OUR_KEYWORDS = {"tr": None, "tr_plural": (1, 2)}
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}
CLICK_WORDS_AS_VALUES = ("required",)
"""click's words that it looks up as a variable, `_(extra["required"])`, which no extractor
finds: an option's "[required]"."""

Message = tuple[str | tuple[str, ...], str]  # (id or (singular, plural), where)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "sluttsamtale.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def our_messages() -> Iterator[Message]:
    """What the code says through tr() and tr_plural()."""
    for filename, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=OUR_KEYWORDS, comment_tags=()
    ):
        yield message, f"collector/{filename}"


def help_messages() -> Iterator[Message]:
    """Every help paragraph of the command tree, where its command is defined."""
    from collector import i18n
    from collector.cli import main

    for text in i18n.help_texts(main):
        yield text, "collector/cli"


def word_messages() -> Iterator[Message]:
    """The CLI's own lines, written in English in collector/words/en.yml (words.OPERATORS)."""
    import yaml

    from collector.words import FOLDER, OPERATORS

    english = yaml.safe_load((FOLDER / "en.yml").read_text(encoding="utf-8"))
    for section in OPERATORS:
        for text in english[section].values():
            yield text, "collector/words/en.yml"


def click_messages() -> Iterator[Message]:
    """click's own words ("Usage:", "Show this message and exit."), from its source."""
    import click

    folder = Path(inspect.getfile(click)).parent
    for filename, _line, message, _comments, _context in extract_from_dir(
        folder, method_map=[("**.py", "python")], keywords=CLICK_KEYWORDS, comment_tags=()
    ):
        yield message, f"click/{filename}"
    for message in CLICK_WORDS_AS_VALUES:
        yield message, "click/core.py"


def template() -> Catalog:
    catalog = Catalog(
        project="Sluttsamtale",
        copyright_holder="the Sluttsamtale contributors",
        msgid_bugs_address="",
        fuzzy=False,
    )
    for source in (help_messages(), our_messages(), word_messages(), click_messages()):
        for message, where in source:
            catalog.add(message, locations=[(where, 0)])
    return catalog


PERCENT = re.compile(r"%\(([A-Za-z_]+)\)[sdr]")


def placeholders(text: str) -> set[str]:
    """The {name} and %(name)s fields a translation must keep (click uses both), each as
    written: a translation's `{path.__class__}` or `{path!r}` for `{path}` is a difference,
    since str.format would look up what it names."""
    try:
        fields = {
            f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        }
    except ValueError:  # a lone brace: str.format would refuse it
        fields = {"(a lone brace)"}
    return fields | {f"%{name}" for name in PERCENT.findall(text)}


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, sort_output=False, ignore_obsolete=True)
    path.write_bytes(out.getvalue())


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language)


def extract() -> None:
    write(template(), TEMPLATE)


def update() -> None:
    fresh = read(TEMPLATE)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(path, language)
        else:
            catalog = Catalog(locale=language, project="Sluttsamtale", fuzzy=False)
        catalog.update(fresh, no_fuzzy_matching=True)
        write(catalog, path)


def compile_all() -> None:
    for language in LANGUAGES:
        out = BytesIO()
        write_mo(out, read(po_path(language), language), use_fuzzy=False)
        mo_path(language).write_bytes(out.getvalue())


def problems(language: str) -> list[str]:
    """Each message of `language` that is missing, untranslated, fuzzy, or whose
    {placeholders} differ from the English."""
    catalog = read(po_path(language), language)
    found = {m.id: m for m in catalog if m.id}
    out = []
    for wanted in read(TEMPLATE):
        if not wanted.id:
            continue
        key = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
        message = found.get(wanted.id)
        forms = [] if message is None else _forms(message.string)
        if message is None or not all(forms):
            out.append(f"untranslated: {key!r}")
        elif message.fuzzy:
            out.append(f"fuzzy: {key!r}")
        else:
            english = wanted.id if isinstance(wanted.id, str) else wanted.id[1]
            for form in forms:
                if placeholders(form) != placeholders(english):
                    out.append(f"placeholders differ: {key!r}")
                    break
    return out


def _forms(string: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if string is None:
        return [""]
    return [string] if isinstance(string, str) else list(string)


def check() -> None:
    failed = False
    for language in LANGUAGES:
        for problem in problems(language):
            print(f"{language}: {problem}")
            failed = True
    if failed:
        raise SystemExit(1)


def main(argv: list[str]) -> int:
    steps = {"extract": extract, "update": update, "compile": compile_all, "check": check}
    if len(argv) != 1 or argv[0] not in steps:
        print("usage: python scripts/messages.py extract|update|compile|check", file=sys.stderr)
        return 2
    steps[argv[0]]()
    return 0
