"""The roles' names in the window's language (the domain keeps codes and English)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..domain.permissions import Role
from .i18n import QT_TRANSLATE_NOOP

_NAMES = {
    Role.DUTY_OFFICER: QT_TRANSLATE_NOOP("roles", "Duty officer"),
    Role.STATION_CHIEF: QT_TRANSLATE_NOOP("roles", "Station chief"),
    Role.CLERK: QT_TRANSLATE_NOOP("roles", "Clerk"),
    Role.ADMIN: QT_TRANSLATE_NOOP("roles", "Administrator"),
    Role.VIEWER: QT_TRANSLATE_NOOP("roles", "Branch viewer (read-only)"),
    Role.COMMUNITY_OFFICER: QT_TRANSLATE_NOOP("roles", "Community officer"),
}


def role_name(role: Role | str) -> str:
    """A role as the accounts dialog, the sign-in and the status bar name it."""
    try:
        return QCoreApplication.translate("roles", _NAMES[Role(role)])
    except ValueError:  # a role a newer console knows: its code, not a crash
        return str(role)
