"""Question sets: YAML files -> validated models, with errors naming file and question.

The employer (its details, its privacy notice in each language, its rules and policies) is
the `[employer]` table of the employer's `sluttsamtale.toml` when it has one (model/
installation.py), else the folder's `employer.yml` (the shipped demo's, and a folder made
before the configuration held it). A folder holds any number of question-set files. Every
version ever published stays in the folder, so answers sealed against an older version can
still be validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import QuestionSetError
from ..i18n import tr, tr_plural
from ..words import LANGUAGES
from . import problems
from .employer import Employer
from .policy import offered
from .questionset import QuestionSet, QuestionType

EMPLOYER_FILE = "employer.yml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        try:
            hash(key)
        except TypeError:  # SafeLoader's own check, which this constructor replaces
            raise yaml.constructor.ConstructorError(
                None, None, tr("a key is a list or a mapping"), key_node.start_mark
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, tr("key {key!r} appears twice", key=key), key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_FastLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastUniqueKeyLoader(yaml.CSafeLoader):
        """libyaml's parser with the same constructors (ten times faster): for files it
        reads without an error only, so every error is still the pure parser's words."""

    _FastUniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
    )
    _FastLoader = _FastUniqueKeyLoader


def _fast_load(text: str) -> tuple[bool, Any]:
    """(True, the YAML in `text`) read by libyaml, or (False, None) where it is missing or
    `text` holds anything either parser would stop at: then the pure parser reads it."""
    if _FastLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return False, None
    try:
        return True, yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a CSafeLoader subclass
    except yaml.YAMLError:
        return False, None


