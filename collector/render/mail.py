"""The invitation e-mail in the question set's language: bokmål, nynorsk, Swedish, English.

What it must say comes from the routines: the conversation is voluntary and offered to
everyone who leaves (000, 002, 003); the questions come ahead so the employee can prepare
(000, 003); they choose who holds it and may bring a union representative (001, 003); they
may decline (001); who reads the answers (the employer's privacy notice) and how they are
protected. The words are in the catalogue's `mail` section; paragraphs are single lines, so
mail programs wrap them for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model.employer import Employer
from ..model.loading import Catalog
from ..model.records import InvitationRecord
from ..words import Language, catalogue
from .promises import promises

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_day(day: date, language: Language) -> str:
    """A date as people write it in each language."""
    if language in ("nb", "nn"):
        return day.strftime("%d.%m.%Y")
    if language == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.isoformat()  # Swedish writes 2026-06-30


@dataclass(frozen=True)
class SiteCheck:
    """What the employee can check the page against, given out of band in the e-mail."""

    fingerprint: str
    """HR's key fingerprint, as the page shows it."""
    digest: str | None
    """The site digest of the build (spec/FORMAT.md 16), if HR's build is at hand."""


def render(
    language: Language,
    *,
    name: str,
    email: str | None,
    employer: Employer,
    last_day: date,
    recipients: str,
    link: str,
    receiver: bool,
    check: SiteCheck | None = None,
) -> str:
    """The e-mail as text: To (when known) and Subject lines, a blank line, the body.

    Every promise in it (who opens the answers, where they are kept and for how long, who
    may hold the conversation, the union representative, where to send the file, who may
    get what the employee writes about their tasks) comes from
    render/promises.py, as on the page. `receiver`: the build seals special answers to a
    whistleblowing receiver (employer.yml `whistleblowing_key`).
    """
    words = catalogue(language)["mail"]
    p = promises(employer, language, receiver=receiver)
    body = words["body"].format(
        name=name,
        employer=employer.name,
        last_day=format_day(last_day, language),
        link=link,
        recipients=" ".join(f"{recipients} {p.posting}".split()),
        interviewers=p.interviewers,
        union=p.union,
        who_opens=p.who_opens,
        personnel=p.personnel,
        retention=p.retention,
        send_to=p.send_to if employer.return_address else words["send_to_page"],
        check=_check_text(words, check),
    )
    head = [f"To: {email}"] if email else []
    head.append(f"Subject: {words['subject']}")
    return "\n".join(head) + "\n\n" + body


def _check_text(words: dict[str, str], check: SiteCheck | None) -> str:
    if check is None:
        return ""
    text = words["check_fingerprint"].format(fingerprint=check.fingerprint)
    if check.digest:
        text += " " + words["check_digest"].format(digest=check.digest)
    return "\n\n" + text


def invitation(
    invited: InvitationRecord,
    catalog: Catalog,
    link: str,
    *,
    receiver: bool,
    check: SiteCheck | None = None,
) -> str:
    """The e-mail for one stored invitation, in its set's language."""
    qset = catalog.latest_of(invited.set_id)
    assert qset is not None and qset.privacy is not None
    return render(
        qset.language,
        name=invited.name,
        email=invited.email,
        employer=catalog.employer,
        last_day=date.fromisoformat(invited.last_day),
        recipients=qset.privacy.recipients,
        link=link,
        receiver=receiver,
        check=check,
    )
