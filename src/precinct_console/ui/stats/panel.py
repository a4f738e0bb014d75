"""The statistics panel: a period's incidents by day, hour and category, 同比/环比, the 1-3-5
trend, workload per unit and officer, repeat incidents; each chart saves as PNG."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.changes import Change
from ...domain.clock import CHINA_TZ
from ...domain.figures import percent
from ...services.bulletin import mmss
from ...services.ledgers.periods import Period, period_for
from ...services.statistics import Comparison, Statistics, TargetFigure, incident_statistics
from ..context import AppContext
from ..error_text import os_reason, ui_language
from ..forms import scroll_area
from ..i18n import QT_TRANSLATE_NOOP
from ..repeat_kinds import repeat_kind
from ..theme import BREACH, NEAR, OK, ui_font
from .charts import ChartBox

REFRESH_MS = 1000  # at most one refresh a second while changes keep coming

PERIODS = {"week": QT_TRANSLATE_NOOP("StatisticsPanel", "Week"), "month": QT_TRANSLATE_NOOP("StatisticsPanel", "Month"),
           "day": QT_TRANSLATE_NOOP("StatisticsPanel", "Day")}


def _pct(v: float | None) -> str:
    return percent(v)  # rounded half up, as the Excel ledgers show the same share


def _mmss(v: float | None) -> str:
    return mmss(v)  # rounded as the bulletin and the Excel ledgers round it


class StatisticsPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.stats: Statistics | None = None
        self._generation = 0
        self.setFont(ui_font())
        self.kind = QComboBox()
        for key, name in PERIODS.items():
            self.kind.addItem(self.tr(name), key)
        today = app.clock().astimezone(CHINA_TZ).date()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload)
        save_all = QPushButton(self.tr("Save all charts…"))
        save_all.clicked.connect(self._ask_save_all)
        self.period_label = QLabel()
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("Period")), self.kind, self.day, self.period_label):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(refresh)
        bar.addWidget(save_all)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(ui_font(11))
        self.charts = {
            "by_day": ChartBox(self.tr("Incidents by day")),
            "by_hour": ChartBox(self.tr("Incidents by hour of day")),
            "by_category": ChartBox(self.tr("Incidents by category (year-on-year, period-on-period)")),
            "compliance": ChartBox(self.tr("1-3-5 compliance by day")),
            "units": ChartBox(self.tr("Dispatches per unit")),
            "officers": ChartBox(self.tr("Incidents attended per officer (top 10)")),
        }
        for box in self.charts.values():  # a chart's own PNG… button: say where it went, or why not
            box.saved.connect(self._chart_saved)
            box.failed.connect(self._chart_failed)
        self.repeats = QTableWidget(0, 4)
        self.repeats.setHorizontalHeaderLabels(
            [self.tr("Kind"), self.tr("Caller / place"), self.tr("Count"), self.tr("Incident numbers")])
        self.repeats.verticalHeader().setVisible(False)
        self.repeats.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.repeats.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        repeat_box = QGroupBox(self.tr("Repeat incidents"))
        self.repeat_note = QLabel()
        self.repeat_note.setToolTip(self.tr(
            "Flagged at intake: calls flagged as repeats when taken in, against earlier calls "
            "near by. The table: the callers and the addresses with more than one call in the "
            "period, most first."))
        rl = QVBoxLayout(repeat_box)
        rl.addWidget(self.repeat_note)
        rl.addWidget(self.repeats)

        charts_area = QWidget()
        grid = QGridLayout(charts_area)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.charts["by_day"], 0, 0, 1, 2)
        grid.addWidget(self.charts["by_hour"], 0, 2)
        grid.addWidget(self.charts["by_category"], 1, 0)
        grid.addWidget(self.charts["compliance"], 1, 1)
        grid.addWidget(self.charts["units"], 1, 2)
        grid.addWidget(self.charts["officers"], 2, 0)
        grid.addWidget(repeat_box, 2, 1, 1, 2)
        for column in range(3):  # equal thirds: a long category label must not take a column's room
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        # The charts keep a readable height (a bar per category or officer, labels apart) and
        # scroll when the docks leave the panel less room, instead of squashing into one another.
        layout.addWidget(scroll_area(charts_area), 1)

        # Changes arriving every second on a busy night: at most one refresh a second while the
        # panel is in view, none while it is hidden (a tab behind another), one when it shows
        # again. The 3-second debounce restarted on every change and so, under a steady
        # stream, showed nothing new until the stream paused.
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_MS)
        self._throttle.timeout.connect(self._refresh_if_shown)
        self._stale = False  # changes came while hidden (or while a count was running)
        self._loading = False
        self._repeats_shown: tuple[object, ...] | None = None
        self.kind.currentIndexChanged.connect(self.reload)
        self.day.dateChanged.connect(self.reload)
        app.changed.connect(self._on_change)
        self.reload()

    def period(self) -> Period:
        q = self.day.date()
        return period_for(self.kind.currentData(), date(q.year(), q.month(), q.day()))

    def reload(self) -> None:
        period = self.period()
        self.period_label.setText(period.label_in(ui_language()))
        self._stale = False
        self._loading = True
        # Results may arrive out of order (two quick changes of the date): only the latest counts.
        self._generation += 1
        generation = self._generation
        self.app.run(incident_statistics, self.app.ctx, period,
                     on_done=lambda result: self._deliver(generation, result),
                     on_error=lambda exc: self._failed(generation, exc))

    def _on_change(self, change: Change) -> None:
        # Duty checks carry the period's duty-keeping rate; units' moves (frequent) do not.
        if change.touches("incident", "dispatch", "duty_check"):
            self._stale = True
            if self.isVisible() and not self._throttle.isActive():
                self._throttle.start()  # not restarted by the next change: a refresh a second

    def _refresh_if_shown(self) -> None:
        if not self._stale or not self.isVisible():
            return  # hidden: showEvent refreshes
        if self._loading:
            self._throttle.start()  # a count is running (a slow database): after it, not beside it
            return
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._throttle.isActive():
            self._throttle.start(0)

    # drawing ---------------------------------------------------------------------------------
    def _deliver(self, generation: int, result: Any) -> None:
        if generation == self._generation:
            self._loading = False
            self.show_stats(result)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
        self.app.report_error(exc)

    def show_stats(self, st: Statistics) -> None:
        if st == self.stats:
            return  # the same figures (a change outside the period): nothing to redraw
        self.stats = st
        c = st.compliance
        english = ui_language().startswith("en")

        def target_name(t: TargetFigure) -> str:
            return t.label_en if english else t.label_zh

        self.summary.setText(self.tr(
            "<b>%1</b> incidents · year-on-year %2 (%3) · period-on-period %4 (%5) · "
            "1-3-5 (%6): %7 · all targets met %8").replace("%1", str(st.total.current))
            .replace("%2", self._phrase(st.total)).replace("%3", str(st.total.reference))
            .replace("%4", self._phrase(st.total_previous)).replace("%5", str(st.total_previous.reference))
            .replace("%6", st.profile_name_en if english and st.profile_name_en else st.profile_name)
            .replace("%7", ", ".join(f"{target_name(t)} {_pct(t.rate)} ({_mmss(t.mean_s)})" for t in c.targets))
            .replace("%8", _pct(c.all_met_rate))
            + (self.tr(" · timed duties kept on time %1 (%2 checked, %3 late)")
               .replace("%1", _pct(st.duty_keeping_rate))
               .replace("%2", str(st.duties_judged)).replace("%3", str(st.duties_late))
               if st.duty_keeping_rate is not None else ""))
        days = [d.strftime("%m-%d") for d, _n in st.by_day]
        every = max(1, len(days) // 12)
        self.charts["by_day"].bars(days, [n for _d, n in st.by_day], every=every)
        self.charts["by_hour"].bars([f"{h}" for h in range(24)], list(st.by_hour), colour=NEAR, every=3)
        cats = st.by_category[:10]
        self.charts["by_category"].hbars(
            [f"{c.name_en if english and c.name_en else c.name} "
             f"{self._phrase(c.year_on_year)}/{self._phrase(c.period_on_period)}" for c in cats],
            [c.count for c in cats])
        self.charts["compliance"].lines(
            [x.label[5:] for x in st.compliance_by_day],
            [*((target_name(t), [x.targets[n].rate for x in st.compliance_by_day])
               for n, t in enumerate(c.targets[:3])),
             (self.tr("all targets"), [x.all_met_rate for x in st.compliance_by_day])])
        self.charts["units"].bars([u for u, _n in st.units], [n for _u, n in st.units], colour=OK)
        top = st.officers[:10]
        self.charts["officers"].hbars([o for o, _n in top], [n for _o, n in top], colour=BREACH)
        # The flags are set at intake against a radius and days before (and may point at calls
        # before the period); the table groups this period's calls by the same caller or the
        # very same address. Said apart, so 一地多警 30 above a table of 10 does not read as a
        # miscount (the long form is the note's tooltip: a wrapped label would make the panel scroll).
        flagged = " · ".join(f"{repeat_kind(k)} {n}" for k, n in st.repeat_flags)
        self.repeat_note.setText(
            self.tr("Flagged at intake: %1").replace("%1", flagged))
        if st.repeats != self._repeats_shown:
            self._repeats_shown = st.repeats
            self.repeats.setRowCount(len(st.repeats))
            for r, g in enumerate(st.repeats):
                # A list separator in the window's language (、 in Chinese).
                numbers = self.tr(", ").join(g.numbers)
                for col, value in enumerate((repeat_kind(g.kind), g.key, str(g.count), numbers)):
                    self.repeats.setItem(r, col, QTableWidgetItem(value))
            self.repeats.resizeColumnsToContents()

    def _phrase(self, c: Comparison) -> str:
        """A change against a reference in the window's language: the bulletin's own Chinese
        wording (上升12.5%), or its English."""
        if not ui_language().startswith("en"):
            return c.phrase()
        change = c.change
        if change is None:
            return "—"
        if abs(change) < 0.0005:  # what rounds to 0.0%
            return self.tr("level")
        text = self.tr("up %1") if change > 0 else self.tr("down %1")
        return text.replace("%1", percent(abs(change)))

    # PNG export ------------------------------------------------------------------------------
    def save_all(self, folder: Path) -> list[Path]:
        """Every chart as PNG into folder; the ones written (a chart that fails is left out)."""
        folder.mkdir(parents=True, exist_ok=True)
        slug = self.period().slug
        out = []
        for key, box in self.charts.items():
            path = folder / f"{key}_{slug}.png"
            # Quietly: save_all_to says one thing for all of them.
            box.blockSignals(True)
            try:
                if box.save_png(str(path)):
                    out.append(path)
            finally:
                box.blockSignals(False)
        return out

    def _ask_save_all(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save all charts to"),
                                                  str(self.app.settings.resolved_export_folder))
        if folder:
            self.save_all_to(Path(folder))

    def save_all_to(self, folder: Path) -> None:
        """Save every chart and say so; a folder that cannot be made or written is said, by name."""
        try:
            saved = self.save_all(folder)
        except OSError as exc:
            self.app.notify(self.tr("Could not save the charts to %1: %2").replace("%1", str(folder))
                            .replace("%2", os_reason(exc)), "error")
            return
        if len(saved) < len(self.charts):
            self.app.notify(self.tr("Saved %1 of %2 charts to %3; the others could not be written "
                                    "(no permission, or the disk is full)")
                            .replace("%1", str(len(saved))).replace("%2", str(len(self.charts)))
                            .replace("%3", str(folder)), "error")
            return
        self.app.notify(self.tr("Saved %1 charts to %2").replace("%1", str(len(saved)))
                        .replace("%2", str(folder)))

    def _chart_saved(self, path: str) -> None:
        self.app.notify(self.tr("Saved the chart to %1").replace("%1", path))

    def _chart_failed(self, path: str) -> None:
        self.app.notify(self.tr("Could not save the chart to %1 (no folder there, no permission, "
                                "or the disk is full)").replace("%1", path), "error")


def create_panel(app: AppContext) -> QWidget:
    return StatisticsPanel(app)
