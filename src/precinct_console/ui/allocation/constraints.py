"""The chief's constraints on the next proposal: units pinned to points, zones and key sites to hold."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.allocation import ConstraintOptions
from ..labels import point_kind
from ..theme import BREACH, MUTED, ui_font

ID_ROLE = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


def point_label(name: str, kind: str) -> str:
    return f"{name}  ({point_kind(kind)})"


class ConstraintsBox(QGroupBox):
    """Set before 生成布警方案 and kept after a refusal, so the chief relaxes one thing only."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(_tr("Constraints for the next proposal"), parent)
        self.options: ConstraintOptions | None = None
        self._pins: dict[int, str] = {}
        self._zones: set[int] = set()
        self._sites: set[int] = set()
        self._filling = False

        self.unit_combo = QComboBox()
        self.unit_combo.setToolTip(_tr("Unit to pin (units crewed on the chosen shift)"))
        self.point_combo = QComboBox()
        self.point_combo.setToolTip(_tr("Candidate point the unit must stand at (its post first)"))
        self.point_combo.setMinimumContentsLength(12)
        self.point_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pin_btn = QPushButton(_tr("Pin"))
        self.pin_btn.setToolTip(_tr("Pin the unit to the point (Enter)"))
        self.pins_list = QListWidget()
        self.pins_list.setToolTip(_tr("Pinned units; Delete removes the selected pin"))
        self.unpin_btn = QPushButton(_tr("Remove pin"))
        self.zones_list = QListWidget()
        self.zones_list.setToolTip(_tr("Patrol zones that must hold a unit (Space ticks)"))
        self.sites_list = QListWidget()
        self.sites_list.setToolTip(_tr("Key sites that must have a unit within their ring "
                                       "(1 minute for most; Space ticks)"))
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color:{MUTED.darker(130).name()}")
        self.clear_btn = QPushButton(_tr("Clear constraints"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet(f"color:{BREACH.darker(110).name()}; font-weight:bold")
        self.error.setVisible(False)
        for w in (self.pins_list, self.zones_list, self.sites_list):
            w.setFont(ui_font(9))
            w.setMinimumHeight(72)

        pin_col = QVBoxLayout()
        pin_col.addWidget(QLabel(_tr("Pin a unit to a point")))
        pick = QGridLayout()
        pick.addWidget(self.unit_combo, 0, 0)
        pick.addWidget(self.point_combo, 0, 1)
        pick.addWidget(self.pin_btn, 0, 2)
        pick.setColumnStretch(1, 1)
        pin_col.addLayout(pick)
        pin_col.addWidget(self.pins_list, 1)
        pin_col.addWidget(self.unpin_btn, 0, Qt.AlignmentFlag.AlignLeft)
        zone_col = QVBoxLayout()
        zone_col.addWidget(QLabel(_tr("Zones that must hold a unit")))
        zone_col.addWidget(self.zones_list, 1)
        site_col = QVBoxLayout()
        site_col.addWidget(QLabel(_tr("Key sites within their ring (minutes each)")))
        site_col.addWidget(self.sites_list, 1)
        cols = QHBoxLayout()
        cols.addLayout(pin_col, 4)
        cols.addLayout(zone_col, 3)
        cols.addLayout(site_col, 3)
        foot = QHBoxLayout()
        foot.addWidget(self.summary, 1)
        foot.addWidget(self.clear_btn)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.addLayout(cols, 1)
        box.addWidget(self.error)
        box.addLayout(foot)

        self.unit_combo.currentIndexChanged.connect(self._unit_chosen)
        self.pin_btn.clicked.connect(self.pin_current)
        self.unpin_btn.clicked.connect(self.unpin_selected)
        self.clear_btn.clicked.connect(self.clear)
        self.zones_list.itemChanged.connect(self._ticked)
        self.sites_list.itemChanged.connect(self._ticked)
        for combo in (self.unit_combo, self.point_combo):
            enter = QShortcut(QKeySequence(Qt.Key.Key_Return), combo)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self.pin_current)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.pins_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.unpin_selected)
        self.setEnabled(False)
        self._show_summary()

    # the shift's options -------------------------------------------------------------------
    def set_options(self, options: ConstraintOptions) -> None:
        """The chosen shift's units, points, zones and key sites; choices still possible stay."""
        self.options = options
        self._filling = True
        keep_unit = self.unit_combo.currentData()
        self.unit_combo.clear()
        for uid, call_sign, _kind, _home in options.units:
            self.unit_combo.addItem(call_sign, uid)
        self.point_combo.clear()
        for key, name, kind, _cap in options.candidates:
            self.point_combo.addItem(point_label(name, kind), key)
        units = {u[0] for u in options.units}
        keys = {c[0] for c in options.candidates}
        self._pins = {u: k for u, k in self._pins.items() if u in units and k in keys}
        self._zones &= {z[0] for z in options.zones}
        self._sites &= {k[0] for k in options.key_sites}
        self._fill_checks(self.zones_list, [(zid, name) for zid, name in options.zones], self._zones)
        ring = _tr("%1 min")  # outside the f-string, where lupdate finds it
        out_of_reach = options.unreachable_sites
        self._sites -= out_of_reach
        self._fill_checks(self.sites_list, [
            (sid, f"{name}  ({ring.replace('%1', str(minutes))})")
            for sid, name, minutes in options.key_sites], self._sites)
        for i in range(self.sites_list.count()):
            item = self.sites_list.item(i)
            if item.data(ID_ROLE) in out_of_reach:
                # Requiring it would only be refused after proposing: say so at the checkbox.
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                if item.data(ID_ROLE) in options.timed_sites:
                    item.setText(item.text() + "  " + _tr("timed duty this shift"))
                    item.setToolTip(_tr("Its must-patrol point is open for only part of this "
                                        "shift: a planned unit goes there while it is open (定时守点) "
                                        "instead of standing there all shift"))
                    continue
                item.setText(item.text() + "  " + _tr("no candidate point within reach"))
                item.setToolTip(_tr("No post, must-patrol point or zone centre reaches it within "
                                    "its ring; add one near it to be able to require it"))
        self._filling = False
        i = self.unit_combo.findData(keep_unit)
        self.unit_combo.setCurrentIndex(i if i >= 0 else 0)
        self._unit_chosen()
        self._fill_pins()
        self.setEnabled(True)

    def _fill_checks(self, widget: QListWidget, rows: list[tuple[int, str]], ticked: set[int]) -> None:
        widget.clear()
        for rid, text in rows:
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, rid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rid in ticked else Qt.CheckState.Unchecked)
            widget.addItem(item)

    def _unit_chosen(self) -> None:
        """Pre-fill the point with where the unit is pinned already, else its post."""
        if self._filling or self.options is None:
            return
        uid = self.unit_combo.currentData()
        home = next((u[3] for u in self.options.units if u[0] == uid), "")
        i = self.point_combo.findData(self._pins.get(uid, home))
        if i >= 0:
            self.point_combo.setCurrentIndex(i)

    # editing ---------------------------------------------------------------------------------
    def pin(self, unit_id: int, point_key: str) -> None:
        self._pins[unit_id] = point_key
        self._changed()

    def pin_current(self) -> None:
        uid, key = self.unit_combo.currentData(), self.point_combo.currentData()
        if uid is not None and key:
            self.pin(int(uid), str(key))

    def unpin_selected(self) -> None:
        for item in self.pins_list.selectedItems():
            self._pins.pop(int(item.data(ID_ROLE)), None)
        self._changed()

    def clear(self) -> None:
        self._pins.clear()
        self._zones.clear()
        self._sites.clear()
        for widget in (self.zones_list, self.sites_list):
            self._filling = True
            for r in range(widget.count()):
                widget.item(r).setCheckState(Qt.CheckState.Unchecked)
            self._filling = False
        self._changed()

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        target = self._zones if item.listWidget() is self.zones_list else self._sites
        rid = int(item.data(ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            target.add(rid)
        else:
            target.discard(rid)
        self._changed()

    def _changed(self) -> None:
        self._fill_pins()
        self.clear_error()
        self.edited.emit()

    def _fill_pins(self) -> None:
        signs = {u[0]: u[1] for u in self.options.units} if self.options else {}
        names = {c[0]: point_label(c[1], c[2]) for c in self.options.candidates} if self.options else {}
        self.pins_list.clear()
        for uid, key in sorted(self._pins.items(), key=lambda kv: signs.get(kv[0], "")):
            item = QListWidgetItem(f"{signs.get(uid, uid)}  →  {names.get(key, key)}")
            item.setData(ID_ROLE, uid)
            self.pins_list.addItem(item)
        self._show_summary()

    def _show_summary(self) -> None:
        n_pins, n_zones, n_sites = len(self._pins), len(self._zones), len(self._sites)
        if not (n_pins or n_zones or n_sites):
            self.summary.setText(_tr("No constraints: the solver places every unit freely"))
        else:
            self.summary.setText(_tr("%1 pinned · %2 zone(s) · %3 key site(s)")
                                 .replace("%1", str(n_pins)).replace("%2", str(n_zones))
                                 .replace("%3", str(n_sites)))
        self.unpin_btn.setEnabled(bool(self._pins))
        self.clear_btn.setEnabled(bool(n_pins or n_zones or n_sites))

    # what the proposal gets ----------------------------------------------------------------
    def constraints(self) -> dict[str, Any]:
        return {"pins": dict(self._pins), "zones": sorted(self._zones),
                "key_sites": sorted(self._sites)}

    def show_error(self, text: str) -> None:
        self.error.setText("✖ " + text)
        self.error.setVisible(True)

    def clear_error(self) -> None:
        self.error.clear()
        self.error.setVisible(False)
