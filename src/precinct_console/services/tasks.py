"""Follow-up tasks (派单): create, sign, feed back, verify or return, escalate; automatic rules.

Every step is a TaskEvent plus an audit row in the same transaction; tasks are versioned, so a
seat acting on a task another seat changed gets a ConflictError naming who changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..domain.clock import local
from ..domain.deadlines import (
    SIGN_MINUTES,
    CountdownState,
    TaskTimes,
    feedback_due,
    sign_due,
    task_countdowns,
)
from ..domain.errors import NotFound, PermissionDenied, ValidationError
from ..domain.permissions import Role
from ..domain.task_fields import (
    LONGTEXT_MAX,
    REASON_MAX,
    TITLE_MAX,
    check_length,
    parse_fields,
    validate_feedback,
)
from ..domain.task_rules import IncidentFacts, RuleConfig, evaluate, is_dispute, split_keys
from ..storage.models import (
    Alert,
    Category,
    Dispute,
    Grid,
    GridPerson,
    Incident,
    Officer,
    Setting,
    Task,
    TaskEvent,
    TaskTemplate,
    User,
)
from ..storage.uow import UnitOfWork
from .context import ServiceContext, service_action
from .task_catalogue import (  # noqa: F401  (one import path for the catalogue too)
    TemplateInfo,
    find_template,
    get_template,
    list_templates,
    save_template,
)
from .task_views import (  # noqa: F401
    OPEN_STATUSES,
    WAITING_ON_OFFICER,
    GridChoice,
    IncidentChoice,
    RevisitItem,
    TaskDetail,
    TaskEventInfo,
    TaskRow,
    WorkList,
    daily_work_list,
    find_incident,
    last_reassigned_at,
    list_grids,
    list_officers,
    list_open_tasks,
    officer_for_user,
    task_detail,
    task_rows,
    tasks_for_grid,
)

RULES_SETTING = "followup_rules"
# Serialises numbering per station on PostgreSQL (SQLite writers are serialised already).
_NUMBER_LOCK = 0x5441534B  # "TASK"
# Two seats running the rules (or the overdue check) at once would both see "not fired yet".
_RULES_LOCK = 0x52554C45  # "RULE"
_OVERDUE_LOCK = 0x4F564552  # "OVER"
DEFAULT_INCIDENT_TEMPLATE = "HF-01"
DEFAULT_DISPUTE_TEMPLATE = "JF-01"


@dataclass(frozen=True)
class TaskRef:
    """What an action returns: the task's id, number, new state and version."""

    id: int
    number: str
    status: str
    version: int


