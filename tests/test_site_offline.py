"""The page as HR hands it out without a web host: one file per question set (`sluttsamtale
build --single-file`), saved anywhere with nothing beside it and opened from file://.

It fills in and seals with every request logged: nothing but the file itself, data: and
blob: (the page fixture would fail the test otherwise). The site's tree does not work from
file://: its scripts and stylesheets carry Subresource Integrity, which Chromium refuses
there (file:// has no CORS, so it cannot check a hash), and the last test shows it, so the
README's advice (the tree over https, the single file for file://) stays true.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import RecordedPage, TestKey, assert_accessible
from playwright.sync_api import expect
from site_support import (
    CSP_WATCH,
    assert_no_csp_violations,
    choose_readers,
    download_response,
    fill_all,
    latest_sets,
    press,
    set_url,
    storage_is_empty,
    ui,
)

from collector.model.questionset import QuestionSet

pytestmark = pytest.mark.browser

SETS = latest_sets()


def _policy(html: str) -> dict[str, list[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert match is not None
    return {d.split()[0]: d.split()[1:] for d in match.group(1).split("; ")}


@pytest.mark.parametrize("qset", [SETS[0], SETS[-1]], ids=lambda q: q.id)
def test_the_single_file_fills_and_seals_alone_and_requests_nothing(
    recorded: RecordedPage,
    single_file_pages: Path,
    tmp_path: Path,
    test_key: TestKey,
    qset: QuestionSet,
) -> None:
    alone = tmp_path / "Mine dokumenter" / f"Sluttsamtale {qset.id}.html"  # a space, no site
    alone.parent.mkdir()
    shutil.copy(single_file_pages / "sets" / f"{qset.id}.html", alone)
    page, t = recorded.page, ui(qset)
    page.add_init_script(CSP_WATCH)
    page.goto(alone.as_uri())
    expect(page.locator("html")).to_have_attribute("lang", qset.language)
    expect(page.locator("[data-sl-progress]")).to_be_visible()  # its scripts run
    next_button = page.get_by_role("button", name=t["next"], exact=True)
    expect(next_button).to_have_css("background-color", "rgb(0, 112, 60)")  # its styles apply
    expect(page.locator("[data-sl-unsupported]")).to_be_hidden()
    assert_accessible(page)
    fill_all(page, qset)
    choose_readers(page, qset, "statistics")
    press(page, t["finish"])
    response = download_response(page, qset, test_key)
    assert response.payload.readers == "statistics"
    storage_is_empty(page)
    assert_no_csp_violations(page)
    others = [u for u in recorded.requests if u != page.url]
    assert [u for u in others if not u.startswith(("data:", "blob:"))] == []


def test_the_single_files_policy_allows_only_what_it_holds(single_file_pages: Path) -> None:
    for qset in SETS:
        html = (single_file_pages / "sets" / f"{qset.id}.html").read_text(encoding="utf-8")
        policy = _policy(html)
        for sources in policy.values():
            assert "'self'" not in sources and "'unsafe-inline'" not in sources
        assert all(s.startswith("'sha256-") for s in policy["script-src"])
        assert len(policy["script-src"]) == 10  # the site's ten scripts, each by its hash
        assert all(s.startswith("'sha256-") for s in policy["style-src"])
        assert policy["img-src"] == ["data:"]
        assert policy["connect-src"] == ["'none'"] and policy["default-src"] == ["'none'"]
        assert not re.search(r"\s(?:src|integrity)=", re.sub(r"<script.*?</script>", "", html))


def test_the_sites_tree_does_not_run_from_a_file(recorded: RecordedPage, built_site: Path) -> None:
    page = recorded.page
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(set_url(built_site.as_uri(), SETS[0]))
    page.wait_for_load_state("load")
    expect(page.locator("[data-sl-progress]")).to_be_hidden()
    assert page.evaluate("typeof Sluttsamtale") == "undefined"
    refused = [m for m in console if "Subresource Integrity" in m and "CORS" in m]
    assert len(refused) == 12, console  # two stylesheets and ten scripts


LATER_PART_AT_START = """
document.addEventListener("DOMContentLoaded", () => {
  // Before the form's own DOMContentLoaded listener: what the first layout would lay out.
  const later = document.querySelector("#sl-section-1");
  window.__laterPart = later ? getComputedStyle(later).display : "missing";
}, { once: true });
"""


def test_the_first_layout_is_of_one_part(recorded: RecordedPage, single_file_pages: Path) -> None:
    """js/early.js hides the later parts before the body is laid out, so a slow phone lays
    out one part, not the whole set (issue 14), and the form's script shows them in turn."""
    page = recorded.page
    page.add_init_script(LATER_PART_AT_START)
    page.goto((single_file_pages / "sets" / f"{SETS[0].id}.html").as_uri())
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    assert page.evaluate("window.__laterPart") == "none"
    assert page.evaluate("document.documentElement.classList.contains('sl-starting')") is False
    expect(page.locator("#sl-section-0")).to_be_visible()
    expect(page.locator("#sl-section-1")).to_be_hidden()


def test_every_part_shows_when_the_forms_script_does_not_run(
    recorded: RecordedPage, single_file_pages: Path, tmp_path: Path
) -> None:
    """A browser that runs early.js but not the form's script (here: its text altered, so
    the policy's hash refuses it) reads every question, as without JavaScript."""
    html = (single_file_pages / "sets" / f"{SETS[0].id}.html").read_text(encoding="utf-8")
    altered = html.replace("function goTo(", "function goTo (", 1)
    assert altered != html
    page_file = tmp_path / "altered.html"
    page_file.write_text(altered, encoding="utf-8")
    page = recorded.page
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    expect(page.locator("[data-sl-progress]")).to_be_hidden()  # the form's script did not run
    assert page.evaluate("document.documentElement.classList.contains('sl-starting')") is False
    for index in range(len(SETS[0].sections)):
        expect(page.locator(f"#sl-section-{index}")).to_be_visible()
