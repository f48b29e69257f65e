"""The employer (employer.yml): the privacy notice in each language, and HR's rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import Field, field_validator

from ..clock import add_months
from ..words import Language
from .questionset import PrivacyNotice, Strict


class FollowupRules(Strict):
    """How soon special information must be acknowledged and answered (employer.yml
    `followup`). The law follows the employer, so this is set once, not per question set.

    "se": Sweden's whistleblowing act (lag 2021:890): acknowledge within 7 days, feedback
    within 3 months of the acknowledgement. "no": Norway's Working Environment Act chapter
    2 A says "within reasonable time"; the day counts are then the employer's own reminders
    (14 days to acknowledge, 3 months for feedback unless set here).
    """

    jurisdiction: Literal["no", "se"] = "no"
    acknowledge_days: int | None = Field(None, ge=1, le=365)
    feedback_days: int | None = Field(None, ge=1, le=730)

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


class AnalysisRules(Strict):
    """Reports and exports (employer.yml `analysis`): the smallest group ever shown."""

    min_group: int = Field(5, ge=2, le=100)


class Employer(Strict):
    """employer.yml: the employer's privacy notice, once per language, and HR's rules."""

    name: str
    privacy: dict[Language, PrivacyNotice]
    followup: FollowupRules = FollowupRules()
    analysis: AnalysisRules = AnalysisRules()
