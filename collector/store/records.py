"""The store's record types: what a row of each table means to the rest of the collector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class StoredResponse:
    """A response as it rests. `record` and `summary` are sealed to HR's key (key `key_id`);
    the rest is what retention, duplicates, replays and the current answer need. Dates
    are ISO text, times end in Z; `received_at` is the store's own clock."""

    response_id: str
    key_id: str
    received_at: str
    delete_by: str
    receipt: str
    file_digest: str
    enc_digest: str
    record: bytes
    summary: bytes
    superseded: bool = False
    confirmed: bool = False
    """HR confirmed a response that came without an invitation (by its receipt code)."""


@dataclass(frozen=True)
class InvitationRow:
    """An invitation as it rests: its record sealed to HR's key (key `key_id`)."""

    code: str
    link_id: str
    identity_tag: str
    key_id: str
    delete_by: str
    record: bytes


@dataclass(frozen=True)
class Saved:
    """What storing one response did."""

    outcome: Literal["imported", "duplicate"]


@dataclass(frozen=True)
class SealedNote:
    """A note HR wrote (a decline reason, an assessment), sealed to HR's key."""

    sealed: bytes
    key_id: str


@dataclass(frozen=True)
class Followup:
    """The follow-up of a response with special information; dates from HR's own clock."""

    response_id: str
    reported_on: date
    acknowledged_on: date | None = None
    assessed_on: date | None = None
    feedback_on: date | None = None
    assessment: SealedNote | None = None


@dataclass(frozen=True)
class FollowupChanges:
    """What one `followup` command records; None leaves a field as it is."""

    acknowledged_on: date | None = None
    assessed_on: date | None = None
    assessment: SealedNote | None = None
    feedback_on: date | None = None


@dataclass(frozen=True)
class Deletion:
    """How many records have reached their delete-by date (or were deleted), and how many
    were held back because a follow-up of special information is still open."""

    responses: int = 0
    invitations: int = 0
    followups: int = 0
    held: int = 0
    outputs: tuple[str, ...] = ()
    """Paths of files the collector wrote that are past their delete-by date."""

    @property
    def total(self) -> int:
        return self.responses + self.invitations + self.followups + len(self.outputs)


@dataclass(frozen=True)
class Output:
    """A file the collector wrote with personal data, and when it must be deleted."""

    path: str
    kind: str
    written_at: str
    delete_by: str
