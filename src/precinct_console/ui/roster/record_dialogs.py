"""The roster's record dialogs: leave or training, an officer, a unit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...domain.clock import CHINA_TZ
from ...domain.driving import DRONE_LICENCE, LICENCE_CLASSES
from ...services.roster import OFFICER_KINDS, OFFICER_ROLES, OfficerInfo, split_items
from ...services.unit_roll import UnitInfo
from ...services.units import UNIT_KINDS
from ..forms import error_line, form_with_buttons
from ..units.words import unit_kind
from .dialog_kit import DIALOG_WIDTH, date_edit, picked_date


class AbsenceDialog(QDialog):
    """Record leave or training: whole days, the first and last day included."""

    def __init__(self, officers: list[OfficerInfo], day: date, officer_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Leave or training"))
        self.setMinimumWidth(DIALOG_WIDTH)
        self.officer = QComboBox()
        for o in officers:
            if o.active:
                self.officer.addItem(f"{o.name}  {o.badge}  {o.team}".strip(), o.id)
        if officer_id is not None and self.officer.findData(officer_id) >= 0:
            self.officer.setCurrentIndex(self.officer.findData(officer_id))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Leave (休假)"), "leave")
        self.kind.addItem(self.tr("Training (培训)"), "training")
        self.first = date_edit(day)
        self.last = date_edit(day)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("e.g. 年休假, 执法资格培训"))
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Officer"), self.officer)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("First day"), self.first)
        form.addRow(self.tr("Last day"), self.last)
        form.addRow(self.tr("Note"), self.note)
        form_with_buttons(self, form, self.error)

    def accept(self) -> None:
        if self.officer.count() == 0:
            self.error.setText(self.tr("Officer: the station has no active officers"))
            return
        if picked_date(self.last.date()) < picked_date(self.first.date()):
            self.error.setText(self.tr("Last day: before the first day"))
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        first, last = picked_date(self.first.date()), picked_date(self.last.date())
        return {
            "officer_id": self.officer.currentData(), "kind": self.kind.currentData(),
            "starts_at": datetime.combine(first, time(0, 0), CHINA_TZ),
            "ends_at": datetime.combine(last + timedelta(days=1), time(0, 0), CHINA_TZ),
            "note": self.note.text().strip(),
        }


class OfficerDialog(QDialog):
    """Put an officer or an auxiliary on the station's roll, or edit one (the badge stays)."""

    def __init__(self, teams: list[str], parent: QWidget | None = None,
                 officer: OfficerInfo | None = None):
        super().__init__(parent)
        self.officer = officer
        self.setWindowTitle(self.tr("Add officer") if officer is None else
                            self.tr("Edit %1").replace("%1", officer.name))
        self.setMinimumWidth(DIALOG_WIDTH)
        self.badge = QLineEdit()
        self.name = QLineEdit()
        self.kind = QComboBox()
        for key, label in OFFICER_KINDS.items():
            self.kind.addItem(label, key)
        self.rank = QLineEdit()
        self.rank.setPlaceholderText(self.tr("e.g. 一级警长"))
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.addItems(["", *teams])
        self.phone = QLineEdit()
        self.role = QComboBox()
        for key, label in OFFICER_ROLES.items():
            self.role.addItem(label, key)
        self.skills = QLineEdit()
        self.skills.setPlaceholderText(self.tr("e.g. 急救、调解、外语"))
        # The roster checks that every unit's crew has someone who may drive it.
        self.licences: dict[str, QCheckBox] = {}
        licence_box = QWidget()
        grid = QGridLayout(licence_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, cls in enumerate(LICENCE_CLASSES):
            box = QCheckBox(cls if cls != DRONE_LICENCE else self.tr("drone pilot"))
            box.setToolTip(cls)
            self.licences[cls] = box
            grid.addWidget(box, i // 6, i % 6)
        # Leaving the station (transfer, retirement) takes an officer off the roll; the history stays.
        self.active = QCheckBox(self.tr("On the station's roll"))
        self.active.setChecked(True)
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Badge number"), self.badge)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Rank"), self.rank)
        form.addRow(self.tr("Team"), self.team)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Skills"), self.skills)
        form.addRow(self.tr("Driving licences"), licence_box)
        if officer is not None:
            form.addRow("", self.active)
            self.badge.setText(officer.badge)
            self.badge.setReadOnly(True)  # the badge is who the officer is in every record
            self.name.setText(officer.name)
            self.kind.setCurrentIndex(max(0, self.kind.findData(officer.kind)))
            self.rank.setText(officer.rank)
            self.team.setCurrentText(officer.team)
            self.phone.setText(officer.phone)
            if self.role.findData(officer.role) < 0:  # a role from before the list: kept as it is
                self.role.addItem(officer.role, officer.role)
            self.role.setCurrentIndex(self.role.findData(officer.role))
            self.skills.setText("、".join(officer.skills))
            for cls in officer.licences:
                if cls in self.licences:
                    self.licences[cls].setChecked(True)
            self.active.setChecked(officer.active)
        form_with_buttons(self, form, self.error)

    def accept(self) -> None:
        for field, label in ((self.badge, self.tr("Badge number")), (self.name, self.tr("Name"))):
            if not field.text().strip():
                self.error.setText(self.tr("%1: required").replace("%1", label))
                field.setFocus()
                return
        super().accept()

    def values(self) -> dict[str, Any]:
        return {"badge": self.badge.text().strip(), "name": self.name.text().strip(),
                "kind": self.kind.currentData(), "rank": self.rank.text().strip(),
                "team": self.team.currentText().strip(), "phone": self.phone.text().strip(),
                "role": self.role.currentData(),
                "skills": split_items(self.skills.text()),
                "licences": [cls for cls, box in self.licences.items() if box.isChecked()],
                "active": self.active.isChecked()}


