"""Read side of follow-up tasks: board rows, one task's detail and history, the daily work list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import aliased

from ..domain.deadlines import (
    CountdownState,
    TaskTimes,
    active_countdown,
    local_day_bounds,
)
from ..domain.errors import NotFound
from ..domain.task_fields import FieldDef, parse_fields
from ..storage.models import (
    Category,
    Dispute,
    Grid,
    Incident,
    Officer,
    Task,
    TaskEvent,
    TaskTemplate,
    User,
)
from .context import ServiceContext, service_action

OPEN_STATUSES = ("sent", "signed", "fed_back", "returned")
WAITING_ON_OFFICER = ("sent", "signed", "returned")


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task as the board and the work list show it (immutable: the board caches these)."""

    id: int
    number: str
    title: str
    status: str
    template_code: str
    template_name: str
    grid_id: int | None
    grid_name: str
    assignee_id: int | None
    assignee_name: str
    created_at: datetime
    sign_due_at: datetime
    feedback_due_at: datetime
    signed_at: datetime | None
    fed_back_at: datetime | None
    returned_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    rule: str
    incident_id: int | None
    incident_number: str
    dispute_id: int | None
    version: int
    reassigned_at: datetime | None = None  # its windows run from here for the new officer

    @property
    def times(self) -> TaskTimes:
        return TaskTimes(self.status, self.created_at, self.sign_due_at, self.feedback_due_at,
                         self.signed_at, self.fed_back_at, self.returned_at, self.reassigned_at)


@dataclass(frozen=True)
class TaskEventInfo:
    kind: str
    at: datetime
    username: str
    workstation: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class TaskDetail:
    row: TaskRow
    detail: str
    rule_reason: str
    feedback: dict[str, Any]
    fields: tuple[FieldDef, ...]
    events: tuple[TaskEventInfo, ...]


@dataclass(frozen=True)
class RevisitItem:
    dispute_id: int
    number: str
    title: str
    grade: str
    address: str
    next_revisit_at: datetime


@dataclass(frozen=True)
class WorkList:
    """A community officer's day, as handed out each morning."""

    officer_id: int
    officer_name: str
    officer_badge: str
    day: date
    generated_at: datetime
    overdue: tuple[TaskRow, ...]
    due_today: tuple[TaskRow, ...]
    revisits: tuple[RevisitItem, ...]
    to_verify: tuple[TaskRow, ...]  # fed back, waiting for the command room
    later: int  # open tasks due after this day


def last_reassigned_at() -> ScalarSelect[Any]:
    """When each selected task was last reassigned (NULL if never), for the start of its windows.

    A correlated subquery: still one query per list, with an index probe per task
    (task_events.task_id) instead of grouping the station's whole history.
    """
    return (select(func.max(TaskEvent.at))
            .where(TaskEvent.task_id == Task.id, TaskEvent.kind == "reassigned")
            .correlate(Task).scalar_subquery())


def _row_query() -> Select[Any]:
    inc = aliased(Incident)
    query: Any = (
        select(Task.id, Task.number, Task.title, Task.status, TaskTemplate.code, TaskTemplate.name,
               Task.grid_id, Grid.name, Task.assignee_officer_id, Officer.name, Task.created_at,
               Task.sign_due_at, Task.feedback_due_at, Task.signed_at, Task.fed_back_at,
               Task.returned_at, Task.escalated_at, Task.closed_at, Task.rule, Task.incident_id,
               inc.number, Task.dispute_id, Task.version, last_reassigned_at())
        .outerjoin(TaskTemplate, TaskTemplate.id == Task.template_id)
        .outerjoin(Grid, Grid.id == Task.grid_id)
        .outerjoin(Officer, Officer.id == Task.assignee_officer_id)
        .outerjoin(inc, inc.id == Task.incident_id)
    )
    return query


def _rows(result: Iterable[Any]) -> list[TaskRow]:
    out = []
    for r in result:
        out.append(TaskRow(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7] or "", r[8],
                           r[9] or "", r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17],
                           r[18], r[19], r[20] or "", r[21], r[22], r[23]))
    return out


@service_action("read")
def list_open_tasks(ctx: ServiceContext) -> list[TaskRow]:
    """Every task not yet closed, oldest first: what the task board holds."""
    with ctx.read() as s:
        q = _row_query().where(Task.station_id == ctx.station_id,
                               Task.status.in_(OPEN_STATUSES)).order_by(Task.id)
        return _rows(s.execute(q))


