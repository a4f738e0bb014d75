"""Render the main window and every registered panel offscreen to PNG files (README, review)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from ..config import load_settings
from ..domain.clock import Clock, system_clock
from ..domain.permissions import Actor, Role
from ..services.context import ServiceContext
from ..services.stations import list_stations
from ..storage.database import Database
from .app import make_application
from .context import AppContext
from .main_window import MainWindow
from .panels import PANELS


@dataclass(frozen=True)
class SnapshotResult:
    files: list[Path]


def _settle(ms: int) -> None:
    """Let queued signals, background loads and first paints finish."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def snapshot(db: Database, out_dir: Path, *, station_code: str | None = None,
             width: int = 1600, height: int = 1000, settle_ms: int = 1500,
             clock: Clock = system_clock, role: Role = Role.DUTY_OFFICER,
             panels: tuple[str, ...] | None = None) -> SnapshotResult:
    # The default layout and choices, and the user's own left untouched: the snapshot's
    # window would otherwise restore the last session's layout and save its own on close.
    with tempfile.TemporaryDirectory(prefix="precinct-snapshot-") as ui_settings:
        previous = os.environ.get("PRECINCT_QSETTINGS_DIR")
        os.environ["PRECINCT_QSETTINGS_DIR"] = ui_settings
        try:
            return _snapshot(db, out_dir, station_code, width, height, settle_ms, clock, role, panels)
        finally:
            if previous is None:
                os.environ.pop("PRECINCT_QSETTINGS_DIR", None)
            else:
                os.environ["PRECINCT_QSETTINGS_DIR"] = previous


def _snapshot(db: Database, out_dir: Path, station_code: str | None, width: int, height: int,
              settle_ms: int, clock: Clock, role: Role, panels: tuple[str, ...] | None) -> SnapshotResult:
    settings = load_settings()
    app = make_application(settings)
    stations = list_stations(db)
    if not stations:
        raise ValueError("the database holds no station; run `precinct-console demo` first")
    station = next((s for s in stations if s.code == station_code), stations[0]) if station_code else stations[0]
    # Read-only rendering: the actor never writes.
    actor = Actor(None, "snapshot", role, station.id, settings.workstation)
    ctx = AppContext(ServiceContext(db, actor, clock), settings)
    window = MainWindow(ctx)
    window.resize(width, height)
    window.show()
    _settle(settle_ms)
    ctx.runner.wait(60000)
    _settle(300)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    path = out_dir / "main-window.png"
    window.grab().save(str(path))
    files.append(path)
    for spec in PANELS:
        if panels is not None and spec.key not in panels:
            continue
        widget = window.panel_widgets.get(spec.key)
        if widget is None:
            continue
        dock = window.docks[spec.key]
        dock.setFloating(True)
        dock.resize(width, height)
        dock.show()
        dock.raise_()
        _settle(400)
        ctx.runner.wait(60000)
        _settle(200)
        path = out_dir / f"panel-{spec.key}.png"
        widget.grab().save(str(path))
        files.append(path)
        dock.setFloating(False)
    window.close()
    QCoreApplication.processEvents()
    del app
    return SnapshotResult(files)


