"""Shift patterns (24-hour duty, 四班三运转, 三班二运转, standby) and the concrete shifts they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from .clock import CHINA_TZ
from .errors import ValidationError
from .holidays import CalendarDay, DayKind, calendar_day


class PatternKind(StrEnum):
    DUTY_24H = "duty_24h"  # 24-hour duty with handover (交接班), teams in turn
    FOUR_THREE = "four_three"  # four teams on three 8-hour shifts (四班三运转)
    THREE_TWO = "three_two"  # three teams on two 12-hour shifts (三班二运转)
    STANDBY = "standby"  # a standby team (备勤) for 24 hours, in turn


# (name, start offset from handover in hours, length in hours) of each daily shift slot.
_SLOTS: dict[PatternKind, tuple[tuple[str, float, float], ...]] = {
    PatternKind.DUTY_24H: (("值班", 0, 24),),
    PatternKind.FOUR_THREE: (("白班", 0, 8), ("中班", 8, 8), ("夜班", 16, 8)),
    PatternKind.THREE_TWO: (("白班", 0, 12), ("夜班", 12, 12)),
    PatternKind.STANDBY: (("备勤", 0, 24),),
}
# The teams a rotation is made for: 四班三运转 turns four teams through three shifts, 三班二运转
# three through two; a duty or standby rota needs one team at least.
MIN_TEAMS = {PatternKind.FOUR_THREE: 4, PatternKind.THREE_TWO: 3}
DEFAULT_TEAMS = {
    PatternKind.DUTY_24H: ("一组", "二组", "三组"),
    PatternKind.FOUR_THREE: ("甲", "乙", "丙", "丁"),
    PatternKind.THREE_TWO: ("甲", "乙", "丙"),
    PatternKind.STANDBY: ("备勤一组", "备勤二组"),
}


# Team names count in Chinese numerals (一组…十二组), digits or the heavenly stems of a rotation
# (甲乙丙丁); by character code 一组, 三组, 二组, 四组 and 丁, 丙, 乙, 甲 read out of turn.
_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _numeral_value(run: str) -> int:
    total = digit = 0
    for ch in run:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]  # 十 alone is 10, 二十 is 20
            digit = 0
        else:
            digit = _NUMERALS[ch]
    return total + digit


def team_sort_key(team: str) -> tuple[tuple[int, int, str], ...]:
    """A natural order of team names: 一组 < 二组 < 十组 < 十一组, 2组 < 10组, 甲 < 乙 < 丙 < 丁."""
    key: list[tuple[int, int, str]] = []
    i = 0
    while i < len(team):
        ch = team[i]
        j = i + 1
        if ch.isdigit():
            while j < len(team) and team[j].isdigit():
                j += 1
            key.append((0, int(team[i:j]), ""))
        elif ch in _NUMERALS or ch in _UNITS:
            while j < len(team) and (team[j] in _NUMERALS or team[j] in _UNITS):
                j += 1
            key.append((0, _numeral_value(team[i:j]), ""))
        elif ch in _STEMS:
            key.append((1, _STEMS.index(ch) + 1, ""))  # after numbered teams, not among them
        else:
            while j < len(team) and not (team[j].isdigit() or team[j] in _NUMERALS
                                         or team[j] in _UNITS or team[j] in _STEMS):
                j += 1
            key.append((2, 0, team[i:j]))
        i = j
    return tuple(key)


Slot = tuple[str, float, float]  # (name, start in hours after the handover, length in hours)
PATTERN_KEYS = frozenset({"teams", "handover", "anchor", "min_staff", "holiday_extra_staff", "shifts",
                          "posts", "block_days", "duty"})
# What a team put on a pattern's shifts works: the command room's 24-hour duty is at the desk
# (值班台), not out on patrol.
TEAM_DUTIES = ("patrol", "desk", "post", "standby")
# 四班三运转 is worked two ways: two days on each shift (白白中中夜夜休休, an 8-day cycle) or one
# (白中夜休, 4 days); block_days says which.
BLOCK_DAYS = (1, 2)


def default_duty(kind: PatternKind) -> str:
    """What a pattern's teams work unless it says: standby for a standby team, else patrol."""
    return "standby" if kind is PatternKind.STANDBY else "patrol"


