"""The report as one self-contained HTML file: inline CSS, charts as data: SVG images drawn
by matplotlib, every number also in a table (for screen readers and for print).

It opens offline, makes no request (a CSP forbids any), has no script, and prints on A4.
Data shaping and group-size rules live in routine/analysis.py; this module only draws.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from html import escape

from ..routine.analysis import Distribution, Report
from ..words import catalogue
from .charts import Chart, Drawer, draw_here
from .html import document

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


class _Figures:
    """The report's charts, gathered as the page is written and drawn at the end, all at
    once: each stands in the page as a token of its own until then."""

    def __init__(self) -> None:
        self.charts: list[Chart] = []
        self.alts: list[str] = []

    def add(self, chart: Chart, alt: str) -> str:
        self.charts.append(chart)
        self.alts.append(alt)
        return f"\x00figure {len(self.charts) - 1}\x00"

    def drawn(self, out: list[str], draw: Drawer) -> list[str]:
        svgs = draw(self.charts)
        html = {
            f"\x00figure {i}\x00": _figure(svg, alt)
            for i, (svg, alt) in enumerate(zip(svgs, self.alts, strict=True))
        }
        return [html.get(item, item) for item in out]


def render(report: Report, *, employer: str, generated: datetime, draw: Drawer = draw_here) -> str:
    """The report's page; `draw` draws its charts (charts.Painter.draw_all: elsewhere)."""
    w = catalogue(report.language)["report"]
    figures = _Figures()
    n = report.min_group
    out = [
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
        out += _over_time(report, w, figures)
        out += [
            f"<section><h2>{escape(w['reasons'])}</h2>",
            *_distribution(report.reasons, w, n, figures),
        ]
        out.append("</section>")
        out.append(f"<section><h2>{escape(w['wishes'])}</h2>")
        for d in report.wishes:
            out += [f"<h3>{escape(d.title)}</h3>", *_distribution(d, w, n, figures)]
        out.append("</section>")
        out += _departments(report, w)
        out.append(f"<section><h2>{escape(w['questions'])}</h2>")
        for d in report.questions:
            out += [f"<h3>{escape(d.title)}</h3>", *_distribution(d, w, n, figures)]
        out.append("</section>")
        out += _suggestions(report, w)
    out.append("</main>")
    return document(report.language, w["title"], CSS, figures.drawn(out, draw))


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


def _over_time(report: Report, w: dict[str, str], figures: _Figures) -> list[str]:
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
        figures.add(("months", (months, series)), alt),
        _table(head, rows),
        "</section>",
    ]


def _distribution(
    d: Distribution, w: dict[str, str], min_group: int, figures: _Figures
) -> list[str]:
    if not d.rows:
        return [f'<p class="held">{escape(w["held_back"].format(n=min_group))}</p>']
    labels = [label for label, _ in d.rows]
    counts = [count for _, count in d.rows]
    alt = f"{d.title}: " + ", ".join(f"{label} {count}" for label, count in d.rows)
    rows: list[tuple[object, ...]] = list(d.rows)
    if d.mean is not None:
        rows.append((w["mean"], f"{d.mean:.1f}"))
    return [
        figures.add(("bars", (labels, counts)), alt),
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


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object, tag: str) -> str:
        cls = ' class="num"' if isinstance(value, int | float) else ""
        return f"<{tag}{cls}>{escape(str(value))}</{tag}>"

    th = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: bytes, alt: str) -> str:
    data = base64.b64encode(svg).decode("ascii")
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}"></figure>'
