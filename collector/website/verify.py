"""Compare a copy of the answering site (a web address or a folder) with the build HR
published, through its manifest (spec/FORMAT.md 16).

The copy's manifest counts only if its SHA-256 is the site digest HR published; then every
file it lists is fetched and hashed. Fetching uses the standard library only: https to any
host, plain http only to this machine, no redirect to another origin, no proxy, a timeout
on every request and a cap on every body.
"""

from __future__ import annotations

import hashlib
import http.client
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from ..i18n import tr
from . import manifest
from .manifest import Difference, SiteError

TIMEOUT = 15.0
"""Seconds a request may wait for the host."""
FILE_MAX = 32 << 20
"""No file of the site is near this; a body that grows past it is not HR's file."""
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_CHUNK = 1 << 16


class Copy(Protocol):
    """A copy of the site: where it is, and the SHA-256 of each file in it."""

    @property
    def where(self) -> str:
        """The copy as its user named it."""
        ...

    def name(self, path: str) -> str:
        """The URL or file a site path names, for messages."""
        ...

    def read(self, path: str, limit: int) -> bytes | None:
        """The file's bytes, or None if the copy has no such file."""
        ...

    def file_hash(self, path: str) -> str | None:
        """The file's SHA-256 hex, or None if the copy has no such file."""
        ...

    def listing(self) -> list[str] | None:
        """Every site path the copy holds, or None where a copy cannot be listed (the web)."""
        ...


@dataclass(frozen=True)
class Verified:
    digest: str
    files: int
    differences: list[Difference]


def expected_digest(given: str | None, build: Path) -> str:
    """The digest to check against: the one given, else that of the build folder's
    manifest. SiteError says in one sentence what is missing."""
    if given is not None:
        return manifest.parse_digest(given)
    local = build / manifest.MANIFEST_NAME
    if not local.is_file():
        raise SiteError(
            tr(
                "no site digest to check against: give --digest with the digest HR "
                "published, or --build with the folder HR built ({local} does not exist)",
                local=local,
            )
        )
    try:
        return manifest.sha256_hex(local.read_bytes())
    except OSError as e:
        raise SiteError(
            tr(
                "{local}: cannot be read ({strerror})",
                local=local,
                strerror=e.strerror,
            )
        ) from None


def verify(copy: Copy, expected: str) -> Verified:
    """Check `copy` against the build whose site digest is `expected`: its manifest must be
    that build's, and each file it lists must have the bytes the build made."""
    name = copy.name("/" + manifest.MANIFEST_NAME)
    data = copy.read("/" + manifest.MANIFEST_NAME, manifest.MANIFEST_MAX)
    if data is None:
        raise SiteError(
            tr(
                "{name}: not found, so {where} is no Sluttsamtale site (or an old one)",
                name=name,
                where=copy.where,
            )
        )
    found = manifest.read(data, name)
    digest = manifest.sha256_hex(data)
    if digest != expected:
        raise SiteError(
            tr(
                "{name}: its digest is {grouped}, not the expected {grouped2}, so this "
                "copy is not the site HR published",
                name=name,
                grouped=manifest.grouped(digest),
                grouped2=manifest.grouped(expected),
            )
        )
    return Verified(
        digest, len(found.files), manifest.compare(found, copy.file_hash, copy.listing())
    )


def open_copy(location: str, *, timeout: float = TIMEOUT) -> Copy:
    """A web address (https, or http on this machine) or a local folder."""
    if "://" in location:
        return WebCopy(_base_url(location), timeout)
    folder = Path(location)
    if folder.is_dir():
        return FolderCopy(folder)
    if folder.exists():
        raise SiteError(
            tr(
                "{location}: not a folder (unpack a zip of the site first)",
                location=location,
            )
        )
    raise SiteError(
        tr(
            "{location}: no such folder, and not an https:// address",
            location=location,
        )
    )


# --------------------------------------------------------------------------- a folder


