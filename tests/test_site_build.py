"""The site build: the real `mkdocs build --strict` into tmp_path, asserting on the output.

A broken question set, a missing or wrong key, a demo key; and on the built tree: no
reference to any other host, the CSP first in every <head>, `lang` per page, the JSON
config block, and nothing written into site/.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, TestKey, build_site
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from site_support import latest_sets, questionnaire_folder

from collector.formats import keys
from collector.mkdocs_plugin import i18n, postprocess, render
from collector.mkdocs_plugin.plugin import SCHEMAS
from collector.model.loading import load_catalog

pytestmark = pytest.mark.slow  # real `mkdocs build` runs

SETS = latest_sets()

BROKEN = {
    "later_condition": (
        """\
id: broken-set
version: 1
language: nb
title: Ødelagt
introduction: Et sett med en feil.
sections:
  - id: one
    title: Én
    questions:
      - id: early
        type: yes_no
        label: Først?
        show_if: {question: late, equals: ["yes"]}
      - id: late
        type: yes_no
        label: Sist?
""",
        "question 'early'",
        "condition refers to question 'late', which does not come before it",
    ),
    "unknown_type": (
        """\
id: broken-set
version: 1
language: nb
title: Ødelagt
introduction: Et sett med en feil.
sections:
  - id: one
    title: Én
    questions:
      - id: mood
        type: slider
        label: Humør?
""",
        "question 'mood'",
        "unknown question type 'slider'",
    ),
}


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_set_stops_the_build_with_one_message(
    tmp_path: Path, test_key: TestKey, case: str
) -> None:
    folder = tmp_path / "questionnaires"
    shutil.copytree(questionnaire_folder(), folder)
    text, where, problem = BROKEN[case]
    broken = folder / "broken.yml"
    broken.write_text(text, encoding="utf-8")
    result = build_site(
        tmp_path / "out", test_key.pem, extra_env={"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, result.stderr
    assert str(broken) in errors[0] and where in errors[0] and problem in errors[0]


def test_no_key_stops_the_build(tmp_path: Path, test_key: TestKey) -> None:
    result = build_site(tmp_path / "out", test_key.pem, extra_env={"SLUTTSAMTALE_PUBLIC_KEY": ""})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        "no public key for sealing answers: set SLUTTSAMTALE_PUBLIC_KEY or "
        "plugins.sluttsamtale.public_key in mkdocs.yml"
    ) in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_key_file_that_is_not_a_key_stops_the_build(tmp_path: Path) -> None:
    bad = tmp_path / "hr-public.pem"
    bad.write_text("not a key\n", encoding="utf-8")
    result = build_site(tmp_path / "out", bad)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"{bad}: is not a PEM public key" in result.stderr


def test_demo_key_puts_a_warning_on_every_set_page(tmp_path: Path, built_site: Path) -> None:
    demo = tmp_path / "demo-public.pem"
    raw = keys.public_raw(X25519PrivateKey.generate().public_key())
    demo.write_bytes(keys.public_pem(raw, demo=True))
    out = tmp_path / "out"
    result = build_site(out, demo)
    assert result.returncode == 0, result.stderr
    for qset in SETS:
        html = (out / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
        assert i18n.text(qset.language)["demo_title"] in html
        assert '"demo":true' in html
        normal = (built_site / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
        assert "data-sl-demo" not in normal


def test_nothing_is_written_into_site(tmp_path: Path, test_key: TestKey) -> None:
    # On a copy, so that others editing site/ meanwhile cannot make this fail.
    shutil.copytree(ROOT / "site", tmp_path / "site")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(tmp_path / "site")): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in (tmp_path / "site").rglob("*")
        }

    before = snapshot()
    result = build_site(
        tmp_path / "out",
        test_key.pem,
        config=tmp_path / "mkdocs.yml",
        extra_env={"SLUTTSAMTALE_QUESTIONNAIRES": str(questionnaire_folder())},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert snapshot() == before
    assert not (tmp_path / "build").exists()


# --------------------------------------------------------------------------- the built tree


class _Refs(HTMLParser):
    """Every URL an HTML page points at, every inline style, and the head's first child."""

    URL_ATTRS = {
        "src",
        "href",
        "srcset",
        "action",
        "formaction",
        "poster",
        "data",
        "cite",
        "background",
        "xlink:href",
        "manifest",
        "ping",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.styles: list[str] = []
        self.head_first: tuple[str, dict[str, str]] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._in_head = True
        elif self._in_head and self.head_first is None:
            self.head_first = (tag, values)
        for name, value in values.items():
            if name in self.URL_ATTRS:
                self.urls.extend(u.strip().split(" ")[0] for u in value.split(",") if u.strip())
            if name == "style":
                self.styles.append(value)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.urls.append(values.get("content", "").partition("url=")[2])


def _external(url: str) -> bool:
    parts = urlsplit(url.strip().strip("'\""))
    return bool(parts.netloc) or parts.scheme not in {"", "data", "blob"}


def test_built_site_refers_to_no_other_host(built_site: Path) -> None:
    # The one exception: a mailto: link to the employer's return address, which fetches
    # nothing; it opens the employee's own mail program, when they click it.
    address = load_catalog(ROOT / "questionnaires").employer.return_address
    mailto = f"mailto:{address}"
    found: list[str] = []
    for page in _pages(built_site):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.name}: {u}" for u in refs.urls if _external(u) and u != mailto]
        assert refs.styles == [], f"{page.name} has inline styles, which the CSP forbids"
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*([^)]*?)\s*\)", text):
            found += [f"{css.name}: {url[:60]}"] if _external(url) else []
        found += [f"{css.name}: @import" for _ in re.findall(r"@import", text)]
    for js in built_site.rglob("*.js"):
        for host in re.findall(r"https?://([^/\s\"'`]+)", js.read_text(encoding="utf-8")):
            if host not in {"127.0.0.1", "localhost"}:
                found.append(f"{js.name}: {host}")
    assert found == []


