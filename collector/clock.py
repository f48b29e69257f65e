"""The one place that asks what time it is.

SLUTTSAMTALE_NOW (an ISO 8601 date-time) moves the clock for tests and for HR's
walk-through: past a delete-by date, past a follow-up due date, without waiting a year.
Every date the collector compares (delete-by, last working day, due dates) is a UTC date.
"""

from __future__ import annotations

import calendar
import os
from datetime import UTC, date, datetime

from .errors import SluttsamtaleError

NOW_ENV = "SLUTTSAMTALE_NOW"


def now() -> datetime:
    """The current moment in UTC, or SLUTTSAMTALE_NOW when it is set."""
    given = os.environ.get(NOW_ENV, "").strip()
    if not given:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(given.replace("Z", "+00:00"))
    except ValueError:
        raise SluttsamtaleError(
            f"{NOW_ENV}: {given!r} is not an ISO date-time such as 2026-07-01T09:00:00Z"
        ) from None
    # A date-time without a zone is read as UTC, like every time the store keeps.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def today() -> date:
    return now().date()


def iso(moment: datetime) -> str:
    """A moment as the store keeps it: UTC, whole seconds, ending in Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
