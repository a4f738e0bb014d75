"""Life-cycle order and the projection of append-only events onto the incident's columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from precinct_console.domain.errors import ValidationError
from precinct_console.domain.lifecycle import (
    STATUS_LABELS_ZH,
    EventFact,
    Status,
    check_order,
    check_step,
    check_step_time,
    first_handled_at,
    project,
)

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_labels_follow_the_command_room_words():
    assert [STATUS_LABELS_ZH[s.value] for s in Status] == [
        "接警", "派警", "签收", "出警", "到场", "处置完毕", "反馈", "归档"]


def test_steps_go_forward_and_may_skip_where_practice_does():
    assert check_step("received", "dispatched").value == "dispatched"
    assert check_step("dispatched", "arrived").value == "arrived"  # "on scene" heard without sign-for
    assert check_step("received", "handled").value == "handled"  # settled on the phone
    assert check_step("handled", "closed").value == "closed"


@pytest.mark.parametrize(("status", "step", "says"), [
    ("received", "arrived", "next may be: dispatched, handled"),
    ("handled", "arrived", "cannot record 'arrived'"),
    ("closed", "fed_back", "reopen it first"),
    ("received", "teleported", "is not a step"),
])
def test_a_step_out_of_order_is_refused_saying_what_may_follow(status, step, says):
    with pytest.raises(ValidationError, match=says) as err:
        check_step(status, step)
    assert err.value.field == "step"


def test_step_times_cannot_run_backwards_or_into_the_future():
    with pytest.raises(ValidationError, match="is before"):
        check_step_time(at(10), not_before=at(20), now=at(30), what="dispatch")
    with pytest.raises(ValidationError, match="in the future"):
        check_step_time(at(500), not_before=at(0), now=at(30), what="dispatch")
    assert check_step_time(at(60), not_before=at(0), now=at(30), what="x") == at(60)  # skew grace


def test_projection_takes_the_first_unit_for_response_steps():
    events = [
        EventFact(1, "received", at(0)),
        EventFact(2, "dispatched", at(20), unit_id=1),
        EventFact(3, "dispatched", at(40), unit_id=2),
        EventFact(4, "set_off", at(70), unit_id=2),
        EventFact(5, "set_off", at(50), unit_id=1),
        EventFact(6, "arrived", at(170), unit_id=1),
    ]
    p = project(events)
    assert p.status is Status.ARRIVED
    assert (p.dispatched_at, p.set_off_at, p.arrived_at) == (at(20), at(50), at(170))


def test_a_correction_changes_the_time_and_a_void_removes_the_step_without_deleting_it():
    events = [
        EventFact(1, "received", at(0)),
        EventFact(2, "dispatched", at(20)),
        EventFact(3, "arrived", at(300)),
        EventFact(4, "correction", at(150), corrects_event_id=3),
    ]
    assert project(events).arrived_at == at(150)
    events.append(EventFact(5, "correction", at(150), corrects_event_id=3, payload={"void": True}))
    p = project(events)
    assert p.arrived_at is None and p.status is Status.DISPATCHED


def test_reopening_discards_earlier_closing_steps_only():
    events = [
        EventFact(1, "received", at(0)), EventFact(2, "dispatched", at(10)),
        EventFact(3, "arrived", at(100)), EventFact(4, "handled", at(600)),
        EventFact(5, "closed", at(900)), EventFact(6, "reopened", at(1000)),
    ]
    p = project(events)
    assert p.status is Status.ARRIVED and p.handled_at is None and p.closed_at is None
    assert p.arrived_at == at(100)
    events += [EventFact(7, "handled", at(1500))]
    assert project(events).status is Status.HANDLED


def test_first_handling_survives_reopenings_and_follows_corrections():
    events = [
        EventFact(1, "received", at(0)), EventFact(2, "handled", at(60)),
        EventFact(3, "reopened", at(1000)), EventFact(4, "handled", at(2000)),
        EventFact(5, "correction", at(40), corrects_event_id=2),
    ]
    assert project(events).handled_at == at(2000) and first_handled_at(events) == at(40)
    assert first_handled_at(events[:1]) is None


def test_check_order_names_the_step_that_would_come_too_early():
    p = project([EventFact(1, "received", at(100)), EventFact(2, "dispatched", at(50))])
    with pytest.raises(ValidationError, match="派警"):
        check_order(p)
