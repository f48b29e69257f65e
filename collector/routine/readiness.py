"""Is this employer's folder ready for real answers? The checks `doctor` prints and `build`
runs first: one finding per line, each a problem (the build refuses), a warning or a fact.

The demo employer is the dangerous one: a site built with a real key but the shipped
"Eksempel kommune" tells employees a false controller, a false address and a false phone
number, so the build refuses it unless HR says --allow-demo.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import osflags
from ..errors import SluttsamtaleError
from ..formats import keys
from ..i18n import tr
from ..model.employer import Employer
from ..model.installation import catalog_with
from ..model.loading import EMPLOYER_FILE, Catalog, load_employer

Level = Literal["problem", "warning", "ok"]

# RFC 2606's reserved names and the shipped demo's phone number: never a real employer's.
_EXAMPLE_ADDRESS = re.compile(
    r"[\w.+-]+@[\w.-]+\.(?:example|invalid|test)\b|@example\.(?:org|com|net)\b"
)
_DEMO_PHONE = "00 00 00 00"


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str


@dataclass(frozen=True)
class Folder:
    """What the checks look at, with every path already resolved."""

    config: Path | None
    questionnaires: Path
    shipped_questionnaires: Path
    public_key: Path | None
    keys: tuple[Path, ...]
    db: Path
    site_out: Path
    base_url: str | None

    def catalog(self) -> Catalog:
        """The question sets, with the employer the commands use."""
        return catalog_with(self.questionnaires, self.config)


def check(folder: Folder) -> list[Finding]:
    """Every finding for `folder`, problems first."""
    found = [*_config(folder), *_employer(folder), *_keys(folder), *_store(folder)]
    found += _site(folder)
    order = {"problem": 0, "warning": 1, "ok": 2}
    return sorted(found, key=lambda f: order[f.level])


def before_build(folder: Folder, public_key: Path) -> tuple[str | None, list[Finding]]:
    """What a build must know first: the refusal (the demo employer with a real key), and
    the other problems and warnings about what the page will say."""
    refusal = None
    try:
        catalog = folder.catalog()
        shipped = load_employer(folder.shipped_questionnaires / EMPLOYER_FILE)
        demo_key = keys.load_public_pem(public_key).demo
    except SluttsamtaleError:
        return None, []  # the build itself says what is wrong, in its own words
    markers = demo_markers(catalog.employer, shipped)
    if markers and not demo_key:
        refusal = tr(
            "{_still_demo}, and the key is a real one: employees would be told a "
            "false controller and address; put in your own details, or build with "
            "--allow-demo to try it",
            _still_demo=_still_demo(catalog, markers),
        )
    return refusal, [*_unread_employer_file(folder, catalog), *_return_address(catalog)]


def _unread_employer_file(folder: Folder, catalog: Catalog) -> Iterable[Finding]:
    unread = folder.questionnaires / EMPLOYER_FILE
    if catalog.employer_file != unread and unread.exists():
        yield Finding(
            "problem",
            tr(
                "{unread}: not read, as the employer is {employer_place}; delete it, so "
                "that no one edits the file the page is not made from",
                unread=unread,
                employer_place=catalog.employer_place,
            ),
        )


def _still_demo(catalog: Catalog, markers: list[str]) -> str:
    return tr(
        "{employer_place}: still the demo employer ({join})",
        employer_place=catalog.employer_place,
        join="; ".join(markers),
    )


def _return_address(catalog: Catalog) -> Iterable[Finding]:
    if catalog.employer.return_address is None:
        yield Finding(
            "problem",
            tr(
                "{employer_place}: no return_address, so the page cannot say where to "
                "send the answers",
                employer_place=catalog.employer_place,
            ),
        )


def demo_markers(employer: Employer, shipped: Employer) -> list[str]:
    """What of the shipped demo employer is still in `employer`: its name, its addresses, its
    phone number, an example domain anywhere in the notice."""
    found = []
    if employer.name == shipped.name:
        found.append(tr("the name {name!r}", name=employer.name))
    if employer.return_address and _EXAMPLE_ADDRESS.search(employer.return_address):
        found.append(
            tr(
                "the return address {return_address}",
                return_address=employer.return_address,
            )
        )
    texts = " ".join(
        value
        for notice in employer.privacy.values()
        for value in notice.model_dump().values()
        if isinstance(value, str)
    )
    # The demo's name without "(demo)", as its notices write it ("Eksempel kommune ved ...").
    plain_name = re.sub(r"\s*\(demo\)$", "", shipped.name)
    if plain_name and plain_name in texts:
        found.append(tr("the name {plain_name!r} in the privacy notice", plain_name=plain_name))
    addresses = sorted(set(_EXAMPLE_ADDRESS.findall(texts)))
    if addresses:
        found.append(
            tr(
                "the example address {addresses} in the privacy notice",
                addresses=", ".join(addresses),
            )
        )
    if _DEMO_PHONE in texts:
        found.append(
            tr(
                "the phone number {_DEMO_PHONE} in the privacy notice",
                _DEMO_PHONE=_DEMO_PHONE,
            )
        )
    return found


def _config(folder: Folder) -> Iterable[Finding]:
    if folder.config is None:
        yield Finding(
            "warning", tr("no sluttsamtale.toml here or above; `sluttsamtale init` makes one")
        )
    else:
        yield Finding("ok", tr("configuration: {path}", path=folder.config))
    if not folder.base_url:
        yield Finding(
            "problem",
            tr(
                "no base_url under [site]: invitation links need the address the site is "
                "published at"
            ),
        )


def _employer(folder: Folder) -> Iterable[Finding]:
    try:
        catalog = folder.catalog()
    except SluttsamtaleError as e:
        yield Finding("problem", str(e))
        return
    yield Finding(
        "ok",
        tr(
            "question sets: {n} in {questionnaires}",
            n=len(catalog.sets),
            questionnaires=folder.questionnaires,
        ),
    )
    yield from _unread_employer_file(folder, catalog)
    employer = catalog.employer
    markers = demo_markers(employer, load_employer(folder.shipped_questionnaires / EMPLOYER_FILE))
    if markers:
        yield Finding(
            "problem",
            tr(
                "{_still_demo}; put in your own details (a build refuses this with a real key)",
                _still_demo=_still_demo(catalog, markers),
            ),
        )
    yield from _return_address(catalog)


def _keys(folder: Folder) -> Iterable[Finding]:
    if folder.public_key is None or not folder.public_key.is_file():
        where = folder.public_key or "site.public_key"
        yield Finding(
            "problem",
            tr(
                "{where}: no public key yet; make HR's key pair with sluttsamtale keygen",
                where=where,
            ),
        )
    else:
        try:
            public = keys.load_public_pem(folder.public_key)
        except SluttsamtaleError as e:
            yield Finding("problem", str(e))
        else:
            if public.demo:
                yield Finding(
                    "warning",
                    tr(
                        "{public_key}: a DEMO key, never for real answers",
                        public_key=folder.public_key,
                    ),
                )
            yield Finding(
                "ok",
                tr(
                    "HR's key fingerprint: {fingerprint}",
                    fingerprint=public.fingerprint,
                ),
            )
    for path in folder.keys:
        if not path.is_file():
            yield Finding(
                "warning",
                tr(
                    "{path}: HR's key file is not here (kept offline?)",
                    path=path,
                ),
            )
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if osflags.POSIX and mode & 0o077:
            yield Finding(
                "problem",
                tr(
                    "{path}: others may read HR's key file (mode {mode:o}); chmod 600 {path}",
                    path=path,
                    mode=mode,
                ),
            )
        elif osflags.POSIX:
            yield Finding(
                "ok",
                tr(
                    "HR's key file: {path}, readable by its owner only",
                    path=path,
                ),
            )


def _store(folder: Folder) -> Iterable[Finding]:
    if folder.db.is_file():
        yield Finding("ok", tr("store: {path}", path=folder.db))
    elif not folder.db.parent.is_dir():
        yield Finding(
            "problem",
            tr(
                "{db}: the store's folder does not exist (unreachable?)",
                db=folder.db,
            ),
        )
    else:
        yield Finding("warning", tr("{db}: no store yet; import creates it", db=folder.db))


def _site(folder: Folder) -> Iterable[Finding]:
    from ..website import manifest  # only what reads a built site needs it

    path = folder.site_out / manifest.MANIFEST_NAME
    if not path.is_file():
        yield Finding(
            "warning",
            tr(
                "{site_out}: not built yet (sluttsamtale build)",
                site_out=folder.site_out,
            ),
        )
        return
    data = path.read_bytes()
    try:
        built = manifest.read(data, str(path))
    except SluttsamtaleError as e:
        yield Finding("problem", str(e))
        return
    yield Finding(
        "ok",
        tr(
            "last build: site digest {grouped}",
            grouped=manifest.grouped(manifest.sha256_hex(data)),
        ),
    )
    if folder.public_key is not None and folder.public_key.is_file():
        try:
            current = keys.load_public_pem(folder.public_key).key_id
        except SluttsamtaleError:
            return
        if built.key_id != current:
            yield Finding(
                "problem",
                tr(
                    "{site_out}: built for another key than {public_key}; build again",
                    site_out=folder.site_out,
                    public_key=folder.public_key,
                ),
            )
    try:
        sources = folder.catalog().sources
    except SluttsamtaleError:
        return  # said by the question sets' finding
    changed = manifest.changed_since_built(path, sources)
    if changed is not None:
        yield Finding(
            "problem",
            tr(
                "{site_out}: built before {changed} was last changed, so the published "
                "page may say something else; build again and publish it",
                site_out=folder.site_out,
                changed=changed,
            ),
        )
