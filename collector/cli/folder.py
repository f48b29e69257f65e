"""`sluttsamtale init` and `sluttsamtale doctor`: an employer's folder made, and checked."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import shipped
from ..configfile import CONFIG_NAME, find
from ..i18n import tr
from .options import Env, pass_env

if TYPE_CHECKING:
    from ..routine import readiness

SCHEMA_NAME = "config.schema.json"

TEMPLATE = """\
#:schema ./config.schema.json
# Sluttsamtale: this employer's folder. Every sluttsamtale command run in this folder or a
# folder below it reads this file (as git finds .git). Paths are relative to this file.
# `sluttsamtale doctor` checks it; config.schema.json beside it lets an editor check it too.

# The question sets: edit them, and delete the sets you do not use. Keep every version you
# have published, so that answers to an older one can still be read. The employer (its name,
# privacy notice, return address, retention, rules and policies) is [employer] below.
questionnaires = "questionnaires"

[site]
# Where the built site (build/site) is published, over https: invitation links point here.
# base_url = "https://hr.example.org/sluttsamtale"
public_key = "keys/hr-public.pem"
out = "build/site"

[store]
# HR's store of sealed responses, and HR's key file (keep a copy offline).
path = "sluttsamtale.db"
keys = ["keys/hr-key.json"]
"""


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Make an employer's folder: sluttsamtale.toml, the question sets to edit, the store.

    Example:

    \b
        sluttsamtale init hr-sluttsamtale
        cd hr-sluttsamtale && sluttsamtale keygen --out keys/ && sluttsamtale doctor
    """
    from ..model.loading import EMPLOYER_FILE, load_employer
    from ..render.employer_toml import employer_table

    config = folder / CONFIG_NAME
    outer = find(folder.resolve().parent)
    if outer is not None:
        raise click.ClickException(
            tr(
                "{folder}: inside the employer's folder {parent} (its {CONFIG_NAME}); a "
                "folder of its own goes elsewhere, or edit that one",
                folder=folder,
                parent=outer.parent,
                CONFIG_NAME=CONFIG_NAME,
            )
        )
    if config.exists():
        raise click.ClickException(
            tr(
                "{config}: exists already; init never overwrites a folder",
                config=config,
            )
        )
    sets = folder / "questionnaires"
    if sets.exists():
        raise click.ClickException(
            tr(
                "{sets}: exists already; init never overwrites a folder",
                sets=sets,
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    # The employer goes into the configuration, so the sets' folder gets no employer.yml.
    shutil.copytree(
        shipped.questionnaires(),
        sets,
        ignore=shutil.ignore_patterns("__pycache__", ".*", EMPLOYER_FILE),
    )
    (folder / "keys").mkdir(mode=0o700, exist_ok=True)
    shutil.copyfile(shipped.config_schema(), folder / SCHEMA_NAME)
    demo = load_employer(shipped.questionnaires() / EMPLOYER_FILE)
    config.write_text(TEMPLATE + "\n" + employer_table(demo, demo=True), encoding="utf-8")
    from ..store import Store

    db = folder / "sluttsamtale.db"
    with Store.open(db, create=True):
        pass
    click.echo(tr("Made {resolve}:", resolve=folder.resolve()))
    for name, what in (
        (
            CONFIG_NAME,
            tr("the configuration: your details under [employer], base_url under [site]"),
        ),
        (SCHEMA_NAME, tr("what an editor checks the configuration against")),
        ("questionnaires/", tr("the question sets, to edit or delete")),
        ("keys/", tr("for HR's key pair")),
        ("sluttsamtale.db", tr("a new, empty store (created now)")),
    ):
        click.echo(f"  {name:<20} {what}")
    click.echo(
        tr("Next, in that folder: sluttsamtale keygen --out keys/, then sluttsamtale doctor.")
    )


@click.command("doctor")
@pass_env
def doctor(env: Env) -> None:
    """Check this employer's folder: one line per finding, and exit 1 on any problem.

    Looks for the demo employer and example addresses still in place, a missing return
    address or base URL, a key file others may read, question sets that do not load, a store
    that cannot be reached, and prints the site digest of the last build.

    Example:

    \b
        cd hr-sluttsamtale && sluttsamtale doctor
    """
    from ..routine import readiness

    if env.settings.config is None:
        # Every other finding would be about defaults nobody chose (the shipped demo sets, a
        # key and a store in whatever folder this is), so say only this.
        raise click.ClickException(
            tr(
                "no {CONFIG_NAME} in {value} or a folder above it, so this is no "
                "employer's folder; run doctor in one, give --config, or make one with "
                "sluttsamtale init DIR",
                CONFIG_NAME=CONFIG_NAME,
                value=env.settings.looked_from or Path.cwd(),
            )
        )
    findings = readiness.check(folder_of(env))
    marks = {"problem": tr("problem"), "warning": tr("warning"), "ok": tr("ok")}
    width = max(len(mark) for mark in marks.values())
    for finding in findings:
        env.say(f"{marks[finding.level]:<{width}}  {finding.text}")
    if any(f.level == "problem" for f in findings):
        raise click.exceptions.Exit(1)


def folder_of(env: Env, questionnaires: Path | None = None) -> readiness.Folder:
    """The folder the settings describe, as the readiness checks see it."""
    from ..routine import readiness

    s = env.settings
    return readiness.Folder(
        config=s.config.file if s.config else None,
        questionnaires=s.questionnaire_folder(questionnaires).resolve(),
        shipped_questionnaires=shipped.questionnaires(),
        public_key=(lambda p: p.resolve() if p else None)(s.public_key_or(None)),
        keys=tuple(p.resolve() for p in s.key_paths()),
        db=s.db_path().resolve(),
        site_out=s.site_out(None).resolve(),
        base_url=s.base_url_or(None),
    )
