"""HR's routine around the answers: invite, status, decline, followup, purge, report, export.

Thin like the rest of the CLI: each command parses its options, calls the library
(invitations, followup, retention, report, export) and prints. Registered on `main` when
collector.cli imports this module.
"""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Any

import click

from . import (
    clock,
    followup,
    invitations,
    notes,
    outfiles,
    reading,
    report,
    retention,
)
from .cli import (
    _catalog,
    _load_keys,
    _print_json,
    db_option,
    json_option,
    key_option,
    main,
    open_store,
    questionnaires_option,
)
from .schema import LANGUAGES
from .store import Store

BASE_URL_ENV = "SLUTTSAMTALE_BASE_URL"


def _day(text: str | None, option: str, today: date) -> date | None:
    """A date given on the command line: YYYY-MM-DD, or "today"; never in the future."""
    if text is None:
        return None
    if text == "today":
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"{option}: {text!r} is not a date; write 2026-07-01") from None
    if day > today:
        raise click.ClickException(f"{option}: {day} lies in the future")
    return day


# --------------------------------------------------------------------------- invite


@main.command()
@click.option("--set", "set_id", help="The question set's id, e.g. kommune-nb.")
@click.option("--name", help="The leaver's name (one person; or use --csv).")
@click.option("--email", help="Their e-mail address, for the To: line.")
@click.option("--position")
@click.option("--workplace")
@click.option("--department")
@click.option("--employed-from", "employed_from", metavar="DATE")
@click.option("--last-day", "last_day", metavar="DATE", help="Last working day, 2026-06-30.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Leavers as an HR system exports them: ; or , between fields, UTF-8 (a BOM is "
    "fine). Columns: name and last_day, optional email, position, workplace, department, "
    "employed_from, set (Norwegian and Swedish headings such as navn, sluttdato work too).",
)
@click.option(
    "--base-url",
    envvar=BASE_URL_ENV,
    help="The answering site's address, e.g. https://hr.example.org/sluttsamtale "
    f"[env {BASE_URL_ENV}].",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one ready-to-send e-mail per person here (<name>.txt; never over a file).",
)
@db_option
@questionnaires_option
@json_option
def invite(
    set_id: str | None,
    csv_file: Path | None,
    base_url: str | None,
    out: Path | None,
    db_path: Path,
    questionnaires: Path | None,
    as_json: bool,
    **person: str | None,
) -> None:
    """Invite leavers: a personal link and a ready-to-send e-mail for each.

    The link opens the question set with an invitation code and the person's details in
    the part after "#", which browsers never send to the web server. The e-mail, in the
    set's language, says the conversation is voluntary, that the questions come ahead,
    who reads the answers and how they are protected. A whole CSV is stored or none of
    it; a person already invited is not invited twice.

    Example:

    \b
        sluttsamtale invite --set kommune-nb --name "Kari Nordmann" --last-day 2026-06-30 \\
            --base-url https://hr.example.org/sluttsamtale
        sluttsamtale invite --csv sluttere.csv --set kommune-nb --out e-post/
    """
    catalog = _catalog(questionnaires)
    base = invitations.check_base_url(base_url)
    given = {k: v for k, v in person.items() if v is not None}
    if csv_file is not None:
        if given:
            raise click.ClickException("give either --csv or one person's details, not both")
        parsed = invitations.read_csv(csv_file, set_id, catalog)
        if parsed.ignored:
            click.echo(f"Note: columns not used: {', '.join(parsed.ignored)}", err=True)
        leavers = parsed.leavers
    else:
        if not given.get("name") or not given.get("last_day"):
            raise click.ClickException(
                "give --name and --last-day for one person, or --csv FILE for many"
            )
        leavers = [invitations.check_leaver(dict(given), "invitation", set_id, catalog)]
    if out is not None:
        invitations.prepare_folder(out)
    with open_store(db_path) as store:
        made = store.add_invitations(invitations.make(leavers, catalog, clock.now()))
    results: list[dict[str, Any]] = []
    for inv, created in made:
        link = invitations.link(base, inv)
        text = invitations.mail(inv, catalog, link)
        written = invitations.write_mail(out, inv, text) if out and created else None
        results.append(
            {
                "outcome": "invited" if created else "already invited",
                "name": inv.name,
                "last_day": inv.last_day,
                "set": inv.set_id,
                "code": inv.token,
                "link": link,
                "email_file": str(written) if written else None,
                "email": text,
            }
        )
    if as_json:
        _print_json(results)
        return
    for r in results:
        where = f"e-mail {r['email_file']}" if r["email_file"] else r["link"]
        click.echo(f"{r['outcome']:<15} {r['name']}  last day {r['last_day']}  {where}")
    if len(results) == 1 and out is None and results[0]["outcome"] == "invited":
        click.echo("")
        click.echo(results[0]["email"], nl=False)
    invited = sum(r["outcome"] == "invited" for r in results)
    click.echo(f"{invited} invited, {len(results) - invited} already invited")


