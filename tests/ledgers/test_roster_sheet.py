"""排班表: the week's and the month's roster as a station posts it, written through the ledger export
(audited, on the command line and in the clerk's list), with its staffing rows and violations."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from precinct_console.cli import main
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import roster
from precinct_console.services.exports import default_filename, export_ledger
from precinct_console.services.ledgers.periods import week_of
from precinct_console.storage.models import AuditEntry, User

# 5-7 October 2026 close the National Day holiday; Saturday the 10th is worked to make up for it.
HOLIDAY_WEEK = (date(2026, 10, 5), date(2026, 10, 11))
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def chief(db, make_ctx):
    """The chief, whose name (叶芳) is not his login (chief1): the roster names its maker by name."""
    ctx = make_ctx(Role.STATION_CHIEF, "chief1")
    with db.sessions() as s:
        s.scalar(sa.select(User).where(User.username == "chief1")).display_name = "叶芳"
        s.commit()
    return ctx


@pytest.fixture
def station_roster(chief):
    """A roster as the demo station keeps one: the command room's 24-hour desk duty in three teams
    (two on each, one more asked on public holidays), the patrol's 三班二运转 in teams 甲乙丙, and
    a week of annual leave for one patrol officer who is still rostered on one of its days."""
    for badge, name, team, kind, rank in (
        ("001", "袁强", "一组", "officer", "一级警长"), ("F01", "魏芳梓", "一组", "auxiliary", ""),
        ("002", "黄敏轩", "二组", "officer", "二级警长"), ("F02", "王一浩", "二组", "auxiliary", ""),
        ("003", "谢伟诺", "三组", "officer", ""), ("F03", "卢斌琳", "三组", "auxiliary", ""),
        ("101", "曾子", "甲", "officer", "三级警司"), ("102", "杜艳雨", "乙", "officer", "三级警司"),
        ("103", "韩娜国", "丙", "officer", "三级警司"), ("104", "何凯", "甲", "officer", "一级警员"),
        ("105", "社区民警", "", "officer", "一级警长"),  # never rostered: not on the sheet
    ):
        roster.add_officer(chief, badge, name, team=team, kind=kind, rank=rank)
    desk = roster.add_pattern(chief, "指挥室24小时值班", "duty_24h", {
        "teams": ["一组", "二组", "三组"], "anchor": "2026-10-05", "min_staff": 2,
        "holiday_extra_staff": 1, "duty": "desk",
        "shifts": [{"name": "指挥室值班", "start": "08:30", "hours": 24}]})
    patrol = roster.add_pattern(chief, "三班二运转", "three_two", {
        "teams": ["甲", "乙", "丙"], "anchor": "2026-10-05", "min_staff": 1, "handover": "08:00"})
    roster.make_shifts(chief, desk, date(2026, 9, 28), date(2026, 10, 31), with_teams=True)
    roster.make_shifts(chief, patrol, date(2026, 9, 28), date(2026, 10, 31), with_teams=True)
    officers = {o.name: o.id for o in roster.list_officers(chief)}
    at = datetime(2026, 10, 8, tzinfo=CHINA_TZ)
    roster.add_absence(chief, officers["何凯"], "leave", at, at + timedelta(days=2), "年休假")
    return officers


def rows_of(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_week_is_one_sheet_a_row_per_officer_a_column_per_day_holidays_marked(
        db, chief, station_roster, tmp_path):
    out = tmp_path / "week.xlsx"
    result = export_ledger(chief, "roster", *HOLIDAY_WEEK, out)
    assert result.title == "排班表" and result.sheets == 2
    book = openpyxl.load_workbook(out)
    ws = book.worksheets[0]
    assert ws.title == "排班表"
    rows = rows_of(ws)
    assert rows[0][0] == "城关派出所 2026年第41周（10月05日至10月11日）排班表"
    assert "制表人：叶芳" in rows[1][0] and "chief1" not in rows[1][0] and "制表时间：" in rows[1][0]
    header = rows[2]
    assert header[:3] == ["班组", "姓名", "职级"] and header[-2:] == ["班次", "工时"]
    assert header[3] == "10-05\n周一\n国庆节" and header[8] == "10-10\n周六\n调休上班"
    assert header[9] == "10-11\n周日"
    # Holidays, the worked Saturday and the Sunday shaded as the calendar shades them.
    assert [ws.cell(3, c).fill.fgColor.rgb[-6:] for c in (4, 7, 9, 10)] == \
        ["FDE9E0", "DDE5F0", "E8F1FA", "F3F3F3"]
    assert ws.cell(5, 4).fill.fgColor.rgb[-6:] == "FDE9E0"  # the whole column, not the header only
    by_name = {r[1]: r for r in rows[3:] if r[0] != "在岗人数" and r[1]}
    assert list(by_name)[:6] == ["袁强", "魏芳梓", "黄敏轩", "王一浩", "谢伟诺", "卢斌琳"]
    assert "社区民警" not in by_name
    # 一组 is on the desk on 5 and 8 October, 24 hours each; the other days off.
    assert by_name["袁强"][2:] == ["一级警长", "24h值班台", "休", "休", "24h值班台", "休", "休",
                                 "24h值班台", 3, 72]
    assert by_name["魏芳梓"][2] == "辅警" and by_name["谢伟诺"][2] == "民警"
    # 三班二运转: a day shift, a night shift, a day off; the leave over the 8th and 9th.
    he = by_name["何凯"]
    assert he[2] == "一级警员" and "年休假" in he[6] and "年休假" in he[7] and "年休假" not in he[8]
    assert set(he[3:10]) <= {"白班巡逻", "夜班巡逻", "休", "年休假", "白班巡逻\n年休假",
                             "夜班巡逻\n年休假"}
    assert he[10] == sum(1 for c in he[3:10] if "巡逻" in str(c)) and he[11] == he[10] * 12
    # A staffing row per shift: who will be there against the minimum (one more on a holiday).
    staffing = {r[1]: r for r in rows[3:] if r[0] == "在岗人数"}
    assert list(staffing) == ["白班", "指挥室值班", "夜班"]
    assert staffing["指挥室值班"][3:10] == ["2/3 缺1", "2/3 缺1", "2/3 缺1", "2/2", "2/2", "2/2", "2/2"]
    assert ws.cell(next(i for i, r in enumerate(rows) if r[0] == "在岗人数") + 1, 1).font.b
    assert "违规提示" in rows[-1][0]
    # Printed landscape, one page wide, the day row on every page, names kept in view.
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "D4"
    assert ws.cell(4, 4).border.left.style == "thin"


def test_the_periods_rule_violations_are_listed_on_a_second_sheet_in_chinese(
        db, chief, station_roster, tmp_path):
    out = tmp_path / "week.xlsx"
    export_ledger(chief, "roster", *HOLIDAY_WEEK, out)
    view = roster.roster_view(chief, *HOLIDAY_WEEK)
    ws = openpyxl.load_workbook(out).worksheets[1]
    assert ws.title == "违规提示"
    rows = rows_of(ws)[3:]
    listed = [r for r in rows if not str(r[0]).startswith("合计")]
    assert len(listed) == len(view.violations) >= 4
    staffing = [r for r in listed if r[3] == "在岗人数"]
    assert len(staffing) == 3 and staffing[0][0] == datetime(2026, 10, 5)
    assert staffing[0][1] == "指挥室值班 08:30–10-06 08:30"
    assert "在岗 2 人，该班次至少需要 3 人" in staffing[0][4]
    leave = [r for r in listed if r[3] == "休假/培训"]
    assert leave and leave[0][2] == "何凯" and "休假（年休假）" in leave[0][4]


def test_a_month_uses_marks_with_their_legend(db, chief, station_roster, tmp_path):
    out = tmp_path / "month.xlsx"
    export_ledger(chief, "roster", *OCTOBER, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = rows_of(ws)
    assert rows[0][0] == "城关派出所 2026年10月排班表"
    header = rows[2]
    assert len(header) == 3 + 31 + 2
    assert header[3] == "1\n四\n休" and header[12] == "10\n六\n班" and header[13] == "11\n日"
    by_name = {r[1]: r for r in rows[3:] if r[0] != "在岗人数" and r[1]}
    assert by_name["袁强"][3 + 4] == "值" and by_name["何凯"][3 + 8] in ("假", "白/假", "夜/假")
    assert by_name["袁强"][-2:] == [10, 240]  # 2, 5, 8 … 29 October: 10 duties of 24 h
    legend = next(r[0] for r in rows if str(r[0]).startswith("图例："))
    assert "值＝指挥室值班" in legend and "假＝休假" in legend and "休＝休息" in legend
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.paperSize == 9  # one A4 page wide


def test_days_not_planned_yet_are_left_blank_not_rest(db, chief, station_roster, tmp_path):
    out = tmp_path / "nov.xlsx"
    roster.make_shifts(chief, roster.list_patterns(chief)[0].id, date(2026, 11, 1), date(2026, 11, 3),
                       with_teams=True)
    export_ledger(chief, "roster", date(2026, 11, 1), date(2026, 11, 30), out)
    rows = rows_of(openpyxl.load_workbook(out).worksheets[0])
    desk = next(r for r in rows[3:] if r[1] == "袁强")
    assert "休" in desk[3:6] and desk[6:33] == [None] * 27 and desk[-2:] == [1, 24]


def test_the_roster_export_is_audited_and_listed_with_the_other_ledgers(
        db, chief, station_roster, tmp_path, capsys):
    out = tmp_path / "week.xlsx"
    export_ledger(chief, "roster", *HOLIDAY_WEEK, out)
    with db.sessions() as s:
        entry = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "ledger.export")).one()
    assert entry.username == "chief1" and entry.after["ledger"] == "roster"
    assert entry.after["from"] == "2026-10-05" and entry.after["file"] == str(out)
    assert default_filename("roster", week_of(date(2026, 10, 7)), "S01") == "S01_排班表_2026-W41.xlsx"
    assert main(["export", "--list"]) == 0
    assert "roster: 排班表 - the roster as a station posts it" in capsys.readouterr().out


def test_the_command_line_writes_the_roster_and_names_bad_dates(
        db_url, chief, station_roster, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PRECINCT_PASSWORD", "correct horse")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "en")
    out = tmp_path / "roster.xlsx"
    base = ["export", "roster", "--db", db_url, "--out", str(out), "--user", "chief1"]
    assert main([*base, "--from", "2026-10-05", "--to", "2026-10-11"]) == 0
    # Asked for in English, the summary, the title and the tabs are English (the cells stay the
    # station's Chinese shift names, as posted).
    assert "Roster, week 41 of 2026" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book.worksheets[0].cell(1, 1).value.endswith("Roster")
    assert book.sheetnames == ["Roster", "Rule violations"]
    out.unlink()
    for first, last, said in (
        ("2026-10-32", "2026-10-11", "'2026-10-32' is not a date such as 2026-11-20"),
        ("2026-10-11", "2026-10-05", "the period ends (2026-10-05) before it starts (2026-10-11)"),
        ("2026-10-01", "2026-11-30", "a roster is at most 31 days (a week or a month), not 61"),
    ):
        assert main([*base, "--from", first, "--to", last]) == 1
        assert said in capsys.readouterr().err
        assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_a_roster_longer_than_a_month_is_refused_in_chinese_too(chief, station_roster, tmp_path):
    from precinct_console.i18n.catalogue import error_text

    with pytest.raises(ValidationError) as refused:
        export_ledger(chief, "roster", date(2026, 10, 1), date(2026, 12, 31), tmp_path / "q.xlsx")
    assert error_text(refused.value, "zh_CN") == "字段“截止日期”：排班表最多 31 天（一周或一个月），所选为 92 天"


def test_the_roster_opens_and_prints_in_libreoffice(chief, station_roster, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "roster.xlsx"
    export_ledger(chief, "roster", *OCTOBER, out)
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
         "pdf", "--outdir", str(tmp_path / "pdf"), str(out)],
        capture_output=True, text=True, timeout=120)
    pdf = tmp_path / "pdf" / "roster.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        # The month's sheet on one landscape A4 page, its violations on the next.
        assert re.search(r"Pages:\s+2\n", info) and re.search(r"Page size:\s+841\.\d+ x 595", info), info


def test_a_branch_user_exports_one_stations_roster_not_all_at_once(db, chief, station_roster, clock,
                                                                    station, tmp_path):
    from precinct_console.domain.permissions import Actor
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.models import Station

    with db.sessions() as s:
        s.add(Station(code="S02", name="城南派出所", branch="示范分局"))
        s.add(User(username="branch", display_name="分局指挥中心", role="viewer", station_id=None,
                   password_hash="x", created_at=clock()))
        s.commit()
    branch = ServiceContext(db, Actor(None, "branch", Role.VIEWER, None, "hq"), clock)
    out = tmp_path / "all.xlsx"
    with pytest.raises(ValidationError, match="each station's own: choose one station"):
        export_ledger(branch, "roster", *HOLIDAY_WEEK, out)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    export_ledger(branch, "roster", *HOLIDAY_WEEK, out, station_ids=(station.id,))
    rows = rows_of(openpyxl.load_workbook(out).worksheets[0])
    assert rows[0][0].startswith("城关派出所 ") and "制表人：分局指挥中心" in rows[1][0]
    assert any(r[1] == "袁强" for r in rows)
