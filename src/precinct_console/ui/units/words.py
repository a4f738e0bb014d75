"""Unit states and kinds in the window's language (services keep codes and the Chinese of the
ledgers: 空闲, 巡逻车…)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..i18n import QT_TRANSLATE_NOOP

_STATES = {
    "available": QT_TRANSLATE_NOOP("UnitWords", "available"),
    "dispatched": QT_TRANSLATE_NOOP("UnitWords", "dispatched"),
    "en_route": QT_TRANSLATE_NOOP("UnitWords", "en route"),
    "on_scene": QT_TRANSLATE_NOOP("UnitWords", "on scene"),
    "returning": QT_TRANSLATE_NOOP("UnitWords", "returning"),
    "off_duty": QT_TRANSLATE_NOOP("UnitWords", "off duty"),
}
_KINDS = {
    "car": QT_TRANSLATE_NOOP("UnitWords", "patrol car"),
    "foot": QT_TRANSLATE_NOOP("UnitWords", "foot patrol"),
    "motorbike": QT_TRANSLATE_NOOP("UnitWords", "motorbike"),
    "ebike": QT_TRANSLATE_NOOP("UnitWords", "e-bike"),
    "drone": QT_TRANSLATE_NOOP("UnitWords", "drone"),
}


def unit_state(code: str) -> str:
    """空闲 in Chinese, "available" in English; an unknown code as it is."""
    return QCoreApplication.translate("UnitWords", _STATES[code]) if code in _STATES else code


def unit_kind(code: str) -> str:
    return QCoreApplication.translate("UnitWords", _KINDS[code]) if code in _KINDS else code
