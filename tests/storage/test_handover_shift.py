"""The shift a handover hands over is the station's own as rostered, the command room's first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.services import roster
from precinct_console.services.handover_shift import handover_shift

TWELVE_HOURS = {"teams": ["甲", "乙", "丙"], "shifts": [{"name": "白班", "start": "08:00", "hours": 12},
                                                      {"name": "夜班", "start": "20:00", "hours": 12}]}


def _china(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHINA_TZ)


def test_shifts_changing_at_eight_and_twenty_are_handed_over_as_rostered(make_ctx):
    chief = make_ctx("station_chief")
    assert handover_shift(chief, _china(20, 21)) is None  # no roster yet: the setting stands in
    roster.add_pattern_with_shifts(chief, "三班二运转", "three_two", TWELVE_HOURS,
                                   date(2026, 11, 19), date(2026, 11, 21))
    duty = make_ctx("duty_officer")
    # 21:00: the day shift handed over at 20:00 is still the one written up; at 22:30 the night
    # shift that began at 20:00 is running (the setting's 08:30-08:30 fitted neither).
    assert handover_shift(duty, _china(20, 21)) == (_china(20, 8), _china(20, 20))
    assert handover_shift(duty, _china(20, 22, 30)) == (_china(20, 20), _china(21, 8))
    # 08:45: the night just handed over (the report is written after the handover).
    assert handover_shift(duty, _china(21, 8, 45)) == (_china(20, 20), _china(21, 8))
    # 10:30: the day shift.
    start, end = handover_shift(duty, datetime(2026, 11, 21, 2, 30, tzinfo=UTC))
    assert (start, end) == (_china(21, 8), _china(21, 20))


def test_the_command_rooms_desk_shift_goes_before_the_patrol_shifts(make_ctx):
    chief = make_ctx("station_chief")
    roster.add_pattern_with_shifts(chief, "三班二运转", "three_two", TWELVE_HOURS,
                                   date(2026, 11, 19), date(2026, 11, 21))
    roster.add_pattern_with_shifts(chief, "指挥室值班", "duty_24h",
                                   {"teams": ["一组", "二组"], "handover": "09:00", "duty": "desk"},
                                   date(2026, 11, 19), date(2026, 11, 21))
    assert handover_shift(chief, _china(20, 21)) == (_china(20, 9), _china(21, 9))
    assert handover_shift(chief, _china(21, 10)) == (_china(20, 9), _china(21, 9))
