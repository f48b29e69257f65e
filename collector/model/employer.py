"""The employer (the [employer] table of sluttsamtale.toml, or a set folder's employer.yml):
the privacy notice in each language, and HR's rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..clock import add_months
from ..i18n import tr
from ..words import Language
from .questionset import Documented, PrivacyNotice


class FollowupRules(Documented):
    """How soon special information must be acknowledged and answered (employer.yml
    `followup`). The law follows the employer, so this is set once, not per question set.

    "se": Sweden's whistleblowing act (lag 2021:890): acknowledge within 7 days, feedback
    within 3 months of the acknowledgement. "no": Norway's Working Environment Act chapter
    2 A says "within reasonable time"; the day counts are then the employer's own reminders
    (14 days to acknowledge, 3 months for feedback unless set here).
    """

    jurisdiction: Literal["no", "se"] = "no"
    """The law that applies: "no" (Norway) or "se" (Sweden, lag 2021:890); it also names
    the supervisory authority every notice must name."""
    acknowledge_days: int | None = Field(None, ge=1, le=365)
    """Days to acknowledge special information (default: 7 in Sweden, 14 in Norway)."""
    feedback_days: int | None = Field(None, ge=1, le=730)
    """Days from the acknowledgement to feedback (default: three months)."""

    @field_validator("jurisdiction", mode="before")
    @classmethod
    def _yaml_no(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted `no` as false; it can only have meant Norway.
        return "no" if value is False else value

    @property
    def acknowledge_within(self) -> int:
        """Days to acknowledge receipt: as set, else the law's 7 (se) or the reminder's 14."""
        return self.acknowledge_days or (7 if self.jurisdiction == "se" else 14)

    def acknowledge_due(self, reported_on: date) -> date:
        return reported_on + timedelta(days=self.acknowledge_within)

    def feedback_due(self, reported_on: date, acknowledged_on: date | None) -> date:
        """Feedback is due `feedback_days` (else three months) after the acknowledgement, or
        without one, after the day it was due."""
        start = acknowledged_on or self.acknowledge_due(reported_on)
        if self.feedback_days is not None:
            return start + timedelta(days=self.feedback_days)
        return add_months(start, 3)


class AnalysisRules(Documented):
    """Reports and exports (employer.yml `analysis`): the smallest group ever shown; and
    since when the page promised what `job-analysis` does."""

    min_group: int = Field(5, ge=2, le=100)
    """Reports and exports never show a group smaller than this."""
    posting_promised_since: date | None = None
    """The day this employer's page first said that what the employee writes about their
    tasks may reach the manager who writes the next posting, when they choose "HR and the
    person who holds my conversation". `job-analysis` quotes no answer sealed before that
    day, only counts it. Left out: every page this employer published said so."""


Employment = Literal["permanent", "fixed_term", "temporary"]
EMPLOYMENTS: tuple[Employment, ...] = ("permanent", "fixed_term", "temporary")
"""Kinds of employment: permanent (fast, tillsvidare); fixed_term, a contract for a set
time or task (midlertidig, vikariat, engasjement, tidsbegränsad, visstid); temporary, work
called in as needed or by the hour (tilkalling, timeansatt, timanställd, behovsanställd)."""

LeavingReason = Literal["resigned", "retired", "dismissed", "end_of_contract"]
LEAVING_REASONS: tuple[LeavingReason, ...] = ("resigned", "retired", "dismissed", "end_of_contract")
"""Why the employment ends: the employee resigned (på egen begäran), retired (går i
pension), was dismissed (oppsagt, avskjed, uppsagd), or the contract ran out."""


class OfferedTo(Documented):
    """Who is offered the conversation (employer.yml `offered_to`); `invite --csv` invites
    those inside and lists the others. Each part left out asks nothing, so the default is
    everyone (doc 000, 002). Södermalm (doc 003): permanent and fixed-term staff employed at
    least one year who resign or retire."""

    min_tenure_months: int = Field(0, ge=0, le=600)
    """Employed at least this many whole months by the last working day."""
    employment: list[Employment] | None = Field(None, min_length=1)
    """The kinds of employment offered it (permanent, fixed_term, temporary); left out:
    every kind."""
    reasons: list[LeavingReason] | None = Field(None, min_length=1)
    """The reasons for leaving offered it (resigned, retired, dismissed, end_of_contract);
    left out: every reason."""

    @field_validator("employment", "reasons")
    @classmethod
    def _once(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError(tr("a value is named twice"))
        return value

    @property
    def everyone(self) -> bool:
        return not self.min_tenure_months and self.employment is None and self.reasons is None


Interviewer = Literal["nearest_leader", "other_leader", "hr"]
INTERVIEWERS: tuple[Interviewer, ...] = ("nearest_leader", "other_leader", "hr")


class Policies(Documented):
    """The employer's rules that change what the page, the e-mails and the record say."""

    personnel_file: bool = False
    """true where the printed record is archived in the personnel file (doc 001); false
    where it is kept apart from it (doc 000)."""
    union_representative: bool = True
    """Whether the employee may bring a union representative (doc 001, 003)."""
    interviewers: list[Interviewer] = Field(
        default_factory=lambda: list(INTERVIEWERS), min_length=1
    )
    """Whom the employee may choose to hold the conversation (Melhus, doc 002: the nearest
    leader only); the page offers only these."""

    @field_validator("interviewers")
    @classmethod
    def _distinct(cls, value: list[Interviewer]) -> list[Interviewer]:
        if len(set(value)) != len(value):
            raise ValueError(tr("an interviewer is named twice"))
        return value


