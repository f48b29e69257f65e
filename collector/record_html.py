"""The conversation record: one response as a print-ready, self-contained HTML page.

It follows the form that doc 001 files in the personnel file where that is the employer's
rule: the header facts, "interviewed by" and date to fill in, the employee's wishes for the
conversation, the answers under their questions (in the wording the employee saw), and
ruled space for notes. No script, no external request (a CSP says so), every text escaped.

A record for the nearest leader exists only where the employee chose "HR and the nearest
leader", and leaves out special information: HR assesses that first (doc 000, 3.3).
"""

from __future__ import annotations

from datetime import UTC
from html import escape

from . import reading
from .errors import SluttsamtaleError
from .schema import Payload, QuestionSet

_NB = {
    "record": "Sluttsamtale",
    "facts": "Opplysninger",
    "interviewed_by": "Intervjuet av",
    "date": "Dato",
    "wishes": "Ønsker for samtalen",
    "declined": "Takket nei til sluttsamtale.",
    "decline_reason": "Begrunnelse",
    "special_title": "Særlig informasjon",
    "special_text": "Svarene inneholder særlig informasjon (avvik, bekymring, sterk misnøye "
    "eller varsel). Arbeidsgiver tar imot informasjonen og skal vurdere om den må undersøkes "
    "og følges opp. HR kontaktes for råd og veiledning.",
    "notes": "Notater",
    "notes_talk": "Notater fra samtalen",
    "sent_whistleblowing": "Sendt til varslingskanalen: bare varselmottakeren kan lese svaret.",
    "no_answer": "(ikke besvart)",
    "readers": "Hvem kan lese svarene",
    "hr": "Bare HR",
    "hr_and_leader": "HR og nærmeste leder",
    "statistics": "Bare anonym statistikk",
    "leader_banner": "Utskrift for nærmeste leder. Den ansatte har valgt at HR og nærmeste "
    "leder kan lese svarene. Særlig informasjon er ikke med.",
    "statistics_banner": "Den ansatte har valgt at svarene bare skal brukes i anonym "
    "statistikk. Ikke del eller arkiver denne utskriften.",
    "response": "Svar-ID",
    "receipt": "Kvitteringskode",
    "sealed": "Forseglet",
    "delete_by": "Slettes senest",
}
_NN = {
    **_NB,
    "facts": "Opplysningar",
    "interviewed_by": "Intervjua av",
    "wishes": "Ønske for samtalen",
    "declined": "Takka nei til sluttsamtale.",
    "decline_reason": "Grunngjeving",
    "special_title": "Særleg informasjon",
    "special_text": "Svara inneheld særleg informasjon (avvik, uro, sterk misnøye eller "
    "varsel). Arbeidsgivaren tek imot informasjonen og skal vurdere om han må undersøkjast "
    "og følgjast opp. HR blir kontakta for råd og rettleiing.",
    "notes": "Notat",
    "notes_talk": "Notat frå samtalen",
    "sent_whistleblowing": "Sendt til varslingskanalen: berre varselmottakaren kan lese svaret.",
    "no_answer": "(ikkje svara på)",
    "readers": "Kven kan lese svara",
    "hr": "Berre HR",
    "hr_and_leader": "HR og nærmaste leiar",
    "statistics": "Berre anonym statistikk",
    "leader_banner": "Utskrift for nærmaste leiar. Den tilsette har valt at HR og nærmaste "
    "leiar kan lese svara. Særleg informasjon er ikkje med.",
    "statistics_banner": "Den tilsette har valt at svara berre skal nyttast i anonym "
    "statistikk. Ikkje del eller arkiver denne utskrifta.",
    "sealed": "Forsegla",
    "delete_by": "Blir sletta seinast",
}
_SV = {
    "record": "Avslutssamtal",
    "facts": "Uppgifter",
    "interviewed_by": "Samtalet hölls av",
    "date": "Datum",
    "wishes": "Önskemål om samtalet",
    "declined": "Tackade nej till avslutssamtal.",
    "decline_reason": "Motivering",
    "special_title": "Särskild information",
    "special_text": "Svaren innehåller särskild information (avvikelse, oro, starkt missnöje "
    "eller visselblåsning). Arbetsgivaren tar emot uppgifterna och ska bedöma om de behöver "
    "utredas och följas upp. HR kontaktas för råd och stöd.",
    "notes": "Anteckningar",
    "notes_talk": "Anteckningar från samtalet",
    "sent_whistleblowing": "Skickat till visselblåsarkanalen: bara mottagaren av "
    "visselblåsningar kan läsa svaret.",
    "no_answer": "(inget svar)",
    "readers": "Vem får läsa svaren",
    "hr": "Bara HR",
    "hr_and_leader": "HR och närmaste chef",
    "statistics": "Bara anonym statistik",
    "leader_banner": "Utskrift för närmaste chef. Medarbetaren har valt att HR och närmaste "
    "chef får läsa svaren. Särskild information ingår inte.",
    "statistics_banner": "Medarbetaren har valt att svaren bara får användas i anonym "
    "statistik. Dela eller arkivera inte denna utskrift.",
    "response": "Svars-id",
    "receipt": "Kvittokod",
    "sealed": "Förseglat",
    "delete_by": "Raderas senast",
}
_EN = {
    "record": "Exit interview",
    "facts": "Details",
    "interviewed_by": "Interviewed by",
    "date": "Date",
    "wishes": "Wishes for the conversation",
    "declined": "Declined the exit interview.",
    "decline_reason": "Reason",
    "special_title": "Special information",
    "special_text": "The answers hold special information (a deviation, a concern, strong "
    "dissatisfaction or whistleblowing). The employer receives it and must assess whether it "
    "must be investigated and followed up. HR is contacted for advice.",
    "notes": "Notes",
    "notes_talk": "Notes from the conversation",
    "sent_whistleblowing": "Sent to the whistleblowing channel: only its receiver can read "
    "the answer.",
    "no_answer": "(no answer)",
    "readers": "Who may read the answers",
    "hr": "HR only",
    "hr_and_leader": "HR and the nearest leader",
    "statistics": "Only anonymous statistics",
    "leader_banner": "Copy for the nearest leader. The employee chose that HR and the nearest "
    "leader may read the answers. Special information is left out.",
    "statistics_banner": "The employee chose that the answers be used only in anonymous "
    "statistics. Do not share or file this copy.",
    "response": "Response id",
    "receipt": "Receipt code",
    "sealed": "Sealed",
    "delete_by": "Delete by",
}
WORDS = {"nb": _NB, "nn": _NN, "sv": _SV, "en": _EN}
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
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def check_leader(opened: reading.Opened) -> None:
    """Refuse a leader's copy unless the employee allowed the nearest leader to read."""
    payload, _ = reading.require_open(opened)
    if payload.readers != "hr_and_leader":
        chose = reading.READERS_TEXT[payload.readers]
        raise SluttsamtaleError(
            f"response {opened.row.response_id[: reading.SHORT_ID]} is not for the nearest "
            f"leader: the employee chose {chose!r}; no leader's copy is made"
        )


