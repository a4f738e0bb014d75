"""The form for one patrol line (巡逻线路), drawn or edited on the map."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...services.map_lines import LineForm
from ..forms import code_and_name, each_problem_on_a_line, error_line, form_with_buttons


class LineDialog(QDialog):
    """Code, name, the daily window it is patrolled in, note and whether it is in use; the route
    is the one drawn (or the stored one, when only these change)."""

    def __init__(self, form: LineForm, *, new: bool, length_m: float | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.setWindowTitle(self.tr("New patrol line") if new
                            else self.tr("Patrol line %1").replace("%1", form.code))
        self.setMinimumWidth(440)
        self.code, self.name = code_and_name(form.code, form.name, new=new)
        self.name.setPlaceholderText(self.tr("e.g. 夜市收市巡逻线"))
        self.window_start = QLineEdit(form.window_start)
        self.window_end = QLineEdit(form.window_end)
        for box, hint in ((self.window_start, "22:00"), (self.window_end, "02:00")):
            box.setMaxLength(5)
            box.setPlaceholderText(hint)
            box.setFixedWidth(70)
        self.all_day = QCheckBox(self.tr("All day"))
        self.all_day.setChecked(not (form.window_start or form.window_end))
        self.all_day.toggled.connect(self._all_day_toggled)
        self.note = QPlainTextEdit(form.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.active = QCheckBox(self.tr("In use: shown on the map and given to patrol plans"))
        self.active.setChecked(form.active)
        self.error = error_line()

        layout = QFormLayout()
        layout.addRow(self.tr("Code"), self.code)
        layout.addRow(self.tr("Name"), self.name)
        window = QHBoxLayout()
        window.addWidget(self.window_start)
        window.addWidget(QLabel("–"))
        window.addWidget(self.window_end)
        window.addWidget(self.all_day)
        window.addStretch(1)
        layout.addRow(self.tr("Patrolled daily"), window)
        layout.addRow(self.tr("Note"), self.note)
        layout.addRow("", self.active)
        if length_m is not None:
            layout.addRow(self.tr("Length"), QLabel(f"{length_m / 1000:.2f} km"))
        self._all_day_toggled(self.all_day.isChecked())
        form_with_buttons(self, layout, self.error)

    def _all_day_toggled(self, on: bool) -> None:
        for box in (self.window_start, self.window_end):
            box.setEnabled(not on)

    def values(self) -> dict[str, Any]:
        all_day = self.all_day.isChecked()
        return {"form": replace(self.form, code=self.code.text(), name=self.name.text(),
                                window_start="" if all_day else self.window_start.text(),
                                window_end="" if all_day else self.window_end.text(),
                                note=self.note.toPlainText(), active=self.active.isChecked())}

    def refusal_text(self, exc: BaseException) -> str:
        return each_problem_on_a_line(exc)
