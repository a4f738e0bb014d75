"""Typed settings: defaults, a machine-wide file, a user file and PRECINCT_* environment variables."""

from __future__ import annotations

import difflib
import os
import re
import socket
import sys
import tomllib
import zoneinfo
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs

from .domain.errors import KnownError

APP_NAME = "PrecinctConsole"
APP_AUTHOR = "Precinct"
SETTINGS_FILE_NAME = "settings.toml"


def user_data_dir() -> Path:
    """Folder for the embedded database, logs and backups (overridable for tests)."""
    override = os.environ.get("PRECINCT_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resources_dir() -> Path:
    """resources/ beside the sources, or inside a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def machine_settings_path() -> Path:
    """Where IT places the settings file shared by every user of a workstation."""
    override = os.environ.get("PRECINCT_MACHINE_SETTINGS")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData"))
        return base / APP_NAME / SETTINGS_FILE_NAME
    return Path("/etc/precinct-console") / SETTINGS_FILE_NAME


def user_settings_path() -> Path:
    override = os.environ.get("PRECINCT_USER_SETTINGS")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / SETTINGS_FILE_NAME


def default_sqlite_url() -> str:
    return f"sqlite:///{(user_data_dir() / 'precinct.sqlite3').as_posix()}"


class SettingsError(KnownError, ValueError):
    """A settings file or variable that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    station_code: str = ""
    workstation: str = field(default_factory=socket.gethostname)
    export_folder: str = ""
    response_profile: str = "tiers_of_force"
    # empty: the window is Chinese (zh_CN), the language of the stations it serves; the
    # command-line verbs follow the user's locale (Chinese on a Chinese system, else English)
    language: str = ""
    morning_replan: str = "09:00"
    # The coming week's 排班表 written ahead to be posted, e.g. "fri 15:00" (China time); empty:
    # listed paused in the export panel's schedule, where it can be resumed.
    coming_week_roster: str = ""
    handover_time: str = "08:30"
    timezone: str = "Asia/Shanghai"
    keyring_service: str = "precinct-console"

    @property
    def resolved_database_url(self) -> str:
        """The URL to open: the embedded default, or the configured one with a `{keyring}`
        password filled from the platform keyring (raises secrets.SecretError, a KnownError)."""
        if not self.database_url:
            return default_sqlite_url()
        from .secrets import resolve_database_url  # only a server URL ever asks the keyring

        return resolve_database_url(self.database_url, self.keyring_service)

    @property
    def resolved_export_folder(self) -> Path:
        if self.export_folder:
            return Path(self.export_folder)
        return user_data_dir() / "exports"


_FIELD_NAMES = {f.name for f in fields(Settings)}


def _read_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not a valid TOML settings file: {exc}") from exc
    section = data.get("console", data)
    unknown = sorted(k for k in section if k not in _FIELD_NAMES)
    if unknown:
        hints = [_did_you_mean(k) for k in unknown]
        raise SettingsError(f"{path}: unknown setting(s): {', '.join(hints)}")
    values: dict[str, str] = {}
    for key, value in section.items():
        if not isinstance(value, str):
            raise SettingsError(
                f"{path}: setting '{key}' must be a string in quotes, e.g. {key} = \"{value}\""
            )
        values[key] = _checked(str(path), key, value)
    return values


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key, sorted(_FIELD_NAMES), n=1)
    return f"{key} (did you mean {close[0]}?)" if close else key


def _checked(source: str, key: str, value: str) -> str:
    """Reject a value that would only fail hours later (a handover that never fires)."""
    problem = None
    if key in ("morning_replan", "handover_time") and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        problem = "is not a time of day written HH:MM, e.g. 08:30"
    elif key == "coming_week_roster" and value and not re.fullmatch(
            r"(mon|tue|wed|thu|fri|sat|sun)\s+([01]\d|2[0-3]):[0-5]\d", value.strip().lower()):
        problem = "is not a weekday and time written like fri 15:00 (mon … sun, HH:MM)"
    elif key == "language" and value not in ("", "en", "zh_CN"):
        problem = "is not a language the console ships (en, zh_CN, or empty for Chinese)"
    elif key == "timezone":
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problem = "is not a time zone name, e.g. Asia/Shanghai"
    if problem:
        raise SettingsError(f"{source}: setting '{key}' = '{value}' {problem}")
    return value


def load_settings(**overrides: str | None) -> Settings:
    """Machine file, then user file, then environment, then explicit overrides (CLI flags)."""
    values: dict[str, str] = {}
    values.update(_read_file(machine_settings_path()))
    values.update(_read_file(user_settings_path()))
    for name in _FIELD_NAMES:
        env = os.environ.get(f"PRECINCT_{name.upper()}")
        if env:
            values[name] = _checked(f"environment variable PRECINCT_{name.upper()}", name, env)
    values.update({k: v for k, v in overrides.items() if v})
    settings = replace(Settings(), **values)
    if settings.database_url and "://" not in settings.database_url:
        raise SettingsError(
            f"database_url '{settings.database_url}' is not a database URL "
            "(expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        )
    return settings
