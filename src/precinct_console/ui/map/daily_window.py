"""The daily window a must-patrol point or a patrol line is patrolled in: start – end, or all day."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget


class DailyWindowField(QWidget):
    """Two HH:MM boxes and an All day box that empties them (both empty: all day)."""

    def __init__(self, start: str, end: str, hints: tuple[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.start = QLineEdit(start)
        self.end = QLineEdit(end)
        for box, hint in ((self.start, hints[0]), (self.end, hints[1])):
            box.setMaxLength(5)
            box.setPlaceholderText(hint)
            box.setFixedWidth(70)
        self.all_day = QCheckBox(self.tr("All day"))
        self.all_day.setChecked(not (start or end))
        self.all_day.toggled.connect(self._all_day_toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start)
        row.addWidget(QLabel("–"))
        row.addWidget(self.end)
        row.addWidget(self.all_day)
        row.addStretch(1)
        self._all_day_toggled(self.all_day.isChecked())

    def _all_day_toggled(self, on: bool) -> None:
        for box in (self.start, self.end):
            box.setEnabled(not on)

    def values(self) -> tuple[str, str]:
        """("22:00", "02:00") as typed, or ("", "") for all day."""
        if self.all_day.isChecked():
            return "", ""
        return self.start.text(), self.end.text()
