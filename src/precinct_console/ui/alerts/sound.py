"""The alert sound: a short WAV through QSoundEffect, or the system beep where there is no audio device."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

from ...config import resources_dir

log = logging.getLogger("precinct_console.ui")


class AlertSound(QObject):
    """Plays "near" or "breach"; never raises (a silent room is better than a crashed board)."""

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True):
        super().__init__(parent)
        self.enabled = enabled
        self.played: list[str] = []  # what was sounded, for tests and the status bar
        self._effects: dict[str, Any] = {}
        self._has_device: bool | None = None

    def _device(self) -> bool:
        if self._has_device is None:
            try:
                from PySide6.QtMultimedia import QMediaDevices

                self._has_device = bool(QMediaDevices.audioOutputs())
            except Exception:  # QtMultimedia missing from a slim install
                self._has_device = False
        return self._has_device

    def play(self, level: str) -> None:
        self.played.append(level)
        if not self.enabled:
            return
        if not self._device():
            QApplication.beep()
            return
        try:
            effect = self._effects.get(level)
            if effect is None:
                from PySide6.QtMultimedia import QSoundEffect

                effect = QSoundEffect(self)
                name = "breach.wav" if level == "breach" else "near.wav"
                effect.setSource(QUrl.fromLocalFile(str(resources_dir() / "sounds" / name)))
                effect.setVolume(0.9)
                self._effects[level] = effect
            effect.play()
        except Exception:
            log.exception("alert sound failed; falling back to the system beep")
            QApplication.beep()
