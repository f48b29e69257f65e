"""The `sluttsamtale` command: a thin click shell over the library.

Each command parses its options, calls library code and prints. A SluttsamtaleError becomes
"Error: <one sentence>" and exit 1; anything unexpected becomes one line and exit 2, so no
traceback ever reaches HR's screen.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, clock, importer, inputs, keyfile, reading, retention
from .errors import SluttsamtaleError
from .keyfile import HRKey
from .questionnaires import Catalog, QuestionSetError, default_folder, load_catalog
from .store import Store

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "SLUTTSAMTALE_PASSPHRASE"


class SluttsamtaleGroup(click.Group):
    """Turns library errors into one line each; nothing below here prints a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (SluttsamtaleError, QuestionSetError) as e:
            raise click.ClickException(str(e)) from None
        except KeyboardInterrupt:
            click.echo("\nError: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            _silence_stdout()  # the reader (e.g. `| head`) left; say nothing more
            ctx.exit(1)
        except Exception as e:  # noqa: BLE001 - the promise: one line, never a traceback
            click.echo(f"Error: unexpected {type(e).__name__}; please report this", err=True)
            ctx.exit(2)


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
def main() -> None:
    """Sluttsamtale: import and read sealed exit-interview answers.

    Employees answer on a static page that seals their answers to HR's public key. HR
    imports the response files here; the answers are stored still sealed, and only
    decrypted in memory by the commands that show them.

    Example:

    \b
        sluttsamtale keygen --out /media/usb1/sluttsamtale
        sluttsamtale import --key /media/usb1/sluttsamtale/hr-key.json inbox/
    """


# --------------------------------------------------------------------------- shared options


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="SLUTTSAMTALE_DB",
        default="sluttsamtale.db",
        show_default=True,
        help="The SQLite store of sealed responses [env SLUTTSAMTALE_DB].",
    )(f)


def key_option(f: F) -> F:
    return click.option(
        "--key",
        "key_paths",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="SLUTTSAMTALE_KEY",
        help="HR's key file (hr-key.json); repeat it to add keys from before a rotation "
        f"[env SLUTTSAMTALE_KEY, paths separated by {os.pathsep!r}]. The passphrase is "
        f"asked for, or taken from {PASSPHRASE_ENV}.",
    )(f)


def questionnaires_option(f: F) -> F:
    return click.option(
        "--questionnaires",
        "questionnaires",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="SLUTTSAMTALE_QUESTIONNAIRES",
        help="The question-set folder, with employer.yml and every published version "
        "[env SLUTTSAMTALE_QUESTIONNAIRES; default ./questionnaires].",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


# --------------------------------------------------------------------------- helpers


def _catalog(folder: Path | None) -> Catalog:
    return load_catalog(folder or default_folder())


def _passphrase(path: Path) -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        return env
    return click.prompt(f"Passphrase for {path}", hide_input=True, err=True)


def _load_keys(paths: Iterable[Path]) -> dict[str, HRKey]:
    """Each key file once: unlocking costs a deliberate ~0.3 s of Argon2id."""
    unique = list(dict.fromkeys(paths))
    if not unique:
        raise click.ClickException(
            "no key given; name HR's key file with --key hr-key.json or SLUTTSAMTALE_KEY"
        )
    keys: dict[str, HRKey] = {}
    for path in unique:
        key = keyfile.load(path, _passphrase(path))
        keys[key.key_id] = key
    return keys


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def open_store(db_path: Path, *, create: bool = True) -> Store:
    """Open the store and warn (one line, stderr) about records past their delete-by date.

    Every command that opens the store comes through here, so nothing depends on HR
    remembering to purge.
    """
    store = Store.open(db_path, create=create)
    try:
        message = retention.warning(store, clock.today())
    except BaseException:
        store.close()
        raise
    if message:
        click.echo(message, err=True)
    return store


# --------------------------------------------------------------------------- keygen

BACKUP_WARNING = """\
Keep this key safe. If hr-key.json or its passphrase is lost, the answers sealed to it
cannot be read by anyone: not by HR, not by IT, not by the makers of Sluttsamtale.
  - Back up hr-key.json on offline media, e.g. two USB sticks kept in separate locked places.
  - Keep the passphrase in the organisation's password safe.
  - Only hr-public.pem goes into the site build; hr-key.json never leaves HR."""


def _new_passphrase() -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        return env
    first = click.prompt("Passphrase for the new key", hide_input=True, err=True)
    second = click.prompt("The same passphrase again", hide_input=True, err=True)
    if first != second:
        raise click.ClickException("the two passphrases differ; no key was written")
    return first


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder for hr-key.json and hr-public.pem.",
)
def keygen(out: Path) -> None:
    """Make HR's key pair: hr-key.json (private, passphrase-protected) and hr-public.pem.

    The public key goes into the site build; the private key file stays with HR and
    opens the answers. Writing over an existing key is refused.

    Example:

    \b
        sluttsamtale keygen --out /media/usb1/sluttsamtale
    """
    passphrase = _new_passphrase()
    if not out.exists():
        try:
            out.mkdir(mode=0o700, parents=True)
        except OSError as e:
            raise click.ClickException(f"{out}: cannot create the folder ({e.strerror})") from None
    key_path, pem_path, kid = keyfile.generate(out, passphrase)
    click.echo(f"Wrote {key_path} (private key, protected by the passphrase)")
    click.echo(f"Wrote {pem_path} (public key, for the site build)")
    click.echo(f"Key id: {_fingerprint(kid)}")
    click.echo("")
    click.echo(BACKUP_WARNING)


