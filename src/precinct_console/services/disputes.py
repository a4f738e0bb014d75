"""The dispute register (矛盾纠纷排查化解): parties, grade and risk, mediation, notes, revisits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.clock import local
from ..domain.deadlines import revisit_due
from ..domain.errors import NotFound, ValidationError
from ..domain.task_rules import (
    GRADES,
    RESOLVED_CHECK_DAYS,
    check_grade,
    check_risk,
    grade_from_incident,
)
from ..storage.models import Category, Dispute, DisputeNote, Grid, Incident, Officer, Task
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action
from .task_views import TaskRow, _grid_and_below, _row_query, _rows
from .tasks import grid_recipient

STATUSES = ("open", "mediating", "resolved")
NOTE_KINDS = ("progress", "mediation", "revisit", "feedback", "resolved", "reopened")
PARTY_ROLES = ("申请人", "被申请人", "当事人")
_NUMBER_LOCK = 0x44495350  # "DISP"


@dataclass(frozen=True)
class Party:
    name: str
    role: str = "当事人"
    phone: str = ""


@dataclass(frozen=True)
class DisputeInfo:
    id: int
    number: str
    title: str
    content: str
    occurred_at: datetime
    grid_id: int | None
    grid_name: str
    address: str
    parties: tuple[Party, ...]
    kind: str
    grade: str
    risk: str
    source: str
    responsible_unit: str
    responsible_officer_id: int | None
    responsible_officer_name: str
    mediation_method: str
    status: str
    next_revisit_at: datetime | None
    incident_ids: tuple[int, ...]
    resolved_at: datetime | None
    version: int
    lon: float | None  # where the map shows it: the linked incident, else the grid's centre
    lat: float | None


@dataclass(frozen=True)
class DisputeNoteInfo:
    at: datetime
    kind: str
    text: str
    username: str


@dataclass(frozen=True)
class DisputeDetail:
    info: DisputeInfo
    notes: tuple[DisputeNoteInfo, ...]
    tasks: tuple[TaskRow, ...]
    incident_numbers: tuple[str, ...]


# -- helpers -----------------------------------------------------------------------------------
def _parties(raw: list[Any]) -> list[dict[str, str]]:
    out = []
    for i, p in enumerate(raw, start=1):
        if isinstance(p, Party):
            p = {"name": p.name, "role": p.role, "phone": p.phone}
        if not isinstance(p, dict):
            raise ValidationError("must be a name, role and phone", field="parties", row=i)
        name = str(p.get("name", "")).strip()
        role = str(p.get("role", "当事人")).strip() or "当事人"
        if not name:
            raise ValidationError("the party needs a name", field="parties", row=i)
        if role not in PARTY_ROLES:
            raise ValidationError(f"role '{role}' is not one of {' / '.join(PARTY_ROLES)}",
                                  field="parties", row=i)
        out.append({"name": name, "role": role, "phone": str(p.get("phone", "")).strip()})
    if not out:
        raise ValidationError("name at least one party", field="parties")
    return out


def _infos(s: Session, disputes: list[Dispute]) -> list[DisputeInfo]:
    grid_ids = {d.grid_id for d in disputes if d.grid_id}
    grids = {g.id: g for g in s.scalars(select(Grid).where(Grid.id.in_(grid_ids)))} if grid_ids else {}
    officer_ids = {d.responsible_officer_id for d in disputes if d.responsible_officer_id}
    officers = dict(s.execute(select(Officer.id, Officer.name).where(
        Officer.id.in_(officer_ids))).all()) if officer_ids else {}
    inc_ids = {d.incident_id for d in disputes if d.incident_id}
    places = {r[0]: (r[1], r[2]) for r in s.execute(select(Incident.id, Incident.lon, Incident.lat)
                                                     .where(Incident.id.in_(inc_ids)))} if inc_ids else {}
    out = []
    for d in disputes:
        g = grids.get(d.grid_id) if d.grid_id else None
        lon, lat = places.get(d.incident_id, (None, None)) if d.incident_id else (None, None)
        if lon is None and g is not None:
            lon, lat = g.centroid_lon, g.centroid_lat
        out.append(DisputeInfo(
            d.id, d.number, d.title, d.content, d.occurred_at, d.grid_id, g.name if g else "",
            d.address, tuple(Party(p["name"], p.get("role", "当事人"), p.get("phone", ""))
                             for p in d.parties or []),
            d.kind, d.grade, d.risk, d.source, d.responsible_unit, d.responsible_officer_id,
            officers.get(d.responsible_officer_id, "") if d.responsible_officer_id else "",
            d.mediation_method, d.status, d.next_revisit_at, tuple(d.incident_ids or ()),
            d.resolved_at, d.version, lon, lat))
    return out


def _next_number(uow: UnitOfWork, station_id: int) -> str:
    uow.lock_station(_NUMBER_LOCK, station_id)
    prefix = "JF" + local(uow.now).strftime("%Y%m%d")
    last = uow.session.scalar(select(func.max(Dispute.number)).where(
        Dispute.station_id == station_id, Dispute.number.like(prefix + "%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:03d}"


def _note(uow: UnitOfWork, d: Dispute, kind: str, body: str) -> None:
    uow.add("dispute.note", "dispute_note", DisputeNote(
        station_id=d.station_id, dispute_id=d.id, at=uow.now, user_id=uow.actor.user_id,
        kind=kind, text=body))


# -- writes ------------------------------------------------------------------------------------
@service_action("dispute.edit")
def register_dispute(
    ctx: ServiceContext,
    title: str,
    *,
    parties: list[Any],
    kind: str,
    grade: str = "C",
    risk: str | None = None,
    occurred_at: datetime | None = None,
    content: str = "",
    address: str = "",
    grid_id: int | None = None,
    source: str = "排查发现",
    mediation_method: str = "",
    responsible_unit: str = "",
    responsible_officer_id: int | None = None,
    incident_id: int | None = None,
) -> DisputeInfo:
    """Register a dispute; it is revisited on its grade's schedule until resolved."""
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError("must be 1-200 characters", field="title")
    if not kind.strip():
        raise ValidationError("say what kind of dispute this is", field="kind")
    g = check_grade(grade)
    risk = check_risk(risk or g.default_risk)
    clean_parties = _parties(parties)
    with ctx.uow() as uow:
        now = uow.now
        when = occurred_at or now
        if when.tzinfo is None:
            raise ValidationError("needs a time zone", field="occurred_at")
        if when > now:
            raise ValidationError("lies in the future", field="occurred_at")
        if grid_id is not None and uow.session.get(Grid, grid_id) is None:
            raise ValidationError(f"grid {grid_id} does not exist", field="grid")
        if incident_id is not None:
            uow.get(Incident, incident_id)
        officer = responsible_officer_id or grid_recipient(uow.session, grid_id)
        d = uow.add("dispute.register", "dispute", Dispute(
            station_id=ctx.station_id, number=_next_number(uow, ctx.station_id), title=title,
            content=content.strip(), occurred_at=when, grid_id=grid_id, address=address.strip(),
            parties=clean_parties, kind=kind.strip(), grade=g.code, risk=risk, source=source,
            responsible_unit=responsible_unit, responsible_officer_id=officer,
            mediation_method=mediation_method, status="open",
            next_revisit_at=revisit_due(now, g.revisit_days), incident_id=incident_id,
            incident_ids=[incident_id] if incident_id else []))
        uow.commit()
        return _infos(uow.session, [d])[0]


