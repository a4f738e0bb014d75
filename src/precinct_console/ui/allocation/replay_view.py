"""What-if replay: two plans replayed over the same past days, side by side with charts, each with
or without the cover line's move-ups (the same plan twice shows what moving units up buys)."""

from __future__ import annotations

from datetime import timedelta

import pyqtgraph as pg
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import CHINA_TZ
from ...domain.replay import ReplayReport, TargetShare
from ...services.allocation import PlanInfo
from ...services.plan_replay import PlanComparison, compare_plans
from ..board.guard import guarded
from ..context import AppContext
from ..plot_style import ChartLegend, static_plot
from ..theme import INFO, MUTED, NEAR, ui_font

MIN_CHART_HEIGHT = 150


class ReplayCompare(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.plan_a = QComboBox()
        self.plan_b = QComboBox()
        self.moves_a = QCheckBox(self.tr("with move-ups"))
        self.moves_b = QCheckBox(self.tr("with move-ups"))
        for box in (self.moves_a, self.moves_b):
            box.setToolTip(self.tr(
                "Replay the plan as if the command room had followed the unit board's cover line: "
                "each time a unit of the plan goes out on a call or comes free, free units are "
                "moved up (补位) to the points it suggests and take the next calls from there"))
        self.days = QSpinBox()
        self.days.setRange(1, 366)
        self.days.setValue(28)
        self.days.setSuffix(self.tr(" days back"))
        self.run_btn = QPushButton(self.tr("Replay"))
        self.run_btn.clicked.connect(self.run)
        self.status = QLabel()
        bar = QHBoxLayout()
        for label, w, moves in ((self.tr("Plan A"), self.plan_a, self.moves_a),
                                (self.tr("Plan B"), self.plan_b, self.moves_b)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w, 1)
            bar.addWidget(moves)
        bar.addWidget(self.days)
        bar.addWidget(self.run_btn)
        self.bars = static_plot()
        self.hourly = static_plot()
        # Docked at 1600x1000 the charts were squeezed to 70 px, four crowded ticks; the panel
        # scrolls there anyway, so the charts keep a readable height and the figures go below.
        for chart in (self.bars, self.hourly):
            chart.setMinimumHeight(MIN_CHART_HEIGHT)
        # One legend for both charts: they show the same three series in the same colours.
        self.legend = ChartLegend()
        self.figures = QGridLayout()
        self.figures.setVerticalSpacing(2)  # nine rows of figures: the charts keep the height
        fig_box = QGroupBox(self.tr("Figures"))
        fig_box.setLayout(self.figures)
        charts = QHBoxLayout()
        b1 = QGroupBox(self.tr("1-3-5 compliance: share of calls that met each target (%)"))
        QVBoxLayout(b1).addWidget(self.bars)
        b2 = QGroupBox(self.tr("On scene within the target by hour of day (%)"))
        QVBoxLayout(b2).addWidget(self.hourly)
        charts.addWidget(b1)
        charts.addWidget(b2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.legend)
        layout.addLayout(charts, 1)
        layout.addWidget(fig_box)

    def set_plans(self, plans: list[PlanInfo]) -> None:
        for combo in (self.plan_a, self.plan_b):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for p in plans:
                combo.addItem(_plan_label(p), p.id)
            i = combo.findData(keep)
            combo.setCurrentIndex(i if i >= 0 else 0)
            combo.blockSignals(False)
        if self.plan_b.count() > 1 and self.plan_b.currentData() == self.plan_a.currentData():
            self.plan_b.setCurrentIndex(1)

    def run(self) -> None:
        a, b = self.plan_a.currentData(), self.plan_b.currentData()
        if a is None or b is None:
            self.app.notify(self.tr("Propose at least one plan first"), "warning")
            return
        last = self.app.clock()
        first = last - timedelta(days=self.days.value())
        self.run_btn.setEnabled(False)
        self.status.setText(self.tr("Replaying…"))
        self.app.run(compare_plans, self.app.ctx, a, b, first, last,
                     move_ups_a=self.moves_a.isChecked(), move_ups_b=self.moves_b.isChecked(),
                     on_done=guarded(self, self.show_comparison),
                     on_error=guarded(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self.run_btn.setEnabled(True)
        self.status.setText("")
        self.app.report_error(exc)

    def show_comparison(self, cmp: PlanComparison) -> None:
        self.run_btn.setEnabled(True)
        ra, rb = cmp.replay_a, cmp.replay_b
        text = self.tr("%1 calls replayed; deterministic: the same days give the same "
                       "figures").replace("%1", str(ra.incidents))
        # The standby units took calls in those hours too: the replay counts them, and says so.
        if cmp.standby_a or cmp.standby_b:
            if cmp.standby_a == cmp.standby_b:
                text += self.tr("; the units on standby in those hours replayed too: %1").replace(
                    "%1", "、".join(cmp.standby_a))
            else:
                text += self.tr("; the units on standby in those hours replayed too: A %1, B %2").replace(
                    "%1", "、".join(cmp.standby_a) or "—").replace("%2", "、".join(cmp.standby_b) or "—")
        self.status.setText(text)
        happened = self.tr("What happened")
        name_a, name_b = self._name("A", cmp.a.id, ra), self._name("B", cmp.b.id, rb)
        self.bars.clear()
        groups = [_label(t) for t in ra.compliance] + [self.tr("All met")]
        series = (
            (name_a, _shares(ra), INFO),
            (name_b, _shares(rb), NEAR),
            (happened, _shares(ra, actual=True), MUTED),
        )
        self.legend.set_entries([(name, colour, "bar") for name, _values, colour in series])
        for k, (name, values, colour) in enumerate(series):
            # A target with no call to judge (no reinforcement needed) draws no bar, not 0 %.
            xs = [i + (k - 1) * 0.27 for i, v in enumerate(values) if v is not None]
            hs = [v * 100 for v in values if v is not None]
            self.bars.addItem(pg.BarGraphItem(x=xs, height=hs, width=0.25, brush=colour, pen=None,
                                              name=name))
        self.bars.getAxis("bottom").setTicks([list(enumerate(groups))])
        self.bars.setYRange(0, 105, padding=0)
        self.bars.setXRange(-0.6, len(groups) - 0.4, padding=0)
        self.hourly.clear()
        lines = ((name_a, ra.hourly_on_scene, INFO, Qt.PenStyle.SolidLine),
                 (name_b, rb.hourly_on_scene, NEAR, Qt.PenStyle.SolidLine),
                 (happened, ra.actual_hourly_on_scene, MUTED, Qt.PenStyle.DashLine))
        for name, hourly, colour, style in lines:
            pts = [(h, v * 100) for h, v in enumerate(hourly) if v is not None]
            self.hourly.plot([p[0] for p in pts], [p[1] for p in pts], name=name,
                             pen=pg.mkPen(colour, width=2, style=style), symbol="o", symbolSize=5,
                             symbolBrush=colour, symbolPen=None)
        self.hourly.setYRange(0, 105, padding=0)
        self.hourly.setXRange(-0.5, 23.5, padding=0)
        self._figures(ra, rb)

    def _name(self, side: str, plan_id: int, r: ReplayReport) -> str:
        """A side's name in the legends: "B #3", or "B #3 + move-ups" where it was replayed so."""
        name = f"{side} #{plan_id}"
        return name if r.move_ups is None else name + self.tr(" + move-ups")

    def _figures(self, ra: ReplayReport, rb: ReplayReport) -> None:
        while self.figures.count():
            item = self.figures.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        heads = ("", self.tr("Plan A"), self.tr("Plan B"), self.tr("What happened"))
        rows = [
            (_label(t), _pct(t.share), _pct(tb.share), _pct(ta.share))
            for t, tb, ta in zip(ra.compliance, rb.compliance, ra.actual_compliance, strict=True)
        ]
        rows += [
            (self.tr("All targets met"), _pct(ra.all_met), _pct(rb.all_met), _pct(ra.actual_all_met)),
            (self.tr("Median response (receipt to first arrival)"), _secs(ra.median_response_s),
             _secs(rb.median_response_s), _secs(ra.actual_median_response_s)),
            (self.tr("On scene within 1 / 3 / 5 min"), _bands(ra.within), _bands(rb.within),
             _bands(ra.actual_within)),
            (self.tr("Calls waiting for a free unit"), str(ra.queued), str(rb.queued), "—"),
            (self.tr("Calls no planned unit could take"), str(ra.unserved), str(rb.unserved), "—"),
        ]
        if ra.move_ups is not None or rb.move_ups is not None:
            rows.append((self.tr("Move-ups made (of them back to the unit's own point)"),
                         _moves(ra), _moves(rb), "—"))
        for c, h in enumerate(heads):
            lab = QLabel(h)
            lab.setFont(ui_font(9, bold=True))
            self.figures.addWidget(lab, 0, c)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row):
                lab = QLabel(text)
                lab.setFont(ui_font(9, bold=c == 0))
                lab.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.figures.addWidget(lab, r, c)

    def figure_rows(self) -> list[list[str]]:
        """The figures table as text, row by row (what a reader sees; used by tests)."""
        out: list[list[str]] = []
        for r in range(self.figures.rowCount()):
            row = []
            for c in range(self.figures.columnCount()):
                item = self.figures.itemAtPosition(r, c)
                w = item.widget() if item is not None else None
                row.append(w.text() if isinstance(w, QLabel) else "")
            out.append(row)
        return out


def _label(t: TargetShare) -> str:
    """The profile's own label for a target, in the interface's language."""
    return t.label_zh if QLocale().language() == QLocale.Language.Chinese else t.label_en


def _shares(r: ReplayReport, *, actual: bool = False) -> list[float | None]:
    targets = r.actual_compliance if actual else r.compliance
    return [t.share for t in targets] + [r.actual_all_met if actual else r.all_met]


def _moves(r: ReplayReport) -> str:
    """How many move-ups the replay made ("1,648 (12)"), or a dash for a side replayed without."""
    return "—" if r.move_ups is None else f"{r.move_ups:,} ({r.sent_back:,})"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}"


def _bands(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.0%}" for v in values)


def _secs(s: float) -> str:
    return "—" if s != s else f"{int(s // 60)}:{int(s % 60):02d}"


def _plan_label(p: PlanInfo) -> str:
    from .panel import status_label  # the panel imports this module: resolve at call time

    start = p.starts_at.astimezone(CHINA_TZ)
    return (f"#{p.id} {p.shift_name or ''} {start:%m-%d %H:%M} · {status_label(p.status)} · "
            f"{p.once_share:.0%}")
