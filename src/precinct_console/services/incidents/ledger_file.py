"""Reading incidents from incident-ledger files (CSV/XLSX, Chinese column names) and from JSON.

The columns read are COLUMNS, HISTORY_COLUMNS, REFINING and NUMBER below (ALIASES: the names
the console's own 警情台账 export gives them); `precinct-console incident
import --help` describes them to users (tests/e2e hold that text to these names).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ...domain.clock import CHINA_TZ
from ...domain.errors import ValidationError, ValidationErrors
from ..context import ServiceContext
from ..header_rows import is_sub_header, stacked
from .intake import ImportRecord, ImportResult, IncidentDraft, import_incidents, intake_incident
from .views import IncidentView

# Ledger column -> draft field.
COLUMNS: dict[str, str] = {
    "报警时间": "received_at", "报警方式": "channel", "警情类别": "category_code",
    "发案地址": "address", "报警人": "caller_name", "联系电话": "caller_phone", "经度": "lon",
    "纬度": "lat", "网格": "grid_code", "简要案情": "content", "等级": "priority",
    "需增援": "needs_reinforcement", "处置情况": "handling_summary", "处置结果": "result",
}
HISTORY_COLUMNS: dict[str, str] = {
    "派警时间": "dispatched", "签收时间": "signed", "出警时间": "set_off", "到场时间": "arrived",
    "处置完毕时间": "handled", "反馈时间": "fed_back", "归档时间": "closed",
}
REFINING = ("警情类型", "警情细类")  # finer levels of the category, when a ledger splits them
NUMBER = "警情编号"  # kept as the incident's number when given (a station moving its incidents)
# The console's own incident ledger (services/ledgers/incidents.py) names these columns so; a
# station moving to another database imports that export as it is.
ALIASES = {"接警时间": "报警时间", "发生地址": "发案地址", "简要警情": "简要案情", "优先级": "等级"}
# Rows an exported ledger puts above its header (title, period line) that a reader skips.
_MAX_TITLE_ROWS = 4
# An export's totals row ("合计 7 条") or empty-period line ends its data.
_TOTALS = re.compile(r"^(合计 \d+ 条|Total \d+ rows|无记录（合计 0 条）|No records \(total 0 rows\))$")
REQUIRED = ("报警时间", "报警方式", "警情类别", "发案地址")
# Draft field -> the column a user knows it by (error messages name the column).
FIELD_COLUMN = {v: k for k, v in COLUMNS.items()} | {f"{v}_at": k for k, v in HISTORY_COLUMNS.items()}
FIELD_COLUMN["grid_id"] = "网格"
FIELD_COLUMN["number"] = NUMBER

_PRIORITY_WORDS = {"一级": 1, "二级": 2, "三级": 3, "紧急": 1, "一般": 2, "普通": 3}
_YES = {"是", "y", "yes", "true", "1", "需要"}
_NO = {"否", "n", "no", "false", "0", "不需要", ""}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                 "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y%m%d%H%M%S",
                 # As clerks write them in a 登记表: 2026.11.01 09:00, 2026年11月1日9时30分.
                 "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
                 "%Y年%m月%d日%H时%M分%S秒", "%Y年%m月%d日%H时%M分")


def parse_time(value: Any, field: str) -> datetime | None:
    """A cell as an aware time; without a zone it is China time, as ledgers are written."""
    if value is None or value == "":
        return None
    dt: datetime | None = None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(0))
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            compact = re.sub(r"(?<=[日时分])\s+", "", text)  # 2026年11月1日 9时30分 as 9时30分
            for fmt in _TIME_FORMATS:
                try:
                    dt = datetime.strptime(compact if "日%H" in fmt else text, fmt)
                    break
                except ValueError:
                    continue
        if dt is None:
            raise ValidationError(f"'{text}' is not a time (e.g. 2026-11-20 09:05:00)", field=field)
    assert dt is not None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=CHINA_TZ)


def _number(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"'{value}' is not a number", field=field) from None


def _priority(value: Any) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if text in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[text]
    try:
        number = float(text)
    except ValueError:
        number = 0
    if number in (1, 2, 3):
        return int(number)
    raise ValidationError(f"'{text}' is not a priority (1, 2, 3 or 一级/二级/三级)", field="等级")


def _flag(value: Any, field: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return None if text == "" else False
    raise ValidationError(f"'{value}' is not 是 or 否", field=field)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into a spreadsheet becomes a float
    return str(value).strip()


def record_from_cells(row: int, cells: Mapping[str, Any]) -> ImportRecord:
    """One ledger row (column name -> cell) as an import record; problems name row and column."""
    try:
        # A ledger that splits the levels (the console's own export does) gives the path, so a
        # name two parents share (其他) is told apart by the levels above it.
        levels = [_text(cells.get(c)) for c in ("警情类别", *REFINING)]
        category = "/".join(part for part in levels if part)
        received = parse_time(cells.get("报警时间"), "报警时间")
        if received is None:
            raise ValidationError("is required", field="报警时间")
        phone = _text(cells.get("联系电话"))
        if "*" in phone:
            raise ValidationError(f"'{phone}' is masked: export the ledger with --unmask (station "
                                  "chief or admin) to carry the callers' numbers", field="联系电话")
        draft = IncidentDraft(
            channel=_text(cells.get("报警方式")), category_code=category,
            address=_text(cells.get("发案地址")), caller_name=_text(cells.get("报警人")),
            caller_phone=phone, content=_text(cells.get("简要案情")),
            priority=_priority(cells.get("等级")), lon=_number(cells.get("经度"), "经度"),
            lat=_number(cells.get("纬度"), "纬度"), received_at=received,
            needs_reinforcement=_flag(cells.get("需增援"), "需增援"),
        )
        history = {}
        for column, step in HISTORY_COLUMNS.items():
            at = parse_time(cells.get(column), column)
            if at is not None:
                history[step] = at
        return ImportRecord(row, draft, history, _text(cells.get("处置情况")),
                            _text(cells.get("处置结果")), _text(cells.get("网格")),
                            _text(cells.get(NUMBER)))
    except ValidationError as exc:
        raise ValidationError(exc.bare_message, field=exc.field, row=row) from None


def _canonical(header: list[str]) -> list[str]:
    """The header with the export's names read as the import's (接警时间 is 报警时间)."""
    names = [ALIASES.get(h, h) for h in header]
    for h, name in zip(header, names, strict=True):
        if h != name and header.count(name):
            raise ValidationError(f"columns '{h}' and '{name}' are the same column; keep one",
                                  field="header", row=1)
    return names


def _is_header(header: list[str]) -> bool:
    return all(c in header for c in REQUIRED)


def _check_header(header: list[str], row: int = 1) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            f"the header lacks {', '.join(missing)} (columns: {', '.join(h for h in header if h) or 'none'})",
            field="header", row=row,
        )
    seen = set()
    for h in header:
        if h and h in seen:
            raise ValidationError(f"column '{h}' appears twice", field="header", row=row)
        seen.add(h)


def csv_rows(path: Path) -> Iterator[list[Any]]:
    """The rows of a CSV file as Excel on a Chinese or any other system saves it."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("is neither UTF-8 nor GB18030 text", field="file")
    yield from csv.reader(io.StringIO(text))


