"""Administrator's editor of the task catalogue and of the automatic follow-up rules."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.deadlines import FEEDBACK_HOURS
from ...domain.task_fields import FIELD_KINDS
from ...domain.task_rules import RuleConfig
from ...services import tasks as task_service
from ...services.task_catalogue import TemplateInfo
from ..context import AppContext
from ..error_text import error_text
from ..forms import error_line, open_within_screen
from ..i18n import QT_TRANSLATE_NOOP

FIELD_COLUMNS = (
    QT_TRANSLATE_NOOP("CatalogueDialog", "Key"),
    QT_TRANSLATE_NOOP("CatalogueDialog", "Label"),
    QT_TRANSLATE_NOOP("CatalogueDialog", "Kind"),
    QT_TRANSLATE_NOOP("CatalogueDialog", "Required"),
    QT_TRANSLATE_NOOP("CatalogueDialog", "Choices (a / b / c)"),
    QT_TRANSLATE_NOOP("CatalogueDialog", "Minimum"),
)


class CatalogueDialog(QDialog):
    """The catalogue on the left, the selected entry's deadlines and feedback fields on the right."""

    def __init__(self, app: AppContext, templates: list[TemplateInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.templates = {t.id: t for t in templates}
        self.current: TemplateInfo | None = None
        self.setWindowTitle(self.tr("Task catalogue"))
        open_within_screen(self, 1100, 640)
        self.list = QListWidget()
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.section = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setMaximumHeight(60)
        self.sign = QSpinBox()
        self.sign.setRange(5, 24 * 60)
        self.sign.setSuffix(self.tr(" min"))
        self.hours = QComboBox()
        for h in FEEDBACK_HOURS:
            self.hours.addItem(self.tr("{h} h").format(h=h), h)
        self.active = QCheckBox(self.tr("In use"))
        self.fields = QTableWidget(0, len(FIELD_COLUMNS))
        self.fields.setHorizontalHeaderLabels([self.tr(c) for c in FIELD_COLUMNS])
        self.fields.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().setVisible(False)
        add_field = QPushButton(self.tr("Add field"))
        remove_field = QPushButton(self.tr("Remove field"))
        self.new_button = QPushButton(self.tr("New task type"))
        self.save_button = QPushButton(self.tr("Save"))
        self.error = error_line()
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Code"), self.code)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Section"), self.section)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Sign within"), self.sign)
        form.addRow(self.tr("Feed back within"), self.hours)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(add_field)
        buttons.addWidget(remove_field)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel(self.tr("Fields the officer fills in on feedback")))
        right.addWidget(self.fields, 1)
        right.addWidget(self.error)
        right.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)

        self._fill_list()
        self.list.currentItemChanged.connect(self._selected)
        add_field.clicked.connect(lambda: self._add_field_row({}))
        remove_field.clicked.connect(lambda: self.fields.removeRow(self.fields.currentRow()))
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self.save)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _fill_list(self) -> None:
        self.list.clear()
        for t in sorted(self.templates.values(), key=lambda t: (t.section, t.code)):
            item = QListWidgetItem(f"{t.section} · {t.code} {t.name}" + ("" if t.active else " ✕"))
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            self.list.addItem(item)

    def _selected(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            return
        t = self.templates[item.data(Qt.ItemDataRole.UserRole)]
        self.show_template(t)

    def show_template(self, t: TemplateInfo | None) -> None:
        self.current = t
        self.error.clear()
        self.code.setText(t.code if t else "")
        self.name.setText(t.name if t else "")
        self.section.setText(t.section if t else "")
        self.description.setPlainText(t.description if t else "")
        self.sign.setValue(t.sign_minutes if t else 30)
        self.hours.setCurrentIndex(self.hours.findData(t.feedback_hours if t else 24))
        self.active.setChecked(t.active if t else True)
        self.fields.setRowCount(0)
        for f in t.fields if t else ():
            self._add_field_row(f.as_json())

    def _new(self) -> None:
        self.list.clearSelection()
        self.show_template(None)
        self.code.setFocus()

    def _add_field_row(self, f: dict[str, Any]) -> None:
        r = self.fields.rowCount()
        self.fields.insertRow(r)
        self.fields.setItem(r, 0, QTableWidgetItem(f.get("key", "")))
        self.fields.setItem(r, 1, QTableWidgetItem(f.get("label", "")))
        kind = QComboBox()
        kind.addItems(FIELD_KINDS)
        kind.setCurrentText(f.get("kind", "text"))
        self.fields.setCellWidget(r, 2, kind)
        required = QTableWidgetItem()
        required.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        required.setCheckState(Qt.CheckState.Checked if f.get("required", True) else Qt.CheckState.Unchecked)
        self.fields.setItem(r, 3, required)
        self.fields.setItem(r, 4, QTableWidgetItem(" / ".join(f.get("choices", []))))
        minimum = f.get("minimum")
        self.fields.setItem(r, 5, QTableWidgetItem("" if minimum is None else str(minimum)))

    def field_values(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.fields.rowCount()):
            def text(c: int, r: int = r) -> str:
                item = self.fields.item(r, c)
                return item.text().strip() if item else ""
            kind = self.fields.cellWidget(r, 2)
            required = self.fields.item(r, 3)
            entry: dict[str, Any] = {
                "key": text(0), "label": text(1),
                "kind": kind.currentText() if isinstance(kind, QComboBox) else "text",
                "required": (required is not None
                             and required.checkState() == Qt.CheckState.Checked),
            }
            choices = [c.strip() for c in text(4).replace("／", "/").split("/") if c.strip()]
            if choices:
                entry["choices"] = choices
            if text(5):
                entry["minimum"] = text(5)
            out.append(entry)
        return out

    def save(self) -> None:
        t = self.current
        fields = self.field_values()
        for f in fields:
            if "minimum" in f:
                try:
                    f["minimum"] = int(f["minimum"])
                except ValueError:
                    self.error.setText(self.tr("field '{key}': the minimum must be a whole number")
                                       .format(key=f["key"]))
                    return
        kwargs = dict(feedback_hours=self.hours.currentData(), fields=fields,
                      sign_minutes=self.sign.value(), section=self.section.text(),
                      description=self.description.toPlainText(), active=self.active.isChecked(),
                      template_id=t.id if t else None, expected_version=t.version if t else None)
        self.app.run(task_service.save_template, self.app.ctx, self.code.text(), self.name.text(),
                     on_done=self._saved, on_error=lambda exc: self.error.setText(error_text(exc)),
                     **kwargs)

    def _saved(self, t: TemplateInfo) -> None:
        self.templates[t.id] = t
        self._fill_list()
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == t.id:
                self.list.setCurrentRow(i)
        self.app.notify(self.tr("Catalogue task {code} saved").format(code=t.code))


class RulesDialog(QDialog):
    """The station's automatic follow-up rules."""

    def __init__(self, app: AppContext, config: RuleConfig, templates: list[TemplateInfo],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(self.tr("Automatic follow-up rules"))
        self.dispute = QCheckBox(self.tr("Every dispute incident gets a follow-up"))
        self.caller = QCheckBox(self.tr("Same caller (一人多警)"))
        self.place = QCheckBox(self.tr("Same place (一地多警)"))
        self.matter = QCheckBox(self.tr("Same matter in a grid (一事多警)"))
        self.revisit = QCheckBox(self.tr("Incidents closed with \u201cneeds revisit\u201d"))
        self.threshold = QSpinBox()
        self.threshold.setRange(2, 50)
        self.threshold.setSuffix(self.tr(" incidents"))
        self.window_days = QSpinBox()
        self.window_days.setRange(1, 90)
        self.window_days.setSuffix(self.tr(" days"))
        self.templates = {}
        for key in ("dispute_template", "repeat_template", "revisit_template"):
            box = QComboBox()
            for t in templates:
                box.addItem(f"{t.code} {t.name}", t.code)
            box.setCurrentIndex(max(0, box.findData(getattr(config, key))))
            self.templates[key] = box
        self.dispute.setChecked(config.dispute_enabled)
        self.caller.setChecked(config.repeat_caller_enabled)
        self.place.setChecked(config.repeat_place_enabled)
        self.matter.setChecked(config.repeat_matter_enabled)
        self.revisit.setChecked(config.revisit_enabled)
        self.threshold.setValue(config.repeat_threshold)
        self.window_days.setValue(config.repeat_window_days)
        self.config = config
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.dispute)
        form.addRow(self.tr("Task for disputes"), self.templates["dispute_template"])
        form.addRow(self.caller)
        form.addRow(self.place)
        form.addRow(self.matter)
        form.addRow(self.tr("Repeat threshold"), self.threshold)
        form.addRow(self.tr("Within"), self.window_days)
        form.addRow(self.tr("Task for repeats"), self.templates["repeat_template"])
        form.addRow(self.revisit)
        form.addRow(self.tr("Task for revisits"), self.templates["revisit_template"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        out = self.config.as_json()
        out.update(dispute_enabled=self.dispute.isChecked(),
                   repeat_caller_enabled=self.caller.isChecked(),
                   repeat_place_enabled=self.place.isChecked(),
                   repeat_matter_enabled=self.matter.isChecked(),
                   revisit_enabled=self.revisit.isChecked(),
                   repeat_threshold=self.threshold.value(),
                   repeat_window_days=self.window_days.value(),
                   **{k: box.currentData() for k, box in self.templates.items()})
        return out

    def save(self) -> None:
        def done(config: RuleConfig) -> None:
            self.app.notify(self.tr("Follow-up rules saved"))
            self.accept()
        self.app.run(task_service.save_rule_config, self.app.ctx, self.values(), on_done=done,
                     on_error=lambda exc: self.error.setText(error_text(exc)))
