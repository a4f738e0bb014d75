"""A must-patrol point's daily window meets a shift when they share any minute, midnight included."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.daily_window import meets, minutes_of, overlap_minutes, window_problem


def shift(day: int, hour: int, hours: int) -> tuple[datetime, datetime]:
    start = datetime(2026, 12, day, hour, tzinfo=CHINA_TZ)
    return start, start + timedelta(hours=hours)


@pytest.mark.parametrize(("text", "minutes"), [("00:00", 0), ("07:30", 450), ("24:00", 1440),
                                               ("7:30", 450), ("730", None), ("07:5", None), ("24:01", None), ("12:60", None),
                                               ("noon", None), ("", None)])
def test_times_of_day_are_read_strictly(text, minutes):
    assert minutes_of(text) == minutes


def test_a_school_run_window_meets_only_the_shift_it_falls_in():
    assert not meets("16:30", "17:00", *shift(7, 8, 8))  # 08:00-16:00 ends before it
    assert not meets("16:30", "17:00", *shift(7, 0, 8))
    assert meets("16:30", "17:00", *shift(7, 16, 8))
    # A window shorter than half an hour inside a shift is still met (not sampled).
    assert meets("16:40", "16:50", *shift(7, 16, 8))


def test_a_shift_ending_as_the_window_opens_does_not_meet_it():
    assert not meets("16:00", "18:00", *shift(7, 8, 8))


def test_a_night_market_window_runs_across_midnight():
    assert meets("20:00", "02:00", *shift(7, 0, 8))      # 00:00-02:00 of the night before's window
    assert meets("20:00", "02:00", *shift(7, 16, 8))     # 20:00-24:00
    assert not meets("20:00", "02:00", *shift(7, 8, 8))  # 08:00-16:00


def test_all_day_and_a_24_hour_duty_meet_everything():
    assert meets("00:00", "24:00", *shift(7, 8, 8))
    assert meets("03:00", "04:00", *shift(7, 8, 24))


@pytest.mark.parametrize(("start", "end", "field"), [("7.30", "08:00", "window_start"),
                                                     ("07:30", "25:00", "window_end"),
                                                     ("08:00", "08:00", "window_end"),
                                                     ("24:00", "02:00", "window_start")])
def test_a_bad_window_names_its_field(start, end, field):
    problem = window_problem(start, end)
    assert problem is not None and problem[0] == field


def test_good_windows_pass():
    for start, end in (("07:00", "08:30"), ("20:00", "02:00"), ("00:00", "24:00")):
        assert window_problem(start, end) is None


def test_the_minutes_a_shift_spends_inside_a_window():
    assert overlap_minutes("07:00", "08:30", *shift(7, 8, 8)) == 30       # a school gate, day shift
    assert overlap_minutes("20:00", "02:00", *shift(7, 16, 8)) == 240     # the night market, evening
    assert overlap_minutes("20:00", "02:00", *shift(7, 0, 8)) == 120      # and the night after
    assert overlap_minutes("16:00", "18:00", *shift(7, 8, 8)) == 0        # opens as the shift ends
    assert overlap_minutes("00:00", "24:00", *shift(7, 8, 24)) == 1440
    # A 24-hour duty from 08:00 meets a night market's two evenings' parts: 20:00-02:00 whole.
    assert overlap_minutes("20:00", "02:00", *shift(7, 8, 24)) == 360
    assert overlap_minutes("7:00", "x", *shift(7, 8, 8)) == 0
