"""Migrations: the upgraded schema equals the models; start-up upgrades an empty database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from precinct_console.storage.database import Database
from precinct_console.storage.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    include_object,
    upgrade_to_head,
)
from precinct_console.storage.models import Base

from ..conftest import PG_ADMIN_URL


def test_migrations_produce_exactly_the_models(db):
    with db.engine.connect() as conn:
        # APScheduler's job table (created by the scheduler tests) is not ours to compare.
        opts = {"compare_type": True, "include_object": include_object}
        diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diffs == [], "models and migrations differ: add a revision with scripts/new_migration.sh"


def test_database_is_at_head_and_upgrading_again_changes_nothing(db):
    assert current_revision(db) == head_revision(db)
    result = upgrade_to_head(db)
    assert not result.changed and result.backup is None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_db(request, tmp_path) -> Iterator[Database]:
    """A database with no schema at all, to be migrated step by step."""
    if request.param == "sqlite":
        db = Database.open(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield db
        db.dispose()
        return
    request.getfixturevalue("pg_server_url")  # skips (or fails under CI) without a server
    name = f"precinct_up_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    db = Database.open(sa.engine.make_url(PG_ADMIN_URL).set(database=name)
                       .render_as_string(hide_password=False))
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _station_at_revision(db: Database, revision: str) -> None:
    """The schema as of `revision`, holding station 1, for a migration after it to upgrade."""
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO stations (id, code, name, kind, branch, address, phone, is_demo) "
            "VALUES (1, 'S01', '城关派出所', 'station', '', '', '', false)"))


def test_upgrading_a_database_from_the_first_release_keeps_its_units_in_service(empty_db):
    """0002 adds units.active: every unit a station already had stays on the board, and rows that
    refer to a unit (here a patrol log) do not stop the upgrade (a SQLite batch copy of the table
    did: the foreign keys refused to drop the old one)."""
    db = empty_db
    _station_at_revision(db, "0001")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO units (id, station_id, call_sign, kind, seats, home_lon, home_lat, status, "
            "version) VALUES (1, 1, '巡1', 'car', 2, 116.4, 39.9, 'available', 1)"))
        conn.execute(sa.text(
            "INSERT INTO patrol_logs (id, station_id, unit_id, starts_at, ends_at, route, officers, "
            "people_checked, vehicles_checked, stakeouts, arrests, result) VALUES (1, 1, 1, "
            ":t, :t, '', '', 0, 0, 0, 0, '')"), {"t": datetime(2026, 11, 20, tzinfo=UTC)})
    result = upgrade_to_head(db)
    assert (result.from_revision, result.to_revision) == ("0001", head_revision(db))
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT call_sign, active FROM units")).all() == [("巡1", True)]
        assert conn.execute(sa.text("SELECT count(*) FROM patrol_logs")).scalar() == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_0003_fills_the_first_handling_as_corrected_and_keeps_it_through_a_reopening(
        db, make_ctx, clock):
    """(PostgreSQL: its downgrade is a plain DROP COLUMN; SQLite's batch copy is refused by the
    foreign keys, as 0002 says.)"""
    from datetime import timedelta

    from precinct_console.domain.permissions import Role
    from precinct_console.services import incidents as inc

    duty = make_ctx(Role.DUTY_OFFICER)
    draft = inc.IncidentDraft(channel="110", category_code="0202", address="城关路12号")
    fixed = inc.intake_incident(duty, draft)
    clock.advance(minutes=10)
    inc.advance_incident(duty, fixed.id, "handled")
    handled = next(e for e in inc.get_incident(duty, fixed.id).events if e.kind == "handled")
    fixed = inc.correct_event(duty, fixed.id, handled.id, at=clock() - timedelta(minutes=6),
                              reason="按录音更正")
    again = inc.intake_incident(duty, draft)
    clock.advance(minutes=1)
    inc.advance_incident(duty, again.id, "handled")
    first = clock()
    inc.advance_incident(duty, again.id, "closed")
    clock.advance(days=1)
    inc.reopen_incident(duty, again.id, "报警人再次来电")
    cfg = alembic_config(db)
    with db.engine.begin() as conn:  # back to before 0003, then up again
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        got = dict(conn.execute(sa.text("SELECT id, first_handled_at FROM incidents")).all())
    assert got[fixed.id] == fixed.handled_at  # the corrected time, not the raw event's
    assert got[again.id] == first  # reopened: its first handling stays


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_0004_fills_the_first_feedback_and_closing_and_keeps_them_through_a_reopening(
        db, make_ctx, clock):
    """(PostgreSQL, as for 0003.)"""
    from precinct_console.domain.permissions import Role
    from precinct_console.services import incidents as inc

    duty = make_ctx(Role.DUTY_OFFICER)
    draft = inc.IncidentDraft(channel="110", category_code="0202", address="城关路12号")
    plain = inc.intake_incident(duty, draft)
    clock.advance(minutes=3)
    inc.advance_incident(duty, plain.id, "handled")
    clock.advance(minutes=3)
    inc.advance_incident(duty, plain.id, "fed_back")
    plain = inc.advance_incident(duty, plain.id, "closed")
    again = inc.intake_incident(duty, draft)
    clock.advance(minutes=1)
    inc.advance_incident(duty, again.id, "handled")
    clock.advance(minutes=1)
    inc.advance_incident(duty, again.id, "fed_back")
    fed_back = clock()
    clock.advance(minutes=1)
    inc.advance_incident(duty, again.id, "closed")
    closed = clock()
    clock.advance(days=1)
    inc.reopen_incident(duty, again.id, "报警人再次来电")
    cfg = alembic_config(db)
    with db.engine.begin() as conn:  # back to before 0004, then up again
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        got = {r[0]: (r[1], r[2]) for r in conn.execute(sa.text(
            "SELECT id, first_fed_back_at, first_closed_at FROM incidents"))}
    assert got[plain.id] == (plain.fed_back_at, plain.closed_at)
    assert got[again.id] == (fed_back, closed)  # reopened: its first round stays


def test_0005_gives_must_patrol_points_from_before_a_code(empty_db):
    """Points stored before 0005 (only by hand: no release could add them) get a code from their
    id, so an import can match them, on SQLite (a batch copy, nothing refers to the table) and
    PostgreSQL alike."""
    db = empty_db
    _station_at_revision(db, "0004")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO patrol_points (id, station_id, name, lon, lat, window_start, window_end, "
            "note, active, version) VALUES (7, 1, '实验小学护学岗', 116.4, 39.9, '07:00', '08:30', "
            "'', true, 1)"))
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT code, name FROM patrol_points")).all() == [
            ("PP7", "实验小学护学岗")]
    with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(sa.text(
            "INSERT INTO patrol_points (id, station_id, code, name, lon, lat, window_start, "
            "window_end, note, active, version) VALUES (8, 1, 'PP7', '重复', 116.4, 39.9, "
            "'00:00', '24:00', '', true, 1)"))


def test_0007_keeps_the_alerts_raised_before_it_and_names_a_units_duty_once(empty_db):
    """Alerts of incidents stored before 0007 come through with no unit and an empty subject (on
    SQLite the batch copies the table); a unit's set-out alert for the same duty is refused twice."""
    db = empty_db
    _station_at_revision(db, "0006")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO alerts (id, station_id, target, level, raised_at) "
            "VALUES (3, 1, 'arrive', 'breach', '2026-12-01 08:00:00+00:00')"))
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, target, unit_id, due_at, subject FROM alerts")).all() == [
            (3, "arrive", None, None, "")]
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO units (id, station_id, call_sign, kind, seats, status, home_lon, home_lat, "
            "active, version) VALUES (5, 1, '巡逻一车', 'car', 4, 'available', 116.4, 39.9, true, 1)"))
    duty = ("INSERT INTO alerts (station_id, unit_id, due_at, subject, target, level, raised_at) "
            "VALUES (1, 5, '2026-12-01 07:52:00+00:00', '08:00-08:30 实验小学护学岗', "
            "'duty_set_out', 'near', '2026-12-01 07:47:00+00:00')")
    with db.engine.begin() as conn:
        conn.execute(sa.text(duty))
    with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(sa.text(duty))


