"""The demo precinct: realistic, deterministic, fast, and never over real data."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from precinct_console.demo import DEMO_PASSWORD, DemoRefused, build_demo
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.services import accounts
from precinct_console.storage.database import Database
from precinct_console.storage.models import (
    AuditEntry,
    ChangeRecord,
    Dispatch,
    Grid,
    GridPerson,
    Incident,
    IncidentCounter,
    IncidentEvent,
    KeySite,
    Officer,
    PatrolPoint,
    PatrolZone,
    Post,
    RosterEntry,
    Station,
    Task,
    TaskEvent,
    Unit,
    User,
)


def _count(db: Database, model: type, *where: object) -> int:
    with db.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def test_demo_precinct_is_a_realistic_city_station(db, clock):
    now = clock()
    summary = build_demo(db, seed=3, days=90, now=now)  # its speed: tests/bench/bench_demo.py
    with db.sessions() as s:
        station = s.scalar(sa.select(Station))
        assert station.is_demo and station.name == "城关派出所" and station.branch == "示范分局"
        grids = s.scalars(sa.select(Grid)).all()
        by_level = Counter(g.level for g in grids)
        assert by_level[1] == 4
        assert 16 <= by_level[2] <= 24
        assert 200 <= by_level[3] <= 500
        shapes = {g.id: shape(g.geometry) for g in grids}
        for g in grids:
            geom = shapes[g.id]
            assert geom.is_valid and g.area_m2 > 0
            if g.parent_id is not None:
                # Children tile their parent: inside it up to float noise (~1 mm).
                assert shapes[g.parent_id].buffer(1e-8).contains(geom), g.code
        # Micro grids never overlap each other.
        micro = [shapes[g.id] for g in grids if g.level == 3]
        total = sum(m.area for m in micro)
        union = shapely.union_all(micro)
        assert union.area == pytest.approx(total, rel=1e-6)
        officers = s.scalars(sa.select(Officer)).all()
        assert 40 <= len(officers) <= 60
        assert {o.kind for o in officers} == {"officer", "auxiliary"}
        assert all(o.phone.startswith("1") and len(o.phone) == 11 for o in officers)
        assert s.scalar(sa.select(sa.func.count(Post.id)).where(Post.kind == "post")) >= 2
        assert s.scalar(sa.select(sa.func.count(Post.id)).where(Post.kind == "police_room")) >= 2
        kinds = set(s.scalars(sa.select(KeySite.kind)))
        assert {"school", "hospital", "bank", "market", "transport"} <= kinds
        # Must-patrol points at the school gates (morning and afternoon), banks, hospitals and
        # hubs, and the night spots past midnight, so a chief can require a unit in the ring of
        # any school, bank, hospital or hub.
        windows = Counter((p.window_start, p.window_end) for p in s.scalars(sa.select(PatrolPoint)))
        assert windows[("07:00", "08:30")] == windows[("16:00", "18:00")] >= 6
        assert windows[("00:00", "24:00")] >= 4 and windows[("18:00", "02:00")] == 1
        zones = Counter(s.scalars(sa.select(PatrolZone.kind)))
        assert zones["patrol"] == 20 and zones["key_zone"] >= 2  # 4 areas + 16 small zones
        assert {u.kind for u in s.scalars(sa.select(Unit))} >= {"car", "motorbike", "foot", "ebike"}
        roles = Counter(s.scalars(sa.select(GridPerson.role)))
        assert roles["grid_worker"] == by_level[3] and roles["community_officer"] > 0
        assert s.scalar(sa.select(sa.func.count(RosterEntry.id))) > 500
        # The follow-up desk is seeded too: a catalogue, tasks at every stage, disputes.
        assert summary.tasks > 0 and summary.disputes > 0
        statuses = set(s.scalars(sa.select(Task.status)))
        assert {"closed", "signed"} <= statuses
        # A task returned for rework is mostly redone and closed, as on a real desk; only the
        # odd one is still open, so a fresh demo's alert dock is not a wall of overdue reworks.
        returned = set(s.scalars(sa.select(TaskEvent.task_id).where(TaskEvent.kind == "returned")))
        redone = s.scalar(sa.select(sa.func.count(Task.id)).where(
            Task.id.in_(returned), Task.status == "closed"))
        assert len(returned) >= 10 and redone >= 0.6 * len(returned)
    # The chief accepted the running shift's patrol plan: units have orders now.
    from precinct_console.services import allocation
    from precinct_console.services.accounts import system_actor
    from precinct_console.services.context import ServiceContext

    ctx = ServiceContext(db, system_actor("test", summary.station_id), clock)
    orders = allocation.patrol_orders(ctx)
    assert len(orders) >= 3 and all(o.point_name for o in orders)
    # The roster a chief finds: foot and e-bike patrols (08-22) are not crewed on the night shift,
    # and no crew goes out without someone licensed to drive its unit (leave is granted only
    # with cover): the first screen shows no broken rule a chief would have to explain.
    from precinct_console.services import roster

    view = roster.roster_view(ctx, (now - timedelta(days=27)).astimezone(CHINA_TZ).date(),
                              now.astimezone(CHINA_TZ).date())
    with db.sessions() as s:
        kinds = dict(s.execute(sa.select(Unit.id, Unit.kind)).all())
    night = {x.id for x in view.shifts if x.name == "大夜班"}
    assert night and not [e for e in view.entries
                          if e.shift_id in night and kinds.get(e.unit_id) in ("foot", "ebike")]
    assert [v.message for v in view.violations] == []
    with db.sessions() as s:
        incidents = s.execute(sa.select(Incident.category_code, Incident.received_at, Incident.channel,
                                        Incident.grid_id, Incident.arrived_at)).all()
    n = len(incidents)
    assert summary.incidents == n
    assert 90 * 50 <= n <= 90 * 120
    tops = Counter(r.category_code[:2] for r in incidents)
    assert (tops["06"] + tops["07"]) / n > 0.5  # disputes and help requests: over half
    assert Counter(r.channel for r in incidents).most_common(1)[0][0] == "110"
    assert all(now - timedelta(days=90) <= r.received_at <= now for r in incidents)
    assert sum(r.grid_id is None for r in incidents) == 0
    per_day = Counter(r.received_at.astimezone(CHINA_TZ).date() for r in incidents)
    full_days = sorted(per_day)[1:-1]
    assert all(50 <= per_day[d] <= 120 for d in full_days)
    hours = Counter(r.received_at.astimezone(CHINA_TZ).hour for r in incidents)
    assert hours[4] * 3 < hours[20]  # quiet before dawn, busy in the evening
    # Repeats as a station sees them: a share, not most calls (the handover marked most calls
    # 重复警情 when the demo's hot spots were packed and a text read alike anywhere matched).
    with db.sessions() as s:
        flags = s.execute(sa.select(Incident.repeat_caller, Incident.repeat_place,
                                    Incident.repeat_matter)).all()
    assert 0.03 <= sum(any(f) for f in flags) / n <= 0.18
    assert all(sum(f[k] for f in flags) > 0 for k in range(3))  # 一人多警, 一地多警, 一事多警
    # Most dispatched incidents are reached within ten minutes, and some breach five.
    reached = [(r.arrived_at - r.received_at).total_seconds() for r in incidents if r.arrived_at]
    assert sum(t <= 600 for t in reached) / len(reached) > 0.8
    assert sum(t > 300 for t in reached) > 0
    assert _count(db, IncidentEvent) > 5 * n
    assert _count(db, Dispatch) > 0.8 * n
    # The patrol rota is its own stored pattern's: planning a week from that pattern makes the
    # shifts the demo's teams already work (a chief planning the next week met rest breaches).
    from precinct_console.domain.shifts import PatternDef, generate_shifts
    from precinct_console.storage.models import Shift, ShiftPattern

    with db.sessions() as s:
        four = s.scalar(sa.select(ShiftPattern).where(ShiftPattern.kind == "four_three"))
        worked = {(x.starts_at, x.name, x.team) for x in s.scalars(
            sa.select(Shift).where(Shift.pattern_id == four.id))}
        pattern = PatternDef.from_dict(four.kind, four.definition)
    today = now.astimezone(CHINA_TZ).date()
    planned = {(x.starts_at, x.name, x.team) for x in
               generate_shifts(pattern, today - timedelta(days=3), today + timedelta(days=3))}
    assert len(planned) == 21 and planned <= worked


def test_demo_users_sign_in_and_the_build_is_announced(db, clock):
    summary = build_demo(db, seed=1, days=3, now=clock())
    for username in ("admin", "duty", "chief", "clerk", "sim"):
        actor = accounts.authenticate(db, username, DEMO_PASSWORD, "seat-1", clock())
        assert actor.station_id == summary.station_id
    with db.sessions() as s:
        roles = dict(s.execute(sa.select(User.username, User.role)).all())
        assert roles["duty"] == "duty_officer" and roles["chief"] == "station_chief"
        audit = s.scalar(sa.select(AuditEntry).where(AuditEntry.action == "demo.load"))
        assert audit.after["incidents"] == summary.incidents
        feed = {r.entity for r in s.scalars(sa.select(ChangeRecord))}
        assert {"incident", "unit", "grid"} <= feed
        # Numbering continues after the demo: counters hold each day's last number.
        last = s.scalar(sa.select(Incident.number).order_by(Incident.received_at.desc()).limit(1))
        day, seq = last.split("-")
        assert s.get(IncidentCounter, (summary.station_id, day)).last == int(seq)


def test_same_seed_gives_the_same_precinct(tmp_path, sqlite_template, clock):
    import shutil

    def build(name: str, seed: int) -> tuple[object, list[tuple[object, ...]], list[object]]:
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(sqlite_template, path)
        db = Database.open(f"sqlite:///{path}")
        summary = build_demo(db, seed=seed, days=5, now=clock())
        with db.sessions() as s:
            first = s.execute(sa.select(Incident.number, Incident.category_code, Incident.lon,
                                        Incident.lat, Incident.address, Incident.caller_phone)
                              .order_by(Incident.id).limit(30)).all()
            geoms = list(s.scalars(sa.select(Grid.geometry).order_by(Grid.id)))
        db.dispose()
        return summary, [tuple(r) for r in first], geoms

    a, a_rows, a_geoms = build("a", 7)
    b, b_rows, b_geoms = build("b", 7)
    _c, c_rows, _ = build("c", 8)
    counts = ("incidents", "events", "dispatches", "micro_grids", "officers", "open_incidents")
    assert [getattr(a, k) for k in counts] == [getattr(b, k) for k in counts]
    assert a_rows == b_rows and a_geoms == b_geoms
    assert a_rows != c_rows


def test_demo_refuses_a_database_with_real_data(db, station, clock):
    with pytest.raises(DemoRefused, match="real data"):
        build_demo(db, days=2, now=clock())
    assert _count(db, Grid) == 0 and _count(db, Incident) == 0
    with db.sessions() as s:
        assert s.scalar(sa.select(Station.name)) == station.name


def test_demo_replaces_an_earlier_demo_and_keeps_the_audit_trail(db, clock):
    first = build_demo(db, seed=1, days=4, now=clock())
    clock.advance(hours=1)
    second = build_demo(db, seed=2, days=2, now=clock())
    assert second.replaced and second.station_id == first.station_id
    assert _count(db, Incident) == second.incidents
    assert _count(db, User, User.username == "duty") == 1
    assert _count(db, AuditEntry, AuditEntry.action == "demo.load") == 2
    assert _count(db, Grid, Grid.level == 3) == second.micro_grids


def test_demo_verb_builds_and_prints_the_users(sqlite_url, capsys):
    from precinct_console.cli import main

    assert main(["demo", "--db", sqlite_url, "--days", "2", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "城关派出所" in out and "demo1234" in out and "duty" in out
    assert main(["demo", "--db", sqlite_url, "--days", "0"]) == 1


def test_bulk_history_adds_closed_and_open_incidents_numbered_after_the_demo(db, clock):
    from precinct_console.demo.bulk import bulk_history

    summary = build_demo(db, seed=1, days=2, now=clock())
    before = _count(db, Incident)
    open_before = _count(db, Incident, Incident.closed_at.is_(None))
    bulk = bulk_history(db, summary.station_id, 3000, 40, clock(), days=30)
    assert bulk.incidents == 3000 and bulk.open_incidents == 40
    assert _count(db, Incident) == before + 3040
    assert _count(db, Incident, Incident.closed_at.is_(None)) == open_before + 40
    with db.sessions() as s:
        numbers = list(s.scalars(sa.select(Incident.number)))
        assert len(numbers) == len(set(numbers))
        oldest = s.scalar(sa.select(sa.func.min(Incident.received_at)))
        assert oldest >= clock() - timedelta(days=31)
        closed = s.scalars(sa.select(Incident).where(Incident.closed_at.is_not(None),
                                                     Incident.content == "").limit(50)).all()
        assert len(closed) == 50
        assert all(i.received_at < i.dispatched_at < i.arrived_at < i.closed_at for i in closed)
        assert _count(db, IncidentEvent, IncidentEvent.username == "bulk-history") >= 40


def test_the_command_rooms_duty_planned_from_its_pattern_puts_the_desk_pair_on_in_turn(db, clock):
    """The demo's 24-hour duty pattern names its own teams (值班一组…) and their duty (the desk):
    planning a week past the roster from it puts on the pair whose turn it is, at the desk. It
    named no teams before, so it took the patrol teams' names (一组…) and put them on patrol."""
    from precinct_console.services import roster
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.models import Shift, ShiftPattern

    now = clock()
    build_demo(db, seed=1, days=3, now=now)
    chief = ServiceContext(db, accounts.authenticate(db, "chief", DEMO_PASSWORD, "seat-1", now), clock)
    with db.sessions() as s:
        duty = s.scalar(sa.select(ShiftPattern).where(ShiftPattern.kind == "duty_24h"))
        pairs = {}  # the demo's own duty shifts: day -> (team, the pair at the desk)
        for sh in s.scalars(sa.select(Shift).where(Shift.pattern_id == duty.id)):
            desk = frozenset(s.scalars(sa.select(RosterEntry.officer_id).where(
                RosterEntry.shift_id == sh.id, RosterEntry.duty == "desk")))
            pairs[sh.starts_at.astimezone(CHINA_TZ).date()] = (sh.team, desk)
    last = max(pairs)
    made = roster.make_shifts(chief, duty.id, last + timedelta(days=1), last + timedelta(days=8),
                              with_teams=True)
    assert len(made) == 8
    view = roster.roster_view(chief, last + timedelta(days=1), last + timedelta(days=8))
    for sh in made:
        day = sh.starts_at.astimezone(CHINA_TZ).date()
        on = [e for e in view.entries if e.shift_id == sh.id]
        assert {e.duty for e in on} == {"desk"}
        assert (sh.team, frozenset(e.officer_id for e in on)) == pairs[day - timedelta(days=8)]
    assert sh.team.startswith("值班")


