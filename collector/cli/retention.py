"""`sluttsamtale purge`: delete what has reached its delete-by date, beyond recovery."""

from __future__ import annotations

from pathlib import Path

import click

from .options import Env, db_option, pass_env


@click.command()
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; change nothing.")
@db_option
@pass_env
def purge(env: Env, dry_run: bool, db_path: Path | None) -> None:
    """Delete everything that has reached its delete-by date, beyond recovery.

    Responses go with their invitation and follow-up; the database file and its log are
    rewritten so the deleted text cannot be found in them. Prints counts only. No key is
    needed: delete-by dates are kept beside the sealed answers.

    Example:

    \b
        sluttsamtale purge --dry-run
        sluttsamtale purge
    """
    from ..render import text
    from ..routine import retention

    with env.store(db_path, create=False, warn=False) as store:
        purged = retention.purge(store, env.today(), dry_run=dry_run)
    click.echo(text.purge_line(purged, env.words))
