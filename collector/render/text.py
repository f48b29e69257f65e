"""What the CLI prints: tables, one response under its questions, status, follow-up cases, the
import report, retention lines. Pure: data in, text out, in the words of one catalogue.

Labels come from the payload's own wording, so HR reads the questions exactly as the
employee saw them, even if the question set has been reworded since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from ..i18n import tr
from ..intake.opening import SHORT_ID, Listed, Opened
from ..model import answers
from ..model.records import Summary
from ..routine import followup
from ..routine.invitations import STATES, StatusRow, counts
from ..safetext import visible as safe
from ..store import Deletion, Followup
from ..words import Catalogue
from .answers import answer_text, header_facts, not_for_hr

if TYPE_CHECKING:  # in annotations only: list and status need not import the importer
    from ..intake.importer import FileResult
    from ..intake.importer import Summary as ImportSummary
    from ..model.employer import FollowupRules
    from ..routine.retention import Purged

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


def flags(
    summary: Summary, w: Catalogue, *, earlier: int = 0, superseded: bool = False
) -> list[str]:
    c = w["cli"]
    out = []
    if superseded:
        out.append(c["flag_superseded"])
    if summary.declined:
        out.append(c["flag_declined"])
    if summary.special:
        out.append(
            c["flag_receiver_report"] if summary.scope == "whistleblowing" else c["flag_special"]
        )
    if summary.scope == "whistleblowing":
        out.append(c["flag_contact"] if summary.contact else c["flag_no_contact"])
    elif summary.readers != "hr":
        out.append(c["flag_readers"].format(readers=w.readers(summary.readers)))
    if summary.scope == "hr" and summary.invited == "not invited":
        out.append(c["flag_not_invited"])
    if summary.wording_differs:
        out.append(c["flag_wording_differs"])
    if earlier:
        out.append(c["flag_earlier"].format(n=earlier))
    return out


def list_entry(item: Listed, earlier: int = 0) -> dict[str, Any]:
    """One response as `list --json` gives it."""
    row, summary = item.row, item.summary
    entry: dict[str, Any] = {
        "id": row.response_id,
        "received_at": row.received_at,
        "delete_by": row.delete_by,
        "receipt": row.receipt,
        "key_id": row.key_id,
        "superseded": row.superseded,
    }
    if summary is None:
        return entry | {"problem": item.problem}
    return entry | summary.model_dump() | {"earlier": earlier, "problem": None}


class ListView(Protocol):
    """What `list` prints from: an Overview, or a StreamedOverview read once (its counts
    are read only after its responses)."""

    @property
    def shown(self) -> Iterable[Listed]: ...
    @property
    def earlier(self) -> Mapping[str, int]: ...
    @property
    def anonymous(self) -> int: ...
    @property
    def superseded(self) -> int: ...


def overview_json(view: ListView) -> dict[str, Any]:
    return {
        "responses": [list_entry(i, _earlier(view, i)) for i in view.shown],
        "anonymous": view.anonymous,
        "superseded": view.superseded,
    }


def overview_json_text(view: ListView) -> Iterator[str]:
    """overview_json's text as json.dumps(indent=2) writes it, a response at a time."""
    yield '{\n  "responses": ['
    listed = False
    for item in view.shown:
        entry = json.dumps(list_entry(item, _earlier(view, item)), indent=2, ensure_ascii=False)
        yield ("," if listed else "") + "\n    " + entry.replace("\n", "\n    ")
        listed = True
    yield "\n  ]" if listed else "]"
    yield f',\n  "anonymous": {view.anonymous},\n  "superseded": {view.superseded}\n}}'


def _earlier(view: ListView, item: Listed) -> int:
    code = item.summary.invitation if item.summary is not None else None
    return view.earlier.get(code, 0) if code is not None and not item.row.superseded else 0


