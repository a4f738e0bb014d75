"""Plain, frozen result rows of the incident services (what the board, map and ledgers show)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.changes import Change
from ...domain.lifecycle import STATUS_LABELS_ZH, STEP_LABELS_ZH
from ...domain.recommend import Option
from ...domain.response import IncidentFacts
from ...storage.models import Category, Dispatch, Grid, Incident, IncidentEvent, Unit


def facts_of(inc: Any) -> IncidentFacts:
    """Timer facts of anything carrying the incident's step columns (a row or a stored incident)."""
    return IncidentFacts(
        received_at=inc.received_at, category_code=inc.category_code, priority=inc.priority,
        place_tier=inc.place_tier or "other", needs_reinforcement=inc.needs_reinforcement,
        milestones={
            "dispatched": inc.dispatched_at, "signed": inc.signed_at, "set_off": inc.set_off_at,
            "arrived": inc.arrived_at, "reinforcement_arrived": inc.reinforcement_arrived_at,
            "handled": inc.handled_at, "fed_back": inc.fed_back_at,
        },
        handled_at=inc.handled_at, closed_at=inc.closed_at,
        first_handled_at=inc.first_handled_at, first_fed_back_at=inc.first_fed_back_at,
        first_closed_at=inc.first_closed_at,
    )


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident as the board shows it, with the step times its timers need."""

    id: int
    number: str
    received_at: datetime
    channel: str
    category_code: str
    category_name: str  # full path, e.g. 纠纷/家庭纠纷/家庭暴力
    category_top: str  # top level, e.g. 纠纷
    address: str
    lon: float | None
    lat: float | None
    grid_id: int | None
    grid_code: str
    grid_name: str
    status: str
    status_label: str
    priority: int
    caller_name: str
    caller_phone: str
    content: str
    units: tuple[str, ...]  # call signs of the units on it (not yet cleared)
    unit_ids: tuple[int, ...]
    repeat_caller: bool
    repeat_place: bool
    repeat_matter: bool
    linked_calls: int  # duplicate calls linked to it
    needs_reinforcement: bool
    place_tier: str
    dispatched_at: datetime | None
    signed_at: datetime | None
    set_off_at: datetime | None
    arrived_at: datetime | None
    reinforcement_arrived_at: datetime | None
    handled_at: datetime | None
    fed_back_at: datetime | None
    closed_at: datetime | None
    version: int
    first_handled_at: datetime | None = None  # set through a reopening (timers end there)
    first_fed_back_at: datetime | None = None
    first_closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def repeat_flags(self) -> str:
        """'人地事' style marks: 人 same caller, 地 same place, 事 same matter."""
        return "".join(m for m, on in (("人", self.repeat_caller), ("地", self.repeat_place),
                                         ("事", self.repeat_matter)) if on)

    def facts(self) -> IncidentFacts:
        """What the response timers of this row depend on (domain.response.evaluate)."""
        return facts_of(self)


@dataclass(frozen=True, slots=True)
class IncidentView(IncidentRow):
    """The incident after a write, with the change to announce (AppContext.announce)."""

    change: Change = field(default_factory=Change)


@dataclass(frozen=True)
class EventView:
    id: int
    kind: str
    label: str
    at: datetime
    recorded_at: datetime
    username: str
    workstation: str
    unit_id: int | None
    unit_call_sign: str
    corrects_event_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class DispatchView:
    id: int
    unit_id: int
    call_sign: str
    kind: str
    role: str
    dispatched_at: datetime
    signed_at: datetime | None
    set_off_at: datetime | None
    arrived_at: datetime | None
    cleared_at: datetime | None
    version: int


@dataclass(frozen=True)
class IncidentDetail:
    row: IncidentRow
    events: tuple[EventView, ...]  # append-only history, oldest first, corrections included
    dispatches: tuple[DispatchView, ...]
    linked_to_number: str = ""


@dataclass(frozen=True)
class RepeatMatch:
    """One earlier incident the new call repeats, as the intake warning lists it."""

    incident_id: int
    number: str
    received_at: datetime
    category_name: str
    address: str
    caller_phone: str
    status: str
    kinds: frozenset[str]  # caller | place | matter
    distance_m: float | None
    similarity: float | None


@dataclass(frozen=True)
class RepeatWarning:
    matches: tuple[RepeatMatch, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.matches)

    @property
    def caller(self) -> tuple[RepeatMatch, ...]:
        return tuple(m for m in self.matches if "caller" in m.kinds)

    @property
    def place(self) -> tuple[RepeatMatch, ...]:
        return tuple(m for m in self.matches if "place" in m.kinds)

    @property
    def matter(self) -> tuple[RepeatMatch, ...]:
        return tuple(m for m in self.matches if "matter" in m.kinds)

    @property
    def open_matches(self) -> tuple[RepeatMatch, ...]:
        """Matches still open: the ones a duplicate call can be linked to."""
        return tuple(m for m in self.matches if m.status != "closed")


@dataclass(frozen=True)
class Recommendation:
    incident_id: int
    options: tuple[Option, ...]
    target_s: float
    shortfall: str | None
    unavailable: tuple[str, ...] = ()
    located: bool = True  # False: the incident has no coordinates nor grid to measure from
    due_at: datetime | None = None  # when the target runs out: the pane counts down to it

    @property
    def best(self) -> Option | None:
        return self.options[0] if self.options else None


# -- building rows --------------------------------------------------------------------------
_ROW_COLUMNS = (
    Incident, Grid.code, Grid.name,
)


# Categories carry no version column, and every board row needs their names: the tree is read
# each time (code and name only, a few hundred rows at most) and the names built again only
# when what was read differs, so an edit shows at once and a read costs well under a millisecond.
_names_cache: dict[str, tuple[tuple[tuple[str, str], ...], dict[str, tuple[str, str]]]] = {}
_names_lock = threading.Lock()


def category_names(session: Session) -> dict[str, tuple[str, str]]:
    """code -> (full Chinese path, top-level name), from the database's own tree."""
    raw = tuple((c, n) for c, n in session.execute(
        select(Category.code, Category.name_zh).order_by(Category.code)))
    key = str(session.get_bind().engine.url)
    with _names_lock:
        hit = _names_cache.get(key)
    if hit is not None and hit[0] == raw:
        return hit[1]
    names = _names_from(dict(raw))
    with _names_lock:
        _names_cache[key] = (raw, names)
    return names