@dataclass(frozen=True)
class FolderCopy:
    root: Path

    @property
    def where(self) -> str:
        return str(self.root)

    def name(self, path: str) -> str:
        return str(self._file(path))

    def _file(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def read(self, path: str, limit: int) -> bytes | None:
        file = self._file(path)
        if not file.is_file():
            return None
        try:
            with file.open("rb") as f:
                return _capped(f, limit, str(file))
        except OSError as e:
            raise _unreadable(file, e) from None

    def file_hash(self, path: str) -> str | None:
        file = self._file(path)
        if not file.is_file():
            return None
        digest = hashlib.sha256()
        try:
            with file.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
        except OSError as e:
            raise _unreadable(file, e) from None
        return digest.hexdigest()

    def listing(self) -> list[str]:
        return [manifest.site_path(self.root, p) for p in self.root.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- the web


def _base_url(location: str) -> str:
    """The site's root URL, ending in "/"; SiteError for one that may not be fetched."""
    parts = urlsplit(location)
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("https", "http"):
        raise SiteError(
            tr(
                "{location}: give an https:// address or a folder",
                location=location,
            )
        )
    if not host:
        raise SiteError(tr("{location}: the address names no host", location=location))
    if parts.username is not None or parts.password is not None:
        raise SiteError(
            tr(
                "{scheme}://{host}: give the address without a user name or password",
                scheme=scheme,
                host=host,
            )
        )
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise SiteError(
            tr(
                "{location}: plain http is only for this machine (localhost, 127.0.0.1); "
                "give the site's https:// address",
                location=location,
            )
        )
    path = parts.path or "/"
    for page in (manifest.MANIFEST_NAME, "index.html"):
        if path.endswith("/" + page):
            path = path[: -len(page)]
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the origin it started at."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme.lower(), new.netloc):
            raise SiteError(
                tr(
                    "{full_url}: redirects to another host or scheme ({newurl})",
                    full_url=req.full_url,
                    newurl=newurl,
                )
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class WebCopy:
    base: str
    timeout: float = TIMEOUT

    def __post_init__(self) -> None:
        # No ProxyHandler from the environment: the library reads no environment, and
        # the copy to check is the one the host itself serves.
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
            _SameOrigin(),
        )

    @property
    def where(self) -> str:
        return self.base

    def name(self, path: str) -> str:
        return self.base + quote(path.lstrip("/"), safe="/")

    def read(self, path: str, limit: int) -> bytes | None:
        url = self.name(path)
        request = urllib.request.Request(url, headers={"User-Agent": "sluttsamtale verify-site"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _capped(response, limit, url)
        except urllib.error.HTTPError as e:
            e.close()
            if e.code in (404, 410):
                return None
            raise SiteError(
                tr(
                    "{url}: the server answered {code} {reason}",
                    url=url,
                    code=e.code,
                    reason=e.reason,
                )
            ) from None
        except urllib.error.URLError as e:
            raise SiteError(
                tr(
                    "{url}: cannot be fetched ({_reason})",
                    url=url,
                    _reason=_reason(e.reason),
                )
            ) from None
        except TimeoutError:
            raise SiteError(
                tr(
                    "{url}: no answer within {timeout:g} seconds",
                    url=url,
                    timeout=self.timeout,
                )
            ) from None
        except (http.client.HTTPException, OSError) as e:
            raise SiteError(
                tr(
                    "{url}: cannot be fetched ({_reason})",
                    url=url,
                    _reason=_reason(e),
                )
            ) from None

    def file_hash(self, path: str) -> str | None:
        data = self.read(path, FILE_MAX)
        return None if data is None else manifest.sha256_hex(data)

    def listing(self) -> None:
        return None


def _capped(stream: IO[bytes], limit: int, where: str) -> bytes:
    """The whole body, or SiteError as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise SiteError(
                tr(
                    "{where}: larger than {limit} bytes, more than any file of the site",
                    where=where,
                    limit=limit,
                )
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    text = str(reason) or type(reason).__name__
    return text.splitlines()[0]


def _unreadable(file: Path, e: OSError) -> SiteError:
    return SiteError(tr("{file}: cannot be read ({strerror})", file=file, strerror=e.strerror))
