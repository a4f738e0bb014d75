"""The form for one patrol zone or key zone, drawn or edited on the map."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QWidget

from ...services.map_zones import ZoneForm
from ..forms import code_and_name, each_problem_on_a_line, error_line, form_with_buttons


class ZoneDialog(QDialog):
    """Code, name, kind and the patrol zone it is a part of; the outline is the one drawn (or
    the stored one, when only the name changes). A new zone gets the next free code of its kind."""

    def __init__(self, form: ZoneForm, *, new: bool, codes: dict[str, str] | None = None,
                 parents: list[tuple[str, str]] | None = None, area_m2: float | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.codes = codes or {}
        self.setWindowTitle(self.tr("New zone") if new else self.tr("Zone %1").replace("%1", form.code))
        self.setMinimumWidth(420)
        self.code, self.name = code_and_name(form.code, form.name, new=new)
        self.name.setPlaceholderText(self.tr("e.g. 五号巡区"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Patrol zone (巡区)"), "patrol")
        self.kind.addItem(self.tr("Key zone (重点区域)"), "key_zone")
        self.kind.setCurrentIndex(max(0, self.kind.findData(form.kind)))
        if new:
            self.kind.currentIndexChanged.connect(self._kind_changed)
        self.parent_zone = QComboBox()
        self.parent_zone.addItem(self.tr("(none)"), "")
        for code, name in parents or []:
            if code != form.code:
                self.parent_zone.addItem(f"{code} {name}", code)
        self.parent_zone.setCurrentIndex(max(0, self.parent_zone.findData(form.parent_code)))
        self.error = error_line()

        layout = QFormLayout()
        layout.addRow(self.tr("Code"), self.code)
        layout.addRow(self.tr("Name"), self.name)
        layout.addRow(self.tr("Kind"), self.kind)
        layout.addRow(self.tr("Part of"), self.parent_zone)
        if area_m2 is not None:
            layout.addRow(self.tr("Area"), QLabel(f"{area_m2 / 1e6:.2f} km²"))
        form_with_buttons(self, layout, self.error)

    def _kind_changed(self) -> None:
        # The suggested code follows the kind (XQ for patrol zones, ZDQY for key zones) until
        # the chief types one of their own.
        suggested = self.codes.get(self.kind.currentData())
        if suggested and not self.code.isModified():
            self.code.setText(suggested)

    def values(self) -> dict[str, Any]:
        return {"form": replace(self.form, code=self.code.text(), name=self.name.text(),
                                kind=str(self.kind.currentData()),
                                parent_code=str(self.parent_zone.currentData()))}

    def refusal_text(self, exc: BaseException) -> str:
        return each_problem_on_a_line(exc)