def _fingerprint(kid: str) -> str:
    from .crypto import fingerprint

    return fingerprint(kid)


# --------------------------------------------------------------------------- import


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@key_option
@questionnaires_option
@json_option
@click.pass_context
def import_(
    ctx: click.Context,
    paths: tuple[Path, ...],
    db_path: Path,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Decrypt, check and store response files.

    Each PATH is a response file (.json), a saved e-mail (.eml) with the file attached or
    its armored block pasted in, a text file holding an armored block, or a folder of
    these (searched recursively, hidden files skipped). A response file may be up to 1 MiB,
    a mail or text file carrying one up to 25 MiB. One line per file, then a summary; the
    exit code is 1 if any file was rejected. Answers are never printed.

    Example:

    \b
        sluttsamtale import --key hr-key.json ~/Downloads/sluttsamtale-*.json inbox/
    """
    catalog = _catalog(questionnaires)
    store_files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]

    def items() -> Iterator[inputs.Item]:
        # Walked afresh each time rather than kept: memory stays flat for any batch size.
        return inputs.expand(paths, skip=store_files)

    if next(items(), None) is None:
        raise click.ClickException("found no files to import in the folders given")
    keys = _load_keys(key_paths)
    summary = importer.Summary()
    collected: list[dict[str, Any]] = []
    bar = None
    if not as_json and sys.stderr.isatty():
        bar = _progress(sum(1 for _ in items()))
    try:
        with open_store(db_path) as store:
            results = importer.import_items(items(), keys=keys, catalog=catalog, store=store)
            for result in results:
                summary.add(result)
                if as_json:
                    collected.append(result.as_dict())
                elif bar is not None:
                    bar.write(result.line(), file=sys.stdout)
                    bar.update()
                else:
                    click.echo(result.line())
    except KeyboardInterrupt:
        click.echo(f"\nError: interrupted; so far {summary}", err=True)
        ctx.exit(130)
    except SluttsamtaleError:
        # The store failed (disk full, locked, damaged): say what was done before it did.
        if summary.files and not as_json:
            click.echo(f"stopped: {summary}")
        raise
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        _print_json({"files": collected, "summary": summary.as_dict()})
    else:
        click.echo(str(summary))
    if summary.rejected:
        ctx.exit(1)


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="file", leave=False)


# --------------------------------------------------------------------------- list / show


@main.command("list")
@db_option
@key_option
@questionnaires_option
@json_option
def list_(
    db_path: Path, key_paths: tuple[Path, ...], questionnaires: Path | None, as_json: bool
) -> None:
    """List stored responses, decrypted in memory: who, when, which set, and flags.

    Flags: declined, special information (a question marked special is answered), who
    may read the answers when it is not HR only, and "unknown invitation" when the answers
    carry an invitation code that matches no invitation in this store.

    Example:

    \b
        sluttsamtale list --key hr-key.json
        sluttsamtale list --key hr-key.json --json
    """
    catalog = _catalog(questionnaires)
    with open_store(db_path, create=False) as store:
        keys = _load_keys(key_paths)
        matched = store.matched_ids()
        opened = (reading.open_row(row, keys, catalog) for row in store.responses())
        if as_json:
            _print_json([reading.list_entry(o, matched) for o in opened])
        else:
            click.echo(reading.list_table(opened, matched))


@main.command()
@click.argument("response_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="html: a print-ready record of the conversation, with room for notes.",
)
@click.option(
    "--for-leader",
    is_flag=True,
    help="With --format html: the nearest leader's copy, made only if the employee allowed "
    "the leader to read, and without special information.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (readable by you only) instead of printing.",
)
@db_option
@key_option
@questionnaires_option
@json_option
def show(
    response_id: str,
    fmt: str,
    for_leader: bool,
    out: Path | None,
    db_path: Path,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Show one response: the answers under the questions as the employee saw them.

    RESPONSE_ID is the id or its start, as `sluttsamtale list` shows it. With --json (or
    --format json) the whole payload is printed exactly as it was sealed. --format html
    makes the conversation record (doc 001's form): header facts, the employee's wishes,
    the answers, and ruled space for notes, "interviewed by" and date.

    Example:

    \b
        sluttsamtale show --key hr-key.json 3f2a91bc
        sluttsamtale show --key hr-key.json 3f2a91bc --format html --out samtale.html
    """
    from . import outfiles, record_html

    fmt = "json" if as_json else fmt
    if for_leader and fmt != "html":
        raise click.ClickException("--for-leader makes the printable record; add --format html")
    catalog = _catalog(questionnaires)
    with open_store(db_path, create=False) as store:
        row = store.find(response_id)
    opened = reading.open_row(row, _load_keys(key_paths), catalog)
    if fmt == "json":
        text = json.dumps(reading.payload_json(opened), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = record_html.render(opened, employer=catalog.employer.name, for_leader=for_leader)
    else:
        text = reading.show_text(opened) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    outfiles.write_private(out, text.encode("utf-8"))
    click.echo(f"Wrote {out}")


# --------------------------------------------------------------------------- schema


@main.command()
@click.argument("which", type=click.Choice(["questionnaire", "payload"]), default="questionnaire")
def schema(which: str) -> None:
    """Print the JSON Schema of a question-set file or of the sealed payload.

    Editors use the question-set schema to check YAML as HR types it. The output is the
    published file byte for byte, so this also regenerates spec/ after a model change.

    Example:

    \b
        sluttsamtale schema questionnaire > spec/questionnaire.schema.json
    """
    from . import jsonschema  # only this command needs it

    data = jsonschema.payload_schema() if which == "payload" else jsonschema.questionnaire_schema()
    click.echo(jsonschema.render(data), nl=False)


# --------------------------------------------------------------------------- demo


@main.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=Path(".demo"),
    show_default=True,
    help="Where the demo key, site, inbox and store live.",
)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's mkdocs.yml.",
)
@click.option("--once", is_flag=True, help="Build, import the inbox once and stop: no server.")
def demo(folder: Path, port: int, config_file: Path, once: bool) -> None:
    """Try the whole product on this machine, with a demo key.

    Makes a demo key (marked DEMO on every page; passphrase "demo passphrase") unless one
    exists, builds the site with it, serves it on 127.0.0.1, and imports every file saved
    into the inbox folder into a SQLite store, one line per file. Stop with Ctrl+C.

    Example:

    \b
        sluttsamtale demo
        sluttsamtale list --db .demo/sluttsamtale.db --key .demo/hr-key.json
    """
    import threading

    from . import crypto
    from . import demo as demo_mod

    if not config_file.is_file():
        raise click.ClickException(f"{config_file}: not found; run demo from the project folder")
    key_file, pem, created = demo_mod.ensure_demo_key(folder)
    kid = crypto.load_public_pem(pem).key_id
    click.echo(
        f"{'Made' if created else 'Using'} the DEMO key {key_file} "
        f"(fingerprint {crypto.fingerprint(kid)}); never use it for real answers."
    )
    site, inbox, db = folder / "site", folder / "inbox", folder / "sluttsamtale.db"
    inbox.mkdir(parents=True, exist_ok=True)
    demo_mod.build_site(config_file, pem, site)
    with Store.open(db):
        pass  # created and migrated now, so `list` works before the first import
    click.echo(f"Store: {db}   Inbox: {inbox}")

    def on_new(files: list[Path]) -> None:
        demo_mod.import_new(files, key_file, db, click.echo)

    if once:
        files = sorted(p for p in inbox.iterdir() if p.is_file())
        if files:
            on_new(files)
        return
    server = demo_mod.serve(site, port)
    click.echo(
        f"Serving the site on http://127.0.0.1:{server.server_port}/ . Fill in a set, "
        f"press Finish, and save the file into {inbox}/ . Ctrl+C stops."
    )
    stop = threading.Event()
    try:
        demo_mod.watch_inbox(inbox, on_new, stop)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


# The workflow commands (invite, status, decline, followup, purge, report, export) live in
# their own module; importing it registers them on `main`.
from . import cli_workflow  # noqa: E402, F401
