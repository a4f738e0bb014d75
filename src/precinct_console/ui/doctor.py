"""Installation self-check: Qt, fonts, translations, the bulletin's web engine, resources and migrations."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..config import machine_settings_path, resources_dir, user_data_dir, user_settings_path


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _check(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except Exception as exc:  # a self-check reports every failure, it never stops at one
        return Check(name, False, f"{type(exc).__name__}: {exc}")


def _application() -> object:
    # QtWebEngine must be imported before the application object exists.
    from PySide6 import QtWebEngineCore  # noqa: F401
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return QApplication.instance() or QApplication(sys.argv[:1])


def _qt() -> str:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    return f"Qt {qVersion()}, PySide6 {pyside}, platform {QGuiApplication.platformName()}"


def _resources() -> str:
    folder = resources_dir()
    icon = folder / "icons" / "precinct-console-256.png"
    if not icon.is_file():
        raise FileNotFoundError(f"{icon} is missing")
    return str(folder)


def _translations() -> str:
    from PySide6.QtCore import QLibraryInfo, QTranslator

    folder = resources_dir() / "translations"
    ours = sorted(folder.glob("precinct_console_*.qm"))
    if not ours:
        raise FileNotFoundError(f"no precinct_console_*.qm in {folder}")
    loaded = []
    for qm in ours:
        translator = QTranslator()
        if not translator.load(str(qm)):
            raise ValueError(f"{qm.name} does not load")
        if translator.isEmpty():
            raise ValueError(f"{qm.name} holds no translated strings (unfinished .ts?)")
        loaded.append(qm.stem.removeprefix("precinct_console_"))
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator()
    if not qt.load("qtbase_zh_CN", qt_folder):
        raise FileNotFoundError(f"Qt's own qtbase_zh_CN.qm is not in {qt_folder}")
    return f"{', '.join(loaded)} (and Qt's qtbase_zh_CN)"


def _fonts() -> str:
    from PySide6.QtGui import QFontDatabase, QFontInfo

    from .theme import ui_font

    info = QFontInfo(ui_font())
    if QFontDatabase.WritingSystem.SimplifiedChinese not in QFontDatabase.writingSystems(info.family()):
        raise LookupError(
            f"the interface font resolves to '{info.family()}', which has no Chinese glyphs; "
            "install Microsoft YaHei (Windows) or Noto Sans CJK (Linux: fonts-noto-cjk)"
        )
    return info.family()


def _web_engine(timeout_s: float = 30.0) -> str:
    """Render a Chinese page to PDF as the bulletin does: proves the engine, its helper
    process and its resources are all in place."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWebEngineCore import QWebEnginePage

    started = time.monotonic()
    page = QWebEnginePage()
    loop = QEventLoop()
    result: dict[str, object] = {}
    target = Path(tempfile.mkdtemp(prefix="precinct-doctor-")) / "check.pdf"

    def loaded(ok: bool) -> None:
        if not ok:
            result["error"] = "the page did not load"
            loop.quit()
            return
        page.printToPdf(str(target))

    def printed(path: str, ok: bool) -> None:
        result["ok"] = ok
        loop.quit()

    page.loadFinished.connect(loaded)
    page.pdfPrintingFinished.connect(printed)
    page.setHtml("<html><body><h1>值班通报 bulletin</h1><p>1-3-5 快速反应</p></body></html>")
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    # The page must be gone before its profile is released at exit, or Chromium complains.
    page.deleteLater()
    QTimer.singleShot(50, loop.quit)
    loop.exec()
    if "error" in result:
        raise RuntimeError(result["error"])
    if not result.get("ok") or not target.is_file():
        raise TimeoutError(f"no PDF within {timeout_s:.0f} s")
    size = target.stat().st_size
    target.unlink()
    target.parent.rmdir()
    return f"HTML to PDF in {time.monotonic() - started:.1f} s ({size} bytes)"


def _licences() -> str:
    """The About dialog's licence table comes from bundled metadata: make sure it is there."""
    from ..licences import bundled_libraries

    names = {lib.name.lower() for lib in bundled_libraries()}
    missing = {"pyside6", "sqlalchemy", "alembic"} - names
    if missing:
        raise LookupError(f"no metadata (version, licence) for {', '.join(sorted(missing))}")
    return f"{len(names)} bundled libraries with version and licence"


def _settings_files() -> str:
    parts = []
    for label, path in (("machine", machine_settings_path()), ("user", user_settings_path())):
        parts.append(f"{label} {path} ({'present' if path.is_file() else 'absent'})")
    return "; ".join(parts)


def _keyring() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def run_checks(*, web_engine: bool = True) -> list[Check]:
    """Every check, in the order a support call walks through them."""
    app = _application()
    checks = [
        Check("version", True, f"Precinct Console {__version__}"
              + (" (frozen build)" if getattr(sys, "frozen", False) else "")),
        _check("qt", _qt),
        _check("resources", _resources),
        _check("translations", _translations),
        _check("fonts", _fonts),
    ]
    if web_engine:
        checks.append(_check("web engine", _web_engine))
    checks += [
        _check("licences", _licences),
        _check("settings files", _settings_files),
        Check("data folder", True, str(user_data_dir())),
        _check("keyring", _keyring),
    ]
    del app
    return checks
