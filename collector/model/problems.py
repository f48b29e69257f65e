"""pydantic's words for what is wrong with a value, in the user's language.

pydantic says "Input should be a valid string" in English only. The problems our models
can have (a question set, the configuration, a payload) are a short list, each said here
as a message of our own; any other keeps pydantic's English. The context a message
names is the model's (a length, a bound, the values allowed), never the input, so a
payload's problem still never quotes an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic_core import ErrorDetails

from ..i18n import tr, tr_plural

_Words = Callable[[Mapping[str, Any]], str]


def _words() -> dict[str, _Words]:
    """By pydantic's error type: the words, given the error's context."""
    return {
        "string_type": lambda _: tr("input should be text"),
        "int_type": lambda _: tr("input should be a whole number"),
        "int_parsing": lambda _: tr("input should be a whole number"),
        "int_from_float": lambda _: tr("input should be a whole number"),
        "float_type": lambda _: tr("input should be a number"),
        "bool_type": lambda _: tr("input should be true or false"),
        "bool_parsing": lambda _: tr("input should be true or false"),
        "dict_type": lambda _: tr("input should be a mapping of names to values"),
        "model_type": lambda _: tr("input should be a mapping of names to values"),
        "model_attributes_type": lambda _: tr("input should be a mapping of names to values"),
        "list_type": lambda _: tr("input should be a list"),
        "none_required": lambda _: tr("input should be empty (null)"),
        "literal_error": lambda c: tr("input should be {expected}", expected=_choices(c)),
        "enum": lambda c: tr("input should be {expected}", expected=_choices(c)),
        "string_too_short": lambda c: tr_plural(
            "text should have at least {n} character",
            "text should have at least {n} characters",
            c["min_length"],
        ),
        "string_too_long": lambda c: tr_plural(
            "text should have at most {n} character",
            "text should have at most {n} characters",
            c["max_length"],
        ),
        "string_pattern_mismatch": lambda c: tr(
            "text should match the pattern {pattern}", pattern=repr(c["pattern"])
        ),
        "too_short": lambda c: tr_plural(
            "should have at least {n} item", "should have at least {n} items", c["min_length"]
        ),
        "too_long": lambda c: tr_plural(
            "should have at most {n} item", "should have at most {n} items", c["max_length"]
        ),
        "greater_than_equal": lambda c: tr("input should be at least {n}", n=c["ge"]),
        "greater_than": lambda c: tr("input should be more than {n}", n=c["gt"]),
        "less_than_equal": lambda c: tr("input should be at most {n}", n=c["le"]),
        "less_than": lambda c: tr("input should be less than {n}", n=c["lt"]),
        "datetime_type": lambda _: tr("input should be a moment, such as 2026-05-31T12:00:00Z"),
        "datetime_parsing": lambda _: tr("input should be a moment, such as 2026-05-31T12:00:00Z"),
        "datetime_from_date_parsing": lambda _: tr(
            "input should be a moment, such as 2026-05-31T12:00:00Z"
        ),
        "date_type": lambda _: tr("input should be a date as YYYY-MM-DD"),
        "date_parsing": lambda _: tr("input should be a date as YYYY-MM-DD"),
        "date_from_datetime_parsing": lambda _: tr("input should be a date as YYYY-MM-DD"),
        "timezone_aware": lambda _: tr("input should have a time zone"),
        "url_parsing": lambda _: tr("input should be a web address"),
        "url_scheme": lambda _: tr("input should be a web address"),
        "missing": lambda _: tr("required, and missing"),
        "extra_forbidden": lambda _: tr("not a field this file may have"),
    }


def _choices(context: Mapping[str, Any]) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'"), joined with the language's
    "or": the values are the model's own."""
    expected = str(context["expected"])
    head, _, last = expected.rpartition(" or ")
    return tr("{values} or {last}", values=head, last=last) if head else expected


def problem(error: ErrorDetails) -> str:
    """What is wrong, as a phrase starting in lower case, without the place it is at.
    Words that need a context the error lacks fall back to pydantic's own."""
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Our validators' own messages, translated when they were raised.
        said = str(ctx["error"]) if "error" in ctx else error["msg"].partition(", ")[2]
        return said or error["msg"]
    words = _words().get(kind)
    if words is not None:
        try:
            return words(ctx)
        except KeyError:  # no context at hand: pydantic's own words
            pass
    msg = error["msg"]
    return msg[:1].lower() + msg[1:]