def test_the_standby_planned_from_its_patterns_with_teams_puts_the_crews_on_in_turn(db, clock):
    """The demo's standby (所部备勤: two cars by day, one by night) is worked by teams its
    officers belong to: planning a fortnight past the roster from its patterns with teams puts
    each shift's team on standby, the same officers as the demo's own shifts two days before
    (each team every other day). Its crews were pairs from a pool before, the pattern named
    teams nobody belonged to (备勤一组…), and planning with teams put nobody on."""
    from precinct_console.services import roster
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.models import Shift, ShiftPattern

    now = clock()
    build_demo(db, seed=1, days=3, now=now)
    chief = ServiceContext(db, accounts.authenticate(db, "chief", DEMO_PASSWORD, "seat-1", now), clock)
    with db.sessions() as s:
        patterns = s.scalars(sa.select(ShiftPattern).where(ShiftPattern.kind == "standby")
                             .order_by(ShiftPattern.id)).all()
        teams = {o.team for o in s.scalars(sa.select(Officer))}
        worked = {}  # the demo's own standby shifts: (name, day) -> (team, officers on standby)
        for sh in s.scalars(sa.select(Shift).where(Shift.pattern_id.in_([p.id for p in patterns]))):
            on = frozenset(s.scalars(sa.select(RosterEntry.officer_id).where(
                RosterEntry.shift_id == sh.id, RosterEntry.duty == "standby")))
            worked[(sh.name, sh.starts_at.astimezone(CHINA_TZ).date())] = (sh.team, on)
    assert [p.name for p in patterns] == ["所部备勤（白）", "所部备勤（夜）"]
    for p in patterns:
        assert set(p.definition["teams"]) <= teams  # every team it names has officers
    last = max(day for _name, day in worked)
    made = []
    for p in patterns:
        made += roster.make_shifts(chief, p.id, last + timedelta(days=1), last + timedelta(days=14),
                                   with_teams=True)
    assert len(made) == 28
    view = roster.roster_view(chief, last + timedelta(days=1), last + timedelta(days=14))
    for sh in made:
        day = sh.starts_at.astimezone(CHINA_TZ).date()
        on = [e for e in view.entries if e.shift_id == sh.id]
        assert on and {e.duty for e in on} == {"standby"}
        assert len(on) == (4 if sh.name == "所部备勤（白）" else 2)
        earlier = worked[(sh.name, day - timedelta(days=14))]
        assert (sh.team, frozenset(e.officer_id for e in on)) == earlier
    assert [v.message for v in view.violations] == []