@service_action("dispute.edit")
def register_from_incident(ctx: ServiceContext, incident_id: int,
                           grade: str | None = None) -> DisputeInfo:
    """A dispute incident enters the register in one action: parties, place and grid carried over."""
    with ctx.read() as s:
        inc = s.get(Incident, incident_id)
        if inc is None or inc.station_id != ctx.station_id:
            raise NotFound(f"incident {incident_id} does not exist")
        already = s.scalar(select(Dispute.number).where(Dispute.incident_id == incident_id))
        if already:
            raise ValidationError(f"incident {inc.number} is already in the register as {already}",
                                  field="incident")
        cat = s.get(Category, inc.category_code)
        kind = cat.name_zh if cat else inc.category_code
        parties = [{"name": inc.caller_name or "报警人", "role": "申请人", "phone": inc.caller_phone}]
        title = f"{kind}：{inc.address or inc.number}"[:200]
        content, occurred, address, grid = inc.content, inc.received_at, inc.address, inc.grid_id
        grade = grade or grade_from_incident(inc.category_code, inc.priority)
    return register_dispute(ctx, title, parties=parties, kind=kind, grade=grade, content=content,
                            occurred_at=occurred, address=address, grid_id=grid,
                            source="110警情", incident_id=incident_id)


@service_action("dispute.edit")
def add_note(ctx: ServiceContext, dispute_id: int, version: int | None, kind: str,
             body: str) -> DisputeInfo:
    """A progress note; a revisit note moves the next revisit on by the grade's interval."""
    if kind not in NOTE_KINDS[:4]:
        raise ValidationError(f"'{kind}' is not one of {', '.join(NOTE_KINDS[:4])}", field="kind")
    if not body.strip():
        raise ValidationError("write what happened", field="text")
    with ctx.uow() as uow:
        # Revisits and mediation move the schedule and status: those need the version seen.
        check = version if kind in ("revisit", "mediation") else None
        d = uow.get(Dispute, dispute_id, expected_version=check)
        values: dict[str, Any] = {}
        if kind == "revisit":
            if d.status == "resolved":
                values["next_revisit_at"] = None  # the check after resolution is done
            else:
                values["next_revisit_at"] = revisit_due(uow.now, GRADES[d.grade].revisit_days)
        if kind == "mediation" and d.status == "open":
            values["status"] = "mediating"
        _note(uow, d, kind, body.strip())
        if values:
            uow.update("dispute.note", "dispute", d, **values)
        else:
            # A plain note changes nothing two seats could fight over; the panel still refreshes.
            uow.changed("dispute", d.id)
        uow.commit()
        return _infos(uow.session, [d])[0]


