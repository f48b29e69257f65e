"""`{{ name }}` and `{{ lang.name }}` in the site's Markdown pages: each becomes the sentence
render/promises.py writes from the employer's configuration, in the page's language or the
one named. A name that is not a promise fails the build, so no page ships a raw `{{ }}`."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import cast

from ..i18n import tr
from ..words import LANGUAGES, Language

PLACEHOLDER = re.compile(r"\{\{\s*(?:([a-z]{2})\.)?([a-z_]+)\s*\}\}")
_MARKDOWN = re.compile(r"([\\`*_\[\]])")


def fill(
    markdown: str, language: Language | None, sentences: Callable[[Language], dict[str, str]]
) -> str:
    """Replace every placeholder; ValueError names the first one that cannot be filled."""

    def one(match: re.Match[str]) -> str:
        named, name = match.group(1), match.group(2)
        lang = named or language
        if lang is None:
            raise ValueError(
                tr(
                    "{group} needs a language here: write {{{{ nb.{name} }}}}",
                    group=match.group(0),
                    name=name,
                )
            )
        if lang not in LANGUAGES:
            raise ValueError(
                tr(
                    "{group}: {lang!r} is not a language of the site",
                    group=match.group(0),
                    lang=lang,
                )
            )
        found = sentences(cast(Language, lang)).get(name)
        if found is None:
            raise ValueError(
                tr(
                    "{group} is not a sentence the build can fill in",
                    group=match.group(0),
                )
            )
        return _MARKDOWN.sub(r"\\\1", html.escape(found, quote=False))

    return PLACEHOLDER.sub(one, markdown)
