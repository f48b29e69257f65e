"""`sluttsamtale invite`, `status` and `decline`: whom HR invited, and where each stands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..i18n import tr
from ..safetext import visible

if TYPE_CHECKING:
    from ..intake import leavers as leaver_files
    from ..model.employer import OfferedTo
    from ..routine import followup

from .options import (
    Env,
    db_option,
    json_option,
    key_option,
    pass_env,
    past_day,
    print_json,
    questionnaires_option,
)


@click.command()
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
    help="Leavers as an HR system exports them: a CSV (; or , between fields, UTF-8, a BOM "
    "is fine) or an Excel workbook (.xlsx, its first sheet). Columns: name (or first and last "
    "name) and last_day, optional email, employee_number (which then identifies the person), "
    "position, workplace, department, employed_from, set, and for the employer's offered_to "
    "the kind of "
    "employment, the reason for leaving and tenure_months (Norwegian and Swedish headings "
    "such as Fornavn, Etternavn, Stillingstittel, Ansettelsesdato, Ansattnummer, Sluttdato, "
    "Anställningsnummer work too). Every bad row is named; nothing is written unless all "
    "are good.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Invite the good rows of the file and list the bad ones, instead of refusing it.",
)
@click.option(
    "--again",
    is_flag=True,
    help="Invite again people already invited (who may have answered or declined).",
)
@click.option(
    "--include-outside-rule",
    "include_outside",
    is_flag=True,
    help="Also invite the leavers in the file who are outside the employer's offered_to (who "
    "is offered the conversation); without it they are only listed, each with the reason.",
)
@click.option(
    "--base-url",
    help="The answering site's address, e.g. https://hr.example.org/sluttsamtale "
    "[env SLUTTSAMTALE_BASE_URL].",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one ready-to-send e-mail per person here (invitation-<code>.eml, and "
    "mailto-<date>.html with a link for each; never over a file); recorded, and deleted by "
    "purge with the invitation.",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The site as built (its sluttsamtale-site.json): the e-mail gives its site digest "
    "beside HR's key fingerprint, so the employee can check the page [default: the "
    "configuration's site.out, else build/site].",
)
@db_option
@key_option
@questionnaires_option
@json_option
@pass_env
def invite(
    env: Env,
    set_id: str | None,
    csv_file: Path | None,
    base_url: str | None,
    out: Path | None,
    site_dir: Path | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
    include_outside: bool,
    skip_bad: bool,
    again: bool,
    name: str | None,
    email: str | None,
    position: str | None,
    workplace: str | None,
    department: str | None,
    employed_from: str | None,
    last_day: str | None,
) -> None:
    """Invite leavers: a personal link and a ready-to-send e-mail for each.

    The link opens the question set with a secret that binds the answers to this
    invitation, in the part after "#" (never sent to the web server); it holds no name or
    date. HR's record of the invitation is sealed to HR's key, so the key is needed. The
    e-mail, in the set's language, says the conversation is voluntary, that the questions
    come in advance, who reads the answers and how they are protected. A whole CSV is stored or
    none of it; a person already invited is not invited twice. From a CSV, only those
    inside the employer's offered_to are invited (by default everyone); the others are
    listed, one line each with the reason.

    Example:

    \b
        sluttsamtale invite --set kommune-nb --name "Kari Nordmann" --last-day 2026-06-30 \\
            --base-url https://hr.example.org/sluttsamtale
        sluttsamtale invite --csv sluttere.csv --set kommune-nb --out e-post/
    """
    from ..clock import iso
    from ..intake import leavers as leaver_files
    from ..render import mail
    from ..routine import invitations, letters
    from ..store import Output, files

    catalog = env.catalog(questionnaires)
    base = invitations.check_base_url(env.settings.base_url_or(base_url))
    site_dir = env.settings.site_out(site_dir)
    person = {
        "name": name,
        "email": email,
        "position": position,
        "workplace": workplace,
        "department": department,
        "employed_from": employed_from,
        "last_day": last_day,
    }
    given = {k: v for k, v in person.items() if v is not None}
    left_out: list[dict[str, Any]] = []
    notes: list[tuple[str, str, str]] = []
    if csv_file is not None:
        if given:
            raise click.ClickException(tr("give either --csv or one person's details, not both"))
        try:
            parsed = leaver_files.read_leavers(
                csv_file, set_id, catalog, skip_bad=skip_bad, today=env.today()
            )
        except leaver_files.BadRows as e:
            for problem in e.problems:
                click.echo(
                    visible(env.words["cli"]["leavers_bad"].format(problem=problem)), err=True
                )
            raise
        if parsed.ignored:
            click.echo(
                tr("Note: columns not used: {join}", join=", ".join(parsed.ignored)), err=True
            )
        for problem in parsed.skipped:
            env.say(env.words["cli"]["leavers_skipped"].format(problem=problem))
        _say_notes(env, parsed.notes)
        rule = catalog.employer.offered_to
        leavers, left_out = _offered(env, csv_file, parsed, rule, include_outside)
    else:
        if not given.get("name") or not given.get("last_day"):
            raise click.ClickException(
                tr("give --name and --last-day for one person, or --csv FILE for many")
            )
        leavers = [leaver_files.check_leaver(dict(given), "invitation", set_id, catalog)]
        # One person is told about as a row would be (once invited): a last day past, no
        # address.
        notes = leaver_files.notes_on(leavers[0], env.today(), has_email=True)
    if out is not None:
        files.prepare_folder(out)
    key = env.first_key(key_paths)
    results: list[dict[str, Any]] = []
    mailtos: list[tuple[str, mail.Mail, str]] = []
    with env.store(db_path, create=False) as store:
        made = letters.invite(
            store,
            leavers,
            catalog,
            base_url=base,
            site_dir=site_dir,
            now=env.now(),
            key=key,
            again=again,
        )
        _say_notes(env, notes)
        for made_letter in made:
            invited, letter = made_letter.invited, made_letter.mail
            record, row = invited.invitation.record, invited.invitation.row
            body = letter.text
            written = None
            if out is not None and invited.created:
                # Named by HR's code, not the person: the store records the path in clear.
                stem = f"invitation-{row.code}"
                written = files.write_new(out, stem, ".eml", letter.eml())
                store.record_output(
                    Output(str(written.resolve()), "invitation", iso(env.now()), row.delete_by)
                )
                mailtos.append((record.name, letter, row.delete_by))
            results.append(
                {
                    "outcome": "invited" if invited.created else "already invited",
                    "name": record.name,
                    "last_day": record.last_day,
                    "set": record.set_id,
                    "code": row.code,
                    "link": invited.link,
                    "email_file": str(written) if written else None,
                    "email": body,
                }
            )
        if out is not None and mailtos:
            page = mail.mailto_page([(n, m) for n, m, _ in mailtos], env.words["cli"], "en")
            listing = files.write_new(
                out, f"mailto-{env.today().isoformat()}", ".html", page.encode()
            )
            last = max(delete_by for _, _, delete_by in mailtos)
            store.record_output(Output(str(listing.resolve()), "invitation", iso(env.now()), last))
            if not as_json:
                click.echo(env.words["cli"]["mailto_written"].format(file=listing), err=True)
    if as_json:
        print_json(results + left_out)
        return
    for r in results:
        where = tr("e-mail {file}", file=r["email_file"]) if r["email_file"] else r["link"]
        env.say(
            tr(
                "{outcome:<15} {name}  last day {last_day}  {where}",
                outcome=_outcome_word(r["outcome"]),
                name=r["name"],
                last_day=r["last_day"],
                where=where,
            )
        )
    if len(results) == 1 and out is None and results[0]["outcome"] == "invited":
        click.echo("")
        env.say(results[0]["email"], nl=False)
    invited_count = sum(r["outcome"] == "invited" for r in results)
    click.echo(
        tr(
            "{invited_count} invited, {value} already invited",
            invited_count=invited_count,
            value=len(results) - invited_count,
        )
    )


@click.command()
@click.argument("who", required=False)
@db_option
@key_option
@questionnaires_option
@json_option
@pass_env
def status(
    env: Env,
    who: str | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Where each invitation stands, and what follow-up of special information is due.

    Invitations are answered, declined, not yet answered, or overdue (the last working day
    has passed without an answer; for one invited on or after it, two weeks since the
    invitation); the overdue come first, then by last working day.
    HR's record of whom it invited is sealed to HR's key like the answers, so the key is
    needed. With WHO (a code or a name), one invitation, with the decline reason HR
    recorded.

    Example:

    \b
        sluttsamtale status
        sluttsamtale status "Kari Nordmann"
    """
    today = env.today()
    if who is not None:
        with env.store(db_path, create=False) as store:
            hr_keys = env.keys(key_paths)
            from ..render import text
            from ..routine import invitations

            detail = invitations.detail(store, who, today, hr_keys)
        if as_json:
            print_json(
                detail.as_dict() | {"decline_reason": detail.invitation.record.decline_reason}
            )
        else:
            env.say(text.invitation_detail(detail, env.words))
        return
    catalog = env.catalog(questionnaires)
    rules = catalog.employer.followup
    with env.store(db_path, create=False) as store:
        hr_keys = env.keys(key_paths)
        from ..render import text
        from ..routine import followup, invitations

        rows = invitations.status_rows(invitations.opened_all(store, hr_keys), today)
        steps = followup.open_steps(rules, store.followups(), today)
        names = followup.names(store, steps, hr_keys)
    if as_json:
        print_json(
            {
                "today": today.isoformat(),
                "invitations": [r.as_dict() for r in rows],
                "followups": [_case(s, names.get(s.case.response_id)) for s in steps],
            }
        )
        return
    env.say(text.status_table(rows, env.words))
    if rows:
        env.say(text.status_summary(rows, env.words))
    click.echo("")
    env.say(text.steps_table(steps, env.words, names))


