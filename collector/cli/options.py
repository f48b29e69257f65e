"""What the commands share: the options defined once, and `Env`, the one object that holds
the settings and opens what a command needs (the catalog, HR's keys, the store)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..i18n import tr
from ..safetext import json_visible, visible
from ..settings import Settings
from ..words import Catalogue, catalogue

if TYPE_CHECKING:
    from ..formats.keyfile import HRKey
    from ..model.loading import Catalog
    from ..store import Store

# The library is imported where a command first needs it, not here: `--help`, and a
# command that stops before it unlocks a key, start at once (tests/test_cli_startup.py).

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "SLUTTSAMTALE_PASSPHRASE"


@dataclass
class Env:
    """The command's view of the world, made once by the `sluttsamtale` group."""

    settings: Settings = field(default_factory=Settings)
    traceback: bool = False

    @property
    def words(self) -> Catalogue:
        """The CLI's own labels, in the configuration's language or the locale's."""
        return catalogue(self.settings.language)

    def now(self) -> datetime:
        return self.settings.now()

    def today(self) -> date:
        return self.now().date()

    def catalog(self, folder: Path | None) -> Catalog:
        return self.settings.catalog(folder)

    def passphrase(self, path: Path) -> str:
        if self.settings.passphrase is not None:
            return self.settings.passphrase
        return secret_prompt(tr("Passphrase for {path}", path=path))

    def keys(self, given: Iterable[Path]) -> dict[str, HRKey]:
        """Each key file once: unlocking costs a deliberate ~0.3 s of Argon2id."""
        unique = list(dict.fromkeys(self.settings.key_paths(tuple(given))))
        if not unique:
            raise click.ClickException(
                tr("no key given; name HR's key file with --key hr-key.json or SLUTTSAMTALE_KEY")
            )
        from ..formats import keyfile
        from ..formats import keys as keys_format
        from ..formats.keyfile import HRKey

        keys: dict[str, HRKey] = {}
        held = self.unlocked()
        for path in unique:
            if not path.exists():  # before asking for a passphrase it could never use
                raise click.ClickException(tr("{path}: HR's key file is not here", path=path))
            kid, public = keyfile.public_of_file(path)
            raw = held.get(kid)
            if raw is not None:
                private = keys_format.private_from_raw(raw)
                if keys_format.public_of(private) == public:
                    keys[kid] = HRKey(kid, private, path)
                    continue
            key = keyfile.load(path, self.passphrase(path))
            keys[key.key_id] = key
        return keys

    def unlocked(self) -> dict[str, bytes]:
        """The keys `sluttsamtale unlock` keeps open, by key id; none without an agent."""
        from .. import keyagent

        if self.settings.agent_socket is None:
            return {}
        return keyagent.held_keys(self.settings.agent_socket)

    def first_key(self, given: Iterable[Path]) -> HRKey:
        return next(iter(self.keys(given).values()))

    def say(self, text: str, *, nl: bool = True) -> None:
        """Print text that holds what files said: every control, bidi-override and
        zero-width character is shown, never obeyed (safetext.visible)."""
        click.echo(visible(text), nl=nl)

    def exports(self, db: Path | None) -> Path:
        """The store's own folder for the files it writes, beside the database."""
        return self.settings.db_path(db).resolve().parent / "exports"

    def write_output(
        self,
        store: Store,
        path: Path | None,
        data: bytes,
        kind: str,
        delete_by: str | None,
        *,
        suffix: str = ".html",
    ) -> Path:
        """Write a file with personal data (owner-only, whole or not at all) and record it
        with its delete-by date, so that purge deletes it with its records. Without a path,
        it goes into `exports/` beside the store, named by its kind and the day."""
        from ..clock import iso
        from ..store import Output
        from ..store.files import prepare_folder, write_new, write_private

        if path is None:
            folder = store.path.parent / EXPORTS
            prepare_folder(folder)
            path = write_new(folder, f"{kind}-{self.today().isoformat()}", suffix, data)
        else:
            write_private(path, data)
        if delete_by is not None:
            store.record_output(Output(str(path.resolve()), kind, iso(self.now()), delete_by))
        return path

    def store(self, db: Path | None, *, create: bool = True, warn: bool = True) -> Store:
        """Open the store and warn (one line, stderr) about records past their delete-by date.

        Every command that opens the store comes through here, so nothing depends on HR
        remembering to purge.
        """
        from ..store import Store

        path = self.settings.db_path(db)
        if not create and not path.exists():
            # Never a second, empty store beside the real one: say where it looked instead.
            raise click.ClickException(
                tr(
                    "{resolve}: no store here ({db_source}); only import and init create one",
                    resolve=path.resolve(),
                    db_source=self.settings.db_source(db),
                )
            )
        existed = path.exists()
        store = Store.open(path, create=create, max_page_count=self.settings.max_page_count)
        if not existed:
            click.echo(tr("Created a new store: {resolve}", resolve=path.resolve()), err=True)
        if not warn:
            return store
        try:
            from ..routine import retention

            due = retention.due(store, self.today())
            message = None
            if due.total:  # the words only when there is something to say
                from ..render import text

                message = text.retention_warning(due, self.words)
        except BaseException:
            store.close()
            raise
        if message:
            click.echo(message, err=True)
        return store


