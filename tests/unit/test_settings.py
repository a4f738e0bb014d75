"""The settings file IT places: precedence of machine, user, environment, and clear errors naming file and key."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from precinct_console import config
from precinct_console.cli import main as cli_main
from precinct_console.config import Settings, SettingsError, load_settings
from precinct_console.domain.errors import KnownError

EXAMPLE = Path(__file__).resolve().parents[2] / "installers" / "settings.example.toml"


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    machine, user = tmp_path / "machine.toml", tmp_path / "user.toml"
    monkeypatch.setenv("PRECINCT_MACHINE_SETTINGS", str(machine))
    monkeypatch.setenv("PRECINCT_USER_SETTINGS", str(user))
    for f in fields(Settings):  # the developer's own shell must not leak into the test
        monkeypatch.delenv(f"PRECINCT_{f.name.upper()}", raising=False)
    return machine, user


def test_machine_file_then_user_file_then_environment_then_flag(files, monkeypatch):
    machine, user = files
    machine.write_text(
        '[console]\ndatabase_url = "postgresql+psycopg://precinct@db.local/precinct"\n'
        'station_code = "S01"\nexport_folder = "D:/exports"\nhandover_time = "08:00"\n',
        encoding="utf-8",
    )
    user.write_text('station_code = "S02"\nworkstation = "指挥席2"\n', encoding="utf-8")
    monkeypatch.setenv("PRECINCT_HANDOVER_TIME", "09:15")

    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://precinct@db.local/precinct"
    assert settings.station_code == "S02"  # the user file overrides the machine file
    assert settings.workstation == "指挥席2"
    assert settings.resolved_export_folder == Path("D:/exports")
    assert settings.handover_time == "09:15"  # the environment overrides both files
    assert load_settings(database_url="sqlite:////tmp/x.sqlite3").database_url == "sqlite:////tmp/x.sqlite3"


def test_no_files_gives_the_embedded_database_in_the_user_data_folder(files, tmp_path):
    settings = load_settings()
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'data' / 'precinct.sqlite3').as_posix()}"
    assert settings.response_profile == "tiers_of_force"


def test_unknown_key_names_the_file_and_the_key_and_suggests_the_right_one(files):
    machine, _ = files
    machine.write_text('databse_url = "sqlite:///x"\nfavourite_colour = "blue"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert str(machine) in message
    assert "databse_url (did you mean database_url?)" in message
    assert "favourite_colour" in message


def test_wrong_type_names_the_file_and_the_key(files):
    _, user = files
    user.write_text("[console]\nmorning_replan = 9\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(user) in str(err.value)
    assert "'morning_replan' must be a string" in str(err.value)


def test_broken_toml_names_the_file(files):
    machine, _ = files
    machine.write_text('database_url = "postgresql://unterminated\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="not a valid TOML settings file") as err:
        load_settings()
    assert str(machine) in str(err.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("handover_time", "8.30", "HH:MM"),
        ("morning_replan", "25:00", "HH:MM"),
        ("language", "fr", "en, zh_CN"),
        ("timezone", "Mars/Olympus", "time zone"),
    ],
)
def test_values_that_would_fail_hours_later_are_refused_at_start(files, key, value, expected):
    machine, _ = files
    machine.write_text(f'{key} = "{value}"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=expected) as err:
        load_settings()
    assert str(machine) in str(err.value) and f"'{key}' = '{value}'" in str(err.value)


def test_bad_environment_variable_is_named(files, monkeypatch):
    monkeypatch.setenv("PRECINCT_HANDOVER_TIME", "half past eight")
    with pytest.raises(SettingsError, match="environment variable PRECINCT_HANDOVER_TIME"):
        load_settings()


def test_database_url_that_is_not_a_url_is_refused(files):
    _, user = files
    user.write_text('database_url = "C:/PrecinctConsole/precinct.sqlite3"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="not a database URL"):
        load_settings()


def test_a_bad_settings_file_is_a_clear_message_not_a_traceback_on_the_command_line(files, capsys):
    machine, _ = files
    machine.write_text('stationcode = "S01"\n', encoding="utf-8")
    assert issubclass(SettingsError, KnownError)
    assert cli_main(["db", "status"]) == 1
    err = capsys.readouterr().err
    assert str(machine) in err and "did you mean station_code" in err
    assert "Traceback" not in err


def test_the_shipped_example_file_is_valid_and_documents_every_setting(files):
    machine, _ = files
    text = EXAMPLE.read_text(encoding="utf-8")
    for f in fields(Settings):
        assert f"{f.name} =" in text, f"{EXAMPLE.name} does not document {f.name}"
    machine.write_text(text, encoding="utf-8")
    assert load_settings().station_code == "S01"  # the file IT copies loads as it is
    # ...and with every commented-out default switched on.
    names = {f.name for f in fields(Settings)}
    active = "\n".join(
        line[2:] if line.startswith("# ") and line[2:].split(" = ")[0] in names else line
        for line in text.splitlines()
    )
    machine.write_text(active, encoding="utf-8")
    settings = load_settings()
    assert settings.workstation == "指挥席1" and settings.keyring_service == "precinct-console"
    assert config.machine_settings_path() == machine
