"""A question-set file's bytes, parsed (parse_yaml) and validated (question_set_from_raw)
with the testkit's employer: QuestionSetError, or a set.

PyYAML's SafeLoader is pure Python, so this target is slow per byte; seeds are the shipped
sets, a few KiB each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from collector.errors import QuestionSetError
from collector.model import loading
from spec.testkit import testkit as tk

from . import _kit
from ._check import documented

DOCUMENTED = (QuestionSetError,)
EMPLOYER = loading.load_employer(tk.QUESTIONNAIRES / loading.EMPLOYER_FILE)
PATH = Path("questionnaires/fuzzed.yml")


SMALLEST = b"""\
id: tiny
version: 1
language: en
title: Tiny
introduction: One question.
sections:
  - id: main
    title: Main
    questions:
      - id: reason
        type: single_choice
        label: Why?
        required: true
        options:
          - {value: pay, label: Pay}
        other: true
        other_label: Other
      - id: more
        type: long_text
        label: More?
        show_if: {question: reason, equals: [pay]}
"""


def seeds() -> Iterator[bytes]:
    yield SMALLEST
    for path in _kit.question_set_files():
        if path.name != loading.EMPLOYER_FILE:
            yield path.read_bytes()


def load(data: bytes) -> None:
    loading.question_set_from_raw(loading.parse_yaml(data, PATH), PATH, EMPLOYER)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: load(data))
