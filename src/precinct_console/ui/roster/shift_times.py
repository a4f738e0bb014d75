"""The station's own shift names and times as the chief types them: 白班 08:00 8，小夜班 16:00-24:00."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from ...domain.shifts import PatternDef

_ITEMS = re.compile(r"[,，;；、\n]+")
_TIME = r"\d{1,2}[:：]\d{2}"
# A name, its start, then its length in hours (8, 8h, 8小时) or its end (16:00; 24:00 is midnight).
_ITEM = re.compile(rf"^(?P<name>.+?)\s*(?P<start>{_TIME})\s*(?:[-–—~～至到]\s*(?P<end>{_TIME})|"
                   r"(?P<hours>\d+(?:\.\d+)?)\s*(?:h|H|小时|时)?)$")


class ShiftTimesError(ValueError):
    """An item the chief typed that is not a name, a start and hours (the item, as typed)."""

    def __init__(self, item: str):
        super().__init__(item)
        self.item = item


def _minutes(text: str) -> int:
    hh, mm = re.split("[:：]", text)
    h, m = int(hh), int(mm)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(text)
    return h * 60 + m


def _hours(h: float) -> str:
    return f"{h:.2f}".rstrip("0").rstrip(".")


def parse_shift_times(text: str) -> list[dict[str, Any]]:
    """[{"name", "start": "HH:MM", "hours"}…] as PatternDef.from_dict takes them; [] when empty.

    Raises ShiftTimesError naming the first item that does not read as a shift."""
    out: list[dict[str, Any]] = []
    for item in (x.strip() for x in _ITEMS.split(text)):
        if not item:
            continue
        m = _ITEM.match(item)
        try:
            if m is None:
                raise ValueError(item)
            start = _minutes(m["start"])
            if m["end"] is not None:
                # An end at or before the start is the next day's (大夜班 00:00-08:00 is 8 h; 08:30-08:30 is 24).
                hours = ((_minutes(m["end"]) - start) % (24 * 60) or 24 * 60) / 60
            else:
                hours = float(m["hours"])
        except ValueError:
            raise ShiftTimesError(item) from None
        start %= 24 * 60
        out.append({"name": m["name"].strip(), "start": f"{start // 60:02d}:{start % 60:02d}",
                    "hours": hours})
    return out


def shift_times_text(p: PatternDef) -> str:
    """A pattern's shifts as the field shows them: its own, else its kind's from the handover."""
    base = datetime.combine(date(2026, 1, 1), p.handover)
    return "，".join(f"{name} {base + timedelta(hours=offset):%H:%M} {_hours(length)}"
                    for name, offset, length in p.shift_slots)
