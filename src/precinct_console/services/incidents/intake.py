"""Taking an incident in: validation, per-day numbering, grid and place tier, repeat flags."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...domain import categories
from ...domain.categories import CHANNEL_SHORT, CHANNELS, CategoryDef
from ...domain.clock import local, shown
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
    Station,
)
from ...storage.uow import UnitOfWork
from ..context import ServiceContext, service_action
from ..geometry import locate_grid

# PlaceResolver moved to .reference; steps.py (amend) still takes it from here.
from .reference import PlaceResolver as PlaceResolver
from .reference import StationReference, station_reference
from .views import (
    IncidentRow,
    IncidentView,
    RepeatMatch,
    RepeatWarning,
    category_names,
    row_of,
    view_of,
)


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
# Bounds that keep intake time flat in a surge; a station's normal day stays far below them.
# Each kind of repeat has its own bound, so a busy category can never crowd out the one
# earlier call from the same phone.
MAX_PER_KIND = 50
MAX_ADDRESS_SCAN = 3000  # distinct addresses compared after normalising
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
    number: str = ""  # the incident's number in the ledger, kept (else numbered on import)


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
    if v in CHANNEL_SHORT:
        return CHANNEL_SHORT[v]
    options = ", ".join(f"{k} ({zh})" for k, (zh, _en) in CHANNELS.items())
    raise ValidationError(f"'{value}' is not a channel (one of: {options})", field="channel")


def resolve_category(session: Session, value: str) -> Category:
    """A category by code, by a name unique in the tree or by path ('纠纷/家庭纠纷', '刑事>其他')."""
    v = (value or "").strip()
    cat = session.get(Category, v) if v else None
    if cat is not None:
        return cat
    found = session.get(Category, categories.lookup(v, category_tree(session)).code)
    assert found is not None
    return found


def category_tree(session: Session) -> tuple[CategoryDef, ...]:
    """The database's category tree (a station's own, not only the shipped one), read once per
    session: an import of a thousand rows by name reads it once, and a new session reads afresh."""
    tree = session.info.get(_TREE_KEY)
    if tree is None:
        tree = session.info[_TREE_KEY] = tuple(
            CategoryDef(r.code, r.parent_code, r.level, r.name_zh, r.name_en, r.default_priority,
                        r.needs_reinforcement)
            for r in session.execute(select(
                Category.code, Category.parent_code, Category.level, Category.name_zh,
                Category.name_en, Category.default_priority, Category.needs_reinforcement)
                .order_by(Category.code)))
    return tree


_TREE_KEY = "precinct_category_tree"


def categories_in(ctx: ServiceContext) -> tuple[CategoryDef, ...]:
    """The category tree intake searches: the database's, with a station's own categories."""
    with ctx.read() as s:
        return category_tree(s)


@dataclass(frozen=True)
class _CategoryRef:
    """A category as intake needs it, with its names and its family (codes under its top level)."""

    code: str
    default_priority: int
    needs_reinforcement: bool
    full_name: str  # 纠纷/家庭纠纷
    top_name: str
    family: tuple[str, ...]


def _category_ref(session: Session, value: str) -> _CategoryRef:
    """resolve_category, plus the names the view shows and the codes a same-matter look-up
    compares, in one read of the code's top-level family (a few rows). Read fresh every time:
    categories carry no version, and a renamed or re-prioritised one must show at once."""
    v = (value or "").strip()
    if not v:
        raise ValidationError("is required", field="category_code")

    def family(code: str) -> dict[str, Any]:
        return {r.code: r for r in session.execute(
            select(Category.code, Category.name_zh, Category.default_priority,
                   Category.needs_reinforcement)
            .where(Category.code.startswith(code[:2], autoescape=True)))}

    rows = family(v) if len(v) >= 2 else {}
    if v not in rows:
        v = categories.lookup(v, category_tree(session)).code
        rows = family(v)
    cat = rows[v]
    parts = [rows[v[:i]].name_zh for i in range(2, len(v) + 1, 2) if v[:i] in rows]
    top = rows.get(v[:2])
    return _CategoryRef(v, cat.default_priority, cat.needs_reinforcement,
                        "/".join(parts) or cat.name_zh, top.name_zh if top else cat.name_zh,
                        tuple(rows))


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
    return _clean_ref(ctx, session, d, now, row=row)[0]


def _clean_ref(ctx: ServiceContext, session: Session, d: IncidentDraft, now: datetime,
               *, row: int | None = None) -> tuple[_Clean, _CategoryRef]:
    try:
        return _clean(ctx, session, d, now)
    except ValidationError as exc:
        if row is None:
            raise
        raise ValidationError(exc.bare_message, field=exc.field, row=row) from None


# Beyond this from the station, a place outside every grid is a mistyped coordinate (a digit
# off moves it ~100 km), not a call of this jurisdiction: a neighbour's would be transferred.
FAR_KM = 50.0


def _near_the_station(session: Session, station_id: int, lon: float, lat: float) -> None:
    home = session.execute(select(Station.lon, Station.lat).where(Station.id == station_id)).first()
    if home is None or home.lon is None or home.lat is None:
        return  # a station without a position yet: nothing to measure against
    km = distance_m(home.lon, home.lat, lon, lat) / 1000
    if km > FAR_KM:
        raise ValidationError(
            f"the place ({lon:.5f}, {lat:.5f}) is {km:.0f} km from the station and in none of "
            "its grids; check the coordinates", field="lon")


def _clean(ctx: ServiceContext, session: Session, d: IncidentDraft, now: datetime
           ) -> tuple[_Clean, _CategoryRef]:
    channel = resolve_channel(d.channel)
    cat = _category_ref(session, d.category_code)
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
        owner = session.scalar(select(Grid.station_id).where(Grid.id == grid_id))
        if owner is None or owner != ctx.station_id:
            raise ValidationError(f"grid {grid_id} does not exist in this station", field="grid_id")
    elif lon is not None and lat is not None:
        grid_id = locate_grid(ctx, lon, lat, session=session)
        if grid_id is None:
            _near_the_station(session, ctx.station_id, lon, lat)
    received = d.received_at or now
    if received.tzinfo is None:
        raise ValidationError("must carry a time zone", field="received_at")
    if (received - now).total_seconds() > 60:  # a minute's grace for clock skew between seats
        raise ValidationError(f"{shown(received)} is in the future",
                              field="received_at")
    reinf = cat.needs_reinforcement if d.needs_reinforcement is None else bool(d.needs_reinforcement)
    return _Clean(channel, cat.code, address, caller_name, phone, content, priority, lon, lat,
                  grid_id, received, reinf), cat


# -- numbering ------------------------------------------------------------------------------
_counter_statements: dict[bool, Any] = {}


def next_number(uow: UnitOfWork, station_id: int, received_at: datetime) -> str:
    """'20261120-0007': the station's 7th incident received that (China-time) day.

    One atomic upsert: on PostgreSQL the counter row stays locked until the transaction ends,
    so two seats numbering at once get consecutive numbers; SQLite serialises writers anyway.
    """
    day = local(received_at).strftime("%Y%m%d")
    stmt = _counter_statements.get(uow.db.is_sqlite)
    if stmt is None:  # built once per dialect: building it costs more than running it
        insert = sqlite.insert if uow.db.is_sqlite else postgresql.insert
        stmt = _counter_statements[uow.db.is_sqlite] = (
            insert(IncidentCounter)
            .values(station_id=bindparam("station"), day=bindparam("day"), last=1)
            .on_conflict_do_update(
                index_elements=[IncidentCounter.station_id, IncidentCounter.day],
                set_={"last": IncidentCounter.last + 1},
            )
            .returning(IncidentCounter.last)
        )
    seq = uow.session.execute(stmt, {"station": station_id, "day": day}).scalar_one()
    return f"{day}-{seq:04d}"


# -- repeats --------------------------------------------------------------------------------
_FACT_COLUMNS = (Incident.id, Incident.received_at, Incident.category_code, Incident.caller_phone,
                 Incident.address, Incident.lon, Incident.lat, Incident.content)
# Statements by shape (which kinds of repeat a call can show), built once: building a compound
# SELECT costs more Python time than the database takes to answer it.
_statements: dict[tuple[str, bool, bool, bool], Any] = {}


def _statement(kind: str, caller: bool = False, place: bool = False, address: bool = False) -> Any:
    key = (kind, caller, place, address)
    stmt = _statements.get(key)
    if stmt is not None:
        return stmt
    base = [Incident.station_id == bindparam("station"), Incident.received_at <= bindparam("now"),
            Incident.id != bindparam("exclude")]
    if kind == "addresses":
        # The newest rows of the window first (the time index), then their distinct addresses:
        # the subquery's ORDER BY and LIMIT keep the database from walking an address index
        # through the station's whole history instead.
        where = [*base, Incident.received_at >= bindparam("place_since")]
        if address:  # narrowed by the head characters (CJK only: nothing to escape)
            where.append(Incident.address.like(bindparam("head")))
        recent = (select(Incident.address).where(*where).order_by(Incident.received_at.desc())
                  .limit(MAX_ADDRESS_SCAN).subquery())
        stmt = select(recent.c.address).distinct()
    else:
        def newest(since: str, *where: Any) -> Any:
            return (select(*_FACT_COLUMNS)
                    .where(*base, Incident.received_at >= bindparam(since), *where)
                    .order_by(Incident.received_at.desc()).limit(MAX_PER_KIND))

        parts = [newest("matter_since", Incident.category_code.in_(bindparam("codes", expanding=True)))]
        if caller:  # phones are stored normalised at intake
            parts.append(newest("caller_since", Incident.caller_phone == bindparam("phone")))
        if place:
            parts.append(newest("place_since", Incident.lon.between(bindparam("lon0"), bindparam("lon1")),
                                Incident.lat.between(bindparam("lat0"), bindparam("lat1"))))
        if address:
            parts.append(newest("place_since",
                                Incident.address.in_(bindparam("addresses", expanding=True))))
        # SQLite takes ORDER BY / LIMIT in a compound member only inside a subquery.
        if len(parts) == 1:
            stmt = parts[0]
        else:
            subs = [part.subquery() for part in parts]
            stmt = union_all(*[select(*sub.c) for sub in subs])
    _statements[key] = stmt
    return stmt


def _repeat_candidates(session: Session, station_id: int, c: _Clean, family: Sequence[str],
                       rules: RepeatRules, exclude: int | None = None) -> list[CallFacts]:
    """Earlier incidents that could be repeats: for each kind of repeat the newest few in its
    window, each found through its own index (station + phone, category or address, then
    time; the time index for a place), in one statement, so intake stays flat however busy
    the last days were (a surge of thousands an hour)."""
    t = c.received_at
    params: dict[str, Any] = {
        "station": station_id, "now": t, "exclude": -1 if exclude is None else exclude,
        "matter_since": t - timedelta(hours=rules.matter_window_h),
        "caller_since": t - timedelta(hours=rules.caller_window_h),
        "place_since": t - timedelta(hours=rules.place_window_h),
    }
    prefix = c.category_code[: rules.category_level * 2]
    # Exact codes rather than a prefix: each is one short range of the (station, category,
    # received) index, where a prefix would walk the category's whole history.
    params["codes"] = sorted(code for code in family if code.startswith(prefix)) or [c.category_code]
    caller = bool(c.caller_phone)
    params["phone"] = c.caller_phone
    place = c.lon is not None and c.lat is not None
    if c.lon is not None and c.lat is not None:
        dlat = rules.place_radius_m / 111_000 * 1.01
        dlon = dlat / max(0.01, math.cos(math.radians(c.lat)))
        params.update(lon0=c.lon - dlon, lon1=c.lon + dlon, lat0=c.lat - dlat, lat1=c.lat + dlat)
    same: list[str] = []
    key = normalise_address(c.address)
    if key:
        # Addresses compare normalised, which SQL cannot do: the distinct addresses of the
        # window are read, narrowed by the first run of Chinese characters (the road or
        # compound name, wherever it starts: "3号院东门" too), which normalising leaves alone
        # (only a space typed inside those three would hide a match); the ones that normalise
        # alike are then looked up by the address index.
        head = _CJK_HEAD.search(key)
        if head is not None:
            params["head"] = f"%{head.group(0)[:3]}%"
        same = [a for a in session.scalars(_statement("addresses", address=head is not None), params)
                if normalise_address(a) == key][:900]
    params["addresses"] = same
    stmt = _statement("facts", caller, place, bool(same))
    seen: set[int] = set()
    out: list[CallFacts] = []
    for r in session.execute(stmt, params):
        if r.id not in seen:
            seen.add(r.id)
            out.append(CallFacts(r.received_at, r.category_code, r.caller_phone, r.address,
                                 r.lon, r.lat, r.content, r.id))
    # Newest first, as find_repeats ranks ties.
    out.sort(key=lambda f: f.received_at, reverse=True)
    return out


def _facts(c: _Clean) -> CallFacts:
    return CallFacts(c.received_at, c.category_code, c.caller_phone, c.address, c.lon, c.lat,
                     c.content)


@service_action("read")
def check_repeats(ctx: ServiceContext, draft: IncidentDraft) -> RepeatWarning:
    """Earlier incidents the draft repeats (same caller, place or matter), newest first."""
    now = ctx.clock()
    with ctx.read() as s:
        c, cat = _clean_ref(ctx, s, draft, now)
        rules = station_reference(s, ctx.station_id).rules
        found = find_repeats(_facts(c), _repeat_candidates(s, ctx.station_id, c, cat.family, rules),
                             rules)
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


def _write(uow: UnitOfWork, ctx: ServiceContext, c: _Clean, cat: _CategoryRef,
           ref: StationReference, *, imported: bool = False, number: str = "") -> Incident:
    rules, places = ref.rules, ref.places
    found = find_repeats(_facts(c), _repeat_candidates(uow.session, ctx.station_id, c, cat.family,
                                                       rules), rules)
    number = number or next_number(uow, ctx.station_id, c.received_at)
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
        c, cat = _clean_ref(ctx, uow.session, draft, uow.now)
        if link_to is not None:
            return _link_call(uow, link_to, c)
        ref = station_reference(uow.session, ctx.station_id)
        inc = _write(uow, ctx, c, cat, ref)
        grid_code, grid_name = ref.grid_label(uow.session, inc.grid_id)
        change = uow.commit()
        # A new incident has no units and no linked calls yet: the view needs no further reads.
        row = row_of(inc, grid_code, grid_name, {cat.code: (cat.full_name, cat.top_name)}, [], 0)
        return IncidentView(**{f: getattr(row, f) for f in IncidentRow.__dataclass_fields__},
                            change=change)


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
def import_incidents(ctx: ServiceContext, records: Sequence[ImportRecord], *,
                     unread: Sequence[ValidationError] = ()) -> ImportResult:
    """All rows or none: every row is checked first and every problem listed with its row.
    unread: the rows a file's reader could not read, listed with the rest in row order."""
    if not records:
        if unread:
            raise unread[0] if len(unread) == 1 else ValidationErrors(list(unread))
        raise ValidationError("the file holds no incidents", field="file")
    with ctx.uow() as uow:
        now = uow.now
        problems: list[ValidationError] = []
        cleaned: list[tuple[ImportRecord, _Clean, _CategoryRef]] = []
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
                c, cat = _clean_ref(ctx, uow.session, draft, now, row=rec.row)
                _check_history(rec, c, now)
                cleaned.append((rec, c, cat))
            except ValidationError as exc:
                problems.append(exc)
        problems += _number_problems(uow.session, ctx.station_id, records)
        problems += unread
        if problems:
            problems.sort(key=lambda p: p.row or 0)
            raise problems[0] if len(problems) == 1 else ValidationErrors(problems)
        ref = station_reference(uow.session, ctx.station_id)
        numbers: list[str] = []
        repeats = 0
        # In call order, so a row is compared with the rows before it as well as the database.
        for rec, c, cat in sorted(cleaned, key=lambda rc: (rc[1].received_at, rc[0].row)):
            number = rec.number
            if number:
                _keep_counter_ahead(uow, ctx.station_id, number)
            inc = _write(uow, ctx, c, cat, ref, imported=True, number=number)
            repeats += inc.repeat_caller or inc.repeat_place or inc.repeat_matter
            if rec.history:
                _apply_history(uow, inc, rec)
            numbers.append(inc.number)
        uow.commit()
        return ImportResult(len(numbers), tuple(numbers), repeats)


