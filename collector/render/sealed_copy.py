"""The sealed interviewer copy as one HTML file (FORMAT.md 17): a short page that asks for
the one-time code, opens the record in the browser, and says when to delete the file.

`seal_record` is the whole interface, for the CLI (`show --sealed`) and for any other
front end: it takes the record's HTML and gives back the file and the code, which the
caller shows HR once and never keeps. The file opens offline from file:// in any current
browser; its CSP runs only its own script and styles, named by hash, and allows no request.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from datetime import date
from html import escape
from pathlib import Path
from typing import NamedTuple

from ..formats import sealed_copy
from ..i18n import tr
from ..words import Language, catalogue

SCRIPT_FILE = Path(__file__).with_name("sealed_copy.js")
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)

# Every rule is under .sc-, so none of it touches the record once it is open.
CSS = """
.sc-lock { font: 1.0625rem/1.5 system-ui, "Segoe UI", Arial, sans-serif; color: #111;
  max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
.sc-lock h1 { font-size: 1.5rem; margin: 0 0 1rem; }
.sc-notice { font: 1rem/1.5 system-ui, "Segoe UI", Arial, sans-serif; color: #111;
  border: 2px solid #111; padding: .5rem .8rem; margin: 1rem 0; }
.sc-notice.sc-opened { max-width: 46rem; margin: 1rem auto; }
.sc-notice:focus { outline: 3px solid #1a4fa0; outline-offset: 2px; }
.sc-form label { display: block; font-weight: 600; margin-top: 1.2rem; }
.sc-hint { margin: .2rem 0 .4rem; color: #333; }
.sc-form input { font: 1.25rem/1.3 ui-monospace, Consolas, monospace; letter-spacing: .08em;
  width: 100%; max-width: 22rem; box-sizing: border-box; padding: .45rem .6rem;
  border: 2px solid #333; border-radius: 4px; color: #111; background: #fff; }
.sc-form input[aria-invalid="true"] { border-color: #9b0000; }
.sc-form button { display: block; margin-top: .8rem; font: inherit; font-weight: 600;
  min-height: 2.75rem; padding: .5rem 1.2rem; color: #fff; background: #1a4fa0;
  border: 2px solid #1a4fa0; border-radius: 4px; cursor: pointer; }
.sc-form input:focus, .sc-form button:focus-visible { outline: 3px solid #1a4fa0;
  outline-offset: 2px; }
.sc-form button:focus-visible { outline-color: #111; }
.sc-error { color: #9b0000; font-weight: 600; margin: .6rem 0 0; min-height: 1.5em; }
.sc-status { margin: .4rem 0 0; min-height: 1.5em; }
@media print { .sc-notice.sc-opened { display: none; } }
"""


class SealedCopy(NamedTuple):
    """The file to write, and the code to show HR once (grouped for reading aloud)."""

    html: str
    code: str


def seal_record(record_html: str, *, delete_by: date, language: Language) -> SealedCopy:
    """The record sealed under a fresh one-time code, as one self-contained HTML file.

    `record_html` is a whole document without script (collector/render/record.py makes
    one); its `<style>` elements are allowed by hash in the file's CSP, so that they apply
    once it is open. The code is returned, never kept: show it to HR and forget it.
    """
    if _SCRIPT.search(record_html):
        raise ValueError(tr("a record to seal must have no script (FORMAT.md 17)"))
    code = sealed_copy.new_code()
    box = sealed_copy.seal(record_html.encode("utf-8"), code, delete_by)
    styles = [_text(m) for m in _STYLE.findall(record_html)]
    return SealedCopy(page(box, language, record_styles=styles), sealed_copy.show_code(code))


def page(box: sealed_copy.SealedBox, language: Language, *, record_styles: list[str]) -> str:
    """The HTML file around a sealed box: the locked page, the box and the script."""
    w = catalogue(language)["sealed"]
    length = str(sealed_copy.CODE_LENGTH)
    script = _script()
    hashes = list(dict.fromkeys([_hash(CSS), *map(_hash, record_styles)]))
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_hash(script)}",
            f"style-src {' '.join(hashes)}",
            "img-src data:",  # the record's own policy allows data: images; nothing else
            "form-action 'none'",
            "base-uri 'none'",
        ]
    )
    day = box.delete_by.isoformat()
    before, _, after = w["delete"].partition("{date}")
    notice = f'{escape(before)}<time datetime="{day}">{day}</time>{escape(after)}'
    return "\n".join(
        [
            "<!doctype html>",
            f'<html lang="{escape(language)}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(w['title'])}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            '<main class="sc-lock" id="sc-lock">',
            f"<h1>{escape(w['title'])}</h1>",
            f'<p class="sc-notice" id="sc-notice" tabindex="-1">{notice}</p>',
            f"<p>{escape(w['intro'])}</p>",
            f"<noscript><p>{escape(w['noscript'])}</p></noscript>",
            '<form class="sc-form" id="sc-form" novalidate>',
            f'<label for="sc-code">{escape(w["code"])}</label>',
            f'<p class="sc-hint" id="sc-hint">{escape(w["code_hint"].format(length=length))}</p>',
            '<input id="sc-code" type="text" autocomplete="off" autocorrect="off" '
            'autocapitalize="characters" spellcheck="false" inputmode="text" '
            'aria-describedby="sc-hint sc-error">',
            f'<button type="submit">{escape(w["open"])}</button>',
            f'<p class="sc-error" id="sc-error" role="alert" data-wrong="{escape(w["wrong"])}" '
            f'data-malformed="{escape(w["malformed"].format(length=length))}" '
            f'data-unsupported="{escape(w["unsupported"])}"></p>',
            f'<p class="sc-status" id="sc-status" role="status" '
            f'data-opening="{escape(w["opening"])}"></p>',
            "</form>",
            "</main>",
            box.block(),
            f"<script>{script}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


@functools.cache
def _script() -> str:
    text = SCRIPT_FILE.read_text(encoding="utf-8")
    for name, value in {
        "@FORMAT@": sealed_copy.FORMAT,
        "@ITERATIONS@": str(sealed_copy.ITERATIONS),
        "@ALPHABET@": sealed_copy.ALPHABET,
        "@LENGTH@": str(sealed_copy.CODE_LENGTH),
    }.items():
        text = text.replace(name, value)
    if re.search(r"</script|<!--", text, re.IGNORECASE):  # would end the element early
        raise ValueError(tr("{name} holds </script or <!--", name=SCRIPT_FILE.name))
    return text


def _text(style: str) -> str:
    """A style's text as the browser hashes it: the HTML parser makes CR LF and CR into LF."""
    return style.replace("\r\n", "\n").replace("\r", "\n")


def _hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"
