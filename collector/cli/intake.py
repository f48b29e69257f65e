"""`sluttsamtale import`: response files, folders and mails into the store."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import SluttsamtaleError
from ..i18n import tr
from ..safetext import visible

if TYPE_CHECKING:
    from ..intake import files
    from ..intake.files import Item

from .options import (
    Env,
    db_option,
    json_option,
    key_option,
    pass_env,
    print_json,
    questionnaires_option,
)


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--watch",
    "watch_folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Import what is in this folder, then every file saved into it, as it is saved, "
    "until Ctrl+C.",
)
@click.option(
    "--forward-to",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write every response file that has a whistleblowing receiver's part here, "
    "unchanged, for the receiver to import (HR cannot tell which of them hold a report).",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="Vouch for the responses that came without an invitation link (HR knows who sent "
    "these files), so they count in reports; as `sluttsamtale confirm RECEIPT` does.",
)
@db_option
@key_option
@questionnaires_option
@json_option
@pass_env
@click.pass_context
def import_(
    ctx: click.Context,
    env: Env,
    paths: tuple[Path, ...],
    watch_folder: Path | None,
    forward_to: Path | None,
    confirm: bool,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Decrypt, check and store response files.

    Each PATH is a response file (.json), a saved e-mail (.eml, or Outlook's .msg) with the
    file attached or its armored block pasted in, a mailbox file (.mbox: each message is
    read), a text file holding an armored block, or a folder of these such as a maildir
    (searched recursively, hidden files skipped). A response file may be up to 1 MiB,
    a mail or text file carrying one up to 25 MiB. One line per file, then a summary; the
    exit code is 1 if any file was rejected. Answers are never printed.

    Example:

    \b
        sluttsamtale import ~/Downloads/sluttsamtale-*.json inbox/
        sluttsamtale import --watch ~/Sluttsamtale-innboks/
    """
    if watch_folder is not None:
        if paths or as_json:
            raise click.ClickException(tr("--watch takes one folder, and no other paths or --json"))
        _watch(env, watch_folder, forward_to, confirm, db_path, key_paths, questionnaires)
        return
    if not paths:
        raise click.ClickException(tr("give the files or folders to import, or --watch FOLDER"))
    from ..intake import files, importer
    from ..render import text
    from ..store.files import prepare_folder

    catalog = env.catalog(questionnaires)
    db = env.settings.db_path(db_path)
    store_files = [Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]

    def items() -> Iterator[files.Item]:
        # Walked afresh each time rather than kept: memory stays flat for any batch size.
        return files.expand(paths, skip=store_files)

    if next(items(), None) is None:
        raise click.ClickException(tr("found no files to import in the folders given"))
    hr_keys = env.keys(key_paths)
    if forward_to is not None:
        prepare_folder(forward_to)
    summary = importer.Summary()
    forwarded = 0
    collected: list[dict[str, Any]] = []
    words = env.words
    bar = None
    if not as_json and sys.stderr.isatty():
        bar = _progress(sum(1 for _ in items()))
    try:
        with env.store(db) as store:
            results = importer.import_items(
                items(), hr_keys=hr_keys, catalog=catalog, store=store, now=env.now()
            )
            for result in results:
                summary.add(result)
                if confirm and result.outcome == "imported" and result.invited is False:
                    assert result.receipt is not None
                    store.confirm(result.receipt)
                if forward_to is not None and result.two_parts and result.outcome != "rejected":
                    forwarded += forward(result.item, forward_to, hr_keys)
                if as_json:
                    collected.append(result.as_dict())
                elif bar is not None:
                    bar.write(visible(text.import_line(result, words)), file=sys.stdout)
                    bar.update()
                else:
                    env.say(text.import_line(result, words))
    except KeyboardInterrupt:
        click.echo(
            tr(
                "\nError: interrupted; so far {import_summary}",
                import_summary=text.import_summary(summary, words),
            ),
            err=True,
        )
        ctx.exit(130)
    except SluttsamtaleError:
        # The store failed (disk full, locked, damaged): say what was done before it did.
        if summary.files and not as_json:
            click.echo(
                tr(
                    "stopped: {import_summary}",
                    import_summary=text.import_summary(summary, words),
                )
            )
        raise
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        print_json({"files": collected, "summary": summary.as_dict() | {"forwarded": forwarded}})
    else:
        click.echo(text.import_summary(summary, words))
        if forward_to is not None:
            click.echo(words["cli"]["forwarded"].format(n=forwarded, folder=forward_to))
    if summary.rejected:
        ctx.exit(1)


def _watch(
    env: Env,
    folder: Path,
    forward_to: Path | None,
    confirm: bool,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
) -> None:
    """Import each file as it is saved into `folder`; the key is unlocked once, and the
    store opened per batch so that other commands can read it in between."""
    from ..intake import files, importer, watch
    from ..render import text
    from ..store.files import prepare_folder

    catalog = env.catalog(questionnaires)
    hr_keys = env.keys(key_paths)
    if forward_to is not None:
        prepare_folder(forward_to)
    summary = importer.Summary()
    words = env.words
    store_files = {
        Path(f"{env.settings.db_path(db_path)}{s}").resolve()
        for s in ("", "-wal", "-shm", "-journal")
    }

    def on_new(found: list[Path]) -> None:
        wanted = [p for p in found if p.resolve() not in store_files]
        with env.store(db_path) as store:
            for result in importer.import_items(
                files.expand(wanted), hr_keys=hr_keys, catalog=catalog, store=store, now=env.now()
            ):
                summary.add(result)
                if confirm and result.outcome == "imported" and result.invited is False:
                    assert result.receipt is not None
                    store.confirm(result.receipt)
                if forward_to is not None and result.two_parts and result.outcome != "rejected":
                    forward(result.item, forward_to, hr_keys)
                env.say(text.import_line(result, words))

    click.echo(words["cli"]["watching"].format(folder=folder), err=True)
    stop = threading.Event()
    try:
        watch.watch(folder, on_new, stop)
    except KeyboardInterrupt:
        stop.set()
        click.echo("")
    click.echo(text.import_summary(summary, words))


def forward(item: Item, folder: Path, hr_key_ids: Iterable[str]) -> int:
    """Write the receiver's part of the response in `item`, as a file of its own, into the
    receiver's folder; how many were written (none if the same is there already)."""
    from ..formats import envelope
    from ..intake import extract, forwarding
    from ..store.files import write_new

    written = 0
    for data in forwarding.receiver_files(extract.extract_item(item), hr_key_ids):
        target = folder / f"sluttsamtale-{envelope.receipt(data)}.json"
        if target.exists() and target.read_bytes() == data:
            continue
        write_new(folder, target.stem, ".json", data)
        written += 1
    return written


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="file", leave=False)