def test_material_scripts_are_not_shipped(built_site: Path) -> None:
    assert not (built_site / "assets" / "javascripts").exists()
    from mkdocs.config import load_config

    scripts = [str(s) for s in load_config(str(ROOT / "mkdocs.yml")).extra_javascript]
    assert scripts[-1] == "js/form.js"
    for script in scripts:
        assert (built_site / script).is_file()
    html = (built_site / "sets" / f"{SETS[0].id}.html").read_text(encoding="utf-8")
    # The head's early.js (site/overrides/main.html) first, then the body's.
    assert re.findall(r'<script src="\.\./([^"]+)"', html) == ["js/early.js", *scripts]
    assert (built_site / "js" / "early.js").is_file()


def test_every_page_starts_its_head_with_the_csp(built_site: Path) -> None:
    pages = _pages(built_site)
    assert {"index.html", "404.html"} <= {p.name for p in pages}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        refs = _Refs()
        refs.feed(html)
        assert refs.head_first is not None
        tag, attrs = refs.head_first
        assert (tag, attrs.get("http-equiv")) == ("meta", "Content-Security-Policy"), page
        policy = attrs["content"]
        for name, sources in postprocess.BASE_POLICY:
            assert re.search(rf"(^|; ){name} {re.escape(sources)}( |;|$)", policy), (page, name)
        for source in postprocess.inline_script_hashes(html):
            assert source in policy
        assert '<meta name="referrer" content="no-referrer">' in html
        # The CSP must not push the charset out of the bytes a browser looks at.
        assert postprocess.charset_in_window(html), page


def test_pages_carry_their_language(built_site: Path) -> None:
    for qset in SETS:
        html = (built_site / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
        assert re.search(rf'<html lang="{qset.language}"', html)
    for lang in ("nb", "nn", "sv", "en"):
        html = (built_site / "protection" / f"{lang}.html").read_text(encoding="utf-8")
        assert re.search(rf'<html lang="{lang}"', html)


def _config(html: str) -> dict:  # type: ignore[type-arg]
    match = re.search(
        r'<script type="application/json" id="sluttsamtale-config">(.*?)</script>', html, re.S
    )
    assert match is not None
    assert "</" not in match.group(1) and "<!--" not in match.group(1)
    return json.loads(match.group(1))


def test_each_set_page_carries_one_config_block(built_site: Path, test_key: TestKey) -> None:
    for qset in SETS:
        html = (built_site / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
        assert html.count('id="sluttsamtale-config"') == 1
        config = _config(html)
        assert config["questionnaire"] == {
            "id": qset.id,
            "version": qset.version,
            "language": qset.language,
            "title": qset.title,
        }
        assert config["key"] == {
            "key_id": test_key.key_id,
            "public_key": base64.b64encode(test_key.public.raw).decode(),
            "fingerprint": keys.fingerprint(test_key.key_id),
            "demo": False,
        }
        assert [q["id"] for q in config["questions"]] == [q.id for q in qset.questions()]
        assert set(config["wording"]) == {q.id for q in qset.questions()}
        for q in qset.questions():
            wording = config["wording"][q.id]
            assert wording["label"] == q.label
            if q.other:
                assert wording["options"]["other"] == q.other_label
        assert set(config["ui"]) == set(i18n.SCRIPT_KEYS)
        assert keys.fingerprint(test_key.key_id) in html
        # The privacy notice comes before the first question.
        assert html.index("sl-privacy") < html.index("data-sl-question")


def test_landing_page_lists_every_set(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for qset in SETS:
        link = (
            f'<li lang="{qset.language}"><a href="sets/{qset.id}.html" hreflang="{qset.language}">'
        )
        assert link in html
    for lang in ("nb", "nn", "sv", "en"):
        assert f'<a href="protection/{lang}.html" hreflang="{lang}">' in html
    assert "sluttsamtale:sets" not in html


def test_schemas_are_published_when_they_exist(built_site: Path) -> None:
    for name in SCHEMAS:
        source, published = ROOT / "spec" / name, built_site / "schemas" / name
        assert source.is_file() == published.is_file()
        if source.is_file():
            assert published.read_bytes() == source.read_bytes()


# --------------------------------------------------------------------------- pure parts


def test_json_script_cannot_be_closed_early() -> None:
    block = render.json_script({"a": "</script><script>alert(1)</script><!--", "b": "&"}, "x")
    body = block.removeprefix('<script type="application/json" id="x">')
    body = body.removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"a": "</script><script>alert(1)</script><!--", "b": "&"}


def test_inline_script_hashes_cover_only_scripts_that_run() -> None:
    html = (
        "<script>one()</script><script src='x.js'></script>"
        '<script type="application/json">{"data": 1}</script>'
        "<script type=module>two()\r\n</script><script>one()</script>"
    )

    def source(body: str) -> str:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        return f"'sha256-{digest}'"

    assert postprocess.inline_script_hashes(html) == [source("one()"), source("two()\n")]


def test_set_lang() -> None:
    assert postprocess.set_lang('<html lang="nb" class="no-js">', "sv") == (
        '<html lang="sv" class="no-js">'
    )
    assert postprocess.set_lang("<html class=x>", "en") == '<html lang="en" class=x>'
