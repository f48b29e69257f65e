"""The employee's page on a slow phone, and the site build (issue 14, items 6 and 7).

Not a timed test: it prints figures, each beside the baseline measured in the same run.

- The page: every set's single-file page opened from file:// in Debian's Chromium, with the
  CPU unthrottled and throttled 4x (DevTools `Emulation.setCPUThrottlingRate`): the time from
  navigation until the page is ready to type in (its script has set up the form), a section
  change (Next clicked until the next frame), and sealing 50 KB of answers with the page's
  own HPKE; targets 300 ms, 50 ms and 200 ms throttled. The page's weight (HTML, CSS, JS).
- The build: all sets built by `sluttsamtale build`, against a plain Material build of the
  same number of pages of the same size, in the same run, best of 3 alternating after one
  build of each (so neither pays for the first imports); target at most 2x. Beside it the
  build with `--single-file`, which makes one self-contained page per set as well.

    .venv/bin/python -m benchmarks.page_speed [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from collector import shipped
from collector.formats import keyfile
from collector.website import build

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]

READY_SCRIPT = """
(() => {
  window.__slReady = null;
  document.addEventListener("DOMContentLoaded", () => setTimeout(() => {
    const ns = window.Sluttsamtale;
    if (ns && ns.form && ns.form.state()) window.__slReady = performance.now();
    else if (document.body && document.body.dataset.blank) window.__slReady = performance.now();
  }, 0));
})();
"""

BLANK = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Blank</title></head>"
    '<body data-blank="1"><p>A blank page: what any page opened from file:// costs.</p></body>'
    "</html>"
)

SECTION_CHANGE = """
() => new Promise((done) => {
  const next = document.querySelector("[data-sl-next]");
  const t0 = performance.now();
  next.click();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
})
"""

SEAL_50KB = """
async () => {
  const config = JSON.parse(document.getElementById("sluttsamtale-config").textContent);
  const text = "Arbeidsoppgaver og ansvar. ".repeat(1900).slice(0, 50000);
  const payload = {
    format: "sluttsamtale-payload/2", response_id: "0123456789abcdef0123456789abcdef",
    questionnaire: config.questionnaire, wording: {}, answers: {comments: text}, other: {},
    declined: false, decline_reason: null, readers: "hr",
    sealed_at: new Date().toISOString(), scope: "hr",
  };
  const t0 = performance.now();
  await window.Sluttsamtale.payload.seal(payload, config.key, null);
  return performance.now() - t0;
}
"""


def build_ours(out: Path, pem: Path, single: Path | None = None) -> float:
    """`sluttsamtale build` of every shipped set (with `single`, its single-file pages too)."""
    t0 = time.perf_counter()
    build.build_site(
        shipped.mkdocs_config(),
        out,
        public_key=pem,
        questionnaires=shipped.questionnaires(),
        single_file=single,
    )
    return time.perf_counter() - t0


def plain_material(folder: Path, pages: int, words: int) -> Path:
    """A plain Material site's sources: `pages` pages of about `words` words each."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    text = " ".join(["Sluttsamtale"] * words)
    for n in range(pages):
        (docs / f"page{n}.md").write_text(f"# Page {n}\n\n{text}\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Plain\ntheme:\n  name: material\n  font: false\nplugins: []\n",
        encoding="utf-8",
    )
    return folder / "mkdocs.yml"


def build_plain(config_file: Path, out: Path) -> float:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(out))
    t0 = time.perf_counter()
    mkdocs_build(config)
    return time.perf_counter() - t0


