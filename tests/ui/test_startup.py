"""Starting the console: what a seat shows before anyone signs in."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QMessageBox

from precinct_console.ui import app as app_mod


def test_a_broken_settings_file_is_explained_in_chinese_naming_the_file(qapp, tmp_path, monkeypatch):
    # The file that would choose the language cannot be read: the console says so in its default
    # language, names the file and does not start.
    broken = tmp_path / "settings.toml"
    broken.write_text("language = \n", encoding="utf-8")
    monkeypatch.setenv("PRECINCT_USER_SETTINGS", str(broken))
    monkeypatch.setenv("PRECINCT_MACHINE_SETTINGS", str(tmp_path / "none.toml"))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    locale = QLocale()
    try:
        assert app_mod.run_gui() == 2
    finally:
        # The QApplication lives for the whole session: later tests expect English.
        for translator in getattr(qapp, "_translators", []):
            qapp.removeTranslator(translator)
        qapp._translators = []
        QLocale.setDefault(locale)
    assert len(shown) == 1, shown
    assert str(broken) in shown[0]
    assert "设置文件" in shown[0] and "not a valid" not in shown[0]
