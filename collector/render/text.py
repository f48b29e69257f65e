"""What the CLI prints: tables, one response under its questions, status, follow-up cases, the
import report, retention lines. Pure: data in, text out, in the words of one catalogue.

Labels come from the payload's own wording, so HR reads the questions exactly as the
employee saw them, even if the question set has been reworded since.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from ..intake.importer import FileResult, Summary
from ..intake.opening import SHORT_ID, Opened
from ..model import answers
from ..model.employer import FollowupRules
from ..model.payload import Payload
from ..model.questionset import QuestionSet
from ..routine import followup
from ..routine.invitations import STATES, InvitationDetail, StatusRow, counts
from ..routine.retention import Purged
from ..store import Deletion, Followup
from ..words import Catalogue
from .answers import answer_text

SHORT_TOKEN = 8


def columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart; the last column is not padded."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=False)] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def plural(n: int, noun: str, w: Catalogue) -> str:
    """ "1 response", "2 responses": the catalogue's `<noun>_one` and `<noun>_many`."""
    return f"{n} {w['cli'][f'{noun}_one' if n == 1 else f'{noun}_many']}"


def _clip(text: str | None, width: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- list


def unknown_invitation(opened: Opened, matched: Container[str] | None) -> bool:
    """The answers name an invitation token that matches no invitation in this store."""
    if matched is None or opened.payload is None or opened.payload.invitation is None:
        return False
    return opened.row.response_id not in matched


def flags(
    payload: Payload, qset: QuestionSet | None, w: Catalogue, *, unknown: bool = False
) -> list[str]:
    c = w["cli"]
    out = []
    if payload.declined:
        out.append(c["flag_declined"])
    if answers.has_special(payload, qset):
        out.append(c["flag_special"])
    if payload.sent_to_whistleblowing:
        out.append(c["flag_whistleblowing"])
    if payload.scope == "whistleblowing":
        out.append(c["flag_receiver_report"])
    if payload.readers != "hr":
        out.append(c["flag_readers"].format(readers=w.readers(payload.readers)))
    if qset is None:
        out.append(c["flag_no_set"])
    if unknown:
        out.append(c["flag_unknown_invitation"])
    return out


def list_entry(opened: Opened, matched: Container[str] | None = None) -> dict[str, Any]:
    """One response as `list --json` gives it. `matched`: ids matched to an invitation."""
    row = opened.row
    entry: dict[str, Any] = {
        "id": row.response_id,
        "received_at": row.received_at,
        "delete_by": row.delete_by,
        "receipt": row.receipt,
        "key_id": row.key_id,
    }
    payload, qset = opened.payload, opened.qset
    if payload is None:
        return (
            entry
            | dict.fromkeys(
                (
                    "questionnaire",
                    "name",
                    "department",
                    "declined",
                    "special",
                    "sent_to_whistleblowing",
                    "scope",
                    "readers",
                )
            )
            | {"problem": opened.problem}
        )
    ref = payload.questionnaire
    invitation = None
    if matched is not None and payload.invitation is not None:
        invitation = "unknown" if unknown_invitation(opened, matched) else "matched"
    return entry | {
        "questionnaire": {
            "id": ref.id,
            "version": ref.version,
            "language": ref.language,
            "title": ref.title,
        },
        "name": answers.fact(payload, qset, "name"),
        "department": answers.fact(payload, qset, "department"),
        "declined": payload.declined,
        "special": answers.has_special(payload, qset),
        "sent_to_whistleblowing": bool(payload.sent_to_whistleblowing),
        "scope": payload.scope,
        "readers": payload.readers,
        "invitation": invitation,
        "problem": None,
    }


def list_table(opened: Iterable[Opened], w: Catalogue, matched: Container[str] | None) -> str:
    c = w["cli"]
    header = [c[k] for k in ("col_id", "col_received", "col_set", "col_name")]
    header += [c["col_department"], c["col_flags"]]
    rows: list[tuple[str, ...]] = []
    for item in opened:
        row, payload = item.row, item.payload
        received = row.received_at[:10]
        short = row.response_id[:SHORT_ID]
        if payload is None:
            rows.append(
                (short, received, "?", "", "", c["cannot_open"].format(problem=item.problem))
            )
            continue
        ref = payload.questionnaire
        unknown = unknown_invitation(item, matched)
        rows.append(
            (
                short,
                received,
                f"{ref.id} v{ref.version}, {ref.language}",
                _clip(answers.fact(payload, item.qset, "name")),
                _clip(answers.fact(payload, item.qset, "department")),
                ", ".join(flags(payload, item.qset, w, unknown=unknown)),
            )
        )
    return columns(header, rows) if rows else c["no_responses"]


# --------------------------------------------------------------------------- show


def _indent(text: str) -> list[str]:
    return ["  " + line if line else "" for line in text.split("\n")]


def show_text(opened: Opened, w: Catalogue) -> str:
    """The answers under the questions as the employee saw them, header facts first."""
    payload, qset = opened.require()
    c = w["cli"]
    row, ref = opened.row, payload.questionnaire

    def field(key: str, value: str) -> str:
        return f"{c[key]:<13}{value}"

    lines = [
        field("show_response", row.response_id),
        field("show_receipt", row.receipt),
        field("show_sealed", when(payload.sealed_at)),
        field("show_received", when(datetime.fromisoformat(row.received_at))),
        field("show_delete_by", row.delete_by),
        field("show_set", f"{ref.title} ({ref.id} v{ref.version}, {ref.language})"),
        field("show_readers", w.readers(payload.readers)),
    ]
    if payload.scope == "whistleblowing":
        lines.append(field("show_channel", c["show_channel_receiver"]))
    if payload.sent_to_whistleblowing:
        # Which questions, never what was written: that part is sealed to another key.
        asked = ", ".join(answers.label(payload, qid) for qid in payload.sent_to_whistleblowing)
        lines.append(field("show_note", f"{c['flag_whistleblowing']}: {asked}"))
    if qset is None:
        lines.append(field("show_note", c["show_no_set"]))
    facts = answers.header_questions(qset)
    if facts:
        lines.append("")
    for qid in facts:
        value = payload.answers.get(qid)
        if value is not None:
            lines.append(f"{answers.label(payload, qid)}: {answer_text(payload, qset, qid, value)}")
    if payload.declined:
        lines += ["", c["show_declined"]]
        if payload.decline_reason:
            lines += [c["show_reason"], *_indent(payload.decline_reason)]
    for title, qids in answers.sections(payload, qset):
        shown = [q for q in qids if q not in facts and answers.visible(payload, qset, q)]
        if not shown:
            continue
        lines += ["", f"== {title} ==" if title else "=="]
        for qid in shown:
            value = payload.answers.get(qid)
            lines += ["", answers.label(payload, qid)]
            text = c["no_answer"] if value is None else answer_text(payload, qset, qid, value)
            lines += _indent(text)
    return "\n".join(lines)


# --------------------------------------------------------------------------- import


def import_line(result: FileResult, w: Catalogue) -> str:
    """The report line HR sees, e.g. `imported  a.json  receipt 3f2a-91bc-04de`.

    A response with special information gets a second line saying what the employer
    must do, never what was written.
    """
    c = w["cli"]
    if result.outcome == "rejected":
        return f"{c['rejected']}  {result.path}: {result.kind}: {result.reason}"
    line = f"{c[result.outcome]:<9} {result.path}  {c['receipt']} {result.receipt}"
    if result.invitation == "unknown":
        line += f"  ({c['flag_unknown_invitation']})"
    if result.acknowledge_by is not None and result.response_id is not None:
        short = result.response_id[:SHORT_ID]
        line += "\n" + c["import_special"].format(day=result.acknowledge_by, id=short)
    if result.whistleblowing and result.outcome == "imported":
        line += "\n" + c["import_whistleblowing"]
    return line


def import_summary(summary: Summary, w: Catalogue) -> str:
    return w["cli"]["import_summary"].format(
        imported=summary.imported,
        duplicate=summary.duplicate,
        rejected=summary.rejected,
        files=plural(summary.files, "file", w),
    )


# --------------------------------------------------------------------------- status


def state_text(state: str, w: Catalogue) -> str:
    return w["cli"][f"state_{state.replace(' ', '_')}"]


def status_table(rows: list[StatusRow], w: Catalogue) -> str:
    c = w["cli"]
    if not rows:
        return c["no_invitations"]
    header = [c[k] for k in ("col_status", "col_last_day", "col_name", "col_department")]
    header += [c["col_set_id"], c["col_code"]]
    lines = [
        (
            state_text(r.state, w) + (f" {r.day}" if r.day else ""),
            r.invitation.last_day,
            r.invitation.name,
            r.invitation.department or "",
            r.invitation.set_id,
            r.invitation.token[:SHORT_TOKEN],
        )
        for r in rows
    ]
    return columns(header, lines)


def status_summary(rows: list[StatusRow], w: Catalogue) -> str:
    n = counts(rows)
    parts = ", ".join(f"{n[s]} {state_text(s, w)}" for s in STATES)
    return f"{plural(len(rows), 'invitation', w)}: {parts}"


def invitation_detail(detail: InvitationDetail, w: Catalogue) -> str:
    c, row = w["cli"], detail.row
    inv = row.invitation
    lines = [
        f"{c['col_name']:<13}{inv.name}",
        f"{c['col_status']:<13}{state_text(row.state, w)}" + (f" {row.day}" if row.day else ""),
        f"{c['col_last_day']:<13}{inv.last_day}",
        f"{c['col_set_id']:<13}{inv.set_id}",
        f"{c['col_code']:<13}{inv.token}",
    ]
    if inv.department:
        lines.insert(1, f"{c['col_department']:<13}{inv.department}")
    if detail.decline_reason:
        lines += [c["show_reason"], *_indent(detail.decline_reason)]
    elif detail.reason_sealed:
        lines.append(c["reason_sealed"])
    return "\n".join(lines)


# --------------------------------------------------------------------------- follow-up


def rules_text(rules: FollowupRules, w: Catalogue) -> str:
    c = w["cli"]
    feedback = (
        plural(rules.feedback_days, "day", w)
        if rules.feedback_days is not None
        else c["three_months"]
    )
    return c["rules"].format(
        law=c[f"law_{rules.jurisdiction}"],
        acknowledge=plural(rules.acknowledge_within, "day", w),
        feedback=feedback,
    )


def _next(step: followup.Step, w: Catalogue) -> str:
    return w["cli"][f"next_{step.what}"]


def followup_case(
    rules: FollowupRules, case: Followup, today: date, assessment: str | None, w: Catalogue
) -> str:
    """A case as `followup ID` shows it to HR."""
    c = w["cli"]
    who = f" ({case.name})" if case.name else ""
    step = followup.next_step(rules, case, today)

    def day(done: date | None, due: date | None = None) -> str:
        text = done.isoformat() if done else "-"
        return f"{text:<12}({c['due']} {due.isoformat()})" if due and not done else text

    def field(key: str, value: str) -> str:
        return f"{c[key]:<14}{value}"

    lines = [
        c["case_title"].format(id=case.response_id[:SHORT_ID], who=who),
        field("case_rules", rules_text(rules, w)),
        field("case_reported", case.reported_on.isoformat()),
        field(
            "case_acknowledged",
            day(case.acknowledged_on, rules.acknowledge_due(case.reported_on)),
        ),
        field("case_assessed", day(case.assessed_on)),
        field("case_feedback", day(case.feedback_on, followup.feedback_due(rules, case))),
    ]
    if assessment:
        lines += [c["case_assessment"], *("  " + line for line in assessment.splitlines())]
    if step is None:
        lines.append(c["case_closed"])
    else:
        late = c["overdue_was_due"] if step.overdue else c["due"]
        lines.append(field("case_next", f"{_next(step, w)}, {late} {step.due.isoformat()}"))
    return "\n".join(lines)


def steps_table(steps: list[followup.Step], w: Catalogue) -> str:
    c = w["cli"]
    if not steps:
        return c["no_followups"]
    header = (c["col_response"], c["col_name"], c["col_next"], c["col_due"])
    rows = [
        (
            s.case.response_id[:SHORT_ID],
            s.case.name or "",
            _next(s, w),
            s.due.isoformat() + (f"  {c['overdue']}" if s.overdue else ""),
        )
        for s in steps
    ]
    return c["followups_title"] + "\n" + columns(header, rows)


# --------------------------------------------------------------------------- retention


def counted(d: Deletion, w: Catalogue) -> str:
    counts_ = ((d.responses, "response"), (d.invitations, "invitation"), (d.followups, "followup"))
    shown = [plural(n, noun, w) for n, noun in counts_ if n]
    return ", ".join(shown) if shown else w["cli"]["nothing"]


def retention_warning(due: Deletion, w: Catalogue) -> str | None:
    """One line when records have reached their delete-by date, else None."""
    if not due.total:
        return None
    key = "retention_warning_one" if due.total == 1 else "retention_warning_many"
    return w["cli"][key].format(records=plural(due.total, "record", w), counted=counted(due, w))


def purge_line(purged: Purged, w: Catalogue) -> str:
    c = w["cli"]
    if purged.dry_run:
        return c["purge_dry_run"].format(counted=counted(purged.deletion, w))
    if not purged.deletion.total:
        return c["purge_nothing"]
    return c["purge_done"].format(counted=counted(purged.deletion, w))
