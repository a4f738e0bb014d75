"""Follow-up deadlines: sign-off, feedback and revisit due times and their countdown states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .clock import CHINA_TZ
from .errors import ValidationError

SIGN_MINUTES = 30
# Feedback windows published by command centres, by kind of matter.
FEEDBACK_HOURS = (3, 6, 9, 24)
# A countdown turns "near" once 80 % of its span has elapsed: the incident timers' rule
# (domain.response DEFAULT_NEAR_FRACTION), so colours mean the same thing on every board.
NEAR_FRACTION = 0.8


class DeadlineKind(StrEnum):
    SIGN = "sign"
    FEEDBACK = "feedback"
    REVISIT = "revisit"


class CountdownState(StrEnum):
    """Same names as the incident timers, so the theme's colours and symbols apply unchanged."""

    PENDING = "pending"  # running, plenty of time left
    NEAR = "near"  # running, in the last part of its span
    BREACHED = "breached"  # past due (still open, or done late)
    MET = "met"  # done in time
    NA = "na"  # no such deadline for this task now


@dataclass(frozen=True)
class Countdown:
    kind: DeadlineKind
    due_at: datetime
    state: CountdownState
    remaining_s: float  # negative once overdue; frozen at completion for done countdowns
    # What completed it, if done: a returned task's rejected feedback does not complete its
    # rework window, so a pane shows "done" only where the countdown it shows counted it.
    done_at: datetime | None = None


def _aware(dt: datetime, name: str) -> datetime:
    if dt.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return dt


def sign_due(sent_at: datetime, minutes: int = SIGN_MINUTES) -> datetime:
    """Sign-off is due a fixed number of minutes after sending (elapsed time, not wall time)."""
    if minutes <= 0:
        raise ValidationError("must be a positive number of minutes", field="sign_minutes")
    return _aware(sent_at, "sent_at") + timedelta(minutes=minutes)


def check_feedback_hours(hours: int) -> int:
    if hours not in FEEDBACK_HOURS:
        allowed = ", ".join(str(h) for h in FEEDBACK_HOURS)
        raise ValidationError(f"must be one of {allowed} hours, not {hours}", field="feedback_hours")
    return hours


def feedback_due(sent_at: datetime, hours: int) -> datetime:
    """Feedback is due 3, 6, 9 or 24 elapsed hours after sending.

    China has had no daylight saving since 1991, so elapsed hours and wall-clock hours agree;
    computing on aware instants keeps midnight and month ends exact either way.
    """
    return _aware(sent_at, "sent_at") + timedelta(hours=check_feedback_hours(hours))


def end_of_local_day(day: date) -> datetime:
    """The last instant (exclusive bound) of a China-time calendar day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), CHINA_TZ)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a China-time calendar day."""
    return datetime.combine(day, time(0), CHINA_TZ), end_of_local_day(day)


def local_date(dt: datetime) -> date:
    return _aware(dt, "dt").astimezone(CHINA_TZ).date()


def revisit_due(start: datetime, days: int) -> datetime:
    """A revisit in N days is due by the end of that China-time calendar day.

    Counting calendar days (not 24-hour blocks) is what officers mean by "revisit within 3
    days": a dispute registered at 23:50 on 30 Nov is due by the end of 3 Dec.
    """
    if days < 0:
        raise ValidationError("must not be negative", field="revisit_days")
    return end_of_local_day(local_date(start) + timedelta(days=days))


def countdown(
    kind: DeadlineKind,
    started_at: datetime,
    due_at: datetime,
    done_at: datetime | None,
    now: datetime,
    *,
    near_fraction: float = NEAR_FRACTION,
) -> Countdown:
    """The state of one deadline at `now`: on time, near, overdue, met or done late."""
    if done_at is not None:
        remaining = (due_at - done_at).total_seconds()
        state = CountdownState.MET if remaining >= 0 else CountdownState.BREACHED
        return Countdown(kind, due_at, state, remaining, done_at)
    remaining = (due_at - now).total_seconds()
    if remaining < 0:
        return Countdown(kind, due_at, CountdownState.BREACHED, remaining)
    span = (due_at - started_at).total_seconds()
    elapsed = (now - started_at).total_seconds()
    state = CountdownState.NEAR if elapsed >= span * near_fraction else CountdownState.PENDING
    return Countdown(kind, due_at, state, remaining)