@service_action("dispute.edit")
def update_dispute(ctx: ServiceContext, dispute_id: int, version: int, **changes: Any) -> DisputeInfo:
    """Change grade, risk, mediation method, responsibility or parties; a new grade reschedules."""
    allowed = {"title", "content", "kind", "grade", "risk", "mediation_method", "responsible_unit",
               "responsible_officer_id", "parties", "address", "grid_id", "source"}
    for key in changes:
        if key not in allowed:
            raise ValidationError("cannot be changed here", field=key)
    with ctx.uow() as uow:
        d = uow.get(Dispute, dispute_id, expected_version=version)
        values = dict(changes)
        if "grade" in values:
            g = check_grade(values["grade"])
            values["grade"] = g.code
            if d.status != "resolved":
                due = revisit_due(uow.now, g.revisit_days)
                # A worse grade brings the revisit forward; a milder one never pushes it back.
                if d.next_revisit_at is None or due < d.next_revisit_at:
                    values["next_revisit_at"] = due
        if "risk" in values:
            check_risk(values["risk"])
        if "parties" in values:
            values["parties"] = _parties(values["parties"])
        if "grid_id" in values and values["grid_id"] is not None \
                and uow.session.get(Grid, values["grid_id"]) is None:
            raise ValidationError(f"grid {values['grid_id']} does not exist", field="grid")
        uow.update("dispute.edit", "dispute", d, **values)
        uow.commit()
        return _infos(uow.session, [d])[0]


@service_action("dispute.edit")
def resolve_dispute(ctx: ServiceContext, dispute_id: int, version: int, outcome: str) -> DisputeInfo:
    """Resolved (化解): one more revisit after a week confirms it stays resolved."""
    if not outcome.strip():
        raise ValidationError("say how it was resolved", field="outcome")
    with ctx.uow() as uow:
        d = uow.get(Dispute, dispute_id, expected_version=version)
        if d.status == "resolved":
            raise ValidationError(f"dispute {d.number} is already resolved", field="status")
        uow.update("dispute.resolve", "dispute", d, status="resolved", resolved_at=uow.now,
                   next_revisit_at=revisit_due(uow.now, RESOLVED_CHECK_DAYS))
        _note(uow, d, "resolved", outcome.strip())
        uow.commit()
        return _infos(uow.session, [d])[0]