def list_table(view: ListView, w: Catalogue) -> str:
    c = w["cli"]
    header = [c[k] for k in ("col_id", "col_received", "col_set", "col_name")]
    header += [c["col_department"], c["col_flags"]]
    rows: list[tuple[str, ...]] = []
    any_superseded = False
    for item in view.shown:
        row, summary = item.row, item.summary
        any_superseded = any_superseded or row.superseded
        received = row.received_at[:10]
        short = row.response_id[:SHORT_ID]
        if summary is None:
            problem = c["cannot_open"].format(problem=item.problem)
            rows.append((short, received, "?", "", "", problem))
            continue
        rows.append(
            (
                short,
                received,
                f"{summary.set_id} v{summary.version}, {summary.language}",
                _clip(summary.name),
                _clip(summary.department),
                ", ".join(
                    flags(summary, w, earlier=_earlier(view, item), superseded=row.superseded)
                ),
            )
        )
    hidden = view.superseded if not any_superseded else 0
    lines = [columns(header, rows)] if rows else [c["no_current" if hidden else "no_responses"]]
    if hidden:
        lines.append(c["earlier_hidden"].format(n=plural(hidden, "response", w)))
    if view.anonymous:
        lines.append(c["anonymous_counted"].format(n=plural(view.anonymous, "response", w)))
    return "\n".join(lines)


# --------------------------------------------------------------------------- show


def _indent(text: str) -> list[str]:
    return ["  " + line if line else "" for line in text.split("\n")]


LONG_AGO = timedelta(days=30)
"""A file sealed this long before HR received it is pointed out (FORMAT.md 15: sealed_at is
only the sender's claim; every date HR acts on counts from receipt)."""


def _long_ago(sealed: datetime, received: datetime, w: Catalogue) -> list[str]:
    if received - sealed < LONG_AGO:
        return []
    days = (received - sealed).days
    return [f"{w['cli']['show_note']:<13}{w['cli']['show_sealed_long_ago'].format(days=days)}"]


def show_text(opened: Opened, w: Catalogue) -> str:
    """The answers under the questions as the employee saw them, header facts first."""
    payload, qset = opened.require()
    record = opened.record
    assert record is not None
    c = w["cli"]
    row, ref = opened.row, payload.questionnaire

    def field(key: str, value: str) -> str:
        return f"{c[key]:<13}{value}"

    lines = [
        field("show_response", row.response_id),
        field("show_receipt", row.receipt),
        field("show_received", when(datetime.fromisoformat(row.received_at))),
        field("show_sealed", f"{when(payload.sealed_at)}  ({c['show_sealed_claim']})"),
        *_long_ago(payload.sealed_at, datetime.fromisoformat(row.received_at), w),
        field("show_delete_by", row.delete_by),
        field("show_set", f"{ref.title} ({ref.id} v{ref.version}, {ref.language})"),
    ]
    if payload.scope == "whistleblowing":
        lines.append(field("show_channel", c["show_channel_receiver"]))
        contact = payload.contact
        given = [v for v in (contact.name, contact.phone, contact.email) if v] if contact else []
        lines.append(field("show_contact", ", ".join(given) if given else c["flag_no_contact"]))
    else:
        lines.append(field("show_readers", w.readers(payload.readers)))
        if record.invited == "not invited":
            lines.append(field("show_note", c["show_not_invited"]))
    if row.superseded:
        lines.append(field("show_note", c["show_superseded"]))
    if record.wording_differs:
        lines.append(
            field(
                "show_note", c["show_wording_differs"].format(ids=", ".join(record.wording_differs))
            )
        )
    if qset is None:
        lines.append(field("show_note", c["show_no_set"]))
    for correction in record.corrections:
        lines.append(field("show_correction", f"{correction.on}: {correction.note}"))
    facts = header_facts(record, qset)
    if facts:
        lines.append("")
    lines += [f"{label}: {text}" for _, label, text in facts if text]
    if payload.declined:
        lines += ["", c["show_declined"]]
        if payload.decline_reason:
            lines += [c["show_reason"], *_indent(payload.decline_reason)]
    fact_ids = {qid for qid, _, _ in facts} | not_for_hr(record, qset)
    for title, qids in answers.sections(payload, qset):
        shown = [q for q in qids if q not in fact_ids and answers.visible(payload, qset, q)]
        if payload.scope == "whistleblowing":
            shown = [q for q in shown if q in payload.wording]
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


