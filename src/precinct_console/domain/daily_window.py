"""Daily time windows, as a must-patrol point has them: "07:00"-"08:30", or "20:00"-"02:00" across midnight."""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import CHINA_TZ

ALL_DAY = ("00:00", "24:00")


def minutes_of(text: str) -> int | None:
    """Minutes after midnight for "HH:MM" or "H:MM" (00:00 to 24:00), or None when it is not
    such a time."""
    parts = text.strip().split(":")
    if (len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts)
            or len(parts[0]) not in (1, 2) or len(parts[1]) != 2):
        return None
    h, m = int(parts[0]), int(parts[1])
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def normalised(text: str) -> str:
    """"7:30" as "07:30", the form the database keeps; text that is no time stays as it is."""
    m = minutes_of(text)
    return text if m is None else f"{m // 60:02d}:{m % 60:02d}"


def window_problem(start: str, end: str) -> tuple[str, str] | None:
    """(field, message) when the pair is not a daily window, else None."""
    a, b = minutes_of(start), minutes_of(end)
    if a is None:
        return "window_start", f"{start!r} is not a time of day like 07:30"
    if b is None:
        return "window_end", f"{end!r} is not a time of day like 17:30 (24:00 for midnight)"
    if a == 1440:
        return "window_start", "a window starts at 23:59 at the latest (00:00 for midnight)"
    if a == b % 1440 and (a, b) != (0, 1440):
        return "window_end", (f"the window {start}-{end} is empty; leave both out (or give 00:00 "
                              "and 24:00) for a point patrolled all day")
    return None


def parts_within(start: str, end: str, span_start: datetime, span_end: datetime
                 ) -> list[tuple[datetime, datetime]]:
    """The stretches of [span_start, span_end) inside the window, in order (China time); none
    when the pair is no window. An end before the start crosses midnight: 20:00-02:00 runs
    into the next morning."""
    a, b = minutes_of(start), minutes_of(end)
    if a is None or b is None or span_end <= span_start:
        return []
    if b <= a:
        b += 1440
    first = span_start.astimezone(CHINA_TZ)
    last = span_end.astimezone(CHINA_TZ)
    day = datetime(first.year, first.month, first.day, tzinfo=CHINA_TZ) - timedelta(days=1)
    parts = []
    while day < last:
        opens, closes = max(day + timedelta(minutes=a), first), min(day + timedelta(minutes=b), last)
        if opens < closes:
            parts.append((opens, closes))
        day += timedelta(days=1)
    return parts


def overlap_minutes(start: str, end: str, span_start: datetime, span_end: datetime) -> float:
    """Minutes of [span_start, span_end) inside the window."""
    return sum((b - a).total_seconds() / 60 for a, b in parts_within(start, end, span_start, span_end))


def meets(start: str, end: str, span_start: datetime, span_end: datetime) -> bool:
    """Does [span_start, span_end) share any time with the window on some day (China time)?"""
    return bool(parts_within(start, end, span_start, span_end))
