"""Response alerts across a simulated clock, their audited acknowledgement, and the handover."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import alerts, handover
from precinct_console.services import incidents as inc
from precinct_console.storage.models import Alert, AuditEntry, Task

from .incident_fixtures import add_units, seat


def draft(**kw) -> inc.IncidentDraft:
    base = {"channel": "110", "category_code": "0202", "address": "城关路12号"}
    return inc.IncidentDraft(**{**base, **kw})


def test_alerts_rise_once_per_target_and_level_as_the_clock_runs(db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft())
    clock.advance(seconds=30)
    assert alerts.evaluate_alerts(duty) == []
    clock.advance(seconds=20)  # 50 s: the 1-minute target is past 80 %
    raised = alerts.evaluate_alerts(duty)
    assert [(a.target, a.level) for a in raised] == [("on_way", "near")]
    assert raised[0].incident_number == v.number and raised[0].address == "城关路12号"
    assert alerts.evaluate_alerts(duty) == []  # idempotent: nothing new
    # Another seat checking at the same moment raises nothing twice.
    assert alerts.evaluate_alerts(seat(duty, "seat-2")) == []
    clock.advance(seconds=11)
    assert [(a.target, a.level) for a in alerts.evaluate_alerts(duty)] == [("on_way", "breach")]
    clock.advance(minutes=10)
    levels = sorted((a.target, a.level) for a in alerts.evaluate_alerts(duty))
    # A seat that was off while the timer passed near raises just the breach.
    assert levels == [("on_scene", "breach"), ("reinforcement", "breach")]
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Alert)) == 4


def test_acknowledgement_is_audited_and_not_repeated(db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    inc.intake_incident(duty, draft())
    clock.advance(minutes=2)
    alert = alerts.evaluate_alerts(duty)[0]
    assert [a.id for a in alerts.list_alerts(duty)] == [alert.id]
    with pytest.raises(PermissionDenied):
        alerts.acknowledge_alert(make_ctx(Role.VIEWER), alert.id)
    acked = alerts.acknowledge_alert(duty, alert.id)
    assert acked.acknowledged_at == clock.now and acked.acknowledged_by == "duty.li"
    assert alerts.list_alerts(duty) == []
    with pytest.raises(ValidationError, match="already acknowledged by duty.li") as twice:
        alerts.acknowledge_alert(duty, alert.id)
    # The time the officer reads is the station's clock, not UTC in ISO form.
    local = clock.now.astimezone(CHINA_TZ)
    assert str(twice.value).endswith(f"at {local:%m-%d %H:%M:%S}")
    with db.sessions() as s:
        entry = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "alert.acknowledge")).one()
        assert (entry.username, entry.workstation, entry.entity_id) == ("duty.li", "seat-1", alert.id)


def test_a_breach_stands_for_the_near_alert_of_its_timer(db, make_ctx, clock):
    """Not ▲临近超时 beside ✖超时 for the same call and target: the breach is listed, and
    acknowledging it acknowledges the near one as well, by the same officer."""
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    inc.intake_incident(duty, draft())
    other = inc.intake_incident(duty, draft(address="解放路1号"))
    clock.advance(seconds=50)
    near = alerts.evaluate_alerts(duty)
    assert sorted(a.level for a in near) == ["near", "near"]
    clock.advance(seconds=11)
    breach = alerts.evaluate_alerts(duty)
    assert sorted((a.target, a.level) for a in breach) == [("on_way", "breach")] * 2
    mine = next(b for b in breach if b.incident_number != other.number)
    waiting = alerts.list_alerts(duty)
    assert sorted(a.id for a in waiting) == sorted(b.id for b in breach)
    alerts.acknowledge_alert(duty, mine.id)
    # The other call's breach still waits; its near alert stays behind it.
    assert [a.incident_number for a in alerts.list_alerts(duty)] == [other.number]
    everything = alerts.list_alerts(duty, unacknowledged=False)
    acked = [a for a in everything if a.incident_number != other.number]
    assert sorted(a.level for a in acked) == ["breach", "near"]
    assert all(a.acknowledged_by == "duty.li" and a.acknowledged_at == clock.now for a in acked)


def test_two_seats_acknowledging_at_once_one_wins_and_the_other_is_told_who(db, make_ctx, clock):
    import threading
    import time

    first = make_ctx(Role.DUTY_OFFICER, "duty.li")
    second = seat(make_ctx(Role.DUTY_OFFICER, "duty.wang"), "seat-2")
    inc.intake_incident(first, draft())
    clock.advance(minutes=2)
    alert = alerts.evaluate_alerts(first)[0]
    with db.sessions() as s:
        li = s.scalar(sa.text("SELECT id FROM users WHERE username = 'duty.li'"))
    outcome: list[object] = []
    # Seat 1's acknowledgement is written but not yet committed when seat 2 presses.
    with db.engine.connect() as seat1:
        seat1.execute(sa.text("UPDATE alerts SET acknowledged_at = :at, acknowledged_by = :u "
                              "WHERE id = :id"), {"at": clock.now, "u": li, "id": alert.id})

        def press():
            try:
                outcome.append(alerts.acknowledge_alert(second, alert.id))
            except Exception as exc:  # reported on the test's thread
                outcome.append(exc)

        t = threading.Thread(target=press)
        t.start()
        time.sleep(0.5)  # seat 2 is waiting on seat 1 now
        seat1.commit()
        t.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], ValidationError), outcome
    assert "already acknowledged by duty.li" in str(outcome[0])
    with db.sessions() as s:
        assert s.get(Alert, alert.id).acknowledged_by == li  # the first press stands


def test_handled_incidents_raise_no_more_unit_alerts(db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft(category_code="0705"))
    clock.advance(seconds=30)
    inc.advance_incident(duty, v.id, "handled")
    clock.advance(minutes=30)
    assert alerts.evaluate_alerts(duty) == []


def test_handover_lists_open_incidents_breaches_tasks_and_is_signed_by_two_officers(
        db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    out = make_ctx(Role.DUTY_OFFICER, "duty.out")
    incoming = make_ctx(Role.DUTY_OFFICER, "duty.in")
    start = clock.now
    quick = inc.intake_incident(out, draft(category_code="0705", address="东街"))
    inc.dispatch_unit(out, quick.id, ids["巡1"])
    clock.advance(seconds=30)
    inc.advance_incident(out, quick.id, "set_off")
    clock.advance(seconds=60)
    inc.advance_incident(out, quick.id, "arrived")
    inc.advance_incident(out, quick.id, "handled")
    inc.advance_incident(out, quick.id, "closed")
    # Handled, waiting for feedback: its unit has cleared, the report still says who went.
    waiting = inc.intake_incident(out, draft(category_code="0705", address="西街"))
    inc.dispatch_unit(out, waiting.id, ids["巡1"])
    for step in ("set_off", "arrived", "handled"):
        clock.advance(seconds=30)
        inc.advance_incident(out, waiting.id, step)
    late = inc.intake_incident(out, draft(priority=1))
    with db.sessions() as s:
        s.add(Task(station_id=station.id, number="T1", title="回访王女士", status="sent",
                   created_at=clock.now, sign_due_at=clock.now + timedelta(minutes=30),
                   feedback_due_at=clock.now + timedelta(hours=24)))
        s.commit()
    clock.advance(hours=2)
    report = handover.build_handover(out, start, clock.now, notes="注意城关路")
    c = report.content
    assert c["received"] == 3 and c["closed"] == 1
    assert [(o["number"], o["units"]) for o in c["open_incidents"]] == [
        (waiting.number, "巡1（已收队）"), (late.number, "")]
    assert {b["number"] for b in c["breaches"]} == {late.number}
    assert [t["title"] for t in c["pending_tasks"]] == ["回访王女士"] and c["pending_tasks"][0]["overdue"]
    assert any("一级警情" in n["why"] for n in c["notable"])
    text = handover.handover_text(report)
    assert late.number in text and "回访王女士" in text and "交班人：（未签）" in text
    assert "回访王女士 待签收 截止" in text  # the task's state in Chinese, not the stored code
    assert "接班巡逻部署（0）" in text and "无已采纳的巡逻布警方案" in text
    with pytest.raises(ValidationError, match="outgoing officer signs first"):
        handover.sign_handover(incoming, report.id, "incoming")
    signed = handover.sign_handover(out, report.id, "outgoing")
    with pytest.raises(ValidationError, match="someone else"):
        handover.sign_handover(out, report.id, "incoming")
    done = handover.sign_handover(incoming, report.id, "incoming", expected_version=signed.version)
    assert done.complete and (done.outgoing_by, done.incoming_by) == ("duty.out", "duty.in")
    with pytest.raises(ValidationError, match="already signed"):
        handover.build_handover(out, start, clock.now - timedelta(hours=2) + timedelta(hours=2))
    assert [h.id for h in handover.list_handovers(out)] == [report.id]


def test_two_seats_evaluating_at_the_same_moment_raise_each_alert_once(db, make_ctx, clock):
    import threading

    duty = make_ctx(Role.DUTY_OFFICER)
    for i in range(5):
        inc.intake_incident(duty, draft(address=f"北街{i}号"))
    clock.advance(seconds=150)
    seats = [seat(duty, "seat-1"), seat(duty, "seat-2")]
    raised: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def check(ctx):
        try:
            start.wait()
            raised.extend(a.id for a in alerts.evaluate_alerts(ctx))
        except BaseException as exc:  # reported on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=check, args=(c,)) for c in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    # Five incidents, each with the 1-minute target breached and the 3-minute one near.
    assert len(raised) == len(set(raised)) == 10
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Alert)) == 10


def test_a_running_shifts_handover_counts_breaches_and_overdue_tasks_as_of_now(db, make_ctx, station, clock):
    """Compiled at 22:25 for the shift ending at 08:30 tomorrow: a call received two minutes
    ago is over its 1-minute target by about a minute, not by the ten hours still to come, and a
    task due at midnight is not overdue yet."""
    out = make_ctx(Role.DUTY_OFFICER, "duty.out")
    start = clock.now - timedelta(hours=14)
    end = clock.now + timedelta(hours=10)
    late = inc.intake_incident(out, draft(category_code="0705", address="解放路12号"))
    with db.sessions() as s:
        s.add(Task(station_id=station.id, number="T2", title="回访李先生", status="signed",
                   created_at=clock.now, sign_due_at=clock.now + timedelta(minutes=30),
                   feedback_due_at=clock.now + timedelta(hours=2)))
        s.commit()
    clock.advance(minutes=2)
    c = handover.build_handover(out, start, end).content
    over = {b["target"]: b["over_s"] for b in c["breaches"] if b["number"] == late.number}
    assert over and max(over.values()) <= 120  # as of now, not as of the shift's end
    [task] = [t for t in c["pending_tasks"] if t["title"] == "回访李先生"]
    assert not task["overdue"]


def test_a_call_received_just_before_the_handover_that_runs_out_after_it_is_the_incoming_shifts(
        db, make_ctx, clock):
    """Received at 08:28:30 with the handover at 08:30 and nobody sent: its 1-minute target ran
    out at 08:29:30, on the outgoing shift, its 3- and 5-minute ones at 08:31:30 and 08:33:30, on
    the incoming shift.
    The incoming report used to list only calls received on its own shift, so that breach was in
    no report at all."""
    out = make_ctx(Role.DUTY_OFFICER, "duty.out")
    change = clock.now - timedelta(minutes=30)  # 08:30 China time
    clock.now = change - timedelta(seconds=90)
    late = inc.intake_incident(out, draft(address="北关路3号"))
    clock.now = change + timedelta(hours=1)
    before = handover.build_handover(out, change - timedelta(hours=24), change).content
    after = handover.build_handover(out, change, change + timedelta(hours=24)).content
    assert [(b["number"], b["target"]) for b in before["breaches"]] == [(late.number, "1分钟出警")]
    assert [(b["number"], b["target"], b["over_s"]) for b in after["breaches"]] == [
        (late.number, "3分钟到场", 3600 + 90 - 180), (late.number, "5分钟增援", 3600 + 90 - 300)]
    assert after["received"] == 0  # still counted as received by the shift that took the call


def test_every_alert_waiting_is_listed_however_many_a_surge_raised(db, make_ctx, clock):
    """A surge left over 200 alerts waiting: the list kept only the newest 200, so the oldest
    breaches left the duty officer's list (and the count) without anyone acknowledging them."""
    duty = make_ctx(Role.DUTY_OFFICER)
    first = inc.intake_incident(duty, draft(address="城关路1号"))
    for i in range(2, 71):
        inc.intake_incident(duty, draft(address=f"城关路{i}号"))
    clock.advance(minutes=11)
    raised = alerts.evaluate_alerts(duty)
    assert len(raised) > 200
    waiting = alerts.list_alerts(duty)
    assert len(waiting) == len(raised)
    assert first.number in {a.incident_number for a in waiting}
    assert len(alerts.list_alerts(duty, unacknowledged=False)) == 200  # the history stays capped
