"""Live sync: writes land in the change feed in their own transaction; listeners catch up."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from precinct_console.domain.permissions import Role
from precinct_console.storage.changefeed import (
    LISTENER_APP_NAME,
    ChangeListener,
    ConnectionState,
    latest_feed_id,
    read_feed,
)
from precinct_console.storage.database import Database
from precinct_console.storage.models import ChangeRecord, Officer


def _add_officer(ctx, badge: str) -> int:
    with ctx.uow() as uow:
        officer = uow.add("officer.add", "officer",
                          Officer(station_id=ctx.station_id, badge=badge, name=f"警员{badge}"))
        uow.commit()
        return officer.id


def test_a_write_and_its_feed_rows_commit_together_or_not_at_all(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    before = latest_feed_id(db)
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.add("officer.add", "officer", Officer(station_id=ctx.station_id, badge="X1", name="甲"))
        raise RuntimeError("the write fails before commit")
    assert latest_feed_id(db) == before
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(Officer.id))) == 0
    officer_id = _add_officer(ctx, "X2")
    events = read_feed(db, before)
    assert [(e.entity, e.entity_id, e.action) for e in events] == [("officer", officer_id, "created")]
    assert events[0].username == ctx.actor.username and events[0].workstation == "seat-1"


def test_listener_wakes_on_another_seats_write(db_url, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    other_seat = Database.open(db_url)
    listener = ChangeListener(other_seat, poll_interval=0.05)
    received: list = []
    stop_after = threading.Event()

    def deliver(events):
        received.extend(events)
        if any(e.entity == "officer" for e in received):
            stop_after.set()
            listener.stop()

    thread = threading.Thread(target=listener.run, args=(deliver,), daemon=True)
    thread.start()
    time.sleep(0.3)  # let it connect (LISTEN) before writing
    started = time.monotonic()
    officer_id = _add_officer(ctx, "W1")
    assert stop_after.wait(5), "the listening seat never heard of the write"
    latency = time.monotonic() - started
    thread.join(5)
    assert ("officer", officer_id) in [(e.entity, e.entity_id) for e in received]
    assert latency < 2.0
    other_seat.dispose()


def test_a_seat_that_was_offline_catches_up_on_everything_it_missed(db, make_ctx):
    ctx = make_ctx(Role.ADMIN)
    last_seen = latest_feed_id(db)
    ids = [_add_officer(ctx, f"M{i}") for i in range(5)]
    listener = ChangeListener(db, after_id=last_seen)
    events = listener.poll(0.1)
    assert [e.entity_id for e in events if e.entity == "officer"] == ids
    assert listener.poll(0.05) == []  # nothing twice


def test_feed_ids_are_seen_in_commit_order_under_concurrent_writers(db_url, make_ctx):
    """A listener reading 'id > last seen' must never skip a row that committed late."""
    ctx = make_ctx(Role.ADMIN)
    dbs = [Database.open(db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            c = ctx.__class__(dbs[n], ctx.actor, ctx.clock)
            for i in range(10):
                _add_officer(c, f"C{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    listener = ChangeListener(dbs[0], after_id=latest_feed_id(dbs[0]), poll_interval=0.01)
    seen: list[int] = []
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while (any(t.is_alive() for t in threads) or len(seen) < 40) and time.monotonic() < deadline:
        seen.extend(e.entity_id for e in listener.poll(0.05) if e.entity == "officer")
    for t in threads:
        t.join()
    assert not errors
    with dbs[0].sessions() as s:
        all_ids = set(s.scalars(sa.select(ChangeRecord.entity_id).where(ChangeRecord.entity == "officer")))
    assert sorted(seen) == sorted(all_ids) and len(seen) == 40
    for d in dbs:
        d.dispose()


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)
def test_listener_reconnects_by_itself_and_misses_nothing(db_url, make_ctx):
    """The server drops the seat's connection; it shows reconnecting, comes back, catches up."""
    db = Database.open(db_url)
    ctx = make_ctx(Role.ADMIN)
    states: list[ConnectionState] = []
    received: list = []
    listener = ChangeListener(db, on_state=states.append)
    thread = threading.Thread(target=listener.run, args=(received.extend,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while ConnectionState.CONNECTED not in states and time.monotonic() < deadline:
        time.sleep(0.05)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = :n AND datname = current_database()"
        ), {"n": LISTENER_APP_NAME})
    officer_id = _add_officer(ctx, "R1")  # written while the seat is cut off
    deadline = time.monotonic() + 15
    while officer_id not in [e.entity_id for e in received] and time.monotonic() < deadline:
        time.sleep(0.05)
    listener.stop()
    thread.join(5)
    assert ConnectionState.RECONNECTING in states
    assert states.index(ConnectionState.RECONNECTING) < len(states) - 1  # and connected again after
    assert officer_id in [e.entity_id for e in received]
    db.dispose()
