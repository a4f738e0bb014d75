"""Large incident histories for benchmarks: a million closed incidents in one transaction, fast.

Rows are made with numpy in bulk and written with COPY on PostgreSQL and executemany on SQLite.
Historical incidents carry every life-cycle column (what boards, statistics and ledgers read)
but no per-step event rows; the open ones get their events, as the board's detail view needs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import Table, select

from ..domain.categories import by_code
from ..domain.clock import CHINA_TZ
from ..domain.errors import ValidationError
from ..services.accounts import system_actor
from ..storage.database import Database
from ..storage.models import Grid, Incident, IncidentCounter, IncidentEvent, Station
from ..storage.uow import UnitOfWork
from . import calls

_COLUMNS = (
    "station_id", "number", "channel", "category_code", "priority", "status", "caller_name",
    "caller_phone", "address", "lon", "lat", "grid_id", "content", "needs_reinforcement",
    "place_tier", "received_at", "dispatched_at", "signed_at", "set_off_at", "arrived_at",
    "handled_at", "fed_back_at", "closed_at", "repeat_caller", "repeat_place", "repeat_matter",
    "handling_summary", "result", "people_rescued", "people_injured", "people_arrested",
    "transferred_to", "needs_revisit", "version", "caller_id_number",
)
_OPEN_STATUSES = ("received", "dispatched", "signed", "set_off", "arrived", "handled", "fed_back")
_STEPS = ("dispatched", "signed", "set_off", "arrived", "handled", "fed_back", "closed")
# Median seconds from the previous step, and spread (lognormal sigma).
_STEP_MEDIANS = (45, 12, 25, 180, 1800, 600, 6 * 3600)
_STEP_SIGMA = (0.5, 0.6, 0.5, 0.5, 0.5, 0.7, 0.8)


@dataclass(frozen=True)
class BulkSummary:
    incidents: int
    open_incidents: int
    events: int
    seconds: float
    rows_per_second: float


def _points(db: Database, station_id: int, rng: np.random.Generator, per_grid: int = 32
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Sample points inside the station's finest grids (grid id, lon, lat, grid name)."""
    with db.sessions() as s:
        rows = s.execute(select(Grid.id, Grid.level, Grid.geometry, Grid.name)
                         .where(Grid.station_id == station_id)).all()
    if not rows:
        raise ValidationError(f"station {station_id} has no grids; build the demo first",
                              field="station_id")
    finest = max(r.level for r in rows)
    ids, lons, lats, labels = [], [], [], []
    for r in rows:
        if r.level != finest:
            continue
        poly = shape(r.geometry)
        minx, miny, maxx, maxy = poly.bounds
        xs = rng.uniform(minx, maxx, per_grid * 4)
        ys = rng.uniform(miny, maxy, per_grid * 4)
        inside = shapely.contains_xy(poly, xs, ys)
        xs, ys = xs[inside][:per_grid], ys[inside][:per_grid]
        ids.extend([r.id] * len(xs))
        lons.extend(xs)
        lats.extend(ys)
        labels.extend([r.name.removesuffix("微网格")] * len(xs))
    return np.array(ids), np.array(lons), np.array(lats), labels


