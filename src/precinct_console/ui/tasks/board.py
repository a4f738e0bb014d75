"""The task board: open follow-up tasks with live countdowns, filters, detail and every action."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from ...domain.changes import Change, ChangeItem
from ...domain.clock import local
from ...domain.permissions import Role, is_permitted
from ...services import tasks as task_service
from ...services.task_views import TaskDetail, TaskRow
from ...services.tasks import TaskRef
from ..alerts.sound import AlertSound
from ..context import AppContext
from ..record_selection import RecordSelection, lay_out_register, record_table
from ..theme import BREACH, NEAR, STATE_SYMBOLS, ui_font
from .detail import task_detail_html
from .dialogs import FeedbackDialog, NewTaskDialog, ReasonDialog
from .model import COL_COUNTDOWN, STATUS_TEXT, TaskFilter, TaskTableModel
from .model import tr as model_tr
from .worklist import WorkListDialog


class TaskBoard(QWidget, RecordSelection):
    record_entity = "task"

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setObjectName("TaskBoard")
        self.model = TaskTableModel(app.clock, self)
        self.detail: TaskDetail | None = None
        self.last_incident_id: int | None = None
        self.officers: list[tuple[int, str, str]] = []
        self._ticks = 0
        self.loaded = False  # the first full load has arrived
        self.sound = AlertSound(self)
        self._build()
        app.tick.connect(self.on_tick)
        app.changed.connect(self.on_changed)
        app.selected.connect(self.on_selected)
        self.reload()
        app.run(task_service.list_officers, app.ctx, on_done=self._set_officers)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        role = self.app.ctx.actor.role
        self.can_create = is_permitted(role, "task.create")
        self.can_act = is_permitted(role, "task.act")
        self.can_verify = is_permitted(role, "task.verify")

        self.summary = QLabel()
        self.summary.setFont(ui_font(11, bold=True))
        self.new_button = QPushButton(self.tr("&New task…"))
        self.from_incident_button = QPushButton(self.tr("From &incident…"))
        self.worklist_button = QPushButton(self.tr("&Work list…"))
        self.catalogue_button = QPushButton(self.tr("Catalogue…"))
        self.rules_button = QPushButton(self.tr("Rules…"))
        for b in (self.new_button, self.from_incident_button):
            b.setEnabled(self.can_create)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.from_incident_button)
        top.addWidget(self.worklist_button)
        # Administration stays out of the way of those who may not use it.
        if is_permitted(role, "catalogue.edit"):
            top.addWidget(self.catalogue_button)
        if is_permitted(role, "settings.edit"):
            top.addWidget(self.rules_button)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter: number, title, grid, officer, incident…"))
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("All open"), "")
        self.status_filter.addItem(STATE_SYMBOLS["breached"] + " " + self.tr("Overdue"), "overdue")
        self.status_filter.addItem("⇑ " + self.tr("Escalated"), "escalated")
        for key in ("sent", "signed", "fed_back", "returned"):
            self.status_filter.addItem(model_tr(STATUS_TEXT[key]), key)
        self.assignee_filter = QComboBox()
        self.assignee_filter.addItem(self.tr("Every officer"), None)
        self.unassigned = QCheckBox(self.tr("Unassigned only"))
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.assignee_filter, 1)
        filters.addWidget(self.unassigned)

        self.table = record_table(self.model, (140, 200, 65, 260, 110, 100, 65, 110, 85))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_COUNTDOWN, Qt.SortOrder.AscendingOrder)
        self.info = QTextBrowser()
        self.info.setOpenLinks(False)
        self.sign_button = QPushButton(self.tr("&Sign"))
        self.feedback_button = QPushButton(self.tr("&Feed back…"))
        self.verify_button = QPushButton(self.tr("&Verify && close"))
        self.return_button = QPushButton(self.tr("&Return…"))
        self.escalate_button = QPushButton(self.tr("&Escalate…"))
        self.reassign_button = QPushButton(self.tr("Re&assign…"))
        lay_out_register(self, (top, filters), self.table, self.info,
                         (self.sign_button, self.feedback_button, self.verify_button,
                          self.return_button, self.escalate_button, self.reassign_button), (1140, 440))

        # A keystroke re-filters at once (cheap), but typing fast coalesces into one pass.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(60)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._filter_timer.start)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.assignee_filter.currentIndexChanged.connect(self.apply_filter)
        self.unassigned.toggled.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self.on_selection)
        self.new_button.clicked.connect(self.new_task)
        self.from_incident_button.clicked.connect(self.from_incident)
        self.worklist_button.clicked.connect(self.open_worklist)
        self.catalogue_button.clicked.connect(self.open_catalogue)
        self.rules_button.clicked.connect(self.open_rules)
        self.sign_button.clicked.connect(self.sign)
        self.feedback_button.clicked.connect(self.feed_back)
        self.verify_button.clicked.connect(self.verify)
        self.return_button.clicked.connect(self.return_for_rework)
        self.escalate_button.clicked.connect(self.escalate)
        self.reassign_button.clicked.connect(self.reassign)
        self.show_detail(None)

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self.app.run(task_service.list_open_tasks, self.app.ctx, on_done=self._loaded)

    def _loaded(self, rows: list[TaskRow]) -> None:
        self.keeping_selection(lambda: self.model.set_rows(rows))
        self.loaded = True
        self.update_summary()

    def _set_officers(self, officers: list[tuple[int, str, str]]) -> None:
        self.officers = officers
        for oid, name, badge in officers:
            self.assignee_filter.addItem(f"{name} ({badge})", oid)
        if self.app.ctx.actor.role is Role.COMMUNITY_OFFICER:
            # A community officer opens the board on their own tasks (the filter stays changeable).
            self.app.run(task_service.officer_for_user, self.app.ctx, on_done=self._own_filter)

    def _own_filter(self, officer_id: int | None) -> None:
        if officer_id is not None and (i := self.assignee_filter.findData(officer_id)) >= 0:
            self.assignee_filter.setCurrentIndex(i)

    def apply_filter(self) -> None:
        self.keeping_selection(lambda: self.model.set_filter(TaskFilter(
            self.search.text(), self.status_filter.currentData() or "",
            self.assignee_filter.currentData(), None, self.unassigned.isChecked())))

    def update_summary(self) -> None:
        c = self.model.counts()
        self.summary.setText(self.tr(
            "{open} open · {sym_b} {overdue} overdue · {sym_n} {near} near · "
            "{fed} to verify · {un} unassigned").format(
            open=c["open"], overdue=c["overdue"], near=c["near"], fed=c["fed_back"],
            un=c["unassigned"], sym_b=STATE_SYMBOLS["breached"], sym_n=STATE_SYMBOLS["near"]))
        colour = BREACH if c["overdue"] else NEAR if c["near"] else None
        self.summary.setStyleSheet(f"color: {colour.name()}" if colour else "")

    # -- live updates ----------------------------------------------------------------------
    def visible_rows(self) -> tuple[int, int]:
        top = self.table.rowAt(0)
        if top < 0:
            return (0, -1)
        bottom = self.table.rowAt(self.table.viewport().height() - 1)
        return (top, bottom if bottom >= 0 else self.model.rowCount() - 1)

    def on_tick(self) -> None:
        self.model.tick(rows=self.visible_rows())
        crossed = self.model.crossed()
        if crossed:
            self.raise_alerts(crossed)
        self._ticks += 1
        if self._ticks % 10 == 0:  # the header's counts need a scan: every ten seconds is enough
            self.update_summary()
            if self.detail is not None:
                self.show_detail(self.detail)

    def raise_alerts(self, crossed: list[tuple[TaskRow, str]]) -> None:
        """Same behaviour as the incident timers: a sound, a notification naming the task, and
        the Alert rows and escalation written off the GUI thread (idempotent across seats)."""
        worst = "breach" if any(level == "breach" for _, level in crossed) else "near"
        self.sound.play(worst)
        for row, level in crossed[:5]:
            deadline = self.tr("sign-off") if row.status == "sent" else self.tr("feedback")
            text = (self.tr("Task {number} {title}: {deadline} overdue")
                    if level == "breach" else
                    self.tr("Task {number} {title}: {deadline} due soon"))
            self.app.notify(text.format(number=row.number, title=row.title, deadline=deadline),
                            "error" if level == "breach" else "warning")
        if len(crossed) > 5:
            self.app.notify(self.tr("{n} more tasks changed state").format(n=len(crossed) - 5),
                            "warning")
        if self.can_verify:
            def done(run: Any) -> None:
                items = [ChangeItem("task", i, "updated") for i in run.changed_ids]
                if run.near_alerts or run.breach_alerts:
                    items.append(ChangeItem("alert", None, "created"))
                self.app.announce(Change(tuple(items)))
            self.app.run(task_service.escalate_overdue, self.app.ctx, on_done=done)

    def on_changed(self, change: Change) -> None:
        # A whole-station change (demo reloaded, bulk import) names no row: load everything.
        if any(i.entity in ("task", "station") and i.entity_id is None for i in change.items):
            self.reload()
            return
        ids = change.ids("task")
        if ids:
            self.app.run(task_service.task_rows, self.app.ctx, ids, on_done=self._upsert)

    def _upsert(self, rows: list[TaskRow]) -> None:
        self.model.upsert(rows)
        self.update_summary()
        current = self.current_id()
        if current is not None and any(r.id == current for r in rows):
            self.load_detail(current)

    # -- selection and detail (RecordSelection) ------------------------------------------------
    def detail_service(self) -> Callable[..., Any]:
        return task_service.task_detail

    def detail_id(self, detail: TaskDetail) -> int:
        return detail.row.id

    def show_detail(self, detail: TaskDetail | None) -> None:
        self.detail = detail
        status = detail.row.status if detail else ""
        self.sign_button.setEnabled(self.can_act and status == "sent")
        self.feedback_button.setEnabled(self.can_act and status in ("signed", "returned"))
        self.verify_button.setEnabled(self.can_verify and status == "fed_back")
        self.return_button.setEnabled(self.can_verify and status == "fed_back")
        self.escalate_button.setEnabled(self.can_verify and status in ("sent", "signed", "returned"))
        self.reassign_button.setEnabled(self.can_create and status in ("sent", "signed", "returned"))
        if detail is None:
            self.info.setHtml("<p style='color:#777'>" + escape(self.tr("Select a task to see it here.")) + "</p>")
            return
        self.info.setHtml(self.detail_html(detail))

    def detail_html(self, d: TaskDetail) -> str:
        return task_detail_html(d, self.app.clock())

    # -- actions ---------------------------------------------------------------------------
    def _after_write(self, ref: TaskRef, message: str) -> None:
        self.app.announce(Change((ChangeItem("task", ref.id, "updated"),)))
        self.app.notify(message.format(number=ref.number))

    def _write(self, fn: Any, *args: Any, message: str) -> None:
        self.app.run(fn, self.app.ctx, *args,
                     on_done=lambda ref: self._after_write(ref, message),
                     on_error=self._write_failed)

    def _write_failed(self, exc: BaseException) -> None:
        # A conflict names who changed the task; show the fresh state at once.
        self.app.report_error(exc)
        if self.detail is not None:
            self.app.run(task_service.task_rows, self.app.ctx, [self.detail.row.id],
                         on_done=self._upsert)

    def sign(self) -> None:
        if self.detail:
            r = self.detail.row
            self._write(task_service.sign_task, r.id, r.version, message=self.tr("Task {number} signed"))

    def feed_back(self) -> None:
        if not self.detail:
            return
        d = self.detail
        dialog = FeedbackDialog(d.row.title, d.fields, local(self.app.clock()).date(), d.feedback, self,
                                sent_on=local(d.row.created_at).date())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._write(task_service.feed_back_task, d.row.id, d.row.version, dialog.result_values,
                        message=self.tr("Feedback on {number} sent"))

    def verify(self) -> None:
        if self.detail:
            r = self.detail.row
            self._write(task_service.verify_task, r.id, r.version,
                        message=self.tr("Task {number} verified and closed"))

    def _reason(self, title: str, prompt: str) -> str | None:
        dialog = ReasonDialog(title, prompt, self)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def return_for_rework(self) -> None:
        if self.detail and (reason := self._reason(self.tr("Return for rework"),
                                                   self.tr("What must be redone?"))):
            r = self.detail.row
            self._write(task_service.return_task, r.id, r.version, reason,
                        message=self.tr("Task {number} returned for rework"))

    def escalate(self) -> None:
        if self.detail and (reason := self._reason(self.tr("Escalate to the station chief"),
                                                   self.tr("Why must the chief step in?"))):
            r = self.detail.row
            self._write(task_service.escalate_task, r.id, r.version, reason,
                        message=self.tr("Task {number} escalated"))

    def reassign(self) -> None:
        if not self.detail or not self.officers:
            return
        names = [f"{name} ({badge})" for _, name, badge in self.officers]
        choice, ok = QInputDialog.getItem(self, self.tr("Reassign"), self.tr("Send to"), names, 0, False)
        if ok:
            officer_id = self.officers[names.index(choice)][0]
            r = self.detail.row
            self._write(task_service.reassign_task, r.id, r.version, officer_id,
                        message=self.tr("Task {number} reassigned"))

    def new_task(self) -> None:
        def open_dialog(loaded: tuple[Any, Any]) -> None:
            templates, grids = loaded
            dialog = NewTaskDialog(templates, grids, self.officers, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                v = dialog.values()
                self._write_new(task_service.create_task, v.pop("template_code"), v.pop("title"), **v)

        def load(ctx: Any) -> tuple[Any, Any]:
            return task_service.list_templates(ctx), task_service.list_grids(ctx)
        self.app.run(load, self.app.ctx, on_done=open_dialog)

    def _write_new(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        def done(ref: TaskRef) -> None:
            self._after_write(ref, self.tr("Task {number} sent"))
            QTimer.singleShot(300, lambda: self.select_record(ref.id))
        self.app.run(fn, self.app.ctx, *args, on_done=done, **kwargs)

    def from_incident(self) -> None:
        default = ""
        if self.last_incident_id is not None:
            default = str(self.last_incident_id)
        number, ok = QInputDialog.getText(
            self, self.tr("Follow-up for an incident"),
            self.tr("Incident number (the incident selected on the board is used when empty):"),
            text="")
        if not ok:
            return
        key = number.strip() or default
        if not key:
            self.app.notify(self.tr("Select an incident on the board or type its number"), "warning")
            return

        def create(ctx: Any, key: str) -> TaskRef:
            inc = task_service.find_incident(ctx, key)
            return task_service.create_task_from_incident(ctx, inc.id)
        self._write_new(create, key)

    def open_worklist(self) -> None:
        def open_dialog(own: int | None) -> None:
            WorkListDialog(self.app, self.officers, own, parent=self).exec()
        self.app.run(task_service.officer_for_user, self.app.ctx, on_done=open_dialog)


    def open_catalogue(self) -> None:
        from .catalogue import CatalogueDialog

        def show(templates: list[Any]) -> None:
            CatalogueDialog(self.app, templates, self).exec()
        self.app.run(task_service.list_templates, self.app.ctx, include_inactive=True, on_done=show)

    def open_rules(self) -> None:
        from .catalogue import RulesDialog

        def load(ctx: Any) -> tuple[Any, Any]:
            return task_service.get_rule_config(ctx), task_service.list_templates(ctx)
        def show(loaded: tuple[Any, Any]) -> None:
            config, templates = loaded
            RulesDialog(self.app, config, templates, self).exec()
        self.app.run(load, self.app.ctx, on_done=show)


def create_panel(app: AppContext) -> QWidget:
    """PanelSpec factory ("tasks")."""
    return TaskBoard(app)