@dataclass(frozen=True)
class RulesRun:
    created: tuple[TaskRef, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class EscalationRun:
    near_alerts: int
    breach_alerts: int
    escalated: tuple[str, ...]  # task numbers escalated to the station chief in this run
    changed_ids: tuple[int, ...] = ()  # tasks whose row changed (escalated), for the board


def _ref(t: Task) -> TaskRef:
    return TaskRef(t.id, t.number, t.status, t.version)


# -- routing -----------------------------------------------------------------------------------
def grid_recipient(session: Session, grid_id: int | None, role: str = "community_officer") -> int | None:
    """The officer responsible for a grid: the finest grid up its parents that names one."""
    seen = 0
    while grid_id is not None and seen < 6:
        # An officer taken off the roll would never sign: skip them (the parent grid's officer,
        # or unassigned, which the board counts, is better than a task nobody will see).
        officer = session.scalar(
            select(GridPerson.officer_id).join(Officer, Officer.id == GridPerson.officer_id)
            .where(GridPerson.grid_id == grid_id, GridPerson.role == role,
                   Officer.active.is_(True)).order_by(GridPerson.id).limit(1))
        if officer is not None:
            return officer
        grid_id = session.scalar(select(Grid.parent_id).where(Grid.id == grid_id))
        seen += 1
    return None


def _next_number(uow: UnitOfWork, station_id: int) -> str:
    uow.lock_station(_NUMBER_LOCK, station_id)
    prefix = "RW" + local(uow.now).strftime("%Y%m%d")
    last = uow.session.scalar(select(func.max(Task.number)).where(
        Task.station_id == station_id, Task.number.like(prefix + "%")))
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _assignee(uow: UnitOfWork, station_id: int, officer_id: int) -> Officer:
    """The officer a task is sent to by hand: of this station and still on the roll."""
    officer = uow.session.get(Officer, officer_id)
    if officer is None or officer.station_id != station_id:
        raise ValidationError(f"officer {officer_id} does not exist", field="assignee")
    if not officer.active:
        raise ValidationError(f"{officer.name} ({officer.badge}) is no longer on the roll",
                              field="assignee")
    return officer


def _event(uow: UnitOfWork, task: Task, kind: str, **payload: Any) -> None:
    a = uow.actor
    uow.session.add(TaskEvent(station_id=task.station_id, task_id=task.id, kind=kind, at=uow.now,
                              user_id=a.user_id, username=a.username, workstation=a.workstation,
                              payload=payload))


def new_task(
    uow: UnitOfWork,
    station_id: int,
    template: TaskTemplate,
    *,
    title: str,
    detail: str = "",
    grid_id: int | None = None,
    assignee_officer_id: int | None = None,
    incident_id: int | None = None,
    dispute_id: int | None = None,
    rule: str = "",
    rule_reason: str = "",
    rule_key: str = "",
) -> Task:
    """Insert a task in an open unit of work (shared by hand, from-incident, rules and disputes)."""
    title = title.strip()
    if not title or len(title) > TITLE_MAX:
        raise ValidationError("must be 1-200 characters", field="title")
    detail = check_length(detail, LONGTEXT_MAX, "detail")
    if not template.active:
        raise ValidationError(f"catalogue task '{template.code}' is retired", field="template")
    if grid_id is not None and uow.session.get(Grid, grid_id) is None:
        raise ValidationError(f"grid {grid_id} does not exist", field="grid")
    if assignee_officer_id is None:
        assignee_officer_id = grid_recipient(uow.session, grid_id, template.recipient_role)
    else:
        _assignee(uow, station_id, assignee_officer_id)
    now = uow.now
    task = uow.add("task.create", "task", Task(
        station_id=station_id, number=_next_number(uow, station_id), template_id=template.id,
        title=title, detail=detail, incident_id=incident_id, dispute_id=dispute_id,
        grid_id=grid_id, assignee_officer_id=assignee_officer_id, status="sent",
        created_at=now, created_by=uow.actor.user_id,
        sign_due_at=sign_due(now, template.sign_minutes),
        feedback_due_at=feedback_due(now, template.feedback_hours),
        rule=rule, rule_reason=rule_reason, rule_key=rule_key, feedback={},
    ))
    _event(uow, task, "sent", template=template.code, assignee=assignee_officer_id,
           rule=rule, unassigned=assignee_officer_id is None)
    return task


# -- creating ----------------------------------------------------------------------------------
@service_action("task.create")
def create_task(
    ctx: ServiceContext,
    template_code: str,
    title: str,
    *,
    detail: str = "",
    grid_id: int | None = None,
    assignee_officer_id: int | None = None,
    incident_id: int | None = None,
    dispute_id: int | None = None,
) -> TaskRef:
    """A task sent by hand; without an assignee it goes to the grid's community officer."""
    with ctx.uow() as uow:
        template = find_template(uow.session, ctx.station_id, template_code)
        if incident_id is not None:
            uow.get(Incident, incident_id)
        if dispute_id is not None:
            uow.get(Dispute, dispute_id)
        task = new_task(uow, ctx.station_id, template, title=title, detail=detail, grid_id=grid_id,
                        assignee_officer_id=assignee_officer_id, incident_id=incident_id,
                        dispute_id=dispute_id, rule="manual")
        uow.commit()
        return _ref(task)


@service_action("task.create")
def create_task_from_incident(
    ctx: ServiceContext, incident_id: int, template_code: str | None = None, *, detail: str = "",
) -> TaskRef:
    """One action: a follow-up for an incident, routed to its grid's community officer."""
    with ctx.uow() as uow:
        inc = uow.get(Incident, incident_id)
        code = template_code or (DEFAULT_DISPUTE_TEMPLATE if is_dispute(inc.category_code)
                                 else DEFAULT_INCIDENT_TEMPLATE)
        template = find_template(uow.session, ctx.station_id, code)
        cat = uow.session.get(Category, inc.category_code)
        title = f"{template.name}：{inc.number} {cat.name_zh if cat else inc.category_code}"
        # Typed details are held to the limit; the incident's own text is cut to fit instead.
        body = detail.strip() or f"{inc.address}\n{inc.content}".strip()[:LONGTEXT_MAX]
        task = new_task(uow, ctx.station_id, template, title=title[:200], detail=body,
                        grid_id=inc.grid_id, incident_id=inc.id, rule="from_incident",
                        rule_reason=f"由警情 {inc.number} 派单")
        uow.commit()
        return _ref(task)


# -- life cycle --------------------------------------------------------------------------------
def _load(uow: UnitOfWork, task_id: int, version: int, *allowed: str) -> Task:
    task = uow.get(Task, task_id, expected_version=version)
    if task.status not in allowed:
        raise ValidationError(
            f"task {task.number} is {task.status}; this step needs it {' or '.join(allowed)}",
            field="status")
    return task


def _check_own_task(uow: UnitOfWork, task: Task) -> None:
    """A community officer acts only on tasks sent to them; the command room acts on any."""
    if uow.actor.role is not Role.COMMUNITY_OFFICER:
        return
    mine = uow.session.scalar(select(User.officer_id).where(User.id == uow.actor.user_id))
    if mine is None or mine != task.assignee_officer_id:
        raise PermissionDenied(f"task {task.number} was not sent to {uow.actor.username}")


@service_action("task.act")
def sign_task(ctx: ServiceContext, task_id: int, version: int) -> TaskRef:
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, "sent")
        _check_own_task(uow, task)
        uow.update("task.sign", "task", task, status="signed", signed_at=uow.now)
        _event(uow, task, "signed", late=uow.now > task.sign_due_at)
        uow.commit()
        return _ref(task)


