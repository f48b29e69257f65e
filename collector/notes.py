"""HR's own notes about a person (a decline reason, an assessment), sealed like the answers.

A note is sealed to HR's public key with the same HPKE suite as a response part, so a copied
database shows no more of what HR wrote than of what the employee wrote. Opening it needs
the key, as reading the answers does.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import crypto
from .errors import SluttsamtaleError
from .keyfile import HRKey


def seal(text: str, key: HRKey) -> tuple[bytes, str]:
    """(enc || ct, key id) of the note, sealed to `key`'s public half."""
    raw = crypto.public_raw(key.private.public_key())
    return crypto.seal(text.encode("utf-8"), raw), key.key_id


def open_note(sealed: bytes | None, key_id: str | None, keys: Mapping[str, HRKey]) -> str | None:
    """The note's text; None if there is none. A key not given is an error, named."""
    if sealed is None or key_id is None:
        return None
    key = keys.get(key_id)
    if key is None:
        raise SluttsamtaleError(
            f"the note is sealed to key {crypto.fingerprint(key_id)}, "
            "which was not given with --key"
        )
    return crypto.open_sealed(sealed, key.private).decode("utf-8")
