"""Which responses HR sees one by one, as rules (FORMAT.md 14.3): the current answer of each
invitation, never one for anonymous statistics, and never a superseded one unless asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import SluttsamtaleError
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake import summaries
from ..intake.opening import SHORT_ID, Listed, Opened
from ..store import Store


class AnonymousError(SluttsamtaleError):
    """A response for anonymous statistics only, asked for one by one."""


@dataclass(frozen=True)
class Overview:
    """What `list` shows: each current response HR may see one by one, and counts."""

    shown: list[Listed]
    anonymous: int = 0
    """Current responses for anonymous statistics only: counted, never listed."""
    earlier: Counter[str] = field(default_factory=Counter)
    """Invitation code -> how many earlier answers its current one replaced."""
    superseded: int = 0
    problems: int = 0


def overview(listed: Iterable[Listed], *, include_earlier: bool = False) -> Overview:
    shown: list[Listed] = []
    anonymous = superseded = problems = 0
    earlier: Counter[str] = Counter()
    for item in listed:
        summary = item.summary
        if summary is None:
            problems += 1
            shown.append(item)
            continue
        if item.row.superseded:
            superseded += 1
            if summary.invitation is not None:
                earlier[summary.invitation] += 1
            if not include_earlier or summary.readers == "statistics":
                continue
        elif summary.readers == "statistics":
            anonymous += 1
            continue
        shown.append(item)
    return Overview(shown, anonymous, earlier, superseded, problems)


def load_overview(
    store: Store, hr_keys: Mapping[str, HRKey], *, include_earlier: bool = False
) -> Overview:
    """The overview of every stored response, from pages of summaries (intake/summaries.py):
    the rows in it come without their sealed record and summary."""
    return overview(summaries.listed(store, hr_keys), include_earlier=include_earlier)


def refuse_anonymous(opened: Opened) -> None:
    """`show` and copies never show a statistics-only response (FORMAT.md 14.3)."""
    if opened.record is not None and opened.record.payload.readers == "statistics":
        raise AnonymousError(
            tr(
                "response {value} is for anonymous statistics only; it is never shown "
                "one by one, only counted in reports",
                value=opened.row.response_id[:SHORT_ID],
            )
        )