def _rows_xlsx(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(f"cannot be read as an XLSX workbook: {exc}", field="file") from None
    try:
        for values in wb.worksheets[0].iter_rows(values_only=True):
            yield list(values)
    finally:
        wb.close()


def read_ledger_file(path: str | Path) -> tuple[list[ImportRecord], list[str]]:
    """All rows of a CSV or XLSX ledger and the ignored column names. Every bad row is listed
    (row numbers as the spreadsheet shows them, the header being row 1); nothing is partial."""
    records, ignored, _names, problems = _read(path)
    if problems:
        raise problems[0] if len(problems) == 1 else ValidationErrors(problems)
    return records, ignored


def _read(path: str | Path
          ) -> tuple[list[ImportRecord], list[str], dict[str, str], list[ValidationError]]:
    """read_ledger_file, plus the file's own name of each column read (接警时间 for 报警时间), and
    the rows that could not be read (listed, so the import names them with the rest)."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError(f"{p} does not exist", field="file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows = csv_rows(p)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_xlsx(p)
    else:
        raise ValidationError(f"'{p.suffix}' files are not supported (CSV or XLSX)", field="file")
    header: list[str] | None = None
    first: list[str] | None = None
    best: tuple[int, int, list[str]] = (-1, 1, [])  # the likeliest header: required columns, row
    above: list[str] = []  # the row before, the top of a two-row header
    sub_checked = False
    shown: list[str] = []  # the header as the file names it
    names: dict[str, str] = {}
    records: list[ImportRecord] = []
    problems: list[ValidationError] = []
    for number, values in enumerate(rows, start=1):
        if header is None:
            texts = [_text(v) for v in values]
            first = texts if first is None else first
            canonical = _canonical(texts)
            both = _canonical(stacked(above, texts)) if above else []
            # A template's header may be two rows: 处警情况 merged over 出警时间 and 到场时间, the
            # columns beside it merged down both rows (their names in the top row only).
            if not _is_header(canonical) and both and _is_header(both) and \
                    is_sub_header(_canonical(above), canonical, _known):
                texts, canonical, sub_checked = stacked(above, texts), both, True
            if _is_header(canonical):
                header, shown = canonical, texts
                _check_header(header)
                names = {name: h for h, name in zip(texts, canonical, strict=False) if h != name}
            else:
                found = sum(c in canonical for c in REQUIRED)
                best = max(best, (found, -number, canonical))
                if number > _MAX_TITLE_ROWS:  # no header: names what the likeliest one lacks
                    _check_header(best[2], row=-best[1])
            above = texts
            continue
        if not sub_checked:
            sub_checked = True
            texts = [_text(v) for v in values]
            if is_sub_header(header, _canonical(texts), _known):
                shown = stacked(shown, texts)
                header = _canonical(shown)
                _check_header(header)
                names = {name: h for h, name in zip(shown, header, strict=True) if h != name}
                continue
        if values and _TOTALS.match(_text(values[0])):
            break  # an exported ledger's totals row; what follows is its footer
        if all(_text(v) == "" for v in values):
            continue  # blank lines at the end of a sheet
        cells = dict(zip(header, values, strict=False))
        try:
            records.append(record_from_cells(number, cells))
        except ValidationError as exc:
            problems.append(_as_named(exc, names))
    if header is None:
        if first is None:
            raise ValidationError("the file is empty", field="file")
        _check_header(best[2], row=-best[1])  # no row held the header: names what it lacks
    assert header is not None
    ignored = [h for h, name in zip(shown, header, strict=True) if name and not _known(name)]
    return records, ignored, names, problems


def _known(name: str) -> bool:
    """A column the import reads (by the import's name)."""
    return name in COLUMNS or name in HISTORY_COLUMNS or name in REFINING or name == NUMBER


def _as_named(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A problem naming the column as the file does (an exported ledger's 接警时间)."""
    if exc.field not in names:
        return exc
    return ValidationError(exc.bare_message, field=names[exc.field], row=exc.row)


# JSON for `incident add`: English draft field names, or the ledger's Chinese column names.
_DRAFT_FIELDS = {f for f in IncidentDraft.__dataclass_fields__} | {"link_to"}
_STAND_IN = datetime(2000, 1, 1, tzinfo=CHINA_TZ)  # 报警时间 of a call taken in now (draft_from_json)


def intake_from_json(ctx: ServiceContext, text: str) -> tuple[IncidentView, bool]:
    """`incident add`: one incident from a JSON object, taken in (or linked to an open one).
    A problem names the key as the JSON has it: 报警方式 when the clerk typed Chinese keys."""
    draft, link_to = read_json_incident(text)
    try:
        return intake_incident(ctx, draft, link_to=link_to), link_to is not None
    except ValidationError as exc:
        raise _as_typed(exc, _json_key_names(text)) from None


def read_json_incident(text: str) -> tuple[IncidentDraft, int | None]:
    """draft_from_json, its problems naming the keys as typed (checked before any sign-in)."""
    try:
        return draft_from_json(text)
    except ValidationError as exc:
        raise _as_typed(exc, _json_key_names(text)) from None


def _as_typed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not names:
        return exc
    column = FIELD_COLUMN.get(exc.field or "", exc.field)
    # One object on stdin has no rows: the row a ledger reading gives it is dropped.
    return ValidationError(exc.bare_message, field=names.get(column or "", column))


def _json_key_names(text: str) -> dict[str, str]:
    """Ledger column -> the Chinese key the JSON gives it; empty for English keys (or bad JSON)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict) or not any(ALIASES.get(k, k) in COLUMNS for k in data):
        return {}
    return {ALIASES.get(k, k): k for k in data if isinstance(k, str)}


def draft_from_json(text: str) -> tuple[IncidentDraft, int | None]:
    """One incident from a JSON object; unknown keys and bad values name the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"is not valid JSON: {exc}", field="stdin") from None
    if not isinstance(data, dict):
        raise ValidationError("must be one JSON object", field="stdin")
    if any(ALIASES.get(k, k) in COLUMNS for k in data):
        # The export's names (接警时间 ...) are the ledger's too; errors name them as typed.
        data = {ALIASES.get(k, k): v for k, v in data.items()}
        unknown = [k for k in data if k not in COLUMNS and k not in HISTORY_COLUMNS and k not in REFINING]
        english = [k for k in unknown if k in _DRAFT_FIELDS]
        if english:
            raise ValidationError(f"the keys {', '.join(english)} are English and the others the "
                                  "ledger's Chinese column names: give them one way, not both",
                                  field=english[0])
        if unknown:
            raise ValidationError(f"unknown column(s): {', '.join(unknown)}", field=unknown[0])
        now = not _text(data.get("报警时间"))
        # One call taken in as it comes has no 报警时间 (a ledger row always has): received now,
        # as with received_at left out. The stand-in time only gets the row through the check.
        rec = record_from_cells(1, {**data, "报警时间": _STAND_IN} if now else data)
        return (dataclasses.replace(rec.draft, received_at=None) if now else rec.draft), None
    unknown = [k for k in data if k not in _DRAFT_FIELDS]
    if unknown:
        raise ValidationError(f"unknown key (known: {', '.join(sorted(_DRAFT_FIELDS))})",
                              field=unknown[0])
    values = dict(data)
    link_to = values.pop("link_to", None)
    if link_to is not None and (isinstance(link_to, bool) or not isinstance(link_to, int)):
        raise ValidationError("must be an incident id (a number)", field="link_to")
    for key in ("channel", "category_code", "address"):
        if not isinstance(values.get(key), str):
            raise ValidationError("is required (a string)", field=key)
    for key in ("caller_name", "caller_phone", "content"):
        if key in values and not isinstance(values[key], str | int):
            raise ValidationError("must be a string", field=key)
        if key in values:
            values[key] = str(values[key])
    if "received_at" in values:
        values["received_at"] = parse_time(values["received_at"], "received_at")
    for key in ("lon", "lat"):
        if key in values:
            values[key] = _number(values[key], key)
    if "priority" in values and values["priority"] is not None:
        values["priority"] = _priority(values["priority"])
    if "needs_reinforcement" in values:
        values["needs_reinforcement"] = _flag(values["needs_reinforcement"], "needs_reinforcement")
    if "grid_id" in values and values["grid_id"] is not None and (
        isinstance(values["grid_id"], bool) or not isinstance(values["grid_id"], int)
    ):
        raise ValidationError("must be a grid id (a number)", field="grid_id")
    return IncidentDraft(**values), link_to


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    column = FIELD_COLUMN.get(exc.field or "", exc.field)
    return _as_named(ValidationError(exc.bare_message, field=column, row=exc.row), names)


def import_ledger_file(ctx: ServiceContext, path: str | Path) -> tuple[ImportResult, list[str]]:
    """Import a ledger file atomically; errors name the row and the column as the file has it."""
    records, ignored, names, unread = _read(path)
    try:
        # The rows read are checked too, so every problem of the file is named in one go.
        return import_incidents(ctx, records, unread=unread), ignored
    except ValidationErrors as exc:
        raise ValidationErrors([_renamed(p, names) for p in exc.problems]) from None
    except ValidationError as exc:
        raise _renamed(exc, names) from None
