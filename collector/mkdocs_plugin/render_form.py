"""The form's HTML: one fieldset per section, one field (or group) per question.

Pure functions from models to HTML; every piece of text passes html.escape. Ids follow one
scheme so form.js and the tests can find things: the first control of question `q` is
`sl-q-q`, its options `sl-q-q-<value>`, and its parts `sl-q-q--hint`, `sl-q-q--error`,
`sl-q-q--other-text`. Identifiers never hold "-", so no two ids can collide.
"""

from __future__ import annotations

from html import escape

from ..model.questionset import TEXT_TYPES, Question, QuestionSet, QuestionType, Section

READERS: tuple[str, ...] = ("hr", "hr_and_interviewer", "statistics")
CONTACT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "text", "contact_name"),
    ("phone", "tel", "contact_phone"),
    ("email", "email", "contact_email"),
)
"""(field, input type, label key) of the contact details the receiver may be given."""


def esc(text: str) -> str:
    return escape(text, quote=True)


def number(n: int, t: dict[str, str]) -> str:
    """A whole number with the language's thousands separator (a no-break space in the
    Nordic languages, a comma in English), as Intl.NumberFormat writes it on the page."""
    return f"{n:,}".replace(",", t["thousands_separator"])


def paragraph_texts(text: str) -> list[str]:
    """The paragraphs of a YAML text: its parts between blank lines."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def paragraphs(text: str, cls: str | None = None) -> str:
    """Blank lines in YAML text become paragraphs; a single line break is where the YAML
    was wrapped, so it becomes a space (a sentence never breaks where the file did)."""
    attr = f' class="{esc(cls)}"' if cls else ""
    parts = paragraph_texts(text)
    return "".join(
        f"<p{attr}>{esc(' '.join(line.strip() for line in p.split(chr(10))))}</p>" for p in parts
    )


def _attrs(**attrs: str | None) -> str:
    """HTML attributes; None leaves one out, "" writes a bare boolean attribute."""
    out = []
    for name, value in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if value is None:
            continue
        out.append(f" {name}" if value == "" else f' {name}="{esc(value)}"')
    return "".join(out)


def _hint(hint_id: str, texts: list[str]) -> str:
    if not texts:
        return ""
    body = "".join(paragraphs(t) for t in texts)
    return f'<div class="sl-hint" id="{esc(hint_id)}">{body}</div>'


def _error(error_id: str) -> str:
    # Filled and shown by form.js; tied to its field with aria-describedby when shown.
    return f'<p class="sl-error-message" id="{esc(error_id)}" data-sl-error hidden></p>'


def _optional(q: Question, t: dict[str, str]) -> str:
    return "" if q.required else f' <span class="sl-optional">{esc(t["optional"])}</span>'


def _choice(
    kind: str, input_id: str, name: str, value: str, label: str, hint: str | None = None
) -> str:
    # Not "--hint": the first choice carries the group's own id, whose hint is the group's.
    hint_id = f"{input_id}--choice-hint" if hint else None
    control = (
        f'<input class="sl-choice__input"{_attrs(type=kind, id=input_id, name=name, value=value)}'
        f"{_attrs(aria_describedby=hint_id)}>"
    )
    label_html = f'<label class="sl-choice__label" for="{esc(input_id)}">{label}</label>'
    hint_html = (
        f'<div class="sl-choice__hint" id="{esc(hint_id)}">{esc(hint)}</div>'
        if hint_id and hint
        else ""
    )
    return f'<div class="sl-choice">{control}{label_html}{hint_html}</div>'


def _options(q: Question, t: dict[str, str]) -> list[tuple[str, str]]:
    """(value, label HTML) for every choice the question offers, in order."""
    if q.type is QuestionType.yes_no:
        return [("yes", esc(t["yes"])), ("no", esc(t["no"]))]
    if q.type is QuestionType.scale:
        assert q.scale is not None
        out = []
        for n in range(q.scale.min, q.scale.max + 1):
            end = (
                q.scale.min_label
                if n == q.scale.min
                else (q.scale.max_label if n == q.scale.max else None)
            )
            # The end labels are part of the radio's name; on screen they stand under the row
            # (sl-scale__ends), so the row of numbers fits on one line of a phone.
            hidden = f'<span class="sl-visually-hidden"> – {esc(end)}</span>' if end else ""
            label = f"{n}{hidden}"
            out.append((str(n), label))
        return out
    out = [(o.value, esc(o.label)) for o in q.options or []]
    if q.other:
        out.append(("other", esc(q.other_label or "")))
    return out


def _other_field(q: Question, t: dict[str, str]) -> str:
    base = f"sl-q-{q.id}"
    text_id = f"{base}--other-text"
    label = (
        f'<label class="sl-label" for="{esc(text_id)}">{esc(q.other_label or "")}'
        f'<span class="sl-visually-hidden"> – {esc(t["other_text_suffix"])}</span></label>'
    )
    control = (
        f'<input class="sl-input"{_attrs(type="text", id=text_id, name=f"{q.id}--other")}'
        f' data-sl-other-text="{esc(q.id)}">'
    )
    return (
        f'<div class="sl-other" id="{esc(base)}--other" data-sl-other="{esc(q.id)}" hidden>'
        f"{label}{_error(f'{base}--other-error')}{control}</div>"
    )


def _group(q: Question, t: dict[str, str], hint_texts: list[str]) -> str:
    base = f"sl-q-{q.id}"
    kind = "checkbox" if q.type is QuestionType.multiple_choice else "radio"
    items = []
    for i, (value, label) in enumerate(_options(q, t)):
        # The first control carries the question's id: the error summary links to it.
        input_id = base if i == 0 else f"{base}-{value}"
        items.append(_choice(kind, input_id, q.id, value, label))
    layout = "sl-choices sl-choices--scale" if q.type is QuestionType.scale else "sl-choices"
    other = _other_field(q, t) if q.other else ""
    ends = _scale_ends(q) if q.type is QuestionType.scale else ""
    hint_id = f"{base}--hint"
    return (
        f'<fieldset class="sl-fieldset"{_attrs(aria_describedby=hint_id if hint_texts else None)}>'
        f'<legend class="sl-legend">{esc(q.label)}{_optional(q, t)}</legend>'
        f"{_hint(hint_id, hint_texts)}{_error(f'{base}--error')}"
        f'<div class="{layout}">{"".join(items)}</div>{ends}{other}</fieldset>'
    )


def _scale_ends(q: Question) -> str:
    """What the ends of a scale mean, under its row; hidden from the accessibility tree
    because each end's radio already says it in its name."""
    assert q.scale is not None
    return (
        '<div class="sl-scale__ends" aria-hidden="true">'
        f"<span>{q.scale.min} – {esc(q.scale.min_label)}</span>"
        f"<span>{q.scale.max} – {esc(q.scale.max_label)}</span></div>"
    )


