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


def slug(name: str, fallback: str) -> str:
    """A file-name stem from a person's name: "Kari Nordmann" -> "kari-nordmann"."""
    return fold(name).replace("_", "-")[:48].strip("-") or fallback