# --------------------------------------------------------------------------- status


@main.command()
@db_option
@questionnaires_option
@json_option
def status(db_path: Path, questionnaires: Path | None, as_json: bool) -> None:
    """Where each invitation stands, and what follow-up of special information is due.

    Invitations are answered, declined, not yet answered, or overdue (the last working day
    has passed without an answer); the overdue come first, then by last working day.
    No key is needed: this is HR's own record, not the answers.

    Example:

    \b
        sluttsamtale status
    """
    catalog = _catalog(questionnaires)
    rules = followup.rules_for(catalog.employer.followup)
    today = clock.today()
    with open_store(db_path, create=False) as store:
        rows = invitations.status_rows(store.invitations(), today)
        steps = followup.open_steps(rules, [followup.Case.of(f) for f in store.followups()], today)
    if as_json:
        _print_json(
            {
                "today": today.isoformat(),
                "invitations": [r.as_dict() for r in rows],
                "followups": [s.as_dict() for s in steps],
            }
        )
        return
    click.echo(invitations.status_table(rows))
    if rows:
        click.echo(invitations.summary(rows))
    click.echo("")
    click.echo(followup.steps_table(steps))


# --------------------------------------------------------------------------- decline


@main.command()
@click.argument("who")
@click.option("--reason", help="Why, if the person said; sealed to HR's key like the answers.")
@click.option("--on", "on_day", metavar="DATE", help="When they declined [default: today].")
@db_option
@key_option
def decline(
    who: str, reason: str | None, on_day: str | None, db_path: Path, key_paths: tuple[Path, ...]
) -> None:
    """Record that a leaver declined the conversation by other means (a call, a mail).

    WHO is the invitation's code (or its first 6 or more characters, as `status` shows
    it) or the person's name. The key is needed only to seal a --reason.

    Example:

    \b
        sluttsamtale decline "Kari Nordmann"
        sluttsamtale decline Ab12Cd34 --reason "Ønsket ikke samtale" --key hr-key.json
    """
    today = clock.today()
    day = _day(on_day, "--on", today) or today
    with open_store(db_path, create=False) as store:
        entry = invitations.find(store.invitations(), who)
        inv = entry.invitation
        state, since = invitations.state(entry, today)
        if state == "answered":
            raise click.ClickException(
                f"{inv.name} has already answered ({since}); no decline was recorded"
            )
        sealed, kid = (None, None)
        if reason:
            key = next(iter(_load_keys(key_paths).values()))
            sealed, kid = notes.seal(reason, key)
        store.record_decline(inv.token, day.isoformat(), sealed, kid)
    click.echo(f"Recorded: {inv.name} declined the exit interview ({day.isoformat()}).")


# --------------------------------------------------------------------------- followup


