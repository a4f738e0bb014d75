"""The board panel: filter bar and saved views, the incident table with live timers, the detail pane."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.categories import CATEGORIES
from ...domain.errors import ConflictError
from ...domain.lifecycle import STATUS_LABELS_ZH
from ...domain.response import TimerState
from ...services import views as saved
from ...services.incidents.queries import get_incident, recommend_units
from ...services.incidents.steps import add_note, correct_event, reopen_incident
from ...services.incidents.views import IncidentRow, IncidentView
from ...services.tasks import list_grids
from ..alerts.monitor import alert_monitor
from ..context import AppContext
from ..forms import Failed, TextDialog, submit_form, try_again_over
from ..i18n import QT_TRANSLATE_NOOP
from ..theme import BREACH, NEAR, ui_font
from .actions import BoardActions
from .columns import BoardColumns
from .correction import CorrectionForm
from .detail import DetailPane
from .guard import guarded
from .model import BoardFilter
from .state import board_state
from .table import ROW_ROLE
from .timers import LiveTextDelegate, TimerDelegate
from .view import LiveTableView

PANEL_KEY = "board"
NOTE_LIMIT = 2000  # characters: what add_note accepts
# Status filter choices: what a dispatcher asks for ("waiting for a unit", "on the way", ...).
STATUS_GROUPS: list[tuple[str, frozenset[str]]] = [
    (QT_TRANSLATE_NOOP("BoardPanel", "All open"), frozenset()),
    (QT_TRANSLATE_NOOP("BoardPanel", "Waiting for dispatch (待派)"), frozenset({"received"})),
    (QT_TRANSLATE_NOOP("BoardPanel", "Dispatched, not on scene"), frozenset({"dispatched", "signed", "set_off"})),
    (QT_TRANSLATE_NOOP("BoardPanel", "On scene (到场)"), frozenset({"arrived"})),
    (QT_TRANSLATE_NOOP("BoardPanel", "Handled, feedback due"), frozenset({"handled", "fed_back"})),
]


class BoardPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.state = board_state(app)
        self.monitor = alert_monitor(app)
        self.model = self.state.model
        self._selected_id: int | None = None
        self._detail_seq = 0
        self.setFont(ui_font(11))

        # -- filter bar --------------------------------------------------------------------
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("Filter: number, address, caller, phone, content… (Ctrl+F)"))
        self.text.setClearButtonEnabled(True)
        self.status = QComboBox()
        for title, _st in STATUS_GROUPS:
            self.status.addItem(self.tr(title))
        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), "")
        for c in CATEGORIES:
            if c.level == 1:
                self.category.addItem(f"{c.code} {c.name_zh}", c.code)
        self.district = QComboBox()
        self.district.addItem(self.tr("All districts"), "")
        self.grid = QLineEdit()
        self.grid.setPlaceholderText(self.tr("Grid"))
        self.grid.setMaximumWidth(140)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("Unit"))
        self.unit.setMaximumWidth(110)
        self.repeats = QCheckBox(self.tr("Repeats"))
        self.views = QComboBox()
        self.views.setMinimumWidth(140)
        self.views.setToolTip(self.tr("Saved views"))
        self.save_view = QPushButton(self.tr("Save view…"))
        self.delete_view = QPushButton(self.tr("Delete"))
        # Two rows: the text filter gets the room a typed address needs, even beside the detail pane.
        self.text.setMinimumWidth(260)
        bar = QVBoxLayout()
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(self.text, 1)
        for button in (self.views, self.save_view, self.delete_view):
            first.addWidget(button)
        for field in (self.status, self.category, self.district, self.grid, self.unit, self.repeats):
            second.addWidget(field)
        second.addStretch(1)
        bar.addLayout(first)
        bar.addLayout(second)

        # -- the table ---------------------------------------------------------------------
        self.table = LiveTableView()
        self.table.setModel(self.model)
        # F2 puts the keyboard in the list, where the arrows pick an incident and its keys act.
        self.keyboard_home = self.table
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.horizontalHeader().setFont(ui_font(11, bold=True))
        self.table.horizontalHeader().setHighlightSections(False)
        self.delegate = TimerDelegate(self.table, timer_at=self.model.timer_at)
        self.age_delegate = LiveTextDelegate(self.table, text_at=self.model.text_at)
        self.columns = BoardColumns(self.table, self.model, self.delegate, self.age_delegate, self)

        self.detail = DetailPane()
        self.detail.dispatch_requested.connect(self._dispatch_unit)
        # On a short board the pane scrolls rather than squeezing its parts over one another
        # (the dispatch button used to cover the suggested units).
        self.detail_scroll = detail_scroll = QScrollArea()
        detail_scroll.setWidget(self.detail)
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(detail_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        # A quarter of the width (about the pane's own size hint): the incident's title and the
        # shortfall fit on two lines, and beside the alert dock at 1600x1000 the table keeps
        # 编号 to 地址 in view (a third left 状态 off-screen).
        split.setSizes([1000, 340])

        self.summary = QLabel()
        self._waiting = 0  # incidents waiting for dispatch, recounted when rows change
        self.summary.setFont(ui_font(12, bold=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)

        self.board_actions = BoardActions(self)
        self.detail.set_keys_hint(self.board_actions.keys_hint())

        # -- wiring ------------------------------------------------------------------------
        self._filter_timer = QTimer(self, singleShot=True, interval=0)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.text.textChanged.connect(self._filter_timer.start)
        self.grid.textChanged.connect(self._filter_timer.start)
        self.unit.textChanged.connect(self._filter_timer.start)
        self.status.currentIndexChanged.connect(self._filter_timer.start)
        self.category.currentIndexChanged.connect(self._filter_timer.start)
        self.district.currentIndexChanged.connect(self._filter_timer.start)
        self.repeats.toggled.connect(self._filter_timer.start)
        self.views.activated.connect(self._view_chosen)
        self.save_view.clicked.connect(self.ask_save_view)
        self.delete_view.clicked.connect(self.delete_current_view)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # Counting a few thousand rows per inserted row would add up in a surge: coalesce.
        self._summary_timer = QTimer(self, singleShot=True, interval=100)
        self._summary_timer.timeout.connect(self._update_summary)
        self.model.rowsInserted.connect(self._summary_timer.start)
        self.model.rowsRemoved.connect(self._summary_timer.start)
        self.model.modelReset.connect(self._summary_timer.start)
        self.model.rowsMoved.connect(lambda *_: self._keep_selection_visible())
        self.state.ticked.connect(self._ticked_summary)
        self.state.ticked.connect(guarded(self, lambda: self.detail.tick(self.app.clock())))
        self.state.rows_changed.connect(self._rows_changed)
        app.selected.connect(self._on_selected)
        app.reconnected.connect(guarded(self, self._reconnected))
        self.load_views()
        app.run(list_grids, app.ctx, on_done=guarded(self, self._grids_loaded), on_error=lambda _e: None)
        self._update_summary()

    def _dispatch_unit(self, unit_id: int) -> None:
        self.board_actions.dispatch(unit_id)

    def focus_filter(self) -> None:
        self.text.setFocus()
        self.text.selectAll()

    def _update_summary(self, *_: Any) -> None:
        """Recount after rows changed; a tick only changes the alert counts (_show_summary)."""
        self._waiting = sum(1 for r in self.model.rows() if r.status == "received")
        self._show_summary()

    def _ticked_summary(self) -> None:
        if self._summary_timer.isActive():  # rows changed and the recount is still to come
            self._summary_timer.stop()
            self._update_summary()
        else:
            self._show_summary()

    def _show_summary(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.all_ids())
        counts = {TimerState.BREACHED: 0, TimerState.NEAR: 0}
        waiting = self._waiting
        for level in self.model.alerting.values():
            counts[TimerState.BREACHED if level == "breach" else TimerState.NEAR] += 1
        parts = [self.tr("%1 shown of %2 open").replace("%1", str(shown)).replace("%2", str(total)),
                 self.tr("%1 waiting for dispatch").replace("%1", str(waiting))]
        text = " · ".join(parts)
        alerts = []
        if counts[TimerState.BREACHED]:
            alerts.append(f"<span style='color:{BREACH.name()}'>✖ "
                          + self.tr("%1 breached").replace("%1", str(counts[TimerState.BREACHED]))
                          + "</span>")
        if counts[TimerState.NEAR]:
            alerts.append(f"<span style='color:{NEAR.darker(130).name()}'>▲ "
                          + self.tr("%1 near").replace("%1", str(counts[TimerState.NEAR]))
                          + "</span>")
        text += "  ·  " + "  ".join(alerts) if alerts else ""
        if text != self.summary.text():  # a rich-text label re-lays itself out on every setText
            self.summary.setText(text)

    # -- filtering -------------------------------------------------------------------------
    def current_filter(self) -> BoardFilter:
        return BoardFilter(
            statuses=STATUS_GROUPS[max(0, self.status.currentIndex())][1],
            category=self.category.currentData() or "", grid=self.grid.text().strip(),
            district=self.district.currentData() or "",
            unit=self.unit.text().strip(), text=self.text.text().strip(),
            repeats_only=self.repeats.isChecked(),
        )

    def apply_filter(self) -> None:
        f = self.current_filter()
        self.model.set_filter(None if f.is_empty() else f.accepts)
        if self._selected_id is not None and not self.table.currentIndex().isValid():
            self.select_incident(self._selected_id)  # a reset of a broad filter change drops it
        self._keep_selection_visible()
        self._update_summary()

    def set_filter(self, f: BoardFilter) -> None:
        """Show a saved view: the widgets take its values, the model filters once."""
        widgets = (self.text, self.grid, self.unit, self.status, self.category, self.district,
                   self.repeats)
        for w in widgets:
            w.blockSignals(True)
        self.text.setText(f.text)
        self.grid.setText(f.grid)
        self.unit.setText(f.unit)
        idx = next((i for i, (_t, st) in enumerate(STATUS_GROUPS) if st == f.statuses), 0)
        self.status.setCurrentIndex(idx)
        self.category.setCurrentIndex(max(0, self.category.findData(f.category)))
        self.district.setCurrentIndex(max(0, self.district.findData(f.district)))
        self.repeats.setChecked(f.repeats_only)
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def _grids_loaded(self, grids: list[Any]) -> None:
        for g in grids:
            if g.level == 1:  # large grids: the police districts (警务区)
                self.district.addItem(f"{g.name} {g.code}", g.code)
        self.district.setVisible(self.district.count() > 1)

    # -- saved views -----------------------------------------------------------------------
    def load_views(self) -> None:
        self.app.run(saved.list_views, self.app.ctx, PANEL_KEY, on_done=guarded(self, self._views_loaded),
                     on_error=lambda _e: None)

    def _views_loaded(self, views: list[saved.SavedViewInfo]) -> None:
        current = self.views.currentText()
        self.views.blockSignals(True)
        self.views.clear()
        self.views.addItem(self.tr("(no saved view)"), None)
        for v in views:
            self.views.addItem(v.name, v)
        i = self.views.findText(current)
        self.views.setCurrentIndex(max(0, i))
        self.views.blockSignals(False)
        self.delete_view.setEnabled(self.views.currentData() is not None)

    def _view_chosen(self, index: int) -> None:
        v = self.views.itemData(index)
        self.delete_view.setEnabled(v is not None)
        self.set_filter(BoardFilter() if v is None else BoardFilter.from_dict(v.definition))

    def ask_save_view(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save view"), self.tr("Name of this view"),
                                        text=self.views.currentText() if self.views.currentData() else "")
        if ok and name.strip():
            self.save_current_view(name.strip())

    def save_current_view(self, name: str) -> None:
        def done(info: saved.SavedViewInfo) -> None:
            self.app.notify(self.tr("View '%1' saved").replace("%1", info.name))
            self._views_loaded_then_select(info.name)

        self.app.run(saved.save_view, self.app.ctx, PANEL_KEY, name, self.current_filter().to_dict(),
                     on_done=guarded(self, done))

    def _views_loaded_then_select(self, name: str) -> None:
        def loaded(views: list[saved.SavedViewInfo]) -> None:
            self._views_loaded(views)
            self.views.setCurrentIndex(max(0, self.views.findText(name)))
            self.delete_view.setEnabled(self.views.currentData() is not None)

        self.app.run(saved.list_views, self.app.ctx, PANEL_KEY, on_done=guarded(self, loaded))

    def delete_current_view(self) -> None:
        v = self.views.currentData()
        if v is not None:
            self.app.run(saved.delete_view, self.app.ctx, v.id,
                         on_done=guarded(self, lambda _r: self.load_views()))

    # -- selection and detail --------------------------------------------------------------
    def current_row(self) -> IncidentRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row: IncidentRow | None = index.data(ROW_ROLE)
        return row

    def select_incident(self, incident_id: int) -> bool:
        index = self.model.index_of(incident_id)
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _keep_selection_visible(self) -> None:
        if self._selected_id is not None and self.model.position(self._selected_id) is not None:
            self.table.scrollTo(self.model.index_of(self._selected_id))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: IncidentRow | None = current.data(ROW_ROLE) if current.isValid() else None
        new_id = row.id if row else None
        if new_id == self._selected_id:
            return
        self._selected_id = new_id
        if row is None:
            self.detail.clear()
            return
        self.app.select("incident", row.id)
        self.refresh_detail(row.id)

    def _on_selected(self, entity: str, entity_id: int) -> None:
        if (entity == "incident" and entity_id != self._selected_id
                and not self.select_incident(entity_id) and self.state.is_loaded):
            # Not on the board yet (e.g. just taken in, the fetch still running): try shortly.
            QTimer.singleShot(300, guarded(self, lambda: self.select_incident(entity_id)))

    def refresh_detail(self, incident_id: int) -> None:
        self._detail_seq += 1
        seq = self._detail_seq

        def fetch(ctx: Any, incident_id: int) -> tuple[Any, Any]:
            detail = get_incident(ctx, incident_id)
            rec = None
            if detail.row.status in ("received", "dispatched", "signed", "set_off", "arrived"):
                rec = recommend_units(ctx, incident_id)
            return detail, rec

        def done(result: tuple[Any, Any]) -> None:
            if seq != self._detail_seq:
                return  # the officer moved on to another row
            detail, rec = result
            first_look = self.detail.detail is None or self.detail.detail.row.id != incident_id
            self.detail.show_detail(detail)
            self.detail.show_recommendation(rec)
            if first_look and rec is not None and rec.options:
                # On a short screen (1366x768 beside the alert dock) a long call content pushed
                # the dispatch button below the pane's fold: bring the choice into view when
                # an incident is opened (not on every re-fetch, which would undo his scrolling).
                QTimer.singleShot(0, guarded(self, lambda: self.detail_scroll.ensureWidgetVisible(
                    self.detail.dispatch_top, 0, 8)))

        self.app.run(fetch, self.app.ctx, incident_id, on_done=guarded(self, done))

    def _reconnected(self) -> None:
        # The detail fetched during the outage failed: show the incident as it stands now.
        if self._selected_id is not None:
            self.refresh_detail(self._selected_id)

    def _rows_changed(self, rows: list[IncidentRow]) -> None:
        self._summary_timer.start()
        # Another seat (or this one) changed the incident being looked at.
        if (self._selected_id is not None and not self.board_actions.busy
                and any(r.id == self._selected_id for r in rows)):
            self.refresh_detail(self._selected_id)

    # -- dialogs ---------------------------------------------------------------------------
    def open_intake(self) -> None:
        from ..intake.dialog import IntakeDialog

        dialog = IntakeDialog(self.app, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_handover(self) -> None:
        from ..handover.dialog import open_handover

        open_handover(self.app, self)

    def open_history(self) -> None:
        from .history import HistoryDialog

        dialog = HistoryDialog(self.app, self.board_actions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def choose_unit(self, step: str, units: list[tuple[int, str]]) -> int | None:
        names = [sign for _uid, sign in units]
        label = STATUS_LABELS_ZH.get(step, step)
        name, ok = QInputDialog.getItem(self, label, self.tr("Which unit?"), names, 0, False)
        return units[names.index(name)][0] if ok and name in names else None

    def ask_reopen(self) -> None:
        row = self.current_row()
        if row is None:
            self.open_history()  # closed incidents are reopened from the search
            return
        dlg = TextDialog(self.tr("Reopen %1").replace("%1", row.number), self.tr("Why is it reopened?"),
                         NOTE_LIMIT, self)

        version = [row.version]  # the incident as this form knows it (see write_from_form)

        def send(v: dict[str, Any], failed: Failed) -> None:
            # An empty reason is refused by the service and shown in the form, the text kept.
            self.write_from_form(dlg, row, try_again_over(failed, version, int), reopen_incident,
                                  row.id, v["text"], expected_version=version[0],
                                  done_text=QCoreApplication.translate("", "%1 reopened"))

        submit_form(dlg, self, self.app.report_error, send)

    def ask_note(self) -> None:
        row = self.board_actions.row_to_act_on()
        if row is None:
            return
        dlg = TextDialog(self.tr("Note on %1").replace("%1", row.number), self.tr("Note"), NOTE_LIMIT, self)

        def send(v: dict[str, Any], failed: Failed) -> None:
            if v["text"]:  # OK on an empty box records nothing, as before
                self.write_from_form(dlg, row, failed, add_note, row.id, v["text"])
            else:
                dlg.deleteLater()

        submit_form(dlg, self, self.app.report_error, send)

    def ask_correction(self) -> None:
        row = self.board_actions.row_to_act_on()
        detail = self.detail.detail
        if row is None or detail is None or detail.row.id != row.id:
            return
        dlg = CorrectionForm(detail, self)
        # The incident as the form shows it: not the board's version when OK is pressed, which
        # has read another seat's change by then and put this correction over it unsaid.
        version = [detail.row.version]

        def send(v: dict[str, Any], failed: Failed) -> None:
            self.write_from_form(dlg, row, try_again_over(failed, version, int), correct_event,
                                  row.id, v["event_id"], at=v["at"], void=v["void"],
                                  reason=v["reason"], expected_version=version[0],
                                  done_text=QCoreApplication.translate("", "%1: correction recorded"))

        submit_form(dlg, self, self.app.report_error, send)

    def write_from_form(self, dlg: QWidget, row: IncidentRow, failed: Failed,
                         fn: Callable[..., IncidentView], *args: Any, done_text: str = "",
                         **kwargs: Any) -> None:
        """A write typed into a form: done as the board's keys are (BoardActions), but a refusal
        goes back to the form, shown again with what was typed, instead of the status bar."""
        actions = self.board_actions
        actions.busy.add(row.id)

        def done(view: IncidentView) -> None:
            actions.written(row.id, view, done_text)
            dlg.deleteLater()

        def refused(exc: BaseException) -> None:
            actions.busy.discard(row.id)
            if isinstance(exc, ConflictError):
                # Another seat changed the incident: show it as it is now. OK again is checked
                # against the change the refusal named (forms.try_again_over, in `failed`), not
                # against this reload, which may bring a later one the officer was never told of.
                self.state.on_change_ids({row.id})
                self.refresh_detail(row.id)
            failed(exc)

        self.app.run(fn, self.app.ctx, *args, on_done=guarded(self, done),
                     on_error=guarded(self, refused), **kwargs)


def make_board_panel(app: AppContext) -> QWidget:
    return BoardPanel(app)
