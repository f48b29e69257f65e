"""The site as HR hands it out without a web host: a zip, unpacked anywhere, opened from
the file; or one file per question set (`sluttsamtale build --single-file`), saved anywhere
with nothing beside it.

No server, no network: the landing page and a set page open from file://, the set is
completed and sealed, and no request leaves (the `page` fixture fails the test otherwise).
Chromium matches CSP 'self' against file:// URLs, so the pages' own scripts run. The single
file requests nothing but itself, data: and blob:.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import RecordedPage, TestKey, assert_accessible
from playwright.sync_api import Page, expect
from site_support import (
    CSP_WATCH,
    assert_no_csp_violations,
    choose_readers,
    download_response,
    fill_all,
    landing_link_name,
    latest_sets,
    press,
    storage_is_empty,
    ui,
)

from collector.model.questionset import QuestionSet

pytestmark = pytest.mark.browser

SETS = latest_sets()


def _zip_and_unpack(site: Path, tmp_path: Path) -> Path:
    archive = tmp_path / "sluttsamtale-site.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(site.rglob("*")):
            zf.write(path, path.relative_to(site))
    unpacked = tmp_path / "unpacked here" / "site"  # a space, as in "Mine dokumenter"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


def test_unpacked_zip_works_from_file(
    page: Page, built_site: Path, tmp_path: Path, test_key: TestKey
) -> None:
    site = _zip_and_unpack(built_site, tmp_path)
    qset = latest_sets()[0]
    t = ui(qset)
    page.add_init_script(CSP_WATCH)
    page.goto((site / "index.html").as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_role("link", name=landing_link_name(qset), exact=True).click()
    expect(page).to_have_url((site / "sets" / f"{qset.id}.html").as_uri())
    # 'self' in the CSP covers file:// in Chromium: the scripts run and the styles apply.
    expect(page.locator("[data-sl-progress]")).to_be_visible()  # form.js is running
    next_button = page.get_by_role("button", name=t["next"], exact=True)
    expect(next_button).to_have_css("background-color", "rgb(0, 112, 60)")
    expect(page.locator("[data-sl-unsupported]")).to_be_hidden()
    fill_all(page, qset)
    choose_readers(page, qset, "statistics")
    press(page, t["finish"])
    response = download_response(page, qset, test_key)
    assert response.payload.readers == "statistics"
    storage_is_empty(page)
    assert_no_csp_violations(page)


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
        assert len(policy["script-src"]) == 9  # the site's nine scripts, each by its hash
        assert all(s.startswith("'sha256-") for s in policy["style-src"])
        assert policy["img-src"] == ["data:"]
        assert policy["connect-src"] == ["'none'"] and policy["default-src"] == ["'none'"]
        assert not re.search(r"\s(?:src|integrity)=", re.sub(r"<script.*?</script>", "", html))
