"""`sluttsamtale list`, `show` and `schema`: reading what is stored, decrypted in memory."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import tr, tr_plural
from ..safetext import json_visible
from .options import (
    Env,
    db_option,
    json_option,
    key_option,
    pass_env,
    questionnaires_option,
)

if TYPE_CHECKING:
    from ..intake.opening import Opened
    from ..store import Store


@click.command("list")
@click.option("--earlier", is_flag=True, help="Also list answers a newer one replaced.")
@db_option
@key_option
@json_option
@pass_env
def list_(
    env: Env,
    earlier: bool,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    as_json: bool,
) -> None:
    """List the current responses, decrypted in memory: who, when, which set, and flags.

    One response per invitation, the newest (a flag says when it replaced earlier ones).
    Responses for anonymous statistics only are counted, never listed. Flags: declined,
    special information, who may read the answers when it is not HR only, "not invited"
    when it came without an invitation link (anyone with the page could have sent it), and
    "wording differs" when it was not sealed by the page HR built.

    Example:

    \b
        sluttsamtale list
        sluttsamtale list --json
    """
    with env.store(db_path, create=False) as store:
        keys = env.keys(key_paths)
        from ..render import text
        from ..routine import responses

        # One moment of the store, read a page of summaries at a time. What is printed is
        # printed after the snapshot ends: a slow reader of it (a pager, a script) must not
        # hold the store's log, which an erasure waits for to rewrite it, and an error
        # halfway prints nothing.
        with store.snapshot():
            view = responses.stream_overview(store, keys, include_earlier=earlier)
            if as_json:  # kept as the bytes to write, a response at a time: one copy
                encoded = [
                    json_visible(chunk).encode("utf-8") for chunk in text.overview_json_text(view)
                ]
            else:
                table = text.list_table(view, env.words)
        failed = responses.mend(store, view, keys)
    if failed:
        click.echo(
            tr_plural(
                "{n} stored page of summaries did not open; its responses were read from "
                "their own records (the store file may be damaged or altered)",
                "{n} stored pages of summaries did not open; their responses were read from "
                "their own records (the store file may be damaged or altered)",
                failed,
            ),
            err=True,
        )
    if as_json:
        sys.stdout.flush()
        out = sys.stdout.buffer
        for part in encoded:
            out.write(part)
        out.write(b"\n")
        out.flush()
    else:
        env.say(table)


@click.command()
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
    "--for-interviewer",
    "--for-leader",
    "for_interviewer",
    is_flag=True,
    help="With --format html: the copy for the person who holds the conversation, made only "
    "if the employee allowed that person to read, and without special information.",
)
@click.option(
    "--sealed",
    is_flag=True,
    help="With --for-interviewer and --out: seal that copy under a one-time code, printed "
    "once, which opens it in any browser; pass the code by phone or SMS, not with the file.",
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
@pass_env
def show(
    env: Env,
    response_id: str,
    fmt: str,
    for_interviewer: bool,
    sealed: bool,
    out: Path | None,
    db_path: Path | None,
    key_paths: tuple[Path, ...],
    questionnaires: Path | None,
    as_json: bool,
) -> None:
    """Show one response: the answers under the questions as the employee saw them.

    RESPONSE_ID is the id or its start, as `sluttsamtale list` shows it. With --json (or
    --format json) the whole payload is printed exactly as it was sealed. --format html
    makes the conversation record (doc 001's form): header facts (from HR's invitation),
    the employee's wishes, the answers, and ruled space for notes, "interviewed by" and
    date. A response for anonymous statistics only is never shown.

    Example:

    \b
        sluttsamtale show 3f2a91bc
        sluttsamtale show 3f2a91bc --format html --out samtale.html
        sluttsamtale show 3f2a91bc --format html --for-interviewer --out til-leder.html
        sluttsamtale show 3f2a91bc --format html --for-interviewer --sealed --out til-leder.html
    """
    fmt = "json" if as_json else fmt
    if for_interviewer and fmt != "html":
        raise click.ClickException(
            tr("--for-interviewer makes the printable record; add --format html")
        )
    if sealed and not for_interviewer:
        raise click.ClickException(
            tr(
                "--sealed seals the copy for the person who holds the conversation; add "
                "--format html --for-interviewer"
            )
        )
    if sealed and out is None:
        raise click.ClickException(tr("--sealed writes a file; name it with --out FILE"))
    catalog = env.catalog(questionnaires)
    with env.store(db_path, create=False) as store:
        row = store.find(response_id)
        hr_keys = env.keys(key_paths)
        from ..formats import payload as payload_format
        from ..intake.opening import open_row
        from ..render import record, text
        from ..routine import responses

        opened = open_row(row, hr_keys, catalog)
        responses.refuse_anonymous(opened)
        if fmt == "json":
            payload, _ = opened.require()
            shown = json.dumps(payload_format.as_json(payload), indent=2, ensure_ascii=False)
            shown += "\n"
        elif fmt == "html":
            shown = record.render(
                opened, employer=catalog.employer, for_interviewer=for_interviewer
            )
        else:
            shown = text.show_text(opened, env.words) + "\n"
        if out is None:
            if fmt == "json":  # escaped, so that the printed JSON is still the same value
                click.echo(json_visible(shown), nl=False)
            else:
                env.say(shown, nl=False)
            return
        if sealed:
            _write_sealed(env, store, out, shown, opened)
            return
        env.write_output(store, out, shown.encode("utf-8"), "record", row.delete_by)
    click.echo(tr("Wrote {out}", out=out))


def _write_sealed(env: Env, store: Store, out: Path, record_html: str, opened: Opened) -> None:
    """Seal the interviewer's record, write it like any record (owner-only, purged by its
    delete-by date) and print the code: here, once, and nowhere else."""
    from ..render.sealed_copy import seal_record

    payload, _ = opened.require()
    delete_by = date.fromisoformat(opened.row.delete_by)
    copy = seal_record(record_html, delete_by=delete_by, language=payload.questionnaire.language)
    path = env.write_output(store, out, copy.html.encode("utf-8"), "record", opened.row.delete_by)
    c = env.words["cli"]
    env.say(c["sealed_wrote"].format(path=path))
    click.echo(c["sealed_code"].format(code=copy.code))
    click.echo(c["sealed_pass"].format(date=delete_by.isoformat()))


@click.command()
@click.argument(
    "which", type=click.Choice(["questionnaire", "payload", "config"]), default="questionnaire"
)
def schema(which: str) -> None:
    """Print the JSON Schema of a question-set file, the sealed payload or sluttsamtale.toml.

    Editors use the question-set schema to check YAML as HR types it. The output is the
    published file byte for byte, so this also regenerates spec/ after a model change.

    Example:

    \b
        sluttsamtale schema questionnaire > spec/questionnaire.schema.json
    """
    from ..model import jsonschema  # only this command needs it

    data = {
        "questionnaire": jsonschema.questionnaire_schema,
        "payload": jsonschema.payload_schema,
        "config": jsonschema.config_schema,
    }[which]()
    click.echo(jsonschema.render(data), nl=False)