@service_action("task.act")
def feed_back_task(ctx: ServiceContext, task_id: int, version: int,
                   values: dict[str, Any]) -> TaskRef:
    """Feedback with the catalogue task's fields; the first bad field is named, nothing saved."""
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, "signed", "returned")
        _check_own_task(uow, task)
        template = uow.session.get(TaskTemplate, task.template_id) if task.template_id else None
        fields = parse_fields(template.fields) if template else ()
        clean = validate_feedback(fields, values, sent_on=local(task.created_at).date(),
                                  today=local(uow.now).date())
        uow.update("task.feed_back", "task", task, status="fed_back", fed_back_at=uow.now,
                   feedback=clean)
        _event(uow, task, "fed_back", late=uow.now > task.feedback_due_at, values=clean)
        uow.commit()
        return _ref(task)


@service_action("task.verify")
def verify_task(ctx: ServiceContext, task_id: int, version: int, note: str = "") -> TaskRef:
    """The command room accepts the feedback: the task is closed."""
    note = check_length(note, REASON_MAX, "note")
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, "fed_back")
        uow.update("task.verify", "task", task, status="closed", closed_at=uow.now)
        _event(uow, task, "verified", note=note)
        uow.commit()
        return _ref(task)


@service_action("task.verify")
def return_task(ctx: ServiceContext, task_id: int, version: int, reason: str) -> TaskRef:
    """Feedback not good enough: back to the officer with a reason and a fresh feedback window."""
    reason = check_length(reason, REASON_MAX, "reason")
    if not reason:
        raise ValidationError("say what must be redone", field="reason")
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, "fed_back")
        template = uow.session.get(TaskTemplate, task.template_id) if task.template_id else None
        hours = template.feedback_hours if template else 24
        uow.update("task.return", "task", task, status="returned", returned_at=uow.now,
                   feedback_due_at=feedback_due(uow.now, hours), escalated_at=None)
        _event(uow, task, "returned", reason=reason)
        uow.commit()
        return _ref(task)


@service_action("task.create")
def reassign_task(ctx: ServiceContext, task_id: int, version: int, officer_id: int) -> TaskRef:
    """Send the task afresh to another officer: waiting for their sign-off (待签收) again.

    The old officer's signing, feedback and escalation were theirs (the history keeps them);
    the new officer gets the catalogue task's full sign-off window from now. The feedback
    deadline belongs to the matter (3, 6, 9 or 24 h by its kind), so a handover does not
    extend it; only when it can no longer be met (past, or before the new sign-off is even
    due) does the new officer get a full feedback window from now, as a returned task does.
    """
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, *WAITING_ON_OFFICER)
        officer = _assignee(uow, task.station_id, officer_id)
        if officer.id == task.assignee_officer_id:
            # Nothing would change: refuse rather than record a handover that never happened.
            raise ValidationError(f"task {task.number} is already assigned to {officer.name} "
                                  f"({officer.badge})", field="assignee")
        template = uow.session.get(TaskTemplate, task.template_id) if task.template_id else None
        now = uow.now
        new_sign_due = sign_due(now, template.sign_minutes if template else SIGN_MINUTES)
        keep_feedback_due = task.feedback_due_at > new_sign_due
        new_feedback_due = task.feedback_due_at if keep_feedback_due else \
            feedback_due(now, template.feedback_hours if template else 24)
        before, was, was_escalated = task.assignee_officer_id, task.status, task.escalated_at
        previous = uow.session.get(Officer, before) if before is not None else None
        # Clearing escalated_at lets the new officer's own windows escalate if they run out
        # (return_task does the same for a rework window); the escalation stays in the history.
        # fed_back_at goes too: a returned task's old feedback must not count as the new one.
        uow.update("task.reassign", "task", task, assignee_officer_id=officer_id, status="sent",
                   sign_due_at=new_sign_due, feedback_due_at=new_feedback_due, signed_at=None,
                   fed_back_at=None, returned_at=None, escalated_at=None)
        # Names as they were then: the history reads "王建国 → 李明" even after a rename.
        _event(uow, task, "reassigned", before=before, after=officer_id, status=was,
               feedback_due_kept=keep_feedback_due, escalation_cleared=was_escalated is not None,
               from_name=previous.name if previous is not None else "", to_name=officer.name)
        uow.commit()
        return _ref(task)