# Numbers before a word for months, in the four languages: "12 måneder", "12 months".
_MONTHS = re.compile(r"(\d+)\s*(?:måneder|månader|månedar|mnd|months?)\b", re.IGNORECASE)


class Employer(Documented):
    """The employer, its privacy notice once per language, and HR's rules."""

    name: str
    """The employer's name, as the page and the e-mails give it."""
    return_address: str | None = None
    """Where employees send their response file (an e-mail address HR reads)."""
    retention_months: int = Field(12, ge=1, le=120)
    """How long a response is kept after HR received it (doc 000: at most 12 months); one
    value for every language, which the notices must not contradict."""
    whistleblowing_key: str | None = None
    """The whistleblowing receiver's public key (PEM), as a path relative to this file.
    With it, answers to special questions go only to the receiver; the page, the
    e-mails and the notice say so. One setting that the build and `invite` both read."""
    privacy: dict[Language, PrivacyNotice]
    """The privacy notice (GDPR art. 13), once per language (nb, nn, sv, en): every
    question set shows the one in its own language before the first question."""
    followup: FollowupRules = FollowupRules()
    """Follow-up of special information (`sluttsamtale followup`, `status`)."""
    analysis: AnalysisRules = AnalysisRules()
    """Reports, exports and job analyses."""
    policies: Policies = Policies()
    """The rules that change what the page, the e-mails and the record say."""
    offered_to: OfferedTo = OfferedTo()
    """Who is offered the conversation (`invite --csv`); left out, everyone. Södermalm's
    rule (doc 003), for example: min_tenure_months = 12, employment = ["permanent",
    "fixed_term"], reasons = ["resigned", "retired"]."""

    @model_validator(mode="after")
    def _notice_agrees(self) -> Employer:
        for language, notice in self.privacy.items():
            for found in _MONTHS.findall(notice.retention or ""):
                if int(found) != self.retention_months:
                    raise ValueError(
                        tr(
                            "privacy.{language}.retention says {found} months, "
                            "but retention_months is {retention_months}; make them agree",
                            language=language,
                            found=found,
                            retention_months=self.retention_months,
                        )
                    )
            authority = SUPERVISORY_AUTHORITY[self.followup.jurisdiction]
            if authority not in notice.complaints:
                raise ValueError(
                    tr(
                        "privacy.{language}.complaints must name {authority}, the supervisory "
                        "authority where the employer is (followup.jurisdiction {jurisdiction!r})",
                        language=language,
                        authority=authority,
                        jurisdiction=self.followup.jurisdiction,
                    )
                )
        if self.return_address is not None and not _EMAIL.fullmatch(self.return_address):
            raise ValueError(
                tr(
                    "return_address {return_address!r} is not an e-mail address",
                    return_address=self.return_address,
                )
            )
        return self


SUPERVISORY_AUTHORITY: dict[str, str] = {"no": "Datatilsynet", "se": "Integritetsskyddsmyndigheten"}
"""The data protection authority of the employer's country (GDPR art. 77 and 13(2)(d))."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
