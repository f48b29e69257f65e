"""The job analysis input (routine/job_analysis.py) as a page for the person who writes the
next posting: HTML in the report's shell (inline CSS, no script, a CSP that forbids every
request, A4 print) or Markdown. Grouped by position; each entry its day and department,
never a name; the counts of what was held back, and why."""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..routine.job_analysis import JobAnalysis, Position, Quote
from ..safetext import visible
from ..words import Language, catalogue
from .html import document
from .report import CSS as REPORT_CSS

CSS = (
    REPORT_CSS
    + """
article.entry { border-top: 1px solid #999; padding: .4rem 0 .2rem; break-inside: avoid; }
article.entry h3 { font-size: 1rem; margin: .2rem 0; }
article.entry h4 { font-size: .95rem; margin: .5rem 0 .1rem; }
article.entry p { white-space: pre-wrap; margin: 0 0 .4rem; }
.counts { margin: .2rem 0 .6rem; padding-left: 1.2rem; }
"""
)


def _facts(job: JobAnalysis, w: dict[str, str], generated: datetime) -> list[str]:
    scope = job.scope
    lines = []
    if scope.position is not None:
        lines.append(w["scope_position"].format(position=scope.position))
    if scope.department is not None:
        lines.append(w["scope_department"].format(department=scope.department))
    end = (scope.end or generated.date()).isoformat()
    if scope.start is not None:
        lines.append(w["period_from_to"].format(start=scope.start.isoformat(), end=end))
    else:
        lines.append(w["period_to"].format(end=end))
    lines.append(w["generated"].format(date=generated.strftime("%Y-%m-%d")))
    return lines


def _counts(group: Position, w: dict[str, str]) -> list[str]:
    out = [w["quoted"].format(n=len(group.quotes))]
    if group.hr_only:
        out.append(w["hr_only"].format(k=group.hr_only))
    if group.before_promise:
        out.append(w["before_promise"].format(k=group.before_promise))
    return out


def _parts(quote: Quote, w: dict[str, str]) -> list[tuple[str, str]]:
    parts = [(w["tasks"], quote.tasks), (w["handover"], quote.handover)]
    return [(label, text) for label, text in parts if text]


def _heading(quote: Quote, w: dict[str, str]) -> str:
    day = w["received"].format(day=quote.day)
    return f"{day} · {w['department']}: {quote.department}" if quote.department else day


def render_html(job: JobAnalysis, *, language: Language, employer: str, generated: datetime) -> str:
    words = catalogue(language)
    w = words["job_analysis"]
    rules = w["rules"].format(choice=words.readers("hr_and_interviewer"))
    out = [
        "<header>",
        f"<p>{escape(employer)}</p>",
        f"<h1>{escape(w['title'])}</h1>",
        *(f"<p>{escape(line)}</p>" for line in _facts(job, w, generated)),
        f"<p>{escape(w['intro'])}</p>",
        f'<p class="rules">{escape(rules)}</p>',
        "</header>",
        "<main>",
    ]
    if not job.quoted:
        out.append(f"<p>{escape(w['nothing'])}</p>")
    for group in job.positions:
        out.append(f"<section><h2>{escape(group.title or w['not_given'])}</h2>")
        out.append('<ul class="counts">')
        out += [f"<li>{escape(line)}</li>" for line in _counts(group, w)]
        out.append("</ul>")
        for quote in group.quotes:
            out.append(f'<article class="entry"><h3>{escape(_heading(quote, w))}</h3>')
            for label, text in _parts(quote, w):
                out += [f"<h4>{escape(label)}</h4>", f"<p>{escape(text)}</p>"]
            out.append("</article>")
        out.append("</section>")
    if job.statistics_only:
        held = w["statistics_only"].format(k=job.statistics_only)
        out.append(f'<p class="held">{escape(held)}</p>')
    out.append("</main>")
    return document(language, w["title"], CSS, out)


_MARKDOWN = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_[]<>!#|~&"})


def _md(text: str) -> str:
    """Text from outside as Markdown that shows it and does nothing else: every character
    Markdown could read as markup escaped, hidden characters made visible."""
    return visible(text).translate(_MARKDOWN)


def render_markdown(
    job: JobAnalysis, *, language: Language, employer: str, generated: datetime
) -> str:
    words = catalogue(language)
    w = words["job_analysis"]
    rules = w["rules"].format(choice=words.readers("hr_and_interviewer"))
    md = _md
    out = [md(employer), "", f"# {md(w['title'])}", ""]
    for line in _facts(job, w, generated):
        out += [md(line), ""]
    out += [md(w["intro"]), "", f"> {md(rules)}", ""]
    if not job.quoted:
        out += [md(w["nothing"]), ""]
    for group in job.positions:
        out += [f"## {md(group.title or w['not_given'])}", ""]
        out += [f"- {md(line)}" for line in _counts(group, w)]
        out.append("")
        for quote in group.quotes:
            out += [f"### {md(_heading(quote, w))}", ""]
            for label, text in _parts(quote, w):
                out += [f"**{md(label)}**", ""]
                out += [f"> {md(line)}" if line.strip() else ">" for line in text.splitlines()]
                out.append("")
    if job.statistics_only:
        out += [f"*{md(w['statistics_only'].format(k=job.statistics_only))}*", ""]
    return "\n".join(out)