@main.command("followup")
@click.argument("response_id")
@click.option(
    "--acknowledged",
    is_flag=False,
    flag_value="today",
    metavar="[DATE]",
    help="Receipt was acknowledged to the employee (today, or on DATE).",
)
@click.option("--assessed", metavar="TEXT", help="HR's assessment, sealed to HR's key.")
@click.option(
    "--feedback",
    is_flag=False,
    flag_value="today",
    metavar="[DATE]",
    help="Feedback was given to the employee (today, or on DATE); this closes the case.",
)
@db_option
@key_option
@questionnaires_option
@json_option
def followup_(
    response_id: str,
    acknowledged: str | None,
    assessed: str | None,
    feedback: str | None,
    db_path: Path,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Record and show the follow-up of special information in a response.

    The employer must assess special information and follow it up (guideline 000, 3.3).
    Due dates follow employer.yml's `followup` rules: for Sweden, acknowledge within 7 days
    and give feedback within 3 months; for Norway ("within reasonable time") the employer's
    reminders, 14 days and 3 months unless set there. Without options, shows the case.

    Example:

    \b
        sluttsamtale followup 3f2a91bc --acknowledged
        sluttsamtale followup 3f2a91bc --assessed "Sent to the safety delegate"
        sluttsamtale followup 3f2a91bc --feedback 2026-08-01
    """
    catalog = _catalog(questionnaires)
    rules = followup.rules_for(catalog.employer.followup)
    today = clock.today()
    with open_store(db_path, create=False) as store:
        row = store.find(response_id)
        keys = _load_keys(key_paths)
        payload, qset = reading.require_open(reading.open_row(row, keys, catalog))
        record = store.followup(row.response_id)
        if record is None:
            if not reading.has_special(payload, qset):
                raise click.ClickException(
                    f"response {row.response_id[:8]} holds no special information; "
                    "there is nothing to follow up"
                )
            store.open_followup(
                row.response_id, payload.sealed_at.astimezone(UTC).date().isoformat()
            )
            record = store.followup(row.response_id)
        assert record is not None
        case = followup.Case.of(record)
        store.update_followup(
            row.response_id, **_followup_changes(case, acknowledged, assessed, feedback, keys)
        )
        record = store.followup(row.response_id)
    assert record is not None
    case = followup.Case.of(record)
    if as_json:
        step = followup.next_step(rules, case, today)
        _print_json(
            {
                "response_id": case.response_id,
                "reported_on": case.reported_on.isoformat(),
                "acknowledged_on": record.acknowledged_on,
                "acknowledge_due": followup.acknowledge_due(rules, case).isoformat(),
                "assessed_on": record.assessed_on,
                "feedback_on": record.feedback_on,
                "feedback_due": followup.feedback_due(rules, case).isoformat(),
                "next": step.as_dict() if step else None,
            }
        )
        return
    assessment = notes.open_note(record.assessment, record.note_key_id, keys)
    click.echo(followup.case_text(rules, case, today, assessment))


def _followup_changes(
    case: followup.Case,
    acknowledged: str | None,
    assessed: str | None,
    feedback: str | None,
    keys: dict[str, Any],
) -> dict[str, str | bytes | None]:
    today = clock.today()
    changes: dict[str, str | bytes | None] = {}
    ack = _day(acknowledged, "--acknowledged", today)
    fed = _day(feedback, "--feedback", today)
    for name, day in (("--acknowledged", ack), ("--feedback", fed)):
        if day is not None and day < case.reported_on:
            raise click.ClickException(
                f"{name}: {day} is before the answers were sealed ({case.reported_on})"
            )
    if ack is not None:
        changes["acknowledged_on"] = ack.isoformat()
    if fed is not None:
        if (ack or case.acknowledged_on) is None:
            raise click.ClickException(
                "record the acknowledgement first (--acknowledged), then the feedback"
            )
        changes["feedback_on"] = fed.isoformat()
    if assessed:
        sealed, kid = notes.seal(assessed, next(iter(keys.values())))
        changes |= {"assessed_on": today.isoformat(), "assessment": sealed, "note_key_id": kid}
    return changes


# --------------------------------------------------------------------------- purge


@main.command()
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; change nothing.")
@db_option
def purge(dry_run: bool, db_path: Path) -> None:
    """Delete everything that has reached its delete-by date, beyond recovery.

    Responses go with their invitation and follow-up; the database file and its log are
    rewritten so the deleted text cannot be found in them. Prints counts only. No key is
    needed: delete-by dates are kept beside the sealed answers.

    Example:

    \b
        sluttsamtale purge --dry-run
        sluttsamtale purge
    """
    with Store.open(db_path, create=False) as store:
        click.echo(retention.purge(store, clock.today(), dry_run=dry_run))


# --------------------------------------------------------------------------- report / export


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


def _opened(
    db_path: Path, key_paths: tuple[Path, ...], catalog: Any
) -> tuple[list[Any], list[str]]:
    with open_store(db_path, create=False) as store:
        keys = _load_keys(key_paths)
        opened = [reading.open_row(row, keys, catalog) for row in store.responses()]
        hr_declines = [
            e.invitation.declined_on
            for e in store.invitations()
            if e.invitation.declined_on and not e.responses
        ]
    return opened, hr_declines


@main.command("report")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.html"
)
@analysis_options
@db_option
@key_option
@questionnaires_option
def report_(
    out: Path,
    language: str,
    min_group: int | None,
    db_path: Path,
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
    from . import report_html

    catalog = _catalog(questionnaires)
    group = min_group or catalog.employer.analysis.min_group
    opened, hr_declines = _opened(db_path, key_paths, catalog)
    built = report.build(
        opened, catalog=catalog, language=language, min_group=group, hr_declines=hr_declines
    )
    html = report_html.render(built, employer=catalog.employer.name, generated=clock.now())
    outfiles.write_private(out, html.encode("utf-8"))
    click.echo(f"Wrote {out}: {built.responses} responses; groups under {group} held back")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    help="[default: from the file name, else csv]",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@analysis_options
@db_option
@key_option
@questionnaires_option
def export_(
    fmt: str | None,
    out: Path,
    language: str,
    min_group: int | None,
    db_path: Path,
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
    from . import export, report_html

    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    catalog = _catalog(questionnaires)
    group = min_group or catalog.employer.analysis.min_group
    opened, _ = _opened(db_path, key_paths, catalog)
    header, rows = export.table(opened, catalog=catalog, language=language, min_group=group)
    if fmt == "xlsx":
        about = report_html.WORDS[language]["rules"].format(n=group)  # type: ignore[index]
        data = export.to_xlsx(header, rows, language=language, about=about)  # type: ignore[arg-type]
    else:
        data = export.to_csv(header, rows)
    outfiles.write_private(out, data)
    click.echo(f"Wrote {out}: {len(rows)} rows; groups under {group} held back")
