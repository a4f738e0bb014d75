"""A seat whose clock is wrong records the database server's time and is told its clock is off."""

from __future__ import annotations

import dataclasses
import gc
from datetime import UTC, datetime, timedelta

import pytest

from precinct_console.config import Settings
from precinct_console.domain.clock import ServerClock
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.services.incidents.steps import dispatch_unit
from precinct_console.storage.models import Unit
from precinct_console.storage.servertime import server_clock_offset
from precinct_console.ui.context import AppContext
from precinct_console.ui.server_time import ServerTimeKeeper


def real_now() -> datetime:
    return datetime.now(UTC)


def fast_by_five_minutes() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=5)


def seat(make_ctx, username: str, workstation: str, clock) -> AppContext:
    ctx = make_ctx("duty_officer", username)
    ctx = dataclasses.replace(ctx, clock=clock,
                              actor=dataclasses.replace(ctx.actor, workstation=workstation))
    return AppContext(ctx, Settings())


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_seat_five_minutes_fast_records_server_time_and_others_can_dispatch(qtbot, db, station,
                                                                             make_ctx):
    with db.sessions() as s:
        unit = Unit(station_id=station.id, call_sign="巡1", kind="car", seats=2, home_lon=116.4,
                    home_lat=39.9, status="available", status_since=real_now())
        s.add(unit)
        s.commit()
        unit_id = unit.id
    fast = ServerClock(fast_by_five_minutes)
    app = seat(make_ctx, "duty1", "seat-1", fast)
    told = []
    app.notified.connect(lambda text, level: told.append((text, level)))
    ServerTimeKeeper(app, fast).measure_now()
    assert abs(fast() - real_now()) < timedelta(seconds=2)
    assert told and told[0][1] == "warning" and "+300 s off" in told[0][0]
    received = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                      address="城关镇解放路12号"))
    assert abs(received.received_at - real_now()) < timedelta(seconds=2)
    # A seat with a right clock dispatches at once: not refused as "before the receipt".
    other = seat(make_ctx, "duty2", "seat-2", real_now)
    dispatched = dispatch_unit(other.ctx, received.id, unit_id)
    assert dispatched.status == "dispatched"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_offset_is_measured_again_after_an_outage(qtbot, db, make_ctx):
    clock = ServerClock(fast_by_five_minutes)
    app = seat(make_ctx, "duty1", "seat-1", clock)
    ServerTimeKeeper(app, clock)  # owned by the window's context, not by a Python name
    gc.collect()
    app.connection_state.emit("reconnecting")
    app.connection_state.emit("connected")
    qtbot.waitUntil(lambda: abs(clock() - real_now()) < timedelta(seconds=2), timeout=10000)
    app.runner.wait(10000)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_embedded_database_has_no_other_clock(db):
    assert server_clock_offset(db, fast_by_five_minutes) == timedelta(0)
