# ruff: noqa: E501 - the e-mail paragraphs are single lines on purpose (mail programs wrap)
"""The invitation e-mail in the question set's language: bokmål, nynorsk, Swedish, English.

What it must say comes from the routines: the conversation is voluntary and offered to
everyone who leaves (000, 002, 003); the questions come ahead so the employee can prepare
(000, 003); they choose who holds it and may bring a union representative (001, 003); they
may decline (001); who reads the answers (the employer's privacy notice) and how they are
protected. Paragraphs are single lines: mail programs wrap them for the reader.
"""

from __future__ import annotations

import os
from datetime import date

from .schema import Language

WHISTLEBLOWING_KEY_ENV = "SLUTTSAMTALE_WHISTLEBLOWING_KEY"
"""The site-build setting for the whistleblowing receiver's key; when HR has it set, the
mail must not say that only HR can open the answers (spec/FORMAT.md 7.1)."""

# The sentence that is no longer true with a whistleblowing receiver, and what replaces it.
_ONLY_HR = {
    "nb": (
        "og bare HR kan åpne svarene.",
        "og bare HR kan åpne svarene, unntatt svar på spørsmålene om særlig informasjon: dem kan bare arbeidsgiverens varslingsmottak åpne.",
    ),
    "nn": (
        "og berre HR kan opne svara.",
        "og berre HR kan opne svara, bortsett frå svar på spørsmåla om særleg informasjon: dei kan berre varslingsmottaket hos arbeidsgivaren opne.",
    ),
    "sv": (
        "och bara HR kan öppna svaren.",
        "och bara HR kan öppna svaren, utom svar på frågorna om särskild information: dem kan bara arbetsgivarens mottagare av visselblåsarärenden öppna.",
    ),
    "en": (
        "and only HR can open the answers.",
        "and only HR can open the answers, except answers to the special-information questions, which only the employer's whistleblowing receiver can open.",
    ),
}

_NB = {
    "subject": "Invitasjon til sluttsamtale",
    "body": """\
Hei {name},

Siste arbeidsdag hos {employer} er {last_day}. Vi vil gjerne høre om erfaringene dine, og inviterer deg derfor til en sluttsamtale. Samtalen er frivillig.

Du får spørsmålene på forhånd, slik at du kan forberede deg. Du finner dem her:
{link}

På siden kan du svare på så mange av spørsmålene du vil, velge hvem du vil ha samtalen med, og si om du vil ta med deg en tillitsvalgt. Vil du ikke ha sluttsamtale, kan du si nei på samme side.

Hvem leser svarene
{recipients}

Slik er svarene beskyttet
Svarene forsegles (krypteres) i nettleseren din med nøkkelen til HR før de forlater maskinen din. Ingenting leselig sendes fra enheten din, og bare HR kan åpne svarene. Siden forteller deg hvordan du sender de forseglede svarene til HR.

Med vennlig hilsen
HR, {employer}
""",
}

_NN = {
    "subject": "Invitasjon til sluttsamtale",
    "body": """\
Hei {name},

Siste arbeidsdagen din hos {employer} er {last_day}. Vi vil gjerne høyre om erfaringane dine, og inviterer deg difor til ein sluttsamtale. Samtalen er friviljug.

Du får spørsmåla på førehand, slik at du kan førebu deg. Du finn dei her:
{link}

På sida kan du svare på så mange av spørsmåla du vil, velje kven du vil ha samtalen med, og seie om du vil ta med deg ein tillitsvald. Vil du ikkje ha sluttsamtale, kan du seie nei på same sida.

Kven les svara
{recipients}

Slik er svara verna
Svara blir forsegla (krypterte) i nettlesaren din med nøkkelen til HR før dei forlèt maskina di. Ingenting leseleg blir sendt frå eininga di, og berre HR kan opne svara. Sida fortel deg korleis du sender dei forsegla svara til HR.

Med venleg helsing
HR, {employer}
""",
}

_SV = {
    "subject": "Inbjudan till avslutssamtal",
    "body": """\
Hej {name},

Din sista arbetsdag hos {employer} är {last_day}. Vi vill gärna höra om dina erfarenheter och bjuder därför in dig till ett avslutssamtal. Samtalet är frivilligt.

Du får frågorna i förväg så att du kan förbereda dig. Du hittar dem här:
{link}

På sidan kan du svara på så många av frågorna du vill, välja vem du vill ha samtalet med och ange om du vill ta med en facklig företrädare. Om du inte vill ha något avslutssamtal kan du tacka nej på samma sida.

Vem läser svaren
{recipients}

Så skyddas svaren
Svaren förseglas (krypteras) i din webbläsare med HR:s nyckel innan de lämnar din dator. Inget läsbart skickas från din enhet, och bara HR kan öppna svaren. Sidan visar hur du skickar de förseglade svaren till HR.

Vänliga hälsningar
HR, {employer}
""",
}

_EN = {
    "subject": "Invitation to an exit interview",
    "body": """\
Dear {name},

Your last working day at {employer} is {last_day}. We would like to hear about your experience, and so we invite you to an exit interview. The interview is voluntary.

You get the questions in advance, so that you can prepare. You find them here:
{link}

On that page you can answer as many of the questions as you like, choose who you would like to hold the interview, and say whether you want to bring a union representative. If you would rather not have an exit interview, you can decline on the same page.

Who reads your answers
{recipients}

How your answers are protected
Your answers are sealed (encrypted) in your browser with HR's key before they leave your computer. Nothing readable is sent from your device, and only HR can open the answers. The page tells you how to send the sealed answers to HR.

Kind regards
HR, {employer}
""",
}

TEXTS: dict[Language, dict[str, str]] = {"nb": _NB, "nn": _NN, "sv": _SV, "en": _EN}
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


def render(
    language: Language,
    *,
    name: str,
    email: str | None,
    employer: str,
    last_day: date,
    recipients: str,
    link: str,
    whistleblowing: bool | None = None,
) -> str:
    """The e-mail as text: To (when known) and Subject lines, a blank line, the body.

    `whistleblowing`: whether the site seals special answers to a whistleblowing receiver;
    by default, whether SLUTTSAMTALE_WHISTLEBLOWING_KEY is set (as for the site build).
    """
    words = TEXTS[language]
    if whistleblowing is None:
        whistleblowing = bool(os.environ.get(WHISTLEBLOWING_KEY_ENV))
    template = words["body"]
    if whistleblowing:
        only_hr, with_channel = _ONLY_HR[language]
        assert only_hr in template, language  # the texts above and below must agree
        template = template.replace(only_hr, with_channel)
    body = template.format(
        name=name,
        employer=employer,
        last_day=format_day(last_day, language),
        link=link,
        recipients=" ".join(recipients.split()),
    )
    head = [f"To: {email}"] if email else []
    head.append(f"Subject: {words['subject']}")
    return "\n".join(head) + "\n\n" + body
