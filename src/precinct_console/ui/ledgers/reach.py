"""Filesystem probes of the export panel, off the GUI thread and given up after a deadline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer

from ..background import BackgroundRunner

# A mapped drive or branch share that has gone away answers a stat only after the OS's own
# timeout (tens of seconds on Windows, never on a hard NFS mount); five seconds is long enough
# for a slow but working share.
PROBE_TIMEOUT_MS = 5000


class Unreachable(Exception):
    """The folder gave no answer before the deadline."""

    def __init__(self, folder: Path, seconds: float):
        super().__init__(f"{folder}: no answer in {seconds:g} s")
        self.folder, self.seconds = folder, seconds


@dataclass(frozen=True)
class Target:
    exists: bool
    free: Path | None = None  # when it exists: the first free ' (n)' name beside it


def probe_target(path: Path) -> Target:
    """Whether the export's file is there and, if so, the name 'keep both' would use: found in
    the same trip, so the clerk's answer needs no second probe."""
    if not path.exists():
        return Target(False)
    return Target(True, free_name(path))


def free_name(path: Path) -> Path:
    """The path with the first free ' (2)', ' (3)'… before its suffix."""
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def prepare_open(path: Path) -> bool:
    """Before the desktop opens it: a folder is made if missing; a file answers whether it is there."""
    if path.suffix == "":
        path.mkdir(parents=True, exist_ok=True)
        return True
    return path.exists()


class Probe(QObject):
    """One probe at a time: the deadline, abandon() or a newer start() drop the older answer,
    which may still arrive long after the clerk was told."""

    def __init__(self, runner: BackgroundRunner, parent: QObject, timeout_ms: int = PROBE_TIMEOUT_MS):
        super().__init__(parent)
        self.runner = runner
        self.timeout_ms = timeout_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._token: object | None = None
        self._folder = Path()
        self._on_error: Callable[[BaseException], None] = lambda _exc: None

    @property
    def pending(self) -> bool:
        return self._token is not None

    def start(self, folder: Path, fn: Callable[..., Any], *args: Any,
              on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        """Run fn(*args) off the GUI thread; on_error gets Unreachable(folder) at the deadline."""
        token = self._token = object()
        self._folder, self._on_error = folder, on_error
        self._timer.start(self.timeout_ms)

        def done(result: Any) -> None:
            if self._settle(token):
                on_done(result)

        def failed(exc: BaseException) -> None:
            if self._settle(token):
                on_error(exc)

        # Detached: a probe that hangs must hold none of the threads the database work needs.
        self.runner.run_detached(fn, *args, on_done=done, on_error=failed)

    def abandon(self) -> None:
        self._token = None
        self._timer.stop()

    def _settle(self, token: object) -> bool:
        # A probe can answer after the panel closed, or after the clerk was told it gave up.
        if not shiboken6.isValid(self) or token is not self._token:
            return False
        self.abandon()
        return True

    def _timed_out(self) -> None:
        if self._token is not None:
            self.abandon()
            self._on_error(Unreachable(self._folder, self.timeout_ms / 1000))
