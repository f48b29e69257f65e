"""The page's words: the catalogue's `page` section with the shared `terms`, in the set's
language. Strings with `{name}` placeholders are filled in by render.py or by form.js."""

from __future__ import annotations

from ..words import LANGUAGES, Language, catalogue

SCRIPT_KEYS: tuple[str, ...] = (
    "progress",
    "error_prefix",
    "err_required_text",
    "err_required_choice",
    "err_required_multi",
    "err_too_long",
    "err_date",
    "err_readers",
    "yes",
    "no",
    "not_answered",
    "change",
    "change_hidden",
    "final_title",
    "count_left",
    "count_over",
    "date_format",
    "decline_reason",
    "contact_name",
    "contact_phone",
    "contact_email",
    "autosaved",
    "save_exists",
    "elsewhere_title",
    "download_declined",
    "own_copy_heading",
    "own_copy_note",
    "own_copy_file",
    "sealing",
    "seal_failed",
    "result_title",
    "result_declined_title",
    "copied",
    "copy_failed",
    "erased",
    "err_pass_short",
    "err_pass_mismatch",
    "saved",
    "save_failed",
    "restore_failed",
    "restore_saved_at",
    "err_wrong_pass",
    "restored",
    "mail_subject",
)
"""The strings form.js needs at run time; the rest are written into the HTML."""

LANGUAGE_NAMES: dict[Language, str] = {
    lang: catalogue(lang).terms["language_name"] for lang in LANGUAGES
}
"""Each language's name in that language, as a reader looks for it."""


THOUSANDS_SEPARATOR: dict[Language, str] = {
    "nb": "\u00a0",
    "nn": "\u00a0",
    "sv": "\u00a0",
    "en": ",",
}
"""As Intl.NumberFormat writes numbers on the page (a no-break space in the Nordic
languages), so a limit in a hint and in the live count read the same."""


def text(language: Language) -> dict[str, str]:
    words = catalogue(language)
    return {
        **words.terms,
        **words["page"],
        "thousands_separator": THOUSANDS_SEPARATOR[language],
    }


def script_text(language: Language) -> dict[str, str]:
    """The subset of the page's words that form.js shows, for the page's JSON config."""
    words = text(language)
    return {key: words[key] for key in SCRIPT_KEYS}
