"""Translations: zh_CN unless settings ask for English; the helper lupdate files under "" context."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..config import resources_dir

if TYPE_CHECKING:
    # PySide6 types the markers as returning object; they return the text unchanged.
    # lupdate knows them by name, so modules may import them from here.
    def QT_TR_NOOP(text: str) -> str: ...
    def QT_TRANSLATE_NOOP(context: str, text: str) -> str: ...
else:  # re-exported for the modules that mark strings
    from PySide6.QtCore import QT_TR_NOOP as QT_TR_NOOP
    from PySide6.QtCore import QT_TRANSLATE_NOOP as QT_TRANSLATE_NOOP

log = logging.getLogger("precinct_console.ui")


def choose_language(setting: str) -> str:
    """The console is made for Chinese stations: Chinese unless the settings say otherwise."""
    return setting or "zh_CN"


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """Translate in the empty context: pyside6-lupdate files every call of a bare tr() or
    _tr() (scripts/translations.py aliases _tr) there, whatever module it sits in."""
    return QCoreApplication.translate("", text, disambiguation, n)


def qm_file(language: str) -> str:
    return str(resources_dir() / "translations" / f"precinct_console_{language}.qm")


@contextmanager
def translating(app: QCoreApplication, language: str) -> Iterator[None]:
    """Our translation for the length of a block: a verb that runs Qt code (doctor, bulletin)
    has that code speak the verbs' language, and leaves the application as it found it."""
    translator = QTranslator()
    installed = not language.startswith("en") and translator.load(qm_file(language)) \
        and app.installTranslator(translator)
    # The locale too, as install_translators sets it: known errors (ui/error_text.py) are worded
    # in the locale's language once a translation is installed, and with `language` = zh_CN on
    # an English system the locale alone would have kept them English.
    before = QLocale()
    if installed:
        QLocale.setDefault(QLocale(language))
    try:
        yield
    finally:
        if installed:
            app.removeTranslator(translator)
            QLocale.setDefault(before)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load our .qm and Qt's own for the language; keep the translators alive (returned)."""
    if language.startswith("en"):
        return []
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    path = qm_file(language)
    if ours.load(path):
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
