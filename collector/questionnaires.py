"""Question sets: YAML files -> validated models, with errors naming file and question.

A folder holds one `employer.yml` (the employer's privacy notice, in each language: the one
configuration place) and any number of question-set files. Every version ever published
stays in the folder, so answers sealed against an older version can still be validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import LANGUAGES, Language, PrivacyNotice, QuestionSet, Strict

EMPLOYER_FILE = "employer.yml"


class QuestionSetError(ValueError):
    """A question set or employer file that cannot be used; the message names the file."""


class Employer(Strict):
    """employer.yml: the employer's privacy notice, once per language."""

    name: str
    privacy: dict[Language, PrivacyNotice]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except OSError as e:
        raise QuestionSetError(f"{path}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise QuestionSetError(f"{path}: is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise QuestionSetError(f"{path}: is not valid YAML{where}: {problem}") from None


def _describe(error: ValidationError, raw: Any) -> str:
    """One sentence for the first error, naming the question (or section) it is in."""
    first = error.errors()[0]
    loc = list(first["loc"])
    where: list[str] = []
    node = raw
    field_path: list[str] = []
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
            field_path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict) and "id" in node:
                kind = "question" if field_path[-1:] == ["questions"] else "section"
                where = [f"{kind} {node['id']!r}"] if kind == "question" else where + [
                    f"{kind} {node['id']!r}"
                ]
                field_path = []
            else:
                field_path.append(str(part))
        else:
            field_path.append(str(part))
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        # Cross-question checks already name the question they are about.
        if message.startswith(("question ", "section ")):
            return message
    if first["type"] == "enum" and field_path == ["type"]:
        message = f"unknown question type {first['input']!r}; {first['msg'][0].lower()}" + first[
            "msg"
        ][1:]
    field = ".".join(field_path)
    prefix = ", ".join(where)
    parts = [p for p in (prefix, field) if p]
    return f"{': '.join(parts)}: {message}" if parts else message


def load_employer(path: Path) -> Employer:
    raw = read_yaml(path)
    try:
        return Employer.model_validate(raw)
    except ValidationError as e:
        raise QuestionSetError(f"{path}: {_describe(e, raw)}") from None


def load_question_set(path: Path, employer: Employer | None = None) -> QuestionSet:
    """Load one set; fill in the employer's privacy notice for its language."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{path}: must be a mapping with id, version, sections ...")
    raw.pop("$schema", None)
    try:
        qset = QuestionSet.model_validate(raw)
    except ValidationError as e:
        raise QuestionSetError(f"{path}: {_describe(e, raw)}") from None
    if qset.privacy is None:
        notice = employer.privacy.get(qset.language) if employer else None
        if notice is None:
            raise QuestionSetError(
                f"{path}: no privacy notice in {qset.language!r}; add one to {EMPLOYER_FILE}"
            )
        qset = qset.model_copy(update={"privacy": notice})
    return qset


@dataclass(frozen=True)
class Catalog:
    """Every question set in a folder, by (id, version)."""

    folder: Path
    employer: Employer
    sets: dict[tuple[str, int], QuestionSet]
    files: dict[tuple[str, int], Path]

    def get(self, set_id: str, version: int) -> QuestionSet | None:
        return self.sets.get((set_id, version))

    def latest(self) -> list[QuestionSet]:
        """The newest version of each set, in a stable order (language, then title)."""
        newest: dict[str, QuestionSet] = {}
        for (set_id, version), qset in self.sets.items():
            if set_id not in newest or version > newest[set_id].version:
                newest[set_id] = qset
        order = {lang: i for i, lang in enumerate(LANGUAGES)}
        return sorted(newest.values(), key=lambda s: (order[s.language], s.title))


def question_set_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*.y*ml") if p.name != EMPLOYER_FILE and p.suffix in {".yml", ".yaml"}
    )


def load_catalog(folder: Path) -> Catalog:
    if not folder.is_dir():
        raise QuestionSetError(f"{folder}: question-set folder not found")
    employer = load_employer(folder / EMPLOYER_FILE)
    sets: dict[tuple[str, int], QuestionSet] = {}
    files: dict[tuple[str, int], Path] = {}
    for path in question_set_files(folder):
        qset = load_question_set(path, employer)
        key = (qset.id, qset.version)
        if key in sets:
            raise QuestionSetError(
                f"{path}: question set {qset.id!r} version {qset.version} is also in "
                f"{files[key]}; give the new one a higher version"
            )
        sets[key] = qset
        files[key] = path
    if not sets:
        raise QuestionSetError(f"{folder}: holds no question sets")
    return Catalog(folder=folder, employer=employer, sets=sets, files=files)


def default_folder() -> Path:
    """SLUTTSAMTALE_QUESTIONNAIRES, else ./questionnaires, else the one beside this package."""
    env = os.environ.get("SLUTTSAMTALE_QUESTIONNAIRES")
    if env:
        return Path(env)
    here = Path("questionnaires")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "questionnaires"
