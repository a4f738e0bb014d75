"""Which unique constraint an insert or update broke, read alike from SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from .models import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for unique_violation
_SQLITE_PREFIX = "UNIQUE constraint failed: "


def broken_unique(exc: IntegrityError) -> tuple[str, frozenset[str]] | None:
    """(table, columns) of the unique constraint the statement broke, or None for any other
    integrity error (a foreign key, a NOT NULL)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION:  # psycopg: named by the constraint
        diag = getattr(orig, "diag", None)
        table = getattr(diag, "table_name", None)
        name = getattr(diag, "constraint_name", None)
        model = Base.metadata.tables.get(table or "")
        if model is None:
            return None
        for c in model.constraints:
            if isinstance(c, UniqueConstraint) and c.name == name:
                return model.name, frozenset(col.name for col in c.columns)
        for index in model.indexes:  # a unique index rather than a constraint
            if index.unique and index.name == name:
                return model.name, frozenset(col.name for col in index.columns)
        return None
    text = str(orig)
    if text.startswith(_SQLITE_PREFIX):  # sqlite3: "... failed: officers.station_id, officers.badge"
        columns = [part.strip().split(".", 1) for part in text[len(_SQLITE_PREFIX):].split(",")]
        if all(len(c) == 2 for c in columns) and len({t for t, _ in columns}) == 1:
            return columns[0][0], frozenset(col for _, col in columns)
    return None
