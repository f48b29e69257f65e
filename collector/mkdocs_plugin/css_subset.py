"""The theme's stylesheet cut down to the rules that can apply to one page.

Material's stylesheet is about 135 KB for every component it offers (search, tabs, code,
admonitions, ...); a question set's page uses a tenth of it. On a slow phone, parsing and
matching the rest costs the single-file page about 60 ms of its first 300 (benchmarks/
page_speed.py). A rule is dropped only when it cannot match: some compound of its selector
names a tag, class or id that no element of the page has, nor any element the page's script
makes. Everything that can change while the page is open (pseudo-classes such as :hover or
:checked, attributes, what :not, :is and :has say) is ignored, which keeps a rule rather
than drops it; so does a selector this module cannot read. At-rules are kept, and @media and
@supports are cut down inside. tests/test_css_subset.py checks the cut page in Chromium: every
element's computed style, in every state the page goes through, is the same as with the whole
stylesheet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import tinycss2
from tinycss2 import ast

# What the page's scripts (site/js) make or mark beyond the built HTML: the elements they
# create and the classes they set. tests/test_css_subset.py reads the scripts and fails if
# one makes or sets anything not named here.
SCRIPT_TAGS = frozenset({"a", "dd", "div", "dl", "dt", "h2", "h3", "li", "p", "span"})
SCRIPT_CLASSES = frozenset(
    {
        "sl-button--secondary",
        "sl-count--over",
        "sl-js",
        "sl-print-copy",
        "sl-question--error",
        "sl-review__action",
        "sl-review__list",
        "sl-review__none",
        "sl-review__row",
        "sl-starting",
        "sl-visually-hidden",
    }
)

_NESTED = frozenset({"media", "supports"})


def is_theme_stylesheet(href: str) -> bool:
    """Material's stylesheet, or a cut of it (the site's assets/stylesheets/), not the
    page's own (css/)."""
    return "/assets/stylesheets/" in "/" + urlsplit(href).path.lstrip("./")


@dataclass(frozen=True)
class _Element:
    tag: str
    id: str | None
    classes: frozenset[str]


@dataclass(frozen=True)
class _Compound:
    """What a compound selector needs of one element; None where it needs nothing."""

    tag: str | None
    id: str | None
    classes: frozenset[str]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[_Element] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = frozenset((values.get("class") or "").split())
        self.found.add(_Element(tag.lower(), values.get("id"), classes))


def elements_of(html: str) -> frozenset[_Element]:
    """Each distinct (tag, id, classes) of the page, and what its scripts make."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    made = {_Element(tag, None, frozenset()) for tag in SCRIPT_TAGS}
    made |= {_Element("*", None, frozenset({name})) for name in SCRIPT_CLASSES}
    return frozenset(parser.found | made)


def subset(css: str, html: str) -> str:
    """`css` with only the rules that can apply to an element of `html` (or one its scripts
    make), each kept rule exactly as it is written in `css`."""
    page = elements_of(html)
    memo: dict[_Compound, bool] = {}

    def fits(compound: _Compound) -> bool:
        if compound not in memo:
            memo[compound] = any(_fits(compound, e) for e in page)
        return memo[compound]

    return "".join(_kept(_rules(css), fits))


@dataclass(frozen=True)
class _Rule:
    """A rule read once: its text as written, and for a style rule what each of its
    selectors needs (None: a selector not read here, kept); for @media and @supports, the
    rules inside, between the text up to its block and the block's end."""

    text: str
    selectors: tuple[tuple[_Compound, ...] | None, ...] | None = None
    inside: tuple[_Rule, ...] | None = None
    end: str = ""


@functools.lru_cache(maxsize=4)
def _rules(css: str) -> tuple[_Rule, ...]:
    """The stylesheet read into rules (one build inlines the same stylesheet in each page).
    What is kept is cut from the source as written, not written out again, so an escape
    such as Material's `\\3c` in a data: URL stays as it was."""
    source = _Source(css)
    nodes = tinycss2.parse_stylesheet(source.text, skip_comments=False, skip_whitespace=False)
    return _read(nodes, source, len(source.text))


