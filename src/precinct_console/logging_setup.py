"""Logging per subsystem into a rotating file in the user data folder (no Qt here)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .config import user_data_dir

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"


def log_file() -> Path:
    return user_data_dir() / "logs" / "precinct-console.log"


def configure_logging(level: int = logging.INFO) -> Path:
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("precinct_console")
    root.setLevel(level)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    return path
