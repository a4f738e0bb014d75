"""The frozen build's trimming keeps what the console loads and drops QML, unlinked Qt libraries, other languages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC_DIR = Path(__file__).resolve().parents[2] / "installers"


@pytest.fixture(scope="module")
def bundle_trim():
    spec = importlib.util.spec_from_file_location("bundle_trim", SPEC_DIR / "bundle_trim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qtwebengine_locales/zh-CN.pak", True),
    ("PySide6/Qt/translations/qtwebengine_locales/en-US.pak", True),  # Chromium's fallback
    ("PySide6/Qt/translations/qtwebengine_locales/fr.pak", False),
    ("PySide6/Qt/qml/QtQuick3D/libqquick3dplugin.so", False),
    ("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("resources/translations/precinct_console_zh_CN.qm", True),  # ours are never filtered
    # Windows layout of the PySide6 wheel
    ("PySide6\\qml\\QtQuick\\Controls\\qtquickcontrols2plugin.dll", False),
    ("PySide6\\translations\\qtbase_zh_CN.qm", True),
    ("PySide6\\translations\\qt_ja.qm", False),
])
def test_which_files_are_kept(bundle_trim, dest, kept):
    assert bundle_trim.wanted(dest) is kept


def test_qt_libraries_are_kept_only_when_something_links_them(bundle_trim):
    binaries = [
        ("PySide6/QtWebEngineWidgets.abi3.so", "/x/QtWebEngineWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", "/x/libQt6WebEngineCore.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/x/libQt6Quick.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/x/libQt6XcbQpa.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick3D.so.6", "/x/libQt6Quick3D.so.6", "BINARY"),
        ("PySide6/Qt6Charts.dll", "/x/Qt6Charts.dll", "BINARY"),
    ]
    links = {
        "/x/QtWebEngineWidgets.abi3.so": ["libQt6WebEngineCore.so.6"],
        "/x/libQt6WebEngineCore.so.6": ["libQt6Quick.so.6", "libc.so.6"],  # through a Qt library
        "/x/libqxcb.so": ["LIBQT6XCBQPA.SO.6"],  # a name spelled differently still counts
        "/x/libQt6Quick3D.so.6": ["libQt6Quick.so.6"],
    }
    datas, kept, dropped = bundle_trim.trim(
        [("PySide6/Qt/qml/QtQuick/qmldir", "/x/qmldir", "DATA")], binaries,
        imports_of=lambda src: [(name, "") for name in links.get(src, [])],
    )
    assert datas == []
    assert dropped == ["Qt6Charts.dll", "libQt6Quick3D.so.6"]
    assert {Path(e[1]).name for e in kept} == {
        "QtWebEngineWidgets.abi3.so", "libqxcb.so", "libQt6WebEngineCore.so.6",
        "libQt6Quick.so.6", "libQt6XcbQpa.so.6",
    }
