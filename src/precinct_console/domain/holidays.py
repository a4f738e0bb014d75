"""Chinese public holidays and adjusted working days (调休), from the chinesecalendar tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # statutory public holiday (法定节假日), including days moved into it
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked to make up a holiday (调休上班)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: DayKind
    holiday: str = ""  # English name from the tables, e.g. "National Day"
    known: bool = True  # False outside the years the tables cover: weekends assumed

    @property
    def holiday_zh(self) -> str:
        return HOLIDAY_NAMES_ZH.get(self.holiday, self.holiday)

    @property
    def is_rest_day(self) -> bool:
        """Citizens are off: incident patterns look like a weekend's."""
        return self.kind in (DayKind.WEEKEND, DayKind.HOLIDAY)

    def label_zh(self) -> str:
        if self.kind is DayKind.HOLIDAY:
            return self.holiday_zh or "节假日"
        if self.kind is DayKind.ADJUSTED_WORKDAY:
            return "调休上班"
        return ""


def calendar_day(day: date) -> CalendarDay:
    """What kind of day this is in mainland China, including the State Council's adjustments."""
    weekend = day.weekday() >= 5
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        # Beyond the published tables (the State Council announces each year in November).
        return CalendarDay(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, known=False)
    if holiday and name:
        return CalendarDay(day, DayKind.HOLIDAY, name)
    if holiday:
        return CalendarDay(day, DayKind.WEEKEND)
    if weekend:
        return CalendarDay(day, DayKind.ADJUSTED_WORKDAY, name or "")
    return CalendarDay(day, DayKind.WORKDAY)


def years_not_covered(first: date, last: date) -> tuple[int, ...]:
    """The years of first..last whose holidays the tables do not hold yet (weekends assumed)."""
    days = ((first + timedelta(days=i)) for i in range((last - first).days + 1))
    return tuple(sorted({d.year for d in days if not calendar_day(d).known}))
