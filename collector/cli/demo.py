"""`sluttsamtale demo`: the whole product on embedded defaults, on this machine only."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from ..i18n import tr
from .options import Env, pass_env


@click.command("demo")
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
    "--mkdocs-config",
    "config_file",
    type=click.Path(path_type=Path),
    help="The site's mkdocs.yml [default: ./mkdocs.yml, else the one the package ships].",
)
@click.option("--once", is_flag=True, help="Build, import the inbox once and stop: no server.")
@pass_env
def demo_(env: Env, folder: Path, port: int, config_file: Path | None, once: bool) -> None:
    """Try the whole product on this machine, with a demo key.

    Makes a demo key (marked DEMO on every page; passphrase "demo passphrase") unless one
    exists, builds the site with it, serves it on 127.0.0.1, and imports every file saved
    into the inbox folder into a SQLite store, one line per file. Stop with Ctrl+C.

    Example:

    \b
        sluttsamtale demo
        sluttsamtale list --db .demo/sluttsamtale.db --key .demo/hr-key.json
    """
    config_file = env.settings.mkdocs_config(config_file)
    if not config_file.is_file():
        raise click.ClickException(
            tr(
                "{config_file}: no such mkdocs.yml",
                config_file=config_file,
            )
        )
    from ..formats import keyfile
    from ..formats.keys import load_public_pem
    from ..intake import files, importer, watch
    from ..render import text
    from ..store import Store
    from ..website import build, demo, serve

    key_file, pem, created = demo.ensure_demo_key(folder)
    fingerprint = load_public_pem(pem).fingerprint
    click.echo(
        tr(
            "Made the DEMO key {key_file} (fingerprint {fingerprint}); never use it for "
            "real answers.",
            key_file=key_file,
            fingerprint=fingerprint,
        )
        if created
        else tr(
            "Using the DEMO key {key_file} (fingerprint {fingerprint}); never use it for "
            "real answers.",
            key_file=key_file,
            fingerprint=fingerprint,
        )
    )
    site, inbox, db = folder / "site", folder / "inbox", folder / "sluttsamtale.db"
    inbox.mkdir(parents=True, exist_ok=True)
    folder_of_sets = env.settings.questionnaire_folder().resolve()
    build.build_site(
        config_file,
        site,
        public_key=pem.resolve(),
        questionnaires=folder_of_sets,
        configuration=env.settings.config.file if env.settings.config else None,
    )
    with Store.open(db):
        pass  # created and migrated now, so `list` works before the first import
    click.echo(tr("Site: {site}   Store: {db}   Inbox: {inbox}", site=site, db=db, inbox=inbox))
    hr_keys = {k.key_id: k for k in [keyfile.load(key_file, demo.DEMO_PASSPHRASE)]}
    catalog = env.catalog(folder_of_sets)

    def on_new(paths: list[Path]) -> None:
        with Store.open(db) as store:
            for result in importer.import_items(
                files.expand(paths), hr_keys=hr_keys, catalog=catalog, store=store, now=env.now()
            ):
                click.echo(text.import_line(result, env.words))

    if once:
        found = sorted(p for p in inbox.iterdir() if p.is_file())
        if found:
            on_new(found)
        else:
            click.echo(tr("Nothing in {inbox} to import; stopped (--once).", inbox=inbox))
        return
    server = serve.serve(site, port)
    click.echo(
        tr(
            "Serving the site on http://127.0.0.1:{server_port}/ . Fill in a set, "
            "press Finish, and save the file into {inbox}/ . Ctrl+C stops.",
            server_port=server.server_port,
            inbox=inbox,
        )
    )
    stop = threading.Event()
    try:
        watch.watch(inbox, on_new, stop)
    except KeyboardInterrupt:
        click.echo(tr("Stopped."))
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
