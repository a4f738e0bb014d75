"""Dispute grades' and risks' names in the window's language (the domain keeps the Chinese for
the ledger: 重大, 较大…; the codes A–D and high/medium/low)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..i18n import QT_TRANSLATE_NOOP

_GRADES = {
    "A": QT_TRANSLATE_NOOP("DisputeWords", "major"),
    "B": QT_TRANSLATE_NOOP("DisputeWords", "serious"),
    "C": QT_TRANSLATE_NOOP("DisputeWords", "ordinary"),
    "D": QT_TRANSLATE_NOOP("DisputeWords", "minor"),
}
_RISKS = {
    "high": QT_TRANSLATE_NOOP("DisputeWords", "high"),
    "medium": QT_TRANSLATE_NOOP("DisputeWords", "medium"),
    "low": QT_TRANSLATE_NOOP("DisputeWords", "low"),
}


def grade_name(code: str) -> str:
    """重大 for A in Chinese, "major" in English; an unknown code as it is."""
    return QCoreApplication.translate("DisputeWords", _GRADES[code]) if code in _GRADES else code


def risk_name(code: str) -> str:
    return QCoreApplication.translate("DisputeWords", _RISKS[code]) if code in _RISKS else code
