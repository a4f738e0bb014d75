"""Importing the station's 花名册: all rows or none, every bad row named by row and column, a re-import
updates (never duplicates), officers left out of the file stay on the roll; SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from precinct_console.domain.errors import ConflictError, ValidationError, ValidationErrors
from precinct_console.domain.permissions import Role
from precinct_console.services import roster
from precinct_console.services.roster_file import TEMPLATE_HEADERS, write_roll_template
from precinct_console.services.roster_import import commit_roll_import, preview_roll_import
from precinct_console.storage.models import AuditEntry, Officer

HEADER = ["序号", "警号", "辅警编号", "姓名", "警衔", "岗位", "班组", "联系电话", "技能", "准驾车型"]
ROWS = [
    [1, "010001", "", "张伟", "一级警长", "所长", "", "13800138000", "调解", "C1"],
    [2, "010002", "", "李娜", "二级警司", "社区民警", "一组", "0371-6262 1234", "急救、外语", "c2"],
    [3, "", "FJ0001", "王强", "", "巡逻防控", "一组", "139 0000 1111", "", "E/无人机"],
]


def write_xlsx(path: Path, rows: list[list], header: list[str] = HEADER, title: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    if title:  # a 花名册 as stations keep it: a title row above the header
        ws.append(["城关派出所人员花名册"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def officers(db) -> dict[str, Officer]:
    with db.sessions() as s:
        return {o.badge: o for o in s.scalars(sa.select(Officer))}


def test_a_good_xlsx_puts_every_officer_on_the_roll_with_the_forms_fields(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "花名册.xlsx", ROWS, title=True))
    assert [i.row for i in preview.new] == [3, 4, 5]  # row numbers as Excel shows them
    assert preview.ignored_columns == ("序号",) and preview.problems == ()
    result = commit_roll_import(chief, preview)
    assert (result.added, result.updated) == (3, 0)
    roll = officers(db)
    zhang, li, wang = roll["010001"], roll["010002"], roll["FJ0001"]
    assert (zhang.kind, zhang.rank, zhang.role, zhang.team, zhang.licences) == \
        ("officer", "一级警长", "chief", "", ["C1"])
    assert (li.role, li.skills, li.licences, li.phone) == ("community", ["急救", "外语"], ["C2"],
                                                          "0371-6262 1234")
    # An auxiliary's number in its own column makes the row an auxiliary's.
    assert (wang.kind, wang.licences, wang.role) == ("auxiliary", ["E", "无人机驾驶员执照"], "patrol")
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity == "officer")).all()
    assert actions.count("roster.officer_import") == 3 and actions.count("roster.roll_import") == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_from_excel_reads_the_same_in_utf8_or_gbk(db, make_ctx, tmp_path, encoding):
    chief = make_ctx(Role.STATION_CHIEF)
    path = write_csv(tmp_path / "roll.csv", [[str(c) for c in r] for r in ROWS], encoding)
    result = commit_roll_import(chief, preview_roll_import(chief, path))
    assert result.added == 3 and officers(db)["010002"].name == "李娜"


def test_english_headers_in_any_order_are_read(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    path = write_xlsx(tmp_path / "roll.xlsx", [["Zhang Wei", "A1", "auxiliary", "7"]],
                      header=["Name", "Licences", "Kind", "Badge"])
    commit_roll_import(chief, preview_roll_import(chief, path))
    o = officers(db)["7"]
    assert (o.name, o.kind, o.licences) == ("Zhang Wei", "auxiliary", ["A1"])


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_saved(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    rows = [list(r) for r in ROWS] + [
        [4, "", "", "赵六", "", "", "", "", "", ""],  # no number at all
        [5, "010005", "", "", "", "指导员", "", "139abc", "", "Z9"],  # three bad cells
        [6, "010002", "", "李娜二", "", "", "", "", "", ""],  # the badge of row 3 again
        [7, "010007", "FJ0009", "钱七", "", "", "超过十六个字的一个非常非常长的班组名称", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    preview = preview_roll_import(chief, path)
    found = {(p.row, p.field) for p in preview.problems}
    assert found == {(5, "警号"), (6, "姓名"), (6, "岗位"), (6, "联系电话"), (6, "准驾车型"),
                     (7, "警号"), (8, "辅警编号"), (8, "班组")}
    assert not preview.can_import
    text = {str(p) for p in preview.problems}
    assert "row 7, field '警号': badge 010002 is also on row 3; each officer once" in text
    assert "row 6, field '联系电话': '139abc' is not a phone number" in text  # the form's own rule
    with pytest.raises(ValidationErrors) as err:
        commit_roll_import(chief, preview)
    assert len(err.value.problems) == 8
    assert officers(db) == {}  # the good rows were not saved either


def test_a_reimport_updates_the_officers_on_the_roll_and_never_duplicates(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    commit_roll_import(chief, preview_roll_import(chief, write_xlsx(tmp_path / "a.xlsx", ROWS)))
    kept = roster.add_officer(chief, "010009", "孙九", team="二组")  # added by hand, not in the file
    li = officers(db)["010002"]
    roster.update_officer(chief, li.id, li.version, active=False)  # transferred, now back
    rows = [list(r) for r in ROWS]
    rows[0][7] = "13900000000"  # a new phone
    rows[1][6] = "二组"
    rows.append([4, "010004", "", "周四", "", "", "", "", "", ""])
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "b.xlsx", rows))
    assert [i.badge for i in preview.new] == ["010004"]
    assert [i.badge for i in preview.unchanged] == ["FJ0001"]
    changes = {i.badge: i.changes for i in preview.changed}
    assert changes == {"010001": (("phone", "13800138000", "13900000000"),),
                       "010002": (("team", "一组", "二组"), ("active", False, True))}
    assert preview.not_in_file == (("孙九", "010009"),)  # named, and kept
    result = commit_roll_import(chief, preview)
    assert (result.added, result.updated, result.unchanged) == (1, 2, 1)
    roll = officers(db)
    assert len(roll) == 5 and roll["010009"].active and roll["010009"].id == kept.id
    assert roll["010001"].phone == "13900000000" and roll["010002"].active


def test_a_badge_that_lost_its_leading_zero_in_excel_is_refused_not_added(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    roster.add_officer(chief, "010001", "张伟")
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "n.xlsx", [[1, 10001, "", "张伟"]],
                                                    header=HEADER[:4]))
    assert [(p.row, p.field) for p in preview.problems] == [(2, "警号")]
    assert "010001" in str(preview.problems[0]) and preview.new == ()


def test_a_badge_put_on_the_roll_at_another_seat_after_the_preview_refuses_the_import(
        db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "a.xlsx", ROWS))
    roster.add_officer(make_ctx(Role.STATION_CHIEF, "chief2"), "010002", "李娜")
    with pytest.raises(ConflictError, match="badge 010002 .* another seat"):
        commit_roll_import(chief, preview)
    assert list(officers(db)) == ["010002"]


def test_an_officer_changed_at_another_seat_after_the_preview_refuses_the_import(
        db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    o = roster.add_officer(chief, "010001", "张伟")
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "a.xlsx", ROWS))
    roster.update_officer(make_ctx(Role.STATION_CHIEF, "chief2"), o.id, o.version, phone="110")
    with pytest.raises(ConflictError, match="chief2"):
        commit_roll_import(chief, preview)
    assert list(officers(db)) == ["010001"] and officers(db)["010001"].phone == "110"


def test_two_seats_importing_at_once_put_each_officer_on_the_roll_once(db, make_ctx, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    seats = [make_ctx(Role.STATION_CHIEF, f"chief{i}") for i in (1, 2)]
    previews = [preview_roll_import(c, path) for c in seats]
    go = threading.Barrier(2)
    outcome: list[object] = []

    def run(i: int) -> None:
        go.wait()
        try:
            outcome.append(commit_roll_import(seats[i], previews[i]).added)
        except ConflictError as exc:
            outcome.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(type, outcome), key=str) == sorted([int, ConflictError], key=str)
    assert "another seat" in str(next(x for x in outcome if isinstance(x, ConflictError)))
    assert sorted(officers(db)) == ["010001", "010002", "FJ0001"]


def test_the_blank_template_reads_back_with_its_example_row_skipped(db, make_ctx, tmp_path):
    chief = make_ctx(Role.STATION_CHIEF)
    path = tmp_path / "template.xlsx"
    write_roll_template(path)
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == list(TEMPLATE_HEADERS) and ws.max_row == 2
    preview = preview_roll_import(chief, path)
    assert preview.example_row == 2 and preview.new == () and preview.problems == ()
    wb = load_workbook(path)
    wb.active.append(["FJ0002", "钱八", "辅警", "", "巡逻防控", "一组", "", "", ""])
    wb.save(path)
    preview = preview_roll_import(chief, path)
    assert [(i.badge, dict(i.values)["kind"]) for i in preview.new] == [("FJ0002", "auxiliary")]


@pytest.mark.parametrize(("name", "content", "says"), [
    ("roll.txt", "x", "'.txt' files are not supported"),
    ("roll.csv", "序号,性别\n1,男\n", "no header row with a 警号"),
    ("roll.xlsx", "not a workbook", "cannot be read as an XLSX workbook"),
])
def test_a_file_that_is_no_roll_is_refused_naming_why(db, make_ctx, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=says):
        preview_roll_import(make_ctx(Role.STATION_CHIEF), path)


def test_a_duty_officer_may_not_import(db, make_ctx, tmp_path):
    from precinct_console.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview_roll_import(make_ctx(Role.DUTY_OFFICER), write_xlsx(tmp_path / "a.xlsx", ROWS))


def test_the_posts_a_real_roll_gives_its_auxiliaries_are_read_as_their_roles(db, make_ctx, tmp_path):
    """A 花名册's 职务 column reads 巡逻辅警, 社区辅警…: each row was refused as 'not a role', so a
    new station had to rewrite its auxiliaries' posts before the roll would import."""
    chief = make_ctx(Role.STATION_CHIEF)
    rows = [[i, "", f"F{i:03d}", f"辅警{i}", "", post, "一组", "", "", ""]
            for i, post in enumerate(["巡逻辅警", "社区辅警", "指挥室辅警", "值班辅警", "办案辅警"], 1)]
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "花名册.xlsx", rows))
    assert preview.problems == ()
    commit_roll_import(chief, preview)
    assert [(o.name, o.kind, o.role) for o in sorted(officers(db).values(), key=lambda o: o.badge)] == [
        ("辅警1", "auxiliary", "patrol"), ("辅警2", "auxiliary", "community"),
        ("辅警3", "auxiliary", "command"), ("辅警4", "auxiliary", "command"),
        ("辅警5", "auxiliary", "case")]