@dataclass(frozen=True)
class PatternDef:
    kind: PatternKind
    teams: tuple[str, ...]
    handover: time = time(8, 30)
    anchor: date = date(2026, 1, 5)  # the day the first team starts the cycle (a Monday)
    min_staff: int = 0
    holiday_extra_staff: int = 0  # more hands on public holidays (crowds, travel)
    # The station's own shift names and times (白班 08:00, 小夜班 16:00, 大夜班 00:00); empty
    # means the kind's usual ones from the handover. The first shift starts at the handover.
    slots: tuple[Slot, ...] = ()
    # Officers needed at posts on every shift, (post id, how many): 火车站警务站 at least 2.
    post_min: tuple[tuple[int, int], ...] = ()
    block_days: int = 2  # 四班三运转: days on each shift before the next (BLOCK_DAYS)
    team_duty: str = ""  # one of TEAM_DUTIES; empty: the kind's own (see duty)

    @property
    def duty(self) -> str:
        """The duty a team put on this pattern's shifts works: the pattern's own, else a standby
        team is on standby (备勤), counted apart from patrol, and the others on patrol."""
        return self.team_duty or default_duty(self.kind)

    @property
    def period_days(self) -> int:
        """Days until every team is back on the same shift (see _team_on): a copy of its shifts
        lands on the right teams only a whole number of periods later."""
        if self.kind is PatternKind.FOUR_THREE:
            return 4 * self.block_days
        if self.kind is PatternKind.THREE_TWO:
            return 3
        return len(self.teams)

    @property
    def shift_slots(self) -> tuple[Slot, ...]:
        return self.slots or _SLOTS[self.kind]

    @staticmethod
    def from_dict(kind: str, data: dict[str, Any], *, strict: bool = False) -> PatternDef:
        """The pattern a definition describes. strict (a new pattern) refuses keys it would ignore:
        a misspelt key used to fall back silently to the defaults (shifts at 08:30 named 白班/中班/夜班)."""
        try:
            k = PatternKind(kind)
        except ValueError:
            raise ValidationError(
                f"'{kind}' is not a shift pattern (one of: {', '.join(p.value for p in PatternKind)})",
                field="kind",
            ) from None
        unknown = sorted(set(data) - PATTERN_KEYS)
        if strict and unknown:
            raise ValidationError(f"unknown key '{unknown[0]}' in the pattern (known: "
                                  f"{', '.join(sorted(PATTERN_KEYS))})", field="definition")
        teams = tuple(data.get("teams") or DEFAULT_TEAMS[k])
        need = MIN_TEAMS.get(k, 1)
        if len(teams) < need:
            raise ValidationError(f"{k.value} needs at least {need} teams, {len(teams)} given",
                                  field="teams")
        try:
            hh, mm = str(data.get("handover", "08:30")).split(":")
            handover = time(int(hh), int(mm))
            anchor = date.fromisoformat(str(data.get("anchor", "2026-01-05")))
        except ValueError as exc:
            raise ValidationError(f"bad handover time or anchor date: {exc}", field="definition") from None
        slots: tuple[Slot, ...] = ()
        if data.get("shifts"):
            handover, slots = _own_slots(k, data["shifts"])
        try:
            post_min = tuple(sorted((int(pid), int(n)) for pid, n in (data.get("posts") or {}).items()
                                    if int(n) > 0))
        except (AttributeError, TypeError, ValueError):
            raise ValidationError("posts: give each post's id and the officers it needs",
                                  field="posts") from None
        block = data.get("block_days", 2)
        if k is PatternKind.FOUR_THREE and block not in BLOCK_DAYS:
            raise ValidationError(f"block_days must be 1 (白中夜休) or 2 (白白中中夜夜休休), not {block!r}",
                                  field="block_days")
        duty = data.get("duty") or ""
        if duty not in ("", *TEAM_DUTIES):
            raise ValidationError(f"'{duty}' is not a team's duty (one of: {', '.join(TEAM_DUTIES)})",
                                  field="duty")
        return PatternDef(k, teams, handover, anchor, int(data.get("min_staff", 0)),
                          int(data.get("holiday_extra_staff", 0)), slots, post_min,
                          int(block) if k is PatternKind.FOUR_THREE else 2, str(duty))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "teams": list(self.teams), "handover": self.handover.strftime("%H:%M"),
            "anchor": self.anchor.isoformat(), "min_staff": self.min_staff,
            "holiday_extra_staff": self.holiday_extra_staff,
        }
        if self.post_min:
            out["posts"] = {str(pid): n for pid, n in self.post_min}
        if self.kind is PatternKind.FOUR_THREE and self.block_days != 2:
            out["block_days"] = self.block_days
        if self.team_duty:
            out["duty"] = self.team_duty
        if self.slots:
            base = datetime.combine(date(2026, 1, 1), self.handover)
            out["shifts"] = [{"name": n, "start": f"{base + timedelta(hours=o):%H:%M}", "hours": h}
                             for n, o, h in self.slots]
        return out


def slots_a_day(kind: PatternKind) -> tuple[int, int]:
    """How many shifts a day a pattern of this kind may have (fewest, most)."""
    if kind in (PatternKind.FOUR_THREE, PatternKind.THREE_TWO):
        need = len(_SLOTS[kind])  # the teams' rotation is made for this many shifts a day
        return need, need
    return 1, 3  # one team a day (duty, standby), in one to three parts (备勤 白 / 夜)


