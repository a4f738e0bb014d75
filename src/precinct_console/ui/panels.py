"""The registry of dockable panels: each panel is one line here, built lazily by its factory."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from .i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from .context import AppContext


@dataclass(frozen=True)
class PanelSpec:
    key: str
    title: str  # English source, marked QT_TRANSLATE_NOOP("panels", ...); shown translated
    factory: str  # "package.module:function" taking the AppContext, returning a QWidget
    area: str = "center"  # center | left | right | bottom
    shortcut: str = ""

    def translated_title(self) -> str:
        return QCoreApplication.translate("panels", self.title)

    def create(self, app: AppContext) -> QWidget:
        module_name, _, func_name = self.factory.partition(":")
        factory: Callable[[AppContext], QWidget] = getattr(
            importlib.import_module(module_name), func_name
        )
        return factory(app)


# Order is the order of the View menu; the first "center" panel is the central tab.
PANELS: list[PanelSpec] = [
    PanelSpec("board", QT_TRANSLATE_NOOP("panels", "Incident board"), "precinct_console.ui.board.panel:make_board_panel", "center", "F2"),
    PanelSpec("units", QT_TRANSLATE_NOOP("panels", "Unit status"), "precinct_console.ui.units.panel:make_units_panel", "bottom", "F3"),
    PanelSpec("alerts", QT_TRANSLATE_NOOP("panels", "Alerts"), "precinct_console.ui.alerts.panel:make_alerts_panel", "right", "F4"),
    PanelSpec("map", QT_TRANSLATE_NOOP("panels", "Grid map"), "precinct_console.ui.map.panel:create_panel", "center", "Ctrl+3"),
    PanelSpec("tasks", QT_TRANSLATE_NOOP("panels", "Follow-up tasks"), "precinct_console.ui.tasks.board:create_panel", "center", "Ctrl+6"),
    PanelSpec("disputes", QT_TRANSLATE_NOOP("panels", "Disputes"), "precinct_console.ui.disputes.panel:create_panel", "center", "Ctrl+7"),
    PanelSpec("ledgers", QT_TRANSLATE_NOOP("panels", "Ledgers and exports"), "precinct_console.ui.ledgers.panel:create_panel", "center", "Ctrl+8"),
    PanelSpec("statistics", QT_TRANSLATE_NOOP("panels", "Statistics"), "precinct_console.ui.stats.panel:create_panel", "center", "Ctrl+9"),
    PanelSpec("bulletin", QT_TRANSLATE_NOOP("panels", "Weekly bulletin"), "precinct_console.ui.bulletin.panel:create_panel", "center", ""),
    PanelSpec("roster", QT_TRANSLATE_NOOP("panels", "Roster"), "precinct_console.ui.roster.panel:create_panel", "center", "Ctrl+Shift+R"),
    PanelSpec("allocation", QT_TRANSLATE_NOOP("panels", "Patrol allocation"), "precinct_console.ui.allocation.panel:create_panel", "center", "Ctrl+Shift+P"),
]

