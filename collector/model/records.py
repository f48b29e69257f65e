"""What the collector keeps, sealed to HR's key at rest: a response's record and summary,
and HR's record of an invitation. The store holds them as sealed bytes
(formats/at_rest.py); only what retention, duplicates and the current answer need stays
in clear (store/migrations.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .payload import Payload, Readers
from .questionset import Strict


class Facts(Strict):
    """The header facts of a conversation record (doc 001): from HR's invitation, never
    from the link."""

    name: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: str | None = None
    last_day: str | None = None


Invited = Literal["invited", "not invited"]
"""Whether the response was bound to an invitation link (FORMAT.md 14.3)."""


class Correction(Strict):
    """A correction HR recorded on request (GDPR Art. 16): what the record says is wrong."""

    on: str
    note: str


class Summary(Strict):
    """What `list` and `status` show of a response, sealed apart so they open little."""

    set_id: str
    version: int
    language: str
    declined: bool
    readers: Readers
    scope: Literal["hr", "whistleblowing"]
    special: bool
    invited: Invited
    name: str | None = None
    department: str | None = None
    invitation: str | None = None
    wording_differs: bool = False
    contact: bool = False
    """A receiver's response with contact details (the receiver's store only)."""


class ResponseRecord(Strict):
    """One response as stored. For "statistics only" the payload is reduced at import to
    what counts need, and `invitation` and `facts` are None (FORMAT.md 14.3)."""

    payload: Payload
    invited: Invited
    invitation: str | None = None
    """HR's code of the invitation, where the reader choice allows the link."""
    facts: Facts | None = None
    wording_differs: list[str] = Field(default_factory=list)
    """Questions whose sealed wording is not the set's: the page was not the one HR built."""
    reduced: bool = False
    """The statistics-only reduction was applied: names, free text and facts dropped."""
    corrections: list[Correction] = Field(default_factory=list)
    receiver: bool = False
    """The file had a part for the whistleblowing receiver, so HR's part holds no answer to
    a special question: HR's views leave those questions out rather than call them
    unanswered (the same for every such file, so nothing tells who used the channel)."""
    summary: Summary | None = None
    """Its summary, sealed with it: what a list reads when no page holds it. None in a
    record stored before records carried it; that row keeps its summary in a column of its
    own (intake/summaries.py)."""


class SummaryPage(Strict):
    """The summaries of many responses (response id -> summary), sealed as one so that a
    list opens one page per import group rather than one summary per response."""

    summaries: dict[str, Summary]


class InvitationRecord(Strict):
    """HR's record of one invitation, sealed at rest (FORMAT.md 14.3)."""

    secret: str
    """The link secret S, as in the link (base64url)."""
    set_id: str
    language: str
    name: str
    last_day: str
    invited_at: str
    email: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: str | None = None
    employee_number: str | None = None
    declined_on: str | None = None
    """A decline HR recorded (by phone, by mail)."""
    decline_reason: str | None = None
    current: str | None = None
    """The response id of the current answer, where the reader choice allows the link."""
    current_sealed_at: str | None = None
    current_declined: bool = False
    answered_on: str | None = None
    """When the last answer (of any reader choice) came in: "answered" in status."""
    anonymous: int = 0
    """How many statistics-only answers came from this link (never which)."""

    def facts(self) -> Facts:
        return Facts(
            name=self.name,
            position=self.position,
            workplace=self.workplace,
            department=self.department,
            employed_from=self.employed_from,
            last_day=self.last_day,
        )
