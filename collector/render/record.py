"""The conversation record: one response as a print-ready, self-contained HTML page.

It follows the form that doc 001 files in the personnel file where that is the employer's
rule: the header facts, "interviewed by" and date to fill in, the employee's wishes for the
conversation, the answers under their questions (in the wording the employee saw), and
ruled space for notes. No script, no external request (a CSP says so), every text escaped.

A record for the nearest leader exists only where the employee chose "HR and the nearest
leader", and leaves out special information: HR assesses that first (doc 000, 3.3).
"""

from __future__ import annotations

from html import escape

from ..errors import SluttsamtaleError
from ..intake.opening import SHORT_ID, Opened
from ..model import answers
from ..model.payload import Payload
from ..model.questionset import QuestionSet
from ..words import Catalogue, catalogue
from .answers import answer_text
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


def check_leader(opened: Opened) -> None:
    """Refuse a leader's copy unless the employee allowed the nearest leader to read."""
    payload, _ = opened.require()
    if payload.readers != "hr_and_leader":
        chose = catalogue("en").readers(payload.readers)
        raise SluttsamtaleError(
            f"response {opened.row.response_id[:SHORT_ID]} is not for the nearest "
            f"leader: the employee chose {chose!r}; no leader's copy is made"
        )


def render(opened: Opened, *, employer: str, for_leader: bool = False) -> str:
    payload, qset = opened.require()
    if for_leader:
        check_leader(opened)
    lang = payload.questionnaire.language
    words = catalogue(lang)
    w = words["record"]
    wishes = _wish_ids(payload, qset)
    facts = answers.header_questions(qset)
    special = {q.id for q in qset.questions() if q.special} if qset else set()
    out = [
        "<header>",
        f'<p class="employer">{escape(employer)}</p>',
        f"<h1>{escape(w['record'])}</h1>",
        f'<p class="set">{escape(payload.questionnaire.title)}</p>',
        "</header>",
        "<main>",
    ]
    if for_leader:
        out.append(f'<p class="box">{escape(w["leader_banner"])}</p>')
    elif payload.readers == "statistics":
        out.append(f'<p class="box">{escape(w["statistics_banner"])}</p>')
    out += _facts(payload, qset, facts, w)
    out += _wishes(payload, qset, wishes, w)
    if payload.declined:
        out.append(f'<div class="box"><p><strong>{escape(w["declined"])}</strong></p>')
        if payload.decline_reason:
            out.append(f"<h3>{escape(w['decline_reason'])}</h3>")
            out.append(f'<p class="answer">{escape(payload.decline_reason)}</p>')
        out.append("</div>")
    if not for_leader and answers.has_special(payload, qset):
        out.append(
            f'<div class="box special" role="note"><p><strong>'
            f"{escape(w['special_title'])}</strong></p>"
            f"<p>{escape(w['special_text'])}</p></div>"
        )
    skip = set(facts) | set(wishes) | (special if for_leader else set())
    for title, qids in answers.sections(payload, qset):
        shown = [q for q in qids if q not in skip and answers.visible(payload, qset, q)]
        if not shown:
            continue
        out.append(f"<section><h2>{escape(title)}</h2>" if title else "<section>")
        out += [_question(payload, qset, qid, w, notes=2) for qid in shown]
        out.append("</section>")
    out.append(f"<section><h2>{escape(w['notes_talk'])}</h2>{_ruled(10)}</section>")
    out += ["</main>", _footer(opened, payload, words)]
    title = f"{w['record']}: {payload.questionnaire.title}"
    return document(lang, title, CSS, out)


def _wish_ids(payload: Payload, qset: QuestionSet | None) -> list[str]:
    if qset is None:
        return [q for q in ("talk_holder", "union_rep") if q in payload.wording]
    return [q.id for code in WISH_CODES if (q := qset.by_code(code)) is not None]


def _answer(payload: Payload, qset: QuestionSet | None, qid: str, w: dict[str, str]) -> str:
    value = payload.answers.get(qid)
    if qid in payload.sent_to_whistleblowing:
        return f'<p class="answer no-answer">{escape(w["sent_whistleblowing"])}</p>'
    if value is None:
        return f'<p class="answer no-answer">{escape(w["no_answer"])}</p>'
    return f'<p class="answer">{escape(answer_text(payload, qset, qid, value))}</p>'


def _question(
    payload: Payload, qset: QuestionSet | None, qid: str, w: dict[str, str], *, notes: int
) -> str:
    label = escape(answers.label(payload, qid))
    ruled = f'<div aria-label="{escape(w["notes"])}">{_ruled(notes)}</div>' if notes else ""
    return f'<div class="qa"><h3>{label}</h3>{_answer(payload, qset, qid, w)}{ruled}</div>'


def _ruled(lines: int) -> str:
    return "".join('<span class="ruled"></span>' for _ in range(lines))


def _facts(
    payload: Payload, qset: QuestionSet | None, facts: list[str], w: dict[str, str]
) -> list[str]:
    out = [f"<section><h2>{escape(w['facts'])}</h2>", "<dl>"]
    for qid in facts:
        value = payload.answers.get(qid)
        text = answer_text(payload, qset, qid, value) if value is not None else ""
        out.append(f"<dt>{escape(answers.label(payload, qid))}</dt><dd>{escape(text)}</dd>")
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


def _footer(opened: Opened, payload: Payload, words: Catalogue) -> str:
    w, row = words["record"], opened.row
    items = [
        (w["readers"], words.readers(payload.readers)),
        (w["response"], row.response_id),
        (w["receipt"], row.receipt),
        (w["sealed"], when(payload.sealed_at)),
        (w["delete_by"], row.delete_by),
    ]
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f"<footer><dl>{cells}</dl></footer>"
