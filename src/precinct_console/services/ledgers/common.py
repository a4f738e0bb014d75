"""Query helpers every ledger shares: scope filters, streamed execution and row counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from .columns import Scope

# Rows fetched per round trip: PostgreSQL uses a server-side cursor of this batch size, so the
# whole result never sits in memory.
FETCH_ROWS = 2000


def scoped(stmt: Any, model: Any, at: InstrumentedAttribute[Any], scope: Scope,
           grid: InstrumentedAttribute[Any] | None = None) -> Any:
    """Restrict a select to the scope's stations, period ([start, end)) and district grids."""
    stmt = stmt.where(model.station_id.in_(scope.station_ids), at >= scope.start, at < scope.end)
    if scope.grid_ids is not None and grid is not None:
        stmt = stmt.where(grid.in_(scope.grid_ids))
    return stmt


def count(s: Session, model: Any, at: InstrumentedAttribute[Any], scope: Scope,
          grid: InstrumentedAttribute[Any] | None = None) -> int:
    return int(s.scalar(scoped(select(func.count()).select_from(model), model, at, scope, grid)) or 0)


def stream(s: Session, stmt: Any) -> Iterator[Any]:
    """Rows of a query, fetched in batches (server-side cursor on PostgreSQL)."""
    result = s.execute(stmt.execution_options(yield_per=FETCH_ROWS, stream_results=True))
    try:
        yield from result
    finally:
        result.close()
