"""Edits to a page's final HTML: the Content-Security-Policy, the referrer policy, `lang`.

The policy lets the page load only its own files, run only its own scripts (plus any
inline script whose exact text it names by hash), and talk to no one: nothing can leave the
page even if a question set or a browser extension slipped something in.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import re
from collections.abc import Callable

# Chromium (checked by tests/test_site_offline.py) matches 'self' on a file:// page against
# other file:// URLs, so the same policy works offline and over http(s).
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
        raise ValueError("the page has no <head>")
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


# --------------------------------------------------------------------------- tags


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


def outside_scripts(html: str, edit: Callable[[str], str]) -> str:
    """`edit` applied to the page's text outside <script> elements, so nothing in a
    script's text is ever taken for a tag."""
    out, last = [], 0
    for m in SCRIPT_ELEMENT.finditer(html):
        out += [edit(html[last : m.start()]), m.group(0)]
        last = m.end()
    out.append(edit(html[last:]))
    return "".join(out)
