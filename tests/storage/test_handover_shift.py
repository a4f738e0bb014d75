"""The shifts a handover offers: the station's own as rostered, the command room's first; the one
running, then the one just ended while its outgoing duty may still write up its report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.services import roster
from precinct_console.services.handover_shift import ShiftChoice, handover_shifts, setting_shifts

TWELVE_HOURS = {"teams": ["甲", "乙", "丙"], "shifts": [{"name": "白班", "start": "08:00", "hours": 12},
                                                      {"name": "夜班", "start": "20:00", "hours": 12}]}
THREE_SHIFTS = {"teams": ["一", "二", "三", "四"], "shifts": [
    {"name": "早班", "start": "00:00", "hours": 8}, {"name": "白班", "start": "08:00", "hours": 8},
    {"name": "中班", "start": "16:00", "hours": 8}]}


def _china(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHINA_TZ)


def _spans(choices: list[ShiftChoice]) -> list[tuple[datetime, datetime, bool]]:
    return [(c.start, c.end, c.ended) for c in choices]


DAY = (_china(20, 8), _china(20, 20))
NIGHT = (_china(20, 20), _china(21, 8))


@pytest.mark.parametrize(("at", "offered"), [
    # 19:59: the day shift is still on, the night before it ended long ago.
    (_china(20, 19, 59), [(*DAY, False)]),
    # 20:00: the night duty takes over; the day duty still writes up its report.
    (_china(20, 20), [(*NIGHT, False), (*DAY, True)]),
    (_china(20, 21), [(*NIGHT, False), (*DAY, True)]),
    (_china(20, 22), [(*NIGHT, False), (*DAY, True)]),
    # 22:01: the day shift's two hours of write-up are over.
    (_china(20, 22, 1), [(*NIGHT, False)]),
    # 08:45 the next morning: the day shift first, the night just handed over after it.
    (_china(21, 8, 45), [(_china(21, 8), _china(21, 20), False), (*NIGHT, True)]),
])
def test_a_station_changing_at_eight_and_twenty_offers_the_running_shift_first(make_ctx, at, offered):
    chief = make_ctx("station_chief")
    assert handover_shifts(chief, at) == []  # no roster yet: the setting stands in
    roster.add_pattern_with_shifts(chief, "三班二运转", "three_two", TWELVE_HOURS,
                                   date(2026, 11, 19), date(2026, 11, 21))
    assert _spans(handover_shifts(make_ctx("duty_officer"), at)) == offered


def test_a_time_without_its_zone_is_refused(make_ctx):
    from precinct_console.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="with its zone"):
        handover_shifts(make_ctx("duty_officer"), datetime(2026, 11, 20, 21))


def test_three_shifts_hand_over_at_each_change(make_ctx):
    chief = make_ctx("station_chief")
    roster.add_pattern_with_shifts(chief, "四班三运转", "four_three", THREE_SHIFTS,
                                   date(2026, 11, 19), date(2026, 11, 21))
    # 16:30: the 中班 is on, the 白班 that ended at 16:00 is still being written up.
    assert _spans(handover_shifts(chief, _china(20, 16, 30))) == [
        (_china(20, 16), _china(21, 0), False), (_china(20, 8), _china(20, 16), True)]
    # 00:10 (UTC 16:10 the day before): the 早班 is on, the 中班 just ended at midnight.
    assert _spans(handover_shifts(chief, datetime(2026, 11, 20, 16, 10, tzinfo=UTC))) == [
        (_china(21, 0), _china(21, 8), False), (_china(20, 16), _china(21, 0), True)]
    assert _spans(handover_shifts(chief, _china(20, 18, 1))) == [(_china(20, 16), _china(21, 0), False)]


def test_the_command_rooms_desk_shift_goes_before_the_patrol_shifts(make_ctx):
    chief = make_ctx("station_chief")
    roster.add_pattern_with_shifts(chief, "三班二运转", "three_two", TWELVE_HOURS,
                                   date(2026, 11, 19), date(2026, 11, 21))
    roster.add_pattern_with_shifts(chief, "指挥室值班", "duty_24h",
                                   {"teams": ["一组", "二组"], "handover": "09:00", "duty": "desk"},
                                   date(2026, 11, 19), date(2026, 11, 21))
    # 21:00: the desk's 24 hours from 09:00 alone; the patrols' 20:00 change is not the desk's.
    assert _spans(handover_shifts(chief, _china(20, 21))) == [(_china(20, 9), _china(21, 9), False)]
    assert _spans(handover_shifts(chief, _china(21, 10))) == [
        (_china(21, 9), _china(22, 9), False), (_china(20, 9), _china(21, 9), True)]


@pytest.mark.parametrize(("hour", "minute", "offered"), [
    # 24-hour duty handing over at 08:30 (the setting, no roster): at 08:29 the shift ending at
    # 08:30 is on; from 08:30 the next one, with the one just ended offered until 10:30.
    (8, 29, [((19, 8, 30), (20, 8, 30), False)]),
    (8, 30, [((20, 8, 30), (21, 8, 30), False), ((19, 8, 30), (20, 8, 30), True)]),
    (10, 30, [((20, 8, 30), (21, 8, 30), False), ((19, 8, 30), (20, 8, 30), True)]),
    (10, 31, [((20, 8, 30), (21, 8, 30), False)]),
    (20, 0, [((20, 8, 30), (21, 8, 30), False)]),
])
def test_the_handover_time_setting_offers_the_same_way(hour, minute, offered):
    def at(d: tuple[int, int, int]) -> datetime:
        return _china(d[0], d[1], d[2])

    assert _spans(setting_shifts(_china(20, hour, minute), "08:30")) == [
        (at(a), at(b), ended) for a, b, ended in offered]
