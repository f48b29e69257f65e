"""`sluttsamtale erase`, `correct` and `confirm`: a person's rights, and HR vouching for a
response that came without an invitation."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import tr
from .options import Env, db_option, key_option, pass_env


@click.command()
@click.argument("response_id", required=False)
@click.option(
    "--invitation",
    "who",
    metavar="WHO",
    help="Erase every response from one person's invitation (its code or the name), and "
    "the invitation itself.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
@click.option("--force", is_flag=True, help="Erase even a response whose follow-up is still open.")
@db_option
@key_option
@pass_env
def erase(
    env: Env,
    response_id: str | None,
    who: str | None,
    dry_run: bool,
    force: bool,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
) -> None:
    """Erase a response on request (GDPR Art. 17), beyond recovery from the database file.

    RESPONSE_ID is the id or its start, as `sluttsamtale list` shows it; or --invitation
    WHO erases everything from one person's invitation. The follow-up goes with the
    response; the same file imported again is refused. An answer for anonymous statistics
    only cannot be found by invitation: nothing links it to one.

    Example:

    \b
        sluttsamtale erase 3f2a91bc --dry-run
        sluttsamtale erase --invitation "Kari Nordmann"
    """
    if (response_id is None) == (who is None):
        raise click.ClickException(tr("give a RESPONSE_ID or --invitation WHO (one of them)"))
    from ..intake.opening import SHORT_ID
    from ..routine import erasure

    today = env.today()
    with env.store(db_path, create=False) as store:
        if who is not None:
            done = erasure.erase_invitation(
                store, who, today, env.keys(key_paths), dry_run=dry_run, force=force
            )
        else:
            assert response_id is not None
            done = erasure.erase_response(store, response_id, today, dry_run=dry_run, force=force)
    c = env.words["cli"]
    ids = ", ".join(r[:SHORT_ID] for r in done.responses) or c["nothing"]
    key = "erase_dry_run" if dry_run else "erase_done"
    click.echo(c[key].format(ids=ids))
    if done.invitation is not None:
        click.echo(c["erase_invitation_dry_run" if dry_run else "erase_invitation_done"])
    if dry_run and done.held and not force:
        held = ", ".join(r[:SHORT_ID] for r in done.held)
        click.echo(c["erase_held"].format(ids=held))
    if done.unlinked:
        click.echo(c["erase_unlinked"].format(n=done.unlinked))


@click.command()
@click.argument("response_id")
@click.option("--note", required=True, help="What is wrong in the record, and what is right.")
@db_option
@key_option
@pass_env
def correct(
    env: Env, response_id: str, note: str, db_path: Path | None, key_paths: tuple[Path, ...]
) -> None:
    """Record a correction on a response (GDPR Art. 16), sealed with it and shown with it.

    Example:

    \b
        sluttsamtale correct 3f2a91bc --note "The last day was 30 June, not 30 May"
    """
    from ..intake.opening import SHORT_ID
    from ..routine import erasure

    with env.store(db_path, create=False) as store:
        row = erasure.correct(store, response_id, note, env.today(), env.keys(key_paths))
    click.echo(env.words["cli"]["corrected"].format(id=row.response_id[:SHORT_ID]))


@click.command()
@click.argument("receipt")
@db_option
@pass_env
def confirm(env: Env, receipt: str, db_path: Path | None) -> None:
    """Vouch for a response that came without an invitation link, by its receipt code.

    A response without an invitation could come from anyone with the page, so it counts
    in no report until HR confirms it: when the employee quotes the receipt code the page
    showed them, HR runs this.

    Example:

    \b
        sluttsamtale confirm 3f2a-91bc-04de
    """
    from ..intake.opening import SHORT_ID

    wanted = receipt.strip().lower()
    with env.store(db_path, create=False) as store:
        ids = store.confirm(wanted)
    c = env.words["cli"]
    if not ids:
        raise click.ClickException(c["confirm_none"].format(receipt=wanted))
    click.echo(c["confirmed"].format(ids=", ".join(i[:SHORT_ID] for i in ids)))
