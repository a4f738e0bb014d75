"""Build the demo precinct into a database: refuse real data, insert everything in one transaction."""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import time as _time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret
from psycopg.types.json import Jsonb
from shapely.geometry import Point
from sqlalchemy import Table, func, select, text, update
from sqlalchemy.orm import Session

from ..domain.clock import CHINA_TZ, FixedClock, system_clock
from ..domain.driving import may_drive
from ..domain.errors import KnownError
from ..domain.geo import length_m
from ..services.accounts import actor_for, system_actor
from ..services.context import ServiceContext
from ..services.incidents.intake import PlaceResolver
from ..services.incidents.profile import profile_in, repeat_rules_in
from ..services.reference import ensure_reference_data
from ..storage.database import Database
from ..storage.models import (
    Base,
    Dispatch,
    Grid,
    GridPerson,
    Incident,
    IncidentCounter,
    IncidentEvent,
    KeySite,
    Officer,
    PatrolLine,
    PatrolLog,
    PatrolPoint,
    PatrolZone,
    Post,
    RosterEntry,
    Shift,
    ShiftPattern,
    Station,
    Unit,
    User,
)
from ..storage.uow import UnitOfWork
from . import names
from .geo import Cell, to_lonlat
from .history import History, UnitPool, generate_history
from .places import Places, build_places
from .staff import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DESK_TEAMS,
    PATROL_SHIFTS,
    ROTATION_EPOCH,
    STANDBY_CARS,
    STANDBY_TEAMS,
    TEAMS,
    Staff,
    build_staff,
    shift_bounds,
    team_on_duty,
)
from .task_catalogue import seed_catalogue, seed_followups

STATION_CODE = "110101550000"  # 12-digit public-security organ code of the demo station
STATION_NAME = "城关派出所"
BRANCH_NAME = "示范分局"
WORKSTATION = "指挥室-1"
ROSTER_DAYS_BACK = 14
ROSTER_DAYS_AHEAD = 14

log = logging.getLogger("precinct_console.demo")


def _table(model: type[Base]) -> Table:
    # Core statements: one executemany per batch, without the ORM's per-row bookkeeping.
    return cast(Table, model.__table__)


class DemoRefused(KnownError):
    """The database holds real data; the demo never overwrites it."""


@dataclass(frozen=True)
class DemoSummary:
    station_id: int
    station_code: str
    station_name: str
    seed: int
    days: int
    districts: int
    small_grids: int
    micro_grids: int
    officers: int
    units: int
    incidents: int
    open_incidents: int
    events: int
    dispatches: int
    users: tuple[str, ...]
    password: str
    seconds: float
    replaced: bool
    tasks: int = 0
    disputes: int = 0


def check_demo_allowed(db: Database) -> int | None:
    """The id of an earlier demo station to replace, None for an empty database; refuse real data."""
    with db.sessions() as s:
        real = s.scalars(select(Station).where(Station.is_demo.is_(False)).limit(1)).first()
        if real is not None:
            raise DemoRefused(
                f"this database holds real data (station {real.code} {real.name}); the demo "
                "precinct is built only in an empty database or over an earlier demo. "
                "Use a new database, e.g. --db sqlite:///demo.sqlite3"
            )
        demo_ids = list(s.scalars(select(Station.id).where(Station.is_demo.is_(True))))
        loose = s.scalar(
            select(func.count(User.id)).where(
                User.station_id.is_(None) | User.station_id.not_in(demo_ids or [-1])
            )
        )
        if loose:
            raise DemoRefused(
                f"this database holds {loose} user account(s) outside the demo station; "
                "the demo precinct is built only in an empty database or over an earlier demo"
            )
        return demo_ids[0] if demo_ids else None


# Kept across a rebuild: the station row itself, accounts and the append-only audit and feed
# (deleting audit rows would falsify history; feed ids must keep rising for listening seats).
_KEEP = {"stations", "users", "audit_log", "change_feed", "settings", "saved_views", "leases"}


