"""Ledger imports are atomic: one bad row imports nothing and the error names row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import ValidationError, ValidationErrors
from precinct_console.domain.permissions import Role
from precinct_console.services import incidents as inc
from precinct_console.storage.models import Incident, IncidentEvent

from .incident_fixtures import add_grid

HEADER = ["报警时间", "报警方式", "报警人", "联系电话", "发案地址", "经度", "纬度", "警情类别",
          "简要案情", "等级", "出警时间", "到场时间", "处置完毕时间", "处置结果", "接警人"]
GOOD = [
    ["2026-11-01 09:00", "110", "王五", "13900001111", "东大街3号", "116.401", "39.9", "0602",
     "楼上漏水", "2", "2026-11-01 09:01", "2026-11-01 09:04", "2026-11-01 09:30", "调解", "李四"],
    ["2026/11/01 10:15", "来所报警", "赵六", "13900002222", "西大街5号", "", "", "盗窃电动车",
     "车被偷", "一级", "", "", "", "", "李四"],
    ["2026-11-01 11:00", "110", "王五", "13900001111", "东大街3号", "", "", "邻里纠纷",
     "又漏水了", "", "", "", "", "", "李四"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def _count(db, model) -> int:
    with db.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_good_file_imports_every_row_with_its_recorded_steps(db, make_ctx, station, tmp_path):
    grid = add_grid(db, station.id)
    clerk = make_ctx(Role.CLERK)
    result, ignored = inc.import_ledger_file(clerk, write_csv(tmp_path / "l.csv", GOOD, "gb18030"))
    assert result.count == 3 and ignored == ["接警人"]
    assert result.numbers == ("20261101-0001", "20261101-0002", "20261101-0003")
    assert result.repeats == 1  # the third row repeats the first (same caller and place)
    rows = {r.number: r for r in inc.search_incidents(clerk, "", limit=10)}
    first = rows["20261101-0001"]
    assert first.status == "handled" and first.grid_id == grid and first.category_name == "纠纷/邻里纠纷"
    assert first.set_off_at.isoformat() == "2026-11-01T01:01:00+00:00"
    assert rows["20261101-0002"].priority == 1 and rows["20261101-0002"].channel == "walk_in"
    with db.sessions() as s:
        kinds = s.scalars(sa.select(IncidentEvent.kind).where(IncidentEvent.incident_id == first.id)
                          .order_by(IncidentEvent.id)).all()
        assert kinds == ["received", "dispatched", "set_off", "arrived", "handled"]


@pytest.mark.parametrize(("row", "cell", "value", "column"), [
    (1, 3, "139abc", "联系电话"),
    (1, 7, "不存在的类别", "警情类别"),
    (0, 11, "2026-11-01 08:00", "到场时间"),
    (2, 0, "昨天", "报警时间"),
    (1, 5, "东经", "经度"),
])
def test_one_bad_row_imports_nothing_and_names_the_row_and_column(db, make_ctx, tmp_path, row, cell,
                                                                   value, column):
    rows = [list(r) for r in GOOD]
    rows[row][cell] = value
    with pytest.raises(ValidationError) as err:
        inc.import_ledger_file(make_ctx(Role.DUTY_OFFICER), write_csv(tmp_path / "bad.csv", rows))
    assert err.value.row == row + 2 and err.value.field == column
    assert f"row {row + 2}, field '{column}'" in str(err.value)
    assert _count(db, Incident) == 0 and _count(db, IncidentEvent) == 0


def test_every_bad_row_is_listed(db, make_ctx, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[0][1] = "信鸽"
    rows[2][4] = ""
    with pytest.raises(ValidationErrors) as err:
        inc.import_ledger_file(make_ctx(Role.DUTY_OFFICER), write_csv(tmp_path / "bad.csv", rows))
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "报警方式"), (4, "发案地址")]
    assert _count(db, Incident) == 0


def test_a_missing_column_is_named(make_ctx, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("报警时间,发案地址\n2026-11-01 09:00,东大街\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="lacks 报警方式, 警情类别"):
        inc.import_ledger_file(make_ctx(Role.DUTY_OFFICER), path)


def test_xlsx_with_real_dates_and_numeric_phones(db, make_ctx, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["报警时间", "报警方式", "联系电话", "发案地址", "警情类别", "需增援"])
    ws.append([datetime(2026, 11, 2, 8, 30), "110", 13800138000, "南街1号", "0202", "是"])
    path = tmp_path / "l.xlsx"
    wb.save(path)
    result, _ = inc.import_ledger_file(make_ctx(Role.DUTY_OFFICER), path)
    row = inc.search_incidents(make_ctx(Role.DUTY_OFFICER), "南街")[0]
    assert result.numbers == ("20261102-0001",)
    assert row.caller_phone == "13800138000" and row.needs_reinforcement
    assert row.received_at.isoformat() == "2026-11-02T00:30:00+00:00"


def test_every_problem_of_a_file_is_named_at_once_reading_and_checking_alike(db, make_ctx, tmp_path):
    """A bad date was named first; once the clerk fixed it, the unknown category and the step
    before the call came next: one file, three rounds. Now one round names them all."""
    rows = [list(r) for r in GOOD]
    rows[0][0] = "2026-13-01 09:00"  # no month 13
    rows[1][7] = "打架斗殴殴打"  # a word too many
    rows[2][10] = "2026-11-01 10:00"  # set off before the call at 11:00
    with pytest.raises(ValidationErrors) as err:
        inc.import_ledger_file(make_ctx(Role.CLERK), write_csv(tmp_path / "bad.csv", rows, "gbk"))
    assert [str(p) for p in err.value.problems] == [
        "row 2, field '报警时间': '2026-13-01 09:00' is not a time (e.g. 2026-11-20 09:05:00)",
        "row 3, field '警情类别': '打架斗殴殴打' is not a category code or name; the nearest: "
        "治安/打架斗殴 (0202)",
        "row 4, field '出警时间': 2026-11-01 10:00:00 is before the call time (2026-11-01 11:00:00)",
    ]
    assert _count(db, Incident) == 0


def _template(path: Path, *, address: bool = True) -> Path:
    """A government 警情登记表: a merged title, then 处警情况 merged over 出警时间 and 到场时间
    with the other headers merged down both rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["城关派出所警情登记表"])
    ws.merge_cells("A1:G1")
    ws.append(["报警时间", "报警方式", "警情类别", "发案地址" if address else "报警人", "联系电话",
               "处警情况", None])
    ws.append([None, None, None, None, None, "出警时间", "到场时间"])
    for column in "ABCDE":
        ws.merge_cells(f"{column}2:{column}3")
    ws.merge_cells("F2:G2")
    ws.append(["2026-11-01 09:00", "110", "邻里纠纷", "东大街3号", "13900001111",
               "2026-11-01 09:01", "2026-11-01 09:04"])
    ws.append(["2026-11-01 09:30", "110", "邻里纠纷", "东大街4号", "13900001112",
               "2026-11-01 09:20", ""])
    wb.save(path)
    return path