def _single(q: Question, t: dict[str, str], hint_texts: list[str]) -> str:
    base = f"sl-q-{q.id}"
    hint_id = f"{base}--hint" if hint_texts else None
    label = f'<label class="sl-label" for="{esc(base)}">{esc(q.label)}{_optional(q, t)}</label>'
    common = _attrs(id=base, name=q.id, aria_describedby=hint_id)
    if q.type is QuestionType.long_text:
        control = f'<textarea class="sl-textarea" rows="6"{common}></textarea>'
    elif q.type is QuestionType.date:
        # A text field with the format shown (GOV.UK's advice for a date a person knows):
        # the browser's own date picker writes mm/dd/yyyy on many Norwegian machines.
        control = f'<input class="sl-input sl-input--date" type="text" spellcheck="false"{common}>'
    else:
        control = f'<input class="sl-input" type="text"{common}>'
    count = (
        f'<div class="sl-count" id="{esc(base)}--count" data-sl-count="{esc(q.id)}" '
        'aria-live="polite"></div>'
        if q.type in TEXT_TYPES
        else ""
    )
    return f"{label}{_hint(f'{base}--hint', hint_texts)}{_error(f'{base}--error')}{control}{count}"


def question(q: Question, t: dict[str, str], whistleblowing: bool = False) -> str:
    hint_texts = [q.help] if q.help else []
    if q.special:
        # Said where the employee writes it, not only at the top of the page: who reads it.
        hint_texts.append(t["wb_question_hint"] if whistleblowing else t["special_hint_hr"])
    if q.type in TEXT_TYPES:
        # Every text has a limit (the collector's too): said before typing, not on Next.
        hint_texts.append(t["text_limit_hint"].format(max=number(q.text_limit, t)))
    if q.type is QuestionType.date:
        hint_texts.append(t["date_hint"])
    body = (
        _single(q, t, hint_texts)
        if q.type in TEXT_TYPES | {QuestionType.date}
        else _group(q, t, hint_texts)
    )
    return (
        f'<div class="sl-question" data-sl-question="{esc(q.id)}" '
        f'data-sl-type="{esc(q.type.value)}">'
        f"{body}</div>"
    )


