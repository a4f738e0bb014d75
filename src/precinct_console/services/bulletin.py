"""The weekly bulletin (周通报): the week's figures, 同比/环比, 1-3-5 compliance, overdue tasks,
repeat incidents and, for a branch, the ranking of its stations and posts; rendered to HTML."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import or_, select

from ..config import resources_dir
from ..domain.clock import local
from ..domain.deadlines import TaskTimes
from ..domain.figures import percent
from ..storage.models import Officer, Station, Task
from .context import ServiceContext, service_action
from .ledgers.periods import Period
from .ledgers.tasks import overdue
from .statistics import Comparison, Compliance, Statistics, incident_statistics


def mmss(seconds: float | None) -> str:
    """A mean response time as minutes:seconds, rounded to the nearest second (half up) as the
    Excel ledgers show it ([h]:mm:ss): 107.7 s is 1:48 on the panel, in the bulletin and in Excel."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    whole = math.floor(seconds + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class OverdueTask:
    station: str
    number: str
    title: str
    officer: str
    created_at: datetime
    state: str  # 超期签收 / 超期反馈 / both


@dataclass(frozen=True)
class StationRank:
    rank: int
    name: str
    kind: str  # 派出所 | 警务站
    incidents: int
    year_on_year: Comparison
    compliance: Compliance
    overdue_tasks: int


@dataclass(frozen=True)
class Bulletin:
    title: str
    issuer: str
    generated_at: datetime
    stats: Statistics
    overdue_tasks: tuple[OverdueTask, ...]
    ranking: tuple[StationRank, ...]  # empty for a single station


def _overdue(ctx: ServiceContext, week: Period, stations: dict[int, Station]) -> list[OverdueTask]:
    # Overdue as the week closed (or now, for the running week); tasks carried over from earlier
    # weeks count while still open during this one.
    now = min(ctx.clock(), week.end)
    out = []
    with ctx.read() as s:
        rows = s.execute(
            select(Task, Officer.name).outerjoin(Officer, Officer.id == Task.assignee_officer_id)
            .where(Task.station_id.in_(stations), Task.created_at < week.end,
                   or_(Task.closed_at.is_(None), Task.closed_at >= week.start))
            .order_by(Task.created_at)
        ).all()
        for task, officer in rows:
            # The board's countdowns decide: a returned task owes feedback by its rework deadline,
            # which its rejected earlier feedback does not meet. (A reassignment only moves where
            # a window starts, which changes near, never past due: no need to look it up here.)
            late = overdue(TaskTimes(task.status, task.created_at, task.sign_due_at,
                                     task.feedback_due_at, task.signed_at, task.fed_back_at,
                                     task.returned_at), now)
            if late != "按期":  # worded as the task ledger's 超期情况 column
                out.append(OverdueTask(stations[task.station_id].name, task.number, task.title,
                                       officer or "", task.created_at, late))
    return out


@service_action("read")
def weekly_bulletin(ctx: ServiceContext, week: Period, station_ids: tuple[int, ...] | None = None) -> Bulletin:
    """The bulletin of a week: a station's own, or the whole branch's for a branch-level user."""
    stats = incident_statistics(ctx, week, station_ids)
    with ctx.read() as s:
        q = select(Station)
        if ctx.actor.station_id is not None:
            q = q.where(Station.id == ctx.actor.station_id)
        elif station_ids:
            q = q.where(Station.id.in_(station_ids))
        stations = {st.id: st for st in s.scalars(q.order_by(Station.id))}
    tasks = _overdue(ctx, week, stations)
    ranking: list[StationRank] = []
    if len(stations) > 1:
        rows = []
        for sid, st in stations.items():
            own = incident_statistics(ctx, week, (sid,), top_repeats=0)
            rows.append((st, own, sum(1 for t in tasks if t.station == st.name)))

        def key(item: tuple[Station, Statistics, int]) -> tuple[float, float, int, str]:
            c = item[1].compliance
            return (-(c.all_met_rate or 0.0), -(c.arrival_rate or 0.0), item[2], item[0].code)

        for n, (st, own, late) in enumerate(sorted(rows, key=key), start=1):
            ranking.append(StationRank(n, st.name, "警务站" if st.kind == "post" else "派出所",
                                       own.total.current, own.total, own.compliance, late))
    owner = next(iter(stations.values())).branch if len(stations) > 1 else "、".join(stats.station_names)
    year, number, _ = week.first_day.isocalendar()
    return Bulletin(
        title=f"{owner or '全局'}警情周通报（{year}年第{number}周）",
        issuer=ctx.actor.username,
        generated_at=ctx.clock(),
        stats=stats,
        overdue_tasks=tuple(tasks),
        ranking=tuple(ranking),
    )


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(resources_dir() / "templates")),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["pct"] = percent  # half up, as the Excel ledgers show the same share
    env.filters["mmss"] = mmss
    env.filters["cst"] = lambda v, fmt="%m-%d %H:%M": local(v).strftime(fmt)
    return env


def render_html(bulletin: Bulletin) -> str:
    """The bulletin as one self-contained HTML page (inline CSS, bar charts drawn in CSS)."""
    stats = bulletin.stats
    peak_day = max((n for _d, n in stats.by_day), default=0) or 1
    peak_hour = max(stats.by_hour) or 1
    return _env().get_template("bulletin.html.j2").render(
        b=bulletin, s=stats, peak_day=peak_day, peak_hour=peak_hour,
        generated=local(bulletin.generated_at).strftime("%Y-%m-%d %H:%M"),
    )
