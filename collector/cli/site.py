"""`sluttsamtale build` and `sluttsamtale verify-site`: the answering site HR publishes, and
the check that a copy of it, anywhere, is the one HR built (spec/FORMAT.md 16)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import Env, pass_env, questionnaires_option

DEFAULT_SITE = Path("build/site")


@click.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SITE,
    show_default=True,
    help="Folder for the site: a new or empty one, or an earlier build, which is replaced.",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HR's public key, hr-public.pem [env SLUTTSAMTALE_PUBLIC_KEY].",
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
    questionnaires: Path | None,
    single_file: Path | None,
    config_file: Path,
) -> None:
    """Build the answering site, as `mkdocs build` does, and print its site digest.

    The site digest is the SHA-256 of the site's manifest (sluttsamtale-site.json), which
    lists every file the build made; publish it out of band (intranet, the invitation
    e-mail) so anyone can check a copy with `sluttsamtale verify-site`. The site works
    over https (or http on 127.0.0.1). With --single-file, each question set also becomes
    one HTML file that holds its scripts and styles; its SHA-256 is printed for the
    invitation e-mail.

    Example:

    \b
        sluttsamtale build --public-key keys/hr-public.pem
        sluttsamtale build --public-key keys/hr-public.pem --single-file e-post/
    """
    from ..website import build, manifest

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
    build.check_out_folder(out)
    built = build.build_site(
        config_file,
        out,
        public_key=key.resolve(),
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


@click.command("verify-site")
@click.argument("location", metavar="URL|DIR")
@click.option(
    "--digest",
    help="The site digest HR published (64 hex digits; spaces allowed). Default: the "
    "digest of the manifest in --build.",
)
@click.option(
    "--build",
    "build_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SITE,
    show_default=True,
    help="The folder HR built, whose manifest gives the digest when --digest is not given.",
)
@pass_env
@click.pass_context
def verify_site(
    ctx: click.Context, env: Env, location: str, digest: str | None, build_folder: Path
) -> None:
    """Check that a copy of the answering site is exactly the one HR built.

    URL|DIR is the site's https:// address (plain http only on localhost or 127.0.0.1),
    or a folder holding a copy, such as an unpacked zip. Its manifest
    (sluttsamtale-site.json) must have the published site digest; then every file the
    manifest lists is fetched and compared by SHA-256. One line per difference; the exit
    code is 1 if anything differs.

    Example:

    \b
        sluttsamtale verify-site https://hr.example.org/sluttsamtale/ --digest "3f2a 91bc ..."
        sluttsamtale verify-site /media/usb1/site/
    """
    from ..render import text
    from ..website import manifest, verify

    expected = verify.expected_digest(digest, build_folder)
    result = verify.verify(verify.open_copy(location), expected)
    c = env.words["cli"]
    for difference in result.differences:
        env.say(c[f"site_{difference.kind}"].format(path=difference.path))  # a hostile name
    shown = manifest.grouped(result.digest)
    if result.differences:
        differences = text.plural(len(result.differences), "difference", env.words)
        click.echo(c["site_not_verified"].format(differences=differences, digest=shown))
        ctx.exit(1)
    files = text.plural(result.files, "file", env.words)
    click.echo(c["site_verified"].format(digest=shown, files=files))
