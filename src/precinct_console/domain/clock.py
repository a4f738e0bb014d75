"""Injected time: services take a clock; domain rules take `now` as an argument."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

# China Standard Time has had no daylight saving since 1991: a fixed offset is exact.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class ServerClock:
    """The seat's clock set to the database server's: every seat of a station records one time.

    A seat whose clock runs ahead would otherwise record a receipt "in the future" of the
    others, and their dispatch would be refused as coming before it.
    """

    def __init__(self, base: Clock = system_clock):
        self.base = base
        self.offset = timedelta(0)  # server minus seat, measured by storage.servertime

    def __call__(self) -> datetime:
        return self.base() + self.offset


class FixedClock:
    """A clock for tests and replays: returns a set time until moved."""

    def __init__(self, now: datetime):
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now = self.now + timedelta(**kwargs)
        return self.now


def local(dt: datetime) -> datetime:
    """The same instant in China Standard Time, as the users read it."""
    return dt.astimezone(CHINA_TZ)


def shown(dt: datetime) -> str:
    """A time in a message, as the officer reads the board's clock (never UTC ISO text)."""
    return local(dt).strftime("%Y-%m-%d %H:%M:%S")