def _section_open(index: int, title: str, extra_class: str = "", data: str = "") -> str:
    sid = f"sl-section-{index}"
    return (
        f'<fieldset class="sl-section{extra_class}" id="{sid}" data-sl-section="{index}"{data}>'
        f'<legend class="sl-section__legend"><h2 class="sl-section__title" id="{sid}--title" '
        f'tabindex="-1">{esc(title)}</h2></legend>'
    )


def section(
    index: int, s: Section, t: dict[str, str], whistleblowing: bool = False, contact: bool = False
) -> str:
    """One section; `contact`: the receiver's contact fields follow its questions."""
    intro = paragraphs(s.intro, "sl-section__intro") if s.intro else ""
    questions = "".join(question(q, t, whistleblowing) for q in s.questions)
    extra = contact_group(t) if contact else ""
    return f"{_section_open(index, s.title)}{intro}{questions}{extra}</fieldset>"


def contact_group(t: dict[str, str]) -> str:
    """How the whistleblowing receiver may reach the employee: all optional, sealed only to
    the receiver, and sent only with a report (payload.js)."""
    fields = []
    optional = f' <span class="sl-optional">{esc(t["optional"])}</span>'
    for name, kind, label in CONTACT_FIELDS:
        input_id = f"sl-contact-{name}"
        fields.append(
            '<div class="sl-question">'
            f'<label class="sl-label" for="{input_id}">{esc(t[label])}{optional}</label>'
            f"{_error(f'{input_id}--error')}"
            f'<input class="sl-input"{_attrs(type=kind, id=input_id, name=input_id)} '
            f'data-sl-contact="{name}" autocomplete="off" spellcheck="false"></div>'
        )
    return (
        '<div class="sl-question" data-sl-contact-group>'
        '<fieldset class="sl-fieldset" aria-describedby="sl-contact--hint">'
        f'<legend class="sl-legend">{esc(t["contact_legend"])}</legend>'
        f"{_hint('sl-contact--hint', [t['contact_hint']])}{''.join(fields)}</fieldset></div>"
    )


def readers_group(prefix: str, name: str, t: dict[str, str]) -> str:
    """The employee's choice of who may read the answers (required, so no "optional").
    `t` carries the hints already filled in (readers_statistics_hint names the group size)."""
    items = []
    for i, reader in enumerate(READERS):
        input_id = prefix if i == 0 else f"{prefix}-{reader}"
        items.append(
            _choice(
                "radio",
                input_id,
                name,
                reader,
                esc(t[f"readers_{reader}"]),
                t[f"readers_{reader}_hint"],
            )
        )
    return (
        f'<div class="sl-question" data-sl-readers="{name}">'
        f'<fieldset class="sl-fieldset" aria-describedby="{prefix}--hint">'
        f'<legend class="sl-legend">{esc(t["readers_legend"])}</legend>'
        f"{_hint(f'{prefix}--hint', [t['readers_hint']])}{_error(f'{prefix}--error')}"
        f'<div class="sl-choices">{"".join(items)}</div></fieldset></div>'
    )


