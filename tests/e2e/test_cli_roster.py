"""`roster import` as a station chief uses it: a dry run first, then the import; bad rows named."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from precinct_console.cli import main
from precinct_console.storage.database import Database
from precinct_console.storage.models import Officer

HEADER = ["序号", "警号", "姓名", "人员类别", "班组", "手机号码", "准驾车型"]


@pytest.fixture
def station_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    return url


def _roll(path, rows) -> str:
    wb = Workbook()
    wb.active.append(HEADER)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return str(path)


def _badges(url: str) -> dict[str, str]:
    db = Database.open(url)
    try:
        with db.sessions() as s:
            return {o.badge: o.phone for o in s.scalars(sa.select(Officer))}
    finally:
        db.dispose()


GOOD = [[1, "010001", "张伟", "民警", "一组", "13800138000", "C1"],
        [2, "FJ0001", "王强", "辅警", "一组", "", ""]]


def test_a_dry_run_shows_the_import_and_saves_nothing_then_the_import_saves_it(
        station_url, tmp_path, capsys):
    path = _roll(tmp_path / "roll.xlsx", GOOD)
    capsys.readouterr()
    assert main(["roster", "import", path, "--dry-run", "--user", "admin", "--db", station_url]) == 0
    out = capsys.readouterr().out
    assert "roll.xlsx: 2 new, 0 changed, 0 unchanged" in out
    assert "row 2: 张伟 (010001)" in out and "columns not imported" in out and "序号" in out
    assert "dry run: nothing was saved" in out
    assert _badges(station_url) == {}
    assert main(["roster", "import", path, "--user", "admin", "--db", station_url]) == 0
    assert "imported: 2 added, 0 updated" in capsys.readouterr().out
    assert _badges(station_url) == {"010001": "13800138000", "FJ0001": ""}
    # The 花名册 again, a phone changed: the officer is updated, not added twice.
    path = _roll(tmp_path / "roll2.xlsx", [[1, "010001", "张伟", "民警", "一组", "13900000000", "C1"]])
    assert main(["roster", "import", path, "--user", "admin", "--db", station_url]) == 0
    out = capsys.readouterr().out
    assert "row 2: 张伟 (010001): phone: 13800138000 → 13900000000" in out
    assert "1 officer(s) on the roll are not in the file and stay on it: 王强 (FJ0001)" in out
    assert _badges(station_url) == {"010001": "13900000000", "FJ0001": ""}


def test_bad_rows_are_all_named_and_nothing_is_saved(station_url, tmp_path, capsys):
    rows = [*GOOD, [3, "010003", "", "民警", "", "139abc", ""], [4, "010001", "李四", "", "", "", "Q"]]
    path = _roll(tmp_path / "bad.xlsx", rows)
    capsys.readouterr()
    assert main(["roster", "import", path, "--user", "admin", "--db", station_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("precinct-console roster: error: 4 problem(s), nothing was imported:")
    for line in ("row 4, field '姓名': must not be empty",
                 "row 4, field '手机号码': '139abc' is not a phone number",
                 "row 5, field '警号': badge 010001 is also on row 2",
                 "row 5, field '准驾车型': 'Q' is not a licence class"):
        assert line in err
    assert _badges(station_url) == {}


def test_the_import_speaks_chinese_on_a_chinese_system(station_url, tmp_path, capsys, monkeypatch):
    path = _roll(tmp_path / "bad.xlsx", [[1, "010001", "张伟", "民警", "", "abc", ""]])
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    capsys.readouterr()
    assert main(["roster", "import", path, "--dry-run", "--user", "admin", "--db", station_url]) == 1
    assert "第 2 行，字段“手机号码”：“abc”不是电话号码" in capsys.readouterr().err


def test_the_import_help_lists_the_columns(capsys):
    with pytest.raises(SystemExit):
        main(["roster", "import", "--help"])
    text = capsys.readouterr().out
    for column in ("警号", "辅警编号", "姓名", "人员类别", "警衔", "岗位", "班组", "电话", "技能", "驾照",
                   "--dry-run"):
        assert column in text