def _number_problems(session: Session, station_id: int, records: Sequence[ImportRecord]
                     ) -> list[ValidationError]:
    """Kept numbers must be new to the station and to the file (a number names one incident)."""
    given = [r for r in records if r.number]
    if not given:
        return []
    taken = set(session.scalars(select(Incident.number).where(
        Incident.station_id == station_id, Incident.number.in_({r.number for r in given}))))
    problems: list[ValidationError] = []
    seen: dict[str, int] = {}
    for r in given:
        if len(r.number) > 32:
            problems.append(ValidationError(f"'{r.number[:32]}...' is too long for an incident "
                                            "number (32 characters at most)", field="number", row=r.row))
        elif r.number in taken:
            problems.append(ValidationError(f"incident {r.number} is already in this station "
                                            "(was the file imported before?)", field="number", row=r.row))
        elif r.number in seen:
            problems.append(ValidationError(f"incident {r.number} is also on row {seen[r.number]}",
                                            field="number", row=r.row))
        seen.setdefault(r.number, r.row)
    return problems


_OWN_NUMBER = re.compile(r"^(\d{8})-(\d{4,})$")  # next_number's form, 20261120-0007


def _keep_counter_ahead(uow: UnitOfWork, station_id: int, number: str) -> None:
    """A kept number in the console's own form moves that day's counter past it, so the next
    call taken in that day is not given the same number."""
    m = _OWN_NUMBER.match(number)
    if m is None:
        return
    insert = sqlite.insert if uow.db.is_sqlite else postgresql.insert
    stmt = insert(IncidentCounter).values(station_id=station_id, day=m.group(1), last=int(m.group(2)))
    # One upsert like next_number's, so the counter row is never held stale in the session.
    uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[IncidentCounter.station_id, IncidentCounter.day],
        set_={"last": case((IncidentCounter.last < stmt.excluded.last, stmt.excluded.last),
                           else_=IncidentCounter.last)},
    ))


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

