"""Taking an incident in: validation, per-day numbering, grid and place tier, repeat flags."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...domain.categories import CHANNELS
from ...domain.clock import local
from ...domain.errors import NotFound, ValidationError, ValidationErrors
from ...domain.lifecycle import EventFact, check_step_time, project
from ...domain.repeats import (
    CallFacts,
    RepeatRules,
    find_repeats,
    normalise_address,
    normalise_phone,
)
from ...domain.travel import distance_m
from ...storage.models import (
    Category,
    Grid,
    Incident,
    IncidentCounter,
    IncidentEvent,
    KeySite,
    PatrolZone,
)
from ...storage.uow import UnitOfWork
from ..context import ServiceContext, service_action
from ..geometry import locate_grid
from .profile import profile_in, repeat_rules_in
from .views import IncidentView, RepeatMatch, RepeatWarning, category_names, view_of


@dataclass(frozen=True)
class IncidentDraft:
    """An incident as the call-taker (or an import row) gives it."""

    channel: str
    category_code: str
    address: str
    caller_name: str = ""
    caller_phone: str = ""
    content: str = ""
    priority: int | None = None
    lon: float | None = None
    lat: float | None = None
    grid_id: int | None = None
    received_at: datetime | None = None
    needs_reinforcement: bool | None = None


MAX_WARNING = 50  # earlier incidents listed in a repeat warning
# Bounds that keep intake time flat in a surge; a station's normal day stays far below both.
MAX_CANDIDATES = 250
MAX_ADDRESS_SCAN = 3000
# Steps an imported ledger row may carry, in life-cycle order.
HISTORY_STEPS = ("dispatched", "signed", "set_off", "arrived", "handled", "fed_back", "closed")


@dataclass(frozen=True)
class ImportRecord:
    """One row of an incident-ledger file: the draft plus the step times already recorded."""

    row: int
    draft: IncidentDraft
    history: dict[str, datetime] = field(default_factory=dict)
    handling_summary: str = ""
    result: str = ""
    grid_code: str = ""  # the ledger names grids by code; resolved on import


@dataclass(frozen=True)
class ImportResult:
    count: int
    numbers: tuple[str, ...]
    repeats: int  # rows flagged as a repeat of an earlier incident


@dataclass(frozen=True)
class _Clean:
    channel: str
    category_code: str
    address: str
    caller_name: str
    caller_phone: str
    content: str
    priority: int
    lon: float | None
    lat: float | None
    grid_id: int | None
    received_at: datetime
    needs_reinforcement: bool


_PHONE_CHARS = re.compile(r"^[0-9+\-\s()（）]*$")
_CJK_HEAD = re.compile(r"[\u4e00-\u9fff]{2,}")


def resolve_channel(value: str) -> str:
    """A channel key from its key, Chinese or English label ('110', '110报警', 'Walk-in')."""
    v = (value or "").strip()
    if v in CHANNELS:
        return v
    for key, (zh, en) in CHANNELS.items():
        if v in (zh, en) or v.lower() == en.lower():
            return key
    options = ", ".join(f"{k} ({zh})" for k, (zh, _en) in CHANNELS.items())
    raise ValidationError(f"'{value}' is not a channel (one of: {options})", field="channel")


def resolve_category(session: Session, value: str) -> Category:
    """A category by code, by Chinese name or by full path ('纠纷/家庭纠纷')."""
    v = (value or "").strip()
    if not v:
        raise ValidationError("is required", field="category_code")
    cat = session.get(Category, v)
    if cat is not None:
        return cat
    name = v.rsplit("/", 1)[-1]
    matches = list(session.scalars(select(Category).where(Category.name_zh == name)))
    if len(matches) == 1:
        return matches[0]
    raise ValidationError(f"'{value}' is not a category code or name", field="category_code")


def _text(value: str | None, field_name: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError("is required", field=field_name)
    if len(text) > limit:
        raise ValidationError(f"is {len(text)} characters long; at most {limit}", field=field_name)
    return text


def _coordinate(value: float | None, field_name: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"'{value}' is not a number", field=field_name)
    if not low <= value <= high:
        raise ValidationError(f"{value} is outside {low}..{high}", field=field_name)
    return float(value)


def clean_draft(ctx: ServiceContext, session: Session, d: IncidentDraft, now: datetime,
                *, row: int | None = None) -> _Clean:
    """Every field checked; the first problem raises, naming the field (and the row)."""
    try:
        return _clean(ctx, session, d, now)
    except ValidationError as exc:
        if row is None:
            raise
        raise ValidationError(exc.bare_message, field=exc.field, row=row) from None


def _clean(ctx: ServiceContext, session: Session, d: IncidentDraft, now: datetime) -> _Clean:
    channel = resolve_channel(d.channel)
    cat = resolve_category(session, d.category_code)
    address = _text(d.address, "address", 200, required=True)
    caller_name = _text(d.caller_name, "caller_name", 60)
    raw_phone = _text(d.caller_phone, "caller_phone", 40)
    if raw_phone and not _PHONE_CHARS.match(raw_phone):
        raise ValidationError(f"'{raw_phone}' is not a phone number", field="caller_phone")
    phone = normalise_phone(raw_phone)
    if raw_phone and not 3 <= len(phone) <= 20:
        raise ValidationError(f"'{raw_phone}' is not a phone number", field="caller_phone")
    content = _text(d.content, "content", 4000)
    priority = cat.default_priority if d.priority is None else d.priority
    if isinstance(priority, bool) or not isinstance(priority, int) or priority not in (1, 2, 3):
        raise ValidationError(f"'{d.priority}' is not a priority (1 urgent, 2 normal, 3 routine)",
                              field="priority")
    lon = _coordinate(d.lon, "lon", -180.0, 180.0)
    lat = _coordinate(d.lat, "lat", -90.0, 90.0)
    if (lon is None) != (lat is None):
        raise ValidationError("give both longitude and latitude, or neither",
                              field="lat" if lat is None else "lon")
    grid_id = d.grid_id
    if grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None or grid.station_id != ctx.station_id:
            raise ValidationError(f"grid {grid_id} does not exist in this station", field="grid_id")
    elif lon is not None and lat is not None:
        grid_id = locate_grid(ctx, lon, lat)
    received = d.received_at or now
    if received.tzinfo is None:
        raise ValidationError("must carry a time zone", field="received_at")
    if (received - now).total_seconds() > 60:  # a minute's grace for clock skew between seats
        raise ValidationError(f"{received.isoformat(timespec='seconds')} is in the future",
                              field="received_at")
    reinf = cat.needs_reinforcement if d.needs_reinforcement is None else bool(d.needs_reinforcement)
    return _Clean(channel, cat.code, address, caller_name, phone, content, priority, lon, lat,
                  grid_id, received, reinf)


# -- numbering ------------------------------------------------------------------------------
def next_number(uow: UnitOfWork, station_id: int, received_at: datetime) -> str:
    """'20261120-0007': the station's 7th incident received that (China-time) day.

    One atomic upsert: on PostgreSQL the counter row stays locked until the transaction ends,
    so two seats numbering at once get consecutive numbers; SQLite serialises writers anyway.
    """
    day = local(received_at).strftime("%Y%m%d")
    insert = sqlite.insert if uow.db.is_sqlite else postgresql.insert
    stmt = (
        insert(IncidentCounter)
        .values(station_id=station_id, day=day, last=1)
        .on_conflict_do_update(
            index_elements=[IncidentCounter.station_id, IncidentCounter.day],
            set_={"last": IncidentCounter.last + 1},
        )
        .returning(IncidentCounter.last)
    )
    seq = uow.session.execute(stmt).scalar_one()
    return f"{day}-{seq:04d}"


# -- place tier -----------------------------------------------------------------------------
class PlaceResolver:
    """Key sites and key zones of a station, loaded once per intake or import."""

    def __init__(self, session: Session, station_id: int, radius_m: float):
        self.radius_m = radius_m
        self.sites = session.execute(
            select(KeySite.lon, KeySite.lat).where(KeySite.station_id == station_id)
        ).all()
        zones = session.scalars(
            select(PatrolZone.geometry).where(PatrolZone.station_id == station_id,
                                              PatrolZone.kind == "key_zone")
        ).all()
        self.zones = [shape(g) for g in zones]
        for z in self.zones:
            shapely.prepare(z)

    def tier(self, lon: float | None, lat: float | None) -> str:
        if lon is None or lat is None:
            return "other"
        if any(distance_m(lon, lat, s.lon, s.lat) <= self.radius_m for s in self.sites):
            return "key_site"
        point = shapely.points(lon, lat)
        if any(z.intersects(point) for z in self.zones):
            return "key_zone"
        return "other"


# -- repeats --------------------------------------------------------------------------------
def _repeat_candidates(session: Session, station_id: int, c: _Clean, rules: RepeatRules,
                       exclude: int | None = None) -> list[CallFacts]:
    """Earlier incidents that could be repeats, filtered in the database as far as it can, so
    intake stays fast however busy the last days were (a surge of hundreds an hour)."""
    def window(hours: float) -> Any:
        return Incident.received_at >= c.received_at - timedelta(hours=hours)

    base = [Incident.station_id == station_id, Incident.received_at <= c.received_at,
            window(max(rules.caller_window_h, rules.place_window_h, rules.matter_window_h))]
    if exclude is not None:
        base.append(Incident.id != exclude)
    prefix = c.category_code[: rules.category_level * 2]
    wanted: list[Any] = [and_(window(rules.matter_window_h),
                              Incident.category_code.startswith(prefix, autoescape=True))]
    if c.caller_phone:  # phones are stored normalised at intake
        wanted.append(and_(window(rules.caller_window_h), Incident.caller_phone == c.caller_phone))
    if c.lon is not None and c.lat is not None:
        dlat = rules.place_radius_m / 111_000 * 1.01
        dlon = dlat / max(0.01, math.cos(math.radians(c.lat)))
        wanted.append(and_(window(rules.place_window_h),
                           Incident.lon.between(c.lon - dlon, c.lon + dlon),
                           Incident.lat.between(c.lat - dlat, c.lat + dlat)))
    key = normalise_address(c.address)
    if key:
        # Addresses compare normalised, which SQL cannot do: only (id, address) is read here,
        # narrowed by its first Chinese characters (the road or compound name), which
        # normalising leaves alone (only a space typed inside those three would hide a match).
        head = _CJK_HEAD.match(key)
        narrow = ([Incident.address.contains(head.group(0)[:3], autoescape=True)]
                  if head is not None else [])
        same = [i for i, a in session.execute(
            select(Incident.id, Incident.address).where(*base, window(rules.place_window_h), *narrow)
            .order_by(Incident.received_at.desc()).limit(MAX_ADDRESS_SCAN)
        ) if normalise_address(a) == key]
        if same:
            wanted.append(Incident.id.in_(same[:900]))
    q = (
        select(Incident.id, Incident.received_at, Incident.category_code, Incident.caller_phone,
               Incident.address, Incident.lon, Incident.lat, Incident.content)
        .where(*base, or_(*wanted))
        .order_by(Incident.received_at.desc())
        # Any one match sets a flag; in a surge the newest few hundred decide as well as all.
        .limit(MAX_CANDIDATES)
    )
    return [CallFacts(r.received_at, r.category_code, r.caller_phone, r.address, r.lon, r.lat,
                      r.content, r.id) for r in session.execute(q)]


def _facts(c: _Clean) -> CallFacts:
    return CallFacts(c.received_at, c.category_code, c.caller_phone, c.address, c.lon, c.lat,
                     c.content)


@service_action("read")
def check_repeats(ctx: ServiceContext, draft: IncidentDraft) -> RepeatWarning:
    """Earlier incidents the draft repeats (same caller, place or matter), newest first."""
    now = ctx.clock()
    with ctx.read() as s:
        c = clean_draft(ctx, s, draft, now)
        rules = repeat_rules_in(s, ctx.station_id)
        found = find_repeats(_facts(c), _repeat_candidates(s, ctx.station_id, c, rules), rules)
        if not found.hits:
            return RepeatWarning()
        # The most telling ones are enough for the call-taker to decide.
        ids = [h.incident_id for h in found.hits if h.incident_id is not None][:MAX_WARNING]
        incs = {i.id: i for i in s.scalars(select(Incident).where(Incident.id.in_(ids)))}
        names = category_names(s)
        return RepeatWarning(tuple(
            RepeatMatch(
                inc.id, inc.number, inc.received_at, names.get(inc.category_code, ("", ""))[0],
                inc.address, inc.caller_phone, inc.status, h.kinds, h.distance_m, h.similarity,
            )
            for h in found.hits if (inc := incs.get(h.incident_id or 0)) is not None
        ))


# -- writing --------------------------------------------------------------------------------
def _event(uow: UnitOfWork, inc: Incident, kind: str, at: datetime, **payload: object) -> IncidentEvent:
    ev = IncidentEvent(
        station_id=inc.station_id, incident_id=inc.id, kind=kind, at=at, recorded_at=uow.now,
        user_id=uow.actor.user_id, username=uow.actor.username, workstation=uow.actor.workstation,
        payload={k: v for k, v in payload.items() if v not in (None, "")},
    )
    uow.session.add(ev)
    return ev


def _write(uow: UnitOfWork, ctx: ServiceContext, c: _Clean, places: PlaceResolver,
           rules: RepeatRules, *, imported: bool = False) -> Incident:
    found = find_repeats(_facts(c), _repeat_candidates(uow.session, ctx.station_id, c, rules), rules)
    number = next_number(uow, ctx.station_id, c.received_at)
    inc = uow.add("incident.create", "incident", Incident(
        station_id=ctx.station_id, number=number, channel=c.channel,
        category_code=c.category_code, priority=c.priority, status="received",
        caller_name=c.caller_name, caller_phone=c.caller_phone, address=c.address,
        lon=c.lon, lat=c.lat, grid_id=c.grid_id, content=c.content,
        needs_reinforcement=c.needs_reinforcement, place_tier=places.tier(c.lon, c.lat),
        received_at=c.received_at, call_taker_id=ctx.actor.user_id,
        repeat_caller=found.caller, repeat_place=found.place, repeat_matter=found.matter,
        # Same matter: tie it to the most telling earlier incident, so the history shows the chain.
        linked_to_id=next((h.incident_id for h in found.hits if "matter" in h.kinds), None),
    ))
    _event(uow, inc, "received", c.received_at, channel=c.channel, imported=imported or None,
           repeats=[h.incident_id for h in found.hits][:20] or None)
    return inc


@service_action("incident.create")
def intake_incident(ctx: ServiceContext, draft: IncidentDraft, *, link_to: int | None = None) -> IncidentView:
    """Open a new incident (numbered, located, flagged for repeats); with link_to, record the
    call as a duplicate on that open incident instead."""
    with ctx.uow() as uow:
        c = clean_draft(ctx, uow.session, draft, uow.now)
        if link_to is not None:
            return _link_call(uow, link_to, c)
        profile = profile_in(uow.session, ctx.station_id)
        places = PlaceResolver(uow.session, ctx.station_id, profile.key_site_radius_m)
        inc = _write(uow, ctx, c, places, repeat_rules_in(uow.session, ctx.station_id))
        change = uow.commit()
        return view_of(uow.session, inc, change)


def _link_call(uow: UnitOfWork, incident_id: int, c: _Clean) -> IncidentView:
    try:
        inc = uow.get(Incident, incident_id)
    except NotFound:
        raise ValidationError(f"incident {incident_id} does not exist", field="link_to") from None
    if inc.closed_at is not None:
        raise ValidationError(f"incident {inc.number} is closed; reopen it or take a new one",
                              field="link_to")
    ev = _event(uow, inc, "linked_call", c.received_at, channel=c.channel,
                caller_name=c.caller_name, caller_phone=c.caller_phone, content=c.content,
                address=c.address)
    uow.session.flush()
    uow.audit("incident.link_call", "incident", inc.id, None,
              {"event_id": ev.id, "caller_phone": c.caller_phone, "content": c.content})
    uow.changed("incident", inc.id)
    change = uow.commit()
    return view_of(uow.session, inc, change)


@service_action("incident.import")
def import_incidents(ctx: ServiceContext, records: Sequence[ImportRecord]) -> ImportResult:
    """All rows or none: every row is checked first and every problem listed with its row."""
    if not records:
        raise ValidationError("the file holds no incidents", field="file")
    with ctx.uow() as uow:
        now = uow.now
        problems: list[ValidationError] = []
        cleaned: list[tuple[ImportRecord, _Clean]] = []
        grids = dict(uow.session.execute(
            select(Grid.code, Grid.id).where(Grid.station_id == ctx.station_id)
        ).all()) if any(r.grid_code for r in records) else {}
        for rec in records:
            try:
                draft = rec.draft
                if rec.grid_code:
                    if rec.grid_code not in grids:
                        raise ValidationError(f"no grid has the code '{rec.grid_code}'",
                                              field="grid_code", row=rec.row)
                    draft = replace(draft, grid_id=grids[rec.grid_code])
                c = clean_draft(ctx, uow.session, draft, now, row=rec.row)
                _check_history(rec, c, now)
                cleaned.append((rec, c))
            except ValidationError as exc:
                problems.append(exc)
        if problems:
            raise problems[0] if len(problems) == 1 else ValidationErrors(problems)
        profile = profile_in(uow.session, ctx.station_id)
        places = PlaceResolver(uow.session, ctx.station_id, profile.key_site_radius_m)
        rules = repeat_rules_in(uow.session, ctx.station_id)
        numbers: list[str] = []
        repeats = 0
        # In call order, so a row is compared with the rows before it as well as the database.
        for rec, c in sorted(cleaned, key=lambda rc: (rc[1].received_at, rc[0].row)):
            inc = _write(uow, ctx, c, places, rules, imported=True)
            repeats += inc.repeat_caller or inc.repeat_place or inc.repeat_matter
            if rec.history:
                _apply_history(uow, inc, rec)
            numbers.append(inc.number)
        uow.commit()
        return ImportResult(len(numbers), tuple(numbers), repeats)


def _check_history(rec: ImportRecord, c: _Clean, now: datetime) -> None:
    previous, what = c.received_at, "the call time"
    for step in HISTORY_STEPS:
        at = rec.history.get(step)
        if at is None:
            continue
        try:
            check_step_time(at, not_before=previous, now=now, what=what)
        except ValidationError as exc:
            raise ValidationError(exc.bare_message, field=f"{step}_at", row=rec.row) from None
        previous, what = at, f"the {step} time"
    needs_unit = [s for s in ("signed", "set_off", "arrived") if s in rec.history]
    if needs_unit and "dispatched" not in rec.history and "set_off" not in rec.history:
        raise ValidationError("a unit time needs a dispatch or set-off time", field=f"{needs_unit[0]}_at",
                              row=rec.row)


def _apply_history(uow: UnitOfWork, inc: Incident, rec: ImportRecord) -> None:
    """Steps already recorded elsewhere become events stamped as imported, then the projection."""
    history = dict(rec.history)
    if "dispatched" not in history and "set_off" in history:
        history["dispatched"] = history["set_off"]  # ledgers often only keep the set-off time
    events = [EventFact(0, "received", inc.received_at)]
    for i, step in enumerate(HISTORY_STEPS, start=1):
        if step in history:
            _event(uow, inc, step, history[step], imported=True)
            events.append(EventFact(i, step, history[step]))
    cols = project(events).columns()
    cols.pop("received_at")
    uow.update("incident.import", "incident", inc, handling_summary=rec.handling_summary,
               result=rec.result, **cols)

