"""Ledgers: files LibreOffice opens cleanly, values equal to the database, masking, periods."""

from __future__ import annotations

import csv
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.i18n.catalogue import error_text
from precinct_console.services.exports import ExportCancelled, export_ledger, may_unmask
from precinct_console.services.ledgers import LEDGERS
from precinct_console.storage.models import AuditEntry, Incident

WEEK = (date(2026, 11, 16), date(2026, 11, 22))
DATA_ROW = 3  # 0-based index of the first data row (title, period line, header before it)


def sheet_rows(path: Path, index: int = 0) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(index).to_python()


def data_rows(path: Path, index: int = 0) -> list[list[object]]:
    rows = sheet_rows(path, index)
    return [r for r in rows[DATA_ROW:] if not str(r[0]).startswith("合计")]


def as_dt(value: object) -> datetime:
    """calamine reads a date-time cell at exactly midnight as a date; both are Excel dates."""
    assert isinstance(value, date), f"{value!r} is not a date"
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def naive_cst(at: datetime) -> datetime:
    return at.astimezone(CHINA_TZ).replace(tzinfo=None)


@pytest.mark.parametrize("ledger", list(LEDGERS))
def test_every_ledger_opens_in_libreoffice_without_repair(seeded, make_ctx, tmp_path, ledger):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / f"{ledger}.xlsx"
    export_ledger(make_ctx(Role.CLERK), ledger, *WEEK, out)
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"), str(out)],
        capture_output=True, text=True, timeout=120,
    )
    converted = tmp_path / "csv" / f"{ledger}.csv"
    assert proc.returncode == 0 and converted.exists(), proc.stdout + proc.stderr
    assert "repair" not in (proc.stdout + proc.stderr).lower()
    lines = list(csv.reader(converted.open(encoding="utf-8")))
    header = [c.header for c in LEDGERS[ledger].columns]
    assert lines[2][: len(header)] == header
    assert "台账" in lines[0][0] or "达标" in lines[0][0] or lines[0][0].endswith("排班表")


def test_incident_ledger_values_equal_the_database(db, seeded, make_ctx, tmp_path, week_utc):
    out = tmp_path / "incidents.xlsx"
    result = export_ledger(make_ctx(Role.STATION_CHIEF), "incidents", *WEEK, out, unmask=True)
    rows = data_rows(out)
    with db.sessions() as s:
        incidents = s.scalars(
            sa.select(Incident).where(Incident.received_at >= week_utc[0],
                                      Incident.received_at < week_utc[1])
            .order_by(Incident.received_at)
        ).all()
    assert result.rows == len(incidents) == len(rows) == 7
    header = [c.header for c in LEDGERS["incidents"].columns]
    col = {h: i for i, h in enumerate(header)}
    for row, inc in zip(rows, incidents, strict=True):
        assert row[col["警情编号"]] == inc.number
        # Dates are real dates (not text) and in China time.
        assert as_dt(row[col["接警时间"]]) == naive_cst(inc.received_at)
        if inc.arrived_at:
            assert as_dt(row[col["到场时间"]]) == naive_cst(inc.arrived_at)
            assert row[col["到场用时"]] == inc.arrived_at - inc.received_at  # a real duration
        assert row[col["联系电话"]] == inc.caller_phone
        assert row[col["身份证号"]] == inc.caller_id_number
        assert row[col["简要警情"]] == inc.content
        assert row[col["抓获人数"]] == inc.people_arrested
        assert row[col["经度"]] == pytest.approx(inc.lon)
    first = rows[0]
    assert first[col["警务区"]] == "第一警务区" and first[col["所属网格"]] == "建设路网格"
    assert first[col["警情类别"]] == "纠纷" and first[col["警情类型"]] == "家庭纠纷"
    assert first[col["处警单位"]] == "巡逻1组" and first[col["处警民警"]] == "王警官、赵辅警"
    assert first[col["报警方式"]] == "110报警" and first[col["接警人"]] == "接警员甲"
    fight = next(r for r in rows if r[0] == "J20261116002")
    assert set(fight[col["处警单位"]].split("、")) == {"巡逻1组", "巡逻2组"}
    assert fight[col["出动车辆"]] == 2
    totals = sheet_rows(out)[-1]
    assert totals[0] == "合计 7 条"
    assert totals[col["抓获人数"]] == sum(i.people_arrested for i in incidents)


