"""Invitation links (FORMAT.md 14): the link secret S in the fragment, and its link id L.

S binds a response to its invitation (it enters the HPKE info of HR's part, section 6);
L names the invitation in the response file without revealing S.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets

SECRET_LEN = 32
ID_LABEL = b"sluttsamtale-link/1 "
_SECRET_TEXT = re.compile(r"[A-Za-z0-9_-]{43}")


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_LEN)


def secret_text(secret: bytes) -> str:
    """S as it is written in a link: base64url without padding, 43 characters."""
    return base64.urlsafe_b64encode(secret).rstrip(b"=").decode("ascii")


def read_secret(text: str) -> bytes | None:
    """S from its link text, or None if the text is not one (FORMAT.md 14.2, rule 2)."""
    if not _SECRET_TEXT.fullmatch(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=")
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == SECRET_LEN and secret_text(raw) == text else None


def link_id(secret: bytes) -> str:
    """L: hex of the first 16 bytes of SHA-256("sluttsamtale-link/1 " || S)."""
    return hashlib.sha256(ID_LABEL + secret).digest()[:16].hex()
