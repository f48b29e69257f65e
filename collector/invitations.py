"""Invitations: leavers in (one on the command line, or a CSV as HR systems export it),
personal links and ready-to-send e-mails out, and where each invitation stands.

The link carries everything in the URL fragment (after "#"), which browsers never send to
a web server, so names and dates stay out of server logs (spec/FORMAT.md, "Invitation
links"). The invitation itself is HR's own administrative record and is stored in clear;
the answers stay sealed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from . import invitation_mail
from .clock import iso
from .errors import SluttsamtaleError
from .questionnaires import Catalog
from .retention import invitation_delete_by
from .schema import SHORT_TEXT_MAX, QuestionSet
from .store import Invitation, InvitationState

TOKEN_BYTES = 16  # 22 characters of base64url: the payload allows 16 to 64
LINK_FIELDS = ("name", "position", "workplace", "department", "employed_from", "last_day")
"""The facts a link may prefill, in link order after `token`; each is a question's `prefill`."""

# HR systems export in the local language; these are the headings seen in Norwegian and
# Swedish exports, folded to lowercase ASCII with "_" between words.
_ALIASES: dict[str, str] = {
    alias: name
    for name, aliases in {
        "name": ("name", "navn", "namn", "full_name", "fullt_navn", "fullstendig_navn"),
        "email": ("email", "e_mail", "e_post", "epost", "mail", "e_postadresse", "e_postadress"),
        "position": ("position", "stilling", "befattning", "tittel", "title", "job_title"),
        "workplace": ("workplace", "arbeidssted", "arbeidsstad", "arbetsplats"),
        "department": ("department", "avdeling", "avdelning", "enhet", "enhet_avdelning"),
        "employed_from": (
            "employed_from",
            "ansatt_dato",
            "ansatt_fra",
            "tilsett_dato",
            "tilsett_fra",
            "anstalld_from",
            "anstalld_fr_o_m",
            "startdato",
            "start_date",
        ),
        "last_day": (
            "last_day",
            "sluttdato",
            "siste_arbeidsdag",
            "siste_dag",
            "anstalld_tom",
            "anstalld_t_o_m",
            "slutdatum",
            "sista_arbetsdag",
            "end_date",
        ),
        "set": ("set", "sett", "question_set", "sporsmalssett", "sporreskjema", "skjema"),
    }.items()
    for alias in aliases
}
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "Æ": "ae", "Ø": "o"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class InvitationError(SluttsamtaleError):
    """A leaver, a CSV file or an address that cannot make an invitation."""


@dataclass(frozen=True)
class Leaver:
    """One person to invite, checked. `where` names the row for messages."""

    where: str
    set_id: str
    name: str
    last_day: date
    email: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: date | None = None


