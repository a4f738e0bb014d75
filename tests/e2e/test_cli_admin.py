"""Administration verbs as an IT contact uses them: db upgrade, first administrator, users, watch."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from precinct_console.cli import main


def test_first_administrator_then_users_then_list(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert "from empty to" in capsys.readouterr().out
    # Without a station, the first account explains what it needs.
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--db", url]) == 1
    assert "--station-code" in capsys.readouterr().err
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "duty.li", "--role", "duty_officer", "--name", "李值班", "--db", url]) == 0
    capsys.readouterr()
    assert main(["user", "list", "--json", "--db", url]) == 0
    users = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["duty.li"]["role"] == "duty_officer" and users["duty.li"]["name"] == "李值班"
    # A wrong password is refused, and nothing is added.
    monkeypatch.setenv("PRECINCT_PASSWORD", "wrong")
    assert main(["user", "add", "x.y", "--role", "clerk", "--db", url]) == 1
    assert "wrong user name or password" in capsys.readouterr().err
    # A duty officer may not add users.
    monkeypatch.setenv("PRECINCT_USER", "duty.li")
    monkeypatch.setenv("PRECINCT_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "x.y", "--role", "clerk", "--db", url]) == 1
    assert "may not perform 'user.add'" in capsys.readouterr().err


def _first_administrator(url: str, monkeypatch) -> None:
    """A station set up on an empty database, its administrator the acting user from here on."""
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")


def test_a_forgotten_password_is_reset_by_the_administrator_then_changed_by_its_owner(
        tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    _first_administrator(url, monkeypatch)
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "duty.li", "--role", "duty_officer", "--db", url]) == 0
    # 李 forgot it: the administrator sets a new one.
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "reset-pass-2")
    assert main(["user", "reset-password", "duty.li", "--db", url]) == 0
    assert "password reset" in capsys.readouterr().out
    # A duty officer may not reset anyone's password; too short a password is named.
    monkeypatch.setenv("PRECINCT_USER", "duty.li")
    monkeypatch.setenv("PRECINCT_PASSWORD", "reset-pass-2")
    assert main(["user", "reset-password", "admin", "--db", url]) == 1
    assert "may not perform 'user.reset_password'" in capsys.readouterr().err
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "short")
    assert main(["user", "passwd", "--db", url]) == 1
    assert "at least" in capsys.readouterr().err
    # 李 changes it to one only they know; the old one no longer signs in.
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "own-pass-3")
    assert main(["user", "passwd", "--db", url]) == 0
    assert "password changed" in capsys.readouterr().out
    assert main(["user", "passwd", "--db", url]) == 1
    assert "wrong user name or password" in capsys.readouterr().err
    monkeypatch.setenv("PRECINCT_PASSWORD", "own-pass-3")
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "own-pass-4")
    assert main(["user", "passwd", "--db", url]) == 0


def test_a_branch_adds_a_second_station_with_its_own_administrator(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'branch.sqlite3'}"
    _first_administrator(url, monkeypatch)
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "second-admin-pw")
    assert main(["station", "add", "S2", "东关派出所", "--admin", "admin.dg", "--branch", "示范分局",
                 "--db", url]) == 0
    assert "东关派出所 added" in capsys.readouterr().out
    assert main(["station", "add", "S2", "重复", "--admin", "x.y", "--db", url]) == 1
    assert "already used" in capsys.readouterr().err
    assert main(["station", "list", "--json", "--db", url]) == 0
    listed = {x["code"]: x for x in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"S1", "S2"} and listed["S2"]["branch"] == "示范分局"
    # The new station's administrator signs in to it and adds its people.
    monkeypatch.setenv("PRECINCT_USER", "admin.dg")
    monkeypatch.setenv("PRECINCT_PASSWORD", "second-admin-pw")
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "duty.dg", "--role", "duty_officer", "--db", url]) == 0
    # ... and only its people: the first station's administrator is not theirs to take over.
    capsys.readouterr()
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "taken-over-pw")
    assert main(["user", "reset-password", "admin", "--db", url]) == 1
    assert main(["user", "disable", "admin", "--db", url]) == 1
    assert capsys.readouterr().err.count("user 'admin' does not exist") == 2
    assert main(["user", "reset-password", "duty.dg", "--db", url]) == 0


def test_bad_database_url_is_a_clear_error(capsys):
    assert main(["db", "upgrade", "--db", "mysql://somewhere/db"]) == 1
    assert "not supported" in capsys.readouterr().err


def test_watch_prints_each_change_as_a_json_line(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    out = subprocess.run(
        [sys.executable, "-m", "precinct_console", "watch", "--db", url, "--from-id", "0",
         "--duration", "1.5"],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(e["entity"], e["action"]) for e in events] == [("station", "created"), ("user", "created")]
    assert events[0]["username"] == "system"


@pytest.mark.parametrize("verb", [["--version"], ["--help"]])
def test_version_and_help(verb, capsys):
    try:
        code = main(verb)
    except SystemExit as exc:  # argparse exits after --help
        code = exc.code
    assert code == 0
    assert "precinct-console" in capsys.readouterr().out


def test_a_mistyped_database_path_is_refused_and_no_file_is_made(tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "statoin.sqlite3"
    assert main(["user", "list", "--db", f"sqlite:///{missing}"]) == 1
    assert f"no database file at {missing}" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()


def test_a_job_with_no_terminal_is_told_which_variable_gives_the_password(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    _first_administrator(url, monkeypatch)
    env = {k: v for k, v in os.environ.items() if k != "PRECINCT_NEW_PASSWORD"}
    # start_new_session: no controlling terminal, as under cron or a scheduled task.
    out = subprocess.run(
        [sys.executable, "-m", "precinct_console", "user", "add", "clerk.wu", "--role", "clerk",
         "--db", url], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        env=env, start_new_session=True)
    assert out.returncode == 1
    assert "set $PRECINCT_NEW_PASSWORD (no terminal to ask the password on)" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_reader_that_goes_away_ends_the_verb_quietly(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    _first_administrator(url, monkeypatch)
    # `user list --json | head -c 0`: the reader is gone before anything is written.
    proc = subprocess.Popen([sys.executable, "-m", "precinct_console", "user", "list", "--json",
                             "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_the_first_administrator_on_no_file_keeps_the_name_given_and_a_failed_one_leaves_no_file(
        tmp_path, monkeypatch, capsys):
    """A new station set up by `user add` alone, as the README says: the name given with --name
    was dropped for the first administrator (listed as the user name), and a job with no
    terminal to ask the password on left an empty database file behind at the path."""
    path = tmp_path / "station.sqlite3"
    url = f"sqlite:///{path}"
    monkeypatch.delenv("PRECINCT_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal to ask on
    assert main(["user", "add", "zhang", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--name", "张建国", "--db", url]) == 1
    assert "PRECINCT_NEW_PASSWORD" in capsys.readouterr().err
    assert not path.exists()
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "zhang", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--name", "张建国", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "zhang")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    capsys.readouterr()
    assert main(["user", "list", "--json", "--db", url]) == 0
    assert [(u["username"], u["name"]) for u in json.loads(capsys.readouterr().out)] == [
        ("zhang", "张建国")]


def test_a_first_user_add_without_the_station_on_no_file_says_what_the_first_account_needs(
        tmp_path, capsys):
    """`user add` is the README's way to make a new database; without --station-code it was told
    to make one with demo or db upgrade instead, and only then what the first account needs."""
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    assert main(["user", "add", "zhang", "--role", "admin", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "check the path; for a new station the first account makes it, with --role admin " \
           "--station-code CODE --station-name NAME" in err
    assert not (tmp_path / "station.sqlite3").exists()


def test_user_enable_and_role_as_the_window_offers_them(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    _first_administrator(url, monkeypatch)
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "duty.li", "--role", "duty_officer", "--db", url]) == 0
    assert main(["user", "disable", "duty.li", "--db", url]) == 0
    assert main(["user", "enable", "duty.li", "--db", url]) == 0
    assert "user duty.li enabled" in capsys.readouterr().out
    assert main(["user", "role", "duty.li", "station_chief", "--db", url]) == 0
    assert "user duty.li is now station_chief" in capsys.readouterr().out
    assert main(["user", "list", "--json", "--db", url]) == 0
    users = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["duty.li"]["role"] == "station_chief" and users["duty.li"]["active"]
    assert users["admin"]["last_login_at"]  # the verbs above signed in as admin
    # The station's only administrator keeps the role; the refusal names the field.
    assert main(["user", "role", "admin", "clerk", "--db", url]) == 1
    assert "field 'role': you cannot change your own role" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["user", "role", "duty.li", "sheriff", "--db", url])
    assert "invalid choice: 'sheriff'" in capsys.readouterr().err
    # The new chief signs in as one, and may not enable or change roles.
    monkeypatch.setenv("PRECINCT_USER", "duty.li")
    monkeypatch.setenv("PRECINCT_PASSWORD", "duty-pass-1")
    assert main(["user", "role", "admin", "clerk", "--db", url]) == 1
    assert "may not perform 'user.change_role'" in capsys.readouterr().err
    assert main(["user", "enable", "admin", "--db", url]) == 1
    assert "may not perform 'user.enable'" in capsys.readouterr().err
