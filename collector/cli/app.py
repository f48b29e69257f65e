"""The `sluttsamtale` group: where every library error becomes one sentence for a person.

A SluttsamtaleError becomes "Error: <one sentence>" and exit 1; anything unexpected becomes
one line and exit 2, so no traceback ever reaches HR's screen, unless a maintainer asks for
it with --traceback (or SLUTTSAMTALE_DEBUG=1).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from .. import __version__, i18n, settings
from ..errors import SluttsamtaleError
from ..i18n import tr
from ..words import Language
from .options import Env


class SluttsamtaleGroup(click.Group):
    """Turns library errors into one line each; nothing below here prints a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The main --help is printed while these arguments are parsed, before the
        # configuration is read: it speaks the configuration's language read cheaply.
        speak(self, settings.early_language(args))
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except SluttsamtaleError as e:
            if _debug(ctx):
                traceback.print_exc()
            raise click.ClickException(str(e)) from None
        except KeyboardInterrupt:
            click.echo("\n" + tr("Error: interrupted"), err=True)
            ctx.exit(130)
        except BrokenPipeError:
            _silence_stdout()  # the reader (e.g. `| head`) left; say nothing more
            ctx.exit(1)
        except Exception as e:  # noqa: BLE001 - the promise: one line, never a traceback
            if _debug(ctx):
                traceback.print_exc()
            click.echo(
                tr(
                    "Error: unexpected {error}; please report this",
                    error=type(e).__name__,
                ),
                err=True,
            )
            ctx.exit(2)


def speak(group: click.Group, language: Language) -> None:
    """Messages, errors, help and click's own words in `language` from now on."""
    i18n.use(language)
    i18n.speak_help(group)


def _debug(ctx: click.Context) -> bool:
    env = ctx.obj if isinstance(ctx.obj, Env) else None
    return env is not None and (env.traceback or env.settings.debug)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(
    cls=SluttsamtaleGroup,
    name="sluttsamtale",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="sluttsamtale")
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="On an error, also print the traceback a maintainer needs [env SLUTTSAMTALE_DEBUG=1].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The employer's sluttsamtale.toml [env SLUTTSAMTALE_CONFIG; default: the nearest one "
    "in this folder or a folder above it].",
)
@click.pass_context
def main(ctx: click.Context, show_traceback: bool, config_file: Path | None) -> None:
    """Sluttsamtale: import and read sealed exit-interview answers.

    Employees answer on a static page that seals their answers to HR's public key. HR
    imports the response files here; the answers are stored still sealed, and only
    decrypted in memory by the commands that show them.

    Example:

    \b
        sluttsamtale init hr-sluttsamtale && cd hr-sluttsamtale
        sluttsamtale keygen --out keys/
        sluttsamtale doctor
        sluttsamtale build
        sluttsamtale import ~/Innboks/
    """
    env = Env(traceback=show_traceback)
    ctx.obj = env
    try:
        env.settings = settings.from_environ(config_file=config_file)
    except SluttsamtaleError as e:
        raise click.ClickException(str(e)) from None
    speak(ctx.command, env.settings.language)  # type: ignore[arg-type]