def sign_window_start(created_at: datetime, reassigned_at: datetime | None) -> datetime:
    """Where a task's running sign-off window began: a reassignment sends the task afresh."""
    return reassigned_at or created_at


def feedback_window_start(created_at: datetime, reassigned_at: datetime | None,
                          returned_at: datetime | None) -> datetime:
    """Where a task's running feedback window began: the latest of sending, reassignment (the
    new officer's share of the window, kept or fresh) and return for rework (a fresh window)."""
    return max(d for d in (created_at, reassigned_at, returned_at) if d is not None)


@dataclass(frozen=True)
class TaskTimes:
    """The timestamps of a task that its countdowns depend on."""

    status: str
    created_at: datetime
    sign_due_at: datetime
    feedback_due_at: datetime
    signed_at: datetime | None
    fed_back_at: datetime | None
    returned_at: datetime | None = None  # start of the current rework span, if returned
    reassigned_at: datetime | None = None  # last handed to another officer, if ever

    @property
    def sign_start(self) -> datetime:
        return sign_window_start(self.created_at, self.reassigned_at)

    @property
    def feedback_start(self) -> datetime:
        return feedback_window_start(self.created_at, self.reassigned_at, self.returned_at)


def counted_feedback(status: str, fed_back_at: datetime | None) -> datetime | None:
    """The feedback that meets the running feedback deadline: a returned task waits for new
    feedback, its earlier one no longer counts."""
    return None if status == "returned" else fed_back_at


def task_countdowns(t: TaskTimes, now: datetime) -> tuple[Countdown, Countdown]:
    """Sign-off and feedback countdowns of a task at `now`, each near over its own window."""
    sign = countdown(DeadlineKind.SIGN, t.sign_start, t.sign_due_at, t.signed_at, now)
    feedback = countdown(DeadlineKind.FEEDBACK, t.feedback_start, t.feedback_due_at,
                         counted_feedback(t.status, t.fed_back_at), now)
    return sign, feedback


def active_countdown(t: TaskTimes, now: datetime) -> Countdown:
    """The one countdown the board shows: sign-off until signed, then feedback until fed back."""
    sign, feedback = task_countdowns(t, now)
    if t.status == "sent":
        # An unsigned task past its feedback deadline is worse than late signing: show that.
        if feedback.state is CountdownState.BREACHED:
            return feedback
        return sign
    if t.status in ("signed", "returned"):
        return feedback
    return Countdown(feedback.kind, feedback.due_at, CountdownState.NA, feedback.remaining_s)


def format_remaining(seconds: float) -> str:
    """'2:05:09' or '-0:03:10'; days shown as '1d 2:05:09' (exact, for details and logs)."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    days, rest = divmod(total, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    body = f"{h}:{m:02d}:{s:02d}"
    return f"{sign}{days}d {body}" if days else f"{sign}{body}"


def format_countdown(seconds: float, units: tuple[str, str, str] = ("d ", "h ", "m")) -> str:
    """How a board shows a countdown (the caller says whether it is overdue): seconds only in
    the last hour ('29:53'), then hours and minutes ('9h 05m'), then days and hours ('2d 3h').

    Beyond the last hour nobody acts on seconds, and a cell that changes once a minute is not
    repainted every second: the 1 Hz tick stays cheap on a board of thousands of tasks.
    """
    day, hour, minute = units  # the UI passes its language's ('天', '小时', '分')
    total = int(abs(seconds))
    if total < 3600:
        m, s = divmod(total, 60)
        return f"{m}:{s:02d}"
    if total < 86400:
        h, rest = divmod(total, 3600)
        return f"{h}{hour}{rest // 60:02d}{minute}"
    d, rest = divmod(total, 86400)
    return f"{d}{day}{rest // 3600}{hour.rstrip()}"