@service_action("dispute.edit")
def reopen_dispute(ctx: ServiceContext, dispute_id: int, version: int, reason: str) -> DisputeInfo:
    if not reason.strip():
        raise ValidationError("say why it is reopened", field="reason")
    with ctx.uow() as uow:
        d = uow.get(Dispute, dispute_id, expected_version=version)
        if d.status != "resolved":
            raise ValidationError(f"dispute {d.number} is not resolved", field="status")
        uow.update("dispute.reopen", "dispute", d, status="open", resolved_at=None,
                   next_revisit_at=revisit_due(uow.now, GRADES[d.grade].revisit_days))
        _note(uow, d, "reopened", reason.strip())
        uow.commit()
        return _infos(uow.session, [d])[0]


@service_action("dispute.edit")
def link_incident(ctx: ServiceContext, dispute_id: int, version: int, incident_id: int) -> DisputeInfo:
    """Another incident about the same dispute (the parties called again)."""
    with ctx.uow() as uow:
        d = uow.get(Dispute, dispute_id, expected_version=version)
        inc = uow.get(Incident, incident_id)
        ids = list(d.incident_ids or [])
        if inc.id in ids:
            raise ValidationError(f"incident {inc.number} is already linked", field="incident")
        uow.update("dispute.link", "dispute", d, incident_ids=[*ids, inc.id],
                   incident_id=d.incident_id or inc.id)
        uow.commit()
        return _infos(uow.session, [d])[0]


# -- reads -------------------------------------------------------------------------------------
@service_action("read")
def list_disputes(ctx: ServiceContext, *, include_resolved: bool = False) -> list[DisputeInfo]:
    with ctx.read() as s:
        q = select(Dispute).where(Dispute.station_id == ctx.station_id)
        if not include_resolved:
            q = q.where(Dispute.status != "resolved")
        return _infos(s, list(s.scalars(q.order_by(Dispute.grade, Dispute.next_revisit_at,
                                                   Dispute.id))))


@service_action("read")
def open_disputes(ctx: ServiceContext) -> list[DisputeInfo]:
    """Unresolved disputes with where to draw them, for the map's dispute layer."""
    return list_disputes(ctx)


@service_action("read")
def disputes_for_grid(ctx: ServiceContext, grid_id: int, *,
                      include_resolved: bool = False) -> list[DisputeInfo]:
    """Disputes in a grid and the grids below it, for the grid card."""
    with ctx.read() as s:
        ids = _grid_and_below(s, grid_id)
        q = select(Dispute).where(Dispute.station_id == ctx.station_id, Dispute.grid_id.in_(ids))
        if not include_resolved:
            q = q.where(Dispute.status != "resolved")
        return _infos(s, list(s.scalars(q.order_by(Dispute.grade, Dispute.id))))


@service_action("read")
def dispute_detail(ctx: ServiceContext, dispute_id: int) -> DisputeDetail:
    with ctx.read() as s:
        d = s.get(Dispute, dispute_id)
        if d is None or d.station_id != ctx.station_id:
            raise NotFound(f"dispute {dispute_id} does not exist")
        from ..storage.models import User

        notes = s.execute(select(DisputeNote, User.username).outerjoin(
            User, User.id == DisputeNote.user_id).where(DisputeNote.dispute_id == dispute_id)
            .order_by(DisputeNote.at, DisputeNote.id)).all()
        tasks = tuple(_rows(s.execute(_row_query().where(Task.dispute_id == dispute_id)
                                      .order_by(Task.id))))
        numbers = tuple(s.scalars(select(Incident.number).where(
            Incident.id.in_(list(d.incident_ids or []))).order_by(Incident.received_at)))
        return DisputeDetail(_infos(s, [d])[0],
                             tuple(DisputeNoteInfo(n.at, n.kind, n.text, u or "") for n, u in notes),
                             tasks, numbers)
