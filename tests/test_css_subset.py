"""The single-file page keeps only the theme's rules that can apply to it (css_subset).

First what the cut keeps and drops, on small sheets; then that the page's scripts make and
mark nothing the cut does not know of; then, in Chromium, that the cut changes nothing the
employee sees: every element's computed style (and its ::before, ::after and ::marker), in
every state the page goes through, on screen and in print, is the same with the cut sheet
as with the whole of Material's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, Page, expect
from site_support import (
    Filled,
    choose_readers,
    fill_section,
    latest_sets,
    press,
    ui,
)

from collector.mkdocs_plugin import css_subset, own_sheet
from collector.model.questionset import QuestionSet

SETS = latest_sets()
PAGE = (
    '<html><body class="page"><div class="md-typeset"><p class="lead first">x</p>'
    '<a id="top" class="lead">y</a><input type="checkbox"></div></body></html>'
)


def kept(css: str, html: str = PAGE) -> str:
    return css_subset.subset(css, html)


def test_a_rule_no_element_can_match_is_dropped_and_one_that_can_is_kept() -> None:
    assert kept(".md-search{color:red}") == ""
    assert kept(".lead{color:red}") == ".lead{color:red}"
    assert kept("p.lead.first{color:red}") == "p.lead.first{color:red}"
    assert kept("a.first{color:red}") == ""  # both exist, never on one element
    assert kept("#top{color:red}#gone{color:blue}") == "#top{color:red}"
    assert kept(".md-typeset > p + a ~ input{x:y}") == ".md-typeset > p + a ~ input{x:y}"
    assert kept(".md-typeset .md-tabs{x:y}") == ""
    assert kept(".gone,.lead{x:y}") == ".gone,.lead{x:y}"  # one selector of the list is enough


def test_states_attributes_and_what_not_says_never_drop_a_rule() -> None:
    for css in (
        ".lead:hover{x:y}",
        "input:checked+a{x:y}",
        "a[href^=http]{x:y}",
        "[dir=rtl] .lead{x:y}",
        ".lead::before{x:y}",
        "p:not(.gone){x:y}",
        ":is(.gone,.lead) a{x:y}",
        ":root{--c:1}",
        "*,:after{x:y}",
        ".md-typeset :first-child{x:y}",
    ):
        assert kept(css) == css, css


def test_what_cannot_be_read_is_kept() -> None:
    assert kept("svg|a{x:y}") == "svg|a{x:y}"
    assert kept(".{x:y}") == ".{x:y}"


def test_media_and_supports_are_cut_inside_and_other_at_rules_kept() -> None:
    css = "@media print{.lead{x:y}.gone{x:y}}@media screen{.gone{x:y}}"
    assert kept(css) == "@media print{.lead{x:y}}"
    assert kept("@supports (display:grid){.gone{x:y}}") == ""
    for css in (
        '@charset "UTF-8";',
        "@keyframes spin{0%{x:y}to{x:z}}",
        "@font-face{font-family:x}",
        "@page{margin:1cm}",
    ):
        assert kept(css) == css, css


def test_a_kept_rule_is_the_sources_own_text() -> None:
    css = (
        '.lead{background:url("a\\3c !--b")} /* gone */ .gone{x:y}\n@media print {\n .lead {x:y}\n}'
    )
    # Each rule as written; what lies between rules (space, comments) is left out.
    assert kept(css) == '.lead{background:url("a\\3c !--b")}@media print {.lead {x:y}}'


def test_materials_sheet_is_read_whole_and_cut_from_its_own_text() -> None:
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    sheet = next(folder.glob("main.*.min.css")).read_text(encoding="utf-8")

    def written(rules: tuple[css_subset._Rule, ...]) -> str:
        return "".join(
            r.text + (written(r.inside) if r.inside is not None else "") + r.end for r in rules
        )

    assert written(css_subset._rules(sheet)) == sheet


def test_what_the_scripts_make_is_kept_though_the_built_page_has_none() -> None:
    assert kept(".md-typeset dl{x:y}") == ".md-typeset dl{x:y}"
    assert kept(".sl-review__row .md-typeset{x:y}") == ".sl-review__row .md-typeset{x:y}"
    assert kept(".md-typeset table{x:y}") == ""


SET_PAGE = (
    '<html><head><link rel="stylesheet" href="../assets/stylesheets/main.1.min.css">'
    '<link rel="stylesheet" href="../css/sluttsamtale.css"></head>'
    '<body><p class="lead">x</p></body></html>'
)


def _site_with_sheet(tmp_path: Path) -> Callable[[str], bytes]:
    (tmp_path / "assets" / "stylesheets").mkdir(parents=True)
    (tmp_path / "assets" / "stylesheets" / "main.1.min.css").write_text(
        ".lead{x:y}.gone{x:y}", encoding="utf-8"
    )
    return lambda url: (tmp_path / "assets" / "stylesheets" / url.rsplit("/", 1)[1]).read_bytes()


def test_a_set_page_links_its_cut_written_beside_the_theme_sheet(tmp_path: Path) -> None:
    html = own_sheet.link_own_sheet(SET_PAGE, tmp_path, _site_with_sheet(tmp_path), "sets/x.html")
    found = re.search(r'href="\.\./assets/stylesheets/(theme-cut\.([0-9a-f]{8})\.css)"', html)
    assert found and '"../css/sluttsamtale.css"' in html and "main.1.min.css" not in html
    written = (tmp_path / "assets" / "stylesheets" / found.group(1)).read_bytes()
    assert written == b".lead{x:y}"
    assert hashlib.sha256(written).hexdigest()[:8] == found.group(2)


def test_a_stylesheet_link_it_cannot_rewrite_is_refused(tmp_path: Path) -> None:
    page = SET_PAGE.replace(
        '"../assets/stylesheets/main.1.min.css"', "'../assets/stylesheets/main.1.min.css'"
    )
    with pytest.raises(ValueError, match="main.1.min.css: a stylesheet link"):
        own_sheet.link_own_sheet(page, tmp_path, _site_with_sheet(tmp_path), "sets/x.html")
    assert list((tmp_path / "assets" / "stylesheets").iterdir()) == [
        tmp_path / "assets" / "stylesheets" / "main.1.min.css"
    ]


def _site_scripts() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "site" / "js").glob("*.js"))
    )


def test_the_scripts_make_and_mark_only_what_the_cut_knows_of() -> None:
    code = _site_scripts()
    tags = set(re.findall(r"createElement\(\s*[\"'](\w+)[\"']", code))
    assert tags and tags <= css_subset.SCRIPT_TAGS, tags - css_subset.SCRIPT_TAGS
    classes = set(re.findall(r"className\s*=\s*[\"']([^\"']+)[\"']", code))
    for call in re.findall(r"classList\.(?:add|toggle)\(([^)]*)\)", code):
        classes |= set(re.findall(r"[\"']([^\"']+)[\"']", call.split(",")[0]))
    classes = {c for value in classes for c in value.split()}
    assert classes and classes <= css_subset.SCRIPT_CLASSES, classes - css_subset.SCRIPT_CLASSES
    # Nothing else that could bring in an element, a class or an id unseen here.
    assert not re.search(r"(?:inner|outer)HTML\s*[+]?=|\.id\s*=(?!=)", code)
    for other in (
        "insertAdjacentHTML",
        "createElementNS",
        "DOMParser",
        'setAttribute("class"',
        'setAttribute("id"',
        "cloneNode",
        "className +=",
        "classList.replace",
    ):
        assert other not in code, other


# --------------------------------------------------------------------------- in Chromium

SNAPSHOT = """
(name) => {
  // A transition under way (the print preview's switch back starts some) is taken to its
  // end, so both sheets are compared at rest.
  for (const a of document.getAnimations()) if (a instanceof CSSTransition) a.finish();
  const out = [];
  const styleOf = (cs) => {
    const style = new Map();
    for (let i = 0; i < cs.length; i++) {
      if (!cs[i].startsWith("--")) style.set(cs[i], cs.getPropertyValue(cs[i]));
    }
    return style;
  };
  // What is drawn: every element with a box (a hidden one is compared in the state that
  // shows it), its ::before and ::after where they have content, a list item's marker.
  // Custom properties are left out; what they set shows in the properties that use them.
  for (const el of document.documentElement.querySelectorAll("*")) {
    if (!el.getClientRects().length) continue;
    out.push({el: el.tagName + (el.id ? "#" + el.id : ""), style: styleOf(getComputedStyle(el))});
    for (const part of ["::before", "::after", "::marker"]) {
      const cs = getComputedStyle(el, part);
      const drawn = part === "::marker"
        ? getComputedStyle(el).display === "list-item" && cs.display !== "none"
        : cs.content !== "none" && cs.content !== "normal";
      if (!drawn) continue;
      out.push({el: el.tagName + (el.id ? "#" + el.id : "") + part, style: styleOf(cs)});
    }
  }
  const focused = document.activeElement ? document.activeElement.id : "";
  out.push({el: "focus", style: new Map([["at", focused]])});
  (window.__styles ||= {})[name] = out;
}
"""

DIFFERENCES = """
() => {
  const [a, b] = [window.__styles.cut, window.__styles.whole];
  if (a.length !== b.length) return [`${a.length} boxes drawn against ${b.length}`];
  const found = [];
  for (let n = 0; n < a.length && found.length < 5; n++) {
    const names = new Set([...a[n].style.keys(), ...b[n].style.keys()]);
    for (const k of names) {
      if (a[n].style.get(k) !== b[n].style.get(k)) {
        found.push(`${a[n].el} ${k}: ${a[n].style.get(k)} (whole sheet: ${b[n].style.get(k)})`);
        break;
      }
    }
  }
  return found;
}
"""

SWAP = """
([from, to]) => {
  const style = [...document.querySelectorAll("style")].find((s) => s.textContent === from);
  if (!style) throw new Error("the theme's stylesheet is not in the page");
  style.textContent = to;
}
"""

LINKED_TO_WHOLE = """
(whole) => {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
  const link = links.find((l) => l.href.includes("/assets/stylesheets/theme-cut."));
  if (!link) throw new Error("the page links no cut of the theme's stylesheet");
  const style = document.createElement("style");
  style.id = "whole-theme-sheet";
  style.textContent = whole;
  link.before(style);
  link.sheet.disabled = true; // the sheet, not the link: re-enabling a link loads it anew
}
"""

LINKED_TO_CUT = """
() => {
  const style = document.getElementById("whole-theme-sheet");
  style.nextElementSibling.sheet.disabled = false;
  style.remove();
}
"""


RULES_IN_FORCE = """
() => [...document.styleSheets].filter((s) => !s.disabled)
  .reduce((n, s) => n + s.cssRules.length, 0)