def _case(step: followup.Step, who: followup.Reporter | None) -> dict[str, Any]:
    reached: dict[str, Any] = {"name": who.name if who else None}
    if who is not None and who.anonymous:
        reached["anonymous"] = True
    if who is not None and not who.invited:
        reached["invited"] = False
    return step.as_dict() | reached


def _offered(
    env: Env,
    csv_file: Path,
    parsed: leaver_files.LeaversFile,
    rule: OfferedTo,
    include_outside: bool,
) -> tuple[list[leaver_files.Leaver], list[dict[str, Any]]]:
    """The leavers of the file to invite by the rule, the others listed on stderr (and, not
    invited, as results for --json); a file without a column the rule needs is refused
    before anything is written."""
    from ..render import offered as offered_text
    from ..routine import offered

    lacking = offered.missing(rule, parsed.columns)
    if lacking:
        raise click.ClickException(offered_text.missing_columns(csv_file, lacking, env.words))
    inside, outside = offered.split(parsed.leavers, rule)
    left_out = []
    for person in outside:
        line = offered_text.outside_line(person, rule, env.words)
        click.echo(visible(line), err=True)
        leaver = person.leaver
        left_out.append(
            {
                "outcome": "outside the rule",
                "name": leaver.name,
                "last_day": leaver.last_day.isoformat(),
                "set": leaver.set_id,
                "why": line,
            }
        )
    if outside:
        key = "offer_included" if include_outside else "offer_left_out"
        click.echo(env.words["cli"][key].format(n=len(outside)), err=True)
    if include_outside:
        return parsed.leavers, []
    return inside, left_out