def test_0010_keeps_the_duty_checks_judged_by_position(empty_db):
    """Checks stored before 0010 were all judged by a live position: they come through as such,
    with their distance; a roll call's check needs none."""
    db = empty_db
    _station_at_revision(db, "0009")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO units (id, station_id, call_sign, kind, seats, status, home_lon, home_lat, "
            "active, version) VALUES (5, 1, '巡逻一车', 'car', 4, 'available', 116.4, 39.9, true, 1)"))
        conn.execute(sa.text(
            "INSERT INTO duty_checks (id, station_id, unit_id, due_at, ends_at, subject, verdict, "
            "checked_at, distance_m, there, seen_at) VALUES (2, 1, 5, '2026-12-01 07:30:00+00:00', "
            "'2026-12-01 08:00:00+00:00', '07:30-08:00 实验小学', 'away', "
            "'2026-12-01 07:33:00+00:00', 650.0, false, '2026-12-01 07:33:00+00:00')"))
    upgrade_to_head(db)
    with db.engine.begin() as conn:
        assert conn.execute(sa.text(
            "SELECT verdict, distance_m, source, confirmed_by FROM duty_checks")).all() == [
            ("away", 650.0, "position", None)]
        conn.execute(sa.text(
            "INSERT INTO duty_checks (station_id, unit_id, due_at, ends_at, subject, verdict, "
            "checked_at, distance_m, source, there, seen_at) VALUES (1, 5, "
            "'2026-12-02 07:30:00+00:00', '2026-12-02 08:00:00+00:00', '', 'kept', "
            "'2026-12-02 07:31:00+00:00', NULL, 'roll_call', true, '2026-12-02 07:31:00+00:00')"))


