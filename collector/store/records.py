"""The store's record types: what a row of each table means to the rest of the collector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StoredResponse:
    """A response as it rests: sealed exactly as it came (enc || ct), plus what retention
    and lookup need. Dates are ISO text, times end in Z."""

    response_id: str
    key_id: str
    received_at: str
    delete_by: str
    receipt: str
    sealed: bytes


@dataclass(frozen=True)
class Invitation:
    """One person HR invited. Dates are "YYYY-MM-DD"; `declined_on` is a decline HR noted."""

    token: str
    set_id: str
    language: str
    name: str
    last_day: str
    invited_at: str
    delete_by: str
    email: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: str | None = None
    declined_on: str | None = None


@dataclass(frozen=True)
class Matched:
    """A response that came with an invitation's token."""

    response_id: str
    declined: bool
    sealed_on: str


@dataclass(frozen=True)
class InvitationState:
    invitation: Invitation
    responses: tuple[Matched, ...]


@dataclass(frozen=True)
class ImportLink:
    """What an import records beside the sealed response, in the same transaction."""

    invitation: str | None
    declined: bool
    sealed_on: str
    special: bool


@dataclass(frozen=True)
class SealedNote:
    """A note HR wrote (a decline reason, an assessment), sealed to HR's key."""

    sealed: bytes
    key_id: str


@dataclass(frozen=True)
class Followup:
    """The follow-up of a response with special information. `name` is the invitation's."""

    response_id: str
    reported_on: date
    acknowledged_on: date | None = None
    assessed_on: date | None = None
    feedback_on: date | None = None
    assessment: SealedNote | None = None
    name: str | None = None


@dataclass(frozen=True)
class FollowupChanges:
    """What one `followup` command records; None leaves a field as it is."""

    acknowledged_on: date | None = None
    assessed_on: date | None = None
    assessment: SealedNote | None = None
    feedback_on: date | None = None


@dataclass(frozen=True)
class Deletion:
    """How many records have reached their delete-by date (or were deleted)."""

    responses: int = 0
    invitations: int = 0
    followups: int = 0

    @property
    def total(self) -> int:
        return self.responses + self.invitations + self.followups