def read_yaml(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise QuestionSetError(
            tr(
                "{path}: cannot be read ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    return parse_yaml(data, path)


def parse_yaml(data: bytes, path: Path) -> Any:
    """The YAML in `data`, read from `path` (named in every error)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionSetError(tr("{path}: is not UTF-8 text", path=path)) from None
    done, data = _fast_load(text)
    if done:
        return data
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as e:  # a character YAML forbids; its str() is two lines
        line = text.count("\n", 0, e.position) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        raise QuestionSetError(
            tr(
                "{path}: is not valid YAML at line {line}: the character U+{code:04X} is "
                "not allowed in YAML",
                path=path,
                line=line,
                code=code,
            )
        ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        if mark is None:
            raise QuestionSetError(
                tr(
                    "{path}: is not valid YAML: {problem}",
                    path=path,
                    problem=problem,
                )
            ) from None
        line = mark.line + 1
        owner = _owner_at(text.splitlines(), mark.line)
        if owner:
            message = tr(
                "{path}: {owner}: not valid YAML at line {line}: {problem}",
                path=path,
                owner=owner,
                line=line,
                problem=problem,
            )
        else:
            message = tr(
                "{path}: is not valid YAML at line {line}: {problem}",
                path=path,
                line=line,
                problem=problem,
            )
        raise QuestionSetError(message) from None


# Broken YAML has no tree to ask, so the question or section around a syntax error is read
# from the layout of the text instead (block style, as every set in this project is written).
_ID_LINE = re.compile(r"""^(?P<lead>\s*(?:-\s+)?)id:\s*["']?(?P<id>[^"'\s#]+)""")
_KEY_LINE = re.compile(r"^(?P<lead>\s*)[A-Za-z_$][\w$]*:")


def _owner_at(lines: list[str], index: int) -> str | None:
    """The question (or section) whose block holds line `index`, e.g. "question 'reason'"."""
    if index >= len(lines):
        return None
    floor = _indent(lines[index])
    for i in range(index, -1, -1):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _ID_LINE.match(line)
        # An `id:` owns the lines below it that are indented at least as far as its key.
        if found and (i == index or len(found["lead"]) <= floor):
            return _kind_of(lines, i, len(found["lead"]), found["id"])
        floor = min(floor, _indent(line))
    return None


def _named(parent: str, ident: str) -> str:
    if parent == "sections":
        return tr("section {id!r}", id=ident)
    return tr("question {id!r}", id=ident)


def _numbered(parent: str, n: int) -> str:
    if parent == "sections":
        return tr("section number {n}", n=n)
    return tr("question number {n}", n=n)


def _kind_of(lines: list[str], index: int, column: int, ident: str) -> str | None:
    """Name the block whose `id:` is at `lines[index]` by the list key it sits under."""
    for line in reversed(lines[:index]):
        key = _KEY_LINE.match(line)
        if key and len(key["lead"]) < column:
            kind = line.split(":")[0].strip()
            return _named(kind, ident) if kind in ("questions", "sections") else None
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _pattern_words(pattern: str) -> str | None:
    """Plain words for the identifier patterns in schema.py."""
    if pattern == r"^[a-z][a-z0-9_]*$":
        return tr("must be lowercase letters, digits and _, starting with a letter")
    if pattern == r"^[a-z0-9][a-z0-9-]*$":
        return tr("must be lowercase letters, digits and -")
    return None


def _describe(error: ValidationError, raw: Any) -> str:
    """One sentence for the first error: the question (or section) it is in, then the problem."""
    first = error.errors()[0]
    message = problems.problem(first)
    # The set's own cross-question checks (loc is the set itself) already start with the
    # question or section they are about, in any language.
    if first["type"] == "value_error" and not first["loc"]:
        return message
    owner, field = _locate(raw, first["loc"])
    if first["type"] == "missing":
        problem = tr("{field!r} is missing", field=field)
    elif first["type"] == "extra_forbidden":
        problem = tr("{field!r} is not a known field", field=field)
    elif first["type"] == "enum" and field == "type":
        allowed = ", ".join(t.value for t in QuestionType)
        problem = tr(
            "unknown question type {input!r}; use one of {allowed}",
            input=first["input"],
            allowed=allowed,
        )
    elif first["type"] == "too_short":
        problem = tr_plural(
            "{field!r} needs at least 1 item",
            "{field!r} needs at least {n} items",
            first["ctx"]["min_length"],
            field=field,
        )
    elif first["type"] == "string_pattern_mismatch" and _pattern_words(first["ctx"]["pattern"]):
        problem = f"{field} {first['input']!r} {_pattern_words(first['ctx']['pattern'])}"
    else:
        problem = message
        if field:
            problem = f"{field}: {problem}"
    return f"{owner}: {problem}" if owner else problem


def _locate(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | None, str]:
    """Walk the raw YAML along an error location: the innermost section or question, and the
    dotted field path below it (e.g. ("question 'reason'", "options.0.value"))."""
    owner: str | None = None
    field: list[str] = []
    node = raw
    for part in loc:
        parent = field[-1] if field else None
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        field.append(str(part))
        if isinstance(part, int) and parent in ("sections", "questions"):
            ident = node.get("id") if isinstance(node, dict) else None
            if isinstance(ident, str):
                owner = _named(parent, ident)
            else:  # no id to name it by: count instead, within its section
                owner = ", ".join(filter(None, [owner, _numbered(parent, part + 1)]))
            field = []
    return owner, ".".join(field)


def load_employer(path: Path) -> Employer:
    raw = read_yaml(path)
    try:
        return Employer.model_validate(raw)
    except ValidationError as e:
        raise QuestionSetError(f"{path}: {_describe(e, raw)}") from None


def load_question_set(
    path: Path, employer: Employer | None = None, employer_file: Path | None = None
) -> QuestionSet:
    """Load one set; fill in the employer's privacy notice for its language."""
    return question_set_from_raw(read_yaml(path), path, employer, employer_file)


def question_set_from_raw(
    raw: Any, path: Path, employer: Employer | None = None, employer_file: Path | None = None
) -> QuestionSet:
    """One set from its parsed YAML (`parse_yaml`), read from `path`; `employer_file` is
    where the employer is written (to say where a missing notice belongs)."""
    if not isinstance(raw, dict):
        raise QuestionSetError(
            tr(
                "{path}: must be a mapping with id, version, sections ...",
                path=path,
            )
        )
    raw.pop("$schema", None)
    try:
        qset = QuestionSet.model_validate(raw)
    except ValidationError as e:
        raise QuestionSetError(f"{path}: {_describe(e, raw)}") from None
    if qset.privacy is None:
        notice = employer.privacy.get(qset.language) if employer else None
        if notice is None:
            raise QuestionSetError(
                tr(
                    "{path}: no privacy notice in {language!r}; add one to {_employer_place}",
                    path=path,
                    language=qset.language,
                    _employer_place=_employer_place(employer_file or path.parent / EMPLOYER_FILE),
                )
            )
        qset = qset.model_copy(update={"privacy": notice})
    if employer is not None:
        try:
            qset = offered(qset, employer.policies)
        except ValidationError as e:
            raise QuestionSetError(
                tr(
                    "{path}: with the employer's policies: {_describe}",
                    path=path,
                    _describe=_describe(e, qset.model_dump()),
                )
            ) from None
    return qset


@dataclass(frozen=True)
class Catalog:
    """Every question set in a folder, by (id, version)."""

    folder: Path
    employer: Employer
    sets: dict[tuple[str, int], QuestionSet]
    files: dict[tuple[str, int], Path]
    employer_file: Path | None = None
    """Where the employer is written: sluttsamtale.toml or the folder's employer.yml."""

    @property
    def employer_place(self) -> str:
        """The employer's file, as a message names it."""
        return _employer_place(self.employer_file or self.folder / EMPLOYER_FILE)

    @property
    def sources(self) -> list[Path]:
        """Every file the page is made from: the sets and the employer's file."""
        return [*self.files.values(), self.employer_file or self.folder / EMPLOYER_FILE]

    @property
    def receiver_key_path(self) -> Path | None:
        """The whistleblowing receiver's public key file the employer names, if any
        (relative to the file the employer is written in)."""
        named = self.employer.whistleblowing_key
        base = (self.employer_file or self.folder / EMPLOYER_FILE).parent
        return base / named if named else None

    def get(self, set_id: str, version: int) -> QuestionSet | None:
        return self.sets.get((set_id, version))

    def latest_of(self, set_id: str) -> QuestionSet | None:
        """The newest version of one set, or None if the folder has no such set."""
        versions = [q for (sid, _), q in self.sets.items() if sid == set_id]
        return max(versions, key=lambda q: q.version) if versions else None

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
        p
        for p in folder.rglob("*.y*ml")
        if p.name != EMPLOYER_FILE and p.suffix in {".yml", ".yaml"}
    )


def load_catalog(
    folder: Path, employer: Employer | None = None, employer_file: Path | None = None
) -> Catalog:
    """Every set in `folder`, with `employer` (written in `employer_file`: the employer's
    configuration) or else the folder's employer.yml."""
    if not folder.is_dir():
        raise QuestionSetError(tr("{folder}: question-set folder not found", folder=folder))
    if employer is None:
        employer_file = folder / EMPLOYER_FILE
        employer = load_employer(employer_file)
    sets: dict[tuple[str, int], QuestionSet] = {}
    files: dict[tuple[str, int], Path] = {}
    for path in question_set_files(folder):
        qset = load_question_set(path, employer, employer_file)
        key = (qset.id, qset.version)
        if key in sets:
            raise QuestionSetError(
                tr(
                    "{path}: question set {id!r} version {version} is also in {value}; give "
                    "the new one a higher version",
                    path=path,
                    id=qset.id,
                    version=qset.version,
                    value=files[key],
                )
            )
        sets[key] = qset
        files[key] = path
    if not sets:
        raise QuestionSetError(tr("{folder}: holds no question sets", folder=folder))
    return Catalog(
        folder=folder, employer=employer, sets=sets, files=files, employer_file=employer_file
    )


def _employer_place(file: Path) -> str:
    """employer.yml by its name (as the messages always said); the configuration as the
    table in it."""
    return file.name if file.name == EMPLOYER_FILE else tr("[employer] in {file}", file=file)
