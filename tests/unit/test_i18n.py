"""Translations without Qt: the .qm read in plain Python says what QTranslator says; the locale's language."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from precinct_console.i18n import language, qm

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "precinct_console_zh_CN.ts"


def test_the_plain_reader_answers_as_qtranslator_for_every_message():
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(qm.qm_path("zh_CN")))
    catalogue = qm.load("zh_CN")
    assert catalogue is not None
    asked = 0
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source, comment = message.findtext("source") or "", message.findtext("comment")
            assert catalogue.translate(name, source, comment) == translator.translate(name, source, comment), \
                (name, source)
            asked += 1
    assert asked > 900 and len(catalogue.messages) == asked
    assert catalogue.translate("error_text", "English") == "简体中文"
    assert catalogue.translate("", "no such source text") is None


def test_english_needs_no_file_and_a_broken_file_falls_back_to_english(tmp_path, monkeypatch, caplog):
    assert qm.load("en") is None
    broken = tmp_path / "precinct_console_xx.qm"
    broken.write_bytes(b"not a qm file")
    monkeypatch.setattr(qm, "qm_path", lambda lang: broken)
    qm.load.cache_clear()
    try:
        assert qm.load("xx") is None
        assert "no usable translation file" in caplog.text
    finally:
        qm.load.cache_clear()


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),  # the one Chinese the console ships
    ({"LANG": "zh_CN.GB18030"}, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, "zh_CN"),  # an empty variable is not set
])
def test_the_system_language_follows_the_posix_locale_variables(environ, expected):
    assert language.system_language(environ, "linux") == expected


def test_on_windows_the_users_display_language_decides(monkeypatch):
    monkeypatch.setattr(language, "windows_ui_language", lambda: 0x04)  # LANG_CHINESE
    assert language.system_language({"LANG": "en_US.UTF-8"}, "win32") == "zh_CN"
    monkeypatch.setattr(language, "windows_ui_language", lambda: 0x09)  # LANG_ENGLISH
    assert language.system_language({}, "win32") == "en"


def test_the_command_line_starts_without_qt():
    """Each verb starts a process: importing Qt would cost every start 70-110 ms here."""
    code = "import sys, precinct_console.cli; print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
