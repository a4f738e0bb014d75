"""The dispute register panel: graded disputes with revisit due dates, notes, and follow-up actions."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
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
from ...domain.figures import due_day
from ...domain.permissions import is_permitted
from ...domain.task_rules import GRADES
from ...services import disputes as dispute_service
from ...services import tasks as task_service
from ...services.disputes import DisputeDetail, DisputeInfo
from ..context import AppContext
from ..i18n import tr
from ..record_selection import RecordSelection, lay_out_register, record_table
from ..theme import BREACH, NEAR, STATE_SYMBOLS, ui_font
from .dialogs import RegisterDisputeDialog
from .model import STATUS_TEXT, DisputeTableModel
from .model import tr as model_tr
from .words import grade_name, risk_name

NOTE_TEXT = {"progress": QT_TRANSLATE_NOOP("DisputePanel", "Progress"),
             "mediation": QT_TRANSLATE_NOOP("DisputePanel", "Mediation"),
             "revisit": QT_TRANSLATE_NOOP("DisputePanel", "Revisit"),
             "feedback": QT_TRANSLATE_NOOP("DisputePanel", "Feedback"),
             "resolved": QT_TRANSLATE_NOOP("DisputePanel", "Resolved"),
             "reopened": QT_TRANSLATE_NOOP("DisputePanel", "Reopened")}


class DisputePanel(QWidget, RecordSelection):
    record_entity = "dispute"

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setObjectName("DisputePanel")
        self.model = DisputeTableModel(app.clock, self)
        self.detail: DisputeDetail | None = None
        self._ticks = 0
        self.can_edit = is_permitted(app.ctx.actor.role, "dispute.edit")
        self.can_task = is_permitted(app.ctx.actor.role, "task.create")
        self.last_incident_id: int | None = None
        self._build()
        app.tick.connect(self.on_tick)
        app.changed.connect(self.on_changed)
        app.selected.connect(self.on_selected)
        self.reload()

    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setFont(ui_font(11, bold=True))
        self.register_button = QPushButton(self.tr("&Register…"))
        self.from_incident_button = QPushButton(self.tr("From &incident…"))
        for b in (self.register_button, self.from_incident_button):
            b.setEnabled(self.can_edit)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.register_button)
        top.addWidget(self.from_incident_button)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter: number, title, party, grid, officer…"))
        self.search.setClearButtonEnabled(True)
        self.grade = QComboBox()
        self.grade.addItem(self.tr("Every grade"), "")
        for g in GRADES.values():
            self.grade.addItem(f"{g.code} {grade_name(g.code)}", g.code)
        self.resolved = QCheckBox(self.tr("Include resolved"))
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.grade)
        filters.addWidget(self.resolved)

        self.table = record_table(self.model, (145, 70, 125, 240, 80, 120, 110, 45, 80, 70))  # "◷ 13 天后（12-19）" whole
        self.info = QTextBrowser()
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.note_button = QPushButton(self.tr("Add &note…"))
        self.revisit_button = QPushButton(self.tr("Re&visit done…"))
        self.grade_button = QPushButton(self.tr("&Grade…"))
        self.link_button = QPushButton(self.tr("&Link incident…"))
        self.link_button.setToolTip(self.tr("The parties called again: add that incident to this dispute"))
        self.task_button = QPushButton(self.tr("Send revisit &task"))
        self.resolve_button = QPushButton(self.tr("Re&solve…"))
        self.reopen_button = QPushButton(self.tr("Re&open…"))
        lay_out_register(self, (top, filters), self.table, self.info,
                         (self.edit_button, self.note_button, self.revisit_button, self.grade_button,
                          self.link_button, self.task_button, self.resolve_button, self.reopen_button),
                         (1100, 480))

        self.search.textChanged.connect(self.apply_filter)
        self.grade.currentIndexChanged.connect(self.apply_filter)
        self.resolved.toggled.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self.on_selection)
        self.register_button.clicked.connect(self.register)
        self.from_incident_button.clicked.connect(self.from_incident)
        self.edit_button.clicked.connect(self.edit)
        self.note_button.clicked.connect(lambda: self.add_note("progress"))
        self.revisit_button.clicked.connect(lambda: self.add_note("revisit"))
        self.grade_button.clicked.connect(self.change_grade)
        self.link_button.clicked.connect(self.link_incident)
        self.task_button.clicked.connect(self.send_task)
        self.resolve_button.clicked.connect(self.resolve)
        self.reopen_button.clicked.connect(self.reopen)
        self.show_detail(None)

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self.app.run(dispute_service.list_disputes, self.app.ctx,
                     include_resolved=self.resolved.isChecked(), on_done=self._loaded)

    def _loaded(self, rows: list[DisputeInfo]) -> None:
        self.keeping_selection(lambda: self.model.set_rows(rows))
        self.update_summary()

    def apply_filter(self) -> None:
        self.keeping_selection(
            lambda: self.model.set_filter(self.search.text(), self.grade.currentData() or ""))

    def update_summary(self) -> None:
        c = self.model.counts()
        self.summary.setText(self.tr(
            "{open} open · A {a} · B {b} · {sym_b} {overdue} revisits overdue · "
            "{sym_n} {today} due today").format(
            open=c["open"], a=c["A"], b=c["B"], overdue=c["overdue"], today=c["today"],
            sym_b=STATE_SYMBOLS["breached"], sym_n=STATE_SYMBOLS["near"]))
        colour = BREACH if c["overdue"] else NEAR if c["today"] else None
        self.summary.setStyleSheet(f"color: {colour.name()}" if colour else "")

    def on_tick(self) -> None:
        self._ticks += 1
        if self._ticks % 60 == 0:  # revisits are due by the day: once a minute is plenty
            self.model.tick()
            self.update_summary()

    def on_changed(self, change: Change) -> None:
        if change.touches("dispute", "dispute_note", "task", "station"):
            self.reload()
            current = self.current_id()
            if current is not None:
                self.load_detail(current)

    # -- selection and detail (RecordSelection) ------------------------------------------------
    def detail_service(self) -> Callable[..., Any]:
        return dispute_service.dispute_detail

    def detail_id(self, detail: DisputeDetail) -> int:
        return detail.info.id

    def show_detail(self, detail: DisputeDetail | None) -> None:
        self.detail = detail
        status = detail.info.status if detail else ""
        open_ = status in ("open", "mediating")
        self.edit_button.setEnabled(self.can_edit and bool(detail))
        self.note_button.setEnabled(self.can_edit and bool(detail))
        self.revisit_button.setEnabled(self.can_edit and detail is not None
                                       and detail.info.next_revisit_at is not None)
        self.grade_button.setEnabled(self.can_edit and open_)
        self.link_button.setEnabled(self.can_edit and open_)
        self.task_button.setEnabled(self.can_task and open_)
        self.resolve_button.setEnabled(self.can_edit and open_)
        self.reopen_button.setEnabled(self.can_edit and status == "resolved")
        if detail is None:
            self.info.setHtml("<p style='color:#777'>" + escape(self.tr("Select a dispute to see it here.")) + "</p>")
            return
        self.info.setHtml(self.detail_html(detail))

    def detail_html(self, d: DisputeDetail) -> str:
        i = d.info
        g = GRADES.get(i.grade)
        fields = [
            (tr("Grade"), f"{i.grade} {grade_name(g.code) if g else ''} · " + tr("risk") + f" {risk_name(i.risk)}"),
            (tr("Status"), model_tr(STATUS_TEXT.get(i.status, i.status))),
            (tr("Kind"), i.kind),
            (tr("Occurred"), local(i.occurred_at).strftime("%Y-%m-%d %H:%M")),
            (tr("Place"), f"{i.address} {i.grid_name}".strip()),
            (tr("Source"), i.source),
            (tr("Mediation"), i.mediation_method),
            (tr("Responsible"), f"{i.responsible_unit} {i.responsible_officer_name}".strip()),
            (tr("Revisit by"), self._revisit_day(i)),
            (tr("Incidents"), "、".join(d.incident_numbers) or "–"),
        ]
        table = "".join(f"<tr><td style='color:#555;padding-right:10px'>{escape(k)}</td>"
                        f"<td>{escape(v)}</td></tr>" for k, v in fields)
        parties = "".join(f"<li>{escape(p.name)}（{escape(p.role)}）{escape(self._phone(p.phone))}</li>"
                          for p in i.parties)
        notes = "".join(
            f"<li>{local(n.at).strftime('%m-%d %H:%M')} <b>{escape(self.tr(str(NOTE_TEXT.get(n.kind, n.kind))))}</b>"
            f" — {escape(n.username)}: {escape(n.text)}</li>" for n in d.notes)
        tasks = "".join(f"<li>{escape(r.number)} {escape(r.title)} · {escape(r.status)}</li>"
                        for r in d.tasks)
        return (f"<h3>{escape(i.number)} · {escape(i.title)}</h3><table>{table}</table>"
                + (f"<p style='white-space:pre-wrap'>{escape(i.content)}</p>" if i.content else "")
                + "<h4>" + escape(tr("Parties")) + f"</h4><ul>{parties}</ul>"
                + "<h4>" + escape(tr("Progress")) + f"</h4><ul>{notes or '<li>–</li>'}</ul>"
                + "<h4>" + escape(tr("Follow-up tasks")) + f"</h4><ul>{tasks or '<li>–</li>'}</ul>")

    def _revisit_day(self, i: DisputeInfo) -> str:
        if i.next_revisit_at is None:
            return "–"
        # Due by the end of a day: show that day, not the midnight after it (as the ledger does).
        return due_day(i.next_revisit_at).strftime("%Y-%m-%d")

    def _phone(self, phone: str) -> str:
        if not phone:
            return ""
        if self.app.ctx.actor.may_see_personal_data or len(phone) < 7:
            return phone
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]

    # -- actions ---------------------------------------------------------------------------
    def _done(self, info: Any, message: str) -> None:
        self.app.announce(Change((ChangeItem("dispute", info.id, "updated"),)))
        self.app.notify(message.format(number=getattr(info, "number", "")))

    def _write(self, fn: Any, *args: Any, message: str, **kwargs: Any) -> None:
        self.app.run(fn, self.app.ctx, *args, on_done=lambda info: self._done(info, message),
                     **kwargs)

    def _text(self, title: str, prompt: str) -> str | None:
        from ..tasks.dialogs import ReasonDialog

        dialog = ReasonDialog(title, prompt, self)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def register(self) -> None:
        def open_dialog(grids: list[Any]) -> None:
            dialog = RegisterDisputeDialog(grids, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                v = dialog.values()
                self._write(dispute_service.register_dispute, v.pop("title"),
                            message=self.tr("Dispute {number} registered"), **v)
        self.app.run(task_service.list_grids, self.app.ctx, on_done=open_dialog)

    def edit(self) -> None:
        if not self.detail:
            return
        info = self.detail.info

        def open_dialog(grids: list[Any]) -> None:
            dialog = RegisterDisputeDialog(grids, self)
            dialog.prefill(info)
            if dialog.exec() == QDialog.DialogCode.Accepted and (changes := dialog.changes(info)):
                self._write(dispute_service.update_dispute, info.id, info.version,
                            message=self.tr("Dispute {number} updated"), **changes)
        self.app.run(task_service.list_grids, self.app.ctx, on_done=open_dialog)

    def _ask_incident(self, title: str) -> str | None:
        """An incident's number as typed, or the board's selected incident when left empty."""
        number, ok = QInputDialog.getText(
            self, title,
            self.tr("Incident number (the incident selected on the board is used when empty):"))
        if not ok:
            return None
        key = number.strip() or (str(self.last_incident_id) if self.last_incident_id else "")
        if not key:
            self.app.notify(self.tr("Select an incident on the board or type its number"), "warning")
            return None
        return key

    def from_incident(self) -> None:
        key = self._ask_incident(self.tr("Register from an incident"))
        if key is None:
            return

        def register(ctx: Any, key: str) -> DisputeInfo:
            return dispute_service.register_from_incident(ctx, task_service.find_incident(ctx, key).id)
        self._write(register, key, message=self.tr("Dispute {number} registered"))

    def link_incident(self) -> None:
        if not self.detail:
            return
        i = self.detail.info
        key = self._ask_incident(self.tr("Link an incident"))
        if key is None:
            return

        def link(ctx: Any, key: str) -> DisputeInfo:
            incident = task_service.find_incident(ctx, key)
            return dispute_service.link_incident(ctx, i.id, i.version, incident.id)
        self._write(link, key, message=self.tr("Incident linked to {number}"))

    def add_note(self, kind: str) -> None:
        if not self.detail:
            return
        title = self.tr("Revisit done") if kind == "revisit" else self.tr("Progress note")
        text = self._text(title, self.tr("What happened?"))
        if text:
            i = self.detail.info
            self._write(dispute_service.add_note, i.id, i.version, kind, text,
                        message=self.tr("Note added to {number}"))

    def change_grade(self) -> None:
        if not self.detail:
            return
        i = self.detail.info
        items = [f"{g.code} {grade_name(g.code)} — {model_tr(g.meaning)}" for g in GRADES.values()]
        current = list(GRADES).index(i.grade) if i.grade in GRADES else 2
        choice, ok = QInputDialog.getItem(self, self.tr("Grade"), self.tr("Grade of this dispute"),
                                          items, current, False)
        if ok:
            self._write(dispute_service.update_dispute, i.id, i.version, grade=choice[0],
                        message=self.tr("Dispute {number} regraded"))

    def send_task(self) -> None:
        if not self.detail:
            return
        i = self.detail.info

        def done(ref: Any) -> None:
            self.app.announce(Change((ChangeItem("task", ref.id, "created"),)))
            self.app.notify(self.tr("Task {number} sent").format(number=ref.number))
        self.app.run(task_service.create_task, self.app.ctx, "JF-01",
                     f"纠纷回访：{i.number} {i.title}"[:200], grid_id=i.grid_id,
                     assignee_officer_id=i.responsible_officer_id, dispute_id=i.id,
                     on_done=done)

    def resolve(self) -> None:
        if self.detail and (text := self._text(self.tr("Resolve"), self.tr("How was it resolved?"))):
            i = self.detail.info
            self._write(dispute_service.resolve_dispute, i.id, i.version, text,
                        message=self.tr("Dispute {number} resolved"))

    def reopen(self) -> None:
        if self.detail and (text := self._text(self.tr("Reopen"), self.tr("Why is it reopened?"))):
            i = self.detail.info
            self._write(dispute_service.reopen_dispute, i.id, i.version, text,
                        message=self.tr("Dispute {number} reopened"))


def create_panel(app: AppContext) -> QWidget:
    """PanelSpec factory ("disputes")."""
    return DisputePanel(app)
