"""The demo station's people: officers and auxiliaries, units and crews, four-team rotation, users."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from ..domain.clock import CHINA_TZ
from ..domain.driving import may_drive, needed_class
from . import names

TEAMS = ("一组", "二组", "三组", "四组")
# The command room's 24-hour duty: an officer and an auxiliary a day, four pairs in turn, each
# pair a team of its own, so the duty pattern puts the right pair on (the default team names
# of a duty pattern, 一组…, are the patrol teams' and double-booked them).
DESK_TEAMS = ("值班一组", "值班二组", "值班三组", "值班四组")
# 四班三运转: 08-16, 16-24, 00-08; each team works a day, an evening, a night, then rests.
PATROL_SHIFTS = (("白班", 8, 8), ("小夜班", 16, 8), ("大夜班", 0, 8))
DUTY_HANDOVER = time(8, 30)
ROTATION_EPOCH = date(2026, 1, 1)

# (role, rank, how many, kind); ranks follow the 警衔 scale, auxiliaries have none.
_ROSTER = (
    ("chief", "二级警督", 1, "officer"),
    ("instructor", "二级警督", 1, "officer"),
    ("deputy", "三级警督", 2, "officer"),
    ("command", "一级警司", 4, "officer"),
    ("community", "二级警司", 6, "officer"),
    ("case", "一级警司", 3, "officer"),
    ("patrol", "三级警司", 16, "officer"),
    ("patrol", "", 16, "auxiliary"),
    ("community", "", 4, "auxiliary"),
    ("command", "", 4, "auxiliary"),
)
ROLE_ZH = {
    "chief": "所长", "instructor": "教导员", "deputy": "副所长", "command": "指挥室",
    "community": "社区警务", "case": "办案队", "patrol": "巡逻防控",
}
_SKILLS = ("驾驶", "急救", "调解", "处突", "心理疏导", "外语", "无人机操控", "反诈宣传", "消防")


@dataclass(frozen=True)
class OfficerPlan:
    badge: str
    name: str
    kind: str
    rank: str
    role: str
    team: str
    phone: str
    id_number: str
    skills: tuple[str, ...]
    licences: tuple[str, ...]


@dataclass(frozen=True)
class UnitPlan:
    call_sign: str
    kind: str
    seats: int
    post_code: str | None  # None: parks at the station
    daytime_only: bool = False  # foot and e-bike patrols work 08-22


@dataclass
class Staff:
    officers: list[OfficerPlan]
    units: list[UnitPlan]
    # team -> unit call sign -> crew badges
    crews: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def by_role(self, role: str, kind: str | None = None) -> list[OfficerPlan]:
        return [o for o in self.officers if o.role == role and (kind is None or o.kind == kind)]

    def crew_names(self, team: str, call_sign: str) -> str:
        return self.names_of(self.crews.get(team, {}).get(call_sign, []))

    def names_of(self, badges: list[str]) -> str:
        by_badge = {o.badge: o.name for o in self.officers}
        return "、".join(by_badge[b] for b in badges)

    def auxiliaries_in(self, badges: list[str]) -> int:
        aux = {o.badge for o in self.officers if o.kind == "auxiliary"}
        return sum(1 for b in badges if b in aux)

    def standby_crews(self, day: date) -> dict[tuple[str, str], list[str]]:
        """The duty day's standby (备勤) cars by (call sign, "day"|"night"), two officers each:
        the standby team whose turn it is (STANDBY_TEAMS, every other day, as the standby
        patterns plan them), its officers two by two in badge order."""
        n = (day - ROTATION_EPOCH).days
        out: dict[tuple[str, str], list[str]] = {}
        for part, teams in STANDBY_TEAMS.items():
            team = teams[n % len(teams)]
            members = sorted(o.badge for o in self.officers if o.team == team)
            cars = [cs for cs, slot_part in STANDBY_SLOTS if slot_part == part]
            for i, call_sign in enumerate(cars):
                out[(call_sign, part)] = members[2 * i: 2 * i + 2]
        return out

    def crew_at(self, at: datetime, call_sign: str) -> list[str]:
        if call_sign in STANDBY_CARS:
            return self.standby_crews(duty_day(at)).get((call_sign, standby_part(at)), [])
        team, _ = team_on_duty(at)
        return self.crews.get(team, {}).get(call_sign, [])

    def in_service(self, at: datetime) -> list[str]:
        """Units crewed at this instant (the drone is flown on request, never sent to calls)."""
        team, _shift = team_on_duty(at)
        hour = at.astimezone(CHINA_TZ).hour
        part = standby_part(at)
        crewed = self.crews.get(team, {})
        out = []
        for u in self.units:
            if u.call_sign in STANDBY_CARS:
                if (u.call_sign, part) in STANDBY_SLOTS:
                    out.append(u.call_sign)
            elif u.call_sign in crewed and not (u.daytime_only and not 8 <= hour < 22):
                out.append(u.call_sign)
        return out


def build_staff(rng: random.Random) -> Staff:
    officers: list[OfficerPlan] = []
    used: set[str] = set()
    n_officer = n_aux = 0
    for role, rank, count, kind in _ROSTER:
        for i in range(count):
            name = names.person_name(rng)
            while name in used:
                name = names.person_name(rng)
            used.add(name)
            if kind == "officer":
                n_officer += 1
                badge = f"0{n_officer + 11200:05d}"
            else:
                n_aux += 1
                badge = f"FJ{n_aux:04d}"
            team = TEAMS[i % 4] if role == "patrol" else DESK_TEAMS[i] if role == "command" else ""
            skills = tuple(sorted(rng.sample(_SKILLS, rng.randint(1, 3))))
            licences = ["C1"] if rng.random() < 0.85 else []
            if role == "patrol" and rng.random() < 0.35:
                licences.append("D")  # motorbike
            if "无人机操控" in skills:
                licences.append("无人机驾驶员执照")
            officers.append(OfficerPlan(
                badge, name, kind, rank, role, team, names.mobile(rng),
                names.id_number(rng, born_from=1968 if kind == "officer" else 1985, born_to=2002),
                skills, tuple(licences),
            ))
    units = [
        UnitPlan("巡01", "car", 4, None), UnitPlan("巡02", "car", 4, None),
        UnitPlan("巡03", "car", 4, "JWZ01"), UnitPlan("巡04", "car", 4, "JWZ02"),
        UnitPlan("巡05", "car", 4, "JWS01"),
        UnitPlan("摩01", "motorbike", 1, None), UnitPlan("摩02", "motorbike", 1, "JWS02"),
        UnitPlan("步01", "foot", 2, "JWZ01", daytime_only=True),
        UnitPlan("步02", "foot", 2, "JWZ02", daytime_only=True),
        UnitPlan("步03", "foot", 2, "JWS03", daytime_only=True),
        UnitPlan("电01", "ebike", 1, "JWS02", daytime_only=True),
        UnitPlan("电02", "ebike", 1, "JWS03", daytime_only=True),
        UnitPlan("无人机01", "drone", 0, None, daytime_only=True),
    ]
    staff = Staff(officers, units)
    _standby_teams(staff)
    patrol = staff.by_role("patrol")
    for ti, team in enumerate(TEAMS):
        members = [o for o in patrol if o.team == team]
        leads = [o for o in members if o.kind == "officer"]
        aux = [o for o in members if o.kind == "auxiliary"]
        crews: dict[str, list[str]] = {}
        # A car needs an officer with an auxiliary; the posts' cars are staffed first.
        for call_sign in _CAR_ORDER:
            if leads:
                crews[call_sign] = [leads.pop(0).badge] + ([aux.pop(0).badge] if aux else [])
        # Auxiliaries never patrol without an officer: the officers left take the light
        # units (teams in turn), an auxiliary with them where there is a second seat, or as a
        # third in the first car.
        light = _LIGHT_ORDER[ti % len(_LIGHT_ORDER):] + _LIGHT_ORDER[:ti % len(_LIGHT_ORDER)]
        for call_sign in light:
            if not leads:
                break
            crew = [leads.pop(0).badge]
            if aux and _SEATS[call_sign] > 1:
                crew.append(aux.pop(0).badge)
            crews[call_sign] = crew
        if aux and _CAR_ORDER[-1] in crews:
            crews[_CAR_ORDER[-1]].extend(a.badge for a in aux)
        staff.crews[team] = crews
    _licence_drivers(staff)
    return staff


def _standby_teams(staff: Staff) -> None:
    """The standby officers (the instructor, deputies, community and case officers) in the
    standby teams, in order: four to each day team (two cars), two to each night team."""
    pool = [o for o in staff.officers if o.kind == "officer" and o.role in STANDBY_ROLES]
    seats = [(team, 2 * sum(1 for _cs, p in STANDBY_SLOTS if p == part))
             for part, teams in STANDBY_TEAMS.items() for team in teams]
    if len(pool) != sum(n for _team, n in seats):
        raise AssertionError(f"{len(pool)} standby officers for {seats}")  # the demo's own data
    team_of: dict[str, str] = {}
    it = iter(pool)
    for team, n in seats:
        for _ in range(n):
            team_of[next(it).badge] = team
    staff.officers[:] = [replace(o, team=team_of[o.badge]) if o.badge in team_of else o
                         for o in staff.officers]


def _licence_drivers(staff: Staff) -> None:
    """Every crew has someone who may drive its unit, as a station's duty plan makes sure: where
    the draw left a crew without one, its first member holds the class (the roster's rule)."""
    kinds = {u.call_sign: u.kind for u in staff.units}
    crews = [(kinds[cs], badges) for team in staff.crews.values() for cs, badges in team.items()]
    pool = [o.badge for o in staff.officers if o.kind == "officer" and o.role in STANDBY_ROLES]
    crews += [("car", [b]) for b in pool]  # any two of them may take a standby car
    by_badge = {o.badge: o for o in staff.officers}
    for kind, badges in crews:
        need = needed_class(kind)
        if need is None or not badges or any(may_drive(by_badge[b].licences, kind) for b in badges):
            continue
        first = by_badge[badges[0]]
        by_badge[first.badge] = replace(first, licences=(*first.licences, need))
    staff.officers[:] = [by_badge[o.badge] for o in staff.officers]


_CAR_ORDER = ("巡03", "巡04", "巡01")
# Standby cars of the station (所部备勤): two by day (08:30-20:30), one by night, each a
# 12-hour turn so nobody's week runs long.
STANDBY_SLOTS = (("巡02", "day"), ("巡05", "day"), ("巡02", "night"))
STANDBY_CARS = frozenset(cs for cs, _part in STANDBY_SLOTS)
STANDBY_DAY = (time(8, 30), time(20, 30))
# Who stands by: the instructor, deputies, community and case officers, in standby teams of their
# own, each on every other day (48 h in the worst week), so the standby patterns (所部备勤（白）,
# 所部备勤（夜）) planned with teams put the crews on that the demo's roster has: four by day
# (two cars), two by night.
STANDBY_ROLES = ("instructor", "deputy", "community", "case")
STANDBY_TEAMS = {"day": ("备勤白一组", "备勤白二组"), "night": ("备勤夜一组", "备勤夜二组")}


def standby_part(at: datetime) -> str:
    t = at.astimezone(CHINA_TZ).time()
    return "day" if STANDBY_DAY[0] <= t < STANDBY_DAY[1] else "night"
_LIGHT_ORDER = ("步01", "摩01", "步02", "电01", "步03", "摩02", "电02")
_SEATS = {"步01": 2, "步02": 2, "步03": 2, "摩01": 1, "摩02": 1, "电01": 1, "电02": 1}


def team_on_duty(at: datetime) -> tuple[str, int]:
    """Which team is on patrol at this instant, and the shift index (0 day, 1 evening, 2 night)."""
    t = at.astimezone(CHINA_TZ)
    shift = 0 if 8 <= t.hour < 16 else 1 if t.hour >= 16 else 2
    # The night shift belongs to the day it started on (00-08 follows that day's evening).
    day = t.date() - (timedelta(days=1) if shift == 2 else timedelta(0))
    n = (day - ROTATION_EPOCH).days
    return TEAMS[(n - shift) % 4], shift


def duty_day(at: datetime) -> date:
    """The 24-hour duty day an instant belongs to (it starts at the 08:30 handover)."""
    t = at.astimezone(CHINA_TZ)
    return (t - timedelta(hours=DUTY_HANDOVER.hour, minutes=DUTY_HANDOVER.minute)).date()


def shift_bounds(day: date, shift: int) -> tuple[datetime, datetime]:
    _name, hour, hours = PATROL_SHIFTS[shift]
    start_day = day + timedelta(days=1) if shift == 2 else day
    start = datetime.combine(start_day, time(hour), CHINA_TZ)
    return start, start + timedelta(hours=hours)


DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    officer_role: str | None  # link to the first officer of this role
    may_see_personal_data: bool = False
    note: str = ""


DEMO_USERS = (
    DemoUser("admin", "系统管理员", "admin", None, True, "administrator"),
    DemoUser("duty", "值班民警", "duty_officer", "command", False, "duty officer (dispatcher)"),
    DemoUser("duty2", "值班民警二", "duty_officer", "command", False, "second duty officer"),
    DemoUser("chief", "所长", "station_chief", "chief", True, "station chief"),
    DemoUser("clerk", "内勤", "clerk", None, True, "clerk (ledgers)"),
    DemoUser("community", "社区民警", "community_officer", "community", False,
             "community officer (follow-up tasks)"),
    DemoUser("branch", "分局指挥中心", "viewer", None, False, "read-only branch viewer"),
    DemoUser("sim", "模拟接警", "duty_officer", None, False, "the live simulator's 110 feed"),
)