def final_section(index: int, t: dict[str, str]) -> str:
    return (
        f"{_section_open(index, t['final_title'], ' sl-section--final', ' data-sl-final')}"
        f'<p class="sl-hint">{esc(t["review_hint"])}</p>'
        f'<div class="sl-review" data-sl-review></div>'
        f"{readers_group('sl-readers', 'readers', t)}"
        '<div class="sl-question sl-erase-after">'
        '<div class="sl-choice"><input class="sl-choice__input" type="checkbox" '
        'id="sl-erase-after" data-sl-erase-after checked>'
        f'<label class="sl-choice__label" for="sl-erase-after">{esc(t["erase_after_seal"])}'
        "</label></div></div></fieldset>"
    )


def error_summary(heading_level: int, heading_id: str, t: dict[str, str]) -> str:
    """Shown by form.js at the top of the section; focus moves to it."""
    h = f"h{heading_level}"
    return (
        f'<div class="sl-error-summary" data-sl-error-summary role="alert" tabindex="-1" '
        f'aria-labelledby="{heading_id}" hidden>'
        f'<{h} class="sl-error-summary__title" id="{heading_id}">'
        f"{esc(t['error_summary_title'])}</{h}>"
        f'<ul class="sl-error-summary__list" data-sl-error-list></ul></div>'
    )


def form(qset: QuestionSet, t: dict[str, str], whistleblowing: bool = False) -> str:
    total = len(qset.sections) + 1
    progress_text = t["progress"].format(n=1, total=total)
    progress = (
        f'<div class="sl-progress" data-sl-progress hidden>'
        f'<p class="sl-progress__text" id="sl-progress-text" data-sl-progress-text>'
        f"{esc(progress_text)}</p>"
        f'<progress class="sl-progress__bar" max="{total}" value="1" '
        f'aria-labelledby="sl-progress-text" data-sl-progress-bar></progress>'
        # Said when the employee moves to another part (the visible line is not live, so
        # it is not read twice on load).
        '<p class="sl-visually-hidden" aria-live="polite" data-sl-progress-live></p></div>'
    )
    # The contact fields follow the last special question, where the report is written.
    last_special = max(
        (i for i, s in enumerate(qset.sections) if any(q.special for q in s.questions)),
        default=-1,
    )
    sections = "".join(
        section(i, s, t, whistleblowing, contact=whistleblowing and i == last_special)
        for i, s in enumerate(qset.sections)
    )
    nav = (
        '<div class="sl-nav" data-sl-nav hidden>'
        f'<button type="button" class="sl-button sl-button--secondary" data-sl-back>'
        f"{esc(t['back'])}</button>"
        f'<button type="button" class="sl-button" data-sl-next>{esc(t["next"])}</button>'
        f'<button type="button" class="sl-button" data-sl-finish>{esc(t["finish"])}</button>'
        f'<button type="button" class="sl-button" data-sl-to-review hidden>{esc(t["to_review"])}'
        "</button>"
        # GOV.UK's "save and come back later", on every part; once saved, every change is.
        '<button type="button" class="sl-button sl-button--secondary" data-sl-save-toggle '
        f'aria-expanded="false" aria-controls="sl-save-panel">{esc(t["save_draft"])}</button>'
        '<p class="sl-autosaved" data-sl-autosaved hidden></p>'
        "</div>"
    )
    return (
        '<form class="sl-form" id="sl-questions" tabindex="-1" data-sl-form novalidate '
        'autocomplete="off">'
        f"{progress}{error_summary(2, 'sl-error-summary-title', t)}{sections}"
        f"{final_section(len(qset.sections), t)}{nav}</form>"
    )
