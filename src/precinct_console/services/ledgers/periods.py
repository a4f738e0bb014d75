"""Export periods in China time: a day, a Monday-start week, a month or a custom range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ...domain.clock import CHINA_TZ
from ...domain.errors import ValidationError

PERIOD_KINDS = ("day", "week", "month", "custom")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # not strftime's %B: that follows the C locale


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date  # inclusive, China calendar
    last_day: date  # inclusive

    @property
    def start(self) -> datetime:
        """Midnight China time starting the first day (aware)."""
        return datetime.combine(self.first_day, time(0), CHINA_TZ)

    @property
    def end(self) -> datetime:
        """Midnight China time after the last day (exclusive)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), CHINA_TZ)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.first_day.strftime("%Y年%m月%d日")
        if self.kind == "week":
            year, week, _ = self.first_day.isocalendar()
            return (f"{year}年第{week}周（{self.first_day:%m月%d日}至{self.last_day:%m月%d日}）")
        if self.kind == "month":
            return self.first_day.strftime("%Y年%m月")
        return f"{self.first_day:%Y年%m月%d日}至{self.last_day:%Y年%m月%d日}"

    @property
    def label_en(self) -> str:
        """The label in English: 2026-11-20, week 47 of 2026 (2026-11-16 to 2026-11-22), November
        2026, 2026-11-01 to 2026-11-15."""
        if self.kind == "day":
            return self.first_day.isoformat()
        if self.kind == "week":
            year, week, _ = self.first_day.isocalendar()
            return f"week {week} of {year} ({self.first_day.isoformat()} to {self.last_day.isoformat()})"
        if self.kind == "month":
            return f"{_MONTHS[self.first_day.month - 1]} {self.first_day.year}"
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"

    def label_in(self, language: str) -> str:
        """The label in a language ('en…' English, anything else Chinese, the ledgers' own)."""
        return self.label_en if language.startswith("en") else self.label

    @property
    def slug(self) -> str:
        """For file names: 2026-11-20, 2026-W47, 2026-11, 2026-11-01_2026-11-15."""
        if self.kind == "day":
            return self.first_day.isoformat()
        if self.kind == "week":
            year, week, _ = self.first_day.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return self.first_day.strftime("%Y-%m")
        return f"{self.first_day.isoformat()}_{self.last_day.isoformat()}"

    def previous(self) -> Period:
        """The period before (环比): yesterday, last week, last month, the same length before."""
        if self.kind == "month":
            last = self.first_day - timedelta(days=1)
            return month_of(last)
        length = timedelta(days=self.days)
        return Period(self.kind, self.first_day - length, self.last_day - length)

    def year_before(self) -> Period:
        """The same period a year earlier (同比); a week compares with the same ISO week."""
        if self.kind == "week":
            year, week, _ = self.first_day.isocalendar()
            try:
                return week_of(date.fromisocalendar(year - 1, week, 1))
            except ValueError:  # week 53 in a year that has only 52
                return week_of(date.fromisocalendar(year - 1, 52, 1))
        if self.kind == "month":
            return month_of(_shift_year(self.first_day, -1))
        return Period(self.kind, _shift_year(self.first_day, -1), _shift_year(self.last_day, -1))


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def local_day(at: datetime) -> date:
    """The China calendar day an instant belongs to."""
    return at.astimezone(CHINA_TZ).date()


def day_of(d: date) -> Period:
    return Period("day", d, d)


def week_of(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(d: date) -> Period:
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, nxt - timedelta(days=1))


def custom(first: date, last: date) -> Period:
    if last < first:
        raise ValidationError(f"the period ends ({last}) before it starts ({first})", field="to")
    if (last - first).days > 3660:
        raise ValidationError("a period is at most ten years long", field="to")
    return Period("custom", first, last)


def period_from(first: date, last: date) -> Period:
    """The named period two days span (a day, a Monday-to-Sunday week, a month) or a custom one."""
    for candidate in (day_of(first), week_of(first), month_of(first)):
        if candidate.first_day == first and candidate.last_day == last:
            return candidate
    return custom(first, last)


def period_for(kind: str, at: date, until: date | None = None) -> Period:
    """The period of a kind containing a day (custom: from `at` to `until`)."""
    if kind == "day":
        return day_of(at)
    if kind == "week":
        return week_of(at)
    if kind == "month":
        return month_of(at)
    if kind == "custom":
        return custom(at, until or at)
    raise ValidationError(f"'{kind}' is not a period (one of: {', '.join(PERIOD_KINDS)})", field="period")


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(text: str) -> Period:
    """'2026-W47' -> the Monday-to-Sunday week 47 of ISO year 2026."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValidationError(f"'{text}' is not an ISO week such as 2026-W47", field="week")
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as exc:
        raise ValidationError(f"'{text}' is not a week of that year: {exc}", field="week") from None
    return week_of(monday)


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"'{text}' is not a date such as 2026-11-20", field=field) from None
