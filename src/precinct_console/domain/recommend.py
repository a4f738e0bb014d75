"""Rank the units that could take an incident: travel time first, then capability, timed duties
and load.

A car due at a timed duty of its patrol order (定时守点: a school gate at 07:30) or on one now is
still offered, with the duty written out, but the 1-3-5 target comes first: among the units
that make the target it goes after every free one (any of them keeps the target and the duty);
it goes first when it alone makes the target. Past the target it counts DUTY_PENALTY_S slower,
so a free car about as fast goes first and a much slower one does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import local
from .travel import distance_m, travel_seconds

# States from which a unit can take a new incident; a returning unit finishes its paperwork
# on the way, so it costs a little more than an idle one.
READY_STATES = {"available": 0.0, "returning": 30.0}
LOAD_PENALTY_S = 45.0  # per incident the unit took recently: spreads the work over the shift
# ...but only between units about as fast: past two incidents' worth the penalty stops growing,
# so a busy unit two minutes nearer is not passed over for an idle one further away.
MAX_LOAD_PENALTY_S = 90.0
DEFAULT_TARGET_S = 180.0
# A position fix older than this is not live: a patrol terminal reports every few seconds.
STALE_POSITION_S = 300.0


def stale_position_age(position_at: datetime | None, now: datetime) -> float | None:
    """Seconds since the last position fix when it is too old to count as live, else None."""
    if position_at is None:
        return None
    age = (now - position_at).total_seconds()
    return age if age > STALE_POSITION_S else None


# A call ties a car up for about this long (the drive, the handling, the paperwork): one due to
# set out for a timed duty within it would be late there (see DutyHold).
DUTY_HORIZON = timedelta(minutes=30)
# Past the target, a car held by a timed duty counts this much slower: a free car up to two
# minutes slower goes first, one slower still does not (every minute past the target counts).
DUTY_PENALTY_S = 120.0


def duty_presses(sets_out: datetime | None, starts: datetime | None, until: datetime | None,
                 now: datetime) -> bool:
    """Would sending a unit to a call now make it late for this timed duty, or take it off it:
    under way now, or its time to set out within DUTY_HORIZON?"""
    if starts is None or until is None or now >= until:
        return False
    return starts <= now or (sets_out or starts) <= now + DUTY_HORIZON


@dataclass(frozen=True)
class DutyHold:
    """The timed duty a unit is on, or due to set out for soon (duty_presses)."""

    name: str  # the must-patrol point or the patrol line
    line: bool  # a patrol line (巡逻线路), else a must-patrol point (必巡点)
    starts: datetime
    until: datetime
    under_way: bool

    def reason(self) -> str:
        """"due at the must-patrol point 城关实验小学护学岗 at 07:30" (07:30 须到 … 必巡点)."""
        name, at, until = self.name, f"{local(self.starts):%H:%M}", f"{local(self.until):%H:%M}"
        if self.under_way and self.line:
            return f"on its timed duty on the patrol line {name} until {until}"
        if self.under_way:
            return f"on its timed duty at the must-patrol point {name} until {until}"
        if self.line:
            return f"due on the patrol line {name} at {at}"
        return f"due at the must-patrol point {name} at {at}"


# Drones see but cannot act: they never count as the officers an incident needs.
OBSERVER_KINDS = frozenset({"drone"})


@dataclass(frozen=True)
class UnitFacts:
    id: int
    call_sign: str
    kind: str
    seats: int
    status: str
    lon: float | None
    lat: float | None
    home_lon: float
    home_lat: float
    crew: int = 0  # officers rostered in the unit now (0 = unknown: count its seats)
    load: int = 0  # incidents it took recently
    position_age_s: float | None = None  # how old its last position fix is (None: unknown)
    # The licence class the vehicle needs when its rostered crew holds none that allows it
    # (a car crewed by two officers without a C2): it cannot move, however near it stands.
    no_driver: str | None = None
    duty: DutyHold | None = None  # a timed duty a call now would make it late for, or take it off


@dataclass(frozen=True)
class Option:
    unit_id: int
    call_sign: str
    kind: str
    eta_s: float
    distance_m: float
    from_home: bool  # no live position: estimated from its post or home point
    capable: bool
    meets_target: bool
    score: float
    reasons: tuple[str, ...]
    held: bool = False  # due at, or on, a timed duty (DutyHold)


@dataclass(frozen=True)
class Ranking:
    options: tuple[Option, ...]
    target_s: float
    shortfall: str | None  # said plainly when no unit can make the target
    unavailable: tuple[str, ...] = ()  # call signs that are busy or off duty

    @property
    def best(self) -> Option | None:
        return self.options[0] if self.options else None


def _minutes(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s"


def rank_units(
    lon: float, lat: float, units: Iterable[UnitFacts], *, local_hour: int,
    required_officers: int = 2, target_s: float = DEFAULT_TARGET_S, place: str = "",
    target_limit_s: float | None = None,
) -> Ranking:
    """Units able to respond, best first: capable units before incapable ones, those that make
    the target before those that do not, among those that make it free units before units held
    by a timed duty, then by the estimated arrival plus penalties for a returning state, recent
    load and (past the target) a timed duty (see the module's docstring)."""
    options: list[Option] = []
    unavailable: list[str] = []
    undriven = 0  # free units held back only because nobody in the crew may drive them
    for u in units:
        if u.status not in READY_STATES:
            unavailable.append(u.call_sign)
            continue
        from_home = u.lon is None or u.lat is None
        ulon, ulat = (u.home_lon, u.home_lat) if from_home else (u.lon, u.lat)
        dist = distance_m(ulon, ulat, lon, lat)  # type: ignore[arg-type]
        eta = travel_seconds(dist, u.kind, local_hour)
        officers = 0 if u.kind in OBSERVER_KINDS else (u.crew or u.seats)
        capable = officers >= required_officers and u.no_driver is None
        reasons: list[str] = [f"{dist / 1000:.1f} km, about {_minutes(eta)}"]
        if from_home:
            reasons.append("no live position: from its post")
        elif u.position_age_s is not None and u.position_age_s > STALE_POSITION_S:
            # Still the best guess, but the duty officer must know the unit may have moved on.
            reasons.append(f"last position {_minutes(u.position_age_s)} old")
        if u.kind in OBSERVER_KINDS:
            reasons.append("observes only, sends no officers")
        elif officers < required_officers:
            reasons.append(f"{officers} officer(s), {required_officers} needed")
        if u.no_driver is not None:
            reasons.append(f"nobody in the crew holds a licence for it ({u.no_driver} needed)")
            undriven += officers >= required_officers
        if u.status == "returning":
            reasons.append("returning from an incident")
        if u.load:
            reasons.append(f"{u.load} recent incident(s)")
        if u.duty is not None:
            # Written out, never hidden: the duty officer may still send it, knowing.
            reasons.append(u.duty.reason())
        score = eta + READY_STATES[u.status] + min(MAX_LOAD_PENALTY_S, LOAD_PENALTY_S * u.load) \
            + (DUTY_PENALTY_S if u.duty is not None else 0.0)
        options.append(Option(u.id, u.call_sign, u.kind, eta, dist, from_home, capable,
                              eta <= target_s, score, tuple(reasons), u.duty is not None))
    # A unit that makes the target goes before one that does not, whatever their loads or
    # duties: the 1-3-5 target is what the station is judged by. Among those that make it, one
    # held by a timed duty goes after the free ones: any of them keeps the target, and only
    # they keep the duty too. Spreading the work comes last.
    options.sort(key=lambda o: (not o.capable, not o.meets_target, o.held and o.meets_target,
                                o.score, o.call_sign))
    shortfall = None
    where = f" {place}" if place else ""
    if not options:
        shortfall = f"No unit is available for{where or ' this incident'}: every unit is busy or off duty."
    elif not any(o.meets_target and o.capable for o in options):
        fastest = min((o for o in options if o.capable), key=lambda o: o.eta_s, default=None)
        if fastest is None and undriven:
            shortfall = (f"No available unit has the {required_officers} officers and a driver "
                         f"licensed for it; send several or call reinforcement.")
        elif fastest is None:
            shortfall = (f"No available unit has the {required_officers} officers needed; "
                         f"send several or call reinforcement.")
        else:
            within = _minutes(target_s)
            if target_limit_s is not None and target_limit_s != target_s:
                # Part of the target is already used up: say both, so nobody misreads it.
                within = f"the {_minutes(target_limit_s)} target ({within} left)"
            shortfall = (f"No unit can reach{where} within {within}: the fastest, "
                         f"{fastest.call_sign}, needs about {_minutes(fastest.eta_s)}.")
    return Ranking(tuple(options), target_s, shortfall, tuple(unavailable))