EXPORTS = "exports"
"""The folder beside the store where files with personal data go unless told otherwise."""

pass_env = click.make_pass_decorator(Env, ensure=True)


def print_json(data: object) -> None:
    """JSON for scripts and for the terminal: hidden characters written as \\u escapes."""
    click.echo(json_visible(json.dumps(data, indent=2, ensure_ascii=False)))


# --------------------------------------------------------------------------- shared options


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The SQLite store of sealed responses [env SLUTTSAMTALE_DB; else the configuration's; "
        "default sluttsamtale.db].",
    )(f)


def key_option(f: F) -> F:
    return click.option(
        "--key",
        "key_paths",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="HR's key file (hr-key.json); repeat it to add keys from before a rotation "
        f"[env SLUTTSAMTALE_KEY, paths separated by {os.pathsep!r}; else the "
        "configuration's store.keys]. The passphrase is "
        f"asked for, or taken from {PASSPHRASE_ENV}.",
    )(f)


def questionnaires_option(f: F) -> F:
    return click.option(
        "--questionnaires",
        "questionnaires",
        type=click.Path(file_okay=False, path_type=Path),
        help="The question-set folder, with every published version (and employer.yml "
        "where the configuration has no [employer]) "
        "[env SLUTTSAMTALE_QUESTIONNAIRES; else the configuration's; default ./questionnaires, "
        "else the sets the package ships].",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def past_day(text: str | None, option: str, today: date) -> date | None:
    """A date given on the command line: YYYY-MM-DD, or "today"; never in the future."""
    if text is None:
        return None
    if text == "today":
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(
            tr(
                "{option}: {text!r} is not a date; write 2026-07-01",
                option=option,
                text=text,
            )
        ) from None
    if day > today:
        raise click.ClickException(
            tr(
                "{option}: {day} lies in the future",
                option=option,
                day=day,
            )
        )
    return day


def secret_prompt(text: str) -> str:
    """A passphrase typed at the terminal, unseen; or, when standard input is a pipe (a
    script, a password manager), its next line, without Python's warning that it cannot
    hide what is typed (nothing is typed)."""
    import sys

    if sys.stdin is not None and not sys.stdin.isatty():
        click.echo(f"{text}: ", nl=False, err=True)
        line = sys.stdin.readline()
        click.echo(err=True)
        if not line:
            raise click.ClickException(tr("no passphrase on standard input"))
        return line.rstrip("\r\n")
    return str(click.prompt(text, hide_input=True, err=True))