class _Source:
    """The stylesheet's text as tinycss2 counts it, and each node's offset in it."""

    def __init__(self, css: str) -> None:
        # tinycss2 reads \r\n, \r and \f as \n before it counts lines.
        self.text = css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def offset(self, node: ast.Node) -> int:
        line: int = node.source_line
        column: int = node.source_column
        return self._lines[line - 1] + column - 1


def _read(nodes: list[ast.Node], source: _Source, end: int) -> tuple[_Rule, ...]:
    """The rules among `nodes`, each node's text running to the next one's (or to `end`)."""
    rules: list[_Rule] = []
    starts = [source.offset(node) for node in nodes] + [end]
    for node, start, stop in zip(nodes, starts, starts[1:], strict=False):
        if isinstance(node, ast.WhitespaceToken | ast.Comment):
            continue
        text = source.text[start:stop]
        if isinstance(node, ast.QualifiedRule):
            selectors = tuple(_compounds(tokens) for tokens in _split(node.prelude))
            rules.append(_Rule(text, selectors=selectors))
        elif isinstance(node, ast.AtRule) and node.lower_at_keyword in _NESTED and node.content:
            close = start + text.rindex("}")
            inner = tinycss2.parse_rule_list(
                node.content, skip_comments=False, skip_whitespace=False
            )
            head = source.text[start : source.offset(inner[0])]
            rules.append(
                _Rule(head, inside=_read(inner, source, close), end=source.text[close:stop])
            )
        else:
            rules.append(_Rule(text))  # @charset, @font-face, @keyframes: kept as they are
    return tuple(rules)


def _kept(rules: tuple[_Rule, ...], fits: Callable[[_Compound], bool]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if rule.inside is not None:
            kept = _kept(rule.inside, fits)
            if kept:
                out.append(rule.text + "".join(kept) + rule.end)
        elif rule.selectors is None or any(
            compounds is None or all(fits(c) for c in compounds) for compounds in rule.selectors
        ):
            out.append(rule.text)
    return out


def _split(prelude: list[ast.Node]) -> list[list[ast.Node]]:
    """A selector list's tokens, one list per selector."""
    selectors: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _fits(compound: _Compound, element: _Element) -> bool:
    if element.tag == "*":  # a class a script sets, on an element of any kind
        return bool(compound.classes & element.classes)
    if compound.tag is not None and element.tag != compound.tag:
        return False
    if compound.id is not None and element.id != compound.id:
        return False
    return compound.classes <= element.classes


def _compounds(tokens: list[ast.Node]) -> tuple[_Compound, ...] | None:
    """The selector's compounds by what they need of one element, or None if a token is
    one this reader does not know (a namespace, say)."""
    compounds: list[_Compound] = []
    tag: str | None = None
    id_: str | None = None
    classes: set[str] = set()
    started = False

    def close() -> None:
        nonlocal tag, id_, classes, started
        if started:
            compounds.append(_Compound(tag, id_, frozenset(classes)))
        tag, id_, classes, started = None, None, set(), False

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if isinstance(token, ast.WhitespaceToken) or (
            isinstance(token, ast.LiteralToken) and token.value in (">", "+", "~")
        ):
            close()
        elif isinstance(token, ast.IdentToken) and not started:
            tag, started = token.lower_value, True
        elif isinstance(token, ast.LiteralToken) and token.value == "*" and not started:
            started = True
        elif isinstance(token, ast.LiteralToken) and token.value == ".":
            if i + 1 >= len(tokens) or not isinstance(tokens[i + 1], ast.IdentToken):
                return None
            classes.add(tokens[i + 1].value)
            started = True
            i += 1
        elif isinstance(token, ast.HashToken) and token.is_identifier:
            id_, started = token.value, True
        elif isinstance(token, ast.SquareBracketsBlock):
            started = True  # an attribute: it can change, so it asks nothing here
        elif isinstance(token, ast.LiteralToken) and token.value == ":":
            # A pseudo-class or (after a second colon) a pseudo-element: a state, or a
            # part of the element; it asks nothing of which element it is.
            i += 1
            if i < len(tokens) and isinstance(tokens[i], ast.LiteralToken):
                if tokens[i].value != ":":
                    return None
                i += 1
            if i >= len(tokens) or not isinstance(tokens[i], (ast.IdentToken, ast.FunctionBlock)):
                return None
            started = True
        else:
            return None
        i += 1
    close()
    return tuple(compounds)
