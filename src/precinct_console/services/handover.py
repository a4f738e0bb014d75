"""Shift handover (交接班): what the outgoing duty officer hands over, signed by both sides."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..domain.clock import local
from ..domain.errors import ValidationError
from ..domain.figures import percent
from ..domain.lifecycle import STATUS_LABELS_ZH
from ..domain.response import TimerState, evaluate
from ..storage.models import (
    Alert,
    Dispatch,
    DutyCheck,
    HandoverReport,
    Incident,
    IncidentEvent,
    Task,
    Unit,
    User,
)
from .alerts import ORDERED_LATE, duty_check_text, duty_ordered_late, duty_there_by
from .context import ServiceContext, service_action
from .duty_alerts import ARRIVE_TARGET, duty_keeping_counts
from .incidents.profile import profile_in
from .incidents.views import category_names, facts_of, load_rows
from .ledgers.lookups import TASK_STATUS_ZH
from .units import orders_in_force, timed_duties

SIDES = ("outgoing", "incoming")


@dataclass(frozen=True)
class HandoverView:
    id: int
    shift_start: datetime
    shift_end: datetime
    created_at: datetime
    content: dict[str, Any]
    notes: str
    outgoing_by: str
    outgoing_signed_at: datetime | None
    incoming_by: str
    incoming_signed_at: datetime | None
    version: int

    @property
    def complete(self) -> bool:
        return self.outgoing_signed_at is not None and self.incoming_signed_at is not None


def _view(session, r: HandoverReport) -> HandoverView:  # type: ignore[no-untyped-def]
    def name(uid: int | None) -> str:
        u = session.get(User, uid) if uid else None
        return u.display_name if u else ""

    return HandoverView(r.id, r.shift_start, r.shift_end, r.created_at, dict(r.content), r.notes,
                        name(r.outgoing_user_id), r.outgoing_signed_at, name(r.incoming_user_id),
                        r.incoming_signed_at, r.version)


def _hm(dt: datetime | None) -> str:
    return local(dt).strftime("%m-%d %H:%M") if dt else ""


def _content(ctx: ServiceContext, s, start: datetime, end: datetime) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    station = ctx.station_id
    # A running shift's report (compiled before its end) counts breaches and overdue tasks as
    # they stand now: at the shift's end they would be hours of overrun that have not happened.
    as_of = min(end, ctx.clock())
    names = category_names(s)
    profile = profile_in(s, station)
    received = list(s.scalars(select(Incident).where(
        Incident.station_id == station, Incident.received_at >= start, Incident.received_at < end,
    ).order_by(Incident.received_at)))
    by_category = Counter(names.get(i.category_code, ("", "?"))[1] for i in received)
    open_rows = load_rows(s, [Incident.station_id == station, Incident.received_at < end,
                              (Incident.closed_at.is_(None)) | (Incident.closed_at >= end)],
                          order_newest=False)
    cleared = _cleared_units(s, [r.id for r in open_rows if not r.units])
    # A call taken just before the shift began can run out of its time on this shift (received
    # 08:28:30, due on scene 08:31:30, handover 08:30): that breach is this shift's, and the report
    # before it, compiled as of its end, could not list it. Each breach is the shift's it fell in.
    taken_before = list(s.scalars(select(Incident).where(
        Incident.station_id == station, Incident.received_at < start,
        Incident.received_at >= start - timedelta(seconds=profile.longest_seconds()),
    ).order_by(Incident.received_at)))
    breaches = []
    for inc in [*taken_before, *received]:
        for t in evaluate(profile, facts_of(inc), as_of):
            if t.state is TimerState.BREACHED and t.due_at is not None and t.due_at >= start:
                breaches.append({"number": inc.number, "target": t.label_zh,
                                 "over_s": int(-(t.remaining_s or 0)), "address": inc.address})
    unacked = s.scalar(select(Alert.id).where(
        Alert.station_id == station, Alert.acknowledged_at.is_(None), Alert.raised_at < end,
    ).limit(1)) is not None
    tasks = list(s.scalars(select(Task).where(
        Task.station_id == station, Task.status.in_(("sent", "signed", "returned")),
        Task.created_at < end,
    ).order_by(Task.feedback_due_at)))
    notable: list[dict[str, str]] = []
    for inc in received:
        why = []
        if inc.priority == 1:
            why.append("一级警情")
        if inc.repeat_caller or inc.repeat_place or inc.repeat_matter:
            why.append("重复警情")
        if inc.people_arrested:
            why.append(f"抓获{inc.people_arrested}人")
        if inc.people_injured:
            why.append(f"受伤{inc.people_injured}人")
        if why:
            notable.append({"number": inc.number, "time": _hm(inc.received_at),
                            "category": names.get(inc.category_code, ("", ""))[0],
                            "address": inc.address, "why": "、".join(why)})
    for ev, number in s.execute(
        select(IncidentEvent, Incident.number).join(Incident, Incident.id == IncidentEvent.incident_id)
        .where(IncidentEvent.station_id == station, IncidentEvent.kind.in_(("reopened", "correction")),
               IncidentEvent.recorded_at >= start, IncidentEvent.recorded_at < end)
    ):
        notable.append({"number": number, "time": _hm(ev.recorded_at), "category": "",
                        "address": "", "why": ("重开：" if ev.kind == "reopened" else "更正：")
                        + str(ev.payload.get("reason", ""))})
    # Timed duties the shift did not keep (a unit away from the school gate once under way),
    # with when a crew that turned up late did. One ordered once under way was due when the
    # crew could be there after the order (the breach's leave_by), and says so.
    missed = [{"unit": sign, "duty": a.subject, "due": _hm(duty_there_by(a)),
               "acknowledged": a.acknowledged_at is not None,
               "off": "，".join(t for t in (
                   ORDERED_LATE if duty_ordered_late(a) else "",
                   duty_check_text(off, verdict, seen_at, duty_there_by(a), source)) if t)}
              for a, sign, off, verdict, seen_at, source in s.execute(
                  select(Alert, Unit.call_sign, DutyCheck.distance_m, DutyCheck.verdict,
                         DutyCheck.seen_at, DutyCheck.source)
                  .join(Unit, Unit.id == Alert.unit_id)
                  .outerjoin(DutyCheck, (DutyCheck.unit_id == Alert.unit_id)
                             & (DutyCheck.due_at == Alert.due_at)).where(
                      Alert.station_id == station, Alert.target == ARRIVE_TARGET,
                      Alert.raised_at >= start, Alert.raised_at < end)
                  .order_by(Alert.due_at, Unit.call_sign))]
    # Every stretch of a timed duty a live position judged, kept or not: the duty-keeping rate.
    kept, late, away = duty_keeping_counts(s, (station,), start, end)
    # The deployment the incoming officer takes over: the accepted patrol plans in force as
    # the shift changes, with each unit's timed duties (定时守点), as they stood then: a report
    # compiled after a re-plan is still the handover's.
    in_force = orders_in_force(s, station, end, known_at=end)
    duties = timed_duties(in_force)
    deployment = sorted(({"unit": a["call_sign"], "point": _ordered_point(a),
                          "duties": duties.get(uid, "")} for uid, (_plan, a) in in_force.items()),
                        key=lambda d: d["unit"])
    return {
        "station_id": station,
        "received": len(received),
        "deployment": deployment,
        "closed": sum(1 for i in received if i.closed_at is not None and i.closed_at < end),
        "by_category": dict(by_category.most_common()),
        "open_incidents": [
            {"number": r.number, "time": _hm(r.received_at), "category": r.category_name,
             "address": r.address, "status": STATUS_LABELS_ZH.get(r.status, r.status),
             # Waiting for feedback, nobody is on it any more: say who went.
             "units": "、".join(r.units) or ("、".join(cleared[r.id]) + "（已收队）" if r.id in cleared else "")}
            for r in open_rows
        ],
        "breaches": breaches,
        "duties_missed": missed,
        "duties_checked": {"kept": kept, "late": late, "away": away},
        "unacknowledged_alerts": unacked,
        "pending_tasks": [
            {"number": t.number, "title": t.title, "status": t.status,
             "due": _hm(t.feedback_due_at if t.status != "sent" else t.sign_due_at),
             "overdue": (t.feedback_due_at if t.status != "sent" else t.sign_due_at) < as_of}
            for t in tasks
        ],
        "notable": notable,
    }


def _ordered_point(order: dict[str, Any]) -> str:
    """The unit's point as ordered: "北关支行门前（补位，原火车站警务站）" after a move-up."""
    if order.get("moved_from"):
        return f"{order['point_name']}（补位，原{order['moved_from']}）"
    return str(order["point_name"])


