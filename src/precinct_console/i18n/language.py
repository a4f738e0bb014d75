"""The user's language as the system reports it: Chinese or English, the two the console ships."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

# POSIX order: LC_ALL overrides every category, LC_MESSAGES the messages, LANG is the default.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
LANG_CHINESE = 0x04  # PRIMARYLANGID of a Windows LANGID: zh-CN, zh-TW, zh-HK, zh-SG all share it


def system_language(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """'zh_CN' when the user works in Chinese (the first set locale variable starts with zh; on
    Windows, whose programs do not set them, the user's display language), else 'en'."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        return "zh_CN" if windows_ui_language() == LANG_CHINESE else "en"
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def windows_ui_language() -> int:
    """The primary language of the Windows user's display language (0 elsewhere)."""
    if sys.platform == "win32":
        import ctypes

        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage()) & 0x3FF
    return 0