def _names_from(cats: dict[str, str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for code, name in cats.items():
        parts = [cats[code[:i]] for i in range(2, len(code) + 1, 2) if code[:i] in cats]
        out[code] = ("/".join(parts) or name, cats.get(code[:2], name))
    return out


def load_rows(session: Session, where: Sequence[Any], *, order_newest: bool = True,
              limit: int | None = None, scan: bool = False) -> list[IncidentRow]:
    """Rows for the incidents matching `where`, with grid, category and units filled in.

    scan=True (a text search) orders by an expression no index serves: the database then reads
    the table once in storage order and sorts the few matches, instead of walking an index and
    fetching each of a million rows at random (SQLite: 7 s against 0.3 s on a million rows).
    """
    q = select(*_ROW_COLUMNS).outerjoin(Grid, Grid.id == Incident.grid_id).where(*where)
    if limit is not None:
        key: Any = (func.coalesce(Incident.received_at, Incident.received_at) if scan
                    else Incident.received_at)
        # Newest first straight from the (station, received) index, stopping at the limit.
        q = q.order_by(key.desc() if order_newest else key, Incident.id.desc()).limit(limit)
    found = [(r[0], r[1], r[2]) for r in session.execute(q)]
    if limit is None:
        # Sorted here: an ORDER BY would tempt SQLite to walk the station's whole history in
        # time order instead of picking the few open rows from the (station, closed) index.
        found.sort(key=lambda r: (r[0].received_at, r[0].id), reverse=order_newest)
    return build_rows(session, found)


def build_rows(session: Session, found: Iterable[tuple[Incident, str | None, str | None]]) -> list[IncidentRow]:
    found = list(found)
    if not found:
        return []
    names = category_names(session)
    ids = [inc.id for inc, _c, _n in found]
    units: dict[int, list[tuple[str, int]]] = {}
    linked: dict[int, int] = {}
    for chunk in _chunks(ids, 900):  # SQLite caps bound parameters per statement
        for inc_id, sign, uid, cleared, closed in session.execute(
            select(Dispatch.incident_id, Unit.call_sign, Unit.id, Dispatch.cleared_at,
                   Incident.closed_at)
            .join(Unit, Unit.id == Dispatch.unit_id)
            .join(Incident, Incident.id == Dispatch.incident_id)
            .where(Dispatch.incident_id.in_(chunk))
            .order_by(Dispatch.id)
        ):
            # An open incident lists who is still on it; a closed one lists everyone sent.
            if cleared is None or closed is not None:
                units.setdefault(inc_id, []).append((sign, uid))
        for inc_id, in session.execute(
            select(IncidentEvent.incident_id)
            .where(IncidentEvent.incident_id.in_(chunk), IncidentEvent.kind == "linked_call")
        ):
            linked[inc_id] = linked.get(inc_id, 0) + 1
    return [row_of(inc, gcode, gname, names, units.get(inc.id, []), linked.get(inc.id, 0))
            for inc, gcode, gname in found]


def row_of(inc: Incident, grid_code: str | None, grid_name: str | None,
           names: dict[str, tuple[str, str]], units: list[tuple[str, int]], linked: int) -> IncidentRow:
    full, top = names.get(inc.category_code, (inc.category_code, inc.category_code))
    return IncidentRow(
        id=inc.id, number=inc.number, received_at=inc.received_at, channel=inc.channel,
        category_code=inc.category_code, category_name=full, category_top=top,
        address=inc.address, lon=inc.lon, lat=inc.lat, grid_id=inc.grid_id,
        grid_code=grid_code or "", grid_name=grid_name or "", status=inc.status,
        status_label=STATUS_LABELS_ZH.get(inc.status, inc.status), priority=inc.priority,
        caller_name=inc.caller_name, caller_phone=inc.caller_phone, content=inc.content,
        units=tuple(dict.fromkeys(s for s, _ in units)),
        unit_ids=tuple(dict.fromkeys(u for _, u in units)),
        repeat_caller=inc.repeat_caller, repeat_place=inc.repeat_place,
        repeat_matter=inc.repeat_matter, linked_calls=linked,
        needs_reinforcement=inc.needs_reinforcement, place_tier=inc.place_tier,
        dispatched_at=inc.dispatched_at, signed_at=inc.signed_at, set_off_at=inc.set_off_at,
        arrived_at=inc.arrived_at, reinforcement_arrived_at=inc.reinforcement_arrived_at,
        handled_at=inc.handled_at, fed_back_at=inc.fed_back_at, closed_at=inc.closed_at,
        version=inc.version, first_handled_at=inc.first_handled_at,
        first_fed_back_at=inc.first_fed_back_at, first_closed_at=inc.first_closed_at,
    )


def view_of(session: Session, inc: Incident, change: Change) -> IncidentView:
    grid = session.get(Grid, inc.grid_id) if inc.grid_id else None
    row = build_rows(session, [(inc, grid.code if grid else None, grid.name if grid else None)])[0]
    values = {f: getattr(row, f) for f in IncidentRow.__dataclass_fields__}
    return IncidentView(**values, change=change)


def event_view(e: IncidentEvent, call_signs: dict[int, str]) -> EventView:
    return EventView(
        e.id, e.kind, STEP_LABELS_ZH.get(e.kind, e.kind), e.at, e.recorded_at, e.username,
        e.workstation, e.unit_id, call_signs.get(e.unit_id or 0, ""), e.corrects_event_id,
        dict(e.payload or {}),
    )


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i: i + size]
