"""sluttsamtale.toml: found by walking up, named by --config or SLUTTSAMTALE_CONFIG, checked by
pydantic in one sentence, and lower in rank than the command line and the environment; and
`doctor`, one line per finding about the employer's folder."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from collector import settings
from collector.cli import main
from collector.formats import keyfile
from collector.model import installation
from collector.model.installation import ConfigError
from testing.fixtures import PASSPHRASE, as_own_employer, install_key


def runner_in(folder: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(old)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An employer's folder as `init` makes it, with no SLUTTSAMTALE_ variable set."""
    for name in list(os.environ):
        if name.startswith("SLUTTSAMTALE_"):
            monkeypatch.delenv(name)
    result = runner_in(tmp_path, "init", "hr")
    assert result.exit_code == 0, result.output
    return tmp_path / "hr"


def test_init_refuses_to_overwrite(folder: Path) -> None:
    again = runner_in(folder.parent, "init", "hr")
    assert again.exit_code == 1
    assert again.output == f"Error: {Path('hr') / 'sluttsamtale.toml'}: exists already; " \
        "init never overwrites a folder\n"  # fmt: skip


def test_found_from_a_subfolder_with_paths_relative_to_the_file(folder: Path) -> None:
    deep = folder / "a" / "b"
    deep.mkdir(parents=True)
    found = settings.from_environ({}, cwd=deep)
    assert found.config is not None and found.config.file == folder / "sluttsamtale.toml"
    assert found.db_path() == folder / "sluttsamtale.db"
    assert found.key_paths() == (folder / "keys" / "hr-key.json",)
    assert found.questionnaire_folder() == folder / "questionnaires"
    assert found.site_out(None) == folder / "build" / "site"
    assert found.base_url_or(None) is None  # commented out until HR sets it


def test_the_command_line_beats_the_environment_beats_the_file(folder: Path) -> None:
    env = {"SLUTTSAMTALE_DB": "/srv/other.db"}
    s = settings.from_environ(env, cwd=folder)
    assert s.db_path() == Path("/srv/other.db")
    assert s.db_source() == "named by SLUTTSAMTALE_DB"
    assert s.db_path(Path("given.db")) == Path("given.db")
    assert settings.from_environ({}, cwd=folder).db_source() == (
        f"named in {folder / 'sluttsamtale.toml'}"
    )


def test_named_configuration_wins_over_the_nearest(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[store]\npath = "elsewhere.db"\n', encoding="utf-8")
    s = settings.from_environ({"SLUTTSAMTALE_CONFIG": str(other)}, cwd=folder)
    assert s.db_path() == tmp_path / "elsewhere.db"
    s = settings.from_environ({}, config_file=other, cwd=folder)
    assert s.db_path() == tmp_path / "elsewhere.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[store\n", "not valid TOML"),
        ("colour = 'red'\n", "colour: not a setting Sluttsamtale knows"),
        ("[site]\nbase_url = 3\n", "site.base_url: input should be text"),
        ("[store]\nkeys = 'one.json'\n", "store.keys: input should be a list"),
    ],
)
def test_a_wrong_configuration_is_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sluttsamtale.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        installation.load(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value) and "\n" not in str(raised.value)
    result = runner_in(tmp_path, "status")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"Error: {path.resolve()}: ")


def test_a_named_configuration_that_is_missing(tmp_path: Path) -> None:
    result = runner_in(tmp_path, "--config", "nope.toml", "status")
    assert (result.exit_code, result.output) == (
        1,
        "Error: nope.toml: no such configuration file\n",
    )


# --------------------------------------------------------------------------- doctor


def finding_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return result.output.splitlines()


def make_ready(folder: Path) -> None:
    """What HR does after init: a key, the base URL, and their own employer (all in the one
    configuration file)."""
    install_key(folder / "keys")
    config = folder / "sluttsamtale.toml"
    text = config.read_text(encoding="utf-8").replace("# base_url", "base_url")
    config.write_text(as_own_employer(text), encoding="utf-8")


def test_doctor_on_a_folder_fresh_from_init(folder: Path) -> None:
    result = runner_in(folder, "doctor")
    assert result.exit_code == 1
    lines = finding_lines(result)
    problems = [line for line in lines if line.startswith("problem")]
    assert len(problems) == 3, lines
    assert "no base_url under [site]" in problems[0]
    assert "still the demo employer (the name 'Eksempel kommune (demo)'" in problems[1]
    assert "the phone number 00 00 00 00" in problems[1]
    assert "no public key yet" in problems[2]
    assert f"ok       store: {folder / 'sluttsamtale.db'}" in lines