def _own_slots(kind: PatternKind, given: Any) -> tuple[time, tuple[Slot, ...]]:
    """Shifts given as [{"name", "start": "HH:MM", "hours"}…] in the order of the duty day.

    A start earlier than the one before it is on the next day (大夜班 00:00 after 小夜班 16:00)."""
    count = len(given) if isinstance(given, list) else 0
    low, high = slots_a_day(kind)
    if low == high and count != low:
        raise ValidationError(f"{kind.value} has {low} shift(s) a day, {count} given",
                              field="shifts")
    if not low <= count <= high:
        raise ValidationError(f"{kind.value} has 1 to 3 shift(s) a day, {count} given",
                              field="shifts")
    slots: list[Slot] = []
    first: datetime | None = None
    prev_start = datetime.min
    end_of_last: datetime | None = None
    for i, item in enumerate(given, start=1):
        try:
            name = str(item["name"]).strip()
            hh, mm = str(item["start"]).split(":")
            hours = float(item["hours"])
            start = datetime.combine(date(2026, 1, 1), time(int(hh), int(mm)))
        except (KeyError, TypeError, ValueError):
            raise ValidationError(f"shift {i} needs a name, a start time HH:MM and its hours",
                                  field="shifts") from None
        if not name or not 0 < hours <= 24:
            raise ValidationError(f"shift {i} needs a name and 1 to 24 hours", field="shifts")
        if first is None:
            first = start
        elif start <= prev_start:
            start += timedelta(days=1)  # past midnight: the next calendar day
        prev_start = start
        if end_of_last is not None and start < end_of_last:
            raise ValidationError(f"shift {i} ({name}) starts before the one before it ends",
                                  field="shifts")
        end_of_last = start + timedelta(hours=hours)
        if end_of_last - first > timedelta(days=1):
            raise ValidationError(f"the shifts of one day last more than 24 hours (shift {i}, {name})",
                                  field="shifts")
        slots.append((name, (start - first).total_seconds() / 3600, hours))
    assert first is not None
    return first.time(), tuple(slots)


@dataclass(frozen=True)
class ShiftSlot:
    """One concrete shift a pattern produces."""

    name: str
    team: str
    starts_at: datetime
    ends_at: datetime
    duty_day: date  # the day the shift belongs to (a night shift belongs to the evening before)
    day: CalendarDay = field(compare=False)  # the calendar day it starts on
    min_staff: int = 0

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def _team_on(p: PatternDef, day: date, slot: int) -> str | None:
    n = len(p.teams)
    d = (day - p.anchor).days
    if p.kind is PatternKind.FOUR_THREE and p.block_days == 1:
        # 白中夜休: a day, a middle, a night shift, a day off (forward rotation, 24 h between
        # shifts); the day shift passes 甲 → 乙 → 丙 → 丁, one team a day.
        for t in range(4):
            if (d - t) % 4 == slot:
                return p.teams[t]
        return None
    if p.kind is PatternKind.FOUR_THREE:
        # Each team works 2 day, 2 middle, 2 night shifts, then 2 days off (forward rotation
        # gives at least 24 h between blocks); teams are two days apart, so each slot has one.
        for t in range(4):
            phase = (d + 2 * t) % 8
            if phase // 2 == slot:
                return p.teams[t]
        return None
    if p.kind is PatternKind.THREE_TWO:
        # Day shift, night shift, a day off: one team per slot every day.
        for t in range(3):
            if (d + t) % 3 == slot:
                return p.teams[t]
        return None
    return p.teams[d % n]


def generate_shifts(p: PatternDef, first: date, last: date) -> list[ShiftSlot]:
    """Every shift of the pattern whose duty day lies in [first, last], in time order."""
    if last < first:
        raise ValidationError("the period ends before it starts", field="last")
    if (last - first).days > 400:
        raise ValidationError("plan at most 400 days at a time", field="last")
    return pattern_shifts(p, first, last)


def pattern_shifts(p: PatternDef, first: date, last: date) -> list[ShiftSlot]:
    """generate_shifts without the planning limit: a pattern's figures look over its whole cycle,
    more than 400 days for a rota of many teams."""
    slots = p.shift_slots
    out: list[ShiftSlot] = []
    day = first
    while day <= last:
        cal = calendar_day(day)
        base = datetime.combine(day, p.handover, CHINA_TZ)
        for i, (name, offset, length) in enumerate(slots):
            team = _team_on(p, day, i)
            if team is None:
                continue
            start = base + timedelta(hours=offset)
            # A shift is staffed for the day it starts on, the column the calendar shows it in:
            # the 大夜班 00:00-08:00 of 1 October is the holiday's, though the rotation counts it
            # with 30 September, and that of 8 October is a working day's.
            on = cal if start.date() == day else calendar_day(start.date())
            extra = p.holiday_extra_staff if on.kind is DayKind.HOLIDAY else 0
            out.append(ShiftSlot(name, team, start, start + timedelta(hours=length), day, on,
                                 p.min_staff + extra))
        day += timedelta(days=1)
    return out
