"""`sluttsamtale unlock` and `sluttsamtale lock`: HR's key opened once per working session."""

from __future__ import annotations

from pathlib import Path

import click

from .. import keyagent
from ..i18n import tr
from .options import Env, key_option, pass_env


@click.command("unlock")
@key_option
@click.option(
    "--minutes",
    type=click.IntRange(1, 720),
    help="Forget the key after this many minutes without use [default: the configuration's "
    "store.unlock_minutes, else 30].",
)
@pass_env
def unlock(env: Env, key_paths: tuple[Path, ...], minutes: int | None) -> None:
    """Open HR's key once: every command uses it without asking until it is left unused.

    The opened key is kept in memory only, by a small background process of yours that
    answers only you (a Unix socket in a folder closed to others); it forgets the key after
    the idle time, at logout, or at once with `sluttsamtale lock`.

    Example:

    \b
        sluttsamtale unlock --minutes 60
        sluttsamtale status && sluttsamtale list
        sluttsamtale lock
    """
    socket = env.settings.agent_socket
    if socket is None or not keyagent.available():
        raise click.ClickException(
            tr(
                "this system has no Unix sockets, so the key cannot be kept unlocked; "
                "each command asks for the passphrase"
            )
        )
    opened = env.keys(key_paths)
    idle = env.settings.unlock_minutes(minutes)
    keyagent.hand_over(socket, opened, idle * 60)
    names = ", ".join(str(k.path) for k in opened.values())
    click.echo(
        tr(
            "Unlocked {names} until {idle} minutes pass without use; sluttsamtale "
            "lock forgets it now.",
            names=names,
            idle=idle,
        )
    )


@click.command("lock")
@pass_env
def lock(env: Env) -> None:
    """Forget the key `sluttsamtale unlock` opened, at once.

    Example:

    \b
        sluttsamtale lock
    """
    socket = env.settings.agent_socket
    answer = keyagent.ask(socket, {"op": "stop"}) if socket is not None else None
    click.echo(tr("Locked: the key is forgotten.") if answer else tr("No key was unlocked."))
