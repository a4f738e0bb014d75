"""Column snapshots of ORM rows for the audit log (before/after) and for plain result rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect

_SKIP = {"password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Every column of a row as JSON-able values (secrets left out)."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _SKIP
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on each side."""
    keys = [k for k in after if before.get(k) != after.get(k) and k != "version"]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
