"""The conversation record: one response as a print-ready, self-contained HTML page.

It follows the form that doc 001 files in the personnel file where that is the employer's
rule: the header facts, "interviewed by" and date to fill in, the employee's wishes for the
conversation, the answers under their questions (in the wording the employee saw), and
ruled space for notes. No script, no external request (a CSP says so), every text escaped.

A copy for the person who holds the conversation exists only where the employee chose "HR
and the person who holds my conversation", names that person, and leaves out special
information: HR assesses that first (doc 000, 3.3). A response for anonymous statistics
only has no record at all.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..errors import SluttsamtaleError
from ..i18n import tr
from ..intake.opening import SHORT_ID, Opened
from ..model import answers
from ..model.employer import Employer, Policies
from ..model.payload import Payload
from ..model.questionset import QuestionSet
from ..routine.responses import refuse_anonymous
from ..words import catalogue
from .answers import answer_text, header_facts, not_for_hr
from .html import document
from .text import when

WISH_CODES = ("talk.holder", "talk.union_rep")

# Borders, not backgrounds, draw the ruled lines: browsers leave backgrounds out of print.
CSS = """
@page { size: A4; margin: 16mm 15mm; }
body { font: 11pt/1.45 system-ui, "Segoe UI", Arial, sans-serif; color: #111;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #333; margin: 1.6rem 0 .4rem; }
h3 { font-size: 1rem; margin: .9rem 0 .15rem; }
.employer, .set { margin: 0; color: #333; }
.answer { white-space: pre-wrap; margin: 0 0 .3rem; }
.no-answer { color: #555; font-style: italic; }
.qa, .box, dl { break-inside: avoid; }
.ruled { display: block; border-bottom: 1px solid #777; height: 1.75em; }
.box { border: 2px solid #111; padding: .5rem .8rem; margin: 1rem 0; }
.special { border-color: #9b0000; border-width: 3px; }
.special strong { color: #9b0000; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
dd.blank { border-bottom: 1px solid #777; min-height: 1.4em; }
footer { font-size: .85rem; color: #333; border-top: 1px solid #999; margin-top: 2rem;
  padding-top: .4rem; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
"""


def interviewer(opened: Opened, policies: Policies | None = None) -> str | None:
    """Who the employee chose to hold the conversation, in the words they chose it by; where
    the employer offers only one (employer.yml `policies.interviewers`), that one."""
    payload, qset = opened.require()
    q = qset.by_code("talk.holder") if qset is not None else None
    value = payload.answers.get(q.id) if q is not None else None
    if q is not None and isinstance(value, str):
        return answer_text(payload, qset, q.id, value)
    if policies is not None and len(policies.interviewers) == 1:
        words = catalogue(payload.questionnaire.language)["record"]
        return words[f"holder_{policies.interviewers[0]}"]
    return None


def check_interviewer(opened: Opened, policies: Policies | None = None) -> None:
    """Refuse the interviewer's copy unless the employee allowed that person to read."""
    payload, _ = opened.require()
    if opened.row.superseded:
        raise SluttsamtaleError(
            tr(
                "response {value} was replaced by a newer answer from the same "
                "invitation; a copy is made only of the current one",
                value=opened.row.response_id[:SHORT_ID],
            )
        )
    if payload.readers != "hr_and_interviewer":
        chose = catalogue("en").readers(payload.readers)
        raise SluttsamtaleError(
            tr(
                "response {value} is not for the person who holds the conversation: the "
                "employee chose {chose!r}; no copy is made",
                value=opened.row.response_id[:SHORT_ID],
                chose=chose,
            )
        )
    if interviewer(opened, policies) is None:
        raise SluttsamtaleError(
            tr(
                "response {value} does not say who holds the conversation; no copy is made",
                value=opened.row.response_id[:SHORT_ID],
            )
        )


def render(opened: Opened, *, employer: Employer, for_interviewer: bool = False) -> str:
    """The whole record as a page to print or to hand over."""
    parts = content(opened, employer=employer, for_interviewer=for_interviewer)
    payload, _ = opened.require()
    lang = payload.questionnaire.language
    words = catalogue(lang)
    w = words["record"]
    out = [
        "<header>",
        f'<p class="employer">{escape(employer.name)}</p>',
        f"<h1>{escape(w['record'])}</h1>",
        f'<p class="set">{escape(payload.questionnaire.title)}</p>',
        "</header>",
        "<main>",
        *parts,
        f"<section><h2>{escape(w['notes_talk'])}</h2>{_ruled(10)}</section>",
        "</main>",
        footer(opened, employer),
    ]
    title = f"{w['record']}: {payload.questionnaire.title}"
    return document(lang, title, CSS, out)


def content(opened: Opened, *, employer: Employer, for_interviewer: bool = False) -> list[str]:
    """The record's facts, wishes and answers as HTML (escaped), without the page around
    them: what the record prints and the desk's response page shows."""
    refuse_anonymous(opened)
    payload, qset = opened.require()
    record = opened.record
    assert record is not None
    if for_interviewer:
        check_interviewer(opened, employer.policies)
    w = catalogue(payload.questionnaire.language)["record"]
    wishes = _wish_ids(payload, qset)
    facts = header_facts(record, qset)
    special = {q.id for q in qset.questions() if q.special} if qset else set()
    out: list[str] = []
    holder = interviewer(opened, employer.policies)
    if for_interviewer:
        banner = w["interviewer_banner"].format(holder=holder or "")
        out.append(f'<p class="box">{escape(banner)}</p>')
    out += _facts(facts, w)
    if record.corrections:
        items = "".join(f"<li>{escape(c.on)}: {escape(c.note)}</li>" for c in record.corrections)
        out.append(
            f'<div class="box" role="note"><p><strong>{escape(w["corrections"])}</strong></p>'
            f"<ul>{items}</ul></div>"
        )
    out += _wishes(payload, qset, wishes, w)
    if payload.declined:
        out.append(f'<div class="box"><p><strong>{escape(w["declined"])}</strong></p>')
        if payload.decline_reason:
            out.append(f"<h3>{escape(w['decline_reason'])}</h3>")
            out.append(f'<p class="answer">{escape(payload.decline_reason)}</p>')
        out.append("</div>")
    if not for_interviewer and answers.has_special(payload, qset):
        out.append(
            f'<div class="box special" role="note"><p><strong>'
            f"{escape(w['special_title'])}</strong></p>"
            f"<p>{escape(w['special_text'])}</p></div>"
        )
    skip = {qid for qid, _, _ in facts} | set(wishes) | not_for_hr(record, qset)
    skip |= special if for_interviewer else set()
    for title, qids in answers.sections(payload, qset):
        shown = [q for q in qids if q not in skip and answers.visible(payload, qset, q)]
        if not shown:
            continue
        out.append(f"<section><h2>{escape(title)}</h2>" if title else "<section>")
        out += [_question(payload, qset, qid, w, notes=2) for qid in shown]
        out.append("</section>")
    return out


def _wish_ids(payload: Payload, qset: QuestionSet | None) -> list[str]:
    if qset is None:
        return [q for q in ("talk_holder", "union_rep") if q in payload.wording]
    return [q.id for code in WISH_CODES if (q := qset.by_code(code)) is not None]


def _answer(payload: Payload, qset: QuestionSet | None, qid: str, w: dict[str, str]) -> str:
    value = payload.answers.get(qid)
    if value is None:
        return f'<p class="answer no-answer">{escape(w["no_answer"])}</p>'
    return f'<p class="answer">{escape(answer_text(payload, qset, qid, value))}</p>'


def _question(
    payload: Payload, qset: QuestionSet | None, qid: str, w: dict[str, str], *, notes: int
) -> str:
    label = escape(answers.label(payload, qid))
    # Lines to write on once printed: nothing for a screen reader (a label on a plain div is
    # not announced either; axe's aria-prohibited-attr).
    ruled = f'<div class="notes" aria-hidden="true">{_ruled(notes)}</div>' if notes else ""
    return f'<div class="qa"><h3>{label}</h3>{_answer(payload, qset, qid, w)}{ruled}</div>'


def _ruled(lines: int) -> str:
    return "".join('<span class="ruled"></span>' for _ in range(lines))


def _facts(facts: list[tuple[str, str, str]], w: dict[str, str]) -> list[str]:
    out = [f"<section><h2>{escape(w['facts'])}</h2>", "<dl>"]
    for _, label, text in facts:
        out.append(f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>")
    out.append(f'<dt>{escape(w["interviewed_by"])}</dt><dd class="blank"></dd>')
    out.append(f'<dt>{escape(w["date"])}</dt><dd class="blank"></dd>')
    out += ["</dl>", "</section>"]
    return out


def _wishes(
    payload: Payload, qset: QuestionSet | None, wishes: list[str], w: dict[str, str]
) -> list[str]:
    if not wishes:
        return []
    out = [f"<section><h2>{escape(w['wishes'])}</h2>"]
    out += [_question(payload, qset, qid, w, notes=0) for qid in wishes]
    out.append("</section>")
    return out


def footer(opened: Opened, employer: Employer) -> str:
    """Who may read the record, its ids, and its delete-by date."""
    payload, _ = opened.require()
    words = catalogue(payload.questionnaire.language)
    holder = interviewer(opened, employer.policies)
    policies = employer.policies
    w, row = words["record"], opened.row
    readers = words.readers(payload.readers)
    if payload.readers == "hr_and_interviewer" and holder:
        readers = f"{readers}: {holder}"
    items = [
        (w["readers"], readers),
        (w["response"], row.response_id),
        (w["receipt"], row.receipt),
        (w["received"], when(datetime.fromisoformat(row.received_at))),
        (w["delete_by"], row.delete_by),
        # Doc 001 files the record in the personnel file; doc 000 keeps it apart.
        (w["filing"], w["filing_personnel" if policies.personnel_file else "filing_apart"]),
    ]
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f"<footer><dl>{cells}</dl></footer>"
