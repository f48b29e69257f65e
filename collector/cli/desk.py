"""`sluttsamtale desk`: the whole routine as a local web page."""

from __future__ import annotations

import click

from ..i18n import tr
from .options import Env, pass_env


@click.command("desk")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="0 (the default) picks a free port."
)
@click.option(
    "--no-browser", is_flag=True, help="Print the address instead of opening the browser."
)
@pass_env
def desk_(env: Env, port: int, no_browser: bool) -> None:
    """Open HR's desk: unlock, inbox, leavers, status, responses, report, retention.

    A page in your own browser, served from this computer only (127.0.0.1): the address
    holds a one-time code that lets in the browser that opens it, and no other. Answers
    are decrypted in memory only, as by the other commands. Stop it with Ctrl+C.

    Example:

    \b
        cd hr-sluttsamtale && sluttsamtale desk
    """
    from ..desk.server import run
    from ..desk.state import Desk

    try:
        run(
            Desk(env.settings),
            port=port,
            open_browser=not no_browser,
            say=lambda t: click.echo(t, err=True),
        )
    except OSError as e:
        raise click.ClickException(
            tr(
                "127.0.0.1:{port}: the desk cannot listen here ({strerror})",
                port=port,
                strerror=e.strerror,
            )
        ) from None
