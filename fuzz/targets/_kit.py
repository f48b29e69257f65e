"""Seeds from the testkit (spec/testkit): vector bodies by kind, and opened plaintexts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from spec.testkit import testkit as tk

ROOT = Path(__file__).resolve().parents[2]
MAX_SEED = 16384
"""libFuzzer's -max_len (fuzz/run.py): longer bodies are the bounds vectors (the 1 MiB file,
the 1000-part mails), which would only be cut short and slow every mutation."""


def bodies(*kinds: str) -> Iterator[bytes]:
    """The bodies of the vectors saved as one of `kinds` ("json", "txt", "eml")."""
    for vector in tk.vectors():
        if vector.file in kinds and len(vector.body) <= MAX_SEED:
            yield vector.body


def response_files() -> Iterator[bytes]:
    """Every response file in the kit: the .json bodies, and what armor and mail hold."""
    from collector.errors import SluttsamtaleError
    from collector.intake import extract

    for vector in tk.vectors():
        if len(vector.body) > MAX_SEED:
            continue
        try:
            yield extract.extract_bytes(vector.body, vector.suffix)
        except SluttsamtaleError:
            if vector.file == "json":
                yield vector.body


def plaintexts() -> Iterator[bytes]:
    """The opened plaintext of every part of the kit that opens with its key and link."""
    from collector.errors import SluttsamtaleError
    from collector.formats import envelope, hpke
    from testing import testkit_run as run

    key = run.load_key()
    for file in dict.fromkeys(response_files()):
        try:
            parts = envelope.parse(file).parts
        except SluttsamtaleError:
            continue
        for part in parts:
            if part.key_id != key.key_id:
                continue
            secret = tk.LINK_SECRET if part.link == tk.LINK_ID else None
            try:
                yield hpke.open_sealed(part.sealed, key.private, secret)
            except SluttsamtaleError:
                continue


def question_set_files() -> list[Path]:
    """The shipped sets and the kit's, and their employer files."""
    return sorted((ROOT / "questionnaires").glob("*.yml")) + sorted(tk.QUESTIONNAIRES.glob("*.yml"))