def _wipe_station(session: Session, station_id: int) -> None:
    session.execute(update(User).where(User.station_id == station_id).values(officer_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in _KEEP or "station_id" not in table.c:
            continue
        if table.name == "incidents":
            # Links between incidents point both ways in time; cut them before deleting.
            session.execute(table.update().where(table.c.station_id == station_id)
                            .values(linked_to_id=None))
        if table.name == "units":
            session.execute(table.update().where(table.c.station_id == station_id)
                            .values(current_incident_id=None))
        session.execute(table.delete().where(table.c.station_id == station_id))


@functools.cache
def _password_hash(seed: int) -> str:
    """argon2id like every account, with a salt derived from the seed so rebuilds are identical
    (the demo users share the published demo password, so one hash serves them all)."""
    ph = PasswordHasher()
    salt = hashlib.sha256(f"precinct-demo:{seed}".encode()).digest()[:16]
    return hash_secret(
        DEMO_PASSWORD.encode(), salt, time_cost=ph.time_cost, memory_cost=ph.memory_cost,
        parallelism=ph.parallelism, hash_len=ph.hash_len, type=Type.ID,
    ).decode()


class _Builder:
    def __init__(self, session: Session, station_id: int, places: Places, staff: Staff,
                 rng: random.Random, now: datetime, seed: int):
        self.s = session
        self.sid = station_id
        self.places = places
        self.staff = staff
        self.rng = rng
        self.now = now
        self.seed = seed
        self.grid_ids: dict[str, int] = {}
        self.post_ids: dict[str, int] = {}
        self.zone_ids: dict[str, int] = {}
        self.officer_ids: dict[str, int] = {}
        self.unit_ids: dict[str, int] = {}
        self.user_ids: dict[str, int] = {}

    def _add(self, obj: object) -> object:
        self.s.add(obj)
        return obj

    # -- places ------------------------------------------------------------------------------
    def grids(self) -> None:
        for level in (1, 2, 3):
            objs = []
            for g in self.places.grids:
                if g.level != level:
                    continue
                cell = Cell(g.polygon)
                lon, lat = cell.centroid_lonlat
                objs.append((g.code, Grid(
                    station_id=self.sid, code=g.code, name=g.name, level=level,
                    parent_id=self.grid_ids.get(g.parent_code or ""), geometry=cell.geojson,
                    area_m2=round(cell.area_m2, 1), centroid_lon=lon, centroid_lat=lat,
                )))
            self.s.add_all([o for _c, o in objs])
            self.s.flush()
            self.grid_ids.update({c: o.id for c, o in objs})

    def _grid_at(self, x: float, y: float) -> int | None:
        p = Point(x, y)
        for g in self.places.micro:
            if g.polygon.covers(p):
                return self.grid_ids[g.code]
        return None

    def points(self) -> None:
        posts = []
        for p in self.places.posts:
            lon, lat = to_lonlat(p.x, p.y)
            posts.append(Post(station_id=self.sid, code=p.code, name=p.name, kind=p.kind, lon=lon,
                              lat=lat, phone=names.landline(self.rng), grid_id=self._grid_at(p.x, p.y)))
        for site in self.places.sites:
            lon, lat = to_lonlat(site.x, site.y)
            self.s.add(KeySite(
                station_id=self.sid, code=site.code, name=site.name, kind=site.kind,
                address=self.places.address(site.x, site.y, self.rng), lon=lon, lat=lat,
                grid_id=self._grid_at(site.x, site.y), target_minutes=site.target_minutes,
            ))
        self.s.add_all(posts)
        for pp in self.places.patrol_points:
            lon, lat = to_lonlat(pp.x, pp.y)
            self.s.add(PatrolPoint(station_id=self.sid, code=pp.code, name=pp.name, lon=lon, lat=lat,
                                   window_start=pp.window[0], window_end=pp.window[1], note=pp.note))
        for pl in self.places.patrol_lines:
            line = {"type": "LineString", "coordinates": [list(to_lonlat(x, y)) for x, y in pl.corners]}
            self.s.add(PatrolLine(station_id=self.sid, code=pl.code, name=pl.name, geometry=line,
                                  length_m=round(length_m(line), 1), window_start=pl.window[0],
                                  window_end=pl.window[1], note=pl.note))
        for parent_pass in (True, False):
            zones = []
            for z in self.places.zones:
                if (z.parent_code is None) != parent_pass:
                    continue
                cell = Cell(z.polygon)
                lon, lat = cell.centroid_lonlat
                zones.append((z.code, PatrolZone(
                    station_id=self.sid, code=z.code, name=z.name, kind=z.kind,
                    parent_id=self.zone_ids.get(z.parent_code or ""), geometry=cell.geojson,
                    centroid_lon=lon, centroid_lat=lat,
                )))
            self.s.add_all([o for _c, o in zones])
            self.s.flush()
            self.zone_ids.update({c: o.id for c, o in zones})
        self.post_ids = {p.code: p.id for p in posts}

    def unit_homes(self) -> dict[str, tuple[float, float]]:
        xy = {p.code: (p.x, p.y) for p in self.places.posts}
        return {u.call_sign: xy.get(u.post_code or "", self.places.station_xy) for u in self.staff.units}

    # -- people ------------------------------------------------------------------------------
    def people(self) -> None:
        officers = [Officer(
            station_id=self.sid, badge=o.badge, name=o.name, kind=o.kind, rank=o.rank, role=o.role,
            team=o.team, phone=o.phone, id_number=o.id_number, skills=list(o.skills),
            licences=list(o.licences),
        ) for o in self.staff.officers]
        homes = self.unit_homes()
        units = []
        for u in self.staff.units:
            lon, lat = to_lonlat(*homes[u.call_sign])
            units.append(Unit(station_id=self.sid, call_sign=u.call_sign, kind=u.kind, seats=u.seats,
                              post_id=self.post_ids.get(u.post_code or ""), home_lon=lon, home_lat=lat,
                              lon=lon, lat=lat, position_at=self.now, status="off_duty",
                              status_since=self.now,
                              # marked, as a station marks its standby cars: patrol planning
                              # keeps off them even past the four weeks the demo's roster covers
                              standby=u.call_sign in STANDBY_CARS))
        self.s.add_all([*officers, *units])
        self.s.flush()
        self.officer_ids = {o.badge: o.id for o in officers}
        self.unit_ids = {u.call_sign: u.id for u in units}

    def grid_people(self) -> None:
        community = self.staff.by_role("community", "officer")
        community_aux = self.staff.by_role("community", "auxiliary")
        rows = []
        districts = [g for g in self.places.grids if g.level == 1]
        for di, d in enumerate(districts):
            # The first four community officers each own a district; the other two share the
            # busiest small grids with them.
            lead = community[di % len(community)]
            helper = community[len(districts) + di % max(1, len(community) - len(districts))]
            aux = community_aux[di % len(community_aux)]
            rows.append(self._gp(d.code, "community_officer", lead.name, lead.phone, lead.badge))
            rows.append(self._gp(d.code, "auxiliary", aux.name, aux.phone, aux.badge))
            smalls = [g for g in self.places.grids if g.parent_code == d.code]
            for si, sg in enumerate(smalls):
                officer = helper if si % 3 == 2 else lead
                rows.append(self._gp(sg.code, "community_officer", officer.name, officer.phone, officer.badge))
                rows.append(self._gp(sg.code, "auxiliary", aux.name, aux.phone, aux.badge))
                rows.append(self._gp(sg.code, "grid_leader", names.person_name(self.rng),
                                     names.mobile(self.rng), None))
                for mg in (g for g in self.places.grids if g.parent_code == sg.code):
                    rows.append(self._gp(mg.code, "community_officer", officer.name, officer.phone,
                                         officer.badge))
                    rows.append(self._gp(mg.code, "grid_worker", names.person_name(self.rng),
                                         names.mobile(self.rng), None))
        self.s.add_all(rows)

    def _gp(self, grid_code: str, role: str, name: str, phone: str, badge: str | None) -> GridPerson:
        return GridPerson(station_id=self.sid, grid_id=self.grid_ids[grid_code], role=role, name=name,
                          phone=phone, officer_id=self.officer_ids.get(badge or ""))

    def users(self) -> None:
        existing = {u.username: u for u in self.s.scalars(select(User).where(User.station_id == self.sid))}
        for du in DEMO_USERS:
            officer = self.staff.by_role(du.officer_role)[0] if du.officer_role else None
            values = dict(
                display_name=(officer.name if officer else du.display_name), role=du.role,
                station_id=self.sid, password_hash=_password_hash(self.seed),
                may_see_personal_data=du.may_see_personal_data, active=True, failed_attempts=0,
                locked_until=None, officer_id=self.officer_ids.get(officer.badge) if officer else None,
            )
            user = existing.get(du.username)
            if user is None:
                user = User(username=du.username, created_at=self.now, **values)
                self.s.add(user)
            else:
                for k, v in values.items():
                    setattr(user, k, v)
        self.s.flush()
        self.user_ids = {u.username: u.id for u in self.s.scalars(select(User).where(User.station_id == self.sid))}

    # -- rosters -----------------------------------------------------------------------------
    def rosters(self) -> None:
        # Definitions in the pattern's own terms (domain/shifts.py), so that planning a new week
        # from them makes the shifts the station already works: same names, same times.
        four = ShiftPattern(station_id=self.sid, name="四班三运转（巡逻）", kind="four_three", definition={
            # The demo's teams work 白中夜休 (one day on each shift, staff.team_on_duty).
            "teams": list(TEAMS), "anchor": ROTATION_EPOCH.isoformat(), "min_staff": 5, "block_days": 1,
            "shifts": [{"name": n, "start": f"{h:02d}:00", "hours": hrs} for n, h, hrs in PATROL_SHIFTS],
        })
        duty = ShiftPattern(station_id=self.sid, name="指挥室24小时值班", kind="duty_24h", definition={
            "teams": list(DESK_TEAMS), "anchor": ROTATION_EPOCH.isoformat(), "min_staff": 2,
            "handover": "08:30", "duty": "desk",
            "shifts": [{"name": "指挥室值班", "start": "08:30", "hours": 24}]})
        # Standby by day and by night, each worked by its own teams in turn (staff.STANDBY_TEAMS):
        # one pattern of both parts would put one team on for 24 hours.
        standby = {part: ShiftPattern(station_id=self.sid, name=label, kind="standby", definition={
            "teams": list(STANDBY_TEAMS[part]), "anchor": ROTATION_EPOCH.isoformat(),
            "min_staff": need, "shifts": [{"name": label, "start": start, "hours": 12}]})
            for part, label, start, need in (("day", "所部备勤（白）", "08:30", 4),
                                              ("night", "所部备勤（夜）", "20:30", 2))}
        self.s.add_all([four, duty, *standby.values()])
        self.s.flush()
        today = self.now.astimezone(CHINA_TZ).date()
        command = self.staff.by_role("command", "officer")
        desk_aux = self.staff.by_role("command", "auxiliary")
        patrol = self.staff.by_role("patrol")
        officer_badges = {o.badge for o in self.staff.officers if o.kind == "officer"}
        entries: list[tuple[Shift, list[RosterEntry]]] = []
        for d in range(-ROSTER_DAYS_BACK, ROSTER_DAYS_AHEAD):
            day = today + timedelta(days=d)
            start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=CHINA_TZ)
            n = (day - ROTATION_EPOCH).days
            officer = command[n % len(command)]
            aux = desk_aux[n % len(desk_aux)]
            shift = Shift(station_id=self.sid, pattern_id=duty.id, name="指挥室值班", team=officer.team,
                          starts_at=start, ends_at=start + timedelta(hours=24), min_staff=2)
            duty_rows = [
                RosterEntry(station_id=self.sid, officer_id=self.officer_ids[officer.badge], duty="desk"),
                RosterEntry(station_id=self.sid, officer_id=self.officer_ids[aux.badge], duty="desk"),
            ]
            entries.append((shift, duty_rows))
            standby_crews = self.staff.standby_crews(day)
            for part, hours_from in (("day", 0), ("night", 12)):
                s_start = start + timedelta(hours=hours_from)
                pattern = standby[part]
                standby_shift = Shift(station_id=self.sid, pattern_id=pattern.id, name=pattern.name,
                                      team=STANDBY_TEAMS[part][n % len(STANDBY_TEAMS[part])],
                                      starts_at=s_start, ends_at=s_start + timedelta(hours=12),
                                      min_staff=int(pattern.definition["min_staff"]))
                entries.append((standby_shift, [
                    RosterEntry(station_id=self.sid, officer_id=self.officer_ids[b],
                                unit_id=self.unit_ids[cs], duty="standby", note="所部备勤")
                    for (cs, slot_part), badges in standby_crews.items() if slot_part == part
                    for b in badges
                ]))
            for si, (sname, _h, _hrs) in enumerate(PATROL_SHIFTS):
                s_start, s_end = shift_bounds(day, si)
                team, _ = team_on_duty(s_start)
                shift = Shift(station_id=self.sid, pattern_id=four.id, name=sname, team=team,
                              starts_at=s_start, ends_at=s_end, min_staff=5)
                crews = self.staff.crews[team]
                unit_of = {b: cs for cs, badges in crews.items() for b in badges}
                daytime_only = {u.call_sign for u in self.staff.units if u.daytime_only}
                # A few days of leave, so the roster is not a perfect grid.
                on_leave = {
                    o.badge for o in patrol if o.team == team
                    and random.Random(f"{self.seed}:{day}:{si}:{o.badge}").random() < 0.04
                }
                on_leave = self._leave_keeping_drivers(crews, on_leave, officer_badges)
                officers_in = {cs for cs, badges in crews.items()
                               for b in badges if b not in on_leave and b in officer_badges}
                rows: list[RosterEntry] = []
                for o in patrol:
                    if o.team != team:
                        continue
                    if o.badge in on_leave:
                        rows.append(RosterEntry(station_id=self.sid, officer_id=self.officer_ids[o.badge],
                                                duty="leave", note="年休假"))
                        continue
                    unit_cs = unit_of.get(o.badge)
                    if unit_cs not in officers_in or (si == 2 and unit_cs in daytime_only):
                        # An auxiliary whose officer is away stands by at the station instead;
                        # so does a foot or e-bike crew at night (those patrols work 08-22).
                        unit_cs = None
                    rows.append(RosterEntry(
                        station_id=self.sid, officer_id=self.officer_ids[o.badge],
                        unit_id=self.unit_ids.get(unit_cs or ""),
                        post_id=self.post_ids.get(self._unit_post(unit_cs)),
                        duty="patrol" if unit_cs else "standby",
                    ))
                entries.append((shift, rows))
        self.s.add_all([sh for sh, _r in entries])
        self.s.flush()
        for sh, shift_rows in entries:
            for entry in shift_rows:
                entry.shift_id = sh.id
            self.s.add_all(shift_rows)

    def _leave_keeping_drivers(self, crews: dict[str, list[str]], on_leave: set[str],
                               officer_badges: set[str]) -> set[str]:
        """Leave as drawn, less the drivers of a crew that would go out with nobody allowed to
        drive its unit: a chief grants that leave only with cover, and the roster rules would
        flag the shift on the demo's first screen."""
        kinds = {u.call_sign: u.kind for u in self.staff.units}
        licences = {o.badge: o.licences for o in self.staff.officers}
        granted = set(on_leave)
        for cs, badges in crews.items():
            staying = [b for b in badges if b not in granted]
            if not any(b in officer_badges for b in staying):
                continue  # the unit stays in: its auxiliaries stand by at the station
            if not any(may_drive(licences[b], kinds[cs]) for b in staying):
                granted -= {b for b in badges if may_drive(licences[b], kinds[cs])}
        return granted

    def _unit_post(self, call_sign: str | None) -> str:
        for u in self.staff.units:
            if u.call_sign == call_sign:
                return u.post_code or ""
        return ""

    # -- history -----------------------------------------------------------------------------
    def history(self, days: int) -> tuple[History, int, int]:
        hist = generate_history(self.places, self.staff, self.unit_homes(), self.rng, now=self.now,
                                days=days, rules=repeat_rules_in(self.s, self.sid))
        station = self.sid
        tiers = PlaceResolver(self.s, station, profile_in(self.s, station).key_site_radius_m)
        incident_rows = []
        for r in hist.incidents:
            t = r.times
            incident_rows.append({
                "station_id": station, "number": r.number, "channel": r.channel,
                "category_code": r.category_code, "priority": r.priority, "status": r.status,
                "caller_name": r.caller_name, "caller_phone": r.caller_phone, "address": r.address,
                "lon": r.lon, "lat": r.lat, "grid_id": self.grid_ids.get(r.grid_code or ""),
                "content": r.content, "needs_reinforcement": r.needs_reinforcement,
                "place_tier": tiers.tier(r.lon, r.lat),
                "received_at": r.received_at, "dispatched_at": t["dispatched"],
                "signed_at": t["signed"], "set_off_at": t["set_off"], "arrived_at": t["arrived"],
                "reinforcement_arrived_at": t["reinforcement_arrived"], "handled_at": t["handled"],
                "fed_back_at": t["fed_back"], "closed_at": t["closed"],
                "repeat_caller": r.repeat_caller, "repeat_place": r.repeat_place,
                "repeat_matter": r.repeat_matter, "call_taker_id": self.user_ids.get(r.call_taker),
                "handling_summary": r.handling_summary, "result": r.result,
                "people_rescued": r.people_rescued, "people_injured": r.people_injured,
                "people_arrested": r.people_arrested, "transferred_to": r.transferred_to,
                "version": 1,
            })
        ids = self._new_ids(Incident, len(incident_rows))
        for iid, row, r in zip(ids, incident_rows, hist.incidents, strict=True):
            row["id"] = iid
            # The linked call is earlier in the same batch, so the key is satisfied in order.
            row["linked_to_id"] = ids[r.linked_to] if r.linked_to is not None else None
        self._bulk_insert(Incident, incident_rows)
        dispatch_rows = []
        for iid, r in zip(ids, hist.incidents, strict=True):
            for d in r.dispatches:
                dispatch_rows.append({
                    "station_id": station, "incident_id": iid, "unit_id": self.unit_ids[d.call_sign],
                    "role": d.role, "dispatched_at": d.dispatched_at, "signed_at": d.signed_at,
                    "set_off_at": d.set_off_at, "arrived_at": d.arrived_at, "cleared_at": d.cleared_at,
                    "dispatched_by": self.user_ids.get(r.call_taker), "officers": d.officers,
                    "auxiliaries": d.auxiliaries, "vehicles": d.vehicles, "version": 1,
                })
        dispatch_ids = self._new_ids(Dispatch, len(dispatch_rows))
        for did, row in zip(dispatch_ids, dispatch_rows, strict=True):
            row["id"] = did
        self._bulk_insert(Dispatch, dispatch_rows)
        events = []
        cursor = 0
        for iid, r in zip(ids, hist.incidents, strict=True):
            mine = dispatch_ids[cursor:cursor + len(r.dispatches)]
            cursor += len(r.dispatches)
            for e in r.events:
                payload = dict(e.payload)
                if e.dispatch is not None:
                    payload["dispatch_id"] = mine[e.dispatch]
                events.append({
                    "station_id": station, "incident_id": iid, "kind": e.kind, "at": e.at,
                    "recorded_at": e.recorded_at, "user_id": self.user_ids.get(e.username),
                    "username": e.username, "workstation": WORKSTATION,
                    "unit_id": self.unit_ids.get(e.call_sign or ""), "payload": payload,
                })
        if events:
            self._bulk_insert(IncidentEvent, events)
        n_dispatches = len(dispatch_rows)
        for day, last in sorted(hist.counters.items()):
            self.s.add(IncidentCounter(station_id=station, day=day, last=last))
        self._live_units(hist, ids)
        return hist, len(events), n_dispatches

    def _new_ids(self, model: type[Base], n: int) -> list[int]:
        """Ids for n new rows, taken before inserting so rows can point at each other."""
        table = _table(model)
        if n == 0:
            return []
        if self.s.get_bind().dialect.name == "postgresql":
            # From the table's own sequence: safe beside other writers, and COPY needs no RETURNING.
            return list(self.s.scalars(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                {"t": table.name, "n": n},
            ))
        # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so max + 1 is ours.
        start = int(self.s.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
        return list(range(start, start + n))

    def _bulk_insert(self, model: type[Base], rows: list[dict[str, Any]]) -> None:
        """COPY on PostgreSQL, one executemany on SQLite; both inside this transaction."""
        if not rows:
            return
        table = _table(model)
        if self.s.get_bind().dialect.name != "postgresql":
            self.s.execute(table.insert(), rows)
            return
        columns = list(rows[0])
        # COPY bypasses SQLAlchemy, so the models' Python-side defaults are filled in here.
        defaults = {
            c.name: cast(Any, c.default).arg for c in table.columns
            if c.name not in rows[0] and c.default is not None and c.default.is_scalar
        }
        if defaults:
            rows = [{**defaults, **r} for r in rows]
            columns = list(rows[0])
        raw: Any = self.s.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v
                                for v in (row[c] for c in columns)])

    def _live_units(self, hist: History, ids: list[int]) -> None:
        """Units' state at `now`: crewed ones wait at home, the busy ones are on their incident."""
        homes = self.unit_homes()
        crewed = set(UnitPool(self.staff, homes).in_service(self.now))
        state: dict[str, dict[str, object]] = {}
        for iid, r in zip(ids, hist.incidents, strict=True):
            for d in r.dispatches:
                if d.cleared_at is not None or r.status in ("handled", "fed_back", "closed"):
                    continue
                status = "on_scene" if d.arrived_at else "en_route" if d.set_off_at else "dispatched"
                hx, hy = homes[d.call_sign]
                lon, lat = to_lonlat(hx, hy)
                if status == "on_scene":
                    lon, lat = r.lon, r.lat
                elif status == "en_route":
                    # Part of the way there, in proportion to the time since setting off.
                    lon = lon + (r.lon - lon) * 0.5
                    lat = lat + (r.lat - lat) * 0.5
                since = d.arrived_at or d.set_off_at or d.dispatched_at
                state[d.call_sign] = {"status": status, "current_incident_id": iid, "lon": lon,
                                      "lat": lat, "status_since": since}
        for u in self.staff.units:
            values = state.get(u.call_sign)
            if values is None:
                values = {"status": "available" if u.call_sign in crewed else "off_duty",
                          "current_incident_id": None}
            self.s.execute(update(Unit).where(Unit.id == self.unit_ids[u.call_sign])
                           .values(**values).execution_options(synchronize_session=False))

    def patrol_logs(self, days: int) -> int:
        rows = []
        small_zones = [z for z in self.places.zones if z.kind == "patrol" and z.parent_code]
        homes = self.unit_homes()
        today = self.now.astimezone(CHINA_TZ).date()
        for d in range(-days, 1):
            day = today + timedelta(days=d)
            for si in range(3):
                start, end = shift_bounds(day, si)
                if end > self.now or start < self.now - timedelta(days=days):
                    continue
                team, _ = team_on_duty(start)
                for cs in self.staff.crews[team]:
                    if self.rng.random() < 0.25:
                        continue
                    hx, hy = homes[cs]
                    home = Point(hx, hy)
                    # Mostly the zone around the unit's post, sometimes a neighbouring one.
                    zone = min(small_zones, key=lambda z: z.polygon.centroid.distance(home)
                               + self.rng.uniform(0, 900))
                    p_start = start + timedelta(minutes=self.rng.randint(20, 120))
                    p_end = min(end, p_start + timedelta(minutes=self.rng.randint(60, 240)))
                    s1, s2 = self.rng.sample([s.name for s in self.places.streets], 2)
                    arrests = 1 if self.rng.random() < 0.02 else 0
                    rows.append({
                        "station_id": self.sid, "unit_id": self.unit_ids[cs],
                        "zone_id": self.zone_ids[zone.code], "starts_at": p_start, "ends_at": p_end,
                        "route": f"{zone.name}：{s1}—{s2}", "officers": self.staff.crew_names(team, cs),
                        "people_checked": self.rng.randint(0, 12), "vehicles_checked": self.rng.randint(0, 8),
                        "stakeouts": self.rng.randint(0, 2), "arrests": arrests,
                        "result": "巡逻中抓获现行一名" if arrests else self.rng.choice(
                            ("巡逻正常", "巡逻正常", "劝离占道经营摊贩", "提醒商户关好门窗", "发现可疑车辆已核查")),
                    })
        if rows:
            self._bulk_insert(PatrolLog, rows)
        return len(rows)


