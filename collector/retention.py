"""Retention: what has reached its delete-by date, the warning every command gives, purge.

Each response is kept until its delete-by date: the day it was sealed plus the employer's
`retention_months` (employer.yml; 12 by default, per the guideline, doc 000). An
invitation is kept until its last working day plus the same months, and never longer
than the response that answered it. Follow-ups and matches go with their response.
Messages give counts only: a purge log must not become a list of who left.
"""

from __future__ import annotations

from datetime import date

from .clock import add_months
from .store import Deletion, Store


def invitation_delete_by(last_day: date, retention_months: int) -> date:
    return add_months(last_day, retention_months)


def _counted(d: Deletion) -> str:
    counts = ((d.responses, "response"), (d.invitations, "invitation"), (d.followups, "follow-up"))
    shown = [_plural(n, noun) for n, noun in counts if n]
    return ", ".join(shown) if shown else "nothing"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def warning(store: Store, today: date) -> str | None:
    """One line when records have reached their delete-by date, else None."""
    due = store.due_for_deletion(today.isoformat())
    if not due.total:
        return None
    verb = "has" if due.total == 1 else "have"
    return (
        f"Warning: {_plural(due.total, 'record')} {verb} reached the delete-by date "
        f"({_counted(due)}); delete them with `sluttsamtale purge`"
    )


def purge(store: Store, today: date, *, dry_run: bool) -> str:
    """Delete (or with dry_run, count) what has reached its delete-by date; one line."""
    if dry_run:
        due = store.due_for_deletion(today.isoformat())
        return f"Would delete {_counted(due)}; nothing was changed (--dry-run)"
    done = store.purge(today.isoformat())
    if not done.total:
        return "Nothing has reached its delete-by date; nothing was deleted"
    return f"Deleted {_counted(done)} past the delete-by date; the database file was rewritten"
