"""QSettings for window layout and per-seat UI choices (tests point it at a temporary folder)."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from ..config import APP_AUTHOR, APP_NAME


def qsettings() -> QSettings:
    folder = os.environ.get("PRECINCT_QSETTINGS_DIR")
    if folder:
        return QSettings(os.path.join(folder, "ui.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_AUTHOR, APP_NAME)
