"""Labels the domain carries in both languages (a response target's 1分钟出警 / On the way in
1 min), picked for the window's language."""

from __future__ import annotations

from .error_text import ui_language


def english_window() -> bool:
    return ui_language().startswith("en")


def pick(chinese: str, english: str) -> str:
    """The label in the window's language; the Chinese where no English was given."""
    return english if english and english_window() else chinese
