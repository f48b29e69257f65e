"""Extraction from a saved e-mail (extract_bytes, ".eml"): the one response file, or an error.

The slowest reader: the standard library's email package parses every header and part, at
milliseconds a KiB. So inputs are kept to 4 KiB, and besides the kit's mails (cut to that)
the seeds are small mails of every shape the kit has, around a short response file.
"""

from __future__ import annotations

from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

from collector.errors import ArmorError, EnvelopeError
from collector.formats import armor, envelope
from collector.intake import extract

from . import _kit
from ._check import documented

DOCUMENTED = (ArmorError, EnvelopeError)
SHORT_FILE = envelope.encode(
    envelope.Envelope((envelope.Part("a578a1dd696bec18783cca81b64abffd", bytes(48)),))
)
"""A response file of the shortest shape: extraction finds it; it opens for nobody."""


def _mail(subject: str) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Kari <kari@example.no>"
    message["To"] = "hr@example.no"
    message["Subject"] = subject
    return message


def small_mails() -> Iterator[bytes]:
    block = armor.armor(SHORT_FILE)
    attached = _mail("Svar")
    attached.set_content("Hei HR,\nher er svaret mitt.\n")
    attached.add_attachment(SHORT_FILE, "application", "json", filename="svar.json")
    yield attached.as_bytes()
    octets = _mail("Svar")
    octets.set_content("Vedlagt.\n")
    octets.add_attachment(SHORT_FILE, "application", "octet-stream", filename="svar.json")
    yield octets.as_bytes()
    pasted = _mail("Svar")
    pasted.set_content(f"Hei,\n\n{block}\nHilsen Kari\n")
    yield pasted.as_bytes()
    printable = _mail("Svar")
    printable.set_content(f"Hei,\n{block}", cte="quoted-printable")
    yield printable.as_bytes()
    quoted = _mail("Re: Svar")
    quoted.set_content("Takk!\n\n" + "".join(f"> {line}\n" for line in block.splitlines()))
    yield quoted.as_bytes()
    both = _mail("Svar")
    both.set_content(block)
    both.add_alternative(f"<html><body><p>Hei</p><pre>{block}</pre></body></html>", subtype="html")
    yield both.as_bytes()


def seeds() -> Iterator[bytes]:
    yield from small_mails()
    yield from _kit.bodies("eml")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: extract.extract_bytes(data, ".eml"))
