"""Streams ledger sheets into an openpyxl write-only workbook: styled, printable, flat in memory.

openpyxl lays out the workbook (styles, column widths, frozen panes, auto-filter, print set-up,
defined names, the zip). Its per-cell path builds a Python cell object and an lxml element for
every value, which makes it slower than xlsxwriter; the data rows, where all the time goes, are
therefore serialised here as raw SpreadsheetML into the same write-only stream (flushed lxml
writer, then bytes), a chunk at a time, so memory stays flat however many rows there are.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from ...domain.errors import KnownError, file_error_reason
from .columns import Column, Kind, Sheet, display_width, header_width
from .masking import mask_id_number, mask_in_text, mask_phone

# Excel's hard limits: a sheet past them, or a longer cell, makes Excel "repair" the file.
MAX_SHEET_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767
CHUNK_ROWS = 500  # rows per write: a few hundred KB of XML, so memory stays flat
HEADER_ROW = 3  # rows 1-2 carry the title and the period; data start on row 4
NO_ROWS = "无记录（合计 0 条）"
NO_ROWS_EN = "No records (total 0 rows)"
# Print scale. At 100 % a landscape A4 page holds about 143 width units of columns and an A3
# page about 206 (measured: the 607-unit incident ledger fitted to one A3 page prints at 34 %).
# Below about 55 % a 10 pt ledger is no longer readable on paper, so a sheet wider than what
# one A3 page holds at that scale is spread over two or more pages wide, column A repeated.
A4_UNITS, A3_UNITS, MIN_PRINT_SCALE = 143.0, 206.0, 0.55
LINE_PT, MAX_LINES = 13.5, 8  # a wrapped row shows up to 8 lines; the cell holds the rest
FONT = "等线"  # Excel's default CJK font; LibreOffice substitutes Noto Sans CJK

Progress = Callable[[int, int | None], None]

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FORMATS = {
    Kind.DATETIME: "yyyy-mm-dd hh:mm:ss",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DURATION: "[h]:mm:ss",
    Kind.INT: "0",
    Kind.FLOAT: "0.00",
    Kind.COORD: "0.000000",
    Kind.PERCENT: "0.0%",
}
# Characters XML 1.0 forbids (a stray control character in free text would corrupt the file).
_ESCAPE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;",
     **{chr(c): None for c in range(32) if c not in (9, 10, 13)}, "\ufffe": None, "\uffff": None}
)
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_UNIX_EPOCH_SERIAL = 25569  # 1970-01-01 as an Excel serial day
_CHINA_OFFSET_S = 8 * 3600  # China Standard Time has no daylight saving: a fixed offset is exact


class ExportCancelled(KnownError):
    """The user cancelled the export; no file was left behind."""


class FileBusy(KnownError):
    """The ledger file cannot be written (open in Excel, read-only folder, disk full)."""


class TooManyRows(KnownError):
    """More rows than one Excel sheet holds; nothing was written."""

    def __init__(self, rows: int, limit: int):
        super().__init__(f"{rows:,} rows do not fit in one Excel sheet (at most {limit:,}); "
                         "export a shorter period or one district at a time")


def _esc(text: str) -> str:
    return text.translate(_ESCAPE)


def _text_cell(ref: str, s: int, text: str) -> str:
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}" s="{s}" t="inlineStr"><is><t{space}>{_esc(text)}</t></is></c>'


def _serial(value: Any) -> float | None:
    """Excel serial day of an aware datetime (as China time) or a date."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a ledger row")
        # One division of the exact second count gives the double nearest the true serial, so
        # readers that truncate (LibreOffice's seconds) show the same second as the database.
        return (value.timestamp() + _CHINA_OFFSET_S + _UNIX_EPOCH_SERIAL * 86400) / 86400
    if isinstance(value, date):
        return float(value.toordinal() - _EXCEL_EPOCH_ORDINAL)
    return None


