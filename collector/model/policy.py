"""A question set as this employer offers it: the employer's policies (employer.yml
`policies`) trim what the set asks, so the page never offers what the employer does not.

- `interviewers`: the `talk.holder` question offers only those; with one left it is not
  asked (the conversation is held by that one), and the section's own intro, which names
  the choices the set's author had in mind, gives way to the page's words for the policy.
- `union_representative: false`: the `talk.union_rep` question is not asked.

A section left with no question is dropped. The set is validated again, so a condition
that pointed at a dropped question fails the build with one sentence.
"""

from __future__ import annotations

from .employer import INTERVIEWERS, Policies
from .questionset import Question, QuestionSet, Section

HOLDER_CODE = "talk.holder"
UNION_CODE = "talk.union_rep"


def offered(qset: QuestionSet, policies: Policies) -> QuestionSet:
    """The set with the policies applied; the same object when nothing changes."""
    sections: list[Section] = []
    changed = False
    for section in qset.sections:
        questions: list[Question] = []
        intro = section.intro
        for q in section.questions:
            kept = _apply(q, policies)
            if kept is not q:
                changed = True
                if q.analysis_code == HOLDER_CODE:
                    intro = None
            if kept is not None:
                questions.append(kept)
        if questions:
            sections.append(section.model_copy(update={"questions": questions, "intro": intro}))
    if not changed:
        return qset
    data = qset.model_dump()
    data["sections"] = [s.model_dump() for s in sections]
    return QuestionSet.model_validate(data)


def _apply(q: Question, policies: Policies) -> Question | None:
    if q.analysis_code == UNION_CODE and not policies.union_representative:
        return None
    if q.analysis_code != HOLDER_CODE or not q.options:
        return q
    allowed = set(policies.interviewers)
    options = [o for o in q.options if o.value not in INTERVIEWERS or o.value in allowed]
    if len(options) == len(q.options):
        return q
    if len(options) <= 1:
        return None
    return q.model_copy(update={"options": options})