def test_0011_keeps_every_unit_a_patrol_unit_and_a_unit_can_then_be_marked_for_standby(empty_db):
    """0011 adds units.standby: units already on the roll (one with a patrol log referring to it,
    which a SQLite table copy would trip over) stay unmarked, and one can then be marked."""
    db = empty_db
    _station_at_revision(db, "0010")
    with db.engine.begin() as conn:
        for uid, cs in ((1, "巡01"), (2, "巡02")):
            conn.execute(sa.text(
                "INSERT INTO units (id, station_id, call_sign, kind, seats, status, home_lon, "
                "home_lat, active, version) VALUES (:id, 1, :cs, 'car', 4, 'available', 116.4, "
                "39.9, true, 1)"), {"id": uid, "cs": cs})
        conn.execute(sa.text(
            "INSERT INTO patrol_logs (id, station_id, unit_id, starts_at, ends_at, route, officers, "
            "people_checked, vehicles_checked, stakeouts, arrests, result) VALUES (1, 1, 2, "
            ":t, :t, '', '', 0, 0, 0, 0, '')"), {"t": datetime(2026, 11, 20, tzinfo=UTC)})
    result = upgrade_to_head(db)
    assert result.from_revision == "0010"
    with db.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT call_sign, standby FROM units ORDER BY id")).all() == [
            ("巡01", False), ("巡02", False)]
        conn.execute(sa.text("UPDATE units SET standby = true WHERE id = 2"))
        assert conn.execute(sa.text("SELECT call_sign FROM units WHERE standby")).all() == [("巡02",)]
        assert conn.execute(sa.text("SELECT count(*) FROM patrol_logs")).scalar() == 1
