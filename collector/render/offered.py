"""The rule of who is offered the conversation, in words: the columns a leavers' file lacks,
and one line per leaver outside the rule, saying why."""

from __future__ import annotations

from pathlib import Path

from ..model.employer import OfferedTo
from ..routine.offered import Need, Outside
from ..words import Catalogue


def missing_columns(file: Path, needs: list[Need], words: Catalogue) -> str:
    c = words["cli"]
    names = [c[f"offer_need_{need}"] for need in needs]
    columns = (
        names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {c['offer_and']} {names[-1]}"
    )
    return c["offer_missing"].format(file=file, columns=columns)


def outside_line(outside: Outside, rule: OfferedTo, words: Catalogue) -> str:
    c = words["cli"]
    leaver = outside.leaver
    why = []
    for part in outside.why:
        if part == "short":
            why.append(
                c["offer_short"].format(months=outside.months, minimum=rule.min_tenure_months)
            )
        elif part == "kind":
            kinds = ", ".join(rule.employment or ())
            why.append(c["offer_kind"].format(kind=leaver.employment, kinds=kinds))
        elif part == "reason":
            reasons = ", ".join(rule.reasons or ())
            why.append(c["offer_reason"].format(reason=leaver.reason, reasons=reasons))
        else:
            why.append(c[f"offer_{part}"])
    return c["offer_outside"].format(
        name=leaver.name, last_day=leaver.last_day.isoformat(), why="; ".join(why)
    )
