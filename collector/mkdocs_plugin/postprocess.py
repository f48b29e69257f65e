"""Edits to a page's final HTML: the Content-Security-Policy, the referrer policy, `lang`,
and Subresource Integrity on the files a page loads.

The policy lets the page load only its own files, run only its own scripts (plus any
inline script whose exact text it names by hash), and talk to no one: nothing can leave the
page even if a question set or a browser extension slipped something in. Integrity pins
each script and stylesheet to the bytes HR built, so a browser refuses one changed later.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import re
from collections.abc import Callable

from ..i18n import tr

# 'self' is the site's own origin over https (or http on 127.0.0.1). The site's tree does not
# run from file://, where Chromium refuses Subresource Integrity (tests/test_site_offline.py);
# the single-file page (single_file.py), whose policy has no 'self', is the page for that.
BASE_POLICY: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    # Neither Material's templates nor ours put a style attribute or <style> in the HTML;
    # scripts that set element.style go through the CSSOM, which style-src does not limit.
    ("style-src", "'self'"),
    # data: for the icons Material's stylesheet embeds as data: URLs.
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'none'"),
    ("form-action", "'none'"),
    ("base-uri", "'none'"),
    ("object-src", "'none'"),
)

# JavaScript MIME types (HTML's list, lower case) plus "module"; anything else in a
# <script type=...> is a data block, which never runs and which CSP does not govern.
_SCRIPT_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/jscript",
    "text/livescript",
}
SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_HTML_LANG = re.compile(r"(<html\b[^>]*?\blang=)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_HTML_OPEN = re.compile(r"<html\b", re.IGNORECASE)
_CHARSET = re.compile(rb"<meta\s+charset=", re.IGNORECASE)
_SCRIPT_OPEN = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
LINK_TAG = re.compile(r"<link\b([^>]*?)\s*/?>", re.IGNORECASE)

CHARSET_WINDOW = 1024
"""Browsers look for <meta charset> only in a page's first 1024 bytes; past that a page
opened from a file (no HTTP header) may be read as windows-1252, garbling æ, ø and å."""


def inline_script_hashes(html: str) -> list[str]:
    """CSP hash sources for every inline script that runs, in page order, without repeats."""
    hashes: list[str] = []
    for match in SCRIPT_ELEMENT.finditer(html):
        attrs, body = match.group(1), match.group(2)
        if _SRC.search(attrs):
            continue
        type_match = _TYPE.search(attrs)
        kind = next((g for g in type_match.groups() if g is not None), "") if type_match else ""
        if kind.strip().lower() not in _SCRIPT_TYPES:
            continue
        # The HTML parser turns CR LF and lone CR into LF before the script sees its text.
        text = body.replace("\r\n", "\n").replace("\r", "\n")
        source = hash_source(text)
        if source not in hashes:
            hashes.append(source)
    return hashes


def hash_source(text: str) -> str:
    """The CSP source that allows an inline script or style with exactly this text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def policy(
    script_hashes: list[str], *, style_hashes: list[str] | None = None, own_files: bool = True
) -> str:
    """The page's policy: BASE_POLICY plus the hashes of its inline scripts (and styles).

    own_files=False is the single-file page's: no 'self' anywhere, so the page may run and
    show only what it names by hash (and data: images), and load no file at all.
    """
    extra = {"script-src": script_hashes, "style-src": style_hashes or []}
    directives = []
    for name, base in BASE_POLICY:
        sources = [s for s in base.split() if own_files or s != "'self'"]
        sources += extra.get(name, [])
        if len(sources) > 1 and "'none'" in sources:
            sources.remove("'none'")
        directives.append(" ".join([name, *(sources or ["'none'"])]))
    return "; ".join(directives)


def add_security_meta(html: str) -> str:
    """Insert the CSP (as the head's first child: it only covers what follows it) and the
    referrer policy."""
    head = HEAD.search(html)
    if head is None:
        raise ValueError(tr("the page has no <head>"))
    csp = policy(inline_script_hashes(html))
    meta = (
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="referrer" content="no-referrer">'
    )
    return html[: head.end()] + meta + html[head.end() :]


def charset_in_window(html: str) -> bool:
    match = _CHARSET.search(html.encode("utf-8"))
    return match is not None and match.end() <= CHARSET_WINDOW


def set_lang(html: str, language: str) -> str:
    if _HTML_LANG.search(html):
        return _HTML_LANG.sub(lambda m: f'{m.group(1)}"{language}"', html, count=1)
    return _HTML_OPEN.sub(f'<html lang="{language}"', html, count=1)


# --------------------------------------------------------------------------- integrity


def attribute(attrs: str, name: str) -> str | None:
    """The value of one attribute in a tag's attribute text (entities decoded), or None."""
    match = re.search(
        rf"""(?:^|\s){re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
        attrs,
        re.IGNORECASE,
    )
    if match is None:
        return None
    return html_lib.unescape(next(g for g in match.groups() if g is not None))


def is_stylesheet(attrs: str) -> bool:
    return "stylesheet" in (attribute(attrs, "rel") or "").lower().split()


def integrity(data: bytes) -> str:
    """A Subresource Integrity value: SHA-384, as browsers check it."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def add_integrity(html: str, resolve: Callable[[str], bytes]) -> str:
    """Give every <script src> and stylesheet <link> the integrity of the file it names;
    `resolve` turns the URL into the built file's bytes (ValueError if it names none).

    No `crossorigin`: the files come from the page's own origin, which SRI checks without
    CORS (over http and https; Chromium refuses integrity on file://, see FORMAT.md 16).
    """

    def stamp(tag: str, attrs: str, url: str | None) -> str:
        if url is None:
            return tag
        if attribute(attrs, "integrity") is not None:
            raise ValueError(tr("{url} already carries an integrity attribute", url=url))
        value = integrity(resolve(url))
        end = "/>" if tag.endswith("/>") else ">"
        return f'{tag[: -len(end)].rstrip()} integrity="{value}"{end}'

    def script(m: re.Match[str]) -> str:
        opening = _SCRIPT_OPEN.match(m.group(0))
        assert opening is not None
        tag = stamp(opening.group(0), m.group(1), attribute(m.group(1), "src"))
        return tag + m.group(0)[opening.end() :]

    def links(text: str) -> str:
        return LINK_TAG.sub(
            lambda m: stamp(
                m.group(0),
                m.group(1),
                attribute(m.group(1), "href") if is_stylesheet(m.group(1)) else None,
            ),
            text,
        )

    html = SCRIPT_ELEMENT.sub(script, html)
    return outside_scripts(html, links)


def outside_scripts(html: str, edit: Callable[[str], str]) -> str:
    """`edit` applied to the page's text outside <script> elements, so nothing in a
    script's text is ever taken for a tag."""
    out, last = [], 0
    for m in SCRIPT_ELEMENT.finditer(html):
        out += [edit(html[last : m.start()]), m.group(0)]
        last = m.end()
    out.append(edit(html[last:]))
    return "".join(out)
