"""The export and statistics panels name the period in the window's language; the files keep theirs."""

from __future__ import annotations

from datetime import date

import pytest

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.ui.context import AppContext


def _app(ctx, tmp_path) -> AppContext:
    return AppContext(ctx, Settings(export_folder=str(tmp_path / "exports")))


def _ledger_panel(qtbot, ctx, tmp_path):
    from precinct_console.ui.ledgers.panel import LedgerExportPanel

    panel = LedgerExportPanel(_app(ctx, tmp_path))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10_000)
    return panel


def _stats_panel(qtbot, ctx, tmp_path):
    from precinct_console.ui.stats.panel import StatisticsPanel

    panel = StatisticsPanel(_app(ctx, tmp_path))
    qtbot.addWidget(panel)
    return panel


@pytest.mark.parametrize("kind, english", [
    ("week", "week 47 of 2026 (2026-11-16 to 2026-11-22)"),
    ("month", "November 2026"),
    ("day", "2026-11-18"),
])
def test_an_english_window_names_the_period_in_english(qtbot, seeded, make_ctx, tmp_path, kind, english):
    ledgers = _ledger_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    ledgers.period_kind.setCurrentIndex(ledgers.period_kind.findData(kind))
    ledgers.first.setDate(date(2026, 11, 18))
    assert ledgers.period_label.text().startswith(english + "  ·  ")
    assert "年" not in ledgers.period_label.text() and "周" not in ledgers.period_label.text()
    stats = _stats_panel(qtbot, make_ctx(Role.STATION_CHIEF), tmp_path)
    stats.kind.setCurrentIndex(stats.kind.findData(kind))
    stats.day.setDate(date(2026, 11, 18))
    assert stats.period_label.text() == english


def test_a_chinese_window_names_the_period_in_chinese(qtbot, zh_cn, seeded, make_ctx, tmp_path):
    ledgers = _ledger_panel(qtbot, make_ctx(Role.CLERK), tmp_path)
    ledgers.first.setDate(date(2026, 11, 18))
    assert ledgers.period_label.text().startswith("2026年第47周（11月16日至11月22日）")
    stats = _stats_panel(qtbot, make_ctx(Role.STATION_CHIEF), tmp_path)
    stats.day.setDate(date(2026, 11, 18))
    assert stats.period_label.text() == "2026年第47周（11月16日至11月22日）"


def test_the_statistics_summary_and_charts_speak_the_windows_language(qtbot, seeded, make_ctx, tmp_path, clock):
    """Week 47 (7 incidents) against week 46 (1): an English window says 'up 600.0%' and names
    the targets and categories in English; no Chinese word of the bulletin's is left in it."""
    clock.advance(days=3)
    stats = _stats_panel(qtbot, make_ctx(Role.STATION_CHIEF), tmp_path)
    stats.day.setDate(date(2026, 11, 18))
    qtbot.waitUntil(lambda: stats.stats is not None and stats.stats.period.slug == "2026-W47", timeout=10_000)
    text = stats.summary.text()
    assert "up 600.0%" in text and "上升" not in text
    assert "On the way in 1 min 83.3%" in text and "1分钟出警" not in text
    assert "1-3-5 (Tiers of force (1-3-5 minutes)):" in text
    assert stats.charts["compliance"].legend.names()[0] == "On the way in 1 min"


def test_the_chinese_statistics_summary_keeps_the_bulletins_words(qtbot, zh_cn, seeded, make_ctx, tmp_path, clock):
    clock.advance(days=3)
    stats = _stats_panel(qtbot, make_ctx(Role.STATION_CHIEF), tmp_path)
    stats.day.setDate(date(2026, 11, 18))
    qtbot.waitUntil(lambda: stats.stats is not None and stats.stats.period.slug == "2026-W47", timeout=10_000)
    text = stats.summary.text()
    assert "上升600.0%" in text and "1分钟出警 83.3%" in text
    assert stats.charts["compliance"].legend.names()[0] == "1分钟出警"