def _cleared_units(s, incident_ids: list[int]) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    """Call signs of the units sent to each incident, in the order they were sent."""
    sent: dict[int, list[str]] = {}
    if incident_ids:
        for incident_id, call_sign in s.execute(
            select(Dispatch.incident_id, Unit.call_sign).join(Unit, Unit.id == Dispatch.unit_id)
            .where(Dispatch.incident_id.in_(incident_ids)).order_by(Dispatch.dispatched_at)
        ):
            if call_sign not in sent.setdefault(incident_id, []):
                sent[incident_id].append(call_sign)
    return sent


@service_action("handover.create")
def build_handover(ctx: ServiceContext, shift_start: datetime, shift_end: datetime,
                   *, notes: str = "") -> HandoverView:
    """Compile (or refresh, while nobody has signed) the handover report of a shift."""
    if shift_start.tzinfo is None or shift_end.tzinfo is None:
        raise ValidationError("must carry a time zone", field="shift_start")
    if shift_end <= shift_start:
        raise ValidationError("must be after the shift start", field="shift_end")
    if (shift_end - shift_start).total_seconds() > 36 * 3600:
        raise ValidationError("a shift lasts at most 36 hours", field="shift_end")
    with ctx.uow() as uow:
        s = uow.session
        content = _content(ctx, s, shift_start, shift_end)
        existing = s.scalar(select(HandoverReport).where(
            HandoverReport.station_id == ctx.station_id, HandoverReport.shift_start == shift_start,
            HandoverReport.shift_end == shift_end,
        ))
        if existing is not None:
            if existing.outgoing_signed_at is not None:
                raise ValidationError("this shift's handover is already signed; it can no longer "
                                      "be rebuilt", field="shift_start")
            report = uow.update("handover.create", "handover", existing, content=content,
                                created_at=uow.now, notes=notes or existing.notes)
        else:
            report = uow.add("handover.create", "handover", HandoverReport(
                station_id=ctx.station_id, shift_start=shift_start, shift_end=shift_end,
                created_at=uow.now, content=content, notes=notes,
            ))
        uow.commit()
        return _view(s, report)


