"""`patrol add` and `patrol list`: a record from JSON on stdin, refused by field with nothing written."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.cli import main
from precinct_console.domain.clock import CHINA_TZ, local
from precinct_console.storage.database import Database
from precinct_console.storage.models import PatrolLog, Station, Unit


@pytest.fixture
def station_db(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "en")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    db = Database.open(url)
    with db.sessions() as s:
        station = s.scalar(sa.select(Station.id))
        s.add(Unit(station_id=station, call_sign="巡01", kind="car", seats=2, home_lon=116.39,
                   home_lat=39.90, status="available"))
        s.commit()
    capsys.readouterr()
    yield db
    db.dispose()


def _add(db: Database, monkeypatch, record: dict) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(record, ensure_ascii=False)))
    return main(["patrol", "add", "--db", db.url])


def _base() -> dict:
    end = datetime.now(CHINA_TZ).replace(tzinfo=None, second=0, microsecond=0) - timedelta(minutes=5)
    return {"starts_at": (end - timedelta(hours=2)).isoformat(), "ends_at": end.isoformat(),
            "officers": "张伟、王芳"}


def test_patrol_add_records_and_list_shows_it(station_db, monkeypatch, capsys):
    record = {**_base(), "unit": "巡01", "route": "解放路—夜市", "people_checked": 6,
              "arrests": 1, "result": "抓获1人"}
    assert _add(station_db, monkeypatch, record) == 0
    assert "recorded patrol" in capsys.readouterr().out
    with station_db.sessions() as s:
        log = s.scalar(sa.select(PatrolLog))
    # A time without a zone is China time, as the board shows it.
    assert local(log.ends_at).replace(tzinfo=None).isoformat() == record["ends_at"]
    assert main(["patrol", "list", "--json", "--db", station_db.url]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (line["unit"], line["people_checked"], line["result"]) == ("巡01", 6, "抓获1人")
    assert main(["patrol", "withdraw", str(line["id"]), "--reason", "录错", "--db", station_db.url]) == 0
    with station_db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(PatrolLog.id))) == 0


@pytest.mark.parametrize(("record", "words"), [
    ({"unit": "巡99"}, "field 'unit': no unit with call sign 巡99"),
    ({"zone": "九号巡区"}, "field 'zone': no patrol zone named 九号巡区"),
    ({"starts_at": "yesterday"}, "field 'starts_at': 'yesterday' is not an ISO time"),
    ({"speed": 3}, "field 'speed': unknown key(s) speed"),
    ({"arrests": -2}, "field 'arrests': must be 0-9999"),
])
def test_patrol_add_refuses_by_field_and_writes_nothing(station_db, monkeypatch, capsys, record, words):
    assert _add(station_db, monkeypatch, {**_base(), **record}) == 1
    assert words in capsys.readouterr().err
    with station_db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(PatrolLog.id))) == 0