def test_doctor_when_ready_and_what_it_still_catches(folder: Path) -> None:
    make_ready(folder)
    ready = runner_in(folder, "doctor")
    assert ready.exit_code == 0, ready.output
    assert not any(line.startswith("problem") for line in finding_lines(ready))
    assert f"warning  {folder / 'build' / 'site'}: not built yet" in ready.output
    key_file = folder / "keys" / "hr-key.json"
    assert f"ok       HR's key file: {key_file}, readable by its owner only" in ready.output

    key = folder / "keys" / "hr-key.json"
    key.chmod(0o644)
    weak = runner_in(folder, "doctor")
    assert weak.exit_code == 1
    assert f"problem  {key}: others may read HR's key file (mode 644); chmod 600 {key}" in (
        weak.output
    )
    key.chmod(0o600)

    config = folder / "sluttsamtale.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("\nreturn_address =", "\n# return_address ="),
        encoding="utf-8",
    )
    no_address = runner_in(folder, "doctor")
    assert no_address.exit_code == 1
    assert "no return_address, so the page cannot say where to send the answers" in (
        no_address.output
    )


def test_build_refuses_the_demo_employer_with_a_real_key(folder: Path) -> None:
    install_key(folder / "keys")
    refused = runner_in(folder, "build")
    assert refused.exit_code == 1
    assert "still the demo employer" in refused.output
    assert "build with --allow-demo to try it" in refused.output
    assert not (folder / "build").exists()


@pytest.mark.slow  # a whole site build
def test_doctor_sees_a_site_built_for_another_key(folder: Path) -> None:
    make_ready(folder)
    built = runner_in(folder, "build")
    assert built.exit_code == 0, built.output
    shutil.rmtree(folder / "keys")
    (folder / "keys").mkdir()
    # A new key pair: the published page still seals to the old one.
    keyfile.generate(folder / "keys", "correct horse battery staple 2026 fjord")
    result = runner_in(folder, "doctor")
    assert result.exit_code == 1
    assert f"problem  {folder / 'build' / 'site'}: built for another key than" in result.output


def test_the_template_with_base_url_set_loads(tmp_path: Path) -> None:
    from collector.cli.folder import TEMPLATE

    path = tmp_path / "sluttsamtale.toml"
    path.write_text(TEMPLATE.replace("# base_url", "base_url"), encoding="utf-8")
    found = installation.load(path)
    assert found.base_url == "https://hr.example.org/sluttsamtale"
    assert found.public_key == tmp_path / "keys" / "hr-public.pem"


# --------------------------------------------------------------------------- [employer]


def edited(folder: Path, *changes: tuple[str, str]) -> Path:
    config = folder / "sluttsamtale.toml"
    text = config.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    return config


def test_init_writes_the_employer_into_the_configuration(folder: Path) -> None:
    from collector import shipped
    from collector.model.loading import load_employer

    assert not (folder / "questionnaires" / "employer.yml").exists()
    found = installation.load(folder / "sluttsamtale.toml")
    # Read back with the same model, the table is the shipped demo employer exactly.
    assert found.employer == load_employer(shipped.questionnaires() / "employer.yml")
    text = (folder / "sluttsamtale.toml").read_text(encoding="utf-8")
    assert "# THE DEMO EMPLOYER. Replace every value" in text
    # Each setting has its description above it, from the model's own docstring.
    assert "# Where employees send their response file" in text
    lines = text[text.index("\n[employer]\n") :].splitlines()
    settings_at = [i for i, line in enumerate(lines) if re.match(r"(# )?[a-z_]+ =", line)]
    assert settings_at and all(lines[i - 1].startswith("#") for i in settings_at)
    assert 'min_tenure_months = 12, employment = ["permanent",' in text.replace("\n# ", " ")
    assert max(len(line) for line in text.splitlines()) <= 100


def test_the_employer_the_commands_use_is_the_configurations(folder: Path) -> None:
    edited(folder, ('name = "Eksempel kommune (demo)"', 'name = "Fjordvik kommune"'))
    catalog = settings.from_environ({}, cwd=folder / "questionnaires").catalog()
    assert catalog.employer.name == "Fjordvik kommune"
    assert catalog.employer_place == f"[employer] in {folder / 'sluttsamtale.toml'}"
    lines = finding_lines(runner_in(folder, "doctor"))
    assert not any("the name 'Eksempel kommune (demo)'" in line for line in lines)
    assert any(f"[employer] in {folder / 'sluttsamtale.toml'}: still the demo" in x for x in lines)
    # The notices still name the demo employer, as its texts write it.
    assert any("the name 'Eksempel kommune' in the privacy notice" in x for x in lines)


def test_a_wrong_employer_setting_is_one_sentence_naming_the_file(folder: Path) -> None:
    config = edited(folder, ("retention_months = 12", "retention_months = 0"))
    result = runner_in(folder, "doctor")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {config}: employer.retention_months: input should be at least 1\n"
    )


