"""Issue 10.6: text from a file never reaches HR's terminal raw. Wording and titles are held
to the answers' control-character rule (a payload failure); what may legally hold an odd
character (an answer with a bidi override or a zero-width space, a file's name) is printed
with it made visible, so `list`, `show` and `import` show exactly what is there."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from collector.cli import main
from testing import pagesim
from testing.fixtures import Env, make_payload, seal, seal_plaintext

pytestmark = pytest.mark.usefixtures("env")

ESCAPE = "\x1b[2J\x1b[31mFAKE"
BIDI = "Lønn \u202eKKO\u202c og \u200bmer"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("where", ["wording label", "wording option", "questionnaire title"])
def test_control_characters_in_wording_or_title_are_refused(env: Env, where: str) -> None:
    obj = json.loads(pagesim.payload_bytes(make_payload(env)))
    if where == "wording label":
        obj["wording"]["comments"]["label"] = ESCAPE
    elif where == "wording option":
        obj["wording"]["liked"]["options"]["tasks"] = ESCAPE
    else:
        obj["questionnaire"]["title"] = ESCAPE
    path = env.root / "hostile.json"
    path.write_bytes(seal_plaintext(env, json.dumps(obj, ensure_ascii=False).encode()))
    out = run("import", str(path))
    assert "payload failure" in out and "control character" in out
    assert "\x1b" not in out


def test_an_answer_with_bidi_and_zero_width_is_shown_as_it_is(env: Env) -> None:
    data, payload = seal(env, {"name": "Kari", "reason": "moving", "comments": BIDI})
    path = env.root / "r.json"
    path.write_bytes(data)
    run("import", str(path))
    shown = run("show", payload.response_id[:8])
    assert "\u202e" not in shown and "\u200b" not in shown
    assert "Lønn <U+202E>KKO<U+202C> og <U+200B>mer" in shown


def test_a_hostile_file_name_is_shown_as_it_is(env: Env) -> None:
    data, _ = seal(env)
    path = env.root / "svar\x1b[31m\u202e.json"
    path.write_bytes(data)
    out = run("import", str(path))
    assert "\x1b" not in out and "\u202e" not in out
    assert "svar<U+001B>[31m<U+202E>.json" in out


def test_json_and_html_outputs_show_hidden_characters_too(env: Env) -> None:
    data, payload = seal(env, {"name": "Kari\u202e", "reason": "moving", "comments": BIDI})
    path = env.root / "r.json"
    path.write_bytes(data)
    run("import", str(path))
    as_json = run("show", payload.response_id[:8], "--json")
    assert "\u202e" not in as_json and "\u200b" not in as_json
    assert json.loads(as_json)["answers"]["comments"] == BIDI  # the same JSON value
    listed = run("list", "--json")
    assert "\u202e" not in listed and json.loads(listed)["responses"][0]["name"] == "Kari\u202e"
    html = run("show", payload.response_id[:8], "--format", "html")
    assert "\u202e" not in html and "&lt;U+202E&gt;" in html