def test_phone_and_id_numbers_are_masked_unless_an_allowed_user_chooses(db, seeded, make_ctx, tmp_path):
    clerk = make_ctx(Role.CLERK)  # may unmask by role, but this clerk may not see personal data
    chief = make_ctx(Role.STATION_CHIEF)  # role and personal-data flag both allow it
    viewer = make_ctx(Role.VIEWER)
    assert not may_unmask(clerk) and may_unmask(chief) and not may_unmask(viewer)
    masked = tmp_path / "masked.xlsx"
    export_ledger(chief, "incidents", *WEEK, masked)  # the chief did not choose to unmask
    row = next(r for r in data_rows(masked) if r[0] == "J20261116001")
    assert row[4] == "139****4321"
    assert row[5] == "110***********1234"
    for user in (clerk, viewer):
        with pytest.raises(PermissionDenied, match="unmasked"):
            export_ledger(user, "incidents", *WEEK, tmp_path / "no.xlsx", unmask=True)
    assert not (tmp_path / "no.xlsx").exists()
    plain = tmp_path / "plain.xlsx"
    export_ledger(chief, "incidents", *WEEK, plain, unmask=True)
    row = next(r for r in data_rows(plain) if r[0] == "J20261116001")
    assert row[4] == "13987654321" and row[5] == "110101199001011234"
    # The duty ledger masks officers' phones, the dispute ledger the parties' phones.
    duty = tmp_path / "duty.xlsx"
    export_ledger(clerk, "duty", *WEEK, duty)
    assert {r[12] for r in data_rows(duty)} == {"135****1111", "135****2222", "135****3333"}
    disputes = tmp_path / "disputes.xlsx"
    export_ledger(clerk, "disputes", *WEEK, disputes)
    assert data_rows(disputes)[0][7] == "张三（138****2222）、李四"
    # Each choice is on the audit record.
    with db.sessions() as s:
        entries = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "ledger.export")).all()
    assert [(e.username, e.after["unmasked"]) for e in entries] == [
        ("station_chief1", False), ("station_chief1", True), ("clerk1", False), ("clerk1", False)]


def test_week_runs_monday_midnight_to_monday_midnight_china_time(seeded, make_ctx, tmp_path):
    out = tmp_path / "w.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, out)
    numbers = [r[0] for r in data_rows(out)]
    # Sunday 23:59:59 before and Monday 00:00:00 after are outside; both Monday 00:00:00 and
    # Sunday 23:59:59 of the week are inside.
    assert "J20261115001" not in numbers and "J20261123001" not in numbers
    assert numbers[0] == "J20261116001" and numbers[-1] == "J20261122001"


def test_day_boundary_is_midnight_china_time_not_utc(seeded, make_ctx, tmp_path):
    out = tmp_path / "d.xlsx"
    # 2026-11-20 00:00 China time is 2026-11-19 16:00 UTC; 19th 23:59:59 China belongs to the 19th.
    export_ledger(make_ctx(Role.CLERK), "incidents", date(2026, 11, 20), date(2026, 11, 20), out)
    assert [r[0] for r in data_rows(out)] == ["J20261120001"]
    out19 = tmp_path / "d19.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", date(2026, 11, 19), date(2026, 11, 19), out19)
    assert [r[0] for r in data_rows(out19)] == ["J20261119001"]
    assert sheet_rows(out19)[1][0].startswith("统计期间：2026年11月19日")


def test_district_filter_keeps_the_districts_grids_only(seeded, make_ctx, tmp_path):
    out = tmp_path / "d2.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, out, district_id=seeded.districts["D2"])
    assert [r[0] for r in data_rows(out)] == ["J20261117001", "J20261118001"]
    assert "第二警务区" in sheet_rows(out)[0][0]


