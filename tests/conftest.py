"""Shared fixtures: a test key, the real built site, a local server, and Debian's Chromium.

Every browser page records each request it makes; a test fails if any request leaves the
page's own origin. Nothing here touches real data: keys, sites and stores live in tmp.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from collector import i18n
from collector.formats import keys
from collector.website import serve
from testing.fixtures import Env, Flow, isolate, isolate_real

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    # Debian's Chromium as root needs --no-sandbox; the rest keep it from phoning home,
    # which this machine's closed network would refuse noisily.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


KEPT_VARIABLES = {"SLUTTSAMTALE_CHROMIUM"}
"""The tests' own setting (which Chromium to drive); every other SLUTTSAMTALE_* is HR's."""


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test starts in its own folder with none of HR's settings from the shell that
    runs it, and a home of its own, so nothing a test does can read or touch real data."""
    for name in list(os.environ):
        if name.startswith("SLUTTSAMTALE_") and name not in KEPT_VARIABLES:
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")  # beside tmp_path, which tests list
    monkeypatch.setenv("HOME", str(home))
    for xdg in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(xdg, str(home / xdg.lower()))
    # The CLI speaks English unless a test asks for another language.
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # The key agent's socket too: a developer's own unlocked agent must never answer a test.
    (home / "run").mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
    monkeypatch.chdir(tmp_path)
    yield
    i18n.use("en")  # a CLI run in another language leaves the process speaking it


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """The small test set, HR's test key and a store, all in tmp_path, named in the variables."""
    return isolate(tmp_path, monkeypatch)


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    """The shipped question sets (copied), HR's test key, a store and a fixed clock."""
    return isolate_real(tmp_path, monkeypatch)


@dataclass(frozen=True)
class TestKey:
    __test__ = False  # a fixture value, not a test class

    private: X25519PrivateKey
    public: keys.PublicKey
    pem: Path

    @property
    def key_id(self) -> str:
        return self.public.key_id


def make_test_key(folder: Path, name: str = "hr") -> TestKey:
    private = X25519PrivateKey.generate()
    raw = keys.public_raw(private.public_key())
    pem = folder / f"{name}-public.pem"
    pem.write_bytes(keys.public_pem(raw))
    return TestKey(private, keys.PublicKey(raw), pem)


@pytest.fixture(scope="session")
def test_key(tmp_path_factory: pytest.TempPathFactory) -> TestKey:
    return make_test_key(tmp_path_factory.mktemp("keys"))


def build_site(
    out: Path,
    public_key: Path,
    config: Path = ROOT / "mkdocs.yml",
    extra_env: dict[str, str] | None = None,
    *,
    strict: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build` into `out`; the caller checks the result. Not `strict`
    only for a set that is meant to warn (the every-type set has required questions)."""
    env = {**os.environ, "SLUTTSAMTALE_PUBLIC_KEY": str(public_key), **(extra_env or {})}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            *(["--strict"] if strict else []),  # no -q: it hides what --strict counts
            "-f",
            str(config),
            "-d",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, test_key: TestKey) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    result = build_site(out, test_key.pem)
    assert result.returncode == 0, result.stderr
    return out


def build_single_files(
    site: Path, out: Path, public_key: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `sluttsamtale build --single-file out` (the site into `site`); the caller checks."""
    env = {**os.environ, **(extra_env or {})}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "collector",
            "build",
            "--out",
            str(site),
            "--public-key",
            str(public_key),
            "--single-file",
            str(out),
            "--allow-demo",  # the shipped demo employer, with a test key
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture(scope="session")
def single_file_pages(tmp_path_factory: pytest.TempPathFactory, test_key: TestKey) -> Path:
    """A folder with one self-contained page per set, at sets/<id>.html as in the site."""
    tmp = tmp_path_factory.mktemp("single")
    result = build_single_files(tmp / "site", tmp / "pages", test_key.pem)
    assert result.returncode == 0, result.stderr
    return tmp / "pages"


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` over http on 127.0.0.1 (a secure context, like https), by the demo's server."""
    server = serve.serve(folder, 0)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def http_site(built_site: Path) -> Iterator[str]:
    with served(built_site) as base:
        yield base


@pytest.fixture(scope="session")
def file_site(single_file_pages: Path) -> str:
    """What opens from file://: the single-file pages. The site's tree does not, since
    Chromium refuses Subresource Integrity there (tests/test_site_offline.py)."""
    return single_file_pages.as_uri()


def chromium_path() -> str | None:
    return os.environ.get("SLUTTSAMTALE_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a failure, never a skip
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class RecordedPage:
    """A page plus every URL it requested."""

    page: object
    requests: list[str] = field(default_factory=list)


def _same_origin(url: str, allowed: tuple[str, ...]) -> bool:
    return url.startswith(allowed) or url.startswith(("data:", "blob:", "about:"))


@pytest.fixture
def recorded(browser, request):  # type: ignore[no-untyped-def]
    """A fresh context and page; at teardown, no request may have left the site's origin."""
    context = browser.new_context(accept_downloads=True, locale="nb-NO")
    page = context.new_page()
    rec = RecordedPage(page)
    page.on("request", lambda r: rec.requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield rec
    context.close()
    allowed = ("file://", "http://127.0.0.1:")
    foreign = [u for u in rec.requests if not _same_origin(u, allowed)]
    assert not foreign, f"requests left the page's origin: {foreign}"
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(recorded):  # type: ignore[no-untyped-def]
    return recorded.page


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """axe-core on the page as it is now: no WCAG 2.0, 2.1 or 2.2 A or AA violation it can
    see. Focus, order, target size and announcements are checked by hand in
    test_page_journey."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


# --------------------------------------------------------------------------- no silent skips

SKIP_ALLOWED: dict[str, str] = {}
"""Test ids that may skip under CI, each with the reason; empty, and meant to stay so."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI (the variable CI set), a skipped test is a failed one: a test that never
    runs where the product is checked is a test that cannot fail."""
    outcome = yield
    report = outcome.get_result()
    allowed = item.nodeid in SKIP_ALLOWED or hasattr(report, "wasxfail")
    if report.skipped and os.environ.get("CI") and not allowed:
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI, which counts as a failure: {reason}"
