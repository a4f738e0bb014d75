"""指令/派单台账: the follow-up task ledger, one row per task sent in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ...domain.deadlines import CountdownState, TaskTimes, sign_window_start, task_countdowns
from ...domain.task_rules import RULE_LABELS_ZH
from ...storage.models import Dispute, Incident, Task, TaskTemplate
from ..task_views import last_reassigned_at
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import count, scoped, stream
from .lookups import TASK_STATUS_ZH, Lookups

C, K = Column, Kind
COLUMNS = (
    C("指令编号", width=18),
    C("任务标题", width=28, wrap=True, free_text=True),
    C("任务详情", width=36, wrap=True, free_text=True),
    C("关联警情", width=20),
    C("关联纠纷", width=18),
    C("警务区", width=14),
    C("所属网格", width=16),
    C("承办民警", width=10),
    C("派发时间", K.DATETIME, 20),
    C("签收时限", K.DATETIME, 20),
    C("签收时间", K.DATETIME, 20),
    C("签收用时", K.DURATION, 11, total="mean", doc="from sending, or from the last reassignment"),
    C("反馈时限", K.DATETIME, 20),
    C("反馈时间", K.DATETIME, 20),
    C("办结时间", K.DATETIME, 20),
    C("升级时间", K.DATETIME, 20),
    C("超期情况", width=14, doc="按期 / 超期签收 / 超期反馈 (also open tasks already past due)"),
    C("超期", K.INT, 7, total="sum", doc="1 when overdue, so the totals row counts them"),
    C("状态", width=10),
    C("派单依据", width=22, wrap=True, free_text=True, doc="the rule that created the task and why"),
    C("反馈内容", width=36, wrap=True, free_text=True),
)


def overdue(times: TaskTimes, now: datetime) -> str:
    """The 超期情况 column (and the bulletin's overdue list): whichever countdown the board shows
    as past due, signed or fed back late included; a returned task's rejected feedback does not
    meet its rework deadline."""
    sign, feedback = task_countdowns(times, now)
    late = [label for label, cd in (("超期签收", sign), ("超期反馈", feedback))
            if cd.state is CountdownState.BREACHED]
    return "、".join(late) or "按期"


SUMMARY_LABEL = "备注"  # the free remarks every feedback form has (key "summary")


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value)
    return str(value)


def _feedback_text(feedback: dict[str, Any] | None, labels: dict[str, str] | None = None) -> str:
    """走访日期：2026-12-01；是否见面：是: the catalogue's labels in its field order, then the rest."""
    if not feedback:
        return ""
    labels = labels or {}
    order = {k: i for i, k in enumerate(labels)}
    keys = sorted(feedback, key=lambda k: (k == "summary", order.get(k, len(order))))
    return "；".join(f"{labels.get(k, SUMMARY_LABEL if k == 'summary' else k)}：{_value_text(feedback[k])}"
                    for k in keys if feedback[k] not in (None, ""))


def _rule_text(rule: str, reason: str) -> str:
    """纠纷警情必回访：<why>; the rule's name once where the reason already starts with it."""
    label = RULE_LABELS_ZH.get(rule, rule) if rule else ""
    if label and reason.startswith(label):
        return reason
    return "：".join(x for x in (label, reason) if x)


def _field_labels(s: Session, scope: Scope) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """Each template's field labels (key -> label, in form order), and all of them by key, for
    a task whose template is gone."""
    by_template: dict[int, dict[str, str]] = {}
    any_template: dict[str, str] = {}
    stmt = select(TaskTemplate.id, TaskTemplate.fields).where(TaskTemplate.station_id.in_(scope.station_ids))
    for tid, fields in s.execute(stmt):
        labels = {str(f["key"]): str(f["label"]) for f in fields or ()
                  if isinstance(f, dict) and f.get("key") and f.get("label")}
        by_template[tid] = labels
        for key, label in labels.items():
            any_template.setdefault(key, label)
    return by_template, any_template


def _rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    t = Task
    inc, dis = aliased(Incident), aliased(Dispute)
    by_template, any_template = _field_labels(s, scope)
    stmt = scoped(
        select(t.number, t.title, t.detail, inc.number, dis.number, t.grid_id,
               t.assignee_officer_id, t.created_at, t.sign_due_at, t.signed_at, t.feedback_due_at,
               t.fed_back_at, t.closed_at, t.escalated_at, t.status, t.rule, t.rule_reason,
               t.feedback, t.template_id, t.returned_at, last_reassigned_at())
        .outerjoin(inc, inc.id == t.incident_id).outerjoin(dis, dis.id == t.dispute_id),
        t, t.created_at, scope, t.grid_id,
    ).order_by(t.created_at, t.id)
    for (number, title, detail, inc_no, dis_no, grid_id, officer, created, sign_due, signed,
         fb_due, fed_back, closed, escalated, status, rule, reason, feedback,
         template, returned, reassigned) in stream(s, stmt):
        late = overdue(TaskTimes(status, created, sign_due, fb_due, signed, fed_back, returned,
                                 reassigned), lk.now)
        # The officer who signed got the task at its last reassignment, not when it was sent.
        sign_took = (signed - sign_window_start(created, reassigned)).total_seconds() if signed else None
        yield (
            number, title, detail, inc_no or "", dis_no or "", lk.district_name(grid_id),
            lk.grid_name(grid_id), lk.officers.get(officer, "") if officer else "", created,
            sign_due, signed, sign_took, fb_due,
            fed_back, closed, escalated, late, 0 if late == "按期" else 1,
            TASK_STATUS_ZH.get(status, status), _rule_text(rule, reason),
            _feedback_text(feedback, by_template.get(template, any_template) if template else any_template),
        )


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    n = count(s, Task, Task.created_at, scope, Task.grid_id)
    return [Sheet("指令台账", "派单指令台账", COLUMNS, _rows(s, scope, lk), n,
                  name_en="Tasks", title_en="Follow-up task ledger")]


LEDGER = LedgerDef(
    "tasks", "派单指令台账", "every follow-up task sent in the period, its deadlines and feedback",
    COLUMNS, build, title_en="Follow-up task ledger",
)
