"""The form for one patrol line (巡逻线路), drawn or edited on the map."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from ...services.map_lines import LineForm
from ..forms import code_and_name, each_problem_on_a_line, error_line, form_with_buttons
from .daily_window import DailyWindowField


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
        self.daily = DailyWindowField(form.window_start, form.window_end, ("22:00", "02:00"))
        self.window_start, self.window_end, self.all_day = self.daily.start, self.daily.end, self.daily.all_day
        self.note = QPlainTextEdit(form.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.active = QCheckBox(self.tr("In use: shown on the map and given to patrol plans"))
        self.active.setChecked(form.active)
        self.error = error_line()

        layout = QFormLayout()
        layout.addRow(self.tr("Code"), self.code)
        layout.addRow(self.tr("Name"), self.name)
        layout.addRow(self.tr("Patrolled daily"), self.daily)
        layout.addRow(self.tr("Note"), self.note)
        layout.addRow("", self.active)
        if length_m is not None:
            layout.addRow(self.tr("Length"), QLabel(f"{length_m / 1000:.2f} km"))
        form_with_buttons(self, layout, self.error)

    def values(self) -> dict[str, Any]:
        start, end = self.daily.values()
        return {"form": replace(self.form, code=self.code.text(), name=self.name.text(),
                                window_start=start, window_end=end,
                                note=self.note.toPlainText(), active=self.active.isChecked())}

    def refusal_text(self, exc: BaseException) -> str:
        return each_problem_on_a_line(exc)
