"""Sheet layout: the filter stops above the totals, an empty period says so, wide ledgers print
at a readable scale and rows with wrapped text are tall enough to show it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

from precinct_console.domain.permissions import Role
from precinct_console.services.exports import export_ledger
from precinct_console.services.ledgers import LEDGERS
from precinct_console.services.ledgers.columns import Column, Kind, Sheet
from precinct_console.services.ledgers.writer import NO_ROWS, print_fit, write_rows_only

from .test_ledgers import WEEK

EMPTY_DAY = (date(2030, 1, 1), date(2030, 1, 1))


def test_the_filter_of_a_summary_sheet_stops_above_its_totals_row(seeded, make_ctx, tmp_path):
    out = tmp_path / "response.xlsx"
    export_ledger(make_ctx(Role.CLERK), "response", *WEEK, out)
    book = openpyxl.load_workbook(out)
    for ws in book.worksheets:
        last = ws.max_row
        assert str(ws.cell(last, 1).value).startswith("合计"), ws.title
        first, end = ws.auto_filter.ref.split(":")
        assert first == "A3" and int(end.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == last - 1, ws.title


@pytest.mark.parametrize("ledger", list(LEDGERS))
def test_an_empty_period_says_no_records(seeded, make_ctx, tmp_path, ledger):
    out = tmp_path / f"{ledger}.xlsx"
    export_ledger(make_ctx(Role.CLERK), ledger, *EMPTY_DAY, out)
    for ws in openpyxl.load_workbook(out).worksheets:
        assert ws.max_row == 4, ws.title
        assert ws.cell(4, 1).value in (NO_ROWS, "合计"), ws.title  # summary sheets keep their 0 totals
        assert ws.auto_filter.ref.endswith("3"), ws.title  # the header only
    assert openpyxl.load_workbook(out).worksheets[0].cell(4, 1).value == NO_ROWS


def test_an_empty_ledger_opens_in_libreoffice(seeded, make_ctx, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "incidents.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", *EMPTY_DAY, out)
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"), str(out)],
        capture_output=True, text=True, timeout=120,
    )
    text = (tmp_path / "csv" / "incidents.csv").read_text(encoding="utf-8")
    assert proc.returncode == 0 and NO_ROWS in text


def test_wide_ledgers_print_over_two_pages_wide_rather_than_shrink_to_a_third(seeded, make_ctx, tmp_path):
    assert print_fit(188) == ("9", 1)  # duty: one A4 page wide
    assert print_fit(368) == ("8", 1)  # disputes: one A3 page wide, about 56 %
    assert print_fit(607) == ("8", 2)  # incidents: two A3 pages wide, about 68 %, not 34 %
    out = tmp_path / "incidents.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, out)
    ws = openpyxl.load_workbook(out).active
    assert ws.page_setup.paperSize == 8 and ws.page_setup.fitToWidth == 2
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$A" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.pageOrder == "overThenDown"


def test_rows_with_long_wrapped_text_are_made_tall_enough(tmp_path):
    cols = [Column("编号", width=10), Column("简要警情", width=21, wrap=True), Column("数", Kind.INT, 6)]
    rows = [("A1", "短", 1), ("A2", "长" * 30, 2), ("A3", "一\n二\n三", 3), ("A4", "很长" * 500, 4)]
    out = write_rows_only(tmp_path / "w.xlsx", [(Sheet("s", "t", cols, iter(rows)), "p")])
    ws = openpyxl.load_workbook(out).active
    heights = [ws.row_dimensions[r].height for r in range(4, 8)]
    assert heights[0] is None  # one line: the default height
    assert heights[1] is not None and heights[1] >= 3 * 13  # 60 width units in 20: three lines
    assert heights[2] is not None and heights[2] >= 3 * 13  # three written lines
    assert heights[3] is not None and heights[3] <= 8 * 14  # capped: the cell holds the rest