def test_a_notice_missing_for_a_language_says_where_it_belongs(folder: Path) -> None:
    config = folder / "sluttsamtale.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[employer.privacy.nn]")
    end = text.index("[employer.privacy.sv]")
    config.write_text(text[:start] + text[end:], encoding="utf-8")
    problems = [x for x in finding_lines(runner_in(folder, "doctor")) if x.startswith("problem")]
    assert any(
        f"kommune-nn.yml: no privacy notice in 'nn'; add one to [employer] in {config}" in x
        for x in problems
    ), problems


def test_an_employer_yml_beside_the_configurations_employer_is_a_problem(folder: Path) -> None:
    from collector import shipped

    stray = folder / "questionnaires" / "employer.yml"
    shutil.copyfile(shipped.questionnaires() / "employer.yml", stray)
    lines = finding_lines(runner_in(folder, "doctor"))
    assert (
        f"problem  {stray}: not read, as the employer is [employer] in "
        f"{folder / 'sluttsamtale.toml'}; delete it, so that no one edits the file the page "
        "is not made from"
    ) in lines
    make_ready(folder)
    built = runner_in(folder, "build")
    assert built.exit_code == 0, built.output
    assert f"problem: {stray}: not read, as the employer is [employer] in" in built.output


def test_the_receivers_key_is_relative_to_the_configuration(folder: Path) -> None:
    edited(folder, ("# whistleblowing_key =", 'whistleblowing_key = "keys/receiver.pem"'))
    catalog = settings.from_environ({}, cwd=folder).catalog()
    assert catalog.receiver_key_path == folder / "keys" / "receiver.pem"


def test_the_desk_reads_the_employer_afresh_after_an_edit(folder: Path) -> None:
    from collector.desk.state import Desk
    from testing.desk import TEST_HOST, client

    desk = Desk(settings.from_environ({}, cwd=folder))
    desk.access.hosts = frozenset({TEST_HOST})
    with client(desk) as c:
        assert '<span class="employer">Eksempel kommune (demo)</span>' in c.get("/").text
        edited(folder, ('name = "Eksempel kommune (demo)"', 'name = "Fjordvik kommune"'))
        assert '<span class="employer">Fjordvik kommune</span>' in c.get("/").text


@pytest.mark.slow  # a whole site build
def test_a_site_built_before_the_employer_changed_is_neither_invited_to_nor_ok(
    folder: Path,
) -> None:
    make_ready(folder)
    assert runner_in(folder, "build").exit_code == 0
    env = {"SLUTTSAMTALE_PASSPHRASE": PASSPHRASE}
    invite = ["invite", "--set", "kommune-nb", "--name", "Kari", "--last-day", "2026-12-30"]
    assert runner_in(folder, *invite, env=env).exit_code == 0, "a fresh build invites"
    config = edited(folder, ("hr@fjordvik.kommune.no", "sluttsamtale@fjordvik.kommune.no"))
    site = folder / "build" / "site"
    doctor = runner_in(folder, "doctor")
    assert doctor.exit_code == 1
    assert (
        f"problem  {site}: built before {config} was last changed, so the published page may "
        "say something else; build again and publish it"
    ) in finding_lines(doctor)
    refused = runner_in(folder, *invite[:-4], "--name", "Ola", "--last-day", "2026-12-30", env=env)
    assert refused.exit_code == 1
    assert f"the site was built before {config} was last changed" in refused.output
    assert runner_in(folder, "build").exit_code == 0
    assert runner_in(folder, "doctor").exit_code == 0


def test_doctor_outside_an_employers_folder_says_only_that(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = runner_in(elsewhere, "doctor", env={"SLUTTSAMTALE_CONFIG": ""})
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no sluttsamtale.toml in {elsewhere} or a folder above it, so this is no "
        "employer's folder; run doctor in one, give --config, or make one with sluttsamtale "
        "init DIR\n"
    )
    assert list(elsewhere.iterdir()) == []


def test_init_inside_an_employers_folder_refuses(folder: Path) -> None:
    # A second folder (and store) inside the first would split the store and give the
    # first one's doctor the copied sets twice.
    inner = runner_in(folder / "questionnaires", "init", "sub")
    assert inner.exit_code == 1
    assert inner.output == (
        f"Error: sub: inside the employer's folder {folder} (its sluttsamtale.toml); a folder "
        "of its own goes elsewhere, or edit that one\n"
    )
    assert not (folder / "questionnaires" / "sub").exists()


def test_init_lists_what_it_made_in_columns(tmp_path: Path) -> None:
    made = runner_in(tmp_path, "init", "hr2").output.splitlines()
    listed = [line for line in made if line.startswith("  ")]
    assert [line.split()[0] for line in listed] == [
        "sluttsamtale.toml",
        "config.schema.json",
        "questionnaires/",
        "keys/",
        "sluttsamtale.db",
    ]
    assert len({re.match(r"  \S+ +", line).end() for line in listed}) == 1  # type: ignore[union-attr]