@click.command()
@click.argument("who")
@click.option("--reason", help="Why, if the person said; sealed to HR's key like the answers.")
@click.option("--on", "on_day", metavar="DATE", help="When they declined [default: today].")
@db_option
@key_option
@pass_env
def decline(
    env: Env,
    who: str,
    reason: str | None,
    on_day: str | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
) -> None:
    """Record that a leaver declined the conversation by other means (a call, a mail).

    WHO is the invitation's code (or its first 6 or more characters, as `status` shows
    it) or the person's name. The key is needed: the invitation's record, and a --reason,
    are sealed to it; `status WHO` shows the reason again.

    Example:

    \b
        sluttsamtale decline "Kari Nordmann"
        sluttsamtale decline Ab12Cd34 --reason "Did not want a conversation"
    """
    from ..routine import invitations

    today = env.today()
    day = past_day(on_day, "--on", today) or today
    with env.store(db_path, create=False) as store:
        done = invitations.record_decline(
            store, who, on=day, today=today, reason=reason, hr_keys=env.keys(key_paths)
        )
    env.say(
        tr(
            "Recorded: {name} declined the exit interview ({isoformat}).",
            name=done.invitation.record.name,
            isoformat=day.isoformat(),
        )
    )


def _say_notes(env: Env, notes: list[tuple[str, str, str]]) -> None:
    c = env.words["cli"]
    for where, kind, detail in notes:
        line = c["leavers_past"] if kind == "past" else c["leavers_no_email"]
        click.echo(visible(line.format(where=where, day=detail, name=detail)), err=True)


def _outcome_word(outcome: str) -> str:
    """The table's word for an outcome; --json keeps the English one, for scripts."""
    return {"invited": tr("invited"), "already invited": tr("already invited")}.get(
        outcome, outcome
    )
