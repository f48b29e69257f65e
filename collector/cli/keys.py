"""`sluttsamtale keygen`: HR's key pair."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import tr
from .options import Env, pass_env


def backup_warning() -> str:
    return tr(
        "Keep this key safe. If hr-key.json or its passphrase is lost, the "
        "answers sealed to it\ncannot be read by anyone: not by HR, not by IT, "
        "not by the makers of Sluttsamtale.\n  - Back up hr-key.json on offline "
        "media, e.g. two USB sticks kept in separate locked places.\n  - Keep the "
        "passphrase in the organisation's password safe.\n  - Only hr-public.pem "
        "goes into the site build; hr-key.json never leaves HR."
    )


def _new_passphrase(env: Env) -> str:
    from ..routine import passphrases

    if env.settings.passphrase is not None:
        return _strong(env.settings.passphrase)
    from .options import secret_prompt

    first = secret_prompt(tr("Passphrase for the new key"))
    problem = passphrases.weakness(str(first))
    if problem is not None:
        raise click.ClickException(tr("{problem}; no key was written", problem=problem))
    second = secret_prompt(tr("The same passphrase again"))
    if first != second:
        raise click.ClickException(tr("the two passphrases differ; no key was written"))
    return str(first)


def _strong(passphrase: str) -> str:
    from ..routine import passphrases

    problem = passphrases.weakness(passphrase)
    if problem is not None:
        raise click.ClickException(
            tr(
                "SLUTTSAMTALE_PASSPHRASE: {problem}; no key was written",
                problem=problem,
            )
        )
    return passphrase


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder for hr-key.json and hr-public.pem.",
)
@pass_env
def keygen(env: Env, out: Path) -> None:
    """Make HR's key pair: hr-key.json (private, passphrase-protected) and hr-public.pem.

    The public key goes into the site build; the private key file stays with HR and
    opens the answers. Writing over an existing key is refused.

    Example:

    \b
        sluttsamtale keygen --out keys/
    """
    from ..errors import KeyFileError
    from ..formats import keyfile

    try:
        keyfile.refuse_existing(out)  # before asking for a passphrase that would be wasted
    except KeyFileError as e:
        raise click.ClickException(str(e)) from None
    passphrase = _new_passphrase(env)
    if not out.exists():
        try:
            out.mkdir(mode=0o700, parents=True)
        except OSError as e:
            raise click.ClickException(
                tr(
                    "{out}: cannot create the folder ({strerror})",
                    out=out,
                    strerror=e.strerror,
                )
            ) from None
    from ..formats.keys import fingerprint

    key_path, pem_path, kid = keyfile.generate(out, passphrase)
    click.echo(
        tr(
            "Wrote {key_path} (private key, protected by the passphrase)",
            key_path=key_path,
        )
    )
    click.echo(tr("Wrote {pem_path} (public key, for the site build)", pem_path=pem_path))
    click.echo(tr("Key id: {fingerprint}", fingerprint=fingerprint(kid)))
    click.echo("")
    click.echo(backup_warning())
