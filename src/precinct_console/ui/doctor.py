"""Installation self-check: Qt, fonts, translations, the bulletin's web engine, resources and migrations."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from .. import __version__
from ..config import machine_settings_path, resources_dir, user_data_dir, user_settings_path
from .i18n import tr, translating


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


class CheckFailed(Exception):
    """A failure the check words itself, translated; its message is the whole detail. The English
    opens with the Python error's name the detail always began with (IT and scripts read it), the
    Chinese leaves it out."""


def failure_text(exc: BaseException) -> str:
    """Another library's error: Python's name for it and its message, which IT searches for
    (the same English as ever; the translation says in words that the check failed)."""
    return tr("{kind}: {message}").format(kind=type(exc).__name__, message=exc)


def _check(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except CheckFailed as exc:
        return Check(name, False, str(exc))
    except Exception as exc:  # a self-check reports every failure, it never stops at one
        return Check(name, False, failure_text(exc))


def _application() -> QCoreApplication:
    # QtWebEngine must be imported before the application object exists.
    from PySide6 import QtWebEngineCore  # noqa: F401
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return QApplication.instance() or QApplication(sys.argv[:1])


def _qt() -> str:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    return tr("Qt {qt}, PySide6 {pyside}, platform {platform}").format(
        qt=qVersion(), pyside=pyside, platform=QGuiApplication.platformName())


def _resources() -> str:
    folder = resources_dir()
    icon = folder / "icons" / "precinct-console-256.png"
    if not icon.is_file():
        raise CheckFailed(tr("FileNotFoundError: {path} is missing").format(path=icon))
    return str(folder)


def _translations() -> str:
    from PySide6.QtCore import QLibraryInfo, QTranslator

    folder = resources_dir() / "translations"
    ours = sorted(folder.glob("precinct_console_*.qm"))
    if not ours:
        raise CheckFailed(tr("FileNotFoundError: no precinct_console_*.qm in {folder}").format(
            folder=folder))
    loaded = []
    for qm in ours:
        translator = QTranslator()
        if not translator.load(str(qm)):
            raise CheckFailed(tr("ValueError: {file} does not load").format(file=qm.name))
        if translator.isEmpty():
            raise CheckFailed(tr("ValueError: {file} holds no translated strings (unfinished .ts?)")
                              .format(file=qm.name))
        loaded.append(qm.stem.removeprefix("precinct_console_"))
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator()
    if not qt.load("qtbase_zh_CN", qt_folder):
        raise CheckFailed(tr("FileNotFoundError: Qt's own qtbase_zh_CN.qm is not in {folder}")
                          .format(folder=qt_folder))
    return tr("{languages} (and Qt's qtbase_zh_CN)").format(languages=", ".join(loaded))


def _fonts() -> str:
    from PySide6.QtGui import QFontDatabase, QFontInfo

    from .theme import ui_font

    info = QFontInfo(ui_font())
    if QFontDatabase.WritingSystem.SimplifiedChinese not in QFontDatabase.writingSystems(info.family()):
        raise CheckFailed(tr(
            "LookupError: the interface font resolves to '{family}', which has no Chinese glyphs; "
            "install Microsoft YaHei (Windows) or Noto Sans CJK (Linux: fonts-noto-cjk)"
        ).format(family=info.family()))
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
            result["error"] = tr("RuntimeError: the page did not load")
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
        raise CheckFailed(result["error"])
    if not result.get("ok") or not target.is_file():
        raise CheckFailed(tr("TimeoutError: no PDF within {seconds} s").format(
            seconds=f"{timeout_s:.0f}"))
    size = target.stat().st_size
    target.unlink()
    target.parent.rmdir()
    return tr("HTML to PDF in {seconds} s ({size} bytes)").format(
        seconds=f"{time.monotonic() - started:.1f}", size=size)


def _licences() -> str:
    """The About dialog's licence table comes from bundled metadata: make sure it is there."""
    from ..licences import bundled_libraries

    names = {lib.name.lower() for lib in bundled_libraries()}
    missing = {"pyside6", "sqlalchemy", "alembic"} - names
    if missing:
        raise CheckFailed(tr("LookupError: no metadata (version, licence) for {names}").format(
            names=", ".join(sorted(missing))))
    return tr("{count} bundled libraries with version and licence").format(count=len(names))


def _settings_files() -> str:
    machine, user = machine_settings_path(), user_settings_path()
    return tr("machine {machine} ({machine_state}); user {user} ({user_state})").format(
        machine=machine, machine_state=_presence(machine), user=user, user_state=_presence(user))


def _presence(path: Path) -> str:
    return tr("present") if path.is_file() else tr("absent")


def _keyring() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def run_checks(*, web_engine: bool = True, language: str = "en") -> list[Check]:
    """Every check, in the order a support call walks through them, its details in the language."""
    app = _application()
    with translating(app, language):
        return _checks(web_engine)


def _checks(web_engine: bool) -> list[Check]:
    version = tr("Precinct Console {version} (frozen build)") if getattr(sys, "frozen", False) \
        else "Precinct Console {version}"
    checks = [
        Check("version", True, version.format(version=__version__)),
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
    return checks
