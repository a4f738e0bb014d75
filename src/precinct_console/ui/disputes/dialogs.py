"""Register a dispute: parties, kind, grade and risk, place and grid, mediation method."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...domain.errors import ValidationError
from ...domain.task_rules import GRADES, RISKS
from ...services.disputes import PARTY_ROLES, DisputeInfo
from ...services.tasks import GridChoice
from ..error_text import error_text
from ..forms import error_line, form_with_buttons
from .model import tr as model_tr
from .words import grade_name, risk_name

KINDS = ("邻里纠纷", "家庭纠纷", "婚恋纠纷", "经济纠纷", "劳资纠纷", "物业纠纷", "土地纠纷",
         "医患纠纷", "交通纠纷", "消费纠纷", "其他纠纷")
SOURCES = ("排查发现", "110警情", "群众来访", "网格员上报", "上级交办")
METHODS = ("", "民警调解", "人民调解", "联合调解", "诉调对接", "引导诉讼")


def parse_parties(text: str) -> list[dict[str, str]]:
    """One party a line: 'name, role, phone' (role and phone may be left out)."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not parts[0]:
            continue
        role = parts[1] if len(parts) > 1 and parts[1] else "当事人"
        if role not in PARTY_ROLES:
            raise ValidationError(f"role '{role}' is not one of {' / '.join(PARTY_ROLES)}",
                                  field="parties", row=n)
        out.append({"name": parts[0], "role": role, "phone": parts[2] if len(parts) > 2 else ""})
    return out


class RegisterDisputeDialog(QDialog):
    def __init__(self, grids: list[GridChoice], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register a dispute"))
        self.resize(560, 520)
        self.title_edit = QLineEdit()
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.addItems(KINDS)
        self.grade = QComboBox()
        for grade in GRADES.values():
            self.grade.addItem(f"{grade.code} {grade_name(grade.code)} — {model_tr(grade.meaning)}", grade.code)
        self.grade.setCurrentIndex(2)
        self.risk = QComboBox()
        self.risk.addItem(self.tr("By grade"), None)
        for r in RISKS:
            self.risk.addItem(risk_name(r), r)
        self.parties = QPlainTextEdit()
        self.parties.setPlaceholderText(self.tr("One party a line: name, role (申请人 / 被申请人 / 当事人), phone"))
        self.parties.setMaximumHeight(90)
        self.address = QLineEdit()
        self.grid = QComboBox()
        self.grid.addItem(self.tr("(no grid)"), None)
        for g in grids:
            self.grid.addItem(f"{'  ' * (g.level - 1)}{g.code} {g.name}", g.id)
        self.source = QComboBox()
        self.source.addItems(SOURCES)
        self.method = QComboBox()
        self.method.addItems(METHODS)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("e.g. 城关派出所社区警务队 / 街道司法所"))
        self.content = QPlainTextEdit()
        self.content.setMaximumHeight(100)
        self.error = error_line()
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Grade"), self.grade)
        form.addRow(self.tr("Risk"), self.risk)
        form.addRow(self.tr("Parties"), self.parties)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Grid"), self.grid)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Mediation"), self.method)
        form.addRow(self.tr("Responsible unit"), self.unit)
        form.addRow(self.tr("What it is about"), self.content)
        form_with_buttons(self, form, self.error)
        self._values: dict[str, Any] = {}

    def accept(self) -> None:
        try:
            if not self.title_edit.text().strip():
                raise ValidationError(self.tr("must be filled in"), field="title")
            parties = parse_parties(self.parties.toPlainText())
            if not parties:
                raise ValidationError(self.tr("name at least one party"), field="parties")
        except ValidationError as exc:
            self.error.setText(error_text(exc))
            return
        self._values = {
            "title": self.title_edit.text().strip(), "parties": parties,
            "kind": self.kind.currentText().strip(), "grade": self.grade.currentData(),
            "risk": self.risk.currentData(), "address": self.address.text().strip(),
            "grid_id": self.grid.currentData(), "source": self.source.currentText(),
            "mediation_method": self.method.currentText(), "content": self.content.toPlainText(),
            "responsible_unit": self.unit.text().strip(),
        }
        super().accept()

    def prefill(self, d: DisputeInfo) -> None:
        """Edit an existing dispute: the same form, filled in."""
        self.setWindowTitle(self.tr("Edit dispute {number}").format(number=d.number))
        self.title_edit.setText(d.title)
        self.kind.setCurrentText(d.kind)
        self.grade.setCurrentIndex(max(0, self.grade.findData(d.grade)))
        self.risk.setCurrentIndex(max(0, self.risk.findData(d.risk)))
        self.parties.setPlainText("\n".join(", ".join(x for x in (p.name, p.role, p.phone) if x)
                                            for p in d.parties))
        self.address.setText(d.address)
        if d.grid_id is not None and self.grid.findData(d.grid_id) < 0:
            self.grid.addItem(d.grid_name or str(d.grid_id), d.grid_id)  # keep what is there
        self.grid.setCurrentIndex(max(0, self.grid.findData(d.grid_id)))
        self.source.setCurrentText(d.source)
        self.method.setCurrentText(d.mediation_method)
        self.unit.setText(d.responsible_unit)
        self.content.setPlainText(d.content)

    def changes(self, d: DisputeInfo) -> dict[str, Any]:
        """Only what the user changed, so the audit shows exactly that."""
        v = self.values()
        current = {"title": d.title, "kind": d.kind, "grade": d.grade, "risk": d.risk,
                   "address": d.address, "grid_id": d.grid_id, "source": d.source,
                   "mediation_method": d.mediation_method, "content": d.content,
                   "responsible_unit": d.responsible_unit,
                   "parties": [{"name": p.name, "role": p.role, "phone": p.phone} for p in d.parties]}
        if v.get("risk") is None:
            v.pop("risk")
        return {k: val for k, val in v.items() if current.get(k) != val}

    def values(self) -> dict[str, Any]:
        return dict(self._values)
