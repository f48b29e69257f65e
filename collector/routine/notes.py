"""HR's own notes about a person (a decline reason, an assessment), sealed like the answers.

A note is sealed to HR's public key with the same HPKE suite as a response part, so a copied
database shows no more of what HR wrote than of what the employee wrote. Opening it needs
the key, as reading the answers does.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import SluttsamtaleError
from ..formats import hpke, keys
from ..formats.keyfile import HRKey
from ..store import SealedNote


def seal(text: str, key: HRKey) -> SealedNote:
    """The note sealed to `key`'s public half."""
    return SealedNote(hpke.seal(text.encode("utf-8"), keys.public_of(key.private)), key.key_id)


def open_note(note: SealedNote | None, hr_keys: Mapping[str, HRKey]) -> str | None:
    """The note's text; None if there is none. A key not given is an error, named."""
    if note is None:
        return None
    key = hr_keys.get(note.key_id)
    if key is None:
        raise SluttsamtaleError(
            f"the note is sealed to key {keys.fingerprint(note.key_id)}, "
            "which was not given with --key"
        )
    return hpke.open_sealed(note.sealed, key.private).decode("utf-8")
