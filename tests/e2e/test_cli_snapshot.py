"""`snapshot` renders what it was asked for, or says which flag it cannot follow."""

from __future__ import annotations

import pytest

from precinct_console.cli import main


@pytest.fixture
def station_url(tmp_path, monkeypatch, capsys) -> str:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    capsys.readouterr()
    return url


@pytest.mark.parametrize(("args", "said"), [
    (["--panels", "rota"], "--panels: no panel rota (the panels: board, units,"),
    (["--panels", "roster,alocation"], "--panels: no panel alocation"),
    (["--station", "S9"], "no station with code 'S9'"),
    (["--size", "0x0"], "--size '0x0' is not WIDTHxHEIGHT"),
    (["--size", "1600"], "--size '1600' is not WIDTHxHEIGHT"),
])
def test_a_panel_station_or_size_it_cannot_render_is_refused_naming_it(station_url, tmp_path, capsys,
                                                                       args, said):
    out = tmp_path / "shots"
    assert main(["snapshot", "--db", station_url, "--out", str(out), *args]) == 1
    assert said in capsys.readouterr().err
    assert not out.exists()  # nothing rendered: the files would not be the ones asked for


def test_a_database_without_a_station_is_a_clear_error(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    capsys.readouterr()
    assert main(["snapshot", "--db", url, "--out", str(tmp_path / "shots")]) == 1
    assert "the database holds no station" in capsys.readouterr().err