def test_a_template_with_a_group_header_over_two_columns_reads_them_and_names_excel_rows(
        db, make_ctx, tmp_path):
    """The second header row was read as an incident with no call time, and the set-off and
    arrival times under 处警情况 were not read at all."""
    clerk = make_ctx(Role.CLERK)
    with pytest.raises(ValidationError) as err:
        inc.import_ledger_file(clerk, _template(tmp_path / "登记表.xlsx"))
    assert str(err.value) == ("row 5, field '出警时间': 2026-11-01 09:20:00 is before the call time "
                              "(2026-11-01 09:30:00)")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "登记表.xlsx")
    wb.active.delete_rows(5)
    wb.save(tmp_path / "登记表.xlsx")
    result, ignored = inc.import_ledger_file(clerk, tmp_path / "登记表.xlsx")
    assert result.count == 1 and ignored == []
    [row] = inc.search_incidents(clerk, "", limit=5)
    assert row.status == "arrived" and row.set_off_at.isoformat() == "2026-11-01T01:01:00+00:00"


def test_a_missing_column_under_a_title_row_is_named_on_the_header_row(db, make_ctx, tmp_path):
    with pytest.raises(ValidationError) as err:
        inc.import_ledger_file(make_ctx(Role.CLERK), _template(tmp_path / "t.xlsx", address=False))
    # The header's row, not the title's (which lacked all four and listed the title as a column).
    assert str(err.value) == ("row 2, field 'header': the header lacks 发案地址 (columns: 报警时间, "
                              "报警方式, 警情类别, 报警人, 联系电话, 处警情况)")
    assert _count(db, Incident) == 0


@pytest.mark.parametrize("written", ["2026.11.01 09:05", "2026.11.01 09:05:00", "2026年11月1日9时5分",
                                     "2026年11月1日 9时05分", "2026年11月01日09:05"])
def test_the_ways_a_clerk_writes_a_call_time_in_a_register_are_read(written):
    from precinct_console.services.incidents.ledger_file import parse_time

    assert parse_time(written, "报警时间").isoformat() == "2026-11-01T09:05:00+08:00"
