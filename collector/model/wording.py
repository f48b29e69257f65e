"""The wording the page seals with each answer (FORMAT.md 7): one function for the page's
configuration, the simulator in testing/, and the import's check that a response was
sealed by the page HR built."""

from __future__ import annotations

from typing import Any

from ..words import catalogue
from .questionset import Question, QuestionSet, QuestionType


def expected(qset: QuestionSet) -> dict[str, dict[str, Any]]:
    """Each question's label, and the words of every option the employee chose between,
    yes and no included."""
    terms = catalogue(qset.language).terms
    return {q.id: _wording(q, terms) for q in qset.questions()}


_ONCE: dict[int, tuple[QuestionSet, dict[str, dict[str, Any]]]] = {}
_MAX_SETS = 256


def expected_once(qset: QuestionSet) -> dict[str, dict[str, Any]]:
    """`expected(qset)`, worked out once per set (import checks every response against
    it); shared between calls, so for reading only."""
    known = _ONCE.get(id(qset))
    if known is not None and known[0] is qset:  # the set is held, so its id is not reused
        return known[1]
    if len(_ONCE) >= _MAX_SETS:
        _ONCE.clear()
    words = expected(qset)
    _ONCE[id(qset)] = (qset, words)
    return words


def _wording(q: Question, terms: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"label": q.label}
    if q.options:
        entry["options"] = {o.value: o.label for o in q.options}
        if q.other:
            entry["options"]["other"] = q.other_label
    elif q.type is QuestionType.yes_no:
        # The words the employee chose between travel with the answer.
        entry["options"] = {"yes": terms["yes"], "no": terms["no"]}
    return entry
