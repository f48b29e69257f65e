"""check_payload's shortcut: one search of the payload's JSON for where a control character
could be stands in for a search of every text, and the two always agree, whichever text
holds the character and however the JSON writes it (raw, or as a \\u escape)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from collector.errors import PayloadFailure
from collector.formats import payload as payload_format
from collector.model.payload import check_payload
from testing import pagesim
from testing.fixtures import Env, make_payload

pytestmark = pytest.mark.usefixtures("env")
NOW = datetime.now(UTC)

CONTROLS = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]
HARMLESS = ["", "\\", "\\b", "\\u0041", "\u00a0 æøå – “ok”", "\n\t\r"]


def _put(obj: dict[str, Any], where: str, text: str) -> None:
    if where == "answer":
        obj["answers"]["comments"] = f"Bra {text} arbeidsmiljø"
    elif where == "other":
        obj["answers"]["reason"] = "other"
        obj["other"]["reason"] = f"Annet{text}"
    elif where == "label":
        obj["wording"]["comments"]["label"] = f"Noe{text}"
    elif where == "option":
        obj["wording"]["liked"]["options"]["tasks"] = f"Oppgaver{text}"
    else:
        obj["questionnaire"]["title"] = f"Tittel{text}"


def _outcome(env: Env, plaintext: bytes, *, with_plaintext: bool) -> str:
    payload = payload_format.parse(plaintext)
    try:
        check_payload(payload, env.qset, now=NOW, plaintext=plaintext if with_plaintext else None)
    except PayloadFailure as e:
        return str(e)
    return "ok"


@pytest.mark.parametrize("where", ["answer", "other", "label", "option", "title"])
@pytest.mark.parametrize("text", CONTROLS + HARMLESS)
@pytest.mark.parametrize("ascii_only", [False, True])
def test_the_shortcut_and_the_search_of_every_text_agree(
    env: Env, where: str, text: str, ascii_only: bool
) -> None:
    obj = json.loads(pagesim.payload_bytes(make_payload(env)))
    _put(obj, where, text)
    plaintext = payload_format.pad(json.dumps(obj, ensure_ascii=ascii_only).encode(), "hr")
    fast = _outcome(env, plaintext, with_plaintext=True)
    assert fast == _outcome(env, plaintext, with_plaintext=False)
    assert ("control character" in fast) == (text in CONTROLS), fast
