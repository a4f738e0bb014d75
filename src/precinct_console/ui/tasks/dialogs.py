"""Task dialogs: feedback built from the catalogue task's fields, a new task, a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
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
from ...domain.task_fields import FieldDef, validate_feedback
from ...services.task_catalogue import TemplateInfo
from ...services.tasks import GridChoice
from ..error_text import error_text
from ..forms import error_line, form_with_buttons, ok_cancel


class FeedbackDialog(QDialog):
    """One input per field of the task's catalogue entry; errors are shown next to the form."""

    def __init__(self, title: str, fields: tuple[FieldDef, ...], today: date,
                 previous: dict[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
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
        self.summary = QPlainTextEdit(str(previous.get("summary", "")))
        self.summary.setPlaceholderText(self.tr("Anything else the command room should know"))
        self.summary.setMaximumHeight(70)
        form.addRow(self.tr("Remarks"), self.summary)
        self.error = error_line()
        form_with_buttons(self, form, self.error)
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
            d = date.fromisoformat(value) if value else today
            edit.setDate(QDate(d.year, d.month, d.day))
            return edit
        if f.kind == "longtext":
            text = QPlainTextEdit(str(value or ""))
            text.setMaximumHeight(90)
            return text
        return QLineEdit(str(value or ""))

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
            self.result_values = validate_feedback(self.fields, self.values())
        except ValidationError as exc:
            self.error.setText(error_text(exc))
            if exc.field in self.inputs:
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
        self.grid = QComboBox()
        self.grid.addItem(self.tr("(no grid)"), None)
        for g in grids:
            self.grid.addItem(f"{'  ' * (g.level - 1)}{g.code} {g.name}", g.id)
        self.assignee = QComboBox()
        self.assignee.addItem(self.tr("The grid's community officer"), None)
        for oid, name, badge in officers:
            self.assignee.addItem(f"{name} ({badge})", oid)
        self.detail = QPlainTextEdit()
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
        self.text = QPlainTextEdit()
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