@service_action("read")
def task_rows(ctx: ServiceContext, ids: Iterable[int]) -> list[TaskRow]:
    """Fresh rows for tasks another seat (or this one) changed, closed ones included."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    with ctx.read() as s:
        out: list[TaskRow] = []
        for i in range(0, len(wanted), 500):
            q = _row_query().where(Task.station_id == ctx.station_id, Task.id.in_(wanted[i:i + 500]))
            out.extend(_rows(s.execute(q)))
        return out


@service_action("read")
def task_detail(ctx: ServiceContext, task_id: int) -> TaskDetail:
    with ctx.read() as s:
        rows = _rows(s.execute(_row_query().where(Task.id == task_id,
                                                  Task.station_id == ctx.station_id)))
        if not rows:
            raise NotFound(f"task {task_id} does not exist")
        task = s.get(Task, task_id)
        assert task is not None
        template = s.get(TaskTemplate, task.template_id) if task.template_id else None
        events = s.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)
                           .order_by(TaskEvent.at, TaskEvent.id))
        return TaskDetail(
            rows[0], task.detail, task.rule_reason, dict(task.feedback or {}),
            parse_fields(template.fields) if template else (),
            tuple(TaskEventInfo(e.kind, e.at, e.username, e.workstation, dict(e.payload or {}))
                  for e in events),
        )


@service_action("read")
def daily_work_list(ctx: ServiceContext, officer_id: int, day: date) -> WorkList:
    """What one officer must do on a China-time day: overdue first, then due today, revisits."""
    start, end = local_day_bounds(day)
    now = ctx.clock()
    with ctx.read() as s:
        officer = s.get(Officer, officer_id)
        if officer is None or officer.station_id != ctx.station_id:
            raise NotFound(f"officer {officer_id} does not exist")
        q = _row_query().where(Task.station_id == ctx.station_id,
                               Task.assignee_officer_id == officer_id,
                               Task.status.in_(OPEN_STATUSES)).order_by(Task.feedback_due_at, Task.id)
        rows = _rows(s.execute(q))
        disputes = s.scalars(
            select(Dispute).where(
                Dispute.station_id == ctx.station_id,
                Dispute.responsible_officer_id == officer_id,
                Dispute.next_revisit_at.is_not(None),
                # Due "by the end of a day" is stored as the next midnight: include it.
                Dispute.next_revisit_at <= end,
            ).order_by(Dispute.next_revisit_at)
        )
        revisits = tuple(RevisitItem(d.id, d.number, d.title, d.grade, d.address,
                                     d.next_revisit_at) for d in disputes if d.next_revisit_at)
    # "Overdue" is judged at the moment of printing for today, at the day's start for a later day.
    judge = max(now, start)
    overdue: list[TaskRow] = []
    due_today: list[tuple[datetime, TaskRow]] = []
    to_verify: list[TaskRow] = []
    later = 0
    for r in rows:
        if r.status == "fed_back":
            to_verify.append(r)
            continue
        state = active_countdown(r.times, judge).state
        due = r.sign_due_at if r.status == "sent" and state is not CountdownState.BREACHED \
            else r.feedback_due_at
        if state is CountdownState.BREACHED or due < start:
            overdue.append(r)
        elif due < end:
            due_today.append((due, r))
        else:
            later += 1
    due_today.sort(key=lambda pair: (pair[0], pair[1].id))
    return WorkList(officer.id, officer.name, officer.badge, day, now, tuple(overdue),
                    tuple(r for _, r in due_today), revisits, tuple(to_verify), later)


@service_action("read")
def officer_for_user(ctx: ServiceContext) -> int | None:
    """The officer record of the signed-in user (a community officer's own work list)."""
    if ctx.actor.user_id is None:
        return None
    with ctx.read() as s:
        return s.scalar(select(User.officer_id).where(User.id == ctx.actor.user_id))


@service_action("read")
def list_officers(ctx: ServiceContext) -> list[tuple[int, str, str]]:
    """(id, name, badge) of the station's active officers, for assignment pickers."""
    with ctx.read() as s:
        return [(r[0], r[1], r[2]) for r in s.execute(
            select(Officer.id, Officer.name, Officer.badge).where(
                Officer.station_id == ctx.station_id, Officer.active.is_(True))
            .order_by(Officer.badge))]


@dataclass(frozen=True)
class GridChoice:
    id: int
    code: str
    name: str
    level: int


@service_action("read")
def list_grids(ctx: ServiceContext) -> list[GridChoice]:
    """The station's grids for pickers, coarse to fine."""
    with ctx.read() as s:
        return [GridChoice(*r) for r in s.execute(
            select(Grid.id, Grid.code, Grid.name, Grid.level).where(
                Grid.station_id == ctx.station_id).order_by(Grid.level, Grid.code))]


@dataclass(frozen=True)
class IncidentChoice:
    id: int
    number: str
    category: str
    address: str
    grid_id: int | None


@service_action("read")
def find_incident(ctx: ServiceContext, number_or_id: str | int) -> IncidentChoice:
    """An incident by its number (or id), to send a follow-up for it."""
    with ctx.read() as s:
        q = select(Incident.id, Incident.number, Category.name_zh, Incident.address,
                   Incident.grid_id).outerjoin(Category, Category.code == Incident.category_code) \
            .where(Incident.station_id == ctx.station_id)
        key = str(number_or_id).strip()
        row = s.execute(q.where(Incident.number == key)).first()
        if row is None and key.isdigit():
            row = s.execute(q.where(Incident.id == int(key))).first()
        if row is None:
            raise NotFound(f"no incident numbered '{key}' in this station")
        return IncidentChoice(row[0], row[1], row[2] or "", row[3] or "", row[4])


def _grid_and_below(s: Any, grid_id: int) -> set[int]:
    ids, frontier = {grid_id}, [grid_id]
    for _ in range(3):  # district -> small grid -> micro grid
        frontier = list(s.scalars(select(Grid.id).where(Grid.parent_id.in_(frontier))))
        if not frontier:
            break
        ids.update(frontier)
    return ids


@service_action("read")
def tasks_for_grid(ctx: ServiceContext, grid_id: int) -> list[TaskRow]:
    """Open follow-up tasks in a grid and the grids below it, for the grid card."""
    with ctx.read() as s:
        ids = _grid_and_below(s, grid_id)
        q = _row_query().where(Task.station_id == ctx.station_id, Task.grid_id.in_(ids),
                               Task.status.in_(OPEN_STATUSES)).order_by(Task.feedback_due_at)
        return _rows(s.execute(q))
