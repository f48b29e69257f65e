"""Issue 12: the tool installed like any Python tool, and run from an employer's folder with
no repository in sight.

The wheel is built from this checkout, installed into a fresh virtual environment outside
the repository (with its dependencies, as pip would for HR), and every main command runs in
an empty folder: init, keygen, doctor, build (refused with the demo employer and a real key),
invite, import, list from a subfolder; and from an unrelated folder a reading command refuses
instead of making a second, empty store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT

from collector.formats import keys
from collector.model import installation
from collector.model.loading import load_catalog
from testing import pagesim
from testing.fixtures import as_own_employer

pytestmark = pytest.mark.slow  # a wheel build and a pip install

PASSPHRASE = "correct horse battery staple 2026 fjord"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `sluttsamtale` command of a fresh venv holding only the built wheel and its deps."""
    where = tmp_path_factory.mktemp("install")
    wheels = where / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("sluttsamtale-*.whl")
    env_dir = where / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--disable-pip-version-check", str(wheel)], check=True)
    return env_dir / "bin" / "sluttsamtale"


def run(
    command: Path, cwd: Path, *args: str, lang: str = "C.UTF-8"
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SLUTTSAMTALE_") and k != "PYTHONPATH"
    }
    env["SLUTTSAMTALE_PASSPHRASE"] = PASSPHRASE
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    env["LANG"] = lang
    return subprocess.run(
        [str(command), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_installed_tool_runs_the_routine_from_an_empty_folder(
    installed: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    made = run(installed, empty, "init", "hr")
    assert made.returncode == 0, made.stderr
    folder = empty / "hr"
    assert {p.name for p in folder.iterdir()} == {
        "sluttsamtale.toml",
        "config.schema.json",
        "questionnaires",
        "keys",
        "sluttsamtale.db",
    }
    assert "created now" in made.stdout
    assert run(installed, folder, "keygen", "--out", "keys/").returncode == 0

    # The demo employer is still in sluttsamtale.toml: doctor says so, and the build refuses.
    doctor = run(installed, folder, "doctor")
    assert doctor.returncode == 1
    assert "still the demo employer" in doctor.stdout and "no base_url" in doctor.stdout
    refused = run(installed, folder, "build")
    assert refused.returncode == 1 and "still the demo employer" in refused.stderr
    assert not (folder / "build").exists()

    # HR edits the one configuration file: the site's address and their own details.
    config = folder / "sluttsamtale.toml"
    text = config.read_text(encoding="utf-8").replace(
        '# base_url = "https://hr.example.org/sluttsamtale"',
        'base_url = "https://hr.example.org/sluttsamtale"',
    )
    config.write_text(as_own_employer(text), encoding="utf-8")
    assert run(installed, folder, "doctor").returncode == 0
    built = run(installed, folder, "build")
    assert built.returncode == 0, built.stderr
    page = (folder / "build" / "site" / "sets" / "kommune-nb.html").read_text(encoding="utf-8")
    # The page is made from the configuration's [employer]: its return address and notice.
    assert "mailto:hr@fjordvik.kommune.no" in page and "telefon 12 34 56 78" in page
    assert "eksempel-kommune.example" not in page

    # Every command below runs in a subfolder: it finds the folder's configuration.
    sub = folder / "e-post"
    sub.mkdir()
    invited = run(
        installed, sub, "invite", "--set", "kommune-nb", "--name", "Kari", "--last-day",
        "2026-12-30", "--out", ".",
    )  # fmt: skip
    assert invited.returncode == 0, invited.stderr
    assert "1 invited" in invited.stdout

    public = keys.load_public_pem(folder / "keys" / "hr-public.pem")
    found = installation.load(config)
    qset = load_catalog(folder / "questionnaires", found.employer, found.file).get("kommune-nb", 1)
    assert qset is not None
    payload = pagesim.build_payload(qset, {"reason": "pay"})
    (sub / "svar.json").write_bytes(pagesim.seal_payload(payload, public.raw))
    imported = run(installed, sub, "import", "svar.json")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    listed = run(installed, sub, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert payload.response_id[:8] in listed.stdout

    # From an unrelated folder: no second, empty store, but one sentence saying where it looked.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    lost = run(installed, elsewhere, "list")
    assert lost.returncode == 1
    assert lost.stderr == (
        f"Error: {elsewhere.resolve() / 'sluttsamtale.db'}: no store here (the default: no "
        f"sluttsamtale.toml in {elsewhere.resolve()} or a folder above it); only import and "
        "init create one\n"
    )
    assert list(elsewhere.iterdir()) == []
    # ... and --config names the folder from anywhere.
    named = run(installed, elsewhere, "--config", str(config), "list", "--json")
    assert named.returncode == 0, named.stderr
    assert payload.response_id[:8] in named.stdout


def test_the_installed_tool_knows_its_commands_and_sets(installed: Path, tmp_path: Path) -> None:
    shown = run(installed, tmp_path, "--help")
    assert shown.returncode == 0
    for command in ("init", "doctor", "build", "invite", "import", "list", "report"):
        assert f"  {command} " in shown.stdout or f"  {command}\n" in shown.stdout
    # The catalogues ship in the wheel: the help in the locale's language.
    for lang, usage, words in (
        ("nb_NO.UTF-8", "Bruk:", "Vis denne meldingen og avslutt."),
        ("nn_NO.UTF-8", "Bruk:", "Vis denne meldinga og avslutt."),
        ("sv_SE.UTF-8", "Användning:", "Visa det här meddelandet och avsluta."),
    ):
        said = run(installed, tmp_path, "--help", lang=lang)
        assert said.stdout.startswith(usage) and words in said.stdout, said.stdout
    schema = run(installed, tmp_path, "schema", "config")
    assert schema.returncode == 0
    assert schema.stdout == (ROOT / "spec" / "config.schema.json").read_text(encoding="utf-8")


def test_the_installed_desk_serves_its_pages_and_stops_on_ctrl_c(
    installed: Path, tmp_path: Path
) -> None:
    """Templates and style sheet ship in the wheel; the one-time address lets one browser
    in; Ctrl+C (SIGINT) stops it with a word, not a traceback."""
    import http.cookiejar
    import re
    import signal
    import urllib.request

    assert run(installed, tmp_path, "init", "hr").returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLUTTSAMTALE_")}
    env.pop("PYTHONPATH", None)
    desk = subprocess.Popen(
        [str(installed), "desk", "--no-browser"],
        cwd=tmp_path / "hr",
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert desk.stderr is not None
        line = desk.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/d-[\w-]+/start\?token=[\w-]+", line)
        assert found, line
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(found.group(0), timeout=10) as start:  # sets the session cookie
            assert start.status == 200
        base = found.group(0).split("/start")[0]
        root = base.split(":", 2)[2].split("/", 1)[1]
        with opener.open(f"{base}/", timeout=10) as page:
            assert page.status == 200
            html = page.read().decode()
        assert "<h1>" in html and f'href="/{root}/static/desk.css"' in html
        with opener.open(f"{base}/static/desk.css", timeout=10) as css:
            assert css.read().startswith(b"/*")
    finally:
        desk.send_signal(signal.SIGINT)
        _, rest = desk.communicate(timeout=20)
    assert desk.returncode == 0, rest
    assert "Traceback" not in rest
    assert "stopped" in rest
