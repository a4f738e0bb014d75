"""1-3-5 response timers across a simulated clock, profiles and their overrides, compliance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from precinct_console.domain.errors import ValidationError
from precinct_console.domain.response import (
    PRESETS,
    TIERS_OF_FORCE,
    TIERS_OF_PLACE,
    IncidentFacts,
    TimerState,
    compliance,
    evaluate,
    next_change,
    profile_from_dict,
    profile_to_dict,
    worst_state,
)

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def facts(**kw) -> IncidentFacts:
    base = {"received_at": T0, "category_code": "0601", "priority": 2}
    milestones = kw.pop("milestones", {})
    return IncidentFacts(**{**base, **kw}, milestones={k: at(v) for k, v in milestones.items()})


def states(timers) -> dict[str, TimerState]:
    return {t.key: t.state for t in timers}


def test_timers_move_from_pending_to_near_to_breached_as_the_clock_runs():
    f = facts(needs_reinforcement=True)
    assert states(evaluate(TIERS_OF_FORCE, f, at(10))) == {
        "on_way": "pending", "on_scene": "pending", "reinforcement": "pending"}
    # 80 % of a minute: the 1-minute timer turns near.
    assert states(evaluate(TIERS_OF_FORCE, f, at(48)))["on_way"] is TimerState.NEAR
    timers = evaluate(TIERS_OF_FORCE, f, at(61))
    on_way = timers[0]
    assert on_way.state is TimerState.BREACHED and on_way.remaining_s == pytest.approx(-1)
    assert states(timers)["on_scene"] is TimerState.PENDING
    assert worst_state(timers) is TimerState.BREACHED


def test_reached_milestones_freeze_their_timer_as_met_or_breached():
    f = facts(milestones={"set_off": 45, "arrived": 200})
    timers = {t.key: t for t in evaluate(TIERS_OF_FORCE, f, at(3600))}
    assert timers["on_way"].state is TimerState.MET and timers["on_way"].elapsed_s == 45
    assert timers["on_scene"].state is TimerState.BREACHED and timers["on_scene"].remaining_s == -20
    # No reinforcement needed: that timer does not apply.
    assert timers["reinforcement"].state is TimerState.NA


def test_invalid_calls_and_enquiries_have_no_response_targets():
    assert set(states(evaluate(TIERS_OF_FORCE, facts(category_code="1001"), at(900))).values()) == {
        TimerState.NA}
    assert states(evaluate(TIERS_OF_FORCE, facts(category_code="0901"), at(900)))["on_scene"] is TimerState.NA


def test_tiers_of_place_give_key_sites_one_minute_and_the_rest_five():
    school = evaluate(TIERS_OF_PLACE, facts(place_tier="key_site"), at(90))
    market = evaluate(TIERS_OF_PLACE, facts(place_tier="key_zone"), at(90))
    village = evaluate(TIERS_OF_PLACE, facts(place_tier="other"), at(90))
    assert (school[1].limit_s, market[1].limit_s, village[1].limit_s) == (60, 180, 300)
    assert school[1].state is TimerState.BREACHED and village[1].state is TimerState.PENDING


def test_handled_without_arrival_counts_only_if_it_was_left_past_the_target():
    quick = facts(milestones={"handled": 100}, handled_at=at(100))
    slow = facts(milestones={"handled": 400}, handled_at=at(400))
    assert states(evaluate(TIERS_OF_FORCE, quick, at(1000)))["on_scene"] is TimerState.NA
    assert states(evaluate(TIERS_OF_FORCE, slow, at(1000)))["on_scene"] is TimerState.BREACHED


def test_near_threshold_is_configurable():
    p = profile_from_dict({**profile_to_dict(TIERS_OF_FORCE), "near_fraction": 0.5})
    assert states(evaluate(p, facts(), at(31)))["on_way"] is TimerState.NEAR
    assert states(evaluate(TIERS_OF_FORCE, facts(), at(31)))["on_way"] is TimerState.PENDING


def test_next_change_says_when_to_check_again():
    timers = evaluate(TIERS_OF_FORCE, facts(), at(10))
    assert next_change(timers, TIERS_OF_FORCE, at(10)) == at(48)


def test_overrides_change_targets_by_category_and_priority():
    d = profile_to_dict(TIERS_OF_FORCE)
    d["overrides"].append({"target": "on_scene", "seconds": 600, "priorities": [3]})
    p = profile_from_dict(d)
    routine = evaluate(p, facts(priority=3), at(400))
    assert routine[1].limit_s == 600 and routine[1].state is TimerState.PENDING


@pytest.mark.parametrize(("change", "field"), [
    ({"near_fraction": 1.5}, "near_fraction"),
    ({"targets": []}, "targets"),
    ({"targets": [{"key": "a", "milestone": "teatime", "seconds": 60}]}, "targets[0].milestone"),
    ({"targets": [{"key": "a", "milestone": "arrived", "seconds": -5}]}, "targets[0].seconds"),
    ({"overrides": [{"target": "nope", "seconds": 5}]}, "overrides[0].target"),
])
def test_a_bad_profile_names_the_field(change, field):
    with pytest.raises(ValidationError) as err:
        profile_from_dict({**profile_to_dict(TIERS_OF_FORCE), **change})
    assert err.value.field == field


def test_every_preset_round_trips_through_its_stored_form():
    for p in PRESETS.values():
        assert profile_from_dict(profile_to_dict(p)) == p


def test_compliance_counts_decided_incidents_only():
    incidents = [
        facts(milestones={"set_off": 30, "arrived": 150}),
        facts(milestones={"set_off": 90, "arrived": 170}),
        facts(received_at=at(3590)),  # still running at `now`
    ]
    figures = {f.key: f for f in compliance(TIERS_OF_FORCE, incidents, at(3600))}
    assert (figures["on_way"].met, figures["on_way"].breached, figures["on_way"].running) == (1, 1, 1)
    assert figures["on_way"].share_met == 0.5
    assert figures["on_scene"].share_met == 1.0
    assert figures["reinforcement"].share_met is None


def test_arrival_without_a_recorded_set_off_judges_the_set_off_by_the_arrival():
    # The dispatcher heard "on scene" at 50 s without a separate "set off": the unit set off
    # within the minute, whether the incident is still open or handled since.
    for f in (facts(milestones={"dispatched": 10, "arrived": 50}),
              facts(milestones={"dispatched": 10, "arrived": 50, "handled": 900}, handled_at=at(900))):
        on_way = evaluate(TIERS_OF_FORCE, f, at(3600))[0]
        assert on_way.state is TimerState.MET and on_way.elapsed_s == 50
    late = evaluate(TIERS_OF_FORCE, facts(milestones={"arrived": 90}), at(3600))[0]
    assert late.state is TimerState.BREACHED and late.remaining_s == -30
    shares = {c.key: c.share_met for c in compliance(
        TIERS_OF_FORCE, [facts(milestones={"arrived": 50}, handled_at=at(900))], at(3600))}
    assert shares["on_way"] == 1.0 and shares["on_scene"] == 1.0


def test_a_reopened_incident_keeps_the_targets_it_had_when_first_handled():
    # Settled on the phone at 40 s, reopened a day later (handled_at dropped), a unit sent then.
    reopened = facts(first_handled_at=at(40))
    sent_later = facts(milestones={"dispatched": 86400, "set_off": 86430}, first_handled_at=at(40))
    for f in (reopened, sent_later):
        assert set(states(evaluate(TIERS_OF_FORCE, f, at(86500))).values()) == {TimerState.NA}
    # What was already late at the first handling stays late, however long ago.
    slow = facts(milestones={"set_off": 30}, first_handled_at=at(400))
    assert states(evaluate(TIERS_OF_FORCE, slow, at(86500)))["on_scene"] is TimerState.BREACHED


def test_a_reopened_incident_keeps_its_feedback_target_as_the_first_round_left_it():
    bands = PRESETS["bands"]
    day = 86400.0
    # Fed back at 10 min and closed, reopened the next day: the feedback column is dropped,
    # the first feedback stands (met), neither running again nor a breach a day late.
    fed = facts(first_handled_at=at(300), first_fed_back_at=at(600), first_closed_at=at(700))
    fed_back = states(evaluate(bands, fed, at(day + 60)))["fed_back"]
    assert fed_back is TimerState.MET
    again = facts(milestones={"fed_back": day + 600}, first_handled_at=at(300),
                  first_fed_back_at=at(600), first_closed_at=at(700))
    timer = next(t for t in evaluate(bands, again, at(day + 700)) if t.key == "fed_back")
    assert timer.state is TimerState.MET and timer.elapsed_s == 600
    # Closed without feedback in time: 不适用 then, 不适用 now, even fed back after reopening.
    quiet = facts(milestones={"fed_back": day + 600}, first_handled_at=at(300),
                  first_closed_at=at(900))
    assert states(evaluate(bands, quiet, at(day + 700)))["fed_back"] is TimerState.NA
    # Left past the 30 minutes before it was closed: late then, late now.
    late = facts(first_handled_at=at(300), first_closed_at=at(2400))
    assert states(evaluate(bands, late, at(day + 700)))["fed_back"] is TimerState.BREACHED


def test_targets_are_judged_on_whole_seconds_as_they_are_shown():
    # 60.4 s shows as 0:01:00 everywhere: it is met, not 超时 beside 0:01:00.
    on_way = evaluate(TIERS_OF_FORCE, facts(milestones={"set_off": 60.4}), at(3600))[0]
    assert on_way.state is TimerState.MET and on_way.elapsed_s == 60
    assert evaluate(TIERS_OF_FORCE, facts(milestones={"set_off": 61}), at(3600))[0].state \
        is TimerState.BREACHED


def test_at_exactly_the_due_time_the_next_check_is_the_breach():
    for now in (60, 60.5):
        timers = evaluate(TIERS_OF_FORCE, facts(), at(now))
        assert timers[0].state is TimerState.NEAR
        assert next_change(timers, TIERS_OF_FORCE, at(now)) == at(61)
    assert evaluate(TIERS_OF_FORCE, facts(), at(61))[0].state is TimerState.BREACHED
