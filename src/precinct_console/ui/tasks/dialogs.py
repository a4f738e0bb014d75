"""Task dialogs: feedback built from the catalogue task's fields, a new task, a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ValidationError
from ...domain.task_fields import (
    LONGTEXT_MAX,
    PAST_DATE_KEYS,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    FieldDef,
    validate_feedback,
)
from ...services.task_catalogue import TemplateInfo
from ...services.tasks import GridChoice
from ..error_text import error_text
from ..forms import error_line, form_with_buttons, ok_cancel, scroll_area

FIELDS_HEIGHT = 480  # px of feedback fields in view at most; more scroll


def limit_text(edit: QPlainTextEdit, limit: int) -> QPlainTextEdit:
    """Stop a plain-text box at the service's limit (QPlainTextEdit has no maxLength).

    What was just typed or pasted past the limit is removed at the cursor, so the text already
    there is kept. Counted in UTF-16 units as Qt does: never more than the service's count.
    """
    def trim() -> None:
        excess = len(edit.toPlainText().encode("utf-16-le")) // 2 - limit
        if excess <= 0:
            return
        cursor = edit.textCursor()
        if cursor.position() < excess:  # not typed at the cursor (a stored value): cut the end
            cursor.movePosition(QTextCursor.MoveOperation.End)
        end = cursor.position()
        cursor.setPosition(max(0, end - excess))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        edit.setTextCursor(cursor)
    edit.textChanged.connect(trim)
    trim()  # a longer stored value is cut at once, not when the officer starts typing
    return edit


def _date(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class FeedbackDialog(QDialog):
    """One input per field of the task's catalogue entry; errors are shown next to the form."""

    def __init__(self, title: str, fields: tuple[FieldDef, ...], today: date,
                 previous: dict[str, Any] | None = None, parent: QWidget | None = None,
                 sent_on: date | None = None):
        super().__init__(parent)
        # The service's date bounds (China-time days), so the date edits cannot go past them.
        self.today, self.sent_on = today, sent_on
        self.setWindowTitle(self.tr("Feed back: {title}").format(title=title))
        self.setMinimumWidth(460)
        self.fields = fields
        self.inputs: dict[str, QWidget] = {}
        previous = previous or {}
        form = QFormLayout()
        for f in fields:
            widget = self._input(f, today, previous.get(f.key))
            widget.setObjectName(f"field_{f.key}")
            self.inputs[f.key] = widget
            label = f.label + (" *" if f.required and f.kind != "bool" else "")
            form.addRow(label, widget)
        self.summary = limit_text(QPlainTextEdit(str(previous.get("summary", ""))), LONGTEXT_MAX)
        self.summary.setPlaceholderText(self.tr("Anything else the command room should know"))
        self.summary.setMaximumHeight(70)
        form.addRow(self.tr("Remarks"), self.summary)
        self.error = error_line()
        # A catalogue entry may ask for any number of fields: past FIELDS_HEIGHT they scroll, so
        # the dialog fits a 1366x768 screen (728 px above the taskbar) with OK in view.
        form.setContentsMargins(0, 0, 0, 0)
        rows = QWidget()
        rows.setLayout(form)
        self.fields_area = scroll_area(rows)
        self.fields_area.setMinimumHeight(min(rows.sizeHint().height(), FIELDS_HEIGHT))
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields_area, 1)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        self.result_values: dict[str, Any] = {}

    def _input(self, f: FieldDef, today: date, value: Any) -> QWidget:
        if f.kind == "choice":
            box = QComboBox()
            box.addItem("", "")
            for c in f.choices:
                box.addItem(c, c)
            if value in f.choices:
                box.setCurrentIndex(f.choices.index(value) + 1)
            return box
        if f.kind == "int":
            # One below the lowest value stands for "not filled in" (shown blank), so a
            # required number is never silently sent as 0.
            spin = QSpinBox()
            low = (f.minimum if f.minimum is not None else 0) - 1
            spin.setRange(low, 10_000_000)
            spin.setSpecialValueText(" ")
            spin.setValue(int(value) if value is not None else low)
            return spin
        if f.kind == "bool":
            check = QCheckBox()
            check.setChecked(bool(value))
            return check
        if f.kind == "date":
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            if self.sent_on is not None:
                edit.setMinimumDate(_date(self.sent_on))
            if f.key in PAST_DATE_KEYS:
                edit.setMaximumDate(_date(today))
            d = date.fromisoformat(value) if value else today
            edit.setDate(_date(d))
            return edit
        if f.kind == "longtext":
            text = limit_text(QPlainTextEdit(str(value or "")), LONGTEXT_MAX)
            text.setMaximumHeight(90)
            return text
        line = QLineEdit(str(value or ""))
        line.setMaxLength(TEXT_MAX)
        return line

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.inputs[f.key]
            if isinstance(w, QComboBox):
                out[f.key] = w.currentData() or ""
            elif isinstance(w, QSpinBox):
                out[f.key] = None if w.value() == w.minimum() else w.value()
            elif isinstance(w, QCheckBox):
                out[f.key] = w.isChecked()
            elif isinstance(w, QDateEdit):
                out[f.key] = w.date().toString("yyyy-MM-dd")
            elif isinstance(w, QPlainTextEdit):
                out[f.key] = w.toPlainText()
            elif isinstance(w, QLineEdit):
                out[f.key] = w.text()
        out["summary"] = self.summary.toPlainText()
        return out

    def accept(self) -> None:
        # Checked here with the same rules the service applies, so the officer sees the
        # problem at once; the service checks again (another client may skip this dialog).
        try:
            self.result_values = validate_feedback(self.fields, self.values(),
                                                   sent_on=self.sent_on, today=self.today)
        except ValidationError as exc:
            self.error.setText(error_text(exc))
            if exc.field in self.inputs:
                self.fields_area.ensureWidgetVisible(self.inputs[exc.field])
                self.inputs[exc.field].setFocus()
            return
        super().accept()