def test_response_ledger_judges_1_3_5_and_totals_by_group(seeded, make_ctx, tmp_path):
    out = tmp_path / "r.xlsx"
    result = export_ledger(make_ctx(Role.CLERK), "response", *WEEK, out)
    assert result.sheets == 5
    rows = {r[0]: r for r in data_rows(out)}
    header = sheet_rows(out)[2]
    assert header[8:15] == ["1分钟出警用时", "1分钟出警", "3分钟到场用时", "3分钟到场",
                            "5分钟增援用时", "5分钟增援", "全部达标"]
    fight = rows["J20261116002"]  # set off after 70 s, on scene after 200 s, reinforcement 280 s
    assert fight[8] == timedelta(seconds=70) and fight[9] == "超时"
    assert fight[11] == "超时" and fight[13] == "达标" and fight[14] == 0
    assert [rows["J20261116001"][i] for i in (9, 11, 13, 14)] == ["达标", "达标", "不适用", 1]
    assert rows["J20261119001"][9] == "不适用"  # invalid call: nothing to respond to
    # Handled half an hour later without an arrival on record: left past the target.
    assert rows["J20261118001"][10] == "" and rows["J20261118001"][11] == "超时"
    by_day = sheet_rows(out, 1)
    assert by_day[2][:2] == ["分组", "警情数"]
    day16 = next(r for r in by_day if r[0] == "2026-11-16")
    assert day16[1:4] == [2, 2, 1] and day16[4] == pytest.approx(0.5)
    total = by_day[-1]
    assert total[0] == "合计" and total[1] == 7 and total[2] == 6
    by_category = {r[0]: r for r in sheet_rows(out, 2)[3:]}
    assert by_category["纠纷"][1] == 2 and by_category["无效警情"][2] == 0
    assert {r[0] for r in sheet_rows(out, 3)[3:]} == {"第一警务区", "第二警务区", "合计"}


def test_task_ledger_counts_overdue_tasks(seeded, make_ctx, tmp_path):
    out = tmp_path / "t.xlsx"
    export_ledger(make_ctx(Role.CLERK), "tasks", *WEEK, out)
    rows = data_rows(out)
    assert [(r[0], r[16]) for r in rows] == [("T001", "按期"), ("T002", "超期签收、超期反馈")]
    assert rows[0][11] == timedelta(minutes=10)
    assert sheet_rows(out)[-1][17] == 1


def test_patrol_ledger_sums_checks_and_hours(seeded, make_ctx, tmp_path):
    out = tmp_path / "p.xlsx"
    export_ledger(make_ctx(Role.CLERK), "patrol", *WEEK, out)
    rows = data_rows(out)
    assert rows[0][0] == date(2026, 11, 16) and rows[0][4] == "一号巡区"
    totals = sheet_rows(out)[-1]
    assert totals[3] == timedelta(hours=5) and totals[8] == 10 and totals[11] == 1


def test_duty_ledger_lists_the_move_up_orders_beside_the_roster(seeded, make_ctx, tmp_path):
    out = tmp_path / "duty.xlsx"
    result = export_ledger(make_ctx(Role.CLERK), "duty", *WEEK, out)
    assert result.sheets == 2
    assert sheet_rows(out, 1)[0][0].endswith("补位调度记录")
    rows = data_rows(out, 1)
    assert [[*r[2:6], r[7]] for r in rows] == [
        ["巡逻1组", "补位", "人民路农商银行门前", "建设路警务站", "接警员甲"],
        ["巡逻1组", "归位", "建设路警务站", "建设路警务站", "接警员甲"],
    ]
    assert rows[0][6] == rows[1][6] and rows[0][6] >= 1  # the plan's number, a number
    assert rows[0][0] == date(2026, 11, 16) and as_dt(rows[0][1]) == datetime(2026, 11, 16, 20, 12)
    assert rows[0][8:] == [0.52, 0.71] and rows[1][8:] == ["", ""]  # a return has no cover figures


