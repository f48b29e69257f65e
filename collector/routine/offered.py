"""Who is offered the conversation, as a rule (employer.yml `offered_to`; Södermalm, doc
003: permanent and fixed-term staff employed at least a year who resign or retire). Pure.

A leaver is inside the rule when every part of it the employer set holds; a fact the file
leaves empty cannot show that, so that leaver is outside, with that as the reason. The
rule asks for columns only for the parts it sets; the default rule asks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from ..intake.leavers import Leaver
from ..model.employer import OfferedTo

Need = Literal["tenure", "employment", "reason"]
Why = Literal["short", "no_tenure", "kind", "no_kind", "reason", "no_reason"]


def needs(rule: OfferedTo) -> list[Need]:
    """The facts the rule asks, in the order of the rule."""
    out: list[Need] = []
    if rule.min_tenure_months:
        out.append("tenure")
    if rule.employment is not None:
        out.append("employment")
    if rule.reasons is not None:
        out.append("reason")
    return out


COLUMNS: dict[Need, tuple[str, ...]] = {
    "tenure": ("employed_from", "tenure_months"),
    "employment": ("employment",),
    "reason": ("reason",),
}
"""Each fact, and the leavers' file columns (intake/leavers.py names) any of which gives it."""


def missing(rule: OfferedTo, columns: Iterable[str]) -> list[Need]:
    """The facts the rule asks that no column of the file gives."""
    have = set(columns)
    return [need for need in needs(rule) if not have.intersection(COLUMNS[need])]


def tenure(leaver: Leaver) -> int | None:
    """Whole months employed by the end of the last working day (the start date first)."""
    if leaver.employed_from is None:
        return leaver.tenure_months
    start, end = leaver.employed_from, leaver.last_day + timedelta(days=1)
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


@dataclass(frozen=True)
class Outside:
    leaver: Leaver
    why: list[Why]
    months: int | None
    """The months employed, when known (for the message)."""


def why_outside(leaver: Leaver, rule: OfferedTo) -> list[Why]:
    """Every part of the rule the leaver is outside, or [] when inside."""
    out: list[Why] = []
    if rule.min_tenure_months:
        months = tenure(leaver)
        if months is None:
            out.append("no_tenure")
        elif months < rule.min_tenure_months:
            out.append("short")
    if rule.employment is not None:
        if leaver.employment is None:
            out.append("no_kind")
        elif leaver.employment not in rule.employment:
            out.append("kind")
    if rule.reasons is not None:
        if leaver.reason is None:
            out.append("no_reason")
        elif leaver.reason not in rule.reasons:
            out.append("reason")
    return out


def split(leavers: Iterable[Leaver], rule: OfferedTo) -> tuple[list[Leaver], list[Outside]]:
    """Those the rule offers the conversation, and those outside it with why."""
    inside: list[Leaver] = []
    outside: list[Outside] = []
    for leaver in leavers:
        why = why_outside(leaver, rule)
        if why:
            outside.append(Outside(leaver, why, tenure(leaver)))
        else:
            inside.append(leaver)
    return inside, outside
