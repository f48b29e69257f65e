"""`sluttsamtale build` and `sluttsamtale verify-site`: the answering site HR publishes, and
the check that a copy of it, anywhere, is the one HR built (spec/FORMAT.md 16)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import SluttsamtaleError
from ..i18n import tr
from ..safetext import visible
from .options import Env, pass_env, questionnaires_option


@click.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the site: a new or empty one, or an earlier build, which is replaced "
    "[default: the configuration's site.out, else build/site].",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HR's public key, hr-public.pem [env SLUTTSAMTALE_PUBLIC_KEY; else the "
    "configuration's site.public_key].",
)
@questionnaires_option
@click.option(
    "--single-file",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one self-contained HTML file per question set into this folder "
    "(outside --out): it opens from a file, e.g. an e-mail attachment, with no web host.",
)
@click.option(
    "--mkdocs-config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The site's mkdocs.yml [default: the configuration's site.mkdocs, else ./mkdocs.yml, "
    "else the one the package ships].",
)
@click.option(
    "--allow-demo",
    is_flag=True,
    help="Build even though the employer is still the demo employer (for trying it out).",
)
@pass_env
def build_(
    env: Env,
    out: Path | None,
    public_key: Path | None,
    questionnaires: Path | None,
    single_file: Path | None,
    config_file: Path | None,
    allow_demo: bool,
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
        sluttsamtale build
        sluttsamtale build --single-file e-post/
    """
    from ..routine import readiness
    from ..website import build, manifest
    from .folder import folder_of

    key = env.settings.public_key_or(public_key)
    if key is None:
        raise click.ClickException(
            tr(
                "no public key for sealing answers: give --public-key hr-public.pem, set "
                "SLUTTSAMTALE_PUBLIC_KEY, or name it in sluttsamtale.toml (sluttsamtale "
                "init)"
            )
        )
    out = env.settings.site_out(out)
    config_file = env.settings.mkdocs_config(config_file)
    if not config_file.is_file():
        raise click.ClickException(
            tr(
                "{config_file}: no such mkdocs.yml",
                config_file=config_file,
            )
        )
    refusal, notes = readiness.before_build(folder_of(env, questionnaires), key)
    if refusal is not None and not allow_demo:
        raise click.ClickException(refusal)
    for note in notes:
        click.echo(f"{note.level}: {visible(note.text)}", err=True)
    build.check_out_folder(out)
    built = build.build_site(
        config_file,
        out,
        public_key=key.resolve(),
        questionnaires=env.settings.questionnaire_folder(questionnaires).resolve(),
        configuration=env.settings.config.file if env.settings.config else None,
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
    help="The folder HR built, whose manifest gives the digest when --digest is not given "
    "[default: the configuration's site.out, else build/site].",
)
@pass_env
@click.pass_context
def verify_site(
    ctx: click.Context, env: Env, location: str, digest: str | None, build_folder: Path | None
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

    expected = verify.expected_digest(digest, env.settings.site_out(build_folder))
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


@click.command("serve")
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port.")
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HR's public key, hr-public.pem [default: the configuration's site.public_key].",
)
@questionnaires_option
@click.option(
    "--mkdocs-config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The site's mkdocs.yml [default: the configuration's, else the one the package ships].",
)
@pass_env
def serve_(
    env: Env,
    port: int,
    public_key: Path | None,
    questionnaires: Path | None,
    config_file: Path | None,
) -> None:
    """Preview the site while editing the question sets: rebuilt on every saved change,
    and reloaded in the browser.

    Served on 127.0.0.1 only, from a folder of its own (the published build is not
    touched). Open the preview address it prints: it shows the site in a frame that reloads
    after each build, so the page itself keeps its CSP exactly as published.

    Example:

    \b
        sluttsamtale serve
    """
    import shutil
    import tempfile
    import threading

    from ..website import build, preview

    key = env.settings.public_key_or(public_key)
    if key is None or not key.is_file():
        raise click.ClickException(
            tr(
                "{value}: no public key; make HR's key pair with sluttsamtale keygen",
                value=key or "site.public_key",
            )
        )
    config = env.settings.mkdocs_config(config_file)
    sets = env.settings.questionnaire_folder(questionnaires).resolve()
    configuration = env.settings.config.file if env.settings.config else None
    folder = Path(tempfile.mkdtemp(prefix="sluttsamtale-preview-"))
    out = folder / "site"

    def rebuild() -> bool:
        try:
            build.build_site(
                config,
                out,
                public_key=key.resolve(),
                questionnaires=sets,
                configuration=configuration,
            )
        except SluttsamtaleError as e:
            env.say(tr("Not rebuilt: {error}; still showing the last build", error=e))
            return False
        click.echo(tr("Built: site digest {digest_of}", digest_of=preview.digest_of(out)))
        return True

    try:
        if not rebuild():
            raise click.ClickException(tr("the site does not build; fix the error above"))
        server = preview.serve(out, port)
        address = f"http://127.0.0.1:{server.server_port}"
        watching = (
            tr("{sets} or {configuration}", sets=sets, configuration=configuration)
            if configuration
            else str(sets)
        )
        click.echo(
            tr(
                "Preview: {page} (the site itself: {address}/), rebuilt when anything in "
                "{watching} changes. Ctrl+C stops.",
                page=address + preview.PREVIEW_PATH,
                address=address,
                watching=watching,
            )
        )
        stop = threading.Event()
        try:
            watched = [sets, config.parent / "site", config]
            preview.rebuild_on_change(
                watched + ([configuration] if configuration else []), rebuild, stop
            )
        except KeyboardInterrupt:
            click.echo(tr("Stopped."))
        finally:
            stop.set()
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