def test_the_period_line_names_who_exported_by_name_as_the_rows_name_people(db, seeded, make_ctx,
                                                                           tmp_path):
    """"导出：张丽" beside "下达人 接警员甲": the header named the clerk's login ("neiqin01")."""
    from precinct_console.storage.models import User

    ctx = make_ctx(Role.CLERK, "neiqin01")
    with db.sessions() as s:
        s.scalar(sa.select(User).where(User.username == "neiqin01")).display_name = "张丽"
        s.commit()
    out = tmp_path / "duty.xlsx"
    export_ledger(ctx, "duty", *WEEK, out)
    for sheet in (0, 1):
        period_line = str(sheet_rows(out, sheet)[1][0])
        assert "导出：张丽 " in period_line and "neiqin01" not in period_line


def test_cancel_leaves_no_file_and_bad_input_names_the_field(seeded, make_ctx, tmp_path):
    ctx = make_ctx(Role.CLERK)
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "c.xlsx"
    with pytest.raises(ExportCancelled):
        export_ledger(ctx, "incidents", *WEEK, out, cancel=cancel)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    with pytest.raises(ValidationError, match="field 'ledger'"):
        export_ledger(ctx, "bogus", *WEEK, tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="field 'to'"):
        export_ledger(ctx, "incidents", date(2026, 11, 22), date(2026, 11, 16), tmp_path / "x.xlsx")
    with pytest.raises(PermissionDenied):
        export_ledger(make_ctx(Role.DUTY_OFFICER), "incidents", *WEEK, tmp_path / "x.xlsx")


def test_progress_is_reported(seeded, make_ctx, tmp_path):
    seen: list[tuple[int, int | None]] = []
    export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, tmp_path / "x.xlsx",
                  progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (7, 7)


def test_periods_week_month_and_iso_week():
    from precinct_console.services.ledgers.periods import month_of, parse_week, week_of

    w = parse_week("2026-W47")
    assert (w.first_day, w.last_day) == (date(2026, 11, 16), date(2026, 11, 22))
    assert w.start == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    assert week_of(date(2026, 11, 22)) == w  # Sunday belongs to the week that began on Monday
    assert w.year_before().first_day == date(2025, 11, 17)
    assert w.previous().first_day == date(2026, 11, 9)
    m = month_of(date(2026, 2, 10))
    assert (m.first_day, m.last_day) == (date(2026, 2, 1), date(2026, 2, 28))
    assert m.previous().first_day == date(2026, 1, 1)
    with pytest.raises(ValidationError, match="field 'week'"):
        parse_week("2026-W60")


def test_response_ledger_follows_the_stations_configured_profile(db, seeded, make_ctx, station, tmp_path):
    from precinct_console.domain.response import TIME_BANDS, profile_to_dict
    from precinct_console.storage.models import Setting

    with db.sessions() as s:
        s.add(Setting(station_id=station.id, key="response_profile", value=profile_to_dict(TIME_BANDS)))
        s.commit()
    out = tmp_path / "bands.xlsx"
    export_ledger(make_ctx(Role.CLERK), "response", *WEEK, out)
    header = sheet_rows(out)[2]
    assert header[8:14] == ["30秒签收用时", "30秒签收", "5分钟出警用时", "5分钟出警",
                            "30分钟反馈用时", "30分钟反馈"]
    rows = {r[0]: r for r in data_rows(out)}
    assert rows["J20261116001"][9] == "达标"  # signed 25 s after the call
    assert rows["J20261116001"][13] == "超时"  # fed back after 40 minutes
    assert "时限考核" in sheet_rows(out)[0][0]