"""


@dataclass(frozen=True)
class Sheets:
    """A set's page, the cut of the theme's sheet it loads, and the whole sheet; `inline`
    for the single-file page, else the site's page linking its cut."""

    url: str
    cut: str
    whole: str
    inline: bool

    def to_whole(self, page: Page) -> None:
        if self.inline:
            page.evaluate(SWAP, [self.cut, self.whole])
        else:
            page.evaluate(LINKED_TO_WHOLE, self.whole)

    def to_cut(self, page: Page) -> None:
        if self.inline:
            page.evaluate(SWAP, [self.whole, self.cut])
        else:
            page.evaluate(LINKED_TO_CUT)


def _same_with_the_whole_sheet(page: Page, sheets: Sheets, state: str) -> None:
    # The pointer off what was just pressed: Chromium updates :hover under a still pointer
    # only a moment after the page moves, which would differ between the two snapshots.
    page.mouse.move(0, 0)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    page.evaluate(SNAPSHOT, "cut")
    with_cut = page.evaluate(RULES_IN_FORCE)
    sheets.to_whole(page)
    assert page.evaluate(RULES_IN_FORCE) > with_cut, "the whole sheet did not take the cut's place"
    page.evaluate(SNAPSHOT, "whole")
    sheets.to_cut(page)
    assert page.evaluate(RULES_IN_FORCE) == with_cut
    differences = page.evaluate(DIFFERENCES)
    assert not differences, f"{state}: the cut sheet changes " + "; ".join(differences)


