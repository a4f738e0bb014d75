"""A station's staff list (花名册) read from .xlsx or .csv: columns found by their header (Chinese or
English, any order), each row checked as the officer form checks it, every bad row named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..domain.driving import DRONE_LICENCE
from ..domain.errors import KnownError, ValidationError, file_error_reason
from .header_rows import is_sub_header, stacked
from .incidents.ledger_file import csv_rows
from .roster import OFFICER_KINDS, OFFICER_ROLES, checked_officer_value, split_items

# The headers each field is known by, as normalised by _key (no spaces, brackets or * marks, lower
# case). 警号 and 辅警编号 may both be there: an officer's number in one, an auxiliary's in the other.
HEADERS: dict[str, tuple[str, ...]] = {
    "badge": ("警号", "警号/辅警编号", "警号辅警编号", "badge", "badgenumber", "badgeno"),
    "aux_badge": ("辅警编号", "辅警号", "auxiliarynumber", "auxiliaryno"),
    "name": ("姓名", "name"),
    "kind": ("人员类别", "人员类型", "类别", "身份", "民警/辅警", "kind"),
    "rank": ("警衔", "职级", "rank"),
    "role": ("岗位", "职务", "role"),
    "team": ("班组", "组别", "所在班组", "team"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "phone", "mobile"),
    "skills": ("技能", "特长", "专长", "skills"),
    "licences": ("驾照", "准驾车型", "驾驶证", "驾驶证准驾车型", "licences", "licenses",
                 "drivinglicences", "drivinglicenses"),
}
_FIELD_OF = {h: f for f, names in HEADERS.items() for h in names}
# What the template writes, one column per field the officer form has.
TEMPLATE_HEADERS = ("警号/辅警编号", "姓名", "人员类别", "警衔", "岗位", "班组", "电话", "技能", "驾照")
TEMPLATE_EXAMPLE = ("010001", "张伟", "民警", "一级警长", "巡逻防控", "一组", "13800138000",
                    "急救、调解", "C1")
_EXAMPLE = dict(zip(("badge", "name", "kind", "rank", "role", "team", "phone", "skills", "licences"),
                    TEMPLATE_EXAMPLE, strict=True))
HEADER_SEARCH_ROWS = 10  # a title row or two (XX派出所花名册) may stand above the header

# 协警 (and 协勤) are the old words for 辅警, still on many a station's roll.
_KIND_WORDS = {"民警": "officer", "警察": "officer", "officer": "officer", "辅警": "auxiliary",
               "辅警人员": "auxiliary", "协警": "auxiliary", "协勤": "auxiliary",
               "auxiliary": "auxiliary"}
# Posts a 花名册 names that are no role here, with the role nearest to them: the clerk (内勤)
# keeps the ledgers beside the command room, the post nearest to that work.
_NEAREST_ROLE = {"内勤": "command", "综合内勤": "command", "内勤民警": "command",
                 "内勤辅警": "command", "综合室": "command"}
# Each role by its key and its label; a few words a 花名册 uses for the same posts.
_ROLE_WORDS = {**{k: k for k in OFFICER_ROLES}, **{v: k for k, v in OFFICER_ROLES.items()},
               "巡逻": "patrol", "巡逻民警": "patrol", "巡特警": "patrol", "指挥室民警": "command",
               "值班民警": "command", "社区民警": "community", "社区": "community", "办案": "case",
               "办案民警": "case",
               # An auxiliary's post names the same work: 巡逻辅警 patrols as 巡逻民警 does.
               "巡逻辅警": "patrol", "指挥室辅警": "command", "值班辅警": "command",
               "社区辅警": "community", "办案辅警": "case"}
_LICENCE_WORDS = {"无人机": DRONE_LICENCE, "无人机驾驶员": DRONE_LICENCE, "drone": DRONE_LICENCE}


@dataclass(frozen=True)
class RollRow:
    """One officer as a row of the file gives them: only the fields it has a column for."""

    row: int  # as Excel shows it
    values: tuple[tuple[str, Any], ...]
    badge_column: str = "badge"  # the header the badge was read under (警号 or 辅警编号)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.values).get(key, default)


@dataclass(frozen=True)
class RollFile:
    rows: tuple[RollRow, ...]
    ignored_columns: tuple[str, ...]  # headers the console keeps nothing of (序号, 性别, 身份证号…)
    sheet: str  # the sheet read (xlsx)
    other_sheets: tuple[str, ...]  # later sheets that look like a 花名册 too: not read
    problems: tuple[ValidationError, ...]  # row and column as the file names them
    example_row: int | None = None  # the template's example, left in the file: not imported


def _key(header: str) -> str:
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", header)  # 电话（手机） is 电话
    return re.sub(r"[\s*＊:：]+", "", text).lower()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a spreadsheet cell comes back as 13800138000.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _header_row(rows: list[list[Any]]) -> int | None:
    """The index of the header: the first of the top rows naming a badge and a name column (with
    the row under it, when the two make a template's two-row header)."""
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if _is_header(_header_cells(rows, i)[0]):
            return i
    return None


def _is_header(cells: list[str]) -> bool:
    fields = {_FIELD_OF.get(_key(h)) for h in cells}
    return "name" in fields and bool(fields & {"badge", "aux_badge"})


def _known(header: str) -> bool:
    return _FIELD_OF.get(_key(header)) is not None


def _header_cells(rows: list[list[Any]], at: int) -> tuple[list[str], int]:
    """The header from row `at` and the index of the first row under it: a template's group cell
    (联系方式) merged over sub-columns (电话, 驾照) makes the header two rows. A row that is a
    header by itself stands alone, and so does a title row above one."""
    top = [_text(v) for v in rows[at]]
    if at + 1 < len(rows):
        sub = [_text(v) for v in rows[at + 1]]
        alone = _is_header(top)
        if (alone or not _is_header(sub)) and is_sub_header(top, sub, _known):
            both = stacked(top, sub)
            if _is_header(both):
                return both, at + 2
    return top, at + 1


def _sheets(path: Path) -> tuple[list[list[Any]], str, list[str]]:
    """The rows of the sheet to read (the leftmost with a 花名册 header: a cover or notes sheet
    before it is passed over), its name, and the names of later sheets with such a header."""
    if path.suffix.lower() == ".csv":
        return list(csv_rows(path)), "", []
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(f"cannot be read as an XLSX workbook: {exc}", field="file") from None
    try:
        with_header = [ws for ws in wb.worksheets if _header_row(
            [list(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]) is not None]
        first = with_header[0] if with_header else wb.worksheets[0]
        rows = [list(r) for r in first.iter_rows(values_only=True)]
        return rows, first.title, [ws.title for ws in with_header[1:]]
    finally:
        wb.close()


def read_roll_file(path: str | Path) -> RollFile:
    """Every row of the file, checked; the problems are listed, not raised, so that a preview can
    show them all beside what the good rows would do. A file that cannot be read at all, or has
    no header naming a badge and a name column, is refused (a ValidationError)."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"{p} does not exist", field="file")
    if p.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        raise ValidationError(f"'{p.suffix}' files are not supported (CSV or XLSX)", field="file")
    rows, sheet, others = _sheets(p)
    at = _header_row(rows)
    if at is None:
        top = next((r for r in rows if any(_text(v) for v in r)), [])
        first = "、".join(_text(v) for v in top if _text(v)) or "-"
        raise ValidationError(f"no header row with a 警号 (or 辅警编号) and a 姓名 column in the first "
                              f"{HEADER_SEARCH_ROWS} rows (the first row reads: {first})",
                              field="header", row=1)
    header, start = _header_cells(rows, at)
    columns: dict[str, int] = {}  # field -> column index
    ignored: list[str] = []
    problems: list[ValidationError] = []
    for i, h in enumerate(header):
        field = _FIELD_OF.get(_key(h))
        if field is None:
            if h:
                ignored.append(h)
        elif field in columns:
            problems.append(ValidationError(
                f"columns '{header[columns[field]]}' and '{h}' both give the same field",
                field=h, row=at + 1))
        else:
            columns[field] = i
    names = {f: header[i] for f, i in columns.items()}
    out: list[RollRow] = []
    first_row_of: dict[str, int] = {}
    example_row = None
    for index in range(start, len(rows)):
        cells = {f: _text(rows[index][i]) if i < len(rows[index]) else "" for f, i in columns.items()}
        if not any(_text(v) for v in rows[index]):
            continue  # blank lines between teams or at the end of a sheet
        row = index + 1
        if _is_example(cells):  # a clerk who filled the template in and left 张伟 in it
            example_row = row
            continue
        values, row_problems = _row_values(row, cells, names)
        badge = values.get("badge")
        column = names["badge"] if cells.get("badge") or "aux_badge" not in names else names["aux_badge"]
        if badge and badge in first_row_of:
            row_problems.append(ValidationError(
                f"badge {badge} is also on row {first_row_of[badge]}; each officer once",
                field=column, row=row))
        elif badge:
            first_row_of[badge] = row
        problems.extend(row_problems)
        if not row_problems:
            out.append(RollRow(row, tuple(values.items()), column))
    return RollFile(tuple(out), tuple(ignored), sheet, tuple(others), tuple(problems), example_row)


def _is_example(cells: dict[str, str]) -> bool:
    """The template's example row, every column of it as written (张伟 alone is a real officer)."""
    return all(cells.get(f) == v for f, v in _EXAMPLE.items())


def _row_values(row: int, cells: dict[str, str], names: dict[str, str]
                ) -> tuple[dict[str, Any], list[ValidationError]]:
    """One row's fields as the roll keeps them, and each thing wrong with it (every bad cell, not
    only the first), named by the file's own column header."""
    values: dict[str, Any] = {}
    problems: list[ValidationError] = []

    def bad(field: str, message: str) -> None:
        problems.append(ValidationError(message, field=names.get(field, field), row=row))

    def check(field: str, raw: Any, *, column: str | None = None) -> None:
        try:
            values[field] = checked_officer_value(field, raw)
        except ValidationError as exc:
            bad(column or field, exc.bare_message)

    badge, aux = cells.get("badge", ""), cells.get("aux_badge", "")
    kind_hint: str | None = None
    if badge and aux and badge != aux:
        bad("aux_badge", f"both {names['badge']} ({badge}) and {names['aux_badge']} ({aux}) are "
                         "filled in: an officer has one number")
    elif badge or aux:
        check("badge", badge or aux, column="badge" if badge else "aux_badge")
        if "aux_badge" in names:  # the file keeps each kind's numbers in its own column
            kind_hint = "officer" if badge else "auxiliary"
    else:
        bad("badge" if "badge" in names else "aux_badge", "must not be empty")
    check("name", cells.get("name", ""))
    if "rank" in cells:
        rank = cells["rank"]
        if _KIND_WORDS.get(rank.lower()) == "auxiliary":  # 警衔 column reading 辅警: no rank
            rank, kind_hint = "", "auxiliary"
        check("rank", rank)
    role_text = cells.get("role", "")
    if _KIND_WORDS.get(role_text.lower()) == "auxiliary":
        # 职务 reading 协警 or 辅警 says what the person is, not the post: the role is left as it is.
        if kind_hint == "officer":
            bad("role", f"says {role_text} but the row is filled in as {OFFICER_KINDS['officer']}")
        kind_hint, role_text = "auxiliary", ""
    if cells.get("kind"):
        kind = _KIND_WORDS.get(cells["kind"].lower())
        if kind is None:
            bad("kind", f"'{cells['kind']}' is not 民警 or 辅警")
        elif kind_hint is not None and kind != kind_hint:
            bad("kind", f"says {OFFICER_KINDS[kind]} but the row is filled in as "
                        f"{OFFICER_KINDS[kind_hint]}")
        else:
            values["kind"] = kind
    elif kind_hint is not None:
        values["kind"] = kind_hint
    if role_text:  # an empty 岗位 keeps the officer's role (patrol for a new one)
        role = _ROLE_WORDS.get(role_text, _ROLE_WORDS.get(role_text.lower()))
        nearest = OFFICER_ROLES.get(_NEAREST_ROLE.get(role_text, ""))
        if role is None and nearest:
            bad("role", f"'{role_text}' is not a role (the roles: {'、'.join(OFFICER_ROLES.values())}); "
                        f"the nearest is {nearest}: write {nearest} if that is where this person works")
        elif role is None:
            bad("role", f"'{role_text}' is not a role (one of: {'、'.join(OFFICER_ROLES.values())})")
        else:
            values["role"] = role
    for field in ("team", "phone"):
        if field in cells:
            check(field, cells[field])
    if "skills" in cells:
        check("skills", split_items(cells["skills"]))
    if "licences" in cells:
        check("licences", [_LICENCE_WORDS.get(x.lower(), x) for x in split_items(cells["licences"])])
    return values, problems


def write_roll_template(path: str | Path) -> None:
    """A blank 花名册 the import reads: the header, one example row and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    ws.append(list(TEMPLATE_HEADERS))
    ws.append(list(TEMPLATE_EXAMPLE))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (16, 10, 10, 12, 12, 8, 16, 20, 14), strict=True):
        ws.column_dimensions[column].width = width
    # Badge and phone as text: typed into a number cell, 010001 loses its 0 and becomes 10001.
    for column in ("A", "G"):
        ws.column_dimensions[column].number_format = "@"
        ws[f"{column}2"].number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for line in _template_notes():
        notes.append(list(line))
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    for cell in notes[1]:
        cell.font = Font(bold=True)
    try:
        wb.save(path)
    except OSError as exc:  # no permission, no such folder, open in Excel, disk full
        raise KnownError(f"cannot write {path}: {file_error_reason(exc)}") from exc


def _template_notes() -> list[tuple[str, str]]:
    return [
        ("警号/辅警编号", "必填。民警填警号，辅警填辅警编号；也可分设“警号”“辅警编号”两列。已在册的警号按文件更新，不会重复添加。"),
        ("姓名", "必填。"),
        ("人员类别", "民警 或 辅警；不填时新增人员按民警登记（“警衔”列填“辅警”亦可）。"),
        ("警衔", "如 一级警长；辅警不填。"),
        ("岗位", "、".join(OFFICER_ROLES.values()) + "；不填时新增人员为巡逻防控，已在册人员不变。"),
        ("班组", "如 一组，最多 16 个字。"),
        ("电话", "手机或座机，如 13800138000、0371-6262 1234 转 8001。"),
        ("技能", "用顿号或逗号分隔，如 急救、调解、外语。"),
        ("驾照", "准驾车型，用顿号或逗号分隔，如 C1、E；无人机驾驶员执照可写“无人机”。"),
        ("其他列", "序号、性别、身份证号等本系统不保存的列可以保留，导入预览会列出未导入的列。"),
        ("注意", "文件中没有的在册人员不会被删除或移出名册（调离请在人员信息中取消“在册”）。"),
    ]