def kind_word(kind: str | None) -> str:
    """The failure class as said to HR (--json keeps the testkit's English name)."""
    words = {
        "envelope failure": tr("envelope failure"),
        "armor failure": tr("armor failure"),
        "no key": tr("no key"),
        "decrypt failure": tr("decrypt failure"),
        "payload failure": tr("payload failure"),
        "replay": tr("replay"),
        "conflict": tr("conflict"),
        "deleted": tr("deleted"),
        "error": tr("error"),
    }
    return words.get(kind or "error", kind or "")


def import_line(result: FileResult, w: Catalogue) -> str:
    """The report line HR sees, e.g. `imported  a.json  receipt 3f2a-91bc-04de`.

    A response with special information gets a second line saying what the employer
    must do, never what was written.
    """
    c = w["cli"]
    where = safe(str(result.path))
    if result.message is not None:
        where += " " + c["import_message"].format(n=result.message)
    if result.outcome == "rejected":
        return f"{c['rejected']}  {where}: {kind_word(result.kind)}: {result.reason}"
    line = f"{c[result.outcome]:<9} {where}  {c['receipt']} {result.receipt}"
    notes = []
    if result.outcome == "empty":
        notes.append(c["import_empty"])
    if result.invited is False:
        notes.append(c["flag_not_invited"])
    if result.anonymous:
        notes.append(c["import_anonymous"])
    if result.superseded:
        notes.append(c["import_superseded"].format(n=result.superseded))
    if result.older:
        notes.append(c["import_older"])
    if result.wording_differs:
        notes.append(c["flag_wording_differs"])
    if notes:
        line += f"  ({'; '.join(notes)})"
    if result.acknowledge_by is not None and result.response_id is not None:
        short = result.response_id[:SHORT_ID]
        line += "\n" + c["import_special"].format(day=result.acknowledge_by, id=short)
    return line


def import_summary(summary: ImportSummary, w: Catalogue) -> str:
    text = w["cli"]["import_summary"].format(
        imported=summary.imported,
        duplicate=summary.duplicate,
        rejected=summary.rejected,
        files=plural(summary.files, "file", w),
    )
    if summary.empty:
        text += "; " + w["cli"]["import_summary_empty"].format(n=summary.empty)
    return text


# --------------------------------------------------------------------------- status


def state_text(state: str, w: Catalogue) -> str:
    return w["cli"][f"state_{state.replace(' ', '_')}"]


def status_table(rows: list[StatusRow], w: Catalogue) -> str:
    c = w["cli"]
    if not rows:
        return c["no_invitations"]
    header = [c[k] for k in ("col_status", "col_last_day", "col_name", "col_department")]
    header += [c["col_set_id"], c["col_code"]]
    lines = []
    for r in rows:
        record = r.invitation.record
        lines.append(
            (
                state_text(r.state, w) + (f" {r.day}" if r.day else ""),
                record.last_day,
                safe(record.name),
                safe(record.department or ""),
                record.set_id,
                r.invitation.row.code,
            )
        )
    return columns(header, lines)


def status_summary(rows: list[StatusRow], w: Catalogue) -> str:
    n = counts(rows)
    parts = ", ".join(f"{n[s]} {state_text(s, w)}" for s in STATES)
    return f"{plural(len(rows), 'invitation', w)}: {parts}"