def build_demo(
    db: Database, *, seed: int = 1, days: int = 90, now: datetime | None = None,
    workstation: str = WORKSTATION,
) -> DemoSummary:
    """Build (or rebuild) the demo precinct: same seed and `now`, same database contents."""
    if days < 1 or days > 3660:
        raise DemoRefused("--days must be between 1 and 3660")
    started = _time.perf_counter()
    now = now or system_clock()
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.replace(microsecond=0)
    ensure_reference_data(db)
    previous = check_demo_allowed(db)
    rng = random.Random(seed)
    places = build_places(rng)
    staff = build_staff(rng)
    with UnitOfWork(db, system_actor(workstation, previous), lambda: now) as uow:
        s = uow.session
        if previous is not None:
            _wipe_station(s, previous)
            station = s.get(Station, previous)
            assert station is not None
        else:
            station = Station(code=STATION_CODE, name=STATION_NAME)
            s.add(station)
        lon, lat = to_lonlat(*places.station_xy)
        station.code, station.name, station.kind, station.branch = STATION_CODE, STATION_NAME, "station", BRANCH_NAME
        station.address = places.address(*places.station_xy, rng)
        station.phone, station.lon, station.lat, station.is_demo = "010-65550110", lon, lat, True
        s.flush()
        b = _Builder(s, station.id, places, staff, rng, now, seed)
        b.grids()
        b.points()
        b.people()
        b.grid_people()
        b.users()
        b.rosters()
        seed_catalogue(s, station.id, now)
        hist, n_events, n_dispatches = b.history(days)
        b.patrol_logs(days)
        summary = DemoSummary(
            station_id=station.id, station_code=station.code, station_name=station.name, seed=seed,
            days=days, districts=sum(1 for g in places.grids if g.level == 1),
            small_grids=sum(1 for g in places.grids if g.level == 2),
            micro_grids=sum(1 for g in places.grids if g.level == 3), officers=len(staff.officers),
            units=len(staff.units), incidents=len(hist.incidents),
            open_incidents=sum(1 for r in hist.incidents if r.status != "closed"),
            events=n_events, dispatches=n_dispatches, users=tuple(u.username for u in DEMO_USERS),
            password=DEMO_PASSWORD, seconds=0.0, replaced=previous is not None,
        )
        uow.audit("demo.load", "station", station.id, None, {
            "seed": seed, "days": days, "incidents": summary.incidents, "replaced": summary.replaced,
        }, station_id=station.id)
        # One feed row per kind of thing is enough: every open console reloads its panels.
        for entity in ("station", "grid", "unit", "officer", "shift", "incident"):
            uow.changed(entity, station.id if entity == "station" else None, "reloaded",
                        station_id=station.id)
        uow.commit()
    # The follow-up desk goes through the task services (rules, signing, feedback), as the
    # command room's duty officer, once the history it works from is committed.
    with db.sessions() as s:
        duty = s.scalar(select(User).where(User.username == "duty", User.station_id == summary.station_id))
        assert duty is not None
        actor = actor_for(duty, workstation)
    followups = seed_followups(ServiceContext(db, actor, FixedClock(now)), seed=seed)
    _accept_patrol_plan(db, summary.station_id, workstation, now)
    return replace(summary, tasks=followups.tasks, disputes=followups.disputes,
                   seconds=round(_time.perf_counter() - started, 2))


def _accept_patrol_plan(db: Database, station_id: int, workstation: str, now: datetime) -> None:
    """The chief accepted this shift's patrol plan: the map and unit board show its orders."""
    from ..services import allocation  # the solver is heavy: only the demo build needs it here

    with db.sessions() as s:
        chief = s.scalar(select(User).where(User.username == "chief", User.station_id == station_id))
        assert chief is not None
        actor = actor_for(chief, workstation)
    ctx = ServiceContext(db, actor, FixedClock(now))
    try:
        plan = allocation.propose_plan(ctx, starts_at=now, time_limit=10.0)
        allocation.decide_plan(ctx, plan.id, plan.version, "accept", note="演示：本班巡逻部署")
    except KnownError as exc:  # e.g. nobody rostered on the running shift: no plan, say so
        log.warning("demo: no patrol plan for the running shift: %s", exc)