def _chiefs(session: Session, station_id: int) -> list[str]:
    return list(session.scalars(select(User.username).where(
        User.station_id == station_id, User.role == Role.STATION_CHIEF.value,
        User.active.is_(True)).order_by(User.username)))


def _escalate(uow: UnitOfWork, task: Task, reason: str, deadline: str) -> None:
    chiefs = _chiefs(uow.session, task.station_id)
    uow.update("task.escalate", "task", task, escalated_at=uow.now)
    _event(uow, task, "escalated", to=chiefs, reason=reason, deadline=deadline)


@service_action("task.verify")
def escalate_task(ctx: ServiceContext, task_id: int, version: int, reason: str) -> TaskRef:
    """Escalate by hand to the station chief (overdue tasks are escalated by the job)."""
    reason = check_length(reason, REASON_MAX, "reason")
    if not reason:
        raise ValidationError("say why the chief must step in", field="reason")
    with ctx.uow() as uow:
        task = _load(uow, task_id, version, *WAITING_ON_OFFICER)
        _escalate(uow, task, reason, "manual")
        uow.commit()
        return _ref(task)


def _raise_alert(uow: UnitOfWork, task: Task, target: str, level: str,
                 since: datetime | None = None) -> bool:
    # The unique constraint cannot dedupe on PostgreSQL (incident_id is NULL), so look first.
    # Reassignment and return start windows afresh: only alerts raised since the running window
    # began (`since`) count, or the old officer's alert (or the first rework's) would keep the
    # new window's near or missed deadline silent.
    exists = uow.session.scalar(select(Alert.id).where(
        Alert.task_id == task.id, Alert.target == target, Alert.level == level,
        *([Alert.raised_at > since] if since is not None else [])))
    if exists is not None:
        return False
    alert = Alert(station_id=task.station_id, task_id=task.id, incident_id=None, target=target,
                  level=level, raised_at=uow.now)
    uow.add("alert.raise", "alert", alert)
    return True


@service_action("task.verify")
def escalate_overdue(ctx: ServiceContext) -> EscalationRun:
    """Raise near/breach alerts on task countdowns and escalate overdue tasks to the chief, once."""
    now = ctx.clock()
    near = breach = 0
    escalated: list[str] = []
    changed: list[int] = []
    with ctx.uow() as uow:
        uow.lock_station(_OVERDUE_LOCK, ctx.station_id)
        # Only tasks whose running deadline is near or past (a near window is at most a fifth
        # of 24 h): this stays cheap with 10,000 open tasks.
        limit = now + timedelta(hours=24)
        rows = uow.session.execute(select(Task, last_reassigned_at()).where(
            Task.station_id == ctx.station_id, Task.status.in_(WAITING_ON_OFFICER),
            or_(and_(Task.status == "sent", Task.sign_due_at <= limit),
                Task.feedback_due_at <= limit)).order_by(Task.id)).all()
        for task, reassigned_at in rows:
            times = TaskTimes(task.status, task.created_at, task.sign_due_at, task.feedback_due_at,
                              task.signed_at, task.fed_back_at, task.returned_at, reassigned_at)
            overdue = []
            for cd in task_countdowns(times, now):
                # A returned task's new feedback window is its own target, so running out of it
                # alerts again (one alert per task, target and level).
                target = "task_rework" if task.status == "returned" and cd.kind.value == "feedback" \
                    else f"task_{cd.kind.value}"
                if task.status != "sent" and cd.kind.value == "sign":
                    continue  # signed: late signing was alerted while it ran
                # Only alerts of the window now running count: a second rework window, or the
                # new officer's windows, alert again.
                since = times.sign_start if cd.kind.value == "sign" else times.feedback_start
                if cd.state is CountdownState.NEAR and _raise_alert(uow, task, target, "near", since):
                    near += 1
                elif cd.state is CountdownState.BREACHED:
                    if _raise_alert(uow, task, target, "breach", since):
                        breach += 1
                    overdue.append(cd.kind.value)
            if overdue and task.escalated_at is None:
                what = "签收" if overdue[0] == "sign" else "反馈"
                _escalate(uow, task, f"超时未{what}，自动上报所长", overdue[0])
                escalated.append(task.number)
                changed.append(task.id)
        uow.commit()
    return EscalationRun(near, breach, tuple(escalated), tuple(changed))


