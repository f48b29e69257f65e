"""`sluttsamtale build`: the answering site HR publishes, with its site digest
(spec/FORMAT.md 16), and the single-file pages."""

from __future__ import annotations

from pathlib import Path

import click

from ..website import build, manifest
from .options import Env, pass_env, questionnaires_option

DEFAULT_SITE = Path("build/site")


@click.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SITE,
    show_default=True,
    help="Folder for the site; it is emptied first.",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HR's public key, hr-public.pem [env SLUTTSAMTALE_PUBLIC_KEY].",
)
@click.option(
    "--whistleblowing-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The whistleblowing receiver's public key, if any [env SLUTTSAMTALE_WHISTLEBLOWING_KEY].",
)
@questionnaires_option
@click.option(
    "--single-file",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one self-contained HTML file per question set into this folder "
    "(outside --out): it opens from a file, e.g. an e-mail attachment, with no web host.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's mkdocs.yml.",
)
@pass_env
def build_(
    env: Env,
    out: Path,
    public_key: Path | None,
    whistleblowing_key: Path | None,
    questionnaires: Path | None,
    single_file: Path | None,
    config_file: Path,
) -> None:
    """Build the answering site, as `mkdocs build` does, and print its site digest.

    The site digest is the SHA-256 of the site's manifest (sluttsamtale-site.json), which
    lists every file the build made; publish it out of band (intranet, the invitation
    e-mail) so anyone can check a copy against it. With --single-file, each question set
    also becomes one HTML file that holds its scripts and styles; its SHA-256 is printed
    for the invitation e-mail.

    Example:

    \b
        sluttsamtale build --public-key keys/hr-public.pem
        sluttsamtale build --public-key keys/hr-public.pem --single-file e-post/
    """
    key = public_key or env.settings.public_key
    if key is None:
        raise click.ClickException(
            "no public key for sealing answers: give --public-key hr-public.pem "
            "or set SLUTTSAMTALE_PUBLIC_KEY"
        )
    if not config_file.is_file():
        raise click.ClickException(
            f"{config_file}: not found; run build from the project folder or give --config"
        )
    receiver = whistleblowing_key or env.settings.whistleblowing_key
    built = build.build_site(
        config_file,
        out,
        public_key=key.resolve(),
        whistleblowing_key=receiver.resolve() if receiver else None,
        questionnaires=env.settings.questionnaire_folder(questionnaires).resolve(),
        single_file=single_file,
    )
    c = env.words["cli"]
    click.echo(c["site_built"].format(folder=out))
    click.echo(
        c["site_digest"].format(
            digest=manifest.grouped(built.digest), file=out / manifest.MANIFEST_NAME
        )
    )
    for path, digest in built.single_files:
        click.echo(c["single_file"].format(file=path, digest=manifest.grouped(digest)))