@service_action("handover.sign")
def sign_handover(ctx: ServiceContext, report_id: int, side: str = "outgoing", *,
                  notes: str | None = None, expected_version: int | None = None) -> HandoverView:
    """The outgoing duty officer signs first, then a different officer signs as incoming."""
    if side not in SIDES:
        raise ValidationError(f"'{side}' is not a side (outgoing or incoming)", field="side")
    with ctx.uow() as uow:
        report = uow.get(HandoverReport, report_id, expected_version=expected_version)
        values: dict[str, Any] = {}
        if notes is not None:
            values["notes"] = notes.strip()
        if side == "outgoing":
            if report.outgoing_signed_at is not None:
                raise ValidationError("the outgoing officer has already signed", field="side")
            values.update(outgoing_user_id=ctx.actor.user_id, outgoing_signed_at=uow.now)
        else:
            if report.outgoing_signed_at is None:
                raise ValidationError("the outgoing officer signs first", field="side")
            if report.incoming_signed_at is not None:
                raise ValidationError("the incoming officer has already signed", field="side")
            if report.outgoing_user_id == ctx.actor.user_id:
                raise ValidationError("the incoming officer must be someone else than the outgoing one",
                                      field="side")
            values.update(incoming_user_id=ctx.actor.user_id, incoming_signed_at=uow.now)
        uow.update("handover.sign", "handover", report, **values)
        uow.commit()
        return _view(uow.session, report)


