"""Invitations with their e-mails: what `invite` and the desk's leavers page both send.

The e-mail names HR's key fingerprint and, when HR's build is at hand, the site digest, so
the employee can check the page out of band. A build made for another key must not be
vouched for, so it is refused here rather than quoted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import SluttsamtaleError
from ..formats import keys
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake.leavers import Leaver
from ..model.loading import Catalog
from ..render import mail
from ..store import Store
from . import invitations


class SiteMismatch(SluttsamtaleError):
    kind = "site"


@dataclass(frozen=True)
class Letter:
    """One invitation as stored, and the e-mail that carries its link."""

    invited: invitations.Invited
    mail: mail.Mail

    @property
    def created(self) -> bool:
        return self.invited.created


def site_digest(site_dir: Path, key_id: str, sources: Iterable[Path] = ()) -> str | None:
    """The digest of the site HR built, if it is there, after checking it seals to HR's key
    and was built after the last change to its `sources`: the e-mail must not name a page
    that says something else (another return address, another notice)."""
    from ..website import manifest

    path = site_dir / manifest.MANIFEST_NAME
    if not path.is_file():
        return None
    data = path.read_bytes()
    built = manifest.read(data, str(path))
    if built.key_id != key_id:
        raise SiteMismatch(
            tr(
                "{path}: the site was built for key {fingerprint}, not HR's key "
                "{fingerprint2}; rebuild it (sluttsamtale build) or give --site",
                path=path,
                fingerprint=keys.fingerprint(built.key_id),
                fingerprint2=keys.fingerprint(key_id),
            )
        )
    changed = manifest.changed_since_built(path, sources)
    if changed is not None:
        raise SiteMismatch(
            tr(
                "{path}: the site was built before {changed} was last changed, so the "
                "page may not say what the e-mail says; build it again (sluttsamtale "
                "build) and publish it",
                path=path,
                changed=changed,
            )
        )
    return manifest.grouped(manifest.sha256_hex(data))


def invite(
    store: Store,
    leavers: list[Leaver],
    catalog: Catalog,
    *,
    base_url: str,
    site_dir: Path,
    now: datetime,
    key: HRKey,
    again: bool = False,
) -> list[Letter]:
    """Store the invitations (all or none) and write each one's e-mail, in its set's language."""
    digest = site_digest(site_dir, key.key_id, catalog.sources)
    check = mail.SiteCheck(keys.fingerprint(key.key_id), digest)
    receiver = catalog.receiver_key_path is not None
    made = invitations.invite(store, leavers, catalog, base_url, now, key, again=again)
    return [
        Letter(
            invited,
            mail.invitation(
                invited.invitation.record, catalog, invited.link, receiver=receiver, check=check
            ),
        )
        for invited in made
    ]
