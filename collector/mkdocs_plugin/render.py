"""Pure HTML from models: a question set's page, its JSON config, the landing page lists.

Nothing here reads files or knows MkDocs; every piece of text passes html.escape, and the
one JSON block is escaped so no "</script" or "<!--" can end it early.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from ..formats.keys import PublicKey, fingerprint
from ..model.employer import Employer
from ..model.questionset import (
    DECLINE_REASON_MAX,
    OTHER_TEXT_MAX,
    TEXT_TYPES,
    PrivacyNotice,
    Question,
    QuestionSet,
)
from ..model.wording import expected as expected_wording
from ..render.promises import Promises, promises
from ..words import Language
from . import i18n
from .render_form import error_summary, esc, form, paragraph_texts, paragraphs, readers_group

CONFIG_ID = "sluttsamtale-config"


@dataclass(frozen=True)
class Link:
    """A link to a page in a given language, for the landing page's lists."""

    text: str
    url: str
    language: Language


# --------------------------------------------------------------------------- JSON config


def json_script(data: Any, element_id: str) -> str:
    """A JSON data block. "<", ">" and "&" become \\u escapes, which JSON reads back as is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def _question_data(q: Question, section: int) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type.value,
        "required": q.required,
        "show_if": q.show_if.model_dump() if q.show_if else None,
        "options": [o.value for o in q.options] if q.options else None,
        "other": q.other,
        "scale": q.scale.model_dump() if q.scale else None,
        "text_limit": q.text_limit if q.type in TEXT_TYPES else None,
        "prefill": q.prefill,
        "special": q.special,
        "section": section,
    }


def key_data(key: PublicKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "public_key": base64.b64encode(key.raw).decode("ascii"),
        "fingerprint": fingerprint(key.key_id),
        "demo": key.demo,
    }


def page_config(
    qset: QuestionSet,
    key: PublicKey,
    whistleblowing: PublicKey | None = None,
    return_address: str | None = None,
) -> dict[str, Any]:
    """Everything form.js and payload.js need, in one object."""
    return {
        "questionnaire": {
            "id": qset.id,
            "version": qset.version,
            "language": qset.language,
            "title": qset.title,
        },
        "sections": [{"id": s.id, "title": s.title} for s in qset.sections],
        "wording": expected_wording(qset),
        "questions": [
            _question_data(q, i) for i, s in enumerate(qset.sections) for q in s.questions
        ],
        "limits": {"other": OTHER_TEXT_MAX, "decline_reason": DECLINE_REASON_MAX},
        "key": key_data(key),
        # The receiver of special answers (spec/FORMAT.md 7.1), or null: HR gets them all.
        "whistleblowing_key": key_data(whistleblowing) if whistleblowing else None,
        "return_address": return_address,
        "ui": i18n.script_text(qset.language),
    }


# --------------------------------------------------------------------------- page parts

_PRIVACY_FIELDS = (
    "controller",
    "contact",
    "purpose",
    "legal_basis",
    "recipients",
    "invitations",
    "special_categories",
    "retention",
    "rights",
    "automated_decisions",
    "complaints",
)


def demo_warning(t: dict[str, str]) -> str:
    return (
        '<div class="sl-demo" data-sl-demo>'
        f'<p class="sl-demo__title"><strong>{esc(t["demo_title"])}</strong></p>'
        f"<p>{esc(t['demo_text'])}</p></div>"
    )


def privacy(notice: PrivacyNotice, t: dict[str, str], p: Promises) -> str:
    """The employer's notice, with what the configuration decides written from it: who can
    open the answers (the receiver a recipient when there is one), that one choice lets the
    words about the tasks reach the manager who writes the next posting, and, unless the
    notice says it itself, where the answers are kept and for how long."""
    texts = {name: getattr(notice, name) for name in _PRIVACY_FIELDS}
    texts["recipients"] = f"{notice.recipients}\n\n{p.who_opens}\n\n{p.posting}"
    if notice.retention is None:
        texts["retention"] = f"{p.personnel} {p.retention}"
    rows = "".join(
        f"<dt>{esc(t['privacy_' + name])}</dt><dd>{paragraphs(texts[name])}</dd>"
        for name in _PRIVACY_FIELDS
    )
    return (
        '<section class="sl-privacy" aria-labelledby="sl-privacy-title">'
        f'<h2 id="sl-privacy-title">{esc(t["privacy_title"])}</h2>'
        f'<dl class="sl-privacy__list">{rows}</dl></section>'
    )


def key_facts(
    key: PublicKey,
    t: dict[str, str],
    protection_url: str | None,
    language: Language,
) -> str:
    """The fingerprint, on the start: short, so the first question stays on the first screen;
    what it means is in the disclosure (key_help)."""
    link = (
        f' <a href="{esc(protection_url)}" hreflang="{language}">{esc(t["protection_link"])}</a>'
        if protection_url
        else ""
    )
    return (
        '<p class="sl-key">'
        f'<span id="sl-fingerprint-label">{esc(t["fingerprint_label"])}</span>: '
        f'<code class="sl-fingerprint">{esc(fingerprint(key.key_id))}</code>.{link}</p>'
    )


def key_help(t: dict[str, str], whistleblowing: PublicKey | None) -> str:
    return (
        f'<div class="sl-key-help"><p class="sl-hint">{esc(t["fingerprint_help"])}</p>'
        f"{_receiver_facts(whistleblowing, t) if whistleblowing else ''}</div>"
    )


def start_facts(qset: QuestionSet, t: dict[str, str], p: Promises) -> str:
    """How much there is, that it is voluntary (only when no question is required), and who
    opens the answers: what a person needs to decide to begin."""
    questions = len(qset.questions())
    size = t["start_size"].format(questions=questions, parts=len(qset.sections))
    voluntary = "" if any(q.required for q in qset.questions()) else f" {t['start_voluntary']}"
    return (
        f'<p class="sl-start__facts" data-sl-start-facts>{esc(size + voluntary)} '
        f"{esc(t['start_draft'])} {esc(p.who_opens)}</p>"
    )


def about(
    qset: QuestionSet, t: dict[str, str], p: Promises, whistleblowing: PublicKey | None
) -> str:
    """The privacy notice and the promises, one click away: a disclosure that opens in
    place (GOV.UK's details), printed in full after the questions."""
    assert qset.privacy is not None, "the loader fills in the employer's privacy notice"
    # The introduction's first paragraph opens the page; the rest are here, one click away,
    # so the first question is on a phone's first screen.
    more = paragraphs("\n\n".join(paragraph_texts(qset.introduction)[1:]), "sl-intro")
    return (
        '<details class="sl-about" data-sl-about>'
        f'<summary class="sl-about__summary"><span>{esc(t["about_summary"])}</span></summary>'
        f'<div class="sl-about__body">{more}{promise_block(p)}{key_help(t, whistleblowing)}'
        f"{privacy(qset.privacy, t, p)}</div></details>"
    )


def _receiver_facts(key: PublicKey, t: dict[str, str]) -> str:
    return (
        f"<p data-sl-wb-key>{esc(t['wb_fingerprint_label'])}: "
        f'<code class="sl-fingerprint">{esc(fingerprint(key.key_id))}</code></p>'
        f'<p class="sl-hint">{esc(t["wb_fingerprint_help"])}</p>'
    )


def promise_block(p: Promises) -> str:
    """The promises about the conversation and the answers, before the first question."""
    return (
        '<div class="sl-promises" data-sl-promises>'
        f"<p>{esc(p.interviewers)} {esc(p.union)}</p>"
        f"<p>{esc(p.who_opens)} {esc(p.personnel)} {esc(p.retention)}</p></div>"
    )


def link_note(t: dict[str, str]) -> str:
    """Shown by form.js: what an invitation link means for this browser, or what answering
    without one means. Both hidden without scripts (then nothing can be sealed anyway)."""
    return (
        '<div class="sl-link-note">'
        f'<p class="sl-inset" data-sl-link-history hidden>{esc(t["link_history"])}</p>'
        f'<p class="sl-inset" data-sl-not-invited hidden>{esc(t["not_invited"])}</p></div>'
    )


def alerts(t: dict[str, str]) -> str:
    return (
        f'<noscript><div class="sl-alert"><p>{esc(t["noscript"])}</p></div></noscript>'
        '<div class="sl-alert" data-sl-unsupported role="alert" hidden>'
        f'<h2 class="sl-alert__title">{esc(t["unsupported_title"])}</h2>'
        f"<p>{esc(t['unsupported_text'])}</p></div>"
    )


def _password(input_id: str, label: str, hint: str | None) -> str:
    hint_html = f'<div class="sl-hint" id="{input_id}--hint">{esc(hint)}</div>' if hint else ""
    described = f' aria-describedby="{input_id}--hint"' if hint else ""
    return (
        '<div class="sl-question">'
        f'<label class="sl-label" for="{input_id}">{esc(label)}</label>{hint_html}'
        f'<p class="sl-error-message" id="{input_id}--error" data-sl-error hidden></p>'
        f'<input class="sl-input sl-input--pass" type="password" id="{input_id}" '
        f'autocomplete="off" spellcheck="false"{described}></div>'
    )


def restore_panel(t: dict[str, str]) -> str:
    return (
        '<form class="sl-panel" data-sl-restore novalidate autocomplete="off" '
        'aria-labelledby="sl-restore-title" hidden>'
        f'<h2 id="sl-restore-title">{esc(t["restore_title"])}</h2>'
        "<p data-sl-restore-when></p>"
        f"{_password('sl-restore-pass', t['passphrase'], None)}"
        '<div class="sl-buttons">'
        f'<button type="button" class="sl-button" data-sl-restore-go>{esc(t["restore"])}</button>'
        '<button type="button" class="sl-button sl-button--secondary" data-sl-restore-erase>'
        f"{esc(t['erase_it'])}</button></div></form>"
    )


def toolbar(t: dict[str, str]) -> str:
    return (
        f'<div class="sl-toolbar" role="group" aria-label="{esc(t["tools_label"])}" '
        "data-sl-toolbar hidden>"
        '<button type="button" class="sl-button sl-button--secondary" data-sl-print>'
        f"{esc(t['print'])}</button>"
        '<button type="button" class="sl-button sl-button--secondary" data-sl-erase-all>'
        f"{esc(t['erase_all'])}</button></div>"
    )


def save_panel(t: dict[str, str]) -> str:
    return (
        '<form class="sl-panel" id="sl-save-panel" data-sl-save-panel novalidate '
        'autocomplete="off" aria-labelledby="sl-save-title" hidden>'
        f'<h2 id="sl-save-title">{esc(t["save_title"])}</h2>'
        f"<p>{esc(t['save_text'])} {esc(t['save_text_auto'])}</p>"
        '<div class="sl-warning" data-sl-save-exists hidden>'
        '<span class="sl-warning__icon" aria-hidden="true">!</span>'
        f'<p><strong><span class="sl-visually-hidden">{esc(t["warning"])} </span>'
        "<span data-sl-save-exists-text></span></strong></p></div>"
        f"{_password('sl-save-pass', t['passphrase'], t['passphrase_hint'])}"
        f"{_password('sl-save-pass2', t['passphrase_again'], None)}"
        '<div class="sl-buttons">'
        f'<button type="button" class="sl-button" data-sl-save-go>{esc(t["save"])}</button>'
        '<button type="button" class="sl-button sl-button--secondary" data-sl-save-cancel>'
        f"{esc(t['cancel'])}</button></div></form>"
    )


def decline(t: dict[str, str]) -> str:
    reason = (
        '<div class="sl-question">'
        f'<label class="sl-label" for="sl-decline-reason">{esc(t["decline_reason"])} '
        f'<span class="sl-optional">{esc(t["optional"])}</span></label>'
        f'<div class="sl-hint" id="sl-decline-reason--hint">{esc(t["decline_reason_hint"])}</div>'
        '<p class="sl-error-message" id="sl-decline-reason--error" data-sl-error hidden></p>'
        '<textarea class="sl-textarea" id="sl-decline-reason" rows="4" '
        'aria-describedby="sl-decline-reason--hint"></textarea></div>'
    )
    return (
        '<section class="sl-decline" aria-labelledby="sl-decline-title" data-sl-decline hidden>'
        f'<h2 id="sl-decline-title">{esc(t["decline_title"])}</h2>'
        f"<p>{esc(t['decline_text'])}</p>"
        '<button type="button" class="sl-button sl-button--secondary" data-sl-decline-toggle '
        f'aria-expanded="false" aria-controls="sl-decline-form">{esc(t["decline_toggle"])}'
        "</button>"
        '<form class="sl-panel" id="sl-decline-form" data-sl-decline-form novalidate '
        'autocomplete="off" hidden>'
        f"{error_summary(3, 'sl-decline-errors-title', t)}{reason}"
        f"{readers_group('sl-decline-readers', 'decline_readers', t)}"
        f'<button type="button" class="sl-button" data-sl-decline-seal>{esc(t["decline_seal"])}'
        "</button></form></section>"
    )


def send_to(p: Promises, t: dict[str, str], address: str | None) -> str:
    """Where to send the file; with an address, a mailto: link that form.js fills with the
    armored text (the text field below stays the way that always works)."""
    if address is None:
        return f"<p>{esc(p.send_to)}</p>"
    return (
        f"<p>{esc(p.send_to)} "
        f'<a class="sl-link" data-sl-mailto href="mailto:{esc(address)}">{esc(t["mail_link"])}'
        "</a></p>"
        f'<p class="sl-hint">{esc(t["mail_link_hint"])}</p>'
    )


def elsewhere_panel(t: dict[str, str]) -> str:
    """Shown when another tab or window saved or erased this set's draft: this tab stops
    saving until the employee chooses to take the draft over."""
    return (
        '<div class="sl-panel sl-elsewhere" data-sl-elsewhere aria-labelledby="sl-elsewhere-title" '
        'role="region" hidden>'
        f'<h2 id="sl-elsewhere-title" tabindex="-1">{esc(t["elsewhere_title"])}</h2>'
        f"<p>{esc(t['elsewhere_text'])}</p>"
        '<button type="button" class="sl-button" data-sl-take-over>'
        f"{esc(t['take_over'])}</button></div>"
    )


def result(
    key: PublicKey,
    t: dict[str, str],
    whistleblowing: PublicKey | None = None,
    p: Promises | None = None,
    address: str | None = None,
) -> str:
    """The confirmation: not sent yet, where and how to send it, what happens next, and a
    readable copy for the employee alone."""
    receiver = (
        f"<dt>{esc(t['wb_fingerprint_label'])}</dt>"
        f"<dd><code>{esc(fingerprint(whistleblowing.key_id))}</code></dd>"
        if whistleblowing
        else ""
    )
    return (
        '<section class="sl-result" data-sl-result aria-labelledby="sl-result-title" hidden>'
        f'<h2 id="sl-result-title" tabindex="-1" data-sl-result-title>{esc(t["result_title"])}'
        "</h2>"
        '<div class="sl-warning"><span class="sl-warning__icon" aria-hidden="true">!</span>'
        f'<p><strong><span class="sl-visually-hidden">{esc(t["warning"])} </span>'
        f"{esc(t['not_sent'])}</strong></p></div>"
        f'<h3 class="sl-result__step">{esc(t["send_title"])}</h3>'
        f"{send_to(p, t, address) if p else ''}"
        f"<p>{esc(t['result_text'])}</p>"
        f'<p><a class="sl-button" data-sl-download download>{esc(t["download"])}</a></p>'
        f'<p class="sl-filename-line">{esc(t["file_name"])}: '
        '<span class="sl-filename" data-sl-filename></span></p>'
        '<div class="sl-question">'
        f'<label class="sl-label" for="sl-armored">{esc(t["armored_label"])}</label>'
        f'<div class="sl-hint" id="sl-armored--hint">{esc(t["armored_hint"])}</div>'
        '<textarea class="sl-textarea sl-armored" id="sl-armored" rows="8" readonly '
        'spellcheck="false" aria-describedby="sl-armored--hint" data-sl-armored></textarea>'
        "</div>"
        '<p><button type="button" class="sl-button sl-button--secondary" data-sl-copy>'
        f"{esc(t['copy'])}</button></p>"
        '<dl class="sl-facts">'
        f"<dt>{esc(t['receipt_label'])}</dt><dd><code data-sl-receipt></code></dd>"
        f"<dt>{esc(t['fingerprint_label'])}</dt>"
        f"<dd><code>{esc(fingerprint(key.key_id))}</code></dd>{receiver}</dl>"
        f'<p class="sl-hint">{esc(t["receipt_hint"])}</p>'
        f'<h3 class="sl-result__step">{esc(t["next_title"])}</h3>'
        f"<p>{esc(t['next_text'])}</p>"
        f"{f'<p>{esc(p.who_opens)}</p>' if p else ''}"
        f'<h3 class="sl-result__step">{esc(t["own_copy_title"])}</h3>'
        f"<p>{esc(t['own_copy_text'])}</p>"
        '<p data-sl-own-copy-buttons><button type="button" class="sl-button sl-button--secondary" '
        f"data-sl-print-copy>{esc(t['print_copy'])}</button>"
        '<button type="button" class="sl-button sl-button--secondary" data-sl-save-copy>'
        f"{esc(t['save_copy'])}</button></p>"
        '<div class="sl-own-copy" data-sl-own-copy hidden></div>'
        f"<p data-sl-draft-erased hidden>{esc(t['draft_erased'])}</p>"
        '<p><button type="button" class="sl-button sl-button--secondary" data-sl-erase-draft '
        f"hidden>{esc(t['erase_draft'])}</button></p></section>"
    )


def set_page(
    qset: QuestionSet,
    key: PublicKey,
    protection_url: str | None,
    whistleblowing: PublicKey | None,
    employer: Employer,
) -> str:
    """The whole content of a question set's page (inside the theme's article): a short
    start, the questions, then the decline offer and the tools (shown by form.js on the
    start and the review only), and the result."""
    p = promises(employer, qset.language, receiver=whistleblowing is not None)
    t = i18n.text(qset.language)
    t = {
        **t,
        "readers_statistics_hint": p.statistics_groups,
        "readers_hr_and_interviewer_hint": f"{t['readers_hr_and_interviewer_hint']} {p.posting}",
    }
    address = employer.return_address
    start = (
        '<div class="sl-start" data-sl-start>'
        f"{paragraphs(paragraph_texts(qset.introduction)[0], 'sl-intro')}{start_facts(qset, t, p)}"
        f"{key_facts(key, t, protection_url, qset.language)}"
        f"{about(qset, t, p, whistleblowing)}</div>"
    )
    tools = f'<div class="sl-tools" data-sl-tools>{link_note(t)}{decline(t)}{toolbar(t)}</div>'
    parts = [
        f'<h1 id="sl-title">{esc(qset.title)}</h1>',
        demo_warning(t) if key.demo else "",
        start,
        alerts(t),
        restore_panel(t),
        elsewhere_panel(t),
        form(qset, t, whistleblowing is not None),
        save_panel(t),
        # Always on the page (not in the tools, which hide): what saving and erasing did.
        '<div class="sl-status" role="status" data-sl-status></div>',
        tools,
        result(key, t, whistleblowing, p, address),
        json_script(page_config(qset, key, whistleblowing, address), CONFIG_ID),
    ]
    return f'<div class="sl-root" data-sl-root>{"".join(parts)}</div>'


# --------------------------------------------------------------------------- landing page


def link_list(links: list[Link], css_class: str) -> str:
    """Links in their own language, each naming the language, so two sets with the same
    title (bokmål and nynorsk, say) never read as the same link."""
    items = "".join(
        f'<li lang="{link.language}"><a href="{esc(link.url)}" hreflang="{link.language}">'
        f"{esc(link.text)} "
        f'<span class="sl-language">({esc(i18n.LANGUAGE_NAMES[link.language])})</span></a></li>'
        for link in links
    )
    return f'<ul class="{esc(css_class)}">{items}</ul>'
