"""Retention: delete-by dates, and what has reached them.

Each response is kept until its delete-by date: the day HR received it plus the
employer's `retention_months` (employer.yml; 12 by default, per the guideline, doc 000).
An invitation is kept until its last working day plus the same months, and never longer
than the response that answered it. Follow-ups go with their response; a response whose
follow-up is still open is held until the case is closed (a legal hold). Files the
collector wrote go when their delete-by date comes. Results are counts (and the paths of
HR's own files) only: a purge log must not become a list of who left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..clock import add_months
from ..store import Deletion, Store


def invitation_delete_by(last_day: date, retention_months: int) -> date:
    return add_months(last_day, retention_months)


def due(store: Store, today: date) -> Deletion:
    """What has reached its delete-by date and not been purged."""
    return store.due_for_deletion(today.isoformat())


@dataclass(frozen=True)
class Purged:
    deletion: Deletion
    dry_run: bool


def purge(store: Store, today: date, *, dry_run: bool) -> Purged:
    """Delete (or with dry_run, count) what has reached its delete-by date, and the files
    the collector wrote that have reached theirs."""
    if dry_run:
        return Purged(due(store, today), dry_run=True)
    done = store.purge(today.isoformat())
    for path in done.outputs:
        Path(path).unlink(missing_ok=True)
        store.forget_output(path)
    return Purged(done, dry_run=False)