class NewTaskDialog(QDialog):
    """Send a task by hand: catalogue entry, title, grid (routes to its officer), details."""

    def __init__(self, templates: list[TemplateInfo], grids: list[GridChoice],
                 officers: list[tuple[int, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New follow-up task"))
        self.template = QComboBox()
        for t in templates:
            self.template.addItem(
                self.tr("{section} · {name} ({hours} h)").format(
                    section=t.section, name=t.name, hours=t.feedback_hours), t.code)
        self.template.setEditable(True)
        self.template.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(TITLE_MAX)
        self.grid = QComboBox()
        self.grid.addItem(self.tr("(no grid)"), None)
        for g in grids:
            self.grid.addItem(f"{'  ' * (g.level - 1)}{g.code} {g.name}", g.id)
        self.assignee = QComboBox()
        self.assignee.addItem(self.tr("The grid's community officer"), None)
        for oid, name, badge in officers:
            self.assignee.addItem(f"{name} ({badge})", oid)
        self.detail = limit_text(QPlainTextEdit(), LONGTEXT_MAX)
        self.detail.setMaximumHeight(100)
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Catalogue task"), self.template)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Grid"), self.grid)
        form.addRow(self.tr("Send to"), self.assignee)
        form.addRow(self.tr("Details"), self.detail)
        form_with_buttons(self, form, self.error)
        self.template.currentIndexChanged.connect(self._default_title)
        self._default_title()

    def _default_title(self) -> None:
        if not self.title_edit.isModified():
            self.title_edit.setText(self.template.currentText().split("·")[-1].split("(")[0].strip())

    def accept(self) -> None:
        if not self.title_edit.text().strip():
            self.error.setText(self.tr("field 'title': must be filled in"))
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        return {"template_code": self.template.currentData(),
                "title": self.title_edit.text().strip(),
                "grid_id": self.grid.currentData(),
                "assignee_officer_id": self.assignee.currentData(),
                "detail": self.detail.toPlainText()}


class ReasonDialog(QDialog):
    """A short required text: why a task is returned or escalated."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = limit_text(QPlainTextEdit(), REASON_MAX)
        self.text.setMaximumHeight(90)
        buttons = ok_cancel(self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.value())))
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def value(self) -> str:
        return self.text.toPlainText().strip()
