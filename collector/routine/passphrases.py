"""How strong HR's key passphrase must be. The key file opens every answer, and a copy of it
can be attacked offline at leisure, so `keygen` asks for a passphrase an attacker could not
guess in about 10^12 tries (with Argon2id in front of each try, centuries of work), as
zxcvbn (Dropbox's estimator, its Python port) counts them."""

from __future__ import annotations

from collections.abc import Sequence

from zxcvbn import zxcvbn

from ..i18n import tr

MIN_LENGTH = 12
MIN_GUESSES_LOG10 = 12.0


def hint() -> str:
    return tr(
        "use four or more random words, e.g. 'otter lantern gravel sixteen', or "
        "let the organisation's password manager make one"
    )


def weakness(passphrase: str, context: Sequence[str] = ()) -> str | None:
    """None if the passphrase is strong enough, else one sentence saying why not and what
    to do. `context`: words an attacker would try first (the employer's name, say)."""
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError:
        return tr("the passphrase is not valid UTF-8 text; type it again in a UTF-8 terminal")
    if len(passphrase) < MIN_LENGTH:
        return tr(
            "the passphrase has fewer than {MIN_LENGTH} characters; {HINT}",
            MIN_LENGTH=MIN_LENGTH,
            HINT=hint(),
        )
    # zxcvbn's own limit: it only looks at the first 100 characters.
    result = zxcvbn(passphrase[:100], user_inputs=[*context, "sluttsamtale", "avslutssamtal"])
    if float(result["guesses_log10"]) < MIN_GUESSES_LOG10:
        warning = str(result["feedback"]["warning"] or "").rstrip(".")
        why = f" ({warning.lower()})" if warning else ""
        return tr("the passphrase is too easy to guess{why}; {HINT}", why=why, HINT=hint())
    return None
