"""Known errors of the Qt-free layers in the UI's language: the shared catalogue (i18n.catalogue),
asked in the language the installed translation speaks."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from ..domain.errors import file_error_reason
from ..i18n import catalogue as _shared
from ..i18n.catalogue import (
    FIELD_SLOTS,
    LIST_SEPARATORS,
    MAX_DEPTH,
    TOKEN_SLOTS,
    WORD_SLOTS,
    Catalogue,
    Template,
    catalogue,
    catalogue_path,
    placeholders,
    shape,
)

__all__ = ["FIELD_SLOTS", "LIST_SEPARATORS", "MAX_DEPTH", "TOKEN_SLOTS", "WORD_SLOTS", "Catalogue",
           "Template", "catalogue", "catalogue_path", "error_text", "message_text", "os_reason",
           "placeholders", "shape", "ui_language"]


def ui_language() -> str:
    """The language the installed translation speaks, not the system's: with the settings asking
    for English on a Chinese Windows no translator is installed, and errors stay English."""
    # A marker every translation renders as its own language's name.
    if QCoreApplication.translate("error_text", "English") == "English":
        return "en"
    return QLocale().name()


def message_text(text: str, language: str | None = None) -> str:
    """A message the Qt-free layers give to be shown, not raised (a unit recommendation's
    reasons, its shortfall), in the UI's language by the same catalogue; unknown text as it is."""
    return _shared.message_text(text, language or ui_language())


def error_text(exc: BaseException, language: str | None = None) -> str:
    """The message of a known error in the UI's language (English: str(exc) unchanged)."""
    return _shared.error_text(exc, language or ui_language())


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in the UI's language: the system's own words
    (strerror) are English whatever the locale; the shared words go through the catalogue."""
    return message_text(file_error_reason(exc))
