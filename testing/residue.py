"""An employee's whole visit in a persistent Chromium profile, run as its own process (one
Playwright per process): open the page from an invitation link, type an answer, save a
draft, seal, close the browser. tests/test_browser_residue.py then searches every file of
the profile for what the visit must not leave behind.

    python -m testing.residue CHROMIUM PROFILE URL ANSWER PASSPHRASE
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def visit(chromium: str, profile: Path, url: str, answer: str, passphrase: str) -> None:
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url)
        expect(page.locator("[data-sl-progress]")).to_be_visible()
        # The first free-text question the page shows gets the answer.
        field = page.locator("[data-sl-section]:not([hidden]) textarea:visible")
        while field.count() == 0:
            page.locator("[data-sl-next]").click()
        field.first.fill(answer)
        page.locator("[data-sl-save-toggle]").click()
        page.locator("#sl-save-pass").fill(passphrase)
        page.locator("#sl-save-pass2").fill(passphrase)
        page.locator("[data-sl-save-go]").click()
        expect(page.locator("[data-sl-status]")).not_to_be_empty()
        while page.locator("[data-sl-next]").is_visible():
            page.locator("[data-sl-next]").click()
        page.locator('input[name="readers"][value="hr"]').check()
        page.locator("[data-sl-finish]").click()
        expect(page.locator("[data-sl-result]")).to_be_visible()
        expect(page.locator("[data-sl-draft-erased]")).to_be_visible()
        print(page.evaluate("localStorage.length + sessionStorage.length"))
        context.close()


if __name__ == "__main__":
    chromium, profile, url, answer, passphrase = sys.argv[1:6]
    visit(chromium, Path(profile), url, answer, passphrase)
