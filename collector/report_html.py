"""The report as one self-contained HTML file: inline CSS, charts as data: SVG images drawn
by matplotlib, every number also in a table (for screen readers and for print).

It opens offline, makes no request (a CSP forbids any), has no script, and prints on A4.
Data shaping and group-size rules live in report.py; this module only draws.
"""

from __future__ import annotations

import base64
import io
import textwrap
from datetime import datetime
from html import escape
from typing import Any

from .record_html import CSP
from .report import Distribution, Report
from .schema import Language

_NB = {
    "title": "Sluttsamtaler: rapport",
    "generated": "Laget {date}.",
    "rules": "Grupper med færre enn {n} svar vises ikke, eller slås sammen, slik at ingen kan "
    "kjennes igjen. Ingen navn er med. Fritekst er bare med fra dem som har latt HR lese "
    "svarene, og bare når minst {n} slike svar finnes.",
    "summary": "Oversikt",
    "responses": "Svar i alt",
    "answered": "Besvart",
    "declined": "Takket nei på siden",
    "declined_by_hr": "Takket nei, registrert av HR",
    "skipped": "Kunne ikke brukes (ukjent spørsmålssett eller nøkkel)",
    "over_time": "Svar og avslag over tid",
    "month": "Måned",
    "reasons": "Hovedgrunn til å slutte",
    "wishes": "Ønsker for samtalen",
    "departments": "Svar etter avdeling",
    "department": "Avdeling",
    "top_reasons": "Vanligste hovedgrunner",
    "would_return": "Kan tenke seg å komme tilbake",
    "questions": "Svar etter spørsmål",
    "suggestions": "Forslag til forbedringer",
    "held_back": "Holdt tilbake: færre enn {n} svar.",
    "answers": "Svar",
    "count": "Antall",
    "mean": "Gjennomsnitt",
    "texts_held": "{k} forslag er holdt tilbake fordi færre enn {n} kan vises.",
    "no_texts": "Ingen forslag å vise.",
    "dept_held": "{k} svar fra små avdelinger er holdt tilbake.",
    "stats_only": "{k} av svarene skal bare brukes i anonym statistikk; fritekst fra dem "
    "er aldri med.",
    "nothing": "Ingen svar ennå.",
}
_NN = {
    **_NB,
    "title": "Sluttsamtalar: rapport",
    "rules": "Grupper med færre enn {n} svar blir ikkje viste, eller blir slegne saman, slik "
    "at ingen kan kjennast att. Ingen namn er med. Fritekst er berre med frå dei som har latt "
    "HR lese svara, og berre når minst {n} slike svar finst.",
    "declined": "Takka nei på sida",
    "declined_by_hr": "Takka nei, registrert av HR",
    "skipped": "Kunne ikkje nyttast (ukjent spørsmålssett eller nøkkel)",
    "reasons": "Hovudgrunn til å slutte",
    "wishes": "Ønske for samtalen",
    "top_reasons": "Vanlegaste hovudgrunnar",
    "would_return": "Kan tenkje seg å kome tilbake",
    "questions": "Svar etter spørsmål",
    "suggestions": "Forslag til forbetringar",
    "held_back": "Halde tilbake: færre enn {n} svar.",
    "mean": "Gjennomsnitt",
    "texts_held": "{k} forslag er haldne tilbake fordi færre enn {n} kan visast.",
    "no_texts": "Ingen forslag å vise.",
    "dept_held": "{k} svar frå små avdelingar er haldne tilbake.",
    "stats_only": "{k} av svara skal berre nyttast i anonym statistikk; fritekst frå dei er "
    "aldri med.",
    "nothing": "Ingen svar enno.",
}
_SV = {
    "title": "Avslutssamtal: rapport",
    "generated": "Skapad {date}.",
    "rules": "Grupper med färre än {n} svar visas inte, eller slås samman, så att ingen kan "
    "kännas igen. Inga namn finns med. Fritext finns bara med från dem som har låtit HR läsa "
    "svaren, och bara när minst {n} sådana svar finns.",
    "summary": "Översikt",
    "responses": "Svar totalt",
    "answered": "Besvarade",
    "declined": "Tackade nej på sidan",
    "declined_by_hr": "Tackade nej, registrerat av HR",
    "skipped": "Kunde inte användas (okänd frågeuppsättning eller nyckel)",
    "over_time": "Svar och nej över tid",
    "month": "Månad",
    "reasons": "Huvudorsak till att sluta",
    "wishes": "Önskemål om samtalet",
    "departments": "Svar per avdelning",
    "department": "Avdelning",
    "top_reasons": "Vanligaste huvudorsaker",
    "would_return": "Kan tänka sig att komma tillbaka",
    "questions": "Svar per fråga",
    "suggestions": "Förslag till förbättringar",
    "held_back": "Hålls tillbaka: färre än {n} svar.",
    "answers": "Svar",
    "count": "Antal",
    "mean": "Medelvärde",
    "texts_held": "{k} förslag hålls tillbaka eftersom färre än {n} kan visas.",
    "no_texts": "Inga förslag att visa.",
    "dept_held": "{k} svar från små avdelningar hålls tillbaka.",
    "stats_only": "{k} av svaren får bara användas i anonym statistik; fritext från dem finns "
    "aldrig med.",
    "nothing": "Inga svar ännu.",
}
_EN = {
    "title": "Exit interviews: report",
    "generated": "Made {date}.",
    "rules": "Groups of fewer than {n} answers are not shown, or are merged, so that no one "
    "can be recognised. No names are included. Free text comes only from those who let HR "
    "read their answers, and only when at least {n} such answers exist.",
    "summary": "Overview",
    "responses": "Responses in all",
    "answered": "Answered",
    "declined": "Declined on the page",
    "declined_by_hr": "Declined, recorded by HR",
    "skipped": "Could not be used (unknown question set or key)",
    "over_time": "Responses and declines over time",
    "month": "Month",
    "reasons": "Primary reason for leaving",
    "wishes": "Wishes for the conversation",
    "departments": "Answers by department",
    "department": "Department",
    "top_reasons": "Most common primary reasons",
    "would_return": "Would consider coming back",
    "questions": "Answers by question",
    "suggestions": "Suggestions for improvement",
    "held_back": "Held back: fewer than {n} answers.",
    "answers": "Answers",
    "count": "Count",
    "mean": "Mean",
    "texts_held": "{k} suggestions are held back because fewer than {n} may be shown.",
    "no_texts": "No suggestions to show.",
    "dept_held": "{k} answers from small departments are held back.",
    "stats_only": "{k} of the answers are for anonymous statistics only; free text from them "
    "is never included.",
    "nothing": "No responses yet.",
}
WORDS: dict[Language, dict[str, str]] = {"nb": _NB, "nn": _NN, "sv": _SV, "en": _EN}
COLOURS = ("#1f5fa8", "#b34700", "#5c5c5c")  # blue, orange, grey: apart in greyscale too
# A fixed salt keeps the SVG ids stable, so the same data draws the same file.
RC = {"svg.hashsalt": "sluttsamtale", "font.size": 9, "font.family": "DejaVu Sans"}