def _both_media(page: Page, sheets: Sheets, state: str) -> None:
    _same_with_the_whole_sheet(page, sheets, f"{state}, on screen")
    page.emulate_media(media="print")
    _same_with_the_whole_sheet(page, sheets, f"{state}, in print")
    page.emulate_media(media="screen")


def _whole_sheet(site: Path) -> str:
    return next((site / "assets" / "stylesheets").glob("main.*.min.css")).read_text("utf-8")


@pytest.fixture(params=["single file", "site"])
def sheets_of(request: pytest.FixtureRequest) -> Callable[[QuestionSet], Sheets]:
    """For a set: its single-file page from file://, or its page in the site over http."""
    if request.param == "single file":
        pages: Path = request.getfixturevalue("single_file_pages")
        site = pages.parent / "site"
        whole = _whole_sheet(site)

        def single(qset: QuestionSet) -> Sheets:
            path = pages / "sets" / f"{qset.id}.html"
            cut = _cut_of(site, qset, whole)
            assert cut in path.read_text(encoding="utf-8")
            return Sheets(path.as_uri(), cut, whole, inline=True)

        return single
    built: Path = request.getfixturevalue("built_site")
    base: str = request.getfixturevalue("http_site")
    whole_sheet = _whole_sheet(built)
    return lambda qset: Sheets(
        f"{base}/sets/{qset.id}.html", _cut_of(built, qset, whole_sheet), whole_sheet, inline=False
    )


