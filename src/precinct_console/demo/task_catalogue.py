"""The demo precinct's catalogue of standard follow-up tasks (派单目录) and a living follow-up desk."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.clock import FixedClock, local
from ..domain.task_fields import FieldDef
from ..services.context import ServiceContext
from ..storage.models import Incident, Task, TaskTemplate


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    section: str
    name: str
    feedback_hours: int
    fields: tuple[FieldDef, ...]
    description: str = ""
    sign_minutes: int = 30


def _f(key: str, label: str, kind: str = "text", *choices: str, required: bool = True,
       minimum: int | None = None) -> FieldDef:
    return FieldDef(key, label, kind, required, tuple(choices), minimum)


# Fields most feedback forms share.
VISITED = _f("visited_on", "走访日期", "date")
MET = _f("met_in_person", "是否见面", "bool")
SUMMARY = _f("situation", "情况说明", "longtext")
RESULT = _f("result", "处理结果", "choice", "已化解", "化解中", "无法化解已移交", "无需处理")
SATISFACTION = _f("satisfaction", "群众满意度", "choice", "满意", "基本满意", "不满意")
RISK = _f("risk_after", "风险评估", "choice", "高", "中", "低")
FIXED = _f("rectified", "整改情况", "choice", "已整改", "限期整改", "拒不整改已上报")
PHOTOS = _f("photos", "现场照片（张）", "int", required=False, minimum=0)

DEFAULT_CATALOGUE: tuple[CatalogueEntry, ...] = (
    # 矛盾纠纷
    CatalogueEntry("JF-01", "矛盾纠纷", "纠纷回访", 24, (VISITED, MET, RESULT, RISK, SUMMARY),
                   "纠纷类警情处置后回访双方当事人，评估是否反复"),
    CatalogueEntry("JF-02", "矛盾纠纷", "矛盾纠纷排查走访", 24,
                   (VISITED, _f("households", "走访户数", "int", minimum=1),
                    _f("found", "发现纠纷数", "int", minimum=0), SUMMARY)),
    CatalogueEntry("JF-03", "矛盾纠纷", "家庭暴力跟踪回访", 6,
                   (VISITED, MET, _f("warning_issued", "是否出具告诫书", "bool"),
                    _f("victim_safe", "受害人安全状况", "choice", "安全", "需保护措施", "已转移安置"),
                    RISK, SUMMARY), "涉家暴警情6小时内见面回访受害人"),
    CatalogueEntry("JF-04", "矛盾纠纷", "劳资纠纷协调", 24,
                   (VISITED, _f("workers", "涉及人数", "int", minimum=1),
                    _f("amount", "涉及金额（元）", "int", minimum=0, required=False),
                    _f("referred_to", "移交部门", "choice", "人社部门", "司法所", "街道", "未移交"),
                    RESULT, SUMMARY)),
    CatalogueEntry("JF-05", "矛盾纠纷", "邻里纠纷调解", 24,
                   (VISITED, _f("method", "调解方式", "choice", "民警调解", "人民调解", "联合调解",
                                "引导诉讼"), RESULT, SUMMARY)),
    CatalogueEntry("JF-06", "矛盾纠纷", "重大矛盾纠纷稳控", 3,
                   (MET, _f("people", "涉及人数", "int", minimum=1),
                    _f("measures", "稳控措施", "longtext"), RISK, SUMMARY),
                   "A级纠纷：3小时内到场稳控，防止激化"),
    CatalogueEntry("JF-07", "矛盾纠纷", "纠纷化解结案回访", 24, (VISITED, MET, SATISFACTION,
                   _f("recurred", "是否反复", "bool"), SUMMARY)),
    # 重复警情
    CatalogueEntry("CF-01", "重复警情", "重复警情核查", 9,
                   (VISITED, _f("cause", "重复报警原因", "choice", "纠纷未化解", "隐患未整改",
                                "报警人诉求", "恶意骚扰", "其他"), RESULT, SUMMARY),
                   "一人多警、一地多警、一事多警：核查原因并源头治理"),
    CatalogueEntry("CF-02", "重复警情", "一人多警当事人走访", 9,
                   (VISITED, MET, _f("demand", "当事人诉求", "longtext"), RESULT, SUMMARY)),
    CatalogueEntry("CF-03", "重复警情", "一地多警隐患排查", 9,
                   (VISITED, _f("hazard", "发现隐患", "longtext"), FIXED, PHOTOS)),
    # 警情回访
    CatalogueEntry("HF-01", "警情回访", "警情回访", 24, (VISITED, SATISFACTION, SUMMARY),
                   "办结时标记“需回访”的警情"),
    CatalogueEntry("HF-02", "警情回访", "110报警人满意度回访", 24,
                   (_f("reached", "是否联系上", "bool"), SATISFACTION,
                    _f("complaint", "意见建议", "longtext", required=False))),
    CatalogueEntry("HF-03", "警情回访", "求助类警情回访", 24,
                   (VISITED, _f("solved", "求助事项是否解决", "bool"), SATISFACTION, SUMMARY)),
    CatalogueEntry("HF-04", "警情回访", "侵财案件受害人回访", 24,
                   (VISITED, _f("loss", "损失金额（元）", "int", minimum=0),
                    _f("case_progress_told", "是否告知案件进展", "bool"), SATISFACTION, SUMMARY)),
    # 重点人员
    CatalogueEntry("ZD-01", "重点人员", "走访重点人员", 24,
                   (VISITED, MET, _f("status", "现实表现", "choice", "稳定", "有异常", "失联"),
                    _f("address_ok", "居住地是否变动", "bool"), SUMMARY)),
    CatalogueEntry("ZD-02", "重点人员", "精神障碍患者见面核查", 9,
                   (VISITED, MET, _f("guardian", "监护人是否落实", "bool"),
                    _f("medication", "服药情况", "choice", "规律服药", "不规律", "拒绝服药"),
                    RISK, SUMMARY)),
    CatalogueEntry("ZD-03", "重点人员", "社区矫正人员核查", 24,
                   (VISITED, MET, _f("status", "现实表现", "choice", "稳定", "有异常", "失联"),
                    SUMMARY)),
    CatalogueEntry("ZD-04", "重点人员", "吸毒人员见面核查", 24,
                   (VISITED, MET, _f("test", "尿检结果", "choice", "阴性", "阳性", "未检测"),
                    SUMMARY)),
    CatalogueEntry("ZD-05", "重点人员", "涉稳人员稳控", 3,
                   (MET, _f("location", "当前所在地", "text"),
                    _f("intent", "是否有进京赴省意图", "bool"), RISK, SUMMARY)),
    # 安全隐患
    CatalogueEntry("AQ-01", "安全隐患", "安全隐患整改", 24,
                   (VISITED, _f("hazard", "隐患内容", "longtext"), FIXED,
                    _f("deadline", "整改期限", "date", required=False), PHOTOS)),
    CatalogueEntry("AQ-02", "安全隐患", "消防安全检查", 24,
                   (VISITED, _f("place", "检查场所", "text"),
                    _f("problems", "发现问题数", "int", minimum=0), FIXED, PHOTOS)),
    CatalogueEntry("AQ-03", "安全隐患", "燃气安全检查", 9,
                   (VISITED, _f("place", "检查场所", "text"), FIXED, SUMMARY)),
    CatalogueEntry("AQ-04", "安全隐患", "电动车违规充电整治", 24,
                   (VISITED, _f("cases", "查处处数", "int", minimum=0), FIXED, PHOTOS)),
    CatalogueEntry("AQ-05", "安全隐患", "高空坠物隐患排查", 24,
                   (VISITED, _f("building", "楼栋", "text"), FIXED, PHOTOS)),
    # 场所检查
    CatalogueEntry("CS-01", "场所检查", "娱乐场所检查", 9,
                   (VISITED, _f("place", "场所名称", "text"),
                    _f("people_checked", "核查人员数", "int", minimum=0),
                    _f("violations", "违法违规情况", "longtext", required=False))),
    CatalogueEntry("CS-02", "场所检查", "旅馆业检查", 24,
                   (VISITED, _f("place", "旅馆名称", "text"),
                    _f("registered", "实名登记是否落实", "bool"), SUMMARY)),
    CatalogueEntry("CS-03", "场所检查", "寄递物流检查", 24,
                   (VISITED, _f("place", "网点名称", "text"),
                    _f("three_100", "收寄验视、实名、过机安检是否落实", "bool"), SUMMARY)),
    CatalogueEntry("CS-04", "场所检查", "校园安全检查", 24,
                   (VISITED, _f("school", "学校名称", "text"),
                    _f("guards", "专职保安人数", "int", minimum=0), FIXED, SUMMARY)),
    CatalogueEntry("CS-05", "场所检查", "金融网点安全检查", 24,
                   (VISITED, _f("place", "网点名称", "text"),
                    _f("alarm_ok", "报警装置是否完好", "bool"), FIXED)),
    # 人口管理
    CatalogueEntry("RK-01", "人口管理", "实有人口核查", 24,
                   (VISITED, _f("households", "核查户数", "int", minimum=1),
                    _f("updated", "更新信息条数", "int", minimum=0), SUMMARY)),
    CatalogueEntry("RK-02", "人口管理", "出租房屋登记核查", 24,
                   (VISITED, _f("address", "房屋地址", "text"),
                    _f("tenants", "承租人数", "int", minimum=0),
                    _f("registered", "是否登记备案", "bool"), SUMMARY)),
    CatalogueEntry("RK-03", "人口管理", "流动人口信息采集", 24,
                   (VISITED, _f("collected", "采集人数", "int", minimum=0), SUMMARY)),
    # 宣传防范
    CatalogueEntry("XF-01", "宣传防范", "电诈预警劝阻见面", 3,
                   (MET, _f("stopped", "是否成功劝阻", "bool"),
                    _f("amount_saved", "避免损失（元）", "int", minimum=0, required=False), SUMMARY),
                   "反诈中心预警：3小时内见面劝阻"),
    CatalogueEntry("XF-02", "宣传防范", "反诈宣传入户", 24,
                   (VISITED, _f("households", "入户数", "int", minimum=1),
                    _f("apps", "安装国家反诈APP数", "int", minimum=0), PHOTOS)),
    CatalogueEntry("XF-03", "宣传防范", "防范宣传进社区", 24,
                   (VISITED, _f("audience", "受众人数", "int", minimum=0), PHOTOS, SUMMARY)),
    # 核查协查
    CatalogueEntry("HC-01", "核查协查", "违法犯罪线索核查", 6,
                   (VISITED, _f("verdict", "核查结论", "choice", "属实", "部分属实", "不属实"),
                    _f("action", "后续处置", "longtext"))),
    CatalogueEntry("HC-02", "核查协查", "走失人员查找协查", 3,
                   (_f("found", "是否找到", "bool"), _f("where", "找到地点", "text", required=False),
                    SUMMARY), "老人、儿童走失：3小时内反馈查找情况"),
    CatalogueEntry("HC-03", "核查协查", "车辆信息核查", 6,
                   (_f("plate", "车牌号", "text"), _f("verdict", "核查结论", "choice", "正常",
                                                     "异常已处置", "未找到"), SUMMARY)),
    CatalogueEntry("HC-04", "核查协查", "上级交办事项", 9, (SUMMARY, RESULT)),
)


def template_values(entry: CatalogueEntry) -> dict[str, Any]:
    return dict(code=entry.code, name=entry.name, section=entry.section,
                description=entry.description, sign_minutes=entry.sign_minutes,
                feedback_hours=entry.feedback_hours, fields=[f.as_json() for f in entry.fields],
                recipient_role="community_officer", active=True)


def seed_catalogue(session: Session, station_id: int, now: datetime) -> int:
    """Add the catalogue's entries the station lacks (never overwrites an administrator's edits).

    Returns how many were added; the caller commits. `now` is accepted for the demo loader's
    uniform signature (catalogue rows carry no time).
    """
    del now
    have = set(session.scalars(select(TaskTemplate.code).where(TaskTemplate.station_id == station_id)))
    added = 0
    for entry in DEFAULT_CATALOGUE:
        if entry.code in have:
            continue
        session.add(TaskTemplate(station_id=station_id, **template_values(entry)))
        added += 1
    session.flush()
    return added


@dataclass(frozen=True)
class FollowUpSummary:
    tasks: int
    by_status: dict[str, int]
    disputes: int
    escalated: int


def _at(ctx: ServiceContext, when: datetime) -> ServiceContext:
    return replace(ctx, clock=FixedClock(when))


def _demo_feedback(fields: tuple[FieldDef, ...], day: str, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "date":
            out[f.key] = day
        elif f.kind == "bool":
            out[f.key] = rng.random() < 0.8
        elif f.kind == "int":
            out[f.key] = max(f.minimum or 0, rng.randint(1, 12))
        elif f.kind == "choice":
            out[f.key] = f.choices[0] if rng.random() < 0.7 else rng.choice(f.choices)
        elif f.required:
            out[f.key] = rng.choice(_NOTES)
    return out


_NOTES = ("已上门走访，当事人情绪平稳，双方表示不再争执。", "已电话联系报警人，问题已解决，对处置满意。",
          "现场核查属实，已督促整改，约定三日后复查。", "已会同网格员走访，登记信息已更新。",
          "当事人不在家，已留联系卡，明日再访。")


_REVISITS = ("回访双方，关系缓和，未再发生争吵。", "电话回访申请人，表示对方已按约定履行。",
             "上门回访，矛盾仍存在，继续跟进调解。")


def seed_followups(ctx: ServiceContext, *, days: int = 3, seed: int = 1,
                   disputes_from_days: int = 14, max_disputes: int = 12) -> FollowUpSummary:
    """Give the demo precinct a living follow-up desk: the rules replayed every three hours over
    the last `days`, tasks signed, fed back and verified at plausible times (some left late and
    escalated), and recent dispute incidents entered in the register with progress notes.

    Call after the demo history is committed, with a context whose clock is the demo's `now`
    (an administrator or system actor). Deterministic for the same data, seed and now.
    """
    from ..services import disputes as dispute_service
    from ..services import tasks as task_service

    rng = random.Random(f"followups:{seed}")
    now = ctx.clock()
    t = now - timedelta(days=days)
    while t <= now:
        task_service.run_follow_up_rules(_at(ctx, t))
        t += timedelta(hours=3)
    for row in task_service.list_open_tasks(ctx):
        _progress(ctx, task_service, row, now, rng)
    registered = 0
    with ctx.read() as s:
        candidates = list(s.execute(
            select(Incident.id, Incident.received_at, Incident.category_code).where(
                Incident.station_id == ctx.station_id, Incident.category_code.like("06%"),
                Incident.received_at > now - timedelta(days=disputes_from_days),
                Incident.received_at < now - timedelta(hours=2))
            .order_by(Incident.received_at)).all())
    rng.shuffle(candidates)
    for inc_id, received, code in sorted(candidates[:max_disputes], key=lambda r: r[1]):
        when = received + timedelta(minutes=rng.randint(40, 180))
        # Domestic violence keeps the register's own first grade; others vary as officers judge.
        grade = None if code.startswith("060101") else rng.choice(("A", "B", "B", "C", "C", "C", "D"))
        d = dispute_service.register_from_incident(_at(ctx, when), inc_id, grade)
        registered += 1
        note_at = when + timedelta(hours=rng.randint(2, 20))
        if note_at >= now:
            continue
        d = dispute_service.add_note(_at(ctx, note_at), d.id, d.version, "mediation",
                                     "社区民警会同人民调解员组织双方调解，达成初步共识。")
        if rng.random() < 0.35 and note_at + timedelta(days=1) < now:
            dispute_service.resolve_dispute(_at(ctx, note_at + timedelta(days=1)), d.id,
                                            d.version, "双方签订调解协议，纠纷化解。")
            continue
        # Revisits on the grade's schedule, mostly kept (the odd one slips and shows as late).
        while d.next_revisit_at is not None and rng.random() < 0.85:
            visit = d.next_revisit_at - timedelta(hours=rng.randint(3, 10))
            if visit >= now:
                break
            d = dispute_service.add_note(_at(ctx, visit), d.id, d.version, "revisit",
                                         rng.choice(_REVISITS))
    run = task_service.escalate_overdue(ctx)
    rows = task_service.list_open_tasks(ctx)
    with ctx.read() as s:
        total = s.scalar(select(func.count(Task.id)).where(Task.station_id == ctx.station_id)) or 0
        closed = s.scalar(select(func.count(Task.id)).where(
            Task.station_id == ctx.station_id, Task.status == "closed")) or 0
    by_status: dict[str, int] = {"closed": closed}
    for r in rows:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    return FollowUpSummary(total, by_status, registered, len(run.escalated))


def _progress(ctx: ServiceContext, svc: Any, row: Any, now: datetime, rng: random.Random) -> None:
    """Move one task along its life as a diligent (mostly) community officer would."""
    sign_at = row.created_at + timedelta(minutes=rng.choice((3, 6, 10, 15, 22, 28, 45)))
    if sign_at > now or rng.random() < 0.03:
        return
    ref = svc.sign_task(_at(ctx, sign_at), row.id, row.version)
    window = row.feedback_due_at - row.created_at
    # Most feed back within the window, some a little late.
    late = rng.random() < 0.1
    fed_at = row.created_at + window * (rng.uniform(1.02, 1.3) if late else rng.uniform(0.2, 0.95))
    fed_at = max(fed_at, sign_at + timedelta(minutes=20))
    if fed_at > now or rng.random() < 0.04:
        return
    detail = svc.task_detail(ctx, row.id)
    values = _demo_feedback(detail.fields, local(fed_at).date().isoformat(), rng)
    ref = svc.feed_back_task(_at(ctx, fed_at), row.id, ref.version, values)
    check_at = fed_at + timedelta(minutes=rng.randint(20, 240))
    if check_at > now:
        return
    if rng.random() >= 0.1:
        svc.verify_task(_at(ctx, check_at), row.id, ref.version, "反馈属实，同意办结。")
        return
    ref = svc.return_task(_at(ctx, check_at), row.id, ref.version, "反馈内容不完整，请补充走访情况和现场照片。")
    # Most officers redo a returned task within its rework window, and the command room then
    # closes it; the odd one slips and shows as overdue (without this, every task returned in
    # two weeks of history stood overdue on the alert dock of a fresh demo).
    if rng.random() < 0.2:
        return
    due = svc.task_detail(ctx, row.id).row.feedback_due_at
    redone_at = check_at + (due - check_at) * rng.uniform(0.2, 0.9)
    if redone_at > now:
        return
    values = _demo_feedback(detail.fields, local(redone_at).date().isoformat(), rng)
    ref = svc.feed_back_task(_at(ctx, redone_at), row.id, ref.version, values)
    recheck_at = redone_at + timedelta(minutes=rng.randint(20, 240))
    if recheck_at < now:
        svc.verify_task(_at(ctx, recheck_at), row.id, ref.version, "补充情况属实，同意办结。")