def test_the_demo_marks_its_standby_cars_and_planning_keeps_patrol_off_them(db, clock):
    """巡02 and 巡05 are the demo's standby cars (所部备勤: both by day, 巡02 by night), marked so:
    a patrol week planned with crews never takes them, the night's standby pair rides 巡02 and no
    car is named as left in for want of hands (巡05 was, on every night)."""
    from precinct_console.services import roster
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.models import Shift, ShiftPattern

    now = clock()
    build_demo(db, seed=1, days=3, now=now)
    chief = ServiceContext(db, accounts.authenticate(db, "chief", DEMO_PASSWORD, "seat-1", now), clock)
    with db.sessions() as s:
        assert sorted(s.scalars(sa.select(Unit.call_sign).where(Unit.standby.is_(True)))) == [
            "巡02", "巡05"]
        ids = {u.call_sign: u.id for u in s.scalars(sa.select(Unit))}
        patterns = {p.name: p.id for p in s.scalars(sa.select(ShiftPattern))}
        last = max(s.scalars(sa.select(Shift.starts_at))).astimezone(CHINA_TZ).date()
    first, end = last + timedelta(days=1), last + timedelta(days=7)
    patrol = roster.make_shifts(chief, patterns["四班三运转（巡逻）"], first, end, with_teams=True,
                                crew_units=True)
    night = roster.make_shifts(chief, patterns["所部备勤（夜）"], first, end, with_teams=True,
                               crew_units=True)
    assert patrol.crewing is not None and patrol.crewing.standby == ("巡02", "巡05")
    assert night.crewing is not None and night.crewing.short == ()
    view = roster.roster_view(chief, first, end + timedelta(days=1))
    ridden = {sh.id: {e.unit_id for e in view.entries_of(sh.id)} for sh in view.shifts}
    assert not {ids["巡02"], ids["巡05"]} & {u for sh in patrol for u in ridden[sh.id]}
    assert all(ridden[sh.id] == {ids["巡02"]} for sh in night)
