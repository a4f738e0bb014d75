"""The public notice board (公示牌): A4, names and phones, 110, whatever the grid holds."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from PySide6.QtPdf import QPdfDocument

from precinct_console.domain import geo_synthetic as syn
from precinct_console.services.map_data import GridCard, PersonLine
from precinct_console.ui.map.notice_board import render_notice_board

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def _card(people: tuple[PersonLine, ...]) -> GridCard:
    ring = syn._lonlat_ring(0, 0, 400, 300)
    return GridCard(7, "D01-S01-M01", "幸福里微网格", 3, "微网格", "D01-S01", "东关第一网格", 120_000, 0,
                    people, (("K01", "实验小学", "school"),), (("P01", "东关警务站", "010-65120100"),),
                    (), 0, (), "城关派出所", "010-65128110", {"type": "Polygon", "coordinates": [ring]})


def _text(path) -> tuple[QPdfDocument, str]:
    doc = QPdfDocument()
    doc.load(str(path))
    # Noto CJK maps some glyphs to Kangxi radicals in the text layer: compare normalised text.
    return doc, unicodedata.normalize("NFKC", doc.getAllText(0).text())


def test_a_full_board_is_one_a4_page_with_every_name_and_phone(qapp, tmp_path):
    roles = [("community_officer", "社区民警", "王建国", "13900001111")] + [
        ("grid_worker", "网格员", f"网格员{i:02d}", f"1350000{i:04d}") for i in range(20)]
    card = _card(tuple(PersonLine(*r) for r in roles))
    doc, text = _text(render_notice_board(card, tmp_path / "full.pdf", now=NOW))
    assert doc.pageCount() == 1
    size = doc.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)
    assert "王建国" in text and "13900001111" in text
    assert "网格员13" in text and "另有 6 人" in text  # the table holds 14 rows, the rest is counted
    assert "110" in text and "010-65128110" in text and "东关警务站" in text


def test_a_grid_without_people_still_prints_the_emergency_number(qapp, tmp_path):
    doc, text = _text(render_notice_board(_card(()), tmp_path / "empty.pdf", now=NOW))
    assert doc.pageCount() == 1
    assert "责任人待公示" in text and "110" in text and "幸福里微网格" in text
