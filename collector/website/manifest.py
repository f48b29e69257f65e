"""The site manifest (spec/FORMAT.md 16): what HR built, file by file, in one small JSON file
whose SHA-256, the site digest, HR publishes out of band.

Pure functions: make a manifest from a built folder, encode it (one spelling, so the digest
is reproducible), read one back strictly, and compare a copy of the site with it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import SluttsamtaleError
from ..i18n import tr

FORMAT = "sluttsamtale-site/1"
MANIFEST_NAME = "sluttsamtale-site.json"
MANIFEST_MAX = 1 << 20
"""A manifest lists a few dozen files; one larger than 1 MiB is not one HR built."""

_MEMBERS = {
    "format",
    "app_version",
    "csp",
    "key_id",
    "whistleblowing_key_id",
    "question_sets",
    "files",
}
_HEX64 = re.compile(r"[0-9a-f]{64}")


class SiteError(SluttsamtaleError):
    """A site copy or manifest that cannot be checked; the message names the URL or file."""


@dataclass(frozen=True)
class Manifest:
    app_version: str
    csp: str
    key_id: str
    whistleblowing_key_id: str | None
    question_sets: dict[str, int]
    files: dict[str, str]
    """Path from the site's root ("/js/form.js") → lowercase hex SHA-256 of its bytes."""


@dataclass(frozen=True)
class Difference:
    kind: Literal["changed", "missing", "extra"]
    path: str


def changed_since_built(site_manifest: Path, sources: Iterable[Path]) -> Path | None:
    """The source (a question set, the employer's file) written after the site whose
    manifest this is was built, if one was: the page may then say what the source no
    longer does (another return address, another notice)."""
    built = site_manifest.stat().st_mtime_ns
    newer = [p for p in sources if p.is_file() and p.stat().st_mtime_ns > built]
    return max(newer, key=lambda p: p.stat().st_mtime_ns) if newer else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def grouped(digest: str) -> str:
    """A digest as people compare it: groups of four, like a key fingerprint."""
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def site_path(folder: Path, file: Path) -> str:
    """A file's path in the manifest: from the site's root, with a leading "/"."""
    return "/" + file.relative_to(folder).as_posix()


