"""The intake dialog: a duty officer takes a call in seconds from the keyboard, warned of repeats."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.categories import CHANNELS, CategoryDef
from ...domain.clock import local
from ...domain.errors import KnownError, ValidationError
from ...domain.phone_check import mistyped_mobile
from ...services import views as saved
from ...services.incidents.intake import (
    IncidentDraft,
    categories_in,
    check_repeats,
    intake_incident,
)
from ...services.incidents.views import IncidentView, RepeatWarning
from ...services.map_data import GridCard, grid_card
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import error_text
from ..forms import grow_within_screen
from ..labels import incident_status, pick
from ..repeat_kinds import KINDS, flagged_kinds, repeat_kind_short
from ..theme import BREACH, NEAR, ui_font
from .fields import AddressEdit, CategoryEdit


class IntakeDialog(QDialog):
    """Fields in the order a call goes; Ctrl+Enter takes it in, Ctrl+L links it to a repeat."""

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.result_view: IncidentView | None = None
        self.warning = RepeatWarning()
        self._check_seq = 0
        self._saving = False  # a take-in is on its way to the database
        self.setWindowTitle(self.tr("Take in an incident (接警)"))
        self.setFont(ui_font(11))
        self.setMinimumWidth(760)

        self.channel = QComboBox()
        for code, (zh, en) in CHANNELS.items():
            self.channel.addItem(pick(zh, en), code)
        self.category = CategoryEdit()
        self.category.setPlaceholderText(self.tr("家庭, jtjf, 0601 or 纠纷/家庭 - arrows choose, Tab or Enter takes it"))
        # The station's own tree (its names and paths); the shipped one serves until it comes.
        app.run(categories_in, app.ctx, on_done=guarded(self, self.category.set_tree),
                on_error=lambda _e: None)
        self.priority = QComboBox()
        for p, label in ((1, self.tr("1 urgent (急)")), (2, self.tr("2 normal (一般)")),
                         (3, self.tr("3 routine (缓)"))):
            self.priority.addItem(label, p)
        self.priority.setCurrentIndex(1)
        self.reinforcement = QCheckBox(self.tr("Needs reinforcement"))
        self.address = AddressEdit(self._fetch_addresses)
        self.address.setPlaceholderText(self.tr("Street and number; past addresses complete"))
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("lon, lat (from a past address or the map)"))
        self.grid_label = QLabel("")
        self.grid_id: int | None = None
        self.caller_name = QLineEdit()
        self.caller_phone = QLineEdit()
        self.caller_phone.setPlaceholderText("138…")
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setMinimumHeight(72)  # a taller dialog gives the call's content the room

        form = QFormLayout()
        row1 = QHBoxLayout()
        row1.addWidget(self.channel, 1)
        row1.addWidget(QLabel(self.tr("Priority")))
        row1.addWidget(self.priority, 1)
        row1.addWidget(self.reinforcement)
        form.addRow(self._label(self.tr("&Channel"), self.channel), row1)
        form.addRow(self.tr("Ca&tegory"), self.category)
        form.addRow("", self.category.results)
        form.addRow(self.tr("&Address"), self.address)
        loc = QHBoxLayout()
        loc.addWidget(self.location, 2)
        loc.addWidget(self.grid_label, 1)
        form.addRow(self._label(self.tr("Locat&ion"), self.location), loc)
        caller = QHBoxLayout()
        caller.addWidget(self.caller_name, 1)
        caller.addWidget(QLabel(self.tr("Phone")))
        caller.addWidget(self.caller_phone, 1)
        form.addRow(self._label(self.tr("Ca&ller"), self.caller_name), caller)
        # A mobile number a digit short or long: pointed out, never refused (see phone_check).
        self.phone_hint = QLabel()
        self.phone_hint.setStyleSheet(f"color: {NEAR.darker(125).name()}")
        self.phone_hint.hide()
        form.addRow("", self.phone_hint)
        form.addRow(self.tr("C&ontent"), self.content)

        # The repeat warning: hidden until a check finds earlier incidents.
        self.repeat_box = QFrame()
        self.repeat_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.repeat_box.setObjectName("repeatBox")
        self.repeat_box.setStyleSheet(f"QFrame#repeatBox {{ border: 2px solid {NEAR.name()}; }}")
        self.repeat_title = QLabel()
        self.repeat_title.setFont(ui_font(12, bold=True))
        self.repeat_table = QTableWidget(0, 6)
        self.repeat_table.setHorizontalHeaderLabels([
            self.tr("Repeat"), self.tr("Number"), self.tr("Received"), self.tr("Category"),
            self.tr("Address"), self.tr("Status"),
        ])
        self.repeat_table.verticalHeader().hide()
        self.repeat_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.repeat_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.repeat_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab moves on to 关联 and 接警; the arrows move between the earlier calls.
        self.repeat_table.setTabKeyNavigation(False)
        # The address takes the room the others leave: resizeColumnsToContents() fixed it at its
        # text's width and left a blank band right of the status column.
        header = self.repeat_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.repeat_table.setMaximumHeight(150)
        self.link_button = QPushButton(self.tr("&Link call to selected incident (Ctrl+L)"))
        self.link_button.clicked.connect(self.link_selected)
        rb = QVBoxLayout(self.repeat_box)
        rb.addWidget(self.repeat_title)
        rb.addWidget(self.repeat_table)
        rb.addWidget(self.link_button, 0, Qt.AlignmentFlag.AlignRight)
        self.repeat_box.hide()

        self.error = QLabel()
        self.error.setStyleSheet(f"color: {BREACH.name()}; font-weight: bold")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.take_button = buttons.addButton(self.tr("Take in (Ctrl+Enter)"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.take_button.clicked.connect(self.take_in)
        buttons.rejected.connect(self.reject)
        self.take_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.repeat_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.take_in)
        QShortcut(QKeySequence("Ctrl+L"), self, self.link_selected)

        self.category.picked.connect(self._category_picked)
        self.address.chosen.connect(self._address_chosen)
        self._recheck = QTimer(self, singleShot=True, interval=350)
        self._recheck.timeout.connect(self.check_repeats)
        for w in (self.caller_phone, self.address, self.location):
            w.textChanged.connect(lambda _t: self._recheck.start())
        self.caller_phone.textChanged.connect(self._check_phone)
        self.content.textChanged.connect(self._recheck.start)
        self.category.picked.connect(lambda _c: self._recheck.start())
        app.selected.connect(self._on_selected)
        app.point_picked.connect(self._on_point_picked)
        self.category.setFocus()

    # -- fields ----------------------------------------------------------------------------
    def _check_phone(self, text: str) -> None:
        digits = mistyped_mobile(text)
        if digits is None:
            self.phone_hint.hide()
            return
        self.phone_hint.setText(self.tr("A mobile number has 11 digits; this one has %1. Check it with the caller.")
                                .replace("%1", str(digits)))
        self.phone_hint.show()

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        # A row holding a layout gets no buddy from QFormLayout; the Alt shortcut needs one.
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _fetch_addresses(self, text: str, deliver: Any) -> None:
        self.app.run(saved.address_suggestions, self.app.ctx, text, on_done=guarded(self, deliver),
                     on_error=lambda _e: None)  # completion is a convenience, never an error

    def _category_picked(self, c: CategoryDef) -> None:
        self.priority.setCurrentIndex(self.priority.findData(c.default_priority))
        self.reinforcement.setChecked(c.needs_reinforcement)

    def _address_chosen(self, past: Any) -> None:
        if past.lon is not None and past.lat is not None:
            self.location.setText(f"{past.lon:.6f}, {past.lat:.6f}")
        self.grid_id = past.grid_id
        self.grid_label.setText(self.tr("grid as before") if past.grid_id else "")

    def _on_selected(self, entity: str, entity_id: int) -> None:
        # Picking a grid on the map while this dialog is open locates the call in it.
        if entity == "grid":
            self.grid_id = entity_id
            self.grid_label.setText(self.tr("grid picked on the map"))
            # The officer reads the grid's code and name (JWQ01-05-13 东润花园二期), not its row id.
            self.app.run(grid_card, self.app.ctx, entity_id, recent=0,
                         on_done=guarded(self, lambda card: self._grid_named(entity_id, card)))

    def _grid_named(self, grid_id: int, card: GridCard) -> None:
        if self.grid_id == grid_id:  # not since replaced by another pick or a past address
            self.grid_label.setText(self.tr("grid %1 from the map")
                                    .replace("%1", f"{card.code} {card.name}".strip()))

    def _on_point_picked(self, lon: float, lat: float) -> None:
        # The place itself, not only its grid: the service resolves the grid from it exactly.
        self.location.setText(f"{lon:.6f}, {lat:.6f}")

    def _coordinates(self) -> tuple[float | None, float | None]:
        text = self.location.text().replace("，", ",").strip()
        if not text:
            return None, None
        parts = [p for p in text.replace(" ", ",").split(",") if p]
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            raise ValidationError(self.tr("write longitude, latitude, e.g. 116.4012, 39.9034"),
                                  field="location") from None
        return lon, lat

    def draft(self) -> IncidentDraft:
        if self.category.category is None:
            raise ValidationError(self.tr("choose a category (type its name, pinyin initials or code)"),
                                  field="category_code")
        lon, lat = self._coordinates()
        return IncidentDraft(
            channel=self.channel.currentData(), category_code=self.category.category.code,
            address=self.address.text().strip(), caller_name=self.caller_name.text().strip(),
            caller_phone=self.caller_phone.text().strip(),
            content=self.content.toPlainText().strip(), priority=self.priority.currentData(),
            lon=lon, lat=lat, grid_id=self.grid_id if lon is None else None,
            needs_reinforcement=self.reinforcement.isChecked(),
        )

    # -- repeats ---------------------------------------------------------------------------
    def check_repeats(self) -> None:
        try:
            draft = self.draft()
        except ValidationError:
            return
        if not draft.address and not draft.caller_phone:
            return
        self._check_seq += 1
        seq = self._check_seq
        self.app.run(check_repeats, self.app.ctx, draft,
                     on_done=guarded(self, lambda w: self._show_warning(w) if seq == self._check_seq else None),
                     on_error=lambda _e: None)  # the full check runs again on take-in

    def _show_warning(self, warning: RepeatWarning) -> None:
        self.warning = warning
        if not warning:
            self.repeat_box.hide()
            return
        kinds = flagged_kinds(bool(warning.caller), bool(warning.place), bool(warning.matter))
        self.repeat_title.setText("▲ " + " · ".join(kinds) + " — " + self.tr(
            "%n earlier incident(s); link this call if it is the same matter", "", len(warning.matches)))
        t = self.repeat_table
        t.setRowCount(len(warning.matches))
        first_open = -1
        for i, m in enumerate(warning.matches):
            values = [
                "/".join(repeat_kind_short(k) for k in KINDS if k in m.kinds),
                m.number, local(m.received_at).strftime("%m-%d %H:%M"), m.category_name,
                m.address, incident_status(m.status),
            ]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, m.incident_id)
                t.setItem(i, j, item)
            if first_open < 0 and m.status != "closed":
                first_open = i
        if first_open >= 0:
            t.selectRow(first_open)
        self.link_button.setEnabled(bool(warning.open_matches))
        self.repeat_box.show()
        # The earlier calls in view, not one and a half rows of them (on a 1366x768 screen the
        # dialog opened 492 px high and the warning was squeezed into it).
        grow_within_screen(self)

    def selected_match(self) -> int | None:
        rows = self.repeat_table.selectionModel().selectedRows()
        if not rows:
            return None
        m = self.warning.matches[rows[0].row()]
        return m.incident_id if m.status != "closed" else None

    # -- taking in -------------------------------------------------------------------------
    def take_in(self) -> None:
        self._submit(None)

    def link_selected(self) -> None:
        target = self.selected_match()
        if target is None:
            self._show_error(self.tr("Select an open incident in the repeat list to link to."))
            return
        self._submit(target)

    def _submit(self, link_to: int | None) -> None:
        # One call, one incident: Ctrl+Enter pressed again while the first is saving went past
        # the disabled button (the shortcuts still fire) and took the call in three times.
        if self._saving:
            return
        try:
            draft = self.draft()
        except ValidationError as exc:
            self._show_error(error_text(exc), exc.field)
            return
        self._saving = True
        self.take_button.setEnabled(False)
        self.link_button.setEnabled(False)
        self.app.run(intake_incident, self.app.ctx, draft, link_to=link_to,
                     on_done=guarded(self, lambda v: self._done(v, link_to)),
                     on_error=guarded(self, self._failed))

    def _done(self, view: IncidentView, link_to: int | None) -> None:
        self.result_view = view
        self.app.announce(view.change)
        if link_to is None:
            self.app.notify(self.tr("Incident %1 taken in").replace("%1", view.number))
        else:
            self.app.notify(self.tr("Call linked to incident %1").replace("%1", view.number))
        self.app.select("incident", view.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.take_button.setEnabled(True)
        self.link_button.setEnabled(bool(self.warning.open_matches))
        if isinstance(exc, KnownError):
            self._show_error(error_text(exc), getattr(exc, "field", None))
        else:
            self.app.report_error(exc)

    def _show_error(self, text: str, field: str | None = None) -> None:
        self.error.setText(text)
        self.error.show()
        grow_within_screen(self)
        widget = {
            "category_code": self.category, "address": self.address, "caller_phone": self.caller_phone,
            "caller_name": self.caller_name, "content": self.content, "priority": self.priority,
            "lon": self.location, "lat": self.location, "location": self.location,
            "channel": self.channel,
        }.get(field or "")
        if widget is not None:
            widget.setFocus()