def render(opened: reading.Opened, *, employer: str, for_leader: bool = False) -> str:
    payload, qset = reading.require_open(opened)
    if for_leader:
        check_leader(opened)
    lang = payload.questionnaire.language
    w = WORDS[lang]
    wishes = _wish_ids(payload, qset)
    facts = reading.header_questions(payload, qset)
    special = {q.id for q in qset.questions() if q.special} if qset else set()
    out = [
        "<!doctype html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(w['record'])}: {escape(payload.questionnaire.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
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
    if not for_leader and reading.has_special(payload, qset):
        out.append(
            f'<div class="box special" role="note"><p><strong>'
            f"{escape(w['special_title'])}</strong></p>"
            f"<p>{escape(w['special_text'])}</p></div>"
        )
    skip = set(facts) | set(wishes) | (special if for_leader else set())
    for title, qids in reading.sections(payload, qset):
        shown = [q for q in qids if q not in skip and reading.visible(payload, qset, q)]
        if not shown:
            continue
        out.append(f"<section><h2>{escape(title)}</h2>" if title else "<section>")
        out += [_question(payload, qset, qid, w, notes=2) for qid in shown]
        out.append("</section>")
    out.append(f"<section><h2>{escape(w['notes_talk'])}</h2>{_ruled(10)}</section>")
    out += ["</main>", _footer(opened, payload, w), "</body>", "</html>", ""]
    return "\n".join(out)


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
    return f'<p class="answer">{escape(reading.answer_text(payload, qset, qid, value))}</p>'


def _question(
    payload: Payload, qset: QuestionSet | None, qid: str, w: dict[str, str], *, notes: int
) -> str:
    label = escape(reading.label(payload, qid))
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
        text = reading.answer_text(payload, qset, qid, value) if value is not None else ""
        out.append(f"<dt>{escape(reading.label(payload, qid))}</dt><dd>{escape(text)}</dd>")
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


def _footer(opened: reading.Opened, payload: Payload, w: dict[str, str]) -> str:
    row = opened.row
    sealed = payload.sealed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    items = [
        (w["readers"], w[payload.readers]),
        (w["response"], row.response_id),
        (w["receipt"], row.receipt),
        (w["sealed"], sealed),
        (w["delete_by"], row.delete_by),
    ]
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f"<footer><dl>{cells}</dl></footer>"
