"""The site as HR hands it out: a zip, unpacked anywhere, opened from the file.

No server, no network: the landing page and a set page open from file://, the set is
completed and sealed, and no request leaves (the `page` fixture fails the test otherwise).
Chromium matches CSP 'self' against file:// URLs, so the pages' own scripts run.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import TestKey
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

pytestmark = pytest.mark.browser


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
