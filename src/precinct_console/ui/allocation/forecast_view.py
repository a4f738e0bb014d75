"""How good the demand forecast is: hit rate and PAI on held-back weeks, against a plain count."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import CHINA_TZ
from ...domain.demand import AccuracyReport
from ...services.allocation import demand_accuracy
from ..board.guard import guarded
from ..context import AppContext
from ..plot_style import ChartLegend, static_plot
from ..theme import INFO, MUTED, ui_font


class ForecastAccuracy(QWidget):
    """Each of the last weeks forecast from what came before it, then scored on what happened."""

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.report: AccuracyReport | None = None
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 12)
        self.weeks.setValue(4)
        self.weeks.setSuffix(self.tr(" weeks held back"))
        self.area = QSpinBox()
        self.area.setRange(1, 50)
        self.area.setValue(10)
        self.area.setSuffix(self.tr("% of the area flagged"))
        self.run_btn = QPushButton(self.tr("Check the forecast"))
        self.run_btn.clicked.connect(self.run)
        bar = QHBoxLayout()
        for w in (self.weeks, self.area, self.run_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        self.summary = QLabel(self.tr(
            "Each week is forecast from the weeks before it only, then compared with where its "
            "incidents really were. Hit rate: the share of them inside the flagged cells; PAI: the "
            "hit rate over the share of the area flagged (1 is no better than chance)."))
        self.summary.setWordWrap(True)
        self.summary.setFont(ui_font(10))
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Week of"), self.tr("Incidents"), self.tr("Forecast hit rate"),
            self.tr("Forecast PAI"), self.tr("Last-28-days hit rate"), self.tr("Last-28-days PAI")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setFont(ui_font(9))
        self.chart = static_plot()
        self.chart.setLabel("left", self.tr("hit rate %"))
        self.legend = ChartLegend()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.chart, 2)
        # No empty axes before there is a figure to draw on them.
        self.chart.hide()
        self.legend.hide()
        self._checked = False

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the tab is opened it checks the forecast at once: the chief came to
        see the figures, not a button."""
        super().showEvent(event)
        if not self._checked and self.run_btn.isEnabled():
            self.run()

    def run(self) -> None:
        self._checked = True
        self.run_btn.setEnabled(False)
        self.summary.setText(self.tr("Forecasting each held-back week…"))
        self.app.run(demand_accuracy, self.app.ctx, weeks=self.weeks.value(),
                     area_share=self.area.value() / 100,
                     on_done=guarded(self, self.show_report), on_error=guarded(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self.run_btn.setEnabled(True)
        self.summary.setText("")
        self.app.report_error(exc)

    def show_report(self, report: AccuracyReport) -> None:
        self.run_btn.setEnabled(True)
        self.report = report
        calls = sum(r.incidents for r in report.rows)
        if not calls:
            self.summary.setText(self.tr("No incidents in the weeks held back: nothing to score yet."))
        else:
            self.summary.setText(self.tr(
                "Over %1 incidents in %2 week(s), the %3% of the area the forecast flags held %4% of "
                "them (PAI %5); the plain count of the last %6 days flagged cells holding %7% (PAI %8)."
            ).replace("%1", str(calls)).replace("%2", str(len(report.rows)))
             .replace("%3", f"{report.area_share:.0%}".rstrip("%"))
             .replace("%4", f"{report.hit_rate * 100:.1f}").replace("%5", f"{report.pai:.2f}")
             .replace("%6", str(report.baseline_days))
             .replace("%7", f"{report.baseline_hit_rate * 100:.1f}")
             .replace("%8", f"{report.baseline_pai:.2f}"))
        self.table.setRowCount(len(report.rows))
        for i, r in enumerate(report.rows):
            week = r.week_start.astimezone(CHINA_TZ)
            values = (f"{week:%Y-%m-%d}", str(r.incidents), f"{r.hit_rate:.1%}", f"{r.pai:.2f}",
                      f"{r.baseline_hit_rate:.1%}", f"{r.baseline_pai:.2f}")
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, j, item)
        self.chart.clear()
        self.chart.show()
        self.legend.show()
        xs = list(range(len(report.rows)))
        baseline = self.tr("last %1 days").replace("%1", str(report.baseline_days))
        self.legend.set_entries([(self.tr("forecast"), INFO, "bar"), (baseline, MUTED, "bar")])
        self.chart.addItem(pg.BarGraphItem(
            x=[x - 0.18 for x in xs], height=[r.hit_rate * 100 for r in report.rows], width=0.34,
            brush=INFO))
        self.chart.addItem(pg.BarGraphItem(
            x=[x + 0.18 for x in xs], height=[r.baseline_hit_rate * 100 for r in report.rows],
            width=0.34, brush=MUTED))
        top = max([r.hit_rate for r in report.rows] + [r.baseline_hit_rate for r in report.rows] + [0.01])
        self.chart.setYRange(0, top * 100 * 1.1, padding=0)
        self.chart.getAxis("bottom").setTicks([[
            (x, f"{r.week_start.astimezone(CHINA_TZ):%m-%d}") for x, r in zip(xs, report.rows, strict=True)]])
