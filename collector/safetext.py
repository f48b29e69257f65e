"""Plain-text helpers for text that came from outside: folded to ASCII for names of files
and headings."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "Æ": "ae", "Ø": "o"})


def fold(text: str) -> str:
    """Lowercase ASCII words joined by "_": "Anställd t.o.m." -> "anstalld_t_o_m"."""
    text = unicodedata.normalize("NFKD", text.strip().translate(_FOLD).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


# Characters that change how a terminal shows text, or hide text: C0 and C1 controls (but
# LF), DEL, the bidirectional overrides, embeddings and isolates, zero-width characters and
# the byte order mark. A file is hostile input; what it holds must not reach a terminal as
# anything but visible text (issue: "Hostile text cannot reach the terminal").
_HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def visible(text: str) -> str:
    """`text` with every control, bidi-override and zero-width character written as <U+XXXX>
    (a tab as a space), so a terminal shows exactly what is there and nothing else."""

    def name(match: re.Match[str]) -> str:
        ch = match.group()
        return " " if ch == "\t" else f"<U+{ord(ch):04X}>"

    return _HIDDEN.sub(name, text)


def html_visible(markup: str) -> str:
    """The same for HTML the collector writes (records, reports): each hidden character as
    the text <U+XXXX>, so a browser or printer neither obeys a bidi override nor hides it.
    Tabs and line ends stay (answers may hold them); a lone CR goes."""

    def name(match: re.Match[str]) -> str:
        ch = match.group()
        if ch == "\t":
            return ch
        return "" if ch == "\r" else f"&lt;U+{ord(ch):04X}&gt;"

    return _HIDDEN.sub(name, markup)


def json_visible(text: str) -> str:
    """JSON text with each hidden character written as its \\u escape: the same JSON, safe to
    print to a terminal."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
