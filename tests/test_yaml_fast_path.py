"""Question sets are read by libyaml where it is installed (ten times faster than the pure
parser, which every command's catalogue paid), but only for files it reads without an
error: the same data as the pure parser, and every error still in the pure parser's
words. Checked over every YAML file in the project and over broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from collector.errors import QuestionSetError
from collector.model import loading

ROOT = Path(__file__).resolve().parent.parent
EVERY_YAML = sorted(
    p
    for pattern in ("questionnaires/**/*.yml", "collector/words/*.yml", "tests/**/*.yml")
    for p in ROOT.glob(pattern)
)
BROKEN = [
    "id: a\nid: b\n",  # a key twice
    "? [a, b]\n: c\n",  # a key that is a list
    "a: 1\n\tb: 2\n",  # a tab where indentation goes
    "a: [1, 2\n",  # a flow sequence not closed
    "a: 'x\n",  # a quote not closed
    "a: b: c\n",  # a mapping where a value goes
    "a: \x07bell\n",  # a character YAML forbids
    "a: *nowhere\n",  # an alias of no anchor
    "- a\nb: c\n",  # a sequence then a mapping
    "a: !!python/object:os.system x\n",  # a tag the safe loader refuses
    "%YAML 2.0\n---\na: 1\n",  # a version YAML 1.1 parsers refuse
]


def pure(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, object]:
    with monkeypatch.context() as m:
        m.setattr(loading, "_FastLoader", None)
        return outcome(text)


def outcome(text: str) -> tuple[str, object]:
    try:
        return "data", loading.parse_yaml(text.encode("utf-8"), Path("set.yml"))
    except QuestionSetError as e:
        return "error", str(e)


def test_libyaml_is_used_here() -> None:
    assert getattr(yaml, "__with_libyaml__", False) and loading._FastLoader is not None


@pytest.mark.parametrize("path", EVERY_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_same_data_from_every_yaml_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    assert outcome(text) == pure(text, monkeypatch)


@pytest.mark.parametrize("text", BROKEN)
def test_the_same_words_for_every_broken_file(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = outcome(text), pure(text, monkeypatch)
    assert fast == slow
    assert fast[0] == "error"