CSS = """
@page { size: A4; margin: 15mm; }
body { font: 11pt/1.45 system-ui, "Segoe UI", Arial, sans-serif; color: #111;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #333; margin: 2rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
.rules { border-left: 4px solid #1f5fa8; padding: .3rem .8rem; }
figure { margin: .6rem 0; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .4rem 0 1rem; break-inside: avoid; }
th, td { border: 1px solid #999; padding: .2rem .6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.held { color: #444; font-style: italic; }
ul.texts li { margin: 0 0 .5rem; white-space: pre-wrap; }
@media print { body { margin: 0; max-width: none; padding: 0; } h2 { break-after: avoid; } }
"""


def render(report: Report, *, employer: str, generated: datetime) -> str:
    w = WORDS[report.language]
    n = report.min_group
    out = [
        "<!doctype html>",
        f'<html lang="{report.language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(w['title'])}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<p>{escape(employer)}</p>",
        f"<h1>{escape(w['title'])}</h1>",
        f"<p>{escape(w['generated'].format(date=generated.strftime('%Y-%m-%d')))}</p>",
        f'<p class="rules">{escape(w["rules"].format(n=n))}</p>',
        "</header>",
        "<main>",
        *_summary(report, w),
    ]
    if report.responses:
        out += _over_time(report, w)
        out += [f"<section><h2>{escape(w['reasons'])}</h2>", *_distribution(report.reasons, w, n)]
        out.append("</section>")
        out.append(f"<section><h2>{escape(w['wishes'])}</h2>")
        for d in report.wishes:
            out += [f"<h3>{escape(d.title)}</h3>", *_distribution(d, w, n)]
        out.append("</section>")
        out += _departments(report, w)
        out.append(f"<section><h2>{escape(w['questions'])}</h2>")
        for d in report.questions:
            out += [f"<h3>{escape(d.title)}</h3>", *_distribution(d, w, n)]
        out.append("</section>")
        out += _suggestions(report, w)
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _summary(report: Report, w: dict[str, str]) -> list[str]:
    rows = [
        (w["responses"], report.responses),
        (w["answered"], report.answered),
        (w["declined"], report.declined),
        (w["declined_by_hr"], report.declined_by_hr),
    ]
    if report.skipped:
        rows.append((w["skipped"], report.skipped))
    out = [f"<section><h2>{escape(w['summary'])}</h2>", _table(("", w["count"]), rows)]
    if not report.responses:
        out.append(f"<p>{escape(w['nothing'])}</p>")
    if report.statistics_only:
        out.append(f"<p>{escape(w['stats_only'].format(k=report.statistics_only))}</p>")
    out.append("</section>")
    return out


