"""Help → About and `doctor`: version, Qt, licences of the bundled libraries, the icon set, the self-check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication

from precinct_console import __version__
from precinct_console.cli import main as cli_main
from precinct_console.licences import bundled_libraries, licence_of, runtime_distributions
from precinct_console.ui.about import AboutDialog, app_icon


def _visible_names(dialog: AboutDialog) -> set[str]:
    table = dialog.table
    return {table.item(r, 0).text() for r in range(table.rowCount()) if not table.isRowHidden(r)}


def test_about_shows_version_qt_and_every_bundled_library_with_its_licence(qtbot):
    dialog = AboutDialog(database="sqlite:///precinct.sqlite3")
    qtbot.addWidget(dialog)
    text = dialog.details_text()
    assert f"Precinct Console {__version__}" in text
    assert "Qt: 6." in text and "Database: sqlite:///precinct.sqlite3" in text
    names = _visible_names(dialog)
    # The libraries a user's licence questions are about: Qt's bindings, the database drivers.
    assert {"PySide6", "SQLAlchemy", "psycopg", "psycopg-binary", "alembic", "Python"} <= names
    pyside = next(lib for lib in dialog.libraries if lib.name == "PySide6")
    assert "LGPL-3.0" in pyside.licence and pyside.version == metadata.version("PySide6")
    # Test-only tools are not shipped, so they are not listed.
    assert "pytest" not in names and "pyinstaller" not in {n.lower() for n in names}


def test_filter_and_copy_details(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.filter.setText("lgpl")
    shown = _visible_names(dialog)
    assert "PySide6" in shown and "SQLAlchemy" not in shown
    dialog.filter.clear()
    assert "SQLAlchemy" in _visible_names(dialog)
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard().text()
    assert clipboard.startswith(f"Precinct Console {__version__}") and "PySide6" in clipboard


def test_licence_reading_prefers_spdx_then_short_field_then_classifiers():
    class Meta(dict):
        def get_all(self, key):
            return self.get("_" + key)

    assert licence_of(Meta({"License-Expression": "MIT"})) == "MIT"
    assert licence_of(Meta({"License": "BSD-3-Clause"})) == "BSD-3-Clause"
    long_text = "Copyright (c) 2020\n\nPermission is hereby granted..."
    assert licence_of(Meta({"License": long_text, "_Classifier": [
        "License :: OSI Approved :: MIT License", "Programming Language :: Python"]})) == "MIT License"


def test_runtime_tree_follows_requested_extras_only():
    names = {n.lower() for n in runtime_distributions()}
    assert "psycopg-binary" in names  # asked for as psycopg[binary]
    assert "pytest" not in names  # the test extra is not shipped
    assert all(lib.version for lib in bundled_libraries())


def test_application_icon_has_every_size():
    icon = app_icon()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert not icon.pixmap(QSize(16, 16)).isNull()


def test_doctor_reports_each_check_as_json(qapp, sqlite_url, capsys):
    cli_main(["doctor", "--json", "--no-web-engine", "--db", sqlite_url])
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert {"version", "qt", "resources", "translations", "fonts", "migrations", "database"} <= set(rows)
    assert rows["migrations"]["ok"] and rows["database"]["ok"]
    assert "up to date" in rows["database"]["detail"]
    assert rows["fonts"]["ok"], rows["fonts"]["detail"]  # CJK glyphs on the test machine


def test_help_about_in_the_main_window_opens_the_dialog(qtbot, make_ctx, monkeypatch):
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Role
    from precinct_console.ui.about import AboutDialog
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.main_window import MainWindow

    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window = MainWindow(AppContext(make_ctx(Role.DUTY_OFFICER), Settings()), [])
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    help_menu.actions()[0].trigger()
    assert len(shown) == 1
    assert ("Database", window.app.ctx.db.display_url) in shown[0].summary


def test_the_application_carries_the_icon(qapp):
    from PySide6.QtGui import QIcon

    from precinct_console.config import Settings
    from precinct_console.ui.app import make_application

    font = qapp.font()
    try:
        app = make_application(Settings(language="en"))
        assert {16, 256} <= {s.width() for s in app.windowIcon().availableSizes()}
        assert app.desktopFileName() == "precinct-console"  # matches installers/linux/*.desktop
    finally:
        qapp.setWindowIcon(QIcon())
        qapp.setFont(font)


# Names, not words: paths and URLs, the product, libraries, translation files, PDF.
DOCTOR_NAMES = re.compile(r"\S*[/\\]\S*|Precinct Console|PySide6|alembic|pyside6|sqlalchemy|"
                          r"precinct_console_\*\.qm|qtbase_zh_CN|zh_CN|PDF|keyring\.\S+")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _english_words(detail: str) -> list[str]:
    from PySide6.QtGui import QFontInfo

    from precinct_console.ui.theme import ui_font

    names = [QFontInfo(ui_font()).family(), QGuiApplication.platformName()]  # the machine's names
    for name in names:
        detail = detail.replace(name, "")
    return ENGLISH_WORD.findall(DOCTOR_NAMES.sub("", detail))


def _locale(monkeypatch, lang: str) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "PRECINCT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)


def test_doctor_details_read_chinese_on_a_chinese_system(qapp, sqlite_url, capsys, monkeypatch):
    # As IT runs it, web engine included (its own process: Chromium starts and stops there).
    _locale(monkeypatch, "zh_CN.UTF-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "precinct_console", "doctor", "--db", sqlite_url],
                          capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 12
    assert re.search(r"^正常 网页引擎 +网页转 PDF 用时 \d+\.\d 秒（\d+ 字节）$", done.stdout, re.M)
    english = {line: _english_words(line) for line in lines if _english_words(line)}
    assert english == {}
    text = "\n".join(lines)
    assert "zh_CN（及 Qt 自带的 qtbase_zh_CN）" in text
    assert re.search(r"\d+ 个附带程序库，版本和许可证信息齐全", text)
    assert re.search(r"本机设置 \S+（(不存在|存在)）；用户设置 \S+（(不存在|存在)）", text)
    # A database the console cannot open is named as the window names it.
    assert cli_main(["doctor", "--no-web-engine", "--db", "foo://bar"]) == 1
    assert "不支持“foo”数据库；请使用 sqlite:///PATH 或 postgresql+psycopg://USER@HOST/DB" \
        in capsys.readouterr().out


def test_doctor_details_stay_english_elsewhere_and_in_json(qapp, sqlite_url, capsys, monkeypatch):
    _locale(monkeypatch, "C.UTF-8")
    assert cli_main(["doctor", "--no-web-engine", "--db", sqlite_url]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^ok +translations +zh_CN \(and Qt's qtbase_zh_CN\)$", text, re.M)
    assert re.search(r"^ok +qt +Qt 6\.\S+, PySide6 \S+, platform \w+$", text, re.M)
    assert re.search(r"^ok +licences +\d+ bundled libraries with version and licence$", text, re.M)
    assert re.search(r"^ok +settings files +machine \S+ \((absent|present)\); "
                     r"user \S+ \((absent|present)\)$", text, re.M)
    assert cli_main(["doctor", "--no-web-engine", "--db", "foo://bar"]) == 1
    assert "FAIL database        DatabaseUrlError: 'foo' databases are not supported; use " \
           "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB" in capsys.readouterr().out
    # Scripts read the English whatever the machine's language.
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    cli_main(["doctor", "--json", "--no-web-engine", "--db", sqlite_url])
    rows = {r["check"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["translations"]["detail"] == "zh_CN (and Qt's qtbase_zh_CN)"
    assert rows["settings files"]["detail"].startswith("machine ")


def _break_the_installation(monkeypatch, tmp_path):
    import keyring

    import precinct_console.licences
    import precinct_console.ui.doctor as doctor

    monkeypatch.setattr(doctor, "resources_dir", lambda: tmp_path)  # no icons, no translations
    monkeypatch.setattr(precinct_console.licences, "bundled_libraries", lambda: [])

    def no_keyring():
        raise RuntimeError("no recommended backend was available")

    monkeypatch.setattr(keyring, "get_keyring", no_keyring)


def test_doctor_failures_read_chinese_and_keep_their_english(qapp, monkeypatch, tmp_path):
    from PySide6.QtCore import QCoreApplication

    from precinct_console.ui.doctor import run_checks

    _break_the_installation(monkeypatch, tmp_path)
    failed = {c.name: c.detail for c in run_checks(web_engine=False, language="zh_CN") if not c.ok}
    assert set(failed) == {"resources", "translations", "licences", "keyring"}
    assert failed["resources"] == f"缺少 {tmp_path / 'icons' / 'precinct-console-256.png'}"
    assert failed["translations"] == f"{tmp_path / 'translations'} 中没有 precinct_console_*.qm 翻译文件"
    assert failed["licences"] == "缺少以下程序库的版本和许可证信息：alembic, pyside6, sqlalchemy"
    # Another library's error keeps its own words for IT, said to have failed in Chinese.
    assert failed["keyring"] == "出错（RuntimeError）：no recommended backend was available"
    assert all(CHINESE.search(d) for d in failed.values())
    assert [d for name, d in failed.items() if name != "keyring" and _english_words(d)] == []
    # The translation was the checks' only: the application speaks English again.
    assert QCoreApplication.translate("", "absent") == "absent"

    english = {c.name: c.detail for c in run_checks(web_engine=False) if not c.ok}
    assert english == {
        "resources": f"FileNotFoundError: {tmp_path / 'icons' / 'precinct-console-256.png'} is missing",
        "translations": f"FileNotFoundError: no precinct_console_*.qm in {tmp_path / 'translations'}",
        "licences": "LookupError: no metadata (version, licence) for alembic, pyside6, sqlalchemy",
        "keyring": "RuntimeError: no recommended backend was available",
    }


def test_about_words_the_build_and_platform_in_the_windows_language(qtbot, zh_cn):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    summary = dict(dialog.summary)
    assert summary["Version"] == f"{__version__}（源码安装）"
    assert re.fullmatch(r"\d+\.\d+\.\d+，运行于 .+", summary["Python"])


def test_about_words_stay_english_without_a_translation(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    summary = dict(dialog.summary)
    assert summary["Version"] == f"{__version__} (installed from source)"
    assert re.fullmatch(r"\d+\.\d+\.\d+ on \S+ .+", summary["Python"])
