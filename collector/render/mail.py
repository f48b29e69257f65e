"""The invitation e-mail in the question set's language: bokmål, nynorsk, Swedish, English.

What it must say comes from the routines: the conversation is voluntary and offered to
everyone who leaves (000, 002, 003); the questions come ahead so the employee can prepare
(000, 003); they choose who holds it and may bring a union representative (001, 003); they
may decline (001); who reads the answers (the employer's privacy notice) and how they are
protected. The words are in the catalogue's `mail` section; paragraphs are single lines, so
mail programs wrap them for the reader.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import quote

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


@dataclass(frozen=True)
class Mail:
    """One invitation e-mail, as text for the terminal, as an .eml (which Outlook opens as a
    new message ready to send), and as a mailto: link."""

    to: str | None
    subject: str
    body: str
    language: Language
    link: str

    @property
    def text(self) -> str:
        """To (when known) and Subject lines, a blank line, the body."""
        head = [f"To: {self.to}"] if self.to else []
        head.append(f"Subject: {self.subject}")
        return "\n".join(head) + "\n\n" + self.body

    def eml(self) -> bytes:
        """RFC 5322 with `X-Unsent: 1`, which Outlook opens as an unsent message from HR's
        own account (no From, no Date); plain text and HTML."""
        message = EmailMessage(policy=SMTP)
        message["X-Unsent"] = "1"
        if self.to:
            message["To"] = self.to
        message["Subject"] = self.subject
        message["Content-Language"] = self.language
        message.set_content(self.body)
        message.add_alternative(self.html(), subtype="html")
        return message.as_bytes()

    def html(self) -> str:
        """The body's paragraphs as HTML, the invitation link a link."""
        paragraphs = []
        for paragraph in self.body.strip().split("\n\n"):
            shown = html.escape(paragraph)
            link = html.escape(self.link)
            shown = shown.replace(link, f'<a href="{link}">{link}</a>')
            paragraphs.append("<p>" + shown.replace("\n", "<br>") + "</p>")
        return (
            f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.subject)}</title></head><body>"
            + "".join(paragraphs)
            + "</body></html>"
        )

    def mailto(self) -> str:
        """A mailto: link (RFC 6068) with the subject and body filled in."""
        to = quote(self.to or "", safe="@")
        return f"mailto:{to}?subject={quote(self.subject)}&body={quote(self.body)}"


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
    written: date | None = None,
) -> Mail:
    """The e-mail for one person, written on `written` (the day HR invited them: a last
    day before it is said as past).

    Every promise in it (who opens the answers, where they are kept and for how long, who
    may hold the conversation, the union representative, where to send the file, who may
    get what the employee writes about their tasks) comes from
    render/promises.py, as on the page. `receiver`: the build seals special answers to a
    whistleblowing receiver (employer.yml `whistleblowing_key`).
    """
    words = catalogue(language)["mail"]
    p = promises(employer, language, receiver=receiver)
    past = written is not None and last_day < written
    body = words["body"].format(
        name=name,
        employer=employer.name,
        last_day_sentence=words["last_day_was" if past else "last_day_is"].format(
            employer=employer.name, last_day=format_day(last_day, language)
        ),
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
    return Mail(to=email, subject=words["subject"], body=body, language=language, link=link)


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
) -> Mail:
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
        written=datetime.fromisoformat(invited.invited_at).date(),
    )


_MAILTO_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;"
    "line-height:1.5}li{margin:.5em 0}a{font-size:1.1em}"
)


def mailto_page(letters: list[tuple[str, Mail]], words: dict[str, str], language: str) -> str:
    """One page of mailto: links, one per (name, mail), for HR who prefer clicking to .eml.
    Self-contained, no script, no request (render/html.py)."""
    from .html import document

    items = [
        f'<li><a href="{html.escape(letter.mailto())}">'
        f"{html.escape(words['mailto_link'].format(name=name))}</a></li>"
        for name, letter in letters
    ]
    body = [
        f"<h1>{html.escape(words['mailto_title'])}</h1>",
        f"<p>{html.escape(words['mailto_intro'])}</p>",
        "<ul>",
        *items,
        "</ul>",
    ]
    return document(language, words["mailto_title"], _MAILTO_CSS, body)