def test_cells_beyond_excels_limits_are_kept_valid(tmp_path):
    from precinct_console.services.ledgers.columns import Column, Kind, Sheet
    from precinct_console.services.ledgers.writer import TooManyRows, write_rows_only

    cols = [Column("内容"), Column("数值", Kind.FLOAT)]
    long_text = "长" * 40_000
    out = write_rows_only(tmp_path / "x.xlsx", [(Sheet("s", "t", cols, iter([(long_text, float("nan")),
                                                                          ("\x07铃", 1.5)])), "p")])
    rows = data_rows(out)
    assert len(rows[0][0]) <= 32_767 and rows[0][0].endswith("（超长已截断）")
    assert rows[0][1] == "" and rows[1] == ["铃", 1.5]  # control characters dropped
    with pytest.raises(TooManyRows, match="do not fit in one Excel sheet"):
        write_rows_only(tmp_path / "y.xlsx", [(Sheet("s", "t", cols, iter([]), 2_000_000), "p")])
    assert not (tmp_path / "y.xlsx").exists()


def test_numbers_typed_into_free_text_are_masked_too(db, seeded, make_ctx, station, tmp_path):
    from .conftest import cst

    with db.sessions() as s:
        s.add(Incident(station_id=station.id, number="J20261121009", channel="110", category_code="0602",
                       status="closed", received_at=cst(2026, 11, 21, 10, 0),
                       content="报警人称其电话13911112222，身份证号11010119850505123X，请民警联系",
                       handling_summary="已电话联系13911112222"))
        s.commit()
    masked, plain = tmp_path / "m.xlsx", tmp_path / "p.xlsx"
    export_ledger(make_ctx(Role.STATION_CHIEF), "incidents", *WEEK, masked)
    export_ledger(make_ctx(Role.STATION_CHIEF), "incidents", *WEEK, plain, unmask=True)
    col = {c.header: i for i, c in enumerate(LEDGERS["incidents"].columns)}
    row = next(r for r in data_rows(masked) if r[0] == "J20261121009")
    assert row[col["简要警情"]] == "报警人称其电话139****2222，身份证号110***********123X，请民警联系"
    assert row[col["处置情况"]] == "已电话联系139****2222"
    row = next(r for r in data_rows(plain) if r[0] == "J20261121009")
    assert "13911112222" in row[col["简要警情"]]


def test_an_unwritable_target_is_a_clear_message_not_a_crash(seeded, make_ctx, tmp_path):
    from precinct_console.services.ledgers.writer import FileBusy

    target = tmp_path / "locked"
    target.mkdir()
    (target / "w.xlsx").mkdir()  # a directory where the file should go: replace() must fail
    with pytest.raises(FileBusy, match="cannot write") as failed:
        export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, target / "w.xlsx")
    assert not list(target.glob("*.part"))
    # The reason is in the catalogue's words, so a Chinese clerk reads it in Chinese (the
    # system's strerror, "Is a directory", is English whatever the locale).
    assert str(failed.value) == f"cannot write {target / 'w.xlsx'}: a folder of that name is in the way"
    assert error_text(failed.value, "zh_CN") == f"无法写入 {target / 'w.xlsx'}：已有同名文件夹"


def _add_incident(db, station_id: int, number: str, received: datetime, code: str, *,
                  set_off: float | None = None, arrived: float | None = None,
                  reinforcement: float | None = None, needs_reinforcement: bool = False) -> None:
    def after(sec: float | None) -> datetime | None:
        return None if sec is None else received + timedelta(seconds=sec)

    with db.sessions() as s:
        s.add(Incident(station_id=station_id, number=number, channel="110", category_code=code,
                       status="closed", received_at=received, dispatched_at=after(10),
                       set_off_at=after(set_off), arrived_at=after(arrived),
                       needs_reinforcement=needs_reinforcement,
                       reinforcement_arrived_at=after(reinforcement), handled_at=after(1800),
                       closed_at=after(3600)))
        s.commit()