# -- automatic rules ---------------------------------------------------------------------------
@service_action("read")
def get_rule_config(ctx: ServiceContext) -> RuleConfig:
    with ctx.read() as s:
        row = s.get(Setting, (ctx.station_id, RULES_SETTING))
        return RuleConfig.from_json(row.value if row else None)


@service_action("settings.edit")
def save_rule_config(ctx: ServiceContext, values: dict[str, Any]) -> RuleConfig:
    config = RuleConfig.from_json(values)
    with ctx.uow() as uow:
        for code in (config.dispute_template, config.repeat_template, config.revisit_template):
            find_template(uow.session, ctx.station_id, code)
        row = uow.session.get(Setting, (ctx.station_id, RULES_SETTING))
        before = row.value if row else None
        if row is None:
            uow.session.add(Setting(station_id=ctx.station_id, key=RULES_SETTING,
                                    value=config.as_json()))
        else:
            row.value = config.as_json()
        uow.audit("settings.followup_rules", "setting", None, before, config.as_json())
        uow.changed("setting", None)
        uow.commit()
    return config


@service_action("task.create")
def run_follow_up_rules(ctx: ServiceContext, now: datetime | None = None) -> RulesRun:
    """Apply the station's rules to recent incidents; running twice creates nothing new."""
    if now is not None:
        fixed = now
        ctx = replace(ctx, clock=lambda: fixed)
    now = ctx.clock()
    config = get_rule_config(ctx)
    since = now - config.horizon
    with ctx.uow() as uow:
        uow.lock_station(_RULES_LOCK, ctx.station_id)
        s = uow.session
        rows = s.execute(
            select(Incident.id, Incident.number, Incident.received_at, Incident.category_code,
                   Category.name_zh, Incident.caller_phone, Incident.address, Incident.grid_id,
                   Incident.closed_at, Incident.needs_revisit)
            .outerjoin(Category, Category.code == Incident.category_code)
            .where(Incident.station_id == ctx.station_id, Incident.received_at > since,
                   Incident.received_at <= now)
            # Invalid calls (无效警情) never need a follow-up.
            .where(~Incident.category_code.like("10%"))
        ).all()
        facts = [IncidentFacts(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6] or "", r[7],
                               r[8], bool(r[9])) for r in rows]
        # Closed incidents received before the horizon can still be flagged "needs revisit".
        late_closed = s.execute(
            select(Incident.id, Incident.number, Incident.received_at, Incident.category_code,
                   Category.name_zh, Incident.grid_id, Incident.closed_at)
            .outerjoin(Category, Category.code == Incident.category_code)
            .where(Incident.station_id == ctx.station_id, Incident.received_at <= since,
                   Incident.needs_revisit.is_(True),
                   Incident.closed_at > now - timedelta(hours=config.lookback_hours))
        ).all()
        facts += [IncidentFacts(r[0], r[1], r[2], r[3], r[4] or "", "", "", r[5], r[6], True)
                  for r in late_closed]
        fired = {k for stored in s.scalars(select(Task.rule_key).where(
            Task.station_id == ctx.station_id, Task.rule_key != "",
            Task.created_at > since - timedelta(days=1))) for k in split_keys(stored)}
        firings = evaluate(facts, config, now, fired)
        created: list[Task] = []
        reasons: list[str] = []
        templates: dict[str, TaskTemplate] = {}
        for f in firings:
            if f.template_code not in templates:
                templates[f.template_code] = find_template(s, ctx.station_id, f.template_code)
            task = new_task(uow, ctx.station_id, templates[f.template_code], title=f.title[:200],
                            grid_id=f.grid_id, incident_id=f.incident_id, rule=f.rule,
                            rule_reason=f.reason, rule_key=f.key)
            created.append(task)
            reasons.append(f.reason)
        uow.commit()
        return RulesRun(tuple(_ref(t) for t in created), tuple(reasons))


@service_action("read")
def get_task_ref(ctx: ServiceContext, task_id: int) -> TaskRef:
    with ctx.read() as s:
        t = s.get(Task, task_id)
        if t is None or t.station_id != ctx.station_id:
            raise NotFound(f"task {task_id} does not exist")
        return _ref(t)
