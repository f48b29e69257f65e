"""Dates as the collector counts them: UTC, whole seconds, calendar months.

Nothing here asks what time it is: the CLI takes the moment once from settings (which may
move the clock for tests and HR's walk-through) and passes it down.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime


def system_now() -> datetime:
    return datetime.now(UTC)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time as UTC; one without a zone is read as UTC. ValueError if not one."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """A moment as the store keeps it: UTC, whole seconds, ending in Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
