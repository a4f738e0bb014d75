"""Deadline arithmetic in China time: sign-off, feedback and revisit across midnight and month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.deadlines import (
    CountdownState,
    TaskTimes,
    active_countdown,
    feedback_due,
    format_countdown,
    format_remaining,
    local_day_bounds,
    revisit_due,
    sign_due,
    task_countdowns,
)
from precinct_console.domain.errors import ValidationError


def cst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CHINA_TZ)


def test_sign_off_due_thirty_minutes_later_across_midnight_and_year_end():
    assert sign_due(cst(2026, 11, 20, 23, 45)) == cst(2026, 11, 21, 0, 15)
    assert sign_due(cst(2026, 12, 31, 23, 50)) == cst(2027, 1, 1, 0, 20)
    # The same instant given in UTC gives the same due instant.
    assert sign_due(cst(2026, 12, 31, 23, 50).astimezone(UTC)) == cst(2027, 1, 1, 0, 20)


@pytest.mark.parametrize(
    ("sent", "hours", "due"),
    [
        (cst(2026, 11, 20, 22, 30), 3, cst(2026, 11, 21, 1, 30)),  # midnight
        (cst(2026, 11, 30, 20, 0), 6, cst(2026, 12, 1, 2, 0)),  # month end (30 days)
        (cst(2027, 2, 28, 18, 0), 9, cst(2027, 3, 1, 3, 0)),  # February of a common year
        (cst(2028, 2, 28, 18, 0), 9, cst(2028, 2, 29, 3, 0)),  # leap year
        (cst(2026, 12, 31, 12, 0), 24, cst(2027, 1, 1, 12, 0)),  # year end
        # 07:30 local is 23:30 UTC the day before: the UTC date line changes nothing.
        (cst(2026, 11, 1, 7, 30), 24, cst(2026, 11, 2, 7, 30)),
    ],
)
def test_feedback_due_after_3_6_9_or_24_hours(sent, hours, due):
    assert feedback_due(sent, hours) == due
    assert feedback_due(sent.astimezone(UTC), hours) == due


def test_other_feedback_windows_are_refused_naming_the_field():
    with pytest.raises(ValidationError, match="field 'feedback_hours'"):
        feedback_due(cst(2026, 11, 20, 9), 12)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        sign_due(datetime(2026, 11, 20, 9))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Registered late in the evening of 30 Nov: "within 3 days" means by the end of 3 Dec.
        (cst(2026, 11, 30, 23, 50), 3, cst(2026, 12, 4, 0, 0)),
        # 00:30 China time on 1 Dec is still 30 Nov in UTC: counted from the China date.
        (cst(2026, 12, 1, 0, 30), 1, cst(2026, 12, 3, 0, 0)),
        (cst(2026, 12, 25, 10, 0), 7, cst(2027, 1, 2, 0, 0)),
        (cst(2027, 2, 20, 10, 0), 15, cst(2027, 3, 8, 0, 0)),
    ],
)
def test_revisit_due_by_the_end_of_the_china_calendar_day(start, days, due):
    assert revisit_due(start, days) == due
    assert revisit_due(start.astimezone(UTC), days) == due


def test_local_day_bounds_are_china_midnights():
    start, end = local_day_bounds(date(2026, 11, 30))
    assert start == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


SENT = cst(2026, 11, 20, 23, 40)


def _task(status="sent", sent=SENT, hours=3, signed=None, fed=None):
    return TaskTimes(status, sent, sign_due(sent), feedback_due(sent, hours), signed, fed)


def test_sign_countdown_runs_near_then_breached_across_midnight():
    t = _task()
    # 23:40 + 30 min = 00:10; near once 80 % of the span (24 min) has passed.
    assert active_countdown(t, cst(2026, 11, 20, 23, 50)).state is CountdownState.PENDING
    near = active_countdown(t, cst(2026, 11, 21, 0, 4))
    assert near.state is CountdownState.NEAR and near.remaining_s == 6 * 60
    late = active_countdown(t, cst(2026, 11, 21, 0, 11))
    assert late.state is CountdownState.BREACHED and late.remaining_s == -60
    assert format_remaining(late.remaining_s) == "-0:01:00"


def test_signed_task_shows_its_feedback_countdown_and_remembers_late_signing():
    t = _task("signed", signed=cst(2026, 11, 21, 0, 20))
    sign, _ = task_countdowns(t, cst(2026, 11, 21, 1, 0))
    assert sign.state is CountdownState.BREACHED  # signed ten minutes late
    shown = active_countdown(t, cst(2026, 11, 21, 1, 0))
    assert shown.kind == "feedback" and shown.state is CountdownState.PENDING
    assert shown.due_at == cst(2026, 11, 21, 2, 40)
    assert active_countdown(t, cst(2026, 11, 21, 2, 41)).state is CountdownState.BREACHED


def test_fed_back_in_time_is_met_and_no_longer_runs():
    t = _task("fed_back", signed=cst(2026, 11, 20, 23, 50), fed=cst(2026, 11, 21, 2, 0))
    _, feedback = task_countdowns(t, cst(2026, 11, 22, 0, 0))
    assert feedback.state is CountdownState.MET
    assert active_countdown(t, cst(2026, 11, 22)).state is CountdownState.NA


def test_unsigned_task_past_its_feedback_deadline_shows_the_feedback_breach():
    t = _task()
    shown = active_countdown(t, cst(2026, 11, 21, 3, 0))
    assert shown.kind == "feedback" and shown.state is CountdownState.BREACHED


def test_a_reassigned_task_turns_near_over_the_new_officers_sign_off_window():
    # Sent Monday 09:00 with a 24 h sign-off; reassigned Monday 20:00, due again Tuesday 20:00.
    sent, moved = cst(2026, 11, 16, 9, 0), cst(2026, 11, 16, 20, 0)
    t = TaskTimes("sent", sent, sign_due(moved, 24 * 60), feedback_due(moved, 24), None, None,
                  reassigned_at=moved)
    # 80 % of the new officer's 24 h is 19 h 12 min: near at Tuesday 15:12, not earlier
    # (measured from Monday 09:00 it turned near at Tuesday 13:00).
    assert active_countdown(t, cst(2026, 11, 17, 14, 0)).state is CountdownState.PENDING
    assert active_countdown(t, cst(2026, 11, 17, 15, 11)).state is CountdownState.PENDING
    assert active_countdown(t, cst(2026, 11, 17, 15, 12)).state is CountdownState.NEAR
    # The usual 30 minutes, reassigned eleven hours after sending: on time at the handover.
    t = TaskTimes("sent", sent, sign_due(moved), feedback_due(sent, 24), None, None,
                  reassigned_at=moved)
    assert active_countdown(t, moved).state is CountdownState.PENDING
    assert active_countdown(t, cst(2026, 11, 16, 20, 24)).state is CountdownState.NEAR


def test_a_kept_feedback_deadline_is_near_over_the_new_officers_share_of_it():
    sent, moved = cst(2026, 11, 16, 9, 0), cst(2026, 11, 16, 20, 0)
    t = TaskTimes("signed", sent, sign_due(moved), feedback_due(sent, 24), moved, None,
                  reassigned_at=moved)
    # Due Tuesday 09:00 as before the handover; 80 % of the 13 h left is 10 h 24 min.
    _, feedback = task_countdowns(t, cst(2026, 11, 17, 6, 23))
    assert feedback.state is CountdownState.PENDING
    _, feedback = task_countdowns(t, cst(2026, 11, 17, 6, 24))
    assert feedback.state is CountdownState.NEAR


def test_a_returned_task_counts_its_rework_window_from_the_return():
    sent, back = cst(2026, 11, 16, 9, 0), cst(2026, 11, 16, 20, 0)
    t = TaskTimes("returned", sent, sign_due(sent), feedback_due(back, 3), sent, cst(2026, 11, 16, 10),
                  returned_at=back)
    assert active_countdown(t, cst(2026, 11, 16, 22, 23)).state is CountdownState.PENDING
    assert active_countdown(t, cst(2026, 11, 16, 22, 24)).state is CountdownState.NEAR
    # Reassigned first, returned later: the return opened the running window.
    t = TaskTimes("returned", sent, sign_due(sent), feedback_due(back, 3), sent, cst(2026, 11, 16, 10),
                  returned_at=back, reassigned_at=cst(2026, 11, 16, 9, 30))
    assert active_countdown(t, cst(2026, 11, 16, 22, 23)).state is CountdownState.PENDING


def test_format_remaining_shows_days_for_long_countdowns():
    assert format_remaining(timedelta(hours=25, seconds=5).total_seconds()) == "1d 1:00:05"
    assert format_remaining(59) == "0:00:59"



def test_board_countdowns_show_seconds_only_in_the_last_hour():
    assert format_countdown(29 * 60 + 53) == "29:53"
    assert format_countdown(-61) == "1:01"
    assert format_countdown(9 * 3600 + 5 * 60 + 59) == "9h 05m"
    assert format_countdown(4 * 86400 + 6 * 3600 + 59) == "4d 6h"