def invitation_detail(row: StatusRow, w: Catalogue) -> str:
    c = w["cli"]
    record = row.invitation.record
    lines = [
        f"{c['col_name']:<13}{safe(record.name)}",
        f"{c['col_status']:<13}{state_text(row.state, w)}" + (f" {row.day}" if row.day else ""),
        f"{c['col_last_day']:<13}{record.last_day}",
        f"{c['col_set_id']:<13}{record.set_id}",
        f"{c['col_code']:<13}{row.invitation.row.code}",
    ]
    if record.department:
        lines.insert(1, f"{c['col_department']:<13}{safe(record.department)}")
    if record.anonymous:
        lines.append(c["invitation_anonymous"].format(n=record.anonymous))
    if record.decline_reason:
        lines += [c["show_reason"], *_indent(safe(record.decline_reason))]
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
    rules: FollowupRules,
    case: Followup,
    today: date,
    assessment: str | None,
    w: Catalogue,
    name: followup.Reporter | None = None,
) -> str:
    """A case as `followup ID` shows it to HR (or the receiver)."""
    c = w["cli"]
    shown = reporter(name, w)
    who = f" ({shown})" if shown else ""
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
        lines += [c["case_assessment"], *("  " + line for line in safe(assessment).splitlines())]
    if step is None:
        lines.append(c["case_closed"])
    else:
        late = c["overdue_was_due"] if step.overdue else c["due"]
        lines.append(field("case_next", f"{_next(step, w)}, {late} {step.due.isoformat()}"))
    return "\n".join(lines)


def reporter(who: followup.Reporter | None, w: Catalogue) -> str:
    """A case's name column: the name, "anonymous, no contact given", or nothing."""
    if who is None:
        return ""
    c = w["cli"]
    if who.receiver:
        if who.name:
            return safe(who.name)
        return c["flag_no_contact"] if who.anonymous else c["flag_contact"]
    if who.invited:
        return safe(who.name or "")
    flag = c["flag_not_invited"]
    return f"{safe(who.name)} ({flag})" if who.name else flag


def steps_table(
    steps: list[followup.Step],
    w: Catalogue,
    names: dict[str, followup.Reporter] | None = None,
) -> str:
    c = w["cli"]
    if not steps:
        return c["no_followups"]
    header = (c["col_response"], c["col_name"], c["col_next"], c["col_due"])
    rows = [
        (
            s.case.response_id[:SHORT_ID],
            reporter((names or {}).get(s.case.response_id), w),
            _next(s, w),
            s.due.isoformat() + (f"  {c['overdue']}" if s.overdue else ""),
        )
        for s in steps
    ]
    return c["followups_title"] + "\n" + columns(header, rows)


# --------------------------------------------------------------------------- retention


def counted(d: Deletion, w: Catalogue) -> str:
    counts_ = (
        (d.responses, "response"),
        (d.invitations, "invitation"),
        (d.followups, "followup"),
        (len(d.outputs), "file"),
    )
    shown = [plural(n, noun, w) for n, noun in counts_ if n]
    return ", ".join(shown) if shown else w["cli"]["nothing"]


def _files(d: Deletion, w: Catalogue) -> list[str]:
    """The files the collector wrote that are due, by path: HR's own, so named."""
    if not d.outputs:
        return []
    return [w["cli"]["outputs_due"].format(paths=", ".join(safe(p) for p in d.outputs))]


def _held(d: Deletion, w: Catalogue) -> list[str]:
    if not d.held:
        return []
    return [w["cli"]["held_one" if d.held == 1 else "held_many"].format(n=d.held)]


def retention_warning(due: Deletion, w: Catalogue) -> str | None:
    """A line when records or files have reached their delete-by date (and a line naming
    the files), else None."""
    if not due.total:
        return None
    key = "retention_warning_one" if due.total == 1 else "retention_warning_many"
    line = w["cli"][key].format(records=plural(due.total, "record", w), counted=counted(due, w))
    return "\n".join([line, *_files(due, w)])


def purge_line(purged: Purged, w: Catalogue) -> str:
    """What purge did (or would do) by count, what it kept (a legal hold), and the files."""
    c, d = w["cli"], purged.deletion
    if purged.dry_run:
        first = c["purge_dry_run"].format(counted=counted(d, w))
    elif not d.total:
        first = c["purge_nothing"]
    else:
        first = c["purge_done"].format(counted=counted(d, w))
    return "\n".join([first, *_held(d, w), *_files(d, w)])
