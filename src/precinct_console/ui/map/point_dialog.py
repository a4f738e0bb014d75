"""The form for one post, key site or must-patrol point, placed or edited from the map."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...services.map_points import PointForm
from ..forms import code_and_name, each_problem_on_a_line, error_line, form_with_buttons
from .daily_window import DailyWindowField

# Stored in English (the GeoJSON files police GIS systems exchange); shown in the UI's language.
KIND_TEXT: dict[str, object] = {
    "post": QT_TRANSLATE_NOOP("PointKind", "Post (警务站)"),
    "police_room": QT_TRANSLATE_NOOP("PointKind", "Police room (警务室)"),
    "school": QT_TRANSLATE_NOOP("PointKind", "School"),
    "hospital": QT_TRANSLATE_NOOP("PointKind", "Hospital"),
    "bank": QT_TRANSLATE_NOOP("PointKind", "Bank"),
    "market": QT_TRANSLATE_NOOP("PointKind", "Market"),
    "transport": QT_TRANSLATE_NOOP("PointKind", "Transport hub"),
}
SITE_KINDS = ("school", "hospital", "bank", "market", "transport")


def kind_text(kind: str) -> str:
    """A post's or key site's kind as the user reads it; a kind typed in by a chief as it is."""
    source = KIND_TEXT.get(kind)
    return QCoreApplication.translate("PointKind", str(source)) if source else kind


class PointDialog(QDialog):
    """Code, name and what the layer needs; the position is where the chief clicked (or stays
    where it was when editing). Posts get the next free code of their kind as they switch."""

    def __init__(self, form: PointForm, *, new: bool, codes: dict[str, str] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.codes = codes or {}
        titles = {
            (True, "post"): self.tr("New post or police room here"),
            (True, "key_site"): self.tr("New key site here"),
            (True, "patrol_point"): self.tr("New must-patrol point here"),
            (False, "post"): self.tr("Post or police room %1"),
            (False, "key_site"): self.tr("Key site %1"),
            (False, "patrol_point"): self.tr("Must-patrol point %1"),
        }
        self.setWindowTitle(titles[(new, form.layer)].replace("%1", form.code))
        self.setMinimumWidth(440)
        self.code, self.name = code_and_name(form.code, form.name, new=new)
        self.kind = QComboBox()
        self.phone = QLineEdit(form.phone)
        self.phone.setMaxLength(40)
        self.address = QLineEdit(form.address)
        self.address.setMaxLength(200)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 60)
        self.minutes.setValue(form.target_minutes)
        self.minutes.setSuffix(self.tr(" min"))
        self.daily = DailyWindowField(form.window_start, form.window_end, ("07:00", "08:30"))
        self.window_start, self.window_end, self.all_day = self.daily.start, self.daily.end, self.daily.all_day
        self.note = QPlainTextEdit(form.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.active = QCheckBox(self.tr("In use: shown on the map and offered to patrol plans"))
        self.active.setChecked(form.active)
        self.error = error_line()

        layout = QFormLayout()
        layout.addRow(self.tr("Code"), self.code)
        layout.addRow(self.tr("Name"), self.name)
        if form.layer == "post":
            for kind in ("post", "police_room"):
                self.kind.addItem(kind_text(kind), kind)
            self.kind.setCurrentIndex(max(0, self.kind.findData(form.kind or "post")))
            if new:
                self.kind.currentIndexChanged.connect(self._post_kind_changed)
            layout.addRow(self.tr("Kind"), self.kind)
            layout.addRow(self.tr("Phone"), self.phone)
        elif form.layer == "key_site":
            # Typed kinds are kept as typed: a station may guard a petrol station or a reservoir.
            self.kind.setEditable(True)
            for kind in SITE_KINDS:
                self.kind.addItem(kind_text(kind), kind)
            if form.kind and self.kind.findData(form.kind) < 0:
                self.kind.addItem(form.kind, form.kind)
            self.kind.setCurrentIndex(max(0, self.kind.findData(form.kind or "school")))
            layout.addRow(self.tr("Kind"), self.kind)
            layout.addRow(self.tr("Address"), self.address)
            layout.addRow(self.tr("A unit within"), self.minutes)
        else:
            layout.addRow(self.tr("Patrolled daily"), self.daily)
            layout.addRow(self.tr("Note"), self.note)
            layout.addRow("", self.active)
        position = QLabel(f"{form.lon:.6f}, {form.lat:.6f}")
        position.setToolTip(self.tr("Longitude, latitude (WGS84)"))
        layout.addRow(self.tr("Position"), position)
        form_with_buttons(self, layout, self.error)

    def _post_kind_changed(self) -> None:
        # The suggested code follows the kind (JWZ for posts, JWS for police rooms) until the
        # chief types a code of their own.
        suggested = self.codes.get(self.kind.currentData())
        if suggested and not self.code.isModified():
            self.code.setText(suggested)

    def _kind(self) -> str:
        if self.form.layer == "post":
            return str(self.kind.currentData())
        text = self.kind.currentText().strip()
        index = self.kind.findText(text)
        return str(self.kind.itemData(index)) if index >= 0 else text

    def values(self) -> dict[str, Any]:
        start, end = self.daily.values() if self.form.layer == "patrol_point" else ("", "")
        return {"form": PointForm(
            layer=self.form.layer, code=self.code.text(), name=self.name.text(),
            lon=self.form.lon, lat=self.form.lat,
            kind=self._kind() if self.form.layer != "patrol_point" else "",
            address=self.address.text(), phone=self.phone.text(),
            target_minutes=self.minutes.value(),
            window_start=start, window_end=end,
            note=self.note.toPlainText(), active=self.active.isChecked(),
        )}

    def refusal_text(self, exc: BaseException) -> str:
        return each_problem_on_a_line(exc)