def test_a_rolls_old_word_xiejing_is_an_auxiliary_and_neiqin_is_refused_with_the_nearest_role(
    db, make_ctx, tmp_path,
):
    """A new station's 花名册 names its auxiliaries 协警 (the old word for 辅警) and its clerk 内勤 in the
    职务 column: both rows were refused as 'not a role' with no hint of what to write instead."""
    chief = make_ctx(Role.STATION_CHIEF)
    header = ["警号", "姓名", "职务", "班组"]
    rows = [["F101", "协警甲", "协警", "一组"], ["010101", "民警乙", "巡逻民警", "一组"]]
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "花名册.xlsx", rows, header))
    assert preview.problems == ()
    commit_roll_import(chief, preview)
    assert {o.name: (o.kind, o.role) for o in officers(db).values()} == {
        "协警甲": ("auxiliary", "patrol"), "民警乙": ("officer", "patrol")}
    preview = preview_roll_import(chief, write_xlsx(tmp_path / "b.xlsx", [["010102", "内勤丙", "内勤", ""]],
                                                    header))
    [problem] = preview.problems
    assert problem.row == 2 and problem.field == "职务"
    assert problem.bare_message == (
        "'内勤' is not a role (the roles: 巡逻防控、指挥室、社区警务、办案队、副所长、教导员、所长); "
        "the nearest is 指挥室: write 指挥室 if that is where this person works")


