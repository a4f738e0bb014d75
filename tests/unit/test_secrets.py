"""The database password kept in the keyring: `{keyring}` URLs, `db set-password`, and no-keyring machines."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from sqlalchemy.engine import make_url

from precinct_console.cli import main as cli_main
from precinct_console.config import Settings, load_settings
from precinct_console.secrets import (
    SecretError,
    forget_password,
    keyring_entry,
    resolve_database_url,
    store_password,
    wants_keyring,
)

URL = "postgresql+psycopg://precinct:{keyring}@db.station.local/precinct"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, standing in for Credential Manager / Secret Service."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not stored")


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def machine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "machine.toml"
    monkeypatch.setenv("PRECINCT_MACHINE_SETTINGS", str(path))
    for f in fields(Settings):
        monkeypatch.delenv(f"PRECINCT_{f.name.upper()}", raising=False)
    return path


def test_settings_file_url_gets_its_password_from_the_keyring(ring, machine_file):
    machine_file.write_text(f'database_url = "{URL}"\n', encoding="utf-8")
    ring.entries[("precinct-console", "precinct@db.station.local:5432/precinct")] = "p@ss:w/rd%中"

    url = load_settings().resolved_database_url
    parsed = make_url(url)
    # Characters that mean something in a URL come through intact.
    assert parsed.password == "p@ss:w/rd%中"
    assert (parsed.username, parsed.host, parsed.database) == ("precinct", "db.station.local", "precinct")
    assert "{keyring}" not in url


def test_keyring_service_from_settings_keeps_two_consoles_apart(ring, machine_file):
    machine_file.write_text(f'database_url = "{URL}"\nkeyring_service = "precinct-training"\n',
                            encoding="utf-8")
    ring.entries[("precinct-console", "precinct@db.station.local:5432/precinct")] = "live"
    ring.entries[("precinct-training", "precinct@db.station.local:5432/precinct")] = "training"
    assert make_url(load_settings().resolved_database_url).password == "training"


def test_url_without_placeholder_never_asks_the_keyring(ring):
    plain = "postgresql+psycopg://precinct@db.station.local/precinct"
    assert resolve_database_url(plain, "precinct-console") == plain
    assert resolve_database_url("sqlite:///C:/data/precinct.sqlite3", "precinct-console").startswith("sqlite")
    assert ring.reads == 0


def test_the_embedded_database_never_asks_the_keyring(no_keyring, machine_file):
    assert load_settings().resolved_database_url.startswith("sqlite:///")


def test_missing_password_says_which_server_and_how_to_store_it(ring):
    with pytest.raises(SecretError) as err:
        resolve_database_url(URL, "precinct-console")
    message = str(err.value)
    assert "precinct@db.station.local:5432/precinct" in message
    assert "precinct-console db set-password" in message


def test_machine_without_keyring_gets_a_way_out(no_keyring):
    with pytest.raises(SecretError) as err:
        resolve_database_url(URL, "precinct-console")
    assert "no keyring" in str(err.value) and ".pgpass" in str(err.value)
    with pytest.raises(SecretError, match="cannot store"):
        store_password(URL, "precinct-console", "secret")


def test_same_server_with_or_without_default_port_shares_one_entry():
    a = keyring_entry(URL, "s")
    b = keyring_entry("postgresql+psycopg://precinct:{keyring}@db.station.local:5432/precinct", "s")
    c = keyring_entry("postgresql+psycopg://precinct:{keyring}@db.station.local:5433/precinct", "s")
    assert a == b and a != c


def test_placeholder_written_url_quoted_is_recognised():
    assert wants_keyring("postgresql+psycopg://precinct:%7Bkeyring%7D@db/precinct")
    assert not wants_keyring("postgresql+psycopg://precinct:secret@db/precinct")
    assert not wants_keyring("sqlite:///x.sqlite3")


def test_store_and_forget(ring):
    entry = store_password(URL, "precinct-console", "s3cret")
    assert ring.entries[(entry.service, entry.account)] == "s3cret"
    assert forget_password(URL, "precinct-console") is True
    assert forget_password(URL, "precinct-console") is False
    with pytest.raises(SecretError, match="empty"):
        store_password(URL, "precinct-console", "")


def test_sqlite_has_no_password_to_store(ring, capsys):
    assert cli_main(["db", "set-password", "--db", "sqlite:///x.sqlite3", "--no-check",
                     "--password-stdin"]) == 1
    assert "SQLite file" in capsys.readouterr().err
    assert ring.entries == {}


def test_cli_set_password_from_stdin_then_console_opens_with_it(ring, machine_file, monkeypatch, capsys):
    machine_file.write_text(f'database_url = "{URL}"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert cli_main(["db", "set-password", "--password-stdin", "--no-check"]) == 0
    out = capsys.readouterr().out
    assert "precinct@db.station.local:5432/precinct stored" in out
    assert "correct horse" not in out
    assert make_url(load_settings().resolved_database_url).password == "correct horse"

    assert cli_main(["db", "forget-password"]) == 0
    with pytest.raises(SecretError):
        _ = load_settings().resolved_database_url


def test_cli_refuses_to_store_a_password_the_server_does_not_take(ring, monkeypatch, capsys):
    # Nothing listens on port 1: the check fails, so nothing is kept.
    url = "postgresql+psycopg://precinct:{keyring}@127.0.0.1:1/precinct"
    monkeypatch.setattr("sys.stdin", io.StringIO("typo\n"))
    assert cli_main(["db", "set-password", "--db", url, "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert "nothing was stored" in err and "typo" not in err
    assert ring.entries == {}


def test_cli_reminds_to_use_the_placeholder(ring, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    url = "postgresql+psycopg://precinct@db.station.local/precinct"
    assert cli_main(["db", "set-password", "--db", url, "--password-stdin", "--no-check"]) == 0
    assert "precinct:{keyring}@db.station.local/precinct" in capsys.readouterr().out


@pytest.mark.pg
def test_check_signs_in_to_the_real_server(ring, monkeypatch, capsys, pg_server_url):
    server = make_url(pg_server_url)
    url = server.set(password="{keyring}").render_as_string(hide_password=False)
    url = url.replace("%7Bkeyring%7D", "{keyring}")
    monkeypatch.setattr("sys.stdin", io.StringIO("any\n"))  # the test server trusts local users
    assert cli_main(["db", "set-password", "--db", url, "--password-stdin"]) == 0
    assert "stored" in capsys.readouterr().out
    assert make_url(resolve_database_url(url, "precinct-console")).password == "any"
