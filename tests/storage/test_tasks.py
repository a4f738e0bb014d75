"""Follow-up tasks: routing, life cycle, conflicts between seats, escalation, rules, work list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.demo.task_catalogue import DEFAULT_CATALOGUE, seed_catalogue
from precinct_console.domain.deadlines import CountdownState, active_countdown
from precinct_console.domain.errors import ConflictError, PermissionDenied, ValidationError
from precinct_console.domain.errors import NotFound as NotFoundError
from precinct_console.domain.permissions import Role
from precinct_console.services import tasks
from precinct_console.storage.models import (
    Alert,
    AuditEntry,
    Grid,
    GridPerson,
    Incident,
    Officer,
    Task,
    TaskEvent,
    User,
)

SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1],
                                              [116.0, 39.1], [116.0, 39.0]]]}


@dataclass
class World:
    district: int
    micro: int
    other_micro: int
    wang: int  # community officer of the district (the micro grids name nobody)
    li: int  # another officer
    chief: str


@pytest.fixture
def world(db, station, clock, make_ctx) -> World:
    make_ctx(Role.STATION_CHIEF, "chief.zhao")
    with db.sessions() as s:
        wang = Officer(station_id=station.id, badge="012345", name="王建国", role="community")
        li = Officer(station_id=station.id, badge="012346", name="李明", role="community")
        s.add_all([wang, li])
        s.flush()
        district = Grid(station_id=station.id, code="D1", name="城关一警务区", level=1,
                        geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05)
        s.add(district)
        s.flush()
        micro = Grid(station_id=station.id, code="D1-01-01", name="幸福里微网格", level=3,
                     parent_id=district.id, geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05)
        other = Grid(station_id=station.id, code="D2", name="城关二警务区", level=1,
                     geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05)
        s.add_all([micro, other])
        s.flush()
        s.add_all([
            GridPerson(station_id=station.id, grid_id=district.id, role="community_officer",
                       name="王建国", phone="13900000001", officer_id=wang.id),
            GridPerson(station_id=station.id, grid_id=other.id, role="community_officer",
                       name="李明", phone="13900000002", officer_id=li.id),
            GridPerson(station_id=station.id, grid_id=micro.id, role="grid_worker", name="张阿姨"),
        ])
        seed_catalogue(s, station.id, clock())
        s.commit()
        return World(district.id, micro.id, other.id, wang.id, li.id, "chief.zhao")


def community_ctx(db, make_ctx, officer_id, name="wang.sq"):
    ctx = make_ctx(Role.COMMUNITY_OFFICER, name)
    with db.sessions() as s:
        s.execute(sa.update(User).where(User.username == name).values(officer_id=officer_id))
        s.commit()
    return ctx


def add_incident(db, station, clock, n, *, code="0602", grid=None, phone="", address="",
                 hours_ago=1.0, closed=False, revisit=False):
    with db.sessions() as s:
        received = clock() - timedelta(hours=hours_ago)
        inc = Incident(station_id=station.id, number=f"J20261120{n:04d}", channel="110",
                       category_code=code, status="closed" if closed else "received",
                       caller_name="赵女士", caller_phone=phone, address=address, grid_id=grid,
                       content="楼上装修噪音引发争吵", received_at=received,
                       closed_at=clock() - timedelta(minutes=30) if closed else None,
                       needs_revisit=revisit)
        s.add(inc)
        s.commit()
        return inc.id


def test_demo_catalogue_is_realistic_and_seeds_once(db, station, clock, make_ctx, world):
    assert len(DEFAULT_CATALOGUE) >= 30
    names = {e.name for e in DEFAULT_CATALOGUE}
    assert {"纠纷回访", "重复警情核查", "走访重点人员", "安全隐患整改"} <= names
    assert {e.feedback_hours for e in DEFAULT_CATALOGUE} == {3, 6, 9, 24}
    with db.sessions() as s:
        assert seed_catalogue(s, station.id, clock()) == 0  # seeded by the fixture already
    listed = tasks.list_templates(make_ctx(Role.DUTY_OFFICER))
    assert len(listed) == len(DEFAULT_CATALOGUE)


def test_administrator_edits_the_catalogue_and_bad_entries_are_named(db, make_ctx, world):
    admin = make_ctx(Role.ADMIN)
    jf = next(t for t in tasks.list_templates(admin) if t.code == "JF-01")
    changed = tasks.save_template(admin, "JF-01", "纠纷回访", feedback_hours=9,
                                  fields=[f.as_json() for f in jf.fields], section=jf.section,
                                  template_id=jf.id, expected_version=jf.version)
    assert changed.feedback_hours == 9 and changed.version == jf.version + 1
    with pytest.raises(ConflictError):  # a second administrator editing the old version
        tasks.save_template(admin, "JF-01", "纠纷回访", feedback_hours=24, fields=[],
                            template_id=jf.id, expected_version=jf.version)
    with pytest.raises(ValidationError, match="field 'feedback_hours'"):
        tasks.save_template(admin, "NEW-1", "新任务", feedback_hours=12, fields=[])
    with pytest.raises(ValidationError, match="row 2, field 'fields'"):
        tasks.save_template(admin, "NEW-1", "新任务", feedback_hours=3, fields=[
            {"key": "a", "label": "甲"}, {"key": "b", "label": "乙", "kind": "choice"}])
    with pytest.raises(PermissionDenied):
        tasks.save_template(make_ctx(Role.DUTY_OFFICER), "NEW-1", "新任务", feedback_hours=3,
                            fields=[])


def test_task_from_incident_goes_to_the_grid_community_officer_with_deadlines(
        db, station, clock, make_ctx, world):
    inc = add_incident(db, station, clock, 1, grid=world.micro)
    ref = tasks.create_task_from_incident(make_ctx(Role.DUTY_OFFICER), inc)
    detail = tasks.task_detail(make_ctx(Role.DUTY_OFFICER), ref.id)
    row = detail.row
    # The micro grid names no officer: the task climbs to its district's community officer.
    assert row.assignee_id == world.wang and row.assignee_name == "王建国"
    assert row.template_code == "JF-01" and row.status == "sent"
    assert row.number == "RW202611200001"
    assert row.sign_due_at == clock() + timedelta(minutes=30)
    assert row.feedback_due_at == clock() + timedelta(hours=24)
    assert row.incident_number == "J202611200001"
    assert [e.kind for e in detail.events] == ["sent"]
    assert [f.key for f in detail.fields][:2] == ["visited_on", "met_in_person"]


def test_full_life_cycle_is_evented_and_audited(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    officer = community_ctx(db, make_ctx, world.wang)
    ref = tasks.create_task(duty, "AQ-01", "幸福里3栋楼道堆放杂物", grid_id=world.micro)
    clock.advance(minutes=10)
    ref = tasks.sign_task(officer, ref.id, ref.version)
    clock.advance(hours=5)
    values = {"visited_on": "2026-11-20", "hazard": "楼道堆放纸箱", "rectified": "已整改"}
    ref = tasks.feed_back_task(officer, ref.id, ref.version, values)
    ref = tasks.return_task(duty, ref.id, ref.version, "缺少现场照片")
    assert ref.status == "returned"
    row = tasks.task_rows(duty, [ref.id])[0]
    assert row.feedback_due_at == clock() + timedelta(hours=24)  # a fresh window for the rework
    clock.advance(hours=1)
    ref = tasks.feed_back_task(officer, ref.id, ref.version, {**values, "photos": 3})
    ref = tasks.verify_task(duty, ref.id, ref.version, "整改到位")
    assert ref.status == "closed"
    detail = tasks.task_detail(duty, ref.id)
    assert [e.kind for e in detail.events] == ["sent", "signed", "fed_back", "returned",
                                               "fed_back", "verified"]
    assert detail.feedback["photos"] == 3
    assert detail.events[1].username == "wang.sq" and detail.events[1].workstation == "seat-1"
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "task", AuditEntry.entity_id == ref.id).order_by(AuditEntry.id)).all()
    assert actions == ["task.create", "task.sign", "task.feed_back", "task.return",
                       "task.feed_back", "task.verify"]
    assert tasks.list_open_tasks(duty) == []


def test_feedback_with_a_bad_field_names_it_and_saves_nothing(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "JF-02", "城关一警务区纠纷排查", grid_id=world.district)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    with pytest.raises(ValidationError, match="field 'households'.*at least 1"):
        tasks.feed_back_task(duty, ref.id, ref.version, {"visited_on": "2026-11-20",
                             "households": 0, "found": 1, "situation": "无"})
    with pytest.raises(ValidationError, match="field 'situation'"):
        tasks.feed_back_task(duty, ref.id, ref.version, {"visited_on": "2026-11-20",
                             "households": 5, "found": 1})
    row = tasks.task_rows(duty, [ref.id])[0]
    assert row.status == "signed" and row.version == ref.version
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(TaskEvent)
                        .where(TaskEvent.kind == "fed_back")) == 0


def test_two_seats_acting_on_the_same_task_get_a_conflict_naming_who(
        db, station, clock, make_ctx, world):
    seat_a = make_ctx(Role.DUTY_OFFICER, "duty.a")
    seat_b = make_ctx(Role.STATION_CHIEF, "chief.b")
    ref = tasks.create_task(seat_a, "HC-04", "核查上级交办线索", grid_id=world.other_micro)
    ref = tasks.sign_task(seat_a, ref.id, ref.version)
    ref = tasks.feed_back_task(seat_a, ref.id, ref.version, {"situation": "已核查", "result": "已化解"})
    # Both seats loaded the fed-back task; A verifies first, B's return must not overwrite it.
    tasks.verify_task(seat_a, ref.id, ref.version)
    with pytest.raises(ConflictError, match="changed by duty.a at seat-1") as err:
        tasks.return_task(seat_b, ref.id, ref.version, "再核查")
    assert "status" in str(err.value)
    assert tasks.task_rows(seat_a, [ref.id])[0].status == "closed"


def test_concurrent_flush_is_a_conflict_not_a_lost_update(db, station, clock, make_ctx, world):
    if db.is_sqlite:
        pytest.skip("SQLite writers take the write lock up front: two never overlap")
    duty = make_ctx(Role.DUTY_OFFICER)
    chief = make_ctx(Role.STATION_CHIEF, "chief.b")
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.district)
    # Seat B loads inside its unit of work, seat A commits meanwhile, B's flush must fail.
    with duty.uow() as uow:
        task = uow.get(Task, ref.id, expected_version=ref.version)
        tasks.sign_task(chief, ref.id, ref.version)
        with pytest.raises(ConflictError, match="chief.b"):
            uow.update("task.sign", "task", task, status="signed", signed_at=clock())


def test_community_officer_acts_only_on_own_tasks(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.other_micro)  # to 李明
    with pytest.raises(PermissionDenied, match="not sent to wang.sq"):
        tasks.sign_task(community_ctx(db, make_ctx, world.wang), ref.id, ref.version)


def test_overdue_tasks_raise_alerts_and_escalate_to_the_chief_once(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "XF-01", "电诈预警劝阻：幸福里5栋", grid_id=world.district)
    clock.advance(minutes=25)  # 80 % of the 30-minute sign-off has passed
    run = tasks.escalate_overdue(duty)
    assert (run.near_alerts, run.breach_alerts, run.escalated) == (1, 0, ())
    clock.advance(minutes=6)
    run = tasks.escalate_overdue(duty)
    assert run.breach_alerts == 1 and run.escalated == (ref.number,)
    again = tasks.escalate_overdue(duty)
    assert (again.near_alerts, again.breach_alerts, again.escalated) == (0, 0, ())
    detail = tasks.task_detail(duty, ref.id)
    esc = [e for e in detail.events if e.kind == "escalated"]
    assert len(esc) == 1 and esc[0].payload["to"] == [world.chief]
    assert "超时未签收" in esc[0].payload["reason"]
    with db.sessions() as s:
        alerts = s.execute(sa.select(Alert.target, Alert.level).where(Alert.task_id == ref.id)
                           .order_by(Alert.id)).all()
    assert alerts == [("task_sign", "near"), ("task_sign", "breach")]
    # The alert list names the task, not a blank incident and a raw key.
    from precinct_console.services.alerts import list_alerts
    shown = [(a.incident_number, a.category_name, a.target_label, a.level, a.task_id)
             for a in list_alerts(duty) if a.task_id == ref.id]
    # The breach stands for the near alert of the same deadline (it is acknowledged with it).
    assert shown == [(ref.number, "电诈预警劝阻：幸福里5栋", "派单签收", "breach", ref.id)]
    # Signed late, then feedback runs out three hours after sending: a feedback breach alert,
    # but no second escalation.
    ref = tasks.get_task_ref(duty, ref.id)
    tasks.sign_task(duty, ref.id, ref.version)
    clock.advance(hours=3)
    run = tasks.escalate_overdue(duty)
    assert run.breach_alerts == 1 and run.escalated == ()


def test_manual_escalation_needs_a_reason(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.district)
    with pytest.raises(ValidationError, match="field 'reason'"):
        tasks.escalate_task(duty, ref.id, ref.version, " ")
    ref = tasks.escalate_task(duty, ref.id, ref.version, "当事人情绪激动，请所长协调")
    assert tasks.task_rows(duty, [ref.id])[0].escalated_at == clock()


def test_rules_create_each_task_once_and_say_why(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    add_incident(db, station, clock, 1, code="0602", grid=world.micro, hours_ago=2)
    for n in (2, 3, 4):
        add_incident(db, station, clock, n, code="0207", grid=world.other_micro,
                     phone="13812345678", address=f"建设路{n}号", hours_ago=30 * n)
    add_incident(db, station, clock, 5, code="0705", grid=world.district, closed=True,
                 revisit=True, hours_ago=3)
    run = tasks.run_follow_up_rules(duty, clock())
    created = {t.number: r for t, r in zip(run.created, run.reasons, strict=True)}
    assert len(created) == 3
    with db.sessions() as s:
        rows = s.execute(sa.select(Task.rule, Task.rule_key, Task.rule_reason, Task.assignee_officer_id)
                         .order_by(Task.id)).all()
    by_rule = {r.rule: r for r in rows}
    assert set(by_rule) == {"dispute_incident", "needs_revisit", "repeat_caller"}
    # The three calls are one caller and one matter: one task carries both reasons and keys.
    assert by_rule["repeat_caller"].rule_key == "repeat_caller:13812345678|repeat_matter:3:0207"
    assert "一事多警" in by_rule["repeat_caller"].rule_reason
    assert by_rule["dispute_incident"].assignee_officer_id == world.wang
    assert by_rule["repeat_caller"].assignee_officer_id == world.li
    assert "138****5678" in by_rule["repeat_caller"].rule_reason
    assert "需回访" in by_rule["needs_revisit"].rule_reason
    # Idempotent: a second run (another seat, a minute later) creates nothing.
    clock.advance(minutes=1)
    assert tasks.run_follow_up_rules(duty).created == ()


def test_daily_work_list(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    old = tasks.create_task(duty, "HC-01", "线索核查", grid_id=world.district)  # never signed
    clock.advance(hours=7)  # 16:00 China time
    warn = tasks.create_task(duty, "XF-01", "预警劝阻", grid_id=world.district)  # 3 h: 19:00
    night = tasks.create_task(duty, "CF-01", "重复警情核查", grid_id=world.district)  # 9 h: 01:00
    unsigned = tasks.create_task(duty, "JF-01", "纠纷回访", grid_id=world.district)  # sign by 16:30
    other = tasks.create_task(duty, "JF-01", "别人的", grid_id=world.other_micro)
    for ref in (warn, night):
        tasks.sign_task(duty, ref.id, ref.version)
    work = tasks.daily_work_list(duty, world.wang, date(2026, 11, 20))
    assert work.officer_name == "王建国" and work.officer_badge == "012345"
    assert [r.id for r in work.overdue] == [old.id]
    # Signing the new task is due at 16:30, the warning's feedback at 19:00; the 9-hour task
    # is due after midnight, so it belongs to tomorrow's list.
    assert [r.id for r in work.due_today] == [unsigned.id, warn.id]
    assert work.later == 1
    assert other.id not in {r.id for r in (*work.overdue, *work.due_today)}
    tomorrow = tasks.daily_work_list(duty, world.wang, date(2026, 11, 21))
    assert night.id in {r.id for r in tomorrow.due_today}


def test_follow_up_job_runs_rules_and_escalation_and_registers_once(db, station, clock, world):
    from apscheduler.schedulers.background import BackgroundScheduler

    from precinct_console.jobs.followup import ensure_followup_job, run_followup_job

    add_incident(db, station, clock, 1, code="0601", grid=world.district, hours_ago=1)
    with db.sessions() as s:
        task_id = s.scalar(sa.select(sa.func.max(Task.id)))
    assert task_id is None
    summary = run_followup_job(db.url, station.id, clock=clock)
    assert summary.startswith("1 follow-up task(s) created")
    clock.advance(minutes=31)  # nobody signed the new task
    summary = run_followup_job(db.url, station.id, clock=clock)
    assert summary.startswith("0 follow-up task(s) created, 1 escalated")
    scheduler = BackgroundScheduler()
    assert ensure_followup_job(scheduler, db.url, station.id, station.code) is True
    assert ensure_followup_job(scheduler, db.url, station.id, station.code) is False
    (job,) = scheduler.get_jobs()
    assert job.id == "followup-S01" and job.kwargs == {"db_url": db.url, "station_id": station.id}


def test_demo_follow_up_desk_is_lived_in_and_reproducible(db, station, clock, make_ctx, world):
    from precinct_console.demo.task_catalogue import seed_followups

    for n in range(1, 13):
        add_incident(db, station, clock, n, code="0602" if n % 3 else "0705",
                     grid=world.micro if n % 2 else world.other_micro, hours_ago=5 * n,
                     phone="13812345678" if n < 5 else "", closed=n % 4 == 0, revisit=n == 8)
    summary = seed_followups(make_ctx(Role.ADMIN), days=2, max_disputes=4)
    assert summary.tasks >= 8 and summary.disputes == 4
    assert summary.by_status.get("closed", 0) > 0
    assert sum(summary.by_status.values()) == summary.tasks
    with db.sessions() as s:
        events = s.scalars(sa.select(TaskEvent.kind).distinct()).all()
    assert {"sent", "signed", "fed_back", "verified"} <= set(events)


def test_two_seats_running_the_rules_at_once_create_each_task_once(db, station, clock, make_ctx, world):
    import threading

    add_incident(db, station, clock, 1, code="0602", grid=world.micro, hours_ago=1)
    add_incident(db, station, clock, 2, code="0604", grid=world.district, hours_ago=2)
    seats = [make_ctx(Role.DUTY_OFFICER, f"duty.{i}") for i in range(3)]
    barrier = threading.Barrier(len(seats))
    errors: list[BaseException] = []

    def run(ctx):
        barrier.wait()
        try:
            tasks.run_follow_up_rules(ctx)
            tasks.escalate_overdue(ctx)
        except BaseException as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with db.sessions() as s:
        keys = s.scalars(sa.select(Task.rule_key).order_by(Task.rule_key)).all()
    assert keys == ["dispute_incident:1", "dispute_incident:2"]


def test_follow_up_job_lives_in_the_shared_job_store_once(db, station, tmp_path):
    from precinct_console.jobs.followup import ensure_followup_job
    from precinct_console.jobs.scheduler import ExportScheduler

    # The PostgreSQL test database is shared by the session: start without earlier tests' jobs.
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS scheduled_jobs"))
    seat_a = ExportScheduler(db, tmp_path / "a", holder="seat-a")
    seat_b = ExportScheduler(db, tmp_path / "b", holder="seat-b")
    seat_a.start(renew_in_background=False)
    seat_b.start(renew_in_background=False)
    try:
        assert ensure_followup_job(seat_a.scheduler, db.url, station.id, station.code) is True
        # The other seat reads the same store: the job is there, it is not added twice.
        assert ensure_followup_job(seat_b.scheduler, db.url, station.id, station.code) is False
        job = seat_b.scheduler.get_job(f"followup-{station.code}")
        assert job.func_ref == "precinct_console.jobs.followup:run_followup_job"
        assert job.kwargs == {"db_url": db.url, "station_id": station.id}
    finally:
        seat_a.stop()
        seat_b.stop()


def test_a_returned_task_running_out_of_its_rework_window_alerts_and_escalates_again(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.district)  # 9 h
    ref = tasks.sign_task(duty, ref.id, ref.version)
    clock.advance(hours=10)
    assert tasks.escalate_overdue(duty).escalated == (ref.number,)  # feedback late
    ref = tasks.get_task_ref(duty, ref.id)
    ref = tasks.feed_back_task(duty, ref.id, ref.version, {"situation": "已办", "result": "已化解"})
    ref = tasks.return_task(duty, ref.id, ref.version, "请补充核查过程")
    clock.advance(hours=9, minutes=1)
    run = tasks.escalate_overdue(duty)
    assert run.escalated == (ref.number,) and run.breach_alerts == 1
    with db.sessions() as s:
        targets = s.scalars(sa.select(Alert.target).where(Alert.task_id == ref.id,
                                                          Alert.level == "breach")).all()
    assert sorted(targets) == ["task_feedback", "task_rework"]
    with pytest.raises(NotFoundError):
        tasks.create_task(duty, "HC-04", "x", dispute_id=999)


def _reassigned_audit(db, task_id):
    with db.sessions() as s:
        return s.scalars(sa.select(AuditEntry).where(
            AuditEntry.entity == "task", AuditEntry.entity_id == task_id,
            AuditEntry.action == "task.reassign").order_by(AuditEntry.id)).all()


def test_reassigning_a_signed_task_sends_it_afresh_to_the_new_officer(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    wang = community_ctx(db, make_ctx, world.wang)
    ref = tasks.create_task(duty, "JF-01", "幸福里3栋邻里纠纷回访", grid_id=world.district)
    feedback_due = clock() + timedelta(hours=24)
    clock.advance(minutes=5)
    ref = tasks.sign_task(wang, ref.id, ref.version)
    clock.advance(hours=2)
    ref = tasks.reassign_task(duty, ref.id, ref.version, world.li)
    # 李明 never signed: the task waits for his sign-off, with a full 30 minutes from now.
    row = tasks.task_rows(duty, [ref.id])[0]
    assert (row.status, row.assignee_id, row.signed_at) == ("sent", world.li, None)
    assert row.sign_due_at == clock() + timedelta(minutes=30)
    assert row.feedback_due_at == feedback_due  # the matter's deadline, still ahead: kept
    li = community_ctx(db, make_ctx, world.li, "li.sq")
    with pytest.raises(PermissionDenied):
        tasks.sign_task(wang, ref.id, ref.version)
    ref = tasks.sign_task(li, ref.id, ref.version)
    detail = tasks.task_detail(duty, ref.id)
    assert [e.kind for e in detail.events] == ["sent", "signed", "reassigned", "signed"]
    moved = detail.events[2]
    assert moved.at == clock() and moved.payload["status"] == "signed"
    from precinct_console.ui.tasks.detail import task_detail_html
    assert "王建国 → 李明" in task_detail_html(detail, clock())  # the history says who to whom
    audit = _reassigned_audit(db, ref.id)
    assert len(audit) == 1 and audit[0].at == clock()
    assert audit[0].after["status"] == "sent" and audit[0].after["signed_at"] is None


def test_reassigning_an_overdue_escalated_task_gives_fresh_windows_that_escalate_again(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "XF-01", "电诈预警劝阻：幸福里5栋", grid_id=world.district)
    clock.advance(minutes=40)  # sign-off was due at 30 minutes
    assert tasks.escalate_overdue(duty).escalated == (ref.number,)
    ref = tasks.get_task_ref(duty, ref.id)
    ref = tasks.reassign_task(duty, ref.id, ref.version, world.li)
    row = tasks.task_rows(duty, [ref.id])[0]
    assert row.sign_due_at == clock() + timedelta(minutes=30)
    assert row.escalated_at is None  # no ⇑ on the board for the new officer
    assert tasks.escalate_overdue(duty).escalated == ()  # 李明's window is still running
    # 3-hour feedback, 40 minutes in: still ahead of the new sign-off, so kept.
    assert row.feedback_due_at == clock() - timedelta(minutes=40) + timedelta(hours=3)
    assert tasks.task_detail(duty, ref.id).events[-1].payload["escalation_cleared"] is True
    clock.advance(minutes=31)  # 李明 lets his own window run out: escalated again
    run = tasks.escalate_overdue(duty)
    assert run.escalated == (ref.number,)
    assert run.breach_alerts >= 1  # and the command room hears it: 王建国's old alert does not silence it


def test_reassigning_a_task_whose_feedback_deadline_passed_gives_a_full_feedback_window(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "XF-01", "电诈预警劝阻：幸福里6栋", grid_id=world.district)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    clock.advance(hours=3, minutes=10)
    ref = tasks.reassign_task(duty, ref.id, ref.version, world.li)
    row = tasks.task_rows(duty, [ref.id])[0]
    assert row.status == "sent"
    assert row.sign_due_at == clock() + timedelta(minutes=30)
    assert row.feedback_due_at == clock() + timedelta(hours=3)


def test_reassigning_a_returned_task_does_not_count_the_old_feedback(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "上级交办：核查来信", grid_id=world.district)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    ref = tasks.feed_back_task(duty, ref.id, ref.version, {"situation": "已核查", "result": "已化解"})
    ref = tasks.return_task(duty, ref.id, ref.version, "未写明核查对象")
    ref = tasks.reassign_task(duty, ref.id, ref.version, world.li)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    row = tasks.task_rows(duty, [ref.id])[0]
    # 李明 owes the feedback now: the old feedback is neither "done" nor "in time" for him.
    assert (row.fed_back_at, row.returned_at) == (None, None)
    clock.advance(hours=10)
    run = tasks.escalate_overdue(duty)
    assert run.escalated == (ref.number,)


def _sign_state_in_detail(duty, task_id, now):
    from precinct_console.ui.tasks.detail import task_detail_html
    html = task_detail_html(tasks.task_detail(duty, task_id), now)
    return re.search(r"Sign by</td><td>[^<]*<span[^>]*>([^<]*)</span>", html).group(1)


def test_a_task_reassigned_late_is_not_near_at_the_handover_on_board_detail_or_alerts(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "JF-01", "幸福里3栋邻里纠纷回访", grid_id=world.district)  # 09:00
    clock.advance(hours=11)
    ref = tasks.reassign_task(duty, ref.id, ref.version, world.li)  # 20:00, sign-off by 20:30
    # 李明 has his full 30 minutes: on time everywhere (measured from 09:00 it was 96 % gone).
    row = next(r for r in tasks.list_open_tasks(duty) if r.id == ref.id)
    assert active_countdown(row.times, clock()).state is CountdownState.PENDING
    assert _sign_state_in_detail(duty, ref.id, clock()) == "◷ on time"
    assert tasks.escalate_overdue(duty).near_alerts == 0
    clock.advance(minutes=24)  # 80 % of his window
    row = tasks.task_rows(duty, [ref.id])[0]
    assert active_countdown(row.times, clock()).state is CountdownState.NEAR
    assert _sign_state_in_detail(duty, ref.id, clock()) == "▲ near"
    run = tasks.escalate_overdue(duty)
    assert (run.near_alerts, run.breach_alerts) == (1, 0)
    # His work list and the grid card read the same rows.
    work = tasks.daily_work_list(duty, world.li, date(2026, 11, 20))
    assert [r.reassigned_at for r in work.due_today] == [clock() - timedelta(minutes=24)]
    assert tasks.tasks_for_grid(duty, world.district)[0].reassigned_at == clock() - timedelta(minutes=24)


def test_a_task_returned_twice_alerts_in_each_rework_window(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "上级交办：核查来信", grid_id=world.district)  # 9 h
    ref = tasks.sign_task(duty, ref.id, ref.version)
    for reason in ("未写明核查对象", "仍缺核查过程"):
        ref = tasks.feed_back_task(duty, ref.id, ref.version, {"situation": "已核查", "result": "已化解"})
        ref = tasks.return_task(duty, ref.id, ref.version, reason)
        clock.advance(hours=7)  # 78 % of the rework window
        assert tasks.escalate_overdue(duty).near_alerts == 0
        clock.advance(minutes=13)  # 80 %: the command room hears it, the second time too
        assert tasks.escalate_overdue(duty).near_alerts == 1
        clock.advance(hours=2)
        run = tasks.escalate_overdue(duty)
        assert (run.breach_alerts, run.escalated) == (1, (ref.number,))
        ref = tasks.get_task_ref(duty, ref.id)
    with db.sessions() as s:
        alerts = s.execute(sa.select(Alert.target, Alert.level).where(Alert.task_id == ref.id)
                           .order_by(Alert.id)).all()
    assert alerts == [("task_rework", "near"), ("task_rework", "breach")] * 2


def _count(db, model):
    with db.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def test_no_task_goes_to_an_officer_off_the_roll(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.district)  # to 王建国
    with db.sessions() as s:
        s.execute(sa.update(Officer).where(Officer.id == world.li).values(active=False))
        s.commit()
    written = (_count(db, Task), _count(db, TaskEvent), _count(db, AuditEntry))
    with pytest.raises(ValidationError, match=r"field 'assignee': 李明 \(012346\) is no longer on the roll"):
        tasks.create_task(duty, "HC-04", "交办事项", assignee_officer_id=world.li)
    with pytest.raises(ValidationError, match=r"field 'assignee': 李明 \(012346\) is no longer on the roll"):
        tasks.reassign_task(duty, ref.id, ref.version, world.li)
    assert (_count(db, Task), _count(db, TaskEvent), _count(db, AuditEntry)) == written
    assert tasks.task_rows(duty, [ref.id])[0].assignee_id == world.wang
    # Routed by grid: 李明's grid names nobody on the roll, so the task waits unassigned.
    routed = tasks.create_task(duty, "HC-04", "城关二警务区交办", grid_id=world.other_micro)
    assert tasks.task_rows(duty, [routed.id])[0].assignee_id is None


def test_reassigning_to_the_officer_who_has_the_task_is_refused(db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "交办事项", grid_id=world.district)  # to 王建国
    written = (_count(db, TaskEvent), _count(db, AuditEntry))
    with pytest.raises(ValidationError,
                       match=r"field 'assignee': task RW202611200001 is already assigned to 王建国 \(012345\)"):
        tasks.reassign_task(duty, ref.id, ref.version, world.wang)
    assert (_count(db, TaskEvent), _count(db, AuditEntry)) == written
    assert [e.kind for e in tasks.task_detail(duty, ref.id).events] == ["sent"]


def test_typed_text_is_held_to_limits_and_nothing_is_written_on_refusal(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    before = (_count(db, Task), _count(db, TaskEvent), _count(db, AuditEntry))
    with pytest.raises(ValidationError, match="field 'detail': is longer than 4000 characters"):
        tasks.create_task(duty, "HC-04", "交办事项", detail="详" * 1_000_000, grid_id=world.district)
    assert (_count(db, Task), _count(db, TaskEvent), _count(db, AuditEntry)) == before
    ref = tasks.create_task(duty, "HC-04", "交办事项", detail="详" * 4000, grid_id=world.district)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    ref = tasks.feed_back_task(duty, ref.id, ref.version, {"situation": "已核查", "result": "已化解"})
    written = (_count(db, TaskEvent), _count(db, AuditEntry))
    with pytest.raises(ValidationError, match="field 'reason': is longer than 500 characters"):
        tasks.return_task(duty, ref.id, ref.version, "x" * 1_000_000)
    with pytest.raises(ValidationError, match="field 'note': is longer than 500 characters"):
        tasks.verify_task(duty, ref.id, ref.version, "x" * 501)
    assert (_count(db, TaskEvent), _count(db, AuditEntry)) == written
    assert tasks.task_rows(duty, [ref.id])[0].status == "fed_back"
    assert tasks.return_task(duty, ref.id, ref.version, "x" * 500).status == "returned"


def test_visit_date_lies_between_the_day_sent_and_today_in_china_time(
        db, station, clock, make_ctx, world):
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "JF-01", "幸福里邻里纠纷回访", grid_id=world.district)  # 11-20 09:00
    ref = tasks.sign_task(duty, ref.id, ref.version)
    values = {"visited_on": "2026-11-20", "met_in_person": True, "result": "已化解",
              "risk_after": "低", "situation": "已上门"}
    for day, problem in (("2026-12-20", "cannot be after today (2026-11-20)"),
                         ("1990-01-01", "cannot be before the task was sent (2026-11-20)"),
                         ("2026-11-19", "cannot be before the task was sent")):
        with pytest.raises(ValidationError, match=r"field 'visited_on'") as err:
            tasks.feed_back_task(duty, ref.id, ref.version, {**values, "visited_on": day})
        assert problem in str(err.value)
    assert tasks.task_rows(duty, [ref.id])[0].status == "signed"
    # 01:00 on the 21st in China is still the 20th in UTC: the officer's "today" is the 21st.
    clock.advance(hours=16)
    ref = tasks.feed_back_task(duty, ref.id, ref.version, {**values, "visited_on": "2026-11-21"})
    assert tasks.task_detail(duty, ref.id).feedback["visited_on"] == "2026-11-21"
