"""Allocation panel: propose a deployment off the GUI thread, read its coverage, edit, decide."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta
from html import escape
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.allocation.visits import CLASH_MARK, TimedVisit
from ...domain.changes import Change, is_unit_activity
from ...domain.clock import CHINA_TZ
from ...domain.errors import ValidationError
from ...domain.permissions import is_permitted
from ...services import allocation, roster
from ...services.accounts import SYSTEM_USER
from ...services.allocation import ConstraintOptions, PlanDrawing, PlanInfo
from ..board.guard import guarded
from ..board.table import Column, ThinTableModel
from ..context import AppContext
from ..error_text import error_text, message_text
from ..labels import point_kind
from ..roster.model import shift_hours
from ..theme import BREACH, INFO, MUTED, NEAR, OK, ui_font
from .constraints import ConstraintsBox
from .forecast_view import ForecastAccuracy
from .minimap import PlanMap
from .replay_view import ReplayCompare
from .sheet import PatrolSheetDialog

STATUS_LOOK = {"proposed": ("◷", INFO), "accepted": ("✓", OK), "rejected": ("✖", BREACH),
               "superseded": ("–", MUTED)}
# The places the constraints name: points to pin to, zones and key sites to hold.
OPTION_PLACES = ("post", "patrol_point", "patrol_zone", "key_site")
# Errors of the chief's constraints: shown under them, with the choices kept.
CONSTRAINT_FIELDS = frozenset({"pins", "pinned_to", "zones", "key_sites", "constraints"})


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


class _Progress(QObject):
    """The solver reports from its worker thread; queued signals bring it to the GUI thread."""

    moved = Signal(float, float, float)


class PlansModel(ThinTableModel[PlanInfo]):
    def __init__(self, parent: Any = None):
        cols: list[Column[PlanInfo]] = [
            Column("id", "#", lambda p: p.id),
            Column("shift", _tr("Shift"), lambda p: p.shift_name or _tr("day")),
            Column("start", _tr("Starts"),
                   lambda p: f"{p.starts_at.astimezone(CHINA_TZ):%m-%d %H:%M}", sort=lambda p: p.starts_at),
            Column("status", _tr("Status"),
                   lambda p: f"{STATUS_LOOK.get(p.status, ('?',))[0]} {status_label(p.status)}",
                   foreground=lambda p: STATUS_LOOK.get(p.status, ("", MUTED))[1].darker(115)),
            Column("once", _tr("3-min cover"), lambda p: f"{p.once_share:.1%}",
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            Column("twice", _tr("5-min backup"), lambda p: f"{p.twice_share:.1%}",
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            Column("solver", _tr("Solver"), _solver_text),
            # How often the duty officers patched the deployment while it ran (补位): a plan that
            # was in force reads 0 when it needed none; one never in force, nothing.
            Column("move_ups", _tr("Move-ups"),
                   lambda p: str(p.move_ups) if p.move_ups or p.status in ("accepted", "superseded")
                   else "",
                   sort=lambda p: p.move_ups,
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        ]
        super().__init__(cols, key=lambda p: p.id, parent=parent)


def status_label(status: str) -> str:
    return {"proposed": _tr("proposed"), "accepted": _tr("accepted"), "rejected": _tr("rejected"),
            "superseded": _tr("superseded")}.get(status, status)


def _solver_text(p: PlanInfo) -> str:
    f = p.figures
    if f.get("method") == "greedy":
        return _tr("greedy")
    gap = f.get("gap")
    if f.get("status") == "optimal":
        return _tr("optimal") + (f" ({gap:.2%})" if gap else "")
    if gap is None:
        return _tr("stopped before a bound was proven")
    return _tr("stopped, gap %1").replace("%1", f"{gap:.1%}")


class AllocationPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.plan: PlanInfo | None = None
        self.drawing: PlanDrawing | None = None
        self._stop = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._show_progress)
        self.model = PlansModel(self)
        self.may_decide = is_permitted(app.ctx.actor.role, "plan.decide")
        self.may_propose = is_permitted(app.ctx.actor.role, "plan.propose")
        self._mine: set[int] = set()  # plans proposed from this panel: no news for them
        self._news: set[int] = set()  # plans others created, told once the list has them
        # The morning re-plan's proposals, told together once it has made them all.
        self._replan_news: set[int] = set()
        self._replan_ended = False
        self._options_asked = 0
        # The plan whose detail is shown, as (id, version): a reload of the list opens a proposal
        # again only if it changed, so the chief's edits survive another seat's proposal.
        self._shown: tuple[int, int] | None = None
        self._listed = False
        self._selecting = False
        self._opening: int | None = None  # the plan last asked to open: older loads are dropped
        self._build()
        app.changed.connect(self._on_change)
        self.reload_shifts()
        self.reload_plans()

    # layout -----------------------------------------------------------------------------------
    def _build(self) -> None:
        bar = QHBoxLayout()
        self.shift_combo = QComboBox()
        self.shift_combo.setMinimumWidth(280)
        self.limit = QDoubleSpinBox()
        self.limit.setRange(1, 600)
        self.limit.setValue(20)
        self.limit.setSuffix(" s")
        self.limit.setToolTip(self.tr("Stop the exact solver after this time and keep the best plan"))
        self.propose_btn = QPushButton(self.tr("Propose deployment"))
        self.propose_btn.setEnabled(self.may_propose)
        self.stop_btn = QPushButton(self.tr("Stop"))
        self.stop_btn.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.progress_text = QLabel()
        bar.addWidget(QLabel(self.tr("Shift")))
        bar.addWidget(self.shift_combo, 1)
        bar.addWidget(QLabel(self.tr("Time limit")))
        bar.addWidget(self.limit)
        bar.addWidget(self.propose_btn)
        bar.addWidget(self.stop_btn)
        bar.addWidget(self.progress)
        bar.addWidget(self.progress_text)
        self.propose_btn.clicked.connect(self.propose)
        self.stop_btn.clicked.connect(self._stop.set)
        self.constraints = ConstraintsBox()
        self.constraints.setVisible(self.may_propose)
        self.shift_combo.currentIndexChanged.connect(self.reload_options)

        self.plans = QTableView()
        self.plans.setModel(self.model)
        self.keyboard_home = self.plans  # Ctrl+Shift+P: the arrows pick a plan at once
        self.plans.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plans.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Tab leaves a list (arrows move in it): Qt's Tab went round its cells for ever, and
        # the constraints, the plan's points and Accept were out of the keyboard's reach.
        self.plans.setTabKeyNavigation(False)
        self.plans.verticalHeader().hide()
        self.plans.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plans.horizontalHeader().setStretchLastSection(True)
        self.plans.setFont(ui_font(9))
        # Newest first, as the service lists them: a plan proposed here went to the bottom.
        self.plans.setSortingEnabled(True)
        self.plans.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.plans.selectionModel().currentRowChanged.connect(self._row_changed)

        # The chosen plan: figures, who goes where (editable), decision, map.
        self.figures = QLabel()
        self.figures.setFont(ui_font(10))
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        # What the chief's edits in the table do to the figures, before he accepts them.
        self.edit_figures = QLabel()
        self.edit_figures.setFont(ui_font(10))
        self.edit_figures.setTextFormat(Qt.TextFormat.RichText)
        self.edit_figures.setWordWrap(True)
        self.edit_figures.setVisible(False)
        self._rescoring = 0  # the last edit asked to be rescored: older answers are dropped
        # Its timed duties, apart: they follow the chief's edits in the table before he accepts.
        self.duties = QLabel()
        self.duties.setFont(ui_font(10))
        self.duties.setTextFormat(Qt.TextFormat.RichText)
        self.duties.setWordWrap(True)
        self.assign = QTableWidget(0, 3)
        self.assign.setHorizontalHeaderLabels([self.tr("Unit"), self.tr("Point"), self.tr("Kind")])
        self.assign.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.assign.verticalHeader().hide()
        self.assign.setTabKeyNavigation(False)
        self.assign.setFont(ui_font(9))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Note for the shift (optional)"))
        self.accept_btn = QPushButton(self.tr("Accept"))
        self.reject_btn = QPushButton(self.tr("Reject"))
        self.accept_btn.clicked.connect(lambda: self.decide("accept"))
        # The sheet read out at the briefing and handed to each team (巡逻勤务派班单).
        self.sheet_btn = QPushButton(self.tr("Patrol orders…"))
        self.sheet_btn.setToolTip(self.tr("Who goes where, with whom and when: print it for the "
                                          "briefing or save it as PDF"))
        self.sheet_btn.setEnabled(False)
        self.sheet_btn.clicked.connect(self.open_sheet)
        self.reject_btn.clicked.connect(lambda: self.decide("reject"))
        decide = QHBoxLayout()
        decide.addWidget(self.note, 1)
        decide.addWidget(self.accept_btn)
        decide.addWidget(self.reject_btn)
        decide.addWidget(self.sheet_btn)
        self.map = PlanMap()
        # The figures and the duties scroll on their own above the table, which a splitter
        # lets the chief make taller: on a small seat six school gates' lines were drawn over
        # the table's first rows (a word-wrapped label does not claim its height in a layout).
        text = QWidget()
        tv = QVBoxLayout(text)
        tv.setContentsMargins(0, 0, 4, 0)
        tv.addWidget(self.figures)
        tv.addWidget(self.edit_figures)
        tv.addWidget(self.duties)
        tv.addStretch(1)
        self.text_scroll = QScrollArea()
        self.text_scroll.setWidgetResizable(True)
        self.text_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.text_scroll.setWidget(text)
        self.upper_lower = upper_lower = QSplitter(Qt.Orientation.Vertical)
        upper_lower.addWidget(self.text_scroll)
        upper_lower.addWidget(self.assign)
        upper_lower.setChildrenCollapsible(False)
        upper_lower.setStretchFactor(0, 1)  # a taller panel gives the room to the text
        upper_lower.setStretchFactor(1, 0)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(upper_lower, 1)
        lv.addLayout(decide)
        detail = QSplitter(Qt.Orientation.Horizontal)
        detail.addWidget(left)
        detail.addWidget(self.map)
        detail.setStretchFactor(0, 2)
        detail.setStretchFactor(1, 3)
        detail.setSizes([560, 840])
        self.replay = ReplayCompare(self.app)
        self.tabs = QTabWidget()
        self.tabs.addTab(detail, self.tr("Plan"))
        self.tabs.addTab(self.replay, self.tr("What-if replay"))
        self.forecast = ForecastAccuracy(self.app)
        self.tabs.addTab(self.forecast, self.tr("Forecast accuracy"))
        box = QGroupBox(self.tr("Plans"))
        QVBoxLayout(box).addWidget(self.plans)
        # The list keeps room for five plans whatever the window (a chief compares several).
        rows = self.plans.verticalHeader().defaultSectionSize()
        self.plans.setMinimumHeight(self.plans.horizontalHeader().sizeHint().height() + 5 * rows + 6)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(box)
        top.addWidget(self.constraints)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setSizes([720, 880])  # every column of the list; the three constraint lists beside it
        top.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setChildrenCollapsible(False)
        self.top_split, self.split = top, split
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._set_decidable(False)

    # loading ----------------------------------------------------------------------------------
    def reload_shifts(self) -> None:
        today = self.app.clock().astimezone(CHINA_TZ).date()
        # From yesterday: a 24-hour duty (or a night shift) begun then is still on this morning.
        self.app.run(roster.roster_view, self.app.ctx, today - timedelta(days=1),
                     today + timedelta(days=1),
                     on_done=guarded(self, self._fill_shifts))

    def _fill_shifts(self, view: roster.RosterView) -> None:
        now = self.app.clock()
        keep = self.shift_combo.currentData()
        self.shift_combo.blockSignals(True)  # one reload of the constraint options, at the end
        self.shift_combo.clear()
        self.shift_combo.addItem(self.tr("The coming shift"), None)
        crewed = {e.shift_id for e in view.entries if e.unit_id is not None}
        for s in view.shifts:
            if s.ends_at <= now or s.id not in crewed:
                continue
            when = f"{s.starts_at.astimezone(CHINA_TZ):%m-%d} {shift_hours(s.starts_at, s.ends_at)}"
            # A standby or desk shift has no team: no gap where the team would be.
            label = " ".join(x for x in (s.name, s.team, when) if x)
            if s.day.label_zh():
                label += f" · {s.day.label_zh()}"
            self.shift_combo.addItem(label, s.id)
        i = self.shift_combo.findData(keep)
        self.shift_combo.setCurrentIndex(max(i, 0))
        self.shift_combo.blockSignals(False)
        self.reload_options()

    def reload_plans(self) -> None:
        self.app.run(allocation.list_plans, self.app.ctx, on_done=guarded(self, self._fill_plans))

    def _fill_plans(self, plans: list[PlanInfo]) -> None:
        self._tell_news(plans)
        if not self._listed:
            self.model.set_rows(plans)
            self._listed = True
        else:  # in place: a reset would drop the selection and reopen the plan shown
            fresh = {p.id for p in plans}
            self.model.upsert(plans)
            self.model.remove([k for k in self.model.all_ids() if k not in fresh])
            # The header fits its columns to the rows it had: a new plan's longer shift name
            # or status read "所…" / "◷ 待…" until something else made it measure again.
            self.plans.horizontalHeader().resizeSections()
        self.replay.set_plans(plans)
        by_id = {p.id: p for p in plans}
        # The plan last asked for (clicked, or just proposed or decided here), else the newest.
        target = self._opening if self._opening in by_id else (plans[0].id if plans else None)
        if target is None:
            return
        self._selecting = True
        try:
            self.plans.selectRow(self.model.position(target) or 0)
        finally:
            self._selecting = False
        # Opened again unless it is the proposal shown, unchanged: the chief may be editing it.
        # (An accepted plan is opened again: another plan may have taken some of its units.)
        if self._shown != (target, by_id[target].version) or by_id[target].status != "proposed":
            self.open_plan(target)

    def _on_change(self, change: Change) -> None:
        if change.touches("move_up_order") and not change.touches("patrol_plan"):
            self.reload_plans()  # the list counts them; the plan shown stays as it is
        if change.touches("patrol_plan"):
            own = self.app.ctx.actor.workstation
            created = {i.entity_id for i in change.items if i.entity == "patrol_plan"
                       and i.action == "created" and i.entity_id is not None}
            if self.may_decide and own != "scheduler":
                self._news |= created - self._mine
            self.reload_plans()
        if change.touches(allocation.REPLAN_RAN) and self.may_decide:
            self._replan_ended = True
            self.reload_plans()
        if change.touches("shift", "roster_entry"):
            self.reload_shifts()
        elif change.touches(*OPTION_PLACES) or any(
                i.entity == "unit" and not is_unit_activity(i) for i in change.items):
            # A unit added, renamed, retired or returned to service, or a post, zone or key site
            # saved at any seat; not a unit's calls and moves, many a minute on a live shift.
            self.reload_options()

    def _tell_news(self, plans: list[PlanInfo]) -> None:
        """Tell the chief about proposals waiting for him, except those he made himself (here,
        on another seat, or from the command line as himself) and those made at this seat."""
        me = self.app.ctx.actor
        waiting = [p for p in plans if p.id in self._news and p.status == "proposed"
                   and p.proposed_by != me.username and p.proposed_on != me.workstation]
        self._news -= {p.id for p in plans}
        # The re-plan proposes one plan a shift, each as it is solved: seven notices in a row
        # told the chief nothing more than one does.
        self._replan_news |= {p.id for p in waiting if p.proposed_by == SYSTEM_USER}
        if any(p.proposed_by != SYSTEM_USER for p in waiting):
            self.app.notify(self.tr("A new patrol plan is waiting for your decision"))
        if self._replan_ended:
            self._replan_ended = False
            fresh = [p for p in plans if p.id in self._replan_news and p.status == "proposed"]
            self._replan_news.clear()
            if fresh:
                self.app.notify(self._replan_said(fresh))

    def _replan_said(self, fresh: list[PlanInfo]) -> str:
        """The re-plan's one notice; a plan its time budget did not prove the best says how far
        from the best it may be, so the chief knows before he accepts it."""
        said = self.tr("The morning re-plan proposed %n patrol plan(s) for your decision", "",
                       len(fresh))
        short = allocation.unproven(fresh)
        if not short:
            return said
        worst = short[0]
        if worst.gap == worst.gap:
            more = self.tr("; %n of them not proven the best in the time allowed: %1 is within %2 "
                           "of the best possible", "", len(short))
            more = more.replace("%1", worst.shift).replace("%2", f"{worst.gap:.1%}")
        else:
            more = self.tr("; %n of them not proven the best in the time allowed: %1 has no bound "
                           "proven yet", "", len(short)).replace("%1", worst.shift)
        return said + more  # more opens with its own separator (；in Chinese)

    # constraints ------------------------------------------------------------------------------
    def reload_options(self) -> None:
        """The chosen shift's units, points, zones and key sites for the constraints box."""
        if not self.may_propose:
            return
        self._options_asked += 1
        asked = self._options_asked

        def fill(options: ConstraintOptions) -> None:
            if asked == self._options_asked:  # a later choice of shift wins
                self.constraints.set_options(options)

        self.app.run(allocation.constraint_options, self.app.ctx,
                     shift_id=self.shift_combo.currentData(), on_done=guarded(self, fill),
                     on_error=guarded(self, self._options_failed))

    def _options_failed(self, exc: BaseException) -> None:
        self.constraints.setEnabled(False)
        self.app.report_error(exc)

    # proposing --------------------------------------------------------------------------------
    def propose(self) -> None:
        self._stop.clear()
        self.propose_btn.setEnabled(False)
        self.stop_btn.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the solver reports a gap
        self.progress_text.setText(self.tr("Solving…"))
        self.constraints.clear_error()
        self.app.run(allocation.propose_plan, self.app.ctx, shift_id=self.shift_combo.currentData(),
                     constraints=self.constraints.constraints(),
                     time_limit=self.limit.value(), on_progress=self._progress.moved.emit,
                     should_stop=self._stop.is_set, on_done=guarded(self, self._proposed),
                     on_error=guarded(self, self._propose_failed))

    def _show_progress(self, best: float, bound: float, gap: float) -> None:
        if gap == gap and gap < 1e9:  # not NaN / inf: an incumbent and a bound exist
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * max(0.0, 1.0 - min(gap, 1.0))))
            self.progress_text.setText(self.tr("gap %1").replace("%1", f"{gap:.2%}"))

    def _solving_done(self) -> None:
        self.propose_btn.setEnabled(self.may_propose)
        self.stop_btn.setEnabled(False)
        self.progress.setVisible(False)
        self.progress_text.setText("")

    def _propose_failed(self, exc: BaseException) -> None:
        self._solving_done()
        if isinstance(exc, ValidationError) and exc.field in CONSTRAINT_FIELDS:
            # Said where the chief set them; his choices stay so he relaxes one and tries again.
            self.constraints.show_error(message_text(exc.bare_message))
        self.app.report_error(exc)

    def _proposed(self, plan: PlanInfo) -> None:
        self._solving_done()
        self.plan = plan
        self._opening = plan.id  # the list's reload shows it
        self._mine.add(plan.id)
        self.app.announce(plan.change)
        for n in plan.notes:
            self.app.notify(message_text(n), "warning")

    # one plan -----------------------------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._selecting:
            self.open_plan(cast(int, self.model.id_at(current.row())))

    def open_plan(self, plan_id: int) -> None:
        def load(pid: int) -> tuple[PlanInfo, PlanDrawing]:
            return allocation.get_plan(self.app.ctx, pid), allocation.plan_drawing(self.app.ctx, pid)

        self._opening = plan_id
        self.app.run(load, plan_id, on_done=guarded(self, self._show_plan))

    def _show_plan(self, loaded: tuple[PlanInfo, PlanDrawing]) -> None:
        plan, drawing = loaded
        if plan.id != self._opening:
            return  # an earlier plan's load, finished after the one asked for since
        self._tell_decided_elsewhere(plan)
        self.plan, self.drawing = plan, drawing
        self._shown = (plan.id, plan.version)
        f = plan.figures
        start = plan.starts_at.astimezone(CHINA_TZ)
        end = plan.ends_at.astimezone(CHINA_TZ)
        status_sym, colour = STATUS_LOOK.get(plan.status, ("?", MUTED))
        lines = [
            f"<b>#{plan.id} {plan.shift_name} {start:%m-%d %H:%M}–{end:%m-%d %H:%M}</b> "
            f"<span style='color:{colour.name()}'>{status_sym} {status_label(plan.status)}</span>",
            self.tr("Expected incidents %1: <b>%2</b> within 3 minutes, <b>%3</b> backed up "
                    "within 5").replace("%1", f"{f.get('total_demand', 0):.1f}")
            .replace("%2", f"{plan.once_share:.1%}").replace("%3", f"{plan.twice_share:.1%}"),
            # The model's reach, not a forecast of compliance: a chief comparing it with the
            # board's figures must not read 90% as what the shift will achieve.
            f"<span style='color:{MUTED.name()}'>"
            + self.tr("Reach from the planned points with every unit free there; calls a unit is "
                      "out on and the time to set off are not counted. Replay a past period for "
                      "the response the plan would have given.") + "</span>",
            self.tr("Solver: %1 in %2 s; %3 cells merged into %4 rows").replace("%1", _solver_text(plan))
            .replace("%2", f"{f.get('solve_seconds', 0):.2f}")
            .replace("%3", str(f.get("demand_rows", 0))).replace("%4", str(f.get("merged_rows", 0))),
        ]
        if f.get("key_sites_total"):
            lines.append(self.tr("Key sites in their ring: %1/%2").replace("%1", str(f["key_sites_met"]))
                         .replace("%2", str(f["key_sites_total"])))
        if f.get("zones_total"):
            lines.append(self.tr("Zones holding a unit: %1/%2").replace("%1", str(f["zones_met"]))
                         .replace("%2", str(f["zones_total"])))
        lines.extend(self._constraint_lines(plan, drawing))
        lines += [f"<span style='color:{NEAR.darker(130).name()}'>▲ {escape(message_text(n))}</span>"
                  for n in f.get("notes") or ()]
        if plan.taken_over:
            signs = {int(a["unit_id"]): a["call_sign"] for a in plan.assignments}
            lines.append(f"<span style='color:{NEAR.darker(130).name()}'>▲ "
                         + _tr("Following a later plan where the two overlap: %1").replace(
                             "%1", "、".join(f"{signs.get(u, u)} → #{pid}"
                                            for u, pid in sorted(plan.taken_over.items())))
                         + "</span>")
        if plan.decided_by:
            lines.append(self.tr("Decided by %1 %2").replace(
                "%1", escape(plan.decided_by_name or plan.decided_by)).replace(
                "%2", f"{plan.decided_at.astimezone(CHINA_TZ):%m-%d %H:%M}" if plan.decided_at else ""))
        if plan.note:  # the chief's word to the shift, given as he decided: the sheet prints it
            lines.append(self.tr("Note: %1").replace("%1", escape(plan.note)))
        if f.get("edited"):
            lines.append(f"<span style='color:{NEAR.darker(130).name()}'>▲ "
                         + self.tr("edited by the chief; figures rescored") + "</span>")
        self.figures.setText("<br>".join(lines))
        self._rescoring += 1
        self.edit_figures.setVisible(False)
        self._show_duties(plan.visits)
        self._fill_assignments(plan, drawing)
        self.map.show_plan(drawing)
        self._set_decidable(plan.status == "proposed" and self.may_decide)
        self.sheet_btn.setEnabled(True)

    def _tell_decided_elsewhere(self, plan: PlanInfo) -> None:
        """The proposal the chief was editing here was decided at another seat: the table is about
        to show that plan as it stands, so say that his edits (and note) were not applied."""
        shown = self.plan
        if shown is None or shown.id != plan.id or shown.status != "proposed" or plan.status == "proposed":
            return
        edits, note = self.edits(), self.note.text().strip()
        self.accept_btn.setText(self.tr("Accept"))
        if not edits and not note:
            return
        if plan.status == "superseded":
            # By a plan accepted at another seat, or by the re-plan's newer proposal (Run now).
            text = self.tr("Plan %1 was superseded by a newer plan for the same shift while you "
                           "were editing it; your edits were not applied")
        else:
            when = f"{plan.decided_at.astimezone(CHINA_TZ):%H:%M}" if plan.decided_at else ""
            text = (self.tr("Plan %1 was %2 by %3 at %4 while you were editing it; your edits were "
                            "not applied").replace("%2", status_label(plan.status))
                    .replace("%3", plan.decided_by_name or plan.decided_by).replace("%4", when))
        self.app.notify(text.replace("%1", str(plan.id)), "warning")

    def _show_duties(self, visits: Sequence[TimedVisit]) -> None:
        """Must-patrol points open for only a part of the shift: the planned unit that reaches
        each soonest goes there while it is open, then back to its point. One line each: six
        school gates at 08:00 are read down a list, not along a paragraph."""
        self.duties.setVisible(bool(visits))
        lines = [self.tr("Timed duties (定时守点): %1").replace("%1", "")]
        for v in visits:
            duty = (self.tr("%1 %2 → %3, %4 min away").replace("%1", v.window)
                    .replace("%2", escape(v.point_name)).replace("%3", escape(v.call_sign))
                    .replace("%4", f"{v.seconds / 60:.0f}"))
            if v.clash:
                duty = (f"<span style='color:{BREACH.name()}'>{duty} {CLASH_MARK}"
                        + self.tr("due elsewhere at that time too") + "</span>")
            lines.append("&nbsp;&nbsp;&nbsp;" + duty)
        self.duties.setText("<br>".join(lines))

    def _constraint_lines(self, plan: PlanInfo, drawing: PlanDrawing) -> list[str]:
        """The chief's constraints the plan was solved under, by name."""
        c = plan.constraints or {}
        names = {k[0]: k[1] for k in drawing.candidates}
        signs = {str(a["unit_id"]): a["call_sign"] for a in plan.assignments}
        out = []
        pins = c.get("pins") or {}
        if pins:
            out.append(_tr("Pinned: %1").replace("%1", "、".join(
                f"{signs.get(str(u), u)} → {names.get(k, k)}"
                for u, k in sorted(pins.items(), key=lambda kv: str(signs.get(str(kv[0]), kv[0]))))))
        zone_names = {int(z[0]): z[1] for z in plan.figures.get("zone_rows", [])}
        if c.get("zones"):
            out.append(_tr("Zones required: %1").replace("%1", "、".join(
                zone_names.get(int(z), str(z)) for z in c["zones"])))
        site_names = {int(k[0]): k[1] for k in plan.figures.get("key_site_rows", [])}
        if c.get("key_sites"):
            out.append(_tr("Key sites required: %1").replace("%1", "、".join(
                site_names.get(int(k), str(k)) for k in c["key_sites"])))
        if not out:
            return []
        return [_tr("Constraints") + " — " + "；".join(out)]

    def _fill_assignments(self, plan: PlanInfo, drawing: PlanDrawing) -> None:
        self.assign.setRowCount(len(plan.assignments))
        kinds = {c[0]: c[2] for c in drawing.candidates}
        for r, a in enumerate(plan.assignments):
            # A pinned unit is marked with a word, not an emoji: a seat without an emoji font
            # (the offscreen render here) shows a box.
            unit = QLabel(f"  {a['call_sign']}" + ("  " + _tr("(pinned)") if a.get("pinned") else "")
                          + (f"  → #{plan.taken_over[int(a['unit_id'])]}"
                             if int(a["unit_id"]) in plan.taken_over else ""))
            unit.setFont(ui_font(10, bold=True))
            self.assign.setCellWidget(r, 0, unit)
            combo = QComboBox()
            for key, name, kind, _lon, _lat in drawing.candidates:
                combo.addItem(f"{name}  ({point_kind(kind)})", key)
            combo.setCurrentIndex(max(combo.findData(a["point_key"]), 0))
            combo.setEnabled(plan.status == "proposed" and self.may_decide)
            combo.currentIndexChanged.connect(self._edited)
            self.assign.setCellWidget(r, 1, combo)
            self.assign.setCellWidget(r, 2, QLabel(point_kind(kinds.get(a["point_key"], ""))))
        # Cell widgets join the end of the window's Tab chain (after every other panel): the
        # points follow their table, then the note and Accept.
        previous: QWidget = self.assign
        for r in range(self.assign.rowCount()):
            point = self.assign.cellWidget(r, 1)
            QWidget.setTabOrder(previous, point)
            previous = point
        QWidget.setTabOrder(previous, self.note)
        self.assign.resizeColumnToContents(0)
        self._fit_table()

    def _fit_table(self) -> None:
        """The table as tall as its rows (at most half the room), the figures the rest."""
        total = sum(self.upper_lower.sizes())
        if total <= 0:
            return
        rows = self.assign.rowCount() * self.assign.verticalHeader().defaultSectionSize()
        table = min(self.assign.horizontalHeader().height() + rows + 2 * self.assign.frameWidth() + 2,
                    total // 2)
        self.upper_lower.setSizes([total - table, table])

    def edits(self) -> dict[int, str]:
        if self.plan is None:
            return {}
        out = {}
        for r, a in enumerate(self.plan.assignments):
            combo = self.assign.cellWidget(r, 1)
            if isinstance(combo, QComboBox) and combo.currentData() != a["point_key"]:
                out[int(a["unit_id"])] = combo.currentData()
        return out

    def _edited(self) -> None:
        edits = self.edits()
        self.accept_btn.setText(self.tr("Accept with %n edit(s)", "", len(edits)) if edits
                                else self.tr("Accept"))
        if self.drawing is not None and self.plan is not None:
            kinds = {c[0]: c[2] for c in self.drawing.candidates}
            for r in range(self.assign.rowCount()):
                combo, kind = self.assign.cellWidget(r, 1), self.assign.cellWidget(r, 2)
                if isinstance(combo, QComboBox) and isinstance(kind, QLabel):
                    kind.setText(point_kind(kinds.get(combo.currentData(), "")))
            self._rescore(edits)
            cands = {c[0]: (c[3], c[4]) for c in self.drawing.candidates}
            # The timed duties as they would fall with these edits (and on the map with them).
            visits, drawing = allocation.edited_duties(self.plan, self.drawing, edits)
            self._show_duties(visits)
            self.map.show_plan(drawing, override={u: cands[k] for u, k in edits.items()})

    def _rescore(self, edits: dict[int, str]) -> None:
        """The figures the plan would have with these edits, worked out off the GUI thread."""
        self._rescoring += 1
        asked = self._rescoring
        if not edits or self.plan is None:
            self.edit_figures.setVisible(False)
            return
        proposed = self.plan

        def show(figures: Any) -> None:
            if asked != self._rescoring:
                return  # a later edit, or another plan opened since
            text = (self.tr("With your edits: <b>%1</b> within 3 minutes (proposed %2), <b>%3</b> "
                            "backed up within 5 (proposed %4)")
                    .replace("%1", f"{figures.once_share:.1%}").replace("%2", f"{proposed.once_share:.1%}")
                    .replace("%3", f"{figures.twice_share:.1%}").replace("%4", f"{proposed.twice_share:.1%}"))
            short = []
            if figures.key_sites_met < figures.key_sites_total:
                short.append(self.tr("key sites in their ring %1/%2").replace(
                    "%1", str(figures.key_sites_met)).replace("%2", str(figures.key_sites_total)))
            if figures.zones_met < figures.zones_total:
                short.append(self.tr("zones holding a unit %1/%2").replace(
                    "%1", str(figures.zones_met)).replace("%2", str(figures.zones_total)))
            if short:  # the edit undoes a constraint the chief set: said, not hidden in a count
                text += "<br>▲ " + self.tr("No longer met: %1").replace("%1", "；".join(short))
            self._show_rescored(text, NEAR.darker(130) if short else INFO)

        def failed(exc: BaseException) -> None:
            if asked == self._rescoring:  # two cars on a one-car point: said before he accepts
                said = (message_text(exc.bare_message) if isinstance(exc, ValidationError)
                        else error_text(exc))
                self._show_rescored("✖ " + escape(said), BREACH)

        self.app.run(allocation.edited_figures, self.app.ctx, proposed.id, edits,
                     on_done=guarded(self, show), on_error=guarded(self, failed))

    def _show_rescored(self, text: str, colour: Any) -> None:
        self.edit_figures.setText(f"<span style='color:{colour.name()}'>{text}</span>")
        self.edit_figures.setVisible(True)

    def open_sheet(self) -> PatrolSheetDialog | None:
        if self.plan is None:
            return None
        dialog = PatrolSheetDialog(self.app, self.plan.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _set_decidable(self, on: bool) -> None:
        for w in (self.accept_btn, self.reject_btn, self.note):
            w.setEnabled(on)

    def decide(self, decision: str) -> None:
        if self.plan is None:
            return
        edits = self.edits() if decision == "accept" else {}
        self._set_decidable(False)
        self.app.run(allocation.decide_plan, self.app.ctx, self.plan.id, self.plan.version, decision,
                     assignments=edits or None, note=self.note.text().strip(),
                     on_done=guarded(self, self._decided), on_error=guarded(self, self._decide_failed))

    def _decide_failed(self, exc: BaseException) -> None:
        self._set_decidable(self.plan is not None and self.plan.status == "proposed")
        self.app.report_error(exc)

    def _decided(self, plan: PlanInfo) -> None:
        self.plan = plan
        self._opening = plan.id
        self.note.clear()
        self.accept_btn.setText(self.tr("Accept"))
        self.app.announce(plan.change)
        if plan.status == "accepted":
            self.app.notify(self.tr("Plan %1 accepted: it is the shift's patrol orders now")
                            .replace("%1", str(plan.id)))
        for n in plan.notes:  # which earlier plan it replaced, wholly or for some units
            self.app.notify(message_text(n), "warning")


def create_panel(app: AppContext) -> QWidget:
    return AllocationPanel(app)

