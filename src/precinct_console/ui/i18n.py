"""Translations: zh_CN by default for a Chinese locale (or as settings say), English otherwise."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..config import resources_dir

log = logging.getLogger("precinct_console.ui")


def choose_language(setting: str) -> str:
    if setting:
        return setting
    locale = QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load our .qm and Qt's own for the language; keep the translators alive (returned)."""
    if language.startswith("en"):
        return []
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    path = resources_dir() / "translations" / f"precinct_console_{language}.qm"
    if ours.load(str(path)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no translation file %s", path)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(language))
    return installed
