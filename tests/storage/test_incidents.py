"""Incident intake, numbering, repeats, the whole life cycle, corrections, reopening, conflicts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import ConflictError, PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import incidents as inc
from precinct_console.services import units as units_svc
from precinct_console.storage.models import (
    AuditEntry,
    ChangeRecord,
    Incident,
    IncidentCounter,
    IncidentEvent,
)

from .incident_fixtures import LAT, LON, add_grid, add_key_site, add_units, seat


def draft(**kw) -> inc.IncidentDraft:
    base = {"channel": "110", "category_code": "0601", "address": "城关路12号",
            "caller_name": "王女士", "caller_phone": "13800138000", "content": "夫妻吵架"}
    return inc.IncidentDraft(**{**base, **kw})


def _count(db, model) -> int:
    with db.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def test_intake_numbers_per_day_locates_the_grid_and_records_who_took_it(db, make_ctx, station, clock):
    grid = add_grid(db, station.id)
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    first = inc.intake_incident(duty, draft(lon=LON + 0.001, lat=LAT))
    second = inc.intake_incident(duty, draft(address="东大街3号", caller_phone="", category_code="0705"))
    assert (first.number, second.number) == ("20261120-0001", "20261120-0002")
    assert first.grid_id == grid and first.grid_code == "D01-S01"
    assert first.status == "received" and first.status_label == "接警"
    assert first.category_name == "纠纷/家庭纠纷" and first.priority == 2
    assert first.change.ids("incident") == {first.id}
    # The next China-time day starts again at 0001 (16:00 UTC is midnight in Beijing).
    clock.advance(hours=15)
    assert inc.intake_incident(duty, draft(address="西街")).number == "20261121-0001"
    with db.sessions() as s:
        ev = s.scalar(sa.select(IncidentEvent).where(IncidentEvent.incident_id == first.id))
        assert (ev.kind, ev.username, ev.workstation) == ("received", "duty.li", "seat-1")
        audit = s.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "incident",
                                                     AuditEntry.entity_id == first.id))
        assert audit.action == "incident.create" and audit.after["address"] == "城关路12号"
        assert s.scalar(sa.select(sa.func.count()).select_from(ChangeRecord)
                        .where(ChangeRecord.entity == "incident")) == 3


@pytest.mark.parametrize(("change", "field"), [
    ({"channel": "telegram"}, "channel"),
    ({"category_code": "9999"}, "category_code"),
    ({"address": "  "}, "address"),
    ({"caller_phone": "call me maybe"}, "caller_phone"),
    ({"priority": 7}, "priority"),
    ({"lon": 116.4}, "lat"),
    ({"lon": 500.0, "lat": 39.9}, "lon"),
])
def test_bad_input_names_the_field_and_writes_nothing(db, make_ctx, change, field):
    duty = make_ctx(Role.DUTY_OFFICER)
    with pytest.raises(ValidationError) as err:
        inc.intake_incident(duty, draft(**change))
    assert err.value.field == field
    assert _count(db, Incident) == 0 and _count(db, IncidentCounter) == 0


def test_two_seats_taking_calls_at_once_get_distinct_consecutive_numbers(db, make_ctx):
    seats = [seat(make_ctx(Role.DUTY_OFFICER, "duty.a"), "seat-1"),
             seat(make_ctx(Role.DUTY_OFFICER, "duty.b"), "seat-2")]
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def take(ctx):
        try:
            start.wait()
            for i in range(12):
                numbers.append(inc.intake_incident(ctx, draft(address=f"{ctx.actor.username}路{i}号",
                                                             caller_phone="")).number)
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(c,)) for c in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(numbers) == [f"20261120-{i:04d}" for i in range(1, 25)]


def test_repeat_caller_place_and_matter_are_warned_flagged_and_a_duplicate_call_can_be_linked(
        db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER)
    first = inc.intake_incident(duty, draft(lon=LON, lat=LAT))
    clock.advance(minutes=20)
    again = draft(caller_phone="+86 138 0013 8000", address="城关路12号附近", content="夫妻又在吵架",
                  lon=LON + 0.0003, lat=LAT)
    warning = inc.check_repeats(duty, again)
    assert [m.number for m in warning.matches] == [first.number]
    assert warning.matches[0].kinds == {"caller", "place", "matter"}
    assert warning.open_matches  # still open: a duplicate call can be linked to it
    # Linked: no new incident, the call is in the first one's history.
    linked = inc.intake_incident(duty, again, link_to=first.id)
    assert linked.id == first.id and linked.linked_calls == 1
    assert _count(db, Incident) == 1
    # Taken as a new incident instead: it carries the repeat flags the board shows.
    new = inc.intake_incident(duty, again)
    assert (new.repeat_caller, new.repeat_place, new.repeat_matter) == (True, True, True)
    assert new.repeat_flags == "人地事"
    assert inc.get_incident(duty, new.id).linked_to_number == first.number
    assert not inc.check_repeats(duty, draft(caller_phone="13900000000", address="远处",
                                             category_code="0705", content="丢了钱包"))


def test_place_tier_comes_from_key_sites(db, make_ctx, station):
    add_key_site(db, station.id, LON, LAT)
    duty = make_ctx(Role.DUTY_OFFICER)
    assert inc.intake_incident(duty, draft(lon=LON + 0.001, lat=LAT)).place_tier == "key_site"
    assert inc.intake_incident(duty, draft(lon=LON + 0.01, lat=LAT)).place_tier == "other"


def test_reinforcement_with_no_first_unit_is_refused_and_nothing_is_sent(db, make_ctx, station, clock):
    """Shift+D on a new call sent the unit as reinforcement alone: it reached the scene with no
    first arrival recorded, so the incident could never be handled and the unit stayed there."""
    ids = add_units(db, station.id, [("巡1", "car", 0.003), ("巡2", "car", 0.006)])
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    v = inc.intake_incident(duty, draft(category_code="0202", lon=LON, lat=LAT))
    with pytest.raises(ValidationError, match=f"no first unit is on incident {v.number}: send one first") as err:
        inc.dispatch_unit(duty, v.id, ids["巡1"], role="reinforcement")
    assert err.value.field == "role"
    detail = inc.get_incident(duty, v.id)
    assert detail.row.status == "received" and detail.dispatches == ()
    assert {u.call_sign: u.status for u in units_svc.list_units(duty)}["巡1"] == "available"
    # Once a first unit is sent, a second goes as reinforcement.
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    assert inc.dispatch_unit(duty, v.id, ids["巡2"], role="reinforcement").units == ("巡1", "巡2")


def test_whole_life_cycle_with_reinforcement_moves_units_and_stamps_every_step(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003), ("巡2", "car", 0.006)])
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    v = inc.intake_incident(duty, draft(category_code="0202", lon=LON, lat=LAT))  # fight
    assert v.needs_reinforcement
    clock.advance(seconds=15)
    v = inc.dispatch_unit(duty, v.id, ids["巡1"])
    assert v.status == "dispatched" and v.units == ("巡1",)
    clock.advance(seconds=10)
    v = inc.advance_incident(duty, v.id, "signed")
    clock.advance(seconds=20)
    v = inc.advance_incident(duty, v.id, "set_off")
    assert {u.call_sign: u.status for u in units_svc.list_units(duty)}["巡1"] == "en_route"
    clock.advance(seconds=30)
    v = inc.dispatch_unit(duty, v.id, ids["巡2"], role="reinforcement")
    # Two units on it now, both on their way: an arrival must say which unit...
    with pytest.raises(ValidationError, match="name the unit"):
        inc.advance_incident(duty, v.id, "arrived")
    # ...while a sign-for can only be the new unit's.
    inc.advance_incident(duty, v.id, "signed")
    clock.advance(seconds=90)
    v = inc.advance_incident(duty, v.id, "arrived", unit_id=ids["巡1"])
    clock.advance(seconds=60)
    v = inc.advance_incident(duty, v.id, "arrived", unit_id=ids["巡2"])
    assert v.reinforcement_arrived_at == clock.now and v.status == "arrived"
    states = {u.call_sign: (u.status, u.incident_number) for u in units_svc.list_units(duty)}
    assert states == {"巡1": ("on_scene", v.number), "巡2": ("on_scene", v.number)}
    clock.advance(minutes=20)
    v = inc.advance_incident(duty, v.id, "handled", summary="双方已调解", result="调解")
    assert v.units == () and {u.status for u in units_svc.list_units(duty)} == {"returning"}
    clock.advance(minutes=5)
    v = inc.advance_incident(duty, v.id, "fed_back")
    v = inc.advance_incident(duty, v.id, "closed")
    assert v.status == "closed" and not v.is_open
    detail = inc.get_incident(duty, v.id)
    assert [e.kind for e in detail.events] == [
        "received", "dispatched", "signed", "set_off", "dispatched", "signed", "arrived",
        "reinforcement_arrived", "handled", "cleared", "cleared", "fed_back", "closed"]
    assert {(e.username, e.workstation) for e in detail.events} == {("duty.li", "seat-1")}
    assert [(d.call_sign, d.role) for d in detail.dispatches] == [("巡1", "first"), ("巡2", "reinforcement")]
    assert detail.dispatches[0].signed_at is not None and detail.dispatches[1].arrived_at == v.reinforcement_arrived_at
    assert detail.row.units == ("巡1", "巡2")  # a closed incident lists everyone sent
    assert [r.id for r in inc.list_open_incidents(duty)] == []
    assert [r.number for r in inc.search_incidents(duty, "调解")] == [v.number]


def test_steps_out_of_order_or_for_a_busy_unit_are_refused(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    duty = make_ctx(Role.DUTY_OFFICER)
    a = inc.intake_incident(duty, draft())
    b = inc.intake_incident(duty, draft(address="东大街"))
    with pytest.raises(ValidationError, match="next may be: dispatched, handled"):
        inc.advance_incident(duty, a.id, "arrived")
    inc.dispatch_unit(duty, a.id, ids["巡1"])
    with pytest.raises(ValidationError, match=f"巡1 is dispatched on incident {a.number}"):
        inc.dispatch_unit(duty, b.id, ids["巡1"])
    # Times in the refusal read as the board's clock does: China time, not UTC ISO text.
    with pytest.raises(ValidationError, match=r"^field 'at': 2026-11-20 08:55:00 is before .*"
                                              r"\(2026-11-20 09:00:00\)$"):
        inc.advance_incident(duty, a.id, "set_off", at=clock.now - timedelta(minutes=5))


def test_a_correction_is_a_new_entry_and_the_original_stays(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft())
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    clock.advance(minutes=5)
    v = inc.advance_incident(duty, v.id, "arrived")  # recorded late
    arrived = next(e for e in inc.get_incident(duty, v.id).events if e.kind == "arrived")
    with pytest.raises(ValidationError, match="field 'reason'"):
        inc.correct_event(duty, v.id, arrived.id, at=clock.now - timedelta(minutes=3), reason=" ")
    with pytest.raises(ValidationError, match="would come before"):
        inc.correct_event(duty, v.id, arrived.id, at=clock.now - timedelta(hours=1), reason="x")
    v = inc.correct_event(duty, v.id, arrived.id, at=clock.now - timedelta(minutes=3),
                          reason="按对讲记录更正")
    assert v.arrived_at == clock.now - timedelta(minutes=3)
    detail = inc.get_incident(duty, v.id)
    kept = next(e for e in detail.events if e.id == arrived.id)
    fix = detail.events[-1]
    assert kept.at == clock.now  # the original entry is untouched
    assert fix.kind == "correction" and fix.corrects_event_id == arrived.id
    assert fix.payload["reason"] == "按对讲记录更正"
    assert detail.dispatches[0].arrived_at == v.arrived_at  # the unit's own time follows
    # Voiding a step recorded by mistake takes it out of the projection.
    v = inc.correct_event(duty, v.id, arrived.id, void=True, reason="误点")
    assert v.arrived_at is None and v.status == "dispatched"


def test_reopen_needs_a_reason_and_brings_the_incident_back_on_the_board(db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft(category_code="0901"))
    v = inc.advance_incident(duty, v.id, "handled")
    v = inc.advance_incident(duty, v.id, "closed")
    with pytest.raises(ValidationError, match="field 'reason'"):
        inc.reopen_incident(duty, v.id, "")
    clock.advance(hours=1)
    v = inc.reopen_incident(duty, v.id, "报警人再次来电")
    assert v.status == "received" and v.closed_at is None and v.handled_at is None
    assert [r.id for r in inc.list_open_incidents(duty)] == [v.id]
    assert inc.get_incident(duty, v.id).events[-1].payload == {"reason": "报警人再次来电", "was": "closed"}
    with pytest.raises(ValidationError, match="still open"):
        inc.reopen_incident(duty, v.id, "again")


def test_two_seats_on_one_incident_the_second_gets_a_conflict_naming_who(db, make_ctx, station):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    li = seat(make_ctx(Role.DUTY_OFFICER, "duty.li"), "seat-1")
    wang = seat(make_ctx(Role.DUTY_OFFICER, "duty.wang"), "seat-2")
    v = inc.intake_incident(li, draft())
    seen = inc.get_incident_rows(wang, [v.id])[0]  # both boards show this version
    inc.dispatch_unit(li, v.id, ids["巡1"], expected_version=v.version)
    with pytest.raises(ConflictError) as err:
        inc.advance_incident(wang, v.id, "handled", expected_version=seen.version)
    assert "duty.li" in str(err.value) and "seat-1" in str(err.value)
    assert inc.get_incident_rows(wang, [v.id])[0].status == "dispatched"


def test_recommendation_ranks_real_units_and_dispatch_of_the_best(db, make_ctx, station):
    ids = add_units(db, station.id, [("远", "car", 0.05), ("近", "car", 0.004), ("忙", "car", 0.001)])
    duty = make_ctx(Role.DUTY_OFFICER)
    busy = inc.intake_incident(duty, draft(address="别处"))
    inc.dispatch_unit(duty, busy.id, ids["忙"])
    v = inc.intake_incident(duty, draft(category_code="0705", lon=LON, lat=LAT))
    rec = inc.recommend_units(duty, v.id)
    assert [o.call_sign for o in rec.options] == ["近", "远"] and rec.unavailable == ("忙",)
    assert rec.shortfall is None and rec.best.meets_target
    v = inc.dispatch_unit(duty, v.id, rec.best.unit_id)
    assert v.units == ("近",)
    # Nobody near enough: said plainly.
    far = inc.intake_incident(duty, draft(address="山里", category_code="0705", lon=LON + 0.2, lat=LAT))
    assert "No unit can reach 山里" in inc.recommend_units(duty, far.id).shortfall


def test_unit_status_and_positions(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft())
    sent = inc.dispatch_unit(duty, v.id, ids["巡1"])
    # Announced as the unit's state, which panels showing what a unit is (the roster) skip.
    assert ("unit", ids["巡1"], "status") in {(i.entity, i.entity_id, i.action) for i in sent.change.items}
    with pytest.raises(ValidationError, match=f"on incident {v.number}"):
        units_svc.set_unit_status(duty, ids["巡1"], "off_duty")
    with pytest.raises(ValidationError, match="follows the incident's steps"):
        units_svc.set_unit_status(duty, ids["巡1"], "on_scene")
    row = units_svc.update_unit_position(duty, ids["巡1"], LON + 0.001, LAT)
    assert row.lon == pytest.approx(LON + 0.001) and row.change.ids("unit") == {ids["巡1"]}
    # An older report arriving late does not move the unit back.
    units_svc.update_unit_position(duty, ids["巡1"], LON + 0.5, LAT, at=clock.now - timedelta(minutes=1))
    assert units_svc.list_units(duty)[0].lon == pytest.approx(LON + 0.001)
    # The position report did not make the dispatcher's view of the unit stale.
    inc.advance_incident(duty, v.id, "arrived")
    inc.advance_incident(duty, v.id, "handled")
    assert units_svc.list_units(duty)[0].status == "returning"
    # Back at its post, it is available again by itself.
    units_svc.update_unit_position(duty, ids["巡1"], LON + 0.0031, LAT, at=clock.now + timedelta(seconds=1))
    assert units_svc.list_units(duty)[0].status == "available"
    assert units_svc.set_unit_status(duty, ids["巡1"], "off_duty").status == "off_duty"


def test_viewers_cannot_take_incidents(make_ctx):
    with pytest.raises(PermissionDenied):
        inc.intake_incident(make_ctx(Role.VIEWER), draft())


def test_response_profile_is_stored_per_station_and_audited(db, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF)
    assert inc.get_response_profile(chief).key == "force"
    inc.set_response_profile(chief, "place")
    assert inc.get_response_profile(make_ctx(Role.DUTY_OFFICER)).key == "place"
    with pytest.raises(ValidationError, match="near_fraction"):
        inc.set_response_profile(chief, {"key": "force", "near_fraction": 3})
    with pytest.raises(PermissionDenied):
        inc.set_response_profile(make_ctx(Role.DUTY_OFFICER), "force")
    with db.sessions() as s:
        entry = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "response.edit")).one()
        assert entry.after["value"]["key"] == "place"


def test_amending_intake_data_keeps_before_and_after_in_the_history(db, make_ctx, station):
    grid = add_grid(db, station.id)
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft(category_code="0601"))
    assert v.grid_id is None
    with pytest.raises(ValidationError, match="field 'reason'"):
        inc.amend_incident(duty, v.id, reason="", category_code="060101")
    with pytest.raises(ValidationError, match="field 'number'"):
        inc.amend_incident(duty, v.id, reason="x", number="1")
    with pytest.raises(ValidationError, match="field 'category_code'"):
        inc.amend_incident(duty, v.id, reason="x", category_code="nope")
    v = inc.amend_incident(duty, v.id, reason="到场后确认为家暴", category_code="060101", priority=1,
                           lon=LON, lat=LAT, expected_version=v.version)
    assert (v.category_name, v.priority, v.grid_id) == ("纠纷/家庭纠纷/家庭暴力", 1, grid)
    last = inc.get_incident(duty, v.id).events[-1]
    assert last.kind == "amended" and last.label == "修改"
    assert last.payload["before"] == {"category_code": "0601", "priority": 2, "lon": None,
                                      "lat": None, "grid_id": None}
    assert last.payload["after"]["category_code"] == "060101"


def _crew_on_shift(s, station_id: int, unit_id: int, clock, people) -> dict:
    """A day shift under way with these (badge, name, kind) rostered in the unit; officers by name."""
    from precinct_console.storage.models import Officer, RosterEntry, Shift

    shift = Shift(station_id=station_id, name="白班", starts_at=clock.now - timedelta(hours=1),
                  ends_at=clock.now + timedelta(hours=11))
    s.add(shift)
    s.flush()
    officers = {}
    for badge, name, kind in people:
        o = Officer(station_id=station_id, badge=badge, name=name, kind=kind)
        s.add(o)
        s.flush()
        officers[name] = o
        s.add(RosterEntry(station_id=station_id, shift_id=shift.id, officer_id=o.id, unit_id=unit_id))
    return officers


def test_dispatch_records_the_rostered_crew(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    with db.sessions() as s:
        _crew_on_shift(s, station.id, ids["巡1"], clock,
                       (("001", "张警官", "officer"), ("F01", "李辅警", "auxiliary")))
        s.commit()
    duty = make_ctx(Role.DUTY_OFFICER)
    assert units_svc.list_units(duty)[0].crew == ("张警官", "李辅警")
    v = inc.intake_incident(duty, draft())
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    d = inc.get_incident(duty, v.id).dispatches[0]
    with db.sessions() as s:
        from precinct_console.storage.models import Dispatch

        row = s.get(Dispatch, d.id)
        assert (row.officers, row.auxiliaries, row.vehicles) == ("张警官", 1, 1)


def test_the_crew_on_the_board_leaves_out_who_is_on_leave_or_off_the_roll(db, make_ctx, station, clock):
    from precinct_console.storage.models import OfficerAbsence

    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    with db.sessions() as s:
        people = _crew_on_shift(s, station.id, ids["巡1"], clock, (
            ("001", "张警官", "officer"), ("002", "王警官", "officer"), ("003", "赵警官", "officer"),
            ("F01", "李辅警", "auxiliary")))
        # 王 went on leave this morning; 赵's training starts only tonight; 张 has left the station.
        s.add(OfficerAbsence(station_id=station.id, officer_id=people["王警官"].id, kind="leave",
                             starts_at=clock.now - timedelta(hours=2), ends_at=clock.now + timedelta(days=2)))
        s.add(OfficerAbsence(station_id=station.id, officer_id=people["赵警官"].id, kind="training",
                             starts_at=clock.now + timedelta(hours=8), ends_at=clock.now + timedelta(days=1)))
        people["张警官"].active = False
        s.commit()
    duty = make_ctx(Role.DUTY_OFFICER)
    assert units_svc.list_units(duty)[0].crew == ("赵警官", "李辅警")
    clock.advance(hours=9)  # 赵 has gone to training
    assert units_svc.list_units(duty)[0].crew == ("李辅警",)


def test_a_car_whose_crew_nobody_may_drive_is_suggested_after_one_that_can_go(db, make_ctx, station,
                                                                                clock):
    from precinct_console.storage.models import Officer, RosterEntry, Shift

    # 巡1 stands next to the call but its crew holds only a motorbike licence; 巡2 is further.
    ids = add_units(db, station.id, [("巡1", "car", 0.002), ("巡2", "car", 0.01)])
    with db.sessions() as s:
        shift = Shift(station_id=station.id, name="白班", starts_at=clock.now - timedelta(hours=1),
                      ends_at=clock.now + timedelta(hours=11))
        s.add(shift)
        s.flush()
        for badge, unit, licences in (("001", "巡1", ["E"]), ("002", "巡1", []),
                                      ("003", "巡2", ["C1"]), ("004", "巡2", [])):
            o = Officer(station_id=station.id, badge=badge, name=f"民警{badge}", licences=licences)
            s.add(o)
            s.flush()
            s.add(RosterEntry(station_id=station.id, shift_id=shift.id, officer_id=o.id,
                              unit_id=ids[unit]))
        s.commit()
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft(lon=LON, lat=LAT))
    options = inc.recommend_units(duty, v.id).options
    assert [(o.call_sign, o.capable) for o in options] == [("巡2", True), ("巡1", False)]
    assert "nobody in the crew holds a licence for it (C2 needed)" in options[1].reasons
    assert not any("licence" in r for r in options[0].reasons)


def test_compliance_over_a_period(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    duty = make_ctx(Role.DUTY_OFFICER)
    start = clock.now
    v = inc.intake_incident(duty, draft(category_code="0705"))
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    clock.advance(seconds=40)
    inc.advance_incident(duty, v.id, "set_off")
    clock.advance(seconds=200)
    inc.advance_incident(duty, v.id, "arrived")
    report = inc.response_compliance(duty, start, clock.now)
    figures = {f.key: f for f in report.figures}
    assert report.incidents == 1
    assert figures["on_way"].share_met == 1.0 and figures["on_scene"].share_met == 0.0


def test_search_reaches_back_through_the_whole_history_newest_first(db, make_ctx, clock):
    duty = make_ctx(Role.DUTY_OFFICER)
    old = inc.intake_incident(duty, draft(address="老街1号", received_at=clock.now - timedelta(days=400)))
    mid = inc.intake_incident(duty, draft(address="老街2号", received_at=clock.now - timedelta(days=40)))
    new = inc.intake_incident(duty, draft(address="老街3号"))
    assert [r.id for r in inc.search_incidents(duty, "老街")] == [new.id, mid.id, old.id]
    assert [r.id for r in inc.search_incidents(duty, "老街", limit=1)] == [new.id]
    assert [r.id for r in inc.search_incidents(duty, "老街 2号")] == [mid.id]
    assert [r.id for r in inc.search_incidents(duty, new.number)] == [new.id]
    assert [r.id for r in inc.search_incidents(duty, "", since=clock.now - timedelta(days=100),
                                               until=clock.now - timedelta(days=1))] == [mid.id]
    with pytest.raises(ValidationError, match="field 'status'"):
        inc.search_incidents(duty, "x", status="lost")


def test_a_step_missed_at_the_time_can_be_entered_late_after_handling(db, make_ctx, station, clock):
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    duty = make_ctx(Role.DUTY_OFFICER)
    v = inc.intake_incident(duty, draft())
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    arrived_at = clock.now + timedelta(minutes=2)
    clock.advance(minutes=20)
    v = inc.advance_incident(duty, v.id, "handled")  # "arrived" was never pressed
    assert v.arrived_at is None
    with pytest.raises(ValidationError, match="needs the time"):
        inc.advance_incident(duty, v.id, "arrived")
    with pytest.raises(ValidationError, match="after the unit was cleared"):
        inc.advance_incident(duty, v.id, "arrived", at=clock.now + timedelta(seconds=30))
    v = inc.advance_incident(duty, v.id, "arrived", at=arrived_at)
    assert v.arrived_at == arrived_at and v.status == "handled"
    last = inc.get_incident(duty, v.id).events[-1]
    assert last.kind == "arrived" and last.payload["late"] is True and last.unit_call_sign == "巡1"
    assert units_svc.list_units(duty)[0].status == "available"  # the unit's state is not touched


# -- reference data intake caches: an edit shows at the very next intake --------------------
def _key_site_feature(lon: float, lat: float) -> dict:
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"layer": "key_site", "code": "K9", "name": "城关小学", "kind": "school",
                       "target_minutes": 1}}]}


def test_a_key_site_imported_or_moved_counts_at_the_next_intake(db, make_ctx, station):
    from precinct_console.services.geometry import import_geometry

    add_grid(db, station.id)
    duty, admin = make_ctx(Role.DUTY_OFFICER), make_ctx(Role.ADMIN)
    assert inc.intake_incident(duty, draft(lon=LON, lat=LAT)).place_tier == "other"
    import_geometry(admin, _key_site_feature(LON + 0.0005, LAT))
    assert inc.intake_incident(duty, draft(lon=LON, lat=LAT)).place_tier == "key_site"
    import_geometry(admin, _key_site_feature(LON + 0.008, LAT))  # moved 680 m east
    assert inc.intake_incident(duty, draft(lon=LON, lat=LAT)).place_tier == "other"
    assert inc.intake_incident(duty, draft(lon=LON + 0.008, lat=LAT)).place_tier == "key_site"


def test_a_wider_key_site_radius_and_new_repeat_rules_apply_at_the_next_intake(db, make_ctx, station,
                                                                              clock):
    add_key_site(db, station.id, LON + 0.003, LAT)  # about 255 m away: outside the default 150 m
    duty, chief = make_ctx(Role.DUTY_OFFICER), make_ctx(Role.STATION_CHIEF)
    assert inc.intake_incident(duty, draft(lon=LON, lat=LAT)).place_tier == "other"
    profile = inc.get_response_profile(chief)
    from precinct_console.domain.response import profile_to_dict

    inc.set_response_profile(chief, {**profile_to_dict(profile), "key_site_radius_m": 400})
    assert inc.intake_incident(duty, draft(lon=LON, lat=LAT)).place_tier == "key_site"
    clock.advance(hours=2)
    assert inc.intake_incident(duty, draft(caller_phone="13911112222")).repeat_caller is False
    clock.advance(hours=2)
    assert inc.intake_incident(duty, draft(caller_phone="13911112222")).repeat_caller is True
    inc.set_repeat_rules(chief, {"caller_window_h": 1})
    clock.advance(hours=2)
    assert inc.intake_incident(duty, draft(caller_phone="13911112222")).repeat_caller is False


def test_a_category_edited_in_the_database_shows_at_the_next_intake_and_on_the_board(db, make_ctx):
    from precinct_console.storage.models import Category

    duty = make_ctx(Role.DUTY_OFFICER)
    first = inc.intake_incident(duty, draft(category_code="0705"))
    assert (first.priority, first.category_name) == (3, "求助/物品遗失")
    with db.sessions() as s:
        cat = s.get(Category, "0705")
        cat.name_zh, cat.default_priority, cat.needs_reinforcement = "电动车被盗", 1, True
        s.commit()
    second = inc.intake_incident(duty, draft(category_code="0705"))
    assert (second.priority, second.needs_reinforcement) == (1, True)
    assert second.category_name == "求助/电动车被盗"
    rows = {r.id: r for r in inc.get_incident_rows(duty, [first.id, second.id])}
    assert rows[first.id].category_name == rows[second.id].category_name == second.category_name
    assert inc.intake_incident(duty, draft(category_code="电动车被盗")).category_code == "0705"


def test_reopening_does_not_turn_targets_into_day_late_breaches(db, make_ctx, station, clock):
    from precinct_console.domain.clock import local
    from precinct_console.services.ledgers.periods import day_of
    from precinct_console.services.statistics import incident_statistics

    ids = add_units(db, station.id, [("巡1", "car", 0.003), ("巡2", "car", 0.004)])
    duty = make_ctx(Role.DUTY_OFFICER)
    chief = make_ctx(Role.STATION_CHIEF)
    sent = inc.intake_incident(duty, draft())
    inc.dispatch_unit(duty, sent.id, ids["巡1"])
    clock.advance(seconds=40)
    inc.advance_incident(duty, sent.id, "set_off")
    phone = inc.intake_incident(duty, draft(address="城关路14号", caller_phone="13900001111"))
    clock.advance(seconds=40)
    inc.advance_incident(duty, phone.id, "handled")  # settled on the phone, nobody sent
    clock.advance(seconds=70)
    inc.advance_incident(duty, sent.id, "arrived")
    clock.advance(seconds=1000)
    inc.advance_incident(duty, sent.id, "handled")
    inc.advance_incident(duty, sent.id, "closed")
    inc.advance_incident(duty, phone.id, "closed")
    day = day_of(local(clock()).date())

    def figures():
        c = incident_statistics(chief, day).compliance
        return c.decided, [(t.key, t.met, t.decided) for t in c.targets], c.all_met_rate

    before = figures()
    assert before == (1, [("on_way", 1, 1), ("on_scene", 1, 1), ("reinforcement", 0, 0)], 1.0)
    clock.advance(days=1)  # both callers ring back the next day
    inc.reopen_incident(duty, sent.id, "复查")
    inc.reopen_incident(duty, phone.id, "报警人再次来电")
    assert figures() == before  # the phone call's targets stay 不适用, not breached by a day
    # A unit sent once the caller rang back is follow-up, not the 1-3-5 response to the call.
    inc.dispatch_unit(duty, phone.id, ids["巡2"])
    clock.advance(seconds=30)
    inc.advance_incident(duty, phone.id, "set_off")
    inc.advance_incident(duty, phone.id, "handled")
    assert figures() == before


def test_a_reopened_phone_call_does_not_flash_breached_or_sound_an_alert(db, make_ctx, clock):
    from precinct_console.domain.response import TimerState, evaluate
    from precinct_console.services import alerts

    duty = make_ctx(Role.DUTY_OFFICER)
    phone = inc.intake_incident(duty, draft(address="城关路14号", caller_phone="13900001111"))
    clock.advance(seconds=40)
    inc.advance_incident(duty, phone.id, "handled")  # settled on the phone, nobody sent
    inc.advance_incident(duty, phone.id, "closed")
    clock.advance(days=1)
    inc.reopen_incident(duty, phone.id, "报警人再次来电")  # back on the live board
    row = next(r for r in inc.list_open_incidents(duty) if r.id == phone.id)
    profile = inc.get_response_profile(duty)
    states = {t.key: t.state for t in evaluate(profile, row.facts(), clock())}
    # The response ended at the first handling: not applicable then, not applicable now.
    assert TimerState.BREACHED not in states.values(), states
    assert [a for a in alerts.evaluate_alerts(duty) if a.incident_id == phone.id] == []


def test_a_reopened_incident_fed_back_in_time_stays_met_on_the_board_and_in_the_figures(
        db, make_ctx, station, clock):
    from precinct_console.domain.clock import local
    from precinct_console.domain.response import TimerState, evaluate
    from precinct_console.services import alerts
    from precinct_console.services.ledgers.periods import day_of
    from precinct_console.services.statistics import incident_statistics

    chief = make_ctx(Role.STATION_CHIEF)
    inc.set_response_profile(chief, "bands")  # 30秒签收 / 5分钟出警 / 30分钟反馈
    duty = make_ctx(Role.DUTY_OFFICER)
    ids = add_units(db, station.id, [("巡1", "car", 0.003)])
    v = inc.intake_incident(duty, draft())
    inc.dispatch_unit(duty, v.id, ids["巡1"])
    clock.advance(seconds=10)
    inc.advance_incident(duty, v.id, "signed")
    clock.advance(seconds=50)
    inc.advance_incident(duty, v.id, "set_off")
    clock.advance(minutes=4)
    inc.advance_incident(duty, v.id, "handled")
    clock.advance(minutes=5)
    inc.advance_incident(duty, v.id, "fed_back")  # 10 minutes: in time
    inc.advance_incident(duty, v.id, "closed")
    day = day_of(local(clock()).date())

    def fed_back_figure():
        c = incident_statistics(chief, day).compliance
        return next((t.met, t.decided) for t in c.targets if t.key == "fed_back")

    assert fed_back_figure() == (1, 1)
    clock.advance(days=1)
    inc.reopen_incident(duty, v.id, "报警人再次来电")
    row = next(r for r in inc.list_open_incidents(duty) if r.id == v.id)
    profile = inc.get_response_profile(duty)
    timers = {t.key: t for t in evaluate(profile, row.facts(), clock())}
    assert timers["fed_back"].state is TimerState.MET and timers["fed_back"].elapsed_s == 600
    assert [a for a in alerts.evaluate_alerts(duty) if a.incident_id == v.id] == []
    assert fed_back_figure() == (1, 1)
    clock.advance(minutes=20)
    inc.advance_incident(duty, v.id, "handled")
    inc.advance_incident(duty, v.id, "fed_back")  # the second round's feedback, a day later
    assert fed_back_figure() == (1, 1)
