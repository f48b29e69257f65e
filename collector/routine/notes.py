"""HR's own notes about a person (a decline reason, an assessment), sealed like the answers.

A note is sealed to HR's public key with the same HPKE suite as a response part, so a copied
database shows no more of what HR wrote than of what the employee wrote. Opening it needs
the key, as reading the answers does.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..formats import at_rest, keys
from ..formats.keyfile import HRKey
from ..store import SealedNote


def seal(text: str, key: HRKey) -> SealedNote:
    """The note sealed to `key`'s public half."""
    return SealedNote(at_rest.seal_text(text, "note", keys.public_of(key.private)), key.key_id)


def open_note(note: SealedNote | None, hr_keys: Mapping[str, HRKey]) -> str | None:
    """The note's text; None if there is none. A key not given is an error, named."""
    if note is None:
        return None
    return at_rest.open_text(note.sealed, "note", note.key_id, hr_keys)