def _cell_writer(col: Column, letter: str, s: int, mask: bool) -> Callable[[Any, str], str]:
    """A function turning one value into its cell XML for a given row number."""
    empty = f'" s="{s}"/>'
    pre = f'<c r="{letter}'
    kind = col.kind
    if kind in (Kind.TEXT, Kind.PHONE, Kind.ID_NUMBER):
        masker: Callable[[str], str] | None = None
        if mask:
            if kind is Kind.PHONE:
                masker = mask_phone
            elif kind is Kind.ID_NUMBER:
                masker = mask_id_number
            elif col.free_text:
                masker = mask_in_text
        mid = f'" s="{s}" t="inlineStr"><is><t>'

        def text(v: Any, r: str) -> str:
            if v is None or v == "":
                return pre + r + empty
            t = v if isinstance(v, str) else str(v)
            if masker is not None:
                t = masker(t)
            if len(t) > MAX_CELL_CHARS:
                t = t[: MAX_CELL_CHARS - 20] + "…（超长已截断）"
            if t[:1].isspace() or t[-1:].isspace():
                return _text_cell(letter + r, s, t)
            return f"{pre}{r}{mid}{t.translate(_ESCAPE)}</t></is></c>"

        return text
    mid = f'" s="{s}"><v>'
    if kind in (Kind.DATETIME, Kind.DATE):

        def when(v: Any, r: str) -> str:
            if v is None:
                return pre + r + empty
            return f"{pre}{r}{mid}{_serial(v)!r}</v></c>"

        return when
    if kind is Kind.DURATION:

        def duration(v: Any, r: str) -> str:
            if v is None:
                return pre + r + empty
            return f"{pre}{r}{mid}{float(v) / 86400!r}</v></c>"

        return duration

    def number(v: Any, r: str) -> str:
        if v is None or v == "":
            return pre + r + empty
        if isinstance(v, bool):
            v = int(v)
        elif isinstance(v, float) and not math.isfinite(v):
            return pre + r + empty  # NaN / infinity have no Excel form
        return f"{pre}{r}{mid}{v}</v></c>"

    return number


def print_fit(total_width: float) -> tuple[str, int]:
    """Paper ("9" A4, "8" A3) and pages wide for columns of this total width (landscape)."""
    if total_width <= A4_UNITS / MIN_PRINT_SCALE * 0.9:  # up to ~234 units: A4 at 60 % or more
        return "9", 1
    return "8", max(1, math.ceil(total_width / (A3_UNITS / MIN_PRINT_SCALE)))


def _lines(value: Any, room: float) -> int:
    """Lines a wrapped text takes in a column `room` width units wide (at most MAX_LINES)."""
    if not isinstance(value, str) or (len(value) * 2 <= room and "\n" not in value):
        return 1
    total = 0
    for part in value.split("\n"):
        total += max(1, math.ceil(display_width(part) / room))
        if total >= MAX_LINES:
            return MAX_LINES
    return total


class _RawWriter(WorksheetWriter):
    """openpyxl's sheet writer, writing straight into the sheet's member of the zip file.

    openpyxl's own write-only sheets go to a temporary file that is copied into the zip at the
    end: two gigabytes of XML on disk for a million rows. Here the XML is compressed as it is
    written, so nothing but the .xlsx itself touches the disk.
    """

    def get_stream(self):  # type: ignore[no-untyped-def]
        self.fh = self.out  # a writable zip member (zipfile.ZipFile.open(name, "w"))
        with xmlfile(self.fh) as xf, xf.element("worksheet", xmlns=SHEET_MAIN_NS):
            try:
                while True:
                    el = yield
                    if el is True:
                        yield xf
                    elif el is not None:
                        xf.write(el)
            except GeneratorExit:
                pass

    def close(self) -> None:
        super().close()
        if not self.fh.closed:
            self.fh.close()

    def cleanup(self) -> None:
        """Nothing on disk to remove."""


class _StreamedExcelWriter(ExcelWriter):
    """openpyxl's package writer for sheets already streamed into the archive."""

    def write_worksheet(self, ws):  # type: ignore[no-untyped-def]
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if not ws.closed:
            ws.close()
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


