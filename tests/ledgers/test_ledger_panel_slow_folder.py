"""Export panel on a slow or unreachable target folder (a mapped drive, a branch share that went
away): the console stays responsive, says it is checking, gives up naming the folder, writes
nothing it was not asked to, and still asks before overwriting."""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.ui.context import AppContext
from precinct_console.ui.ledgers import panel as panel_module
from precinct_console.ui.ledgers.panel import LedgerExportPanel


class SlowShare:
    """Path.exists and Path.mkdir under one folder hang until released, as on a share that went
    away; which threads asked meanwhile is recorded."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def hang(self, path: Path) -> None:
        if path.is_relative_to(self.folder) and not self.release.is_set():
            self.threads.append(threading.current_thread())
            # Bounded, so that code probing on the GUI thread fails the test instead of hanging it.
            self.release.wait(3)

    @property
    def asked_on_gui_thread(self) -> bool:
        return threading.main_thread() in self.threads


@pytest.fixture
def exports(tmp_path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def share(monkeypatch, exports):
    slow = SlowShare(exports)
    real_exists, real_mkdir = Path.exists, Path.mkdir

    def exists(self, *args, **kwargs):
        slow.hang(self)
        return real_exists(self, *args, **kwargs)

    def mkdir(self, *args, **kwargs):
        slow.hang(self)
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", exists)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    yield slow
    slow.release.set()


@pytest.fixture
def exported(monkeypatch) -> list[Path]:
    """The paths handed to the export service (it still writes them)."""
    calls: list[Path] = []
    real = panel_module.export_ledger

    def export_ledger(ctx, ledger, first, last, path, *args, **kwargs):
        calls.append(path)
        return real(ctx, ledger, first, last, path, *args, **kwargs)

    monkeypatch.setattr(panel_module, "export_ledger", export_ledger)
    return calls


def make_panel(qtbot, ctx, exports: Path, timeout_ms: int) -> LedgerExportPanel:
    app = AppContext(ctx, Settings(export_folder=str(exports)))
    panel = LedgerExportPanel(app, probe_timeout_ms=timeout_ms)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10_000)
    panel.first.setDate(date(2026, 11, 18))
    return panel


def settle_probes(qtbot, panel: LedgerExportPanel) -> None:
    """Wait until every probe thread has answered (a dropped answer too)."""
    qtbot.waitUntil(lambda: not panel.app.runner._detached, timeout=5000)


def test_checking_the_folder_leaves_the_console_responsive_and_starts_one_export(
        qtbot, seeded, make_ctx, exports, share, exported):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=10_000)
    target = Path(panel.path.text())
    ticks: list[int] = []
    timer = QTimer(panel)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)  # as the 1-3-5 timers and the alert dock tick during a night shift

    began = time.monotonic()
    panel.start_export()
    assert time.monotonic() - began < 0.5  # the click came back at once
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=2000)  # the event loop runs while it checks
    assert share.threads and not share.asked_on_gui_thread
    assert panel.status.text() == f"Checking the folder {exports}…"
    assert not panel.export_button.isEnabled() and panel.cancel_button.isEnabled()
    panel.start_export()  # a second click while checking
    panel.export_button.click()
    assert exported == []

    share.release.set()
    qtbot.waitUntil(lambda: panel.recent.count() == 1, timeout=20_000)
    assert exported == [target] and target.exists()
    assert "Wrote" in panel.status.text() and panel.export_button.isEnabled()
    assert not share.asked_on_gui_thread


def test_a_folder_that_does_not_answer_is_given_up_on_by_name_and_nothing_is_written(
        qtbot, seeded, make_ctx, exports, share, exported):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=300)
    target = Path(panel.path.text())
    panel.start_export()
    qtbot.waitUntil(lambda: panel._cancel is None, timeout=2500)  # before the share "answers" at 3 s
    assert panel.status.text() == (
        f"Cannot reach {exports}: no answer in 0.3 s. Nothing was exported.")
    assert panel.export_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.progress.value() == 0
    share.release.set()  # the share answers late: the clerk was told already
    settle_probes(qtbot, panel)
    qtbot.wait(50)
    assert exported == [] and not target.exists()
    assert panel.status.text().startswith("Cannot reach")
    assert not share.asked_on_gui_thread


def test_cancel_while_checking_stops_at_once_and_the_late_answer_starts_nothing(
        qtbot, seeded, make_ctx, exports, share, exported):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=10_000)
    os.makedirs(exports)  # not Path.mkdir: the share would hang the test's own setup
    target = Path(panel.path.text())
    target.write_bytes(b"yesterday's")
    asked: list[Path] = []
    panel._ask_overwrite = lambda path: asked.append(path) or "replace"  # type: ignore[method-assign]
    panel.start_export()
    panel.cancel_button.click()
    assert panel.status.text() == "Export cancelled; no file was written."
    assert panel._cancel is None and panel.export_button.isEnabled()
    share.release.set()
    settle_probes(qtbot, panel)
    qtbot.wait(50)
    assert asked == [] and exported == [] and target.read_bytes() == b"yesterday's"


def test_an_existing_file_is_still_asked_about_once_the_slow_check_answers(
        qtbot, seeded, make_ctx, exports, share, exported, monkeypatch):
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=10_000)
    os.makedirs(exports)  # not Path.mkdir: the share would hang the test's own setup
    target = Path(panel.path.text())
    target.write_bytes(b"yesterday's")
    target.with_name(target.stem + " (2).xlsx").write_bytes(b"the day before")
    asked: list[Path] = []
    panel._ask_overwrite = lambda path: asked.append(path) or "keep"  # type: ignore[method-assign]
    panel.start_export()
    qtbot.wait(100)
    assert asked == [] and panel.status.text().startswith("Checking the folder")
    share.release.set()
    qtbot.waitUntil(lambda: panel.recent.count() == 1, timeout=20_000)
    kept = target.with_name(target.stem + " (3).xlsx")  # " (2)" is taken: the probe found it
    assert asked == [target] and exported == [kept] and kept.exists()
    assert target.read_bytes() == b"yesterday's"
    assert not share.asked_on_gui_thread

    # A path the save dialog confirmed is not asked about again, but still checked off the thread.
    monkeypatch.setattr(panel_module.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    panel._browse()
    share.release.clear()  # slow again
    share.threads.clear()
    panel.start_export()
    qtbot.waitUntil(lambda: bool(share.threads), timeout=2000)
    share.release.set()
    qtbot.waitUntil(lambda: panel._cancel is None, timeout=20_000)
    assert asked == [target] and exported == [kept, target] and target.read_bytes() != b"yesterday's"
    assert not share.asked_on_gui_thread


def test_opening_an_unreachable_export_folder_gives_up_without_freezing(
        qtbot, seeded, make_ctx, exports, share, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(panel_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=300)
    began = time.monotonic()
    panel._open(exports)
    assert time.monotonic() - began < 0.5
    qtbot.waitUntil(lambda: panel.status.text().startswith("Cannot reach"), timeout=2500)
    assert panel.status.text() == f"Cannot reach {exports}: no answer in 0.3 s."
    share.release.set()
    settle_probes(qtbot, panel)
    qtbot.wait(50)
    assert opened == [] and not share.asked_on_gui_thread

    panel._open(exports)  # the share is back: the folder is made and opened
    qtbot.waitUntil(lambda: opened == [str(exports)], timeout=2500)
    assert exports.is_dir()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_an_export_folder_that_cannot_be_made_says_why_in_the_clerks_language(
        qtbot, seeded, make_ctx, tmp_path, monkeypatch, request, language):
    if language == "zh_CN":
        request.getfixturevalue("zh_cn")
    opened: list[str] = []
    monkeypatch.setattr(panel_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    (tmp_path / "台账").write_text("x")  # a file where the export folder should be
    exports = tmp_path / "台账" / "2026"
    panel = make_panel(qtbot, make_ctx(Role.CLERK), exports, timeout_ms=2000)
    panel._open(exports)
    said = {"en": f"Cannot reach {exports}: a file stands where a folder should be.",
            # The system's reason ("Not a directory") is English whatever the locale.
            "zh_CN": f"无法访问 {exports}：路径中有同名文件占用了文件夹的位置。"}[language]
    qtbot.waitUntil(lambda: panel.status.text() == said, timeout=2500)
    assert opened == []