def _over_time(report: Report, w: dict[str, str]) -> list[str]:
    months = [m.month for m in report.months]
    series = [
        (w["answered"], [m.answered for m in report.months]),
        (w["declined"], [m.declined for m in report.months]),
        (w["declined_by_hr"], [m.declined_by_hr for m in report.months]),
    ]
    rows = [(m.month, m.answered, m.declined, m.declined_by_hr) for m in report.months]
    head = (w["month"], w["answered"], w["declined"], w["declined_by_hr"])
    alt = f"{w['over_time']}: " + "; ".join(f"{m}: {a}, {d}, {h}" for m, a, d, h in rows)
    return [
        f"<section><h2>{escape(w['over_time'])}</h2>",
        _figure(months_svg(months, series), alt),
        _table(head, rows),
        "</section>",
    ]


def _distribution(d: Distribution, w: dict[str, str], min_group: int) -> list[str]:
    if not d.rows:
        return [f'<p class="held">{escape(w["held_back"].format(n=min_group))}</p>']
    labels = [label for label, _ in d.rows]
    counts = [count for _, count in d.rows]
    alt = f"{d.title}: " + ", ".join(f"{label} {count}" for label, count in d.rows)
    rows: list[tuple[object, ...]] = list(d.rows)
    if d.mean is not None:
        rows.append((w["mean"], f"{d.mean:.1f}"))
    return [
        _figure(bars_svg(labels, counts), alt),
        _table((w["answers"], f"{w['count']} (n = {d.n})"), rows),
    ]


def _departments(report: Report, w: dict[str, str]) -> list[str]:
    deps = report.departments
    out = [f"<section><h2>{escape(w['departments'])}</h2>"]
    rows = []
    for d in deps.shown:
        reasons = ", ".join(f"{label} ({count})" for label, count in d.reasons)
        would = d.would_return
        back = (
            ", ".join(f"{label} {count}" for label, count in would.rows)
            if would is not None and would.rows
            else "–"
        )
        rows.append((d.label, d.n, reasons or "–", back))
    if rows:
        head = (w["department"], w["answers"], w["top_reasons"], w["would_return"])
        out.append(_table(head, rows))
    if deps.held_back:
        out.append(f'<p class="held">{escape(w["dept_held"].format(k=deps.held_back))}</p>')
    out.append("</section>")
    return out


def _suggestions(report: Report, w: dict[str, str]) -> list[str]:
    out = [f"<section><h2>{escape(w['suggestions'])}</h2>"]
    if report.suggestions:
        out.append('<ul class="texts">')
        out += [f"<li>{escape(text)}</li>" for text in report.suggestions]
        out.append("</ul>")
    elif not report.suggestions_held_back:
        out.append(f"<p>{escape(w['no_texts'])}</p>")
    if report.suggestions_held_back:
        held = w["texts_held"].format(k=report.suggestions_held_back, n=report.min_group)
        out.append(f'<p class="held">{escape(held)}</p>')
    out.append("</section>")
    return out


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    def cell(value: object, tag: str) -> str:
        cls = ' class="num"' if isinstance(value, int | float) else ""
        return f"<{tag}{cls}>{escape(str(value))}</{tag}>"

    th = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: bytes, alt: str) -> str:
    data = base64.b64encode(svg).decode("ascii")
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}"></figure>'


# matplotlib is imported only when a report is made: it takes a second to load.


def _svg(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _new_figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.0, height), dpi=100)


def bars_svg(labels: list[str], counts: list[int]) -> bytes:
    """Horizontal bars, first label on top, each bar with its count."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        fig = _new_figure(0.6 + 0.32 * len(labels))
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, counts, color=COLOURS[0])
        ax.set_yticks(positions, [textwrap.fill(label, 34) for label in labels])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        for y, count in zip(positions, counts, strict=True):
            ax.annotate(
                str(count), (count, y), xytext=(3, 0), textcoords="offset points", va="center"
            )
        return _svg(fig)


def months_svg(months: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Grouped columns per month, one colour per series."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        fig = _new_figure(3.0)
        ax = fig.add_subplot()
        width = 0.8 / len(series)
        for i, (name, values) in enumerate(series):
            xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(months))]
            ax.bar(xs, values, width, label=name, color=COLOURS[i % len(COLOURS)])
        ax.set_xticks(range(len(months)), months, rotation=45 if len(months) > 8 else 0)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False)
        return _svg(fig)