def test_a_template_with_a_group_header_over_two_columns_reads_them_and_names_excel_rows(
        db, make_ctx, tmp_path):
    """A government 花名册: a merged title, then 联系方式 merged over 联系电话 and 准驾车型 with the
    other headers merged down both rows. The second header row was read as an officer with no
    badge and no name, and the phone and licence columns were not read at all."""
    wb = Workbook()
    ws = wb.active
    ws.append(["城关派出所人员花名册"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "警号", "姓名", "岗位", "联系方式", None])
    ws.append([None, None, None, None, "联系电话", "准驾车型"])
    for column in "ABCD":
        ws.merge_cells(f"{column}2:{column}3")
    ws.merge_cells("E2:F2")
    ws.append([1, "010001", "张伟", "所长", "13800138000", "C1"])
    ws.append([2, "010002", "李娜", "打字员", "13800138001", "C2"])
    wb.save(tmp_path / "花名册.xlsx")
    chief = make_ctx(Role.STATION_CHIEF)
    preview = preview_roll_import(chief, tmp_path / "花名册.xlsx")
    assert [str(p) for p in preview.problems] == [
        "row 5, field '岗位': '打字员' is not a role (one of: 巡逻防控、指挥室、社区警务、办案队、副所长、"
        "教导员、所长)"]
    assert [i.row for i in preview.new] == [4] and preview.ignored_columns == ("序号", )
    ws.delete_rows(5)
    wb.save(tmp_path / "花名册.xlsx")
    commit_roll_import(chief, preview_roll_import(chief, tmp_path / "花名册.xlsx"))
    zhang = officers(db)["010001"]
    assert (zhang.phone, zhang.licences) == ("13800138000", ["C1"])
