"""Help → About: the console's version, the Qt it runs on and the licences of every bundled library."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..config import resources_dir
from ..licences import Library, bundled_libraries
from .i18n import tr
from .theme import ui_font


def app_icon() -> QIcon:
    """The application icon in every size drawn for it (the small drawing below 48 px)."""
    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256):
        path = folder / f"precinct-console-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


def runtime_summary(database: str = "") -> list[tuple[str, str]]:
    """(label, value) pairs shown on the dialog and copied into a support request."""
    version = tr("{version} (frozen build)") if getattr(sys, "frozen", False) \
        else tr("{version} (installed from source)")
    rows = [
        ("Version", version.format(version=__version__)),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("Python", tr("{python} on {system} {release} {machine}").format(
            python=platform.python_version(), system=platform.system(), release=platform.release(),
            machine=platform.machine())),
    ]
    if database:
        rows.append(("Database", database))
    return rows


class _Item(QTableWidgetItem):
    """Sorts as a reader expects: 'alembic' beside 'APScheduler', not after 'shiboken6'."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.text().casefold() < other.text().casefold()


def _python_runtime() -> Library:
    # The interpreter itself ships inside the frozen build, under its own licence.
    return Library("Python", platform.python_version(), "PSF-2.0", "https://www.python.org")


class AboutDialog(QDialog):
    """Version, platform and a searchable table of bundled libraries with their licences."""

    def __init__(self, parent: QWidget | None = None, *, database: str = "",
                 libraries: list[Library] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Precinct Console"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(720, 560)
        self.libraries = libraries if libraries is not None else [_python_runtime(), *bundled_libraries()]
        self.summary = runtime_summary(database)

        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self._summary_label())
        layout.addWidget(QLabel(self.tr(
            "Precinct Console uses these libraries under their own licences. Qt and PySide6 are "
            "used under the LGPL-3.0: they are shipped as separate library files that can be "
            "replaced with a compatible build."
        ), wordWrap=True))
        self.filter = QLineEdit(placeholderText=self.tr("Filter libraries or licences…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter)
        self.table = self._library_table()
        layout.addWidget(self.table, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.setToolTip(self.tr("Copy versions and licences, e.g. for a support request"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(QPixmap(str(resources_dir() / "icons" / "precinct-console-64.png")))
        row.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<b>Precinct Console</b> {__version__}")
        title.setFont(ui_font(16))
        subtitle = QLabel(self.tr("Command-room console for a police station") + " · 派出所综合指挥室")
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(subtitle)
        text.addStretch(1)
        row.addLayout(text, 1)
        return row

    def _summary_label(self) -> QLabel:
        labels = {"Version": self.tr("Version"), "Qt": "Qt", "Python": "Python",
                  "Database": self.tr("Database")}
        html = "".join(
            f"<tr><td style='padding-right:12px'><b>{labels.get(k, k)}</b></td><td>{v}</td></tr>"
            for k, v in self.summary
        )
        label = QLabel(f"<table>{html}</table>")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _library_table(self) -> QTableWidget:
        table = QTableWidget(len(self.libraries), 3)
        table.setHorizontalHeaderLabels([self.tr("Library"), self.tr("Version"), self.tr("Licence")])
        for row, lib in enumerate(self.libraries):
            for column, text in enumerate((lib.name, lib.version, lib.licence)):
                item = _Item(text)
                if lib.home:
                    item.setToolTip(lib.home)
                table.setItem(row, column, item)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        return table

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            cells = (self.table.item(row, c) for c in range(3))
            hit = not needle or any(needle in (cell.text().lower() if cell else "") for cell in cells)
            self.table.setRowHidden(row, not hit)

    def details_text(self) -> str:
        lines = [f"Precinct Console {__version__}"]
        lines += [f"{label}: {value}" for label, value in self.summary]
        lines.append("")
        lines += [f"{lib.name} {lib.version} — {lib.licence}" for lib in self.libraries]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
