"""The repeat kinds (一人多警, 一地多警, 一事多警) in the window's language; the layers below keep
the codes caller, place and matter."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from .i18n import QT_TRANSLATE_NOOP

KINDS = ("caller", "place", "matter")

_NAMES = {
    "caller": QT_TRANSLATE_NOOP("repeats", "Repeat caller"),
    "place": QT_TRANSLATE_NOOP("repeats", "Repeat place"),
    "matter": QT_TRANSLATE_NOOP("repeats", "Repeat matter"),
}
# The short forms a narrow table column shows, joined by a slash (一人/一地).
_SHORT = {
    "caller": QT_TRANSLATE_NOOP("repeats", "caller"),
    "place": QT_TRANSLATE_NOOP("repeats", "place"),
    "matter": QT_TRANSLATE_NOOP("repeats", "matter"),
}


def repeat_kind(code: str) -> str:
    """A kind as the trade names it: 一地多警 in Chinese, "Repeat place" in English."""
    return QCoreApplication.translate("repeats", _NAMES[code]) if code in _NAMES else code


def repeat_kind_short(code: str) -> str:
    return QCoreApplication.translate("repeats", _SHORT[code]) if code in _SHORT else code


def flagged_kinds(caller: bool, place: bool, matter: bool) -> list[str]:
    """The names of the kinds an incident is flagged with, in the trade's order."""
    return [repeat_kind(k) for k, on in zip(KINDS, (caller, place, matter), strict=True) if on]