@dataclass
class CsvLeavers:
    leavers: list[Leaver] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Headings not used (an HR export has employee numbers and the like)."""


# --------------------------------------------------------------------------- reading


def fold(text: str) -> str:
    """Lowercase ASCII words joined by "_": "Anställd t.o.m." -> "anstalld_t_o_m"."""
    text = unicodedata.normalize("NFKD", text.strip().translate(_FOLD).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def read_csv(path: Path, default_set: str | None, catalog: Catalog) -> CsvLeavers:
    """Every row of a leavers CSV, checked; the first bad row raises, naming file and row."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InvitationError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        raise InvitationError(
            f'{path}: is not UTF-8 text; in Excel, save it as "CSV UTF-8"'
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvitationError(f"{path}: is empty; the first row must hold the column headings")
    header = lines[0]
    delimiter = max(";,\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headings = next(reader)
    columns: dict[int, str] = {}
    out = CsvLeavers()
    for i, heading in enumerate(headings):
        name = _ALIASES.get(fold(heading))
        if name is None:
            if heading.strip():
                out.ignored.append(heading.strip())
            continue
        if name in columns.values():
            raise InvitationError(f"{path}: row 1: two columns are {name!r}")
        columns[i] = name
    for needed in ("name", "last_day"):
        if needed not in columns.values():
            raise InvitationError(
                f"{path}: row 1: no {needed!r} column; the headings must include name and "
                "last_day (or e.g. navn and sluttdato)"
            )
    seen: dict[tuple[str, date], str] = {}
    for cells in reader:
        where = f"row {reader.line_num}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(headings):
            raise InvitationError(
                f"{path}: {where}: has {len(cells)} fields, but the headings have {len(headings)}"
            )
        values = {name: cells[i] for i, name in columns.items()}
        try:
            leaver = check_leaver(values, where, default_set, catalog)
        except InvitationError as e:
            raise InvitationError(f"{path}: {e}") from None
        person = (leaver.name.casefold(), leaver.last_day)
        if person in seen:
            raise InvitationError(f"{path}: {where}: the same person as {seen[person]}")
        seen[person] = where
        out.leavers.append(leaver)
    if not out.leavers:
        raise InvitationError(f"{path}: has headings but no leavers")
    return out


def check_leaver(
    values: dict[str, str | None], where: str, default_set: str | None, catalog: Catalog
) -> Leaver:
    """One leaver from raw texts; InvitationError starts with `where`."""
    clean = {k: (v or "").strip() for k, v in values.items()}
    set_id = clean.get("set") or default_set
    if not set_id:
        raise InvitationError(f"{where}: no question set; name one with --set or a 'set' column")
    if _latest(catalog, set_id) is None:
        known = ", ".join(sorted({q.id for q in catalog.latest()}))
        raise InvitationError(f"{where}: no question set {set_id!r}; the sets are {known}")
    for name, text in clean.items():
        if len(text) > SHORT_TEXT_MAX or _CONTROL.search(text):
            raise InvitationError(
                f"{where}: {name} is longer than {SHORT_TEXT_MAX} characters or holds a "
                "control character"
            )
    if not clean.get("name"):
        raise InvitationError(f"{where}: the name is empty")
    email = clean.get("email") or None
    if email is not None and not _EMAIL.fullmatch(email):
        raise InvitationError(f"{where}: {email!r} is not an e-mail address")
    last_day = _date(clean.get("last_day"), "last_day", where)
    if last_day is None:
        raise InvitationError(f"{where}: the last working day (last_day) is empty")
    employed_from = _date(clean.get("employed_from"), "employed_from", where)
    if employed_from is not None and employed_from > last_day:
        raise InvitationError(f"{where}: employed_from is after last_day")
    return Leaver(
        where=where,
        set_id=set_id,
        name=clean["name"],
        last_day=last_day,
        email=email,
        position=clean.get("position") or None,
        workplace=clean.get("workplace") or None,
        department=clean.get("department") or None,
        employed_from=employed_from,
    )


def _date(text: str | None, name: str, where: str) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvitationError(f"{where}: {name} {text!r} is not a date; write 2026-06-30 or 30.06.2026")


def _latest(catalog: Catalog, set_id: str) -> QuestionSet | None:
    return next((q for q in catalog.latest() if q.id == set_id), None)


# --------------------------------------------------------------------------- making


def check_base_url(url: str | None) -> str:
    """The answering site's address without a trailing "/"; the page needs a secure origin."""
    if not url:
        raise InvitationError(
            "no site address; give the answering site's address with --base-url or "
            "SLUTTSAMTALE_BASE_URL, e.g. https://hr.example.org/sluttsamtale"
        )
    parts = urlsplit(url.strip())
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme not in ("https", "file") and not local:
        raise InvitationError(
            f"{url!r}: the site's address must start with https:// (the page cannot seal "
            "answers over plain http)"
        )
    if parts.query or parts.fragment or parts.path.endswith(".html"):
        raise InvitationError(f"{url!r}: give the site's base address, without a page, '?' or '#'")
    return url.strip().rstrip("/")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def make(leavers: Iterable[Leaver], catalog: Catalog, now: datetime) -> list[Invitation]:
    out = []
    for leaver in leavers:
        qset = _latest(catalog, leaver.set_id)
        assert qset is not None and qset.privacy is not None  # checked in check_leaver
        out.append(
            Invitation(
                token=new_token(),
                set_id=qset.id,
                language=qset.language,
                name=leaver.name,
                last_day=leaver.last_day.isoformat(),
                invited_at=iso(now),
                delete_by=invitation_delete_by(
                    leaver.last_day, qset.privacy.retention_months
                ).isoformat(),
                email=leaver.email,
                position=leaver.position,
                workplace=leaver.workplace,
                department=leaver.department,
                employed_from=leaver.employed_from.isoformat() if leaver.employed_from else None,
            )
        )
    return out


def link(base_url: str, invitation: Invitation) -> str:
    """`<base>/sets/<set-id>.html#token=...&name=...`: every value percent-encoded (UTF-8)."""
    params = [("token", invitation.token)]
    params += [(f, getattr(invitation, f)) for f in LINK_FIELDS if getattr(invitation, f)]
    fragment = "&".join(f"{k}={quote(v, safe='')}" for k, v in params)
    return f"{base_url}/sets/{invitation.set_id}.html#{fragment}"


def mail(invitation: Invitation, catalog: Catalog, url: str) -> str:
    qset = _latest(catalog, invitation.set_id) or next(
        q for q in catalog.sets.values() if q.id == invitation.set_id
    )
    assert qset.privacy is not None
    return invitation_mail.render(
        qset.language,
        name=invitation.name,
        email=invitation.email,
        employer=catalog.employer.name,
        last_day=date.fromisoformat(invitation.last_day),
        recipients=qset.privacy.recipients,
        link=url,
    )


def slug(name: str) -> str:
    return fold(name).replace("_", "-")[:48].strip("-") or "invitation"


def prepare_folder(folder: Path) -> None:
    """Make the e-mail folder before anything is stored, so a bad --out stores nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InvitationError(f"{folder}: cannot be created ({e.strerror})") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InvitationError(f"{folder}: is not a folder that can be written")


def write_mail(folder: Path, invitation: Invitation, text: str) -> Path:
    """DIR/<name-slug>.txt, or -2, -3 ...: created exclusively, never over another file."""
    folder.mkdir(parents=True, exist_ok=True)
    base = slug(invitation.name)
    for n in range(1, 1000):
        path = folder / (f"{base}.txt" if n == 1 else f"{base}-{n}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as e:
            raise InvitationError(f"{path}: cannot be written ({e.strerror})") from None
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return path
    raise InvitationError(f"{folder}: too many e-mails for {base!r} already")


# --------------------------------------------------------------------------- where they stand

SHORT_TOKEN = 8


def state(entry: InvitationState, today: date) -> tuple[str, str | None]:
    """("answered" | "declined" | "overdue" | "not yet", the day it happened)."""
    answered = [m for m in entry.responses if not m.declined]
    if answered:
        return "answered", answered[-1].sealed_on
    declined = [m.sealed_on for m in entry.responses if m.declined]
    if entry.invitation.declined_on:
        declined.append(entry.invitation.declined_on)
    if declined:
        return "declined", min(declined)
    if today > date.fromisoformat(entry.invitation.last_day):
        return "overdue", None
    return "not yet", None


def find(entries: list[InvitationState], query: str) -> InvitationState:
    """The one invitation a token, its first characters (6 or more) or a name points to."""
    wanted = query.strip()
    if not wanted:
        raise InvitationError("give an invitation's code or the person's name")
    hits = [e for e in entries if e.invitation.token == wanted]
    if not hits and len(wanted) >= 6:
        hits = [e for e in entries if e.invitation.token.startswith(wanted)]
    if not hits:
        hits = [e for e in entries if e.invitation.name.casefold() == wanted.casefold()]
    if not hits:
        raise InvitationError(f"no invitation has the code or name {wanted!r}")
    if len(hits) > 1:
        raise InvitationError(
            f"{len(hits)} invitations match {wanted!r}; give the code that "
            "`sluttsamtale status` shows"
        )
    return hits[0]


@dataclass(frozen=True)
class StatusRow:
    state: str
    day: str | None
    invitation: Invitation

    def as_dict(self) -> dict[str, str | None]:
        inv = self.invitation
        return {
            "status": self.state,
            "since": self.day,
            "name": inv.name,
            "department": inv.department,
            "last_day": inv.last_day,
            "set": inv.set_id,
            "invited_at": inv.invited_at,
            "code": inv.token,
        }


def status_rows(entries: list[InvitationState], today: date) -> list[StatusRow]:
    """By last working day, the overdue (last day passed, no answer) first."""
    rows = [StatusRow(*state(e, today), e.invitation) for e in entries]
    return sorted(
        rows,
        key=lambda r: (r.state != "overdue", r.invitation.last_day, r.invitation.name.casefold()),
    )


def status_table(rows: list[StatusRow]) -> str:
    if not rows:
        return "No invitations yet (sluttsamtale invite)."
    header = ("STATUS", "LAST DAY", "NAME", "DEPARTMENT", "SET", "CODE")
    lines = [
        (
            r.state + (f" {r.day}" if r.day else ""),
            r.invitation.last_day,
            r.invitation.name,
            r.invitation.department or "",
            r.invitation.set_id,
            r.invitation.token[:SHORT_TOKEN],
        )
        for r in rows
    ]
    return _columns(header, lines)


def summary(rows: list[StatusRow]) -> str:
    counts = {
        s: sum(r.state == s for r in rows) for s in ("overdue", "not yet", "answered", "declined")
    }
    noun = "invitation" if len(rows) == 1 else "invitations"
    return f"{len(rows)} {noun}: " + ", ".join(f"{n} {s}" for s, n in counts.items())


def _columns(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    out = []
    for r in [header, *rows]:
        cells = [c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
