"""Correcting an entry: a new entry that fixes a time or voids a step; the original stays in the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from ...domain.clock import CHINA_TZ, local
from ...services.incidents.views import IncidentDetail
from ..forms import error_line, ok_cancel

CORRECTABLE = {"dispatched", "signed", "set_off", "arrived", "reinforcement_arrived", "cleared",
               "handled", "fed_back", "closed", "received"}


class CorrectionDialog(QDialog):
    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Correct an entry of %1").replace("%1", detail.row.number))
        self.events = [e for e in detail.events if e.kind in CORRECTABLE]
        self.entry = QComboBox()
        for e in self.events:
            self.entry.addItem(f"{local(e.at).strftime('%H:%M:%S')}  {e.label}  {e.unit_call_sign}  "
                               f"({e.username}@{e.workstation})", e.id)
        self.entry.setCurrentIndex(len(self.events) - 1)
        self.time = QDateTimeEdit()
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.voids = QCheckBox(self.tr("The step did not happen (void it)"))
        self.why = QLineEdit()
        self.why.setPlaceholderText(self.tr("Required: why the entry was wrong"))
        form = QFormLayout(self)
        form.addRow(self.tr("Entry"), self.entry)
        form.addRow(self.tr("Correct time (China time)"), self.time)
        form.addRow("", self.voids)
        form.addRow(self.tr("Reason"), self.why)
        form.addRow(ok_cancel(self))
        self.entry.currentIndexChanged.connect(self._entry_changed)
        self.voids.toggled.connect(lambda on: self.time.setEnabled(not on))
        self._entry_changed(self.entry.currentIndex())

    def _entry_changed(self, index: int) -> None:
        if 0 <= index < len(self.events):
            at = local(self.events[index].at)
            self.time.setDateTime(QDateTime(at.year, at.month, at.day, at.hour, at.minute, at.second))

    def event_id(self) -> int:
        return int(self.entry.currentData())

    def new_time(self) -> datetime | None:
        if self.voids.isChecked():
            return None
        q = self.time.dateTime()
        d, t = q.date(), q.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=CHINA_TZ)

    def void(self) -> bool:
        return self.voids.isChecked()

    def reason(self) -> str:
        return self.why.text().strip()


class CorrectionForm(CorrectionDialog):
    """The correction dialog as a form for submit_form: the reason a correction was refused
    shows under it, and the entry and time chosen stay chosen."""

    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None):
        super().__init__(detail, parent)
        self.error = error_line()
        form = self.layout()
        assert isinstance(form, QFormLayout)
        form.insertRow(form.rowCount() - 1, self.error)  # above OK / Cancel

    def values(self) -> dict[str, Any]:
        return {"event_id": self.event_id(), "at": self.new_time(), "void": self.void(),
                "reason": self.reason()}