def page_figures(pages: list[Path], runs: int, blank: Path) -> dict[str, dict[int, list[float]]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict[int, list[float]]] = {
        "blank": {},
        "ready": {},
        "section": {},
        "seal": {},
    }
    executable = os.environ.get("SLUTTSAMTALE_CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for rate in (1, 4):
            for name in figures:
                figures[name][rate] = []
            for _ in range(runs * 2):
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
                page.add_init_script(READY_SCRIPT)
                page.goto(blank.as_uri())
                page.wait_for_function("window.__slReady !== null")
                figures["blank"][rate].append(page.evaluate("window.__slReady"))
                context.close()
            for path in pages:
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                    page.add_init_script(READY_SCRIPT)
                    page.goto(path.as_uri())
                    page.wait_for_function("window.__slReady !== null")
                    figures["ready"][rate].append(page.evaluate("window.__slReady"))
                    figures["section"][rate].append(page.evaluate(SECTION_CHANGE))
                    figures["seal"][rate].append(page.evaluate(SEAL_50KB))
                    context.close()
        browser.close()
    return figures


def weight(page: Path) -> int:
    return page.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="page loads per set and rate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "key").mkdir()
        _, pem, _ = keyfile.generate(work / "key", "benchmark passphrase 2026 fjordvik", demo=True)
        single = work / "single"
        build_ours(work / "site", pem, single)  # also warms both: MkDocs, Material, Jinja
        site = work / "site"
        html_pages = sorted(site.rglob("*.html"))
        words = int(statistics.mean(len(p.read_text(encoding="utf-8").split()) for p in html_pages))
        plain_config = plain_material(work / "plain", len(html_pages), words)
        build_plain(plain_config, work / "plain-site")
        # Best of 3, alternating, each side warm: the site as `build` makes it, a plain
        # Material build of as many pages, and the build with the single-file pages too.
        ours = plain = with_single = float("inf")
        for n in range(3):
            ours = min(ours, build_ours(work / f"site{n}", pem))
            plain = min(plain, build_plain(plain_config, work / f"plain{n}"))
            with_single = min(with_single, build_ours(work / f"both{n}", pem, work / f"sf{n}"))
        pages = sorted((single / "sets").glob("*.html"))
        blank = work / "blank.html"
        blank.write_text(BLANK, encoding="utf-8")
        figures = page_figures(pages, args.runs, blank)
        biggest = max(pages, key=weight)
        biggest_size = weight(biggest)

    print(f"page speed, {len(pages)} sets x {args.runs} loads, 390 px, from file://")
    print(f"{'figure':<34}{'unthrottled':>13}{'CPU 4x':>10}{'target':>10}{'4x/1x':>8}")
    for name, label, target in (
        ("blank", "a blank page, ready (baseline)", 0),
        ("ready", "ready to type (ms after navigation)", 300),
        ("section", "section change (ms)", 50),
        ("seal", "sealing 50 KB of answers (ms)", 200),
    ):
        fast = statistics.median(figures[name][1])
        slow = statistics.median(figures[name][4])
        worst = max(figures[name][4])
        verdict = (
            ""
            if not target
            else "; met"
            if worst <= target
            else "; met at the median, NOT at the worst"
            if slow <= target
            else "; NOT met"
        )
        print(
            f"{label:<34}{fast:>13.1f}{slow:>10.1f}{target or '':>10}{slow / fast:>8.2f}"
            f"   (worst 4x: {worst:.1f}{verdict})"
        )
    blank_4x = statistics.median(figures["blank"][4])
    ready_4x = statistics.median(figures["ready"][4])
    print(
        f"ready to type at 4x, beyond what a blank page costs: {ready_4x - blank_4x:.1f} ms "
        f"(ready / blank: {ready_4x / blank_4x:.2f})"
    )
    print(
        f"page weight, the largest single-file page (HTML, CSS, JS inline): "
        f"{biggest_size / 1024:.1f} KiB ({biggest.name})"
    )
    print(
        f"site build: {len(html_pages)} pages in {ours:.2f} s, a plain Material build of as "
        f"many pages {plain:.2f} s: ratio {ours / plain:.2f} (target at most 2; best of 3, "
        f"each warm); with the single-file pages too (--single-file): {with_single:.2f} s, "
        f"ratio {with_single / plain:.2f}"
    )


if __name__ == "__main__":
    main()