@service_action("read")
def list_handovers(ctx: ServiceContext, limit: int = 30) -> list[HandoverView]:
    with ctx.read() as s:
        reports = s.scalars(select(HandoverReport).where(HandoverReport.station_id == ctx.station_id)
                            .order_by(HandoverReport.shift_start.desc()).limit(limit))
        return [_view(s, r) for r in reports]


def duty_keeping(c: dict[str, Any]) -> str:
    """The shift's duty-keeping rate as one line ("定时守点核验 12 次：按时到岗 10，迟到 1，
    未到岗 1，按时到岗率 83.3%"); empty where no stretch was judged, or in a report compiled
    before it was kept. Reports compiled before late arrivals were told apart count them as
    not kept (未到岗), as they were then."""
    checked = c.get("duties_checked") or {}
    kept, late, away = (int(checked.get(k, 0)) for k in ("kept", "late", "away"))
    judged = kept + late + away
    if judged == 0:
        return ""
    return (f"定时守点核验 {judged} 次：按时到岗 {kept}，迟到 {late}，未到岗 {away}，"
            f"按时到岗率 {percent(kept / judged)}（无实时定位且未点名核实的不计）")


def handover_text(v: HandoverView) -> str:
    """The report as printable plain text (交接班报告)."""
    c = v.content
    lines = [f"交接班报告  {_hm(v.shift_start)} — {_hm(v.shift_end)}",
             f"本班接警 {c.get('received', 0)} 起，已归档 {c.get('closed', 0)} 起"]
    if c.get("by_category"):
        lines.append("类别：" + "，".join(f"{k} {n}" for k, n in c["by_category"].items()))
    lines.append(f"\n未结警情（{len(c.get('open_incidents', []))}）")
    lines += [f"  {o['number']} {o['time']} {o['category']} {o['address']} [{o['status']}] {o['units']}"
              for o in c.get("open_incidents", [])]
    lines.append(f"\n超时（{len(c.get('breaches', []))}）")
    lines += [f"  {b['number']} {b['target']} 超时 {b['over_s'] // 60}分{b['over_s'] % 60:02d}秒 {b['address']}"
              for b in c.get("breaches", [])]
    lines.append(f"\n待办指令（{len(c.get('pending_tasks', []))}）")
    lines += [f"  {t['number']} {t['title']} {TASK_STATUS_ZH.get(t['status'], t['status'])} "
              f"截止 {t['due']}{' 已超时' if t['overdue'] else ''}"
              for t in c.get("pending_tasks", [])]
    lines.append(f"\n重要情况（{len(c.get('notable', []))}）")
    lines += [f"  {n['number']} {n['time']} {n['category']} {n['address']} {n['why']}".rstrip()
              for n in c.get("notable", [])]
    if "duties_missed" in c:  # reports compiled before duty alerts have none
        lines.append(f"\n定时守点未按时到岗（{len(c['duties_missed'])}）")
        if rate := duty_keeping(c):
            lines.append("  " + rate)
        lines += [f"  {m['unit']} {m['duty']} 应于 {m['due']} 到岗"
                  + (f"（{m['off']}）" if m.get("off") else "") for m in c["duties_missed"]]
    if "deployment" in c:
        lines.append(f"\n接班巡逻部署（{len(c['deployment'])}）")
        lines += [f"  {d['unit']} → {d['point']}" + (f"  定时守点：{d['duties']}" if d["duties"] else "")
                  for d in c["deployment"]] or ["  无已采纳的巡逻布警方案"]
    if v.notes:
        lines += ["\n备注", "  " + v.notes]
    lines += ["", f"交班人：{v.outgoing_by or '（未签）'} {_hm(v.outgoing_signed_at)}",
              f"接班人：{v.incoming_by or '（未签）'} {_hm(v.incoming_signed_at)}"]
    return "\n".join(lines)
