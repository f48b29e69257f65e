"""The `[employer]` table of sluttsamtale.toml, written from an Employer: each setting with
its description (the model's own docstring, which the JSON Schema gives an editor too) as
the comment above it, and the settings left unset as commented-out lines to fill in.

`init` writes the shipped demo employer this way; reading the table back (tomllib, the
same Employer model) gives the same employer (tests/test_employer_config.py).
"""

from __future__ import annotations

import textwrap
import tomllib
from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.items import String, StringType, Table, Trivia

WIDTH = 92
LONG = 60
"""A text longer than this is written as a multi-line string, on lines of its own."""

DEMO_NOTE = (
    "THE DEMO EMPLOYER. Replace every value with your own details before real use: the "
    "build refuses to publish a site with a real key while the demo's name or addresses "
    "are here (`sluttsamtale doctor` lists what is left)."
)


def employer_table(employer: BaseModel, *, demo: bool = False) -> str:
    """The TOML text of `[employer]` and its tables for `employer`."""
    doc = tomlkit.document()
    table = tomlkit.table()
    if demo:
        for line in _wrapped(DEMO_NOTE):
            table.add(tomlkit.comment(line))
    _fill(table, employer)
    doc.add("employer", table)
    return tomlkit.dumps(doc)


def _fill(table: Table, model: BaseModel) -> None:
    fields = type(model).model_fields
    values = model.model_dump(mode="json")
    nested: list[tuple[str, Any, str | None]] = []
    for name, info in fields.items():
        value = getattr(model, name)
        description = info.description
        if isinstance(value, BaseModel) or (
            isinstance(value, dict)
            and value
            and all(isinstance(v, BaseModel) for v in value.values())
        ):
            nested.append((name, value, description))
            continue
        if description:
            for line in _wrapped(description):
                table.add(tomlkit.comment(line))
        if values[name] is None:
            table.add(tomlkit.comment(f"{name} ="))
        else:
            table.add(name, _item(values[name]))
    for name, value, description in nested:
        sub = tomlkit.table()
        if description:
            for line in _wrapped(description):
                sub.add(tomlkit.comment(line))
        if isinstance(value, BaseModel):
            _fill(sub, value)
        else:
            for key, item in value.items():
                inner = tomlkit.table()
                _fill(inner, item)
                sub.add(key, inner)
        table.add(name, sub)


def _item(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONG:
        return _folded(value)
    return value


def _folded(text: str) -> Any:
    """A long text as a multi-line string on lines of WIDTH, each ending in a backslash,
    which TOML reads as nothing (the line break and the next line's indent go): the value
    is the one-line text. Checked by reading it back; unfoldable text is written plain."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = textwrap.wrap(
        escaped, WIDTH - 2, drop_whitespace=False, break_long_words=False, break_on_hyphens=False
    )
    for i in range(1, len(lines)):  # a break's spaces end the line before: TOML drops an indent
        rest = lines[i].lstrip(" ")
        lines[i - 1] += " " * (len(lines[i]) - len(rest))
        lines[i] = rest
    raw = "\\\n" + "\\\n".join(lines)
    folded = String(StringType.MLB, text, raw, Trivia())
    try:
        same = tomllib.loads(tomlkit.dumps({"x": folded}))["x"] == text
    except tomllib.TOMLDecodeError:
        same = False
    return folded if same else tomlkit.string(text, multiline=True)


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH - 2) or [""]