class _LedgerSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows all pass through `stream` instead of `append`."""

    _member: Any = None  # the zip member the sheet streams into

    def _get_writer(self) -> None:
        if self._writer is None:  # type: ignore[has-type]
            writer = _RawWriter(self, out=self._member)
            writer.write_top()
            self._writer = writer

    def close(self) -> None:
        # Rows were written by stream(); only the tail (filter, print set-up) remains.
        self._writer.write_tail()
        self._writer.close()
        self._WriteOnlyWorksheet__saved = True


class LedgerWorkbook:
    """One .xlsx file being written: add sheets in order, then save (atomically)."""

    def __init__(self, path: Path, *, mask: bool = True, english: bool = False):
        self.path = Path(path)
        self.mask = mask
        # An English export's own words (totals, no records, page numbers); the columns and the
        # data stay as they are.
        self.english = english
        self.wb = Workbook(write_only=True)
        self.rows_written = 0
        self._styles: dict[tuple[str, bool, str, bool], int] = {}  # kind, wrap, fill, centred
        self._part = self.path.with_name(self.path.name + ".part")
        self._zip: ZipFile | None = None

    def _archive(self) -> ZipFile:
        """The .part file being written, opened with the first sheet (so a refused export
        leaves nothing behind)."""
        if self._zip is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._zip = ZipFile(self._part, "w", ZIP_DEFLATED, allowZip64=True)
            except OSError as exc:
                raise FileBusy(f"cannot write {self.path}: {file_error_reason(exc)}") from exc
        return self._zip

    # styles ---------------------------------------------------------------------------------
    def _style(self, ws: WriteOnlyWorksheet, key: str, wrap: bool = False, col: Column | None = None
               ) -> int:
        """The style id of a kind of cell; col: a data or header cell of a column that has its
        own background or centring."""
        fill, center = (col.fill, col.center) if col is not None else ("", False)
        cached = self._styles.get((key, wrap, fill, center))
        if cached is not None:
            return cached
        cell = WriteOnlyCell(ws)
        if key == "title":
            cell.font = Font(name=FONT, size=16, bold=True)
        elif key == "subtitle":
            cell.font = Font(name=FONT, size=10, color="555555")
        elif key == "header":
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE5F0")
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            total = key.startswith("total:")
            kind = Kind(key.split(":", 1)[1]) if total else Kind(key)
            cell.font = Font(name=FONT, size=10, bold=total)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
            if total:
                cell.fill = PatternFill("solid", fgColor="F2F2F2")
            if kind in _FORMATS:
                cell.number_format = _FORMATS[kind]
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if center:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sid: int = cell.style_id
        self._styles[(key, wrap, fill, center)] = sid
        return sid

    # sheets ---------------------------------------------------------------------------------
    def write_sheet(
        self,
        sheet: Sheet,
        subtitle: str,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write one sheet: title, period line, header, the streamed rows and a totals row."""
        limit = MAX_SHEET_ROWS - HEADER_ROW - 1  # the header rows and the totals row
        if sheet.total_rows is not None and sheet.total_rows > limit:
            raise TooManyRows(sheet.total_rows, limit)
        ws = _LedgerSheet(parent=self.wb, title=sheet.name[:31])
        self.wb._add_sheet(ws)
        ws._id = len(self.wb.worksheets)  # the number openpyxl gives it when saving
        # ZIP64 only where a sheet may pass 2 GB of XML (~2 KB a row): small files keep the
        # plain zip layout every spreadsheet program reads.
        big = sheet.total_rows is not None and sheet.total_rows > 300_000
        ws._member = self._archive().open(ws.path[1:], "w", force_zip64=big)
        cols = list(sheet.columns)
        letters = [get_column_letter(i) for i in range(1, len(cols) + 1)]
        last_letter = letters[-1]
        # Everything openpyxl writes before the rows must be set before the first row.
        for letter, col in zip(letters, cols, strict=True):
            width = max(col.width, header_width(col.header) + 2, 6)
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{HEADER_ROW + 1}"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        widths = [float(ws.column_dimensions[letter].width) for letter in letters]
        paper, pages_wide = print_fit(sum(widths))
        ws.page_setup.paperSize = paper
        ws.page_setup.fitToWidth = pages_wide
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        if pages_wide > 1:
            ws.print_title_cols = "A:A"  # each page of a wide ledger names its rows
            ws.page_setup.pageOrder = "overThenDown"  # a row's two halves on facing pages
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "Page &P of &N" if self.english else "第 &P 页，共 &N 页"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws._get_writer()

        st_title, st_sub = (self._style(ws, k) for k in ("title", "subtitle"))
        st_heads = [self._style(ws, "header", col=c) for c in cols]
        writers = [
            _cell_writer(c, letter, self._style(ws, c.kind.value, c.wrap, c), self.mask)
            for c, letter in zip(cols, letters, strict=True)
        ]
        total_label = sheet.total_label
        total_writers = [
            _cell_writer(c, letter, self._style(ws, f"total:{c.kind.value}", col=c), self.mask)
            for c, letter in zip(cols, letters, strict=True)
        ] if total_label else writers
        sums: list[float] = [0.0] * len(cols)
        counts: list[int] = [0] * len(cols)
        summed = [i for i, c in enumerate(cols) if c.total]
        # Wrapped columns: the row is made tall enough to show their text (LibreOffice and Excel
        # show one line of a row that carries no height, whatever the wrap setting).
        wrapped = [(i, max(widths[i] - 1.0, 1.0)) for i, c in enumerate(cols) if c.wrap]

        # Two lines of header fit the usual 30 points; a header written on more lines gets them.
        head_height = max(30.0, max(c.header.count("\n") + 1 for c in cols) * LINE_PT + 3)
        writer = ws._writer
        assert isinstance(writer, _RawWriter)
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            head = [
                f'<row r="1" ht="26" customHeight="1">{_text_cell("A1", st_title, sheet.title)}</row>',
                f'<row r="2">{_text_cell("A2", st_sub, sheet.subtitle or subtitle)}</row>',
                f'<row r="{HEADER_ROW}" ht="{head_height}" customHeight="1">'
                + "".join(_text_cell(f"{letter}{HEADER_ROW}", st, c.header)
                          for c, letter, st in zip(cols, letters, st_heads, strict=True))
                + "</row>",
            ]
            xf.flush()
            writer.fh.write("".join(head).encode())
            r = HEADER_ROW
            last_data = HEADER_ROW  # the last row that is not one of the sheet's own totals
            buf: list[str] = []
            for row in sheet.rows:
                r += 1
                if r - HEADER_ROW > limit:  # rows arrived after the count (or none was given)
                    raise TooManyRows(r - HEADER_ROW, limit)
                rs = str(r)
                is_total = bool(total_label) and row[0] == total_label
                if not is_total:
                    last_data = r
                elif self.english:
                    row = ("Total", *row[1:])  # a summary sheet's own 合计 row
                ws_ = total_writers if is_total else writers
                cells = "".join([w(v, rs) for w, v in zip(ws_, row, strict=True)])
                lines = max([_lines(row[i], room) for i, room in wrapped], default=1)
                if lines > 1:
                    buf.append(f'<row r="{rs}" ht="{lines * LINE_PT + 2}" customHeight="1">{cells}</row>')
                else:
                    buf.append(f'<row r="{rs}">{cells}</row>')
                for i in summed:
                    v = row[i]
                    if v is not None and v != "":
                        counts[i] += 1
                        if not isinstance(v, str):
                            sums[i] += v
                if len(buf) >= CHUNK_ROWS:
                    writer.fh.write("".join(buf).encode())
                    buf.clear()
                    self._tick(r - HEADER_ROW, sheet.total_rows, progress, cancel)
            writer.fh.write("".join(buf).encode())
            buf.clear()
            n = r - HEADER_ROW
            if sheet.totals and n:
                r += 1
                writer.fh.write(self._totals_row(ws, cols, letters, r, n, sums, counts).encode())
            elif not n:
                # An empty period says so in words: a bare header reads like a failed export.
                r += 1
                writer.fh.write(f'<row r="{r}">{_text_cell(f"A{r}", self._style(ws, "total:text"), NO_ROWS_EN if self.english else NO_ROWS)}'
                                "</row>".encode())
            if n:
                for line in sheet.footer:
                    r += 1
                    writer.fh.write(f'<row r="{r}">{_text_cell(f"A{r}", st_sub, line)}</row>'.encode())
        writer.xf.send(None)
        self._tick(n, sheet.total_rows, progress, cancel)
        last_row = max(r, HEADER_ROW + 1)
        # The filter covers the data, not the totals (the streamed 合计 rows of a summary sheet,
        # the SUBTOTAL row, the no-records line), so filtering or sorting keeps the totals in place
        # and visible (and SUBTOTAL recomputes them over what is shown).
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{last_data}"
        ws.print_area = f"A1:{last_letter}{last_row}"
        ws.close()
        self.rows_written += n
        return n

    def _totals_row(
        self, ws: WriteOnlyWorksheet, cols: list[Column], letters: list[str], r: int, n: int,
        sums: list[float], counts: list[int],
    ) -> str:
        first, last = HEADER_ROW + 1, HEADER_ROW + n
        total = f"Total {n} rows" if self.english else f"合计 {n} 条"
        cells = [_text_cell(f"A{r}", self._style(ws, "total:text"), total)]
        for i, (c, letter) in enumerate(zip(cols, letters, strict=True)):
            if i == 0:
                continue
            ref = f"{letter}{r}"
            rng = f"{letter}{first}:{letter}{last}"
            if c.total == "sum":
                s = self._style(ws, f"total:{c.kind.value}")
                value = sums[i]
                if c.kind is Kind.DURATION:
                    value = value / 86400
                # SUBTOTAL(109) ignores rows hidden by the filter; the cached value is the full sum.
                cells.append(f'<c r="{ref}" s="{s}"><f>SUBTOTAL(109,{rng})</f><v>{value!r}</v></c>')
            elif c.total == "mean" and counts[i]:
                kind = c.kind.value
                s = self._style(ws, f"total:{kind}")
                value = sums[i] / counts[i]
                if c.kind is Kind.DURATION:
                    value = value / 86400
                cells.append(f'<c r="{ref}" s="{s}"><f>SUBTOTAL(101,{rng})</f><v>{value!r}</v></c>')
            elif c.total == "count":
                s = self._style(ws, "total:int")
                cells.append(f'<c r="{ref}" s="{s}"><f>SUBTOTAL(103,{rng})</f><v>{counts[i]}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="{self._style(ws, "total:text")}"/>')
        return f'<row r="{r}">' + "".join(cells) + "</row>"

    @staticmethod
    def _tick(done: int, total: int | None, progress: Progress | None,
              cancel: threading.Event | None) -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled("the export was cancelled; no file was written")
        if progress is not None:
            progress(done, total)

    def save(self) -> Path:
        """Finish the package, then rename it into place: a reader never sees half a file."""
        archive = self._archive()
        try:
            if not self.wb.worksheets:
                self.wb.create_sheet()
            self.wb.properties.modified = datetime.now(UTC).replace(tzinfo=None)
            _StreamedExcelWriter(self.wb, archive).save()  # closes the archive
            self._zip = None
            os.replace(self._part, self.path)
        except PermissionError as exc:
            # On Windows the usual cause: last week's file is still open in Excel.
            raise FileBusy(f"cannot write {self.path}: it is open in another program (Excel?) "
                           f"or the folder is read-only; close it and export again ({file_error_reason(exc)})"
                           ) from exc
        except OSError as exc:
            raise FileBusy(f"cannot write {self.path}: {file_error_reason(exc)}") from exc
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Close and remove the .part file of an export that failed or was cancelled."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is not None:
                try:
                    writer.close()
                except Exception:  # already closed, or the archive is gone
                    pass
        if self._zip is not None:
            try:
                self._zip.close()
            except Exception:  # a member was left half written
                pass
            self._zip = None
        if self._part.exists():
            self._part.unlink()


def write_rows_only(path: Path, sheets: Iterable[tuple[Sheet, str]], *, mask: bool = True) -> Path:
    """Write sheets to a file (used by tests and benchmarks without a database)."""
    book = LedgerWorkbook(path, mask=mask)
    for sheet, subtitle in sheets:
        book.write_sheet(sheet, subtitle)
    return book.save()


__all__: Sequence[str] = ("ExportCancelled", "LedgerWorkbook", "write_rows_only")
