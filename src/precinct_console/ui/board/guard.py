"""Background results may arrive after their widget closed: deliver them only to a live widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def alive(obj: QObject) -> bool:
    return shiboken6.isValid(obj)


def guarded(obj: QObject, fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, unless obj's C++ side has been deleted by the time the result comes back."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if shiboken6.isValid(obj):
            return fn(*args, **kwargs)
        return None

    return call
