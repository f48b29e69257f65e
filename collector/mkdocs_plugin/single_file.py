"""A question set's built page as one self-contained HTML file, for the employee who opens
it from an e-mail attachment or a USB stick: no web host, and no other file beside it.

The page's scripts and stylesheets are written into it, byte for byte as the site serves
them to the set's page (whose theme stylesheet is already its cut: own_sheet), and its
icon becomes a data: URL. Links to the site's other pages are
dropped (there are no other pages), and so is the link to the protection page. Its CSP
names each inline script and style by hash and has no 'self' at all, so the page runs
exactly what it holds and can load and send nothing. Browsers refuse Subresource
Integrity on file:// (see spec/FORMAT.md 16); here the hashes in the CSP do that job,
inside the one file whose SHA-256 HR publishes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ..i18n import tr
from . import postprocess

_SECURITY_META = re.compile(
    r"<meta\s+http-equiv=\"Content-Security-Policy\"[^>]*>|<meta\s+name=\"referrer\"[^>]*>"
    r"|<meta\s+charset=[^>]*>",
    re.IGNORECASE,
)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_ANCHOR = re.compile(r"<a\b([^>]*)>", re.IGNORECASE)
_HREF = re.compile(r"""\s+href\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_PROTECTION = re.compile(r'<p class="sl-protection">.*?</p>', re.DOTALL)
_REQUESTING = re.compile(r"""\s(?:src|srcset|poster|data)\s*=""", re.IGNORECASE)
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".ico": "image/x-icon"}


def inline_page(html: str, resolve: Callable[[str], bytes]) -> str:
    """The built page `html` as one file; `resolve` gives the bytes of a file a URL in the
    page names. ValueError says what the page holds that cannot be made one file."""
    html = _SECURITY_META.sub("", html)
    html = _PROTECTION.sub("", html)
    html = _inline_scripts(html, resolve)
    html = postprocess.outside_scripts(html, lambda text: _inline_links(text, resolve))
    html = postprocess.outside_scripts(html, _unlink)
    _check_no_request(html)
    return _add_meta(html)


def _inline_scripts(html: str, resolve: Callable[[str], bytes]) -> str:
    def one(m: re.Match[str]) -> str:
        attrs = m.group(1)
        src = postprocess.attribute(attrs, "src")
        if src is None:
            return m.group(0)
        for name in ("type", "defer", "async"):
            if re.search(rf"(?:^|\s){name}\b", attrs, re.IGNORECASE):
                raise ValueError(
                    tr(
                        "{src}: a script with {name} would run differently inline",
                        src=src,
                        name=name,
                    )
                )
        text = resolve(src).decode("utf-8")
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            raise ValueError(
                tr(
                    "{src} holds </script or <!--, which would end it inline early",
                    src=src,
                )
            )
        return f"<script>{text}</script>"

    return postprocess.SCRIPT_ELEMENT.sub(one, html)


def _inline_links(html: str, resolve: Callable[[str], bytes]) -> str:
    def one(m: re.Match[str]) -> str:
        attrs = m.group(1)
        rel = (postprocess.attribute(attrs, "rel") or "").lower().split()
        href = postprocess.attribute(attrs, "href")
        if href is None:
            return m.group(0)
        if "stylesheet" in rel:
            text = resolve(href).decode("utf-8")
            if re.search(r"</style", text, re.IGNORECASE):
                raise ValueError(
                    tr(
                        "{href} holds </style, which would end it inline early",
                        href=href,
                    )
                )
            media = postprocess.attribute(attrs, "media")
            media_attr = f' media="{media}"' if media and media != "all" else ""
            return f"<style{media_attr}>{text}</style>"
        if "icon" in rel:
            path = urlsplit(href).path
            kind = next((t for ext, t in _IMAGE_TYPES.items() if path.endswith(ext)), None)
            if kind is None:
                raise ValueError(tr("{href}: an icon of an unknown type", href=href))
            data = base64.b64encode(resolve(href)).decode("ascii")
            return f'<link rel="icon" href="data:{kind};base64,{data}">'
        return ""  # prev, next and the like: pages this file does not have

    return postprocess.LINK_TAG.sub(one, html)


def _unlink(html: str) -> str:
    """A link to another page of the site becomes text: that page is not in this file."""

    def one(m: re.Match[str]) -> str:
        href = postprocess.attribute(m.group(1), "href")
        if href is None or href.startswith("#") or urlsplit(href).scheme:
            return m.group(0)
        return "<a" + _HREF.sub("", m.group(1), count=1) + ">"

    return _ANCHOR.sub(one, html)


def _check_no_request(html: str) -> None:
    found: list[str] = []

    def look(text: str) -> str:
        text = _STYLE.sub("", text)
        found.extend(m.group(0).strip() for m in _REQUESTING.finditer(text))
        return text

    postprocess.outside_scripts(html, look)
    if found:
        raise ValueError(tr("the page still names a file to load ({value}...)", value=found[0]))


def _add_meta(html: str) -> str:
    """<meta charset> first (within the first 1024 bytes), then the CSP, which covers only
    what follows it, and the referrer policy."""
    styles = []
    for m in _outside_matches(html, _STYLE):
        source = postprocess.hash_source(m.replace("\r\n", "\n").replace("\r", "\n"))
        if source not in styles:
            styles.append(source)
    csp = postprocess.policy(
        postprocess.inline_script_hashes(html), style_hashes=styles, own_files=False
    )
    meta = (
        '<meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="referrer" content="no-referrer">'
    )
    head = postprocess.HEAD.search(html)
    if head is None:
        raise ValueError(tr("the page has no <head>"))
    return html[: head.end()] + meta + html[head.end() :]


def _outside_matches(html: str, pattern: re.Pattern[str]) -> list[str]:
    texts: list[str] = []

    def collect(text: str) -> str:
        texts.extend(m.group(1) for m in pattern.finditer(text))
        return text

    postprocess.outside_scripts(html, collect)
    return texts
