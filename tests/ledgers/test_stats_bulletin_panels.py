"""Statistics and bulletin panels: figures drawn from the real services, charts saved as PNG,
the bulletin shown in QtWebEngine and saved as PDF."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtGui import QImage

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.ui.context import AppContext


def app_for(ctx, tmp_path) -> AppContext:
    app = AppContext(ctx, Settings(export_folder=str(tmp_path / "exports")))
    app.notes = []  # type: ignore[attr-defined]
    app.notified.connect(lambda text, level: app.notes.append((level, text)))  # type: ignore[attr-defined]
    return app


def test_statistics_panel_draws_the_week_and_saves_every_chart(qtbot, seeded, make_ctx, tmp_path, clock):
    from precinct_console.ui.stats.panel import StatisticsPanel

    clock.advance(days=3)  # Monday after week 47: 环比 against the whole week before
    panel = StatisticsPanel(app_for(make_ctx(Role.STATION_CHIEF), tmp_path))
    qtbot.addWidget(panel)
    panel.day.setDate(date(2026, 11, 18))
    qtbot.waitUntil(lambda: panel.stats is not None and panel.stats.period.slug == "2026-W47", timeout=10_000)
    assert "<b>7</b> incidents" in panel.summary.text() and "On the way in 1 min 83.3%" in panel.summary.text()
    assert "up 600.0%" in panel.summary.text()
    assert "timed duties" not in panel.summary.text()  # none was judged in the week
    # The intake flags and the period's own groups are said apart (they count different things).
    flags = dict(panel.stats.repeat_flags)
    assert panel.repeat_note.text() == (f"Flagged at intake: Repeat caller {flags['caller']} · "
                                        f"Repeat place {flags['place']} · Repeat matter {flags['matter']}")
    assert "more than one call in the period" in panel.repeat_note.toolTip()
    assert panel.repeats.horizontalHeaderItem(3).text() == "Incident numbers"
    panel.resize(1400, 900)
    saved = panel.save_all(tmp_path / "charts")
    assert [p.name for p in saved] == [f"{k}_2026-W47.png" for k in
                                      ("by_day", "by_hour", "by_category", "compliance", "units", "officers")]
    image = QImage(str(saved[0]))
    assert not image.isNull() and image.width() > 200
    panel.kind.setCurrentIndex(panel.kind.findData("month"))
    qtbot.waitUntil(lambda: panel.stats.period.slug == "2026-11", timeout=10_000)
    assert len(panel.stats.by_day) == 30


def test_statistics_panel_gives_the_periods_duty_keeping_rate(qtbot, seeded, make_ctx, tmp_path,
                                                                 clock, db, station):
    """Three stretches of timed duties judged in week 47, two of them kept: the summary says
    66.7% of 3."""
    from datetime import timedelta

    from precinct_console.storage.models import DutyCheck, Unit
    from precinct_console.ui.stats.panel import StatisticsPanel

    from .conftest import cst

    with db.sessions() as s:
        unit = Unit(station_id=station.id, call_sign="巡03", home_lon=116.4, home_lat=39.9)
        s.add(unit)
        s.flush()
        for day, verdict in ((16, "kept"), (17, "late"), (18, "kept")):
            at = cst(2026, 11, day, 7, 30)
            s.add(DutyCheck(station_id=station.id, unit_id=unit.id, due_at=at,
                            ends_at=at + timedelta(minutes=30), subject="07:30-08:00 实验小学",
                            verdict=verdict, checked_at=at, distance_m=40.0,
                            there=verdict == "kept", seen_at=at))
        s.commit()
    clock.advance(days=3)
    panel = StatisticsPanel(app_for(make_ctx(Role.STATION_CHIEF), tmp_path))
    qtbot.addWidget(panel)
    panel.show()  # a hidden panel refreshes when it shows again, not on each change
    panel.day.setDate(date(2026, 11, 18))
    qtbot.waitUntil(lambda: panel.stats is not None and panel.stats.period.slug == "2026-W47", timeout=10_000)
    assert panel.summary.text().endswith(" · timed duties kept on time 66.7% (3 checked, 1 late)")
    # A check written on any seat reaches the open panel: its figures are read again.
    from precinct_console.domain.changes import Change, ChangeItem

    panel.app.changed.emit(Change((ChangeItem("unit", unit.id, "moved"),)))
    assert not panel._throttle.isActive()  # a unit's move alone does not change the figures
    with db.sessions() as s:
        at = cst(2026, 11, 19, 7, 30)
        s.add(DutyCheck(station_id=station.id, unit_id=unit.id, due_at=at,
                        ends_at=at + timedelta(minutes=30), subject="07:30-08:00 实验小学",
                        verdict="kept", checked_at=at, distance_m=40.0, there=True, seen_at=at))
        s.commit()
    panel.app.changed.emit(Change((ChangeItem("unit", unit.id, "updated"),
                                   ChangeItem("duty_check", None, "updated"))))
    qtbot.waitUntil(lambda: panel.summary.text().endswith(" · timed duties kept on time 75.0% (4 checked, 1 late)"),
                    timeout=10_000)


def test_statistics_panel_refreshes_once_a_second_in_a_stream_of_changes_and_not_while_hidden(
        qtbot, seeded, make_ctx, tmp_path, monkeypatch):
    """Changes every second on a busy night: the 3-second debounce restarted on each one and the
    panel showed nothing new until they stopped; a hidden panel counted every burst all the same."""
    from precinct_console.domain.changes import Change, ChangeItem
    from precinct_console.ui.stats import panel as stats_panel

    monkeypatch.setattr(stats_panel, "REFRESH_MS", 200, raising=False)  # the second, shortened
    counted = []
    count = stats_panel.incident_statistics
    monkeypatch.setattr(stats_panel, "incident_statistics",
                        lambda *a, **k: counted.append(1) or count(*a, **k))
    panel = stats_panel.StatisticsPanel(app_for(make_ctx(Role.STATION_CHIEF), tmp_path))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.stats is not None, timeout=10_000)
    panel.app.runner.wait(10_000)
    change = Change((ChangeItem("incident", 1, "updated"),))

    def stream(ms: int) -> None:
        for _ in range(ms // 50):
            panel.app.changed.emit(change)
            qtbot.wait(50)

    counted.clear()
    stream(1500)  # a change every 50 ms: about one count per 200 ms "second", no more
    assert 3 <= len(counted) <= 9, len(counted)
    qtbot.wait(400)
    panel.app.runner.wait(10_000)
    counted.clear()
    panel.hide()  # another panel's tab in front
    stream(600)
    qtbot.wait(400)
    assert counted == []
    panel.show()  # back in front: the changes missed are counted once
    qtbot.waitUntil(lambda: len(counted) == 1, timeout=5_000)
    qtbot.wait(400)
    assert len(counted) == 1
    panel.app.runner.wait(10_000)


def test_a_chart_redraws_new_figures_in_place_and_the_same_ones_not_at_all(qtbot):
    """Clearing every chart and building its items and axes anew took 50-180 ms of the GUI
    thread at each refresh; with the same days on the axis the bars take the new counts."""
    from precinct_console.ui.stats.charts import ChartBox

    box = ChartBox("by day")
    qtbot.addWidget(box)
    days = ["11-16", "11-17", "11-18"]
    box.bars(days, [3, 5, 2])
    item = next(i for i in box.plot.getPlotItem().items if type(i).__name__ == "BarGraphItem")
    box.bars(days, [3, 5, 4])  # a call taken today
    assert [i for i in box.plot.getPlotItem().items if type(i).__name__ == "BarGraphItem"] == [item]
    assert list(item.opts["height"]) == [3, 5, 4]
    box.bars(["11-17", "11-18", "11-19"], [5, 4, 0])  # the next day: drawn anew
    assert item not in box.plot.getPlotItem().items
    lines = ChartBox("compliance")
    qtbot.addWidget(lines)
    lines.lines(days, [("1分钟出警", [0.5, 1.0, None])])
    curve = lines.plot.listDataItems()[0]
    lines.lines(days, [("1分钟出警", [0.5, 1.0, 0.75])])
    assert lines.plot.listDataItems() == [curve]
    assert list(curve.getData()[1]) == [50.0, 100.0, 75.0]


def test_statistics_panel_says_which_charts_could_not_be_saved_and_why(qtbot, seeded, make_ctx, tmp_path):
    from precinct_console.ui.stats.panel import StatisticsPanel

    app = app_for(make_ctx(Role.STATION_CHIEF), tmp_path)
    panel = StatisticsPanel(app)
    qtbot.addWidget(panel)
    panel.day.setDate(date(2026, 11, 18))
    qtbot.waitUntil(lambda: panel.stats is not None and panel.stats.period.slug == "2026-W47", timeout=10_000)
    panel.resize(1400, 900)

    (tmp_path / "report").write_text("x")  # a file where the folder should be
    panel.save_all_to(tmp_path / "report" / "charts")
    assert app.notes[-1] == ("error", f"Could not save the charts to {tmp_path / 'report' / 'charts'}: "
                                      "a file stands where a folder should be")

    charts = tmp_path / "charts"
    (charts / "by_day_2026-W47.png").mkdir(parents=True)  # one chart's name is taken by a folder
    panel.save_all_to(charts)
    assert app.notes[-1] == ("error", f"Saved 5 of 6 charts to {charts}; the others could not be "
                                      "written (no permission, or the disk is full)")
    panel.save_all_to(tmp_path / "fine")
    assert app.notes[-1] == ("info", f"Saved 6 charts to {tmp_path / 'fine'}")

    box = panel.charts["units"]  # its own PNG… button
    box.save_png(str(tmp_path / "units.png"))
    assert app.notes[-1] == ("info", f"Saved the chart to {tmp_path / 'units.png'}")
    box.save_png(str(tmp_path / "no such folder" / "units.png"))
    assert app.notes[-1] == ("error", f"Could not save the chart to {tmp_path / 'no such folder' / 'units.png'} "
                                      "(no folder there, no permission, or the disk is full)")


@pytest.mark.qt_log_ignore(".*")  # Chromium's GPU probing on a headless machine
def test_bulletin_panel_shows_the_week_and_saves_pdf_and_html(qtbot, seeded, make_ctx, tmp_path):
    from precinct_console.ui.bulletin.panel import BulletinPanel

    app = app_for(make_ctx(Role.STATION_CHIEF), tmp_path)
    panel = BulletinPanel(app)  # deleted at the end, not by qtbot: see there
    panel.day.setDate(date(2026, 11, 20))
    qtbot.waitUntil(lambda: "2026年第47周" in panel.html, timeout=15_000)
    assert "2026-W47" in panel.week_label.text()
    html = tmp_path / "b.html"
    panel.save_html(str(html))
    assert "本周共接报警情 <b>7</b> 起" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "b.pdf"
    qtbot.wait(500)  # let the page finish laying out before printing
    panel.save_pdf(str(pdf))
    qtbot.waitUntil(lambda: any("b.pdf" in text for _level, text in app.notes), timeout=30_000)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # Delete the web view now: a page alive when QtWebEngine's profile goes at exit is an error.
    with qtbot.waitSignal(panel.destroyed, timeout=5_000):
        panel.deleteLater()
