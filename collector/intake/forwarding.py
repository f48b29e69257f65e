"""What HR passes on to the whistleblowing receiver (spec/FORMAT.md 7.1): of every response
file, the part HR cannot open, as a response file of its own. Its bytes are the part as the
page sealed it; HR's part, with its link id, stays with HR, so the receiver never holds
anything that HR's records could be matched against."""

from __future__ import annotations

from collections.abc import Iterable

from ..formats import envelope
from ..formats.envelope import Envelope


def receiver_files(data: bytes, hr_key_ids: Iterable[str]) -> list[bytes]:
    """One-part response files, one for each part of `data` sealed to a key HR does not
    hold (with a receiver configured, the receiver's part)."""
    ours = set(hr_key_ids)
    parsed = envelope.parse(data)
    return [
        envelope.encode(Envelope(parts=(part,)))
        for part in parsed.parts
        if part.key_id not in ours and part.link is None
    ]
