"""Error types. Each message is one sentence for a person; none ever quotes an answer.

`kind` is the failure class the testkit (spec/testkit) names in its `expect:` lines.
"""

from __future__ import annotations


class SluttsamtaleError(Exception):
    """Base for every error the collector reports to a user instead of a traceback."""

    kind = "error"


class InputError(SluttsamtaleError):
    """A path that cannot be read as a response file (missing, not a file, too large)."""

    kind = "envelope failure"


class EnvelopeError(SluttsamtaleError):
    """The response file's JSON envelope breaks the format."""

    kind = "envelope failure"


class ArmorError(SluttsamtaleError):
    """An armored block (BEGIN/END SLUTTSAMTALE RESPONSE) breaks the armor rules."""

    kind = "armor failure"


class NoKeyError(SluttsamtaleError):
    """No key given to the collector matches the file's key id."""

    kind = "no key"


class DecryptError(SluttsamtaleError):
    """The sealed part does not open with the key its key id names."""

    kind = "decrypt failure"


class PayloadFailure(SluttsamtaleError):
    """The opened plaintext is not a valid payload for its question set."""

    kind = "payload failure"


class KeyFileError(SluttsamtaleError):
    """HR's key file is missing, malformed, too weakly protected, or the passphrase is wrong."""


class StoreError(SluttsamtaleError):
    """The SQLite store cannot be opened or written."""


class QuestionSetError(SluttsamtaleError):
    """A question set or employer file that cannot be used; the message names the file."""


class SealedCopyError(SluttsamtaleError):
    """A sealed interviewer copy that cannot be read, or a code that does not open it."""