def test_mean_response_times_leave_out_incidents_the_target_does_not_apply_to(
        db, seeded, make_ctx, station, tmp_path):
    from precinct_console.services.ledgers.periods import parse_week
    from precinct_console.services.statistics import incident_statistics

    # An invalid call a unit went to anyway, and a reinforcement nobody asked for: neither is a
    # 1-3-5 response, so the week's means stay those of the seeded incidents.
    _add_incident(db, station.id, "J20261117091", datetime(2026, 11, 17, 12, 0, tzinfo=CHINA_TZ),
                  "1001", set_off=200, arrived=400)
    _add_incident(db, station.id, "J20261117092", datetime(2026, 11, 17, 13, 0, tzinfo=CHINA_TZ),
                  "0602", set_off=40, arrived=160, reinforcement=200)
    chief = make_ctx(Role.STATION_CHIEF)
    c = incident_statistics(chief, parse_week("2026-W47")).compliance
    set_off_mean = (50 + 70 + 30 + 55 + 45 + 58 + 40) / 7
    assert c.mean("on_way") == pytest.approx(set_off_mean)
    assert c.mean("on_scene") == pytest.approx((170 + 200 + 120 + 175 + 179 + 160) / 6)
    assert c.mean("reinforcement") == pytest.approx((280 + 400) / 2)
    out = tmp_path / "r.xlsx"
    export_ledger(make_ctx(Role.CLERK), "response", *WEEK, out)
    rows = {r[0]: r for r in data_rows(out)}
    assert rows["J20261117091"][8] == "" and rows["J20261117091"][9] == "不适用"
    assert rows["J20261117092"][12] == "" and rows["J20261117092"][13] == "不适用"
    subtotal = sheet_rows(out)[-1]  # the SUBTOTAL(101) means clerks see under the columns
    assert subtotal[0].startswith("合计")
    assert subtotal[12].total_seconds() == pytest.approx(340, abs=0.01)
    assert subtotal[8].total_seconds() == pytest.approx(set_off_mean, abs=0.01)
    by_day_total = sheet_rows(out, 1)[-1]  # 按日 合计: 分组, 警情数, 已判定, then 3 per target
    assert by_day_total[0] == "合计"
    assert by_day_total[5].total_seconds() == pytest.approx(set_off_mean, abs=0.01)
    assert by_day_total[11].total_seconds() == pytest.approx(340, abs=0.01)


def test_dispute_ledger_shows_the_revisit_due_day_the_console_shows(db, seeded, make_ctx, tmp_path):
    from precinct_console.domain.deadlines import revisit_due
    from precinct_console.storage.models import Dispute

    # A grade-C dispute registered on 29 Nov with a 3-day revisit is due on 2 Dec (stored as
    # 3 Dec 00:00, the end of that day): the console says 12-02, so must the clerk's ledger.
    due = revisit_due(datetime(2026, 11, 29, 15, 0, tzinfo=CHINA_TZ), 3)
    with db.sessions() as s:
        s.execute(sa.update(Dispute).where(Dispute.number == "MD001").values(next_revisit_at=due))
        s.commit()
    out = tmp_path / "d.xlsx"
    export_ledger(make_ctx(Role.CLERK), "disputes", *WEEK, out)
    header = sheet_rows(out)[2]
    cell = data_rows(out)[0][header.index("下次回访")]
    assert as_dt(cell) == datetime(2026, 12, 2)


def test_a_seat_open_under_an_account_since_disabled_writes_no_ledger(db, seeded, make_ctx, tmp_path):
    """Personal data taken out leaves a record of who took it: an account disabled since its seat
    signed in writes no file at all (its audit, after the file, would be refused)."""
    from precinct_console.domain.errors import PermissionDenied
    from precinct_console.services import accounts

    clerk = make_ctx(Role.CLERK, "li.clerk")
    accounts.disable_user(make_ctx(Role.ADMIN), "li.clerk")
    out = tmp_path / "ledgers" / "incidents.xlsx"
    out.parent.mkdir()
    with pytest.raises(PermissionDenied, match="li.clerk has been disabled"):
        export_ledger(clerk, "incidents", *WEEK, out)
    assert list(out.parent.iterdir()) == []
