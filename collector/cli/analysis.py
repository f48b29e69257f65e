"""`sluttsamtale report` and `export`: reasons for leaving across the organisation, with no
group small enough to single anyone out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..words import LANGUAGES, Language
from .options import Env, db_option, key_option, pass_env, questionnaires_option


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
        help="The smallest group shown [default: employer.yml analysis.min_group, else 5].",
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
        sluttsamtale report --key hr-key.json --out rapport-2026.html
    """
    catalog = env.catalog(questionnaires)
    group = min_group or catalog.employer.analysis.min_group
    with env.store(db_path, create=False) as store:
        hr_keys = env.keys(key_paths)
        from ..render import report
        from ..routine import analysis

        stored = analysis.load(store, hr_keys, catalog)
        built = analysis.build(
            stored.opened,
            catalog=catalog,
            language=language,
            min_group=group,
            hr_declines=stored.hr_declines,
        )
        html = report.render(built, employer=catalog.employer.name, generated=env.now())
        out = env.write_output(store, out, html.encode("utf-8"), "report", stored.delete_by())
    click.echo(f"Wrote {out}: {built.responses} responses; groups under {group} held back")


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
        sluttsamtale export --key hr-key.json --format xlsx --out svar-2026.xlsx
    """
    fmt = fmt or ("xlsx" if out is not None and out.suffix.lower() == ".xlsx" else "csv")
    catalog = env.catalog(questionnaires)
    group = min_group or catalog.employer.analysis.min_group
    with env.store(db_path, create=False) as store:
        hr_keys = env.keys(key_paths)
        from ..render import export
        from ..routine import analysis

        stored = analysis.load(store, hr_keys, catalog)
        header, rows, anonymous = export.table(
            stored.opened, catalog=catalog, language=language, min_group=group
        )
        if fmt == "xlsx":
            data = export.to_xlsx(header, rows, language=language, min_group=group)
        else:
            data = export.to_csv(header, rows)
        out = env.write_output(store, out, data, "export", stored.delete_by(), suffix=f".{fmt}")
    left_out = f"; {anonymous} for statistics only are no rows" if anonymous else ""
    click.echo(f"Wrote {out}: {len(rows)} rows; groups under {group} held back{left_out}")
