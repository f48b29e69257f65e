"""check_payload's shortcut: one search of the payload's JSON for where a control character
could be stands in for a search of every text, and the two always agree, whichever text
holds the character and however the JSON writes it (raw, or as a \\u escape)."""

from __future__ import annotations

import json
import re
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
HARMLESS = ["", "\\", "\\b", "\\u0041", "\u00a0 æøå – “ok”", "André © è ¨", "\n\t\r"]


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


# --------------------------------------------------------------------------- the two readings


def _read(plaintext: bytes, *, strictly: bool) -> str:
    """What reading the payload says: its JSON again, or the error's words."""
    try:
        return payload_format.parse(plaintext, fast=not strictly).model_dump_json()
    except PayloadFailure as e:
        return f"refused: {e}"


def _hostile(env: Env) -> list[bytes]:
    good = pagesim.payload_bytes(make_payload(env))
    text = good.decode()
    cut = text.index('"answers":{') + len('"answers":{')
    variants = [
        text,
        text[:cut] + '"comments":"a","comments":"b",' + text[cut:],  # a duplicate key
        text.replace('"answers":{', '"answers":{"score":NaN,', 1),
        text.replace('"answers":{', '"answers":{"score":Infinity,', 1),
        text.replace('"answers":{', '"answers":{"score":1e400,', 1),
        text.replace('"answers":{', '"answers":{"score":' + "9" * 40 + ",", 1),
        text.replace('"answers":{', '"answers":{"comments":"' + "7" * 40 + '",', 1),
        text.replace('"answers":{', '"answers":{"comments":"\\ud800",', 1),
        text.replace('"answers":{', '"answers":{"comments":"\\udc00x",', 1),
        text.replace('"answers":{', '"answers":{"comments":"\\ud83d\\ude00",', 1),
        text.replace('"answers":{', '"answers":{"comments":' + "[" * 40 + "]" * 40 + ",", 1),
        text.replace('"answers":{', '"answers":{"score":4.0,', 1),
        text.replace('"answers":{', '"answers":{"score":"4",', 1),
        "\ufeff" + text,
        text + "x",
        text + "{}",
        text.replace('"sealed_at":"', '"sealed_at": "', 1),
        text.replace('Z"', '+01:00"', 1),
        text.replace('"format":', '"contact":null,"format":', 1),
        # JSON's types against Python's: the fast reading validates jiter's objects.
        re.sub(r'"sealed_at":"[^"]*"', '"sealed_at":1700000000', text, count=1),
        re.sub(r'"sealed_at":"[^"]*"', '"sealed_at":null', text, count=1),
        re.sub(r'"sealed_at":"[^"]*"', '"sealed_at":"2026-01-02"', text, count=1),
        re.sub(r'"sealed_at":"[^"]*"', '"sealed_at":"2026-01-02 03:04:05Z"', text, count=1),
        re.sub(r'"sealed_at":"[^"]*"', '"sealed_at":"1700000000Z"', text, count=1),
        re.sub(r'"sealed_at":"([^"]*)"', r'"sealed_at":"\1\\u0000"', text, count=1),
        text.replace('"declined":false', '"declined":0', 1),
        text.replace('"declined":false', '"declined":"false"', 1),
        re.sub(r'"version":\d+', '"version":true', text, count=1),
        re.sub(r'"version":\d+', '"version":1.0', text, count=1),
        re.sub(r'"version":\d+', '"version":"1"', text, count=1),
        text.replace('"answers":{', '"answers":{"score":true,', 1),
        text.replace('"answers":{', '"answers":{"liked":"tasks",', 1),
        text.replace('"answers":{', '"answers":{"liked":{"0":"tasks"},', 1),
        text.replace('"other":{', '"other":[', 1),
        text.replace('"wording":{', '"wording":{"x":{"label":"L","options":[]},', 1),
        text.replace('"wording":{', '"wording":{"x":{"label":"L","options":null},', 1),
        text.replace('"readers":"', '"readers":["', 1),
        "[" + text + "]",
        # The strict reading's 32 digits, wherever the model takes a number.
        text.replace('"answers":{', '"answers":{"score":' + "9" * 32 + ",", 1),
        text.replace('"answers":{', '"answers":{"score":-' + "9" * 32 + ",", 1),
        text.replace('"answers":{', '"answers":{"score":1' + "0" * 32 + ",", 1),
        text.replace('"answers":{', '"answers":{"score":-1' + "0" * 32 + ",", 1),
        re.sub(r'"version":\d+', '"version":' + "9" * 32, text, count=1),
        re.sub(r'"version":\d+', '"version":1' + "0" * 32, text, count=1),
        re.sub(r'"version":\d+', '"version":1' + "0" * 5000, text, count=1),
        text.replace('"answers":{', '"answers":{"score":-0,', 1),
    ]
    out = [payload_format.pad(v.encode("utf-8", "surrogatepass"), "hr") for v in variants]
    out.append(payload_format.pad(good.replace(b'"a', b'"\xff', 1), "hr"))  # not UTF-8
    out.append(good)  # not padded to a bucket
    return out


def test_the_fast_reading_accepts_and_refuses_as_the_strict_one_says(env: Env) -> None:
    # The payload is read by jiter and pydantic when both accept it, else strictly: the same
    # payloads pass, and each refusal has the strict reading's own words.
    seen = set()
    for plaintext in _hostile(env):
        said = _read(plaintext, strictly=False)
        assert said == _read(plaintext, strictly=True), plaintext[:120]
        seen.add(said.startswith("refused"))
    assert seen == {True, False}