class UnitDialog(QDialog):
    """A new unit (car, motorbike, foot patrol…) based at one of the station's posts, or a
    unit's call sign, kind, seats and home post changed, or it marked as the standby car."""

    def __init__(self, posts: list[tuple[int, str]], parent: QWidget | None = None,
                 unit: UnitInfo | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add unit") if unit is None else
                            self.tr("Edit unit %1").replace("%1", unit.call_sign))
        self.setMinimumWidth(DIALOG_WIDTH)
        self.call_sign = QLineEdit()
        self.call_sign.setPlaceholderText(self.tr("e.g. 巡06"))
        self.kind = QComboBox()
        for key in UNIT_KINDS:
            label = unit_kind(key)
            self.kind.addItem(label, key)
        self.seats = QSpinBox()
        self.seats.setRange(1, 12)
        self.seats.setValue(2)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.post = QComboBox()
        if unit is not None and unit.post_id is None:
            # A unit based at a position, not a post (the station yard): kept unless a post is chosen.
            self.post.addItem(self.tr("(no post: home position kept)"), None)
        for post_id, name in posts:
            self.post.addItem(name, post_id)
        self.standby = QCheckBox(self.tr("Standby car"))
        self.standby.setToolTip(self.tr("Kept for the standby shifts (备勤): planning patrol shifts "
                                        "never crews it, even before any standby shift has ridden it"))
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Call sign"), self.call_sign)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Seats"), self.seats)
        form.addRow(self.tr("Home post"), self.post)
        form.addRow("", self.standby)
        form_with_buttons(self, form, self.error)
        if unit is not None:
            self.call_sign.setText(unit.call_sign)
            self.kind.setCurrentIndex(max(0, self.kind.findData(unit.kind)))
            self.seats.setValue(unit.seats)
            self.post.setCurrentIndex(max(0, self.post.findData(unit.post_id)))
            self.standby.setChecked(unit.standby)

    def _kind_changed(self) -> None:
        # A drone carries nobody: no seats to crew (the roster's seat rule counts on it).
        drone = self.kind.currentData() == "drone"
        was_drone = self.seats.maximum() == 0
        self.seats.setRange(0 if drone else 1, 0 if drone else 12)
        self.seats.setEnabled(not drone)
        if was_drone and not drone:
            self.seats.setValue(2)

    def accept(self) -> None:
        if not self.call_sign.text().strip():
            self.error.setText(self.tr("Call sign: required"))
        elif self.post.count() == 0:
            self.error.setText(self.tr("Home post: the station has no posts yet; import them with "
                                       "the grids (grids import) first"))
        else:
            super().accept()

    def values(self) -> dict[str, Any]:
        return {"call_sign": self.call_sign.text().strip(), "kind": self.kind.currentData(),
                "seats": self.seats.value(), "post_id": self.post.currentData(),
                "standby": self.standby.isChecked()}