def bulk_history(
    db: Database, station_id: int, n_incidents: int, n_open: int, now: datetime, *,
    days: int = 365, seed: int = 1, chunk: int = 50_000,
) -> BulkSummary:
    """Insert `n_incidents` closed incidents over the `days` before `now`, plus `n_open` open
    ones received in the last two hours, numbered after what the station already has."""
    if n_incidents < 0 or n_open < 0:
        raise ValidationError("must not be negative", field="n_incidents")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    with db.sessions() as s:
        if s.get(Station, station_id) is None:
            raise ValidationError(f"station {station_id} does not exist", field="station_id")
    grid_ids, lons, lats, labels = _points(db, station_id, rng)
    total = n_incidents + n_open

    # When: closed ones over the period with the hour-of-day profile; open ones just now.
    hours = np.array(calls.HOUR_PROFILE) / sum(calls.HOUR_PROFILE)
    day_offsets = rng.integers(1, days + 1, n_incidents)
    local_midnight = now.astimezone(CHINA_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    secs = (rng.choice(24, n_incidents, p=hours) * 3600 + rng.integers(0, 3600, n_incidents))
    hist_t = np.array([local_midnight.timestamp()]) - day_offsets * 86400.0 + secs
    open_t = now.timestamp() - rng.uniform(0, 7200, n_open)
    received = np.concatenate([hist_t, open_t])
    is_open = np.concatenate([np.zeros(n_incidents, bool), np.ones(n_open, bool)])
    # Step times: cumulative lognormal delays; open incidents stop at a random step.
    delays = np.stack([rng.lognormal(np.log(m), sg, total)
                       for m, sg in zip(_STEP_MEDIANS, _STEP_SIGMA, strict=True)])
    # A historical incident is closed by now: one that would close later happened earlier.
    late = np.where(is_open, 0.0, np.maximum(0.0, received + delays.sum(axis=0) - now.timestamp() + 60))
    received = received - late
    order = np.argsort(received, kind="stable")
    received, is_open, delays = received[order], is_open[order], delays[:, order]
    times = received + np.cumsum(delays, axis=0)

    codes = list(calls.CATEGORY_MIX)
    weights = np.array([calls.CATEGORY_MIX[c] for c in codes])
    code_idx = rng.choice(len(codes), total, p=weights / weights.sum())
    where = rng.integers(0, len(grid_ids), total)
    open_stage = rng.integers(0, len(_OPEN_STATUSES), total)
    cats = by_code()

    with UnitOfWork(db, system_actor("bulk-history", station_id), lambda: now) as uow:
        s = uow.session
        counters = dict(s.execute(select(IncidentCounter.day, IncidentCounter.last)
                                  .where(IncidentCounter.station_id == station_id)).all())
        start_counters = dict(counters)
        tz_off = 8 * 3600
        # China-time day of each call, for its number (CST has no daylight saving).
        local_days = ((received + tz_off) // 86400).astype(np.int64)
        epoch = datetime(1970, 1, 1)
        day_cache: dict[int, str] = {}
        rows: list[tuple[Any, ...]] = []
        open_numbers: list[tuple[str, int]] = []  # (number, stage)
        written = 0

        def flush() -> None:
            nonlocal written
            if rows:
                _write(uow, rows)
                written += len(rows)
                rows.clear()

        pg = not db.is_sqlite
        # Every time column as the driver's text, made in one vectorised pass per column.
        stage = np.where(is_open, open_stage, len(_STEPS))
        taken = (np.arange(len(_STEPS))[:, None] < stage[None, :]) & (times <= now.timestamp())
        n_taken = taken.sum(axis=0)  # steps are cumulative, so the taken ones are a prefix
        received_s = _stamps(received, pg)
        none = np.array(None, dtype=object)
        step_s = [np.where(taken[k], _stamps(times[k], pg), none) for k in range(len(_STEPS))]
        statuses = np.array(("received", *_STEPS), dtype=object)[n_taken]
        for i in range(total):
            d = int(local_days[i])
            key = day_cache.get(d)
            if key is None:
                key = day_cache[d] = (epoch + timedelta(days=d)).strftime("%Y%m%d")
            seq = counters.get(key, 0) + 1
            counters[key] = seq
            number = f"{key}-{seq:04d}"
            cat = cats[codes[code_idx[i]]]
            w = where[i]
            status = statuses[i]
            if is_open[i]:
                open_numbers.append((number, int(n_taken[i])))
            rows.append((
                station_id, number, "110", cat.code, cat.default_priority, status, "", "",
                f"{labels[w]}{1 + i % 24}号楼", float(lons[w]), float(lats[w]), int(grid_ids[w]),
                "", cat.needs_reinforcement, "other", received_s[i], *(c[i] for c in step_s),
                False, False, False, "", "已处置" if status == "closed" else "", 0, 0, 0, "", False, 1, "",
            ))
            if len(rows) >= chunk:
                flush()
        flush()
        _save_counters(uow, station_id, counters, start_counters)
        events = _open_events(uow, station_id, open_numbers, now)
        uow.audit("demo.bulk_history", "station", station_id, None,
                  {"incidents": n_incidents, "open": n_open, "days": days}, station_id=station_id)
        uow.changed("incident", None, "reloaded", station_id=station_id)
        uow.commit()
    seconds = time.perf_counter() - started
    return BulkSummary(written - n_open, n_open, events, round(seconds, 2),
                       round(written / seconds if seconds else 0.0))


def _stamps(ts: np.ndarray, pg: bool) -> np.ndarray:
    """UTC timestamps as text: what UtcDateTime stores on SQLite, or a timestamptz for COPY."""
    text = np.datetime_as_string(np.round(ts).astype("int64").astype("datetime64[s]"), unit="s")
    text = np.char.add(np.char.replace(text, "T", " "), "+00" if pg else ".000000")
    return text.astype(object)


def _write(uow: UnitOfWork, rows: list[tuple[Any, ...]]) -> None:
    # Straight to the driver inside the unit of work's own transaction: SQLAlchemy's per-value
    # type processing would cost more than the database does.
    raw: Any = uow.session.connection().connection.driver_connection
    if uow.db.is_sqlite:
        marks = ", ".join("?" for _ in _COLUMNS)
        raw.executemany(f"INSERT INTO incidents ({', '.join(_COLUMNS)}) VALUES ({marks})", rows)
        return
    with raw.cursor() as cur, cur.copy(f"COPY incidents ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r)


def _save_counters(uow: UnitOfWork, station_id: int, counters: dict[str, int],
                   before: dict[str, int]) -> None:
    s = uow.session
    for day, last in counters.items():
        if day in before:
            if before[day] != last:
                row = s.get(IncidentCounter, (station_id, day))
                if row is not None:
                    row.last = last
        else:
            s.add(IncidentCounter(station_id=station_id, day=day, last=last))
    s.flush()


def _open_events(uow: UnitOfWork, station_id: int, open_numbers: list[tuple[str, int]],
                 now: datetime) -> int:
    """The received/step events of the open incidents, so their history reads right."""
    if not open_numbers:
        return 0
    s = uow.session
    wanted = {n for n, _ in open_numbers}
    found = s.execute(select(Incident.id, Incident.number, Incident.received_at, Incident.dispatched_at,
                             Incident.signed_at, Incident.set_off_at, Incident.arrived_at,
                             Incident.handled_at, Incident.fed_back_at)
                      .where(Incident.station_id == station_id, Incident.received_at >= now - timedelta(hours=3))
                      ).all()
    rows = []
    for r in found:
        if r.number not in wanted:
            continue
        for kind, at in (("received", r.received_at), *zip(_STEPS[:-1], r[3:], strict=True)):
            if at is not None:
                rows.append({"station_id": station_id, "incident_id": r.id, "kind": kind, "at": at,
                             "recorded_at": at, "username": "bulk-history", "workstation": "",
                             "payload": {}})
    if rows:
        table: Table = IncidentEvent.__table__  # type: ignore[assignment]
        s.execute(table.insert(), rows)
    return len(rows)
