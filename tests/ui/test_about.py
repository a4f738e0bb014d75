"""Help → About and `doctor`: version, Qt, licences of the bundled libraries, the icon set, the self-check."""

from __future__ import annotations

import json
from importlib import metadata

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication

from precinct_console import __version__
from precinct_console.cli import main as cli_main
from precinct_console.licences import bundled_libraries, licence_of, runtime_distributions
from precinct_console.ui.about import AboutDialog, app_icon


def _visible_names(dialog: AboutDialog) -> set[str]:
    table = dialog.table
    return {table.item(r, 0).text() for r in range(table.rowCount()) if not table.isRowHidden(r)}


def test_about_shows_version_qt_and_every_bundled_library_with_its_licence(qtbot):
    dialog = AboutDialog(database="sqlite:///precinct.sqlite3")
    qtbot.addWidget(dialog)
    text = dialog.details_text()
    assert f"Precinct Console {__version__}" in text
    assert "Qt: 6." in text and "Database: sqlite:///precinct.sqlite3" in text
    names = _visible_names(dialog)
    # The libraries a user's licence questions are about: Qt's bindings, the database drivers.
    assert {"PySide6", "SQLAlchemy", "psycopg", "psycopg-binary", "alembic", "Python"} <= names
    pyside = next(lib for lib in dialog.libraries if lib.name == "PySide6")
    assert "LGPL-3.0" in pyside.licence and pyside.version == metadata.version("PySide6")
    # Test-only tools are not shipped, so they are not listed.
    assert "pytest" not in names and "pyinstaller" not in {n.lower() for n in names}


def test_filter_and_copy_details(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.filter.setText("lgpl")
    shown = _visible_names(dialog)
    assert "PySide6" in shown and "SQLAlchemy" not in shown
    dialog.filter.clear()
    assert "SQLAlchemy" in _visible_names(dialog)
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard().text()
    assert clipboard.startswith(f"Precinct Console {__version__}") and "PySide6" in clipboard


def test_licence_reading_prefers_spdx_then_short_field_then_classifiers():
    class Meta(dict):
        def get_all(self, key):
            return self.get("_" + key)

    assert licence_of(Meta({"License-Expression": "MIT"})) == "MIT"
    assert licence_of(Meta({"License": "BSD-3-Clause"})) == "BSD-3-Clause"
    long_text = "Copyright (c) 2020\n\nPermission is hereby granted..."
    assert licence_of(Meta({"License": long_text, "_Classifier": [
        "License :: OSI Approved :: MIT License", "Programming Language :: Python"]})) == "MIT License"


def test_runtime_tree_follows_requested_extras_only():
    names = {n.lower() for n in runtime_distributions()}
    assert "psycopg-binary" in names  # asked for as psycopg[binary]
    assert "pytest" not in names  # the test extra is not shipped
    assert all(lib.version for lib in bundled_libraries())


def test_application_icon_has_every_size():
    icon = app_icon()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert not icon.pixmap(QSize(16, 16)).isNull()


def test_doctor_reports_each_check_as_json(qapp, sqlite_url, capsys):
    cli_main(["doctor", "--json", "--no-web-engine", "--db", sqlite_url])
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert {"version", "qt", "resources", "translations", "fonts", "migrations", "database"} <= set(rows)
    assert rows["migrations"]["ok"] and rows["database"]["ok"]
    assert "up to date" in rows["database"]["detail"]
    assert rows["fonts"]["ok"], rows["fonts"]["detail"]  # CJK glyphs on the test machine


def test_help_about_in_the_main_window_opens_the_dialog(qtbot, make_ctx, monkeypatch):
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Role
    from precinct_console.ui.about import AboutDialog
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.main_window import MainWindow

    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window = MainWindow(AppContext(make_ctx(Role.DUTY_OFFICER), Settings()), [])
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    help_menu.actions()[0].trigger()
    assert len(shown) == 1
    assert ("Database", window.app.ctx.db.display_url) in shown[0].summary


def test_the_application_carries_the_icon(qapp):
    from PySide6.QtGui import QIcon

    from precinct_console.config import Settings
    from precinct_console.ui.app import make_application

    font = qapp.font()
    try:
        app = make_application(Settings(language="en"))
        assert {16, 256} <= {s.width() for s in app.windowIcon().availableSizes()}
        assert app.desktopFileName() == "precinct-console"  # matches installers/linux/*.desktop
    finally:
        qapp.setWindowIcon(QIcon())
        qapp.setFont(font)