def file_hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` but the manifest, by its site path."""
    return {
        site_path(folder, p): sha256_hex(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p != folder / MANIFEST_NAME
    }


def make(
    folder: Path,
    *,
    app_version: str,
    csp: str,
    key_id: str,
    whistleblowing_key_id: str | None,
    question_sets: Mapping[str, int],
) -> Manifest:
    """The manifest of the site built into `folder`."""
    return Manifest(
        app_version=app_version,
        csp=csp,
        key_id=key_id,
        whistleblowing_key_id=whistleblowing_key_id,
        question_sets=dict(question_sets),
        files=file_hashes(folder),
    )


def encode(manifest: Manifest) -> bytes:
    """The manifest's one spelling: sorted keys, two-space indent, UTF-8, one LF."""
    obj = {
        "format": FORMAT,
        "app_version": manifest.app_version,
        "csp": manifest.csp,
        "key_id": manifest.key_id,
        "whistleblowing_key_id": manifest.whistleblowing_key_id,
        "question_sets": manifest.question_sets,
        "files": manifest.files,
    }
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write(folder: Path, manifest: Manifest) -> str:
    """Write `folder`/sluttsamtale-site.json; return the site digest."""
    data = encode(manifest)
    (folder / MANIFEST_NAME).write_bytes(data)
    return sha256_hex(data)


def read(data: bytes, where: str) -> Manifest:
    """A manifest from its bytes, or SiteError naming `where` and the first problem."""
    if len(data) > MANIFEST_MAX:
        raise SiteError(
            tr(
                "{where}: larger than {MANIFEST_MAX} bytes, so not a site manifest",
                where=where,
                MANIFEST_MAX=MANIFEST_MAX,
            )
        )
    try:
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_no_repeats)
    except (UnicodeDecodeError, ValueError) as e:
        raise SiteError(
            tr(
                "{where}: not a JSON site manifest ({_first_line})",
                where=where,
                _first_line=_first_line(e),
            )
        ) from None
    if not isinstance(obj, dict):
        raise SiteError(tr("{where}: not a site manifest (not a JSON object)", where=where))
    if obj.get("format") != FORMAT:
        raise SiteError(
            tr(
                "{where}: not a {FORMAT} manifest (format {get!r})",
                where=where,
                FORMAT=FORMAT,
                get=obj.get("format"),
            )
        )
    if set(obj) != _MEMBERS:
        odd = sorted(set(obj) ^ _MEMBERS)
        raise SiteError(
            tr(
                "{where}: the manifest's members differ from {FORMAT}'s: {odd}",
                where=where,
                FORMAT=FORMAT,
                odd=odd,
            )
        )
    return Manifest(
        app_version=_text(obj, "app_version", where),
        csp=_text(obj, "csp", where),
        key_id=_text(obj, "key_id", where),
        whistleblowing_key_id=(
            None
            if obj["whistleblowing_key_id"] is None
            else _text(obj, "whistleblowing_key_id", where)
        ),
        question_sets=_question_sets(obj["question_sets"], where),
        files=_files(obj["files"], where),
    )


def compare(
    manifest: Manifest,
    file_hash: Callable[[str], str | None],
    present: Iterable[str] | None = None,
) -> list[Difference]:
    """Each listed file whose SHA-256 (`file_hash`, None for a missing file) differs, in
    path order; given every path the copy holds (where it can be listed), each file the
    build did not make too."""
    out: list[Difference] = []
    for path in sorted(manifest.files):
        found = file_hash(path)
        if found is None:
            out.append(Difference("missing", path))
        elif found != manifest.files[path]:
            out.append(Difference("changed", path))
    if present is not None:
        extra = set(present) - set(manifest.files) - {"/" + MANIFEST_NAME}
        out.extend(Difference("extra", path) for path in sorted(extra))
    return out


def parse_digest(text: str) -> str:
    """A site digest as HR may have copied it (spaces, dashes, capitals) in its one form."""
    digest = re.sub(r"[\s:-]", "", text).lower()
    if not _HEX64.fullmatch(digest):
        raise SiteError(tr("{text!r} is not a site digest (64 hexadecimal digits)", text=text))
    return digest


# --------------------------------------------------------------------------- reading


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(tr("member {key!r} appears twice", key=key))
        out[key] = value
    return out


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _text(obj: dict[str, Any], name: str, where: str) -> str:
    value = obj[name]
    if not isinstance(value, str) or not value:
        raise SiteError(tr("{where}: {name} is not a non-empty string", where=where, name=name))
    return value


def _question_sets(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value.values()
    ):
        raise SiteError(
            tr(
                "{where}: question_sets is not an object of set id to version",
                where=where,
            )
        )
    return dict(value)


def _files(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise SiteError(tr("{where}: files is not an object of path to SHA-256", where=where))
    for path, digest in value.items():
        if path == "/" + MANIFEST_NAME:
            raise SiteError(
                tr(
                    "{where}: the manifest lists itself among the files",
                    where=where,
                )
            )
        if not _safe_path(path):
            raise SiteError(
                tr(
                    "{where}: {path!r} is not a path inside the site",
                    where=where,
                    path=path,
                )
            )
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise SiteError(
                tr(
                    "{where}: the SHA-256 of {path} is not 64 lowercase hex digits",
                    where=where,
                    path=path,
                )
            )
    return dict(value)


def _safe_path(path: str) -> bool:
    """A path like /a/b.html: rooted, no empty, "." or ".." segment, nothing a URL reads as
    more."""
    if not path.startswith("/") or any(c in path for c in "\\?#"):
        return False
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return False
    return all(segment not in ("", ".", "..") for segment in path[1:].split("/"))
