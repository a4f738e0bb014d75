"""The station's roster limits the chief sets: the rest between shifts and the hours in a week."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDoubleSpinBox, QFormLayout, QLabel, QWidget

from ...domain.roster_rules import RuleSet
from ..forms import error_line, form_with_buttons


def _hours(low: float, high: float, value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setValue(value)
    return box


class RosterRulesDialog(QDialog):
    """Two numbers, for submit_form: local rules differ, and a built-in pattern may need more than
    60 h in some weeks (24-hour duty with three teams works 63.5 h every third week)."""

    def __init__(self, rules: RuleSet, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Roster rules"))
        form = QFormLayout()
        self.rest = _hours(0, 48, rules.min_rest_hours)
        self.rest.setSuffix(self.tr(" h"))
        self.week = _hours(1, 168, rules.max_hours_per_week)
        self.week.setSuffix(self.tr(" h"))
        form.addRow(self.tr("Least rest between shifts"), self.rest)
        form.addRow(self.tr("Most hours in a week (Mon–Sun)"), self.week)
        note = QLabel(self.tr("The calendar names every officer rostered against these limits. "
                              "Defaults: 8 h of rest, 60 h a week."))
        note.setWordWrap(True)
        form.addRow(note)
        self.error = error_line()
        form_with_buttons(self, form, self.error)

    def values(self) -> dict[str, Any]:
        return {"min_rest_hours": self.rest.value(), "max_hours_per_week": self.week.value()}