def _cut_of(site: Path, qset: QuestionSet, whole: str) -> str:
    """The cut of the theme's sheet that a set's page in the built site links."""
    html = (site / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
    found = re.search(r'href="\.\./(assets/stylesheets/theme-cut\.[0-9a-f]{8}\.css)"', html)
    assert found, "the set's page links no cut of the theme's stylesheet"
    cut = (site / found.group(1)).read_text(encoding="utf-8")
    assert cut == css_subset.subset(whole, html) and len(cut) < len(whole) / 2
    return cut


@pytest.fixture
def open_page(browser: Browser):  # type: ignore[no-untyped-def]
    """A page whose CSP lets the test put the whole theme sheet in for a moment."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("qset", SETS, ids=[s.id for s in SETS])
def test_the_cut_sheet_looks_exactly_as_the_whole_one_in_every_state(
    open_page: Page, sheets_of: Callable[[QuestionSet], Sheets], qset: QuestionSet
) -> None:
    page = open_page
    sheets = sheets_of(qset)
    t = ui(qset)
    page.goto(sheets.url)
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    _both_media(page, sheets, "opened")
    filled = Filled({}, {})
    for index in range(len(qset.sections)):
        fill_section(page, qset, index, filled)
        _same_with_the_whole_sheet(page, sheets, f"part {index + 1} filled in")
        press(page, t["next"])
    _same_with_the_whole_sheet(page, sheets, "checking the answers")
    press(page, t["finish"])
    expect(page.locator("[data-sl-form] [data-sl-error-summary]")).to_be_visible()
    _same_with_the_whole_sheet(page, sheets, "the reader choice missing")
    choose_readers(page, qset)
    press(page, t["finish"])
    expect(page.locator("[data-sl-result]")).to_be_visible()
    _both_media(page, sheets, "sealed")


@pytest.mark.browser
def test_the_cut_sheet_holds_wide_in_the_draft_panel_and_on_declining(
    open_page: Page, sheets_of: Callable[[QuestionSet], Sheets]
) -> None:
    page = open_page
    qset = SETS[-1]
    t = ui(qset)
    sheets = sheets_of(qset)
    page.goto(sheets.url)
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    for width, height in ((1280, 900), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        _both_media(page, sheets, f"opened {width} px wide")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("[data-sl-nav]").get_by_role("button", name=t["save_draft"]).click()
    panel = page.locator("[data-sl-save-panel]")
    expect(panel).to_be_visible()
    _same_with_the_whole_sheet(page, sheets, "the draft panel open")
    panel.get_by_role("button", name=t["save"], exact=True).click()
    _same_with_the_whole_sheet(page, sheets, "the draft panel's error")
    toggle = page.get_by_role("button", name=t["decline_toggle"])
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    press(page, t["decline_seal"])
    expect(page.locator("[data-sl-decline-form] [data-sl-error-summary]")).to_be_visible()
    _same_with_the_whole_sheet(page, sheets, "declining without the reader choice")
    page.get_by_role("radio", name=t["readers_statistics"], exact=True).check()
    press(page, t["decline_seal"])
    expect(page.locator("[data-sl-result-title]")).to_have_text(t["result_declined_title"])
    _both_media(page, sheets, "declined")
