"""`sluttsamtale report` and `export`: reasons for leaving across the organisation, with no
group small enough to single anyone out; and `job-analysis`: what leavers of one position
or department wrote about their tasks, for the person who writes the next posting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..i18n import tr_plural
from ..words import LANGUAGES, Language
from .options import Env, db_option, key_option, pass_env, past_day, questionnaires_option


def analysis_options(f: Any) -> Any:
    f = click.option(
        "--language",
        type=click.Choice(LANGUAGES),
        default="nb",
        show_default=True,
        help="The language of the labels and headings.",
    )(f)
    return click.option(
        "--min-group",
        type=click.IntRange(2, 100),
        help="The smallest group shown [default: the employer's analysis.min_group, else 5].",
    )(f)


@click.command("report")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.html [default: exports/ beside the store]; recorded, and deleted by purge "
    "with the first of its records.",
)
@analysis_options
@db_option
@key_option
@questionnaires_option
@pass_env
def report_(
    env: Env,
    out: Path | None,
    language: Language,
    min_group: int | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
) -> None:
    """Write the analysis as one HTML file that opens offline and prints well.

    Responses and declines by month, primary reasons for leaving (across languages and
    versions), wishes for the conversation, answers by department and by question, and the
    improvement suggestions. Groups smaller than --min-group are held back or merged; no
    names; free text never from answers meant for anonymous statistics only.

    Example:

    \b
        sluttsamtale report --out rapport-2026.html
    """
    from ..render.charts import painter

    # Started first: matplotlib loads on another core while the key and records open.
    with painter() as charts:
        catalog = env.catalog(questionnaires)
        with env.store(db_path, create=False) as store:
            hr_keys = env.keys(key_paths)
            from ..routine import documents

            made = documents.report(
                store,
                hr_keys,
                catalog,
                language=language,
                min_group=min_group,
                now=env.now(),
                draw=charts.draw_all,
            )
            out = env.write_output(store, out, made.data, "report", made.delete_by)
    click.echo(
        tr_plural(
            "Wrote {out}: {n} response; groups under {min_group} held back",
            "Wrote {out}: {n} responses; groups under {min_group} held back",
            made.count,
            out=out,
            min_group=made.min_group,
        )
    )


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    help="[default: from the file name, else csv]",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.csv or FILE.xlsx [default: exports/ beside the store]; recorded, and deleted "
    "by purge with the first of its records.",
)
@analysis_options
@db_option
@key_option
@questionnaires_option
@pass_env
def export_(
    env: Env,
    fmt: str | None,
    out: Path | None,
    language: Language,
    min_group: int | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
) -> None:
    """Export one row per response for a spreadsheet, by the report's rules.

    The month (not the day), question set, department as a group of at least --min-group,
    declined, readers, and the analysed answers; improvement suggestions only where consent
    and group size allow. CSV is UTF-8 with ";" between fields, as Nordic Excel opens it.

    Example:

    \b
        sluttsamtale export --format xlsx --out svar-2026.xlsx
    """
    fmt = fmt or ("xlsx" if out is not None and out.suffix.lower() == ".xlsx" else "csv")
    catalog = env.catalog(questionnaires)
    with env.store(db_path, create=False) as store:
        hr_keys = env.keys(key_paths)
        from ..routine import documents

        made = documents.export(
            store,
            hr_keys,
            catalog,
            fmt="xlsx" if fmt == "xlsx" else "csv",
            language=language,
            min_group=min_group,
        )
        out = env.write_output(store, out, made.data, "export", made.delete_by, suffix=made.suffix)
    click.echo(
        tr_plural(
            "Wrote {out}: {n} row; groups under {min_group} held back",
            "Wrote {out}: {n} rows; groups under {min_group} held back",
            made.count,
            out=out,
            min_group=made.min_group,
        )
    )
    if made.statistics_only:
        click.echo(
            tr_plural(
                "{n} answer for statistics only is not a row: a row is one person's answers.",
                "{n} answers for statistics only are not rows: a row is one person's answers.",
                made.statistics_only,
            )
        )


@click.command("job-analysis")
@click.option("--position", help="The position, as in the invitations (case and spaces ignored).")
@click.option("--department", help="The department, as in the invitations.")
@click.option("--from", "start", metavar="DATE", help="Answers received on or after this day.")
@click.option("--to", "end", metavar="DATE", help="Answers received on or before this day.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md"]),
    default="html",
    show_default=True,
    help="A printable page, or Markdown to paste into a posting's draft.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.html or FILE.md [default: exports/ beside the store]; recorded, and deleted by "
    "purge with the first of the answers it quotes.",
)
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="nb",
    show_default=True,
    help="The language of the headings.",
)
@db_option
@key_option
@questionnaires_option
@pass_env
def job_analysis_(
    env: Env,
    position: str | None,
    department: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    out: Path | None,
    language: Language,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
) -> None:
    """Gather what leavers wrote about their tasks and responsibility, and what must be
    handed over, as input to the next job analysis before a position is advertised again.

    For one position or department and a period; grouped by position, each entry with the
    day it came in and never a name. Quoted only from those who chose "HR and the person
    who holds my conversation", which the form tells them may reach the manager who writes
    the next posting; answers for HR only or for statistics only, and answers sealed before
    the page said so (the employer's analysis.posting_promised_since), are counted, never
    quoted.

    Example:

    \b
        sluttsamtale job-analysis --position Barnehagelærer \\
            --from 2026-01-01 --format md
    """
    c = env.words["cli"]
    if position is None and department is None:
        raise click.ClickException(c["job_analysis_scope"])
    today = env.today()
    first, last = past_day(start, "--from", today), past_day(end, "--to", today)
    if first is not None and last is not None and first > last:
        raise click.ClickException(c["job_analysis_period"].format(start=first, end=last))
    from ..render import job_analysis as job_page
    from ..routine import analysis
    from ..routine import job_analysis as jobs

    scope = jobs.Scope(position=position, department=department, start=first, end=last)
    catalog = env.catalog(questionnaires)
    with env.store(db_path, create=False) as store:
        stored = analysis.load(store, env.keys(key_paths), catalog)
        built = jobs.build(stored.opened, scope, catalog.employer.analysis.posting_promised_since)
        render = job_page.render_html if fmt == "html" else job_page.render_markdown
        page = render(built, language=language, employer=catalog.employer.name, generated=env.now())
        delete_by = built.delete_by() or stored.delete_by()
        out = env.write_output(
            store, out, page.encode("utf-8"), "job-analysis", delete_by, suffix=f".{fmt}"
        )
    wrote = c["job_analysis_wrote"].format(
        path=out, quoted=built.quoted, hr_only=built.hr_only, statistics=built.statistics_only
    )
    if built.before_promise:
        wrote += c["job_analysis_before"].format(k=built.before_promise)
    click.echo(wrote)
