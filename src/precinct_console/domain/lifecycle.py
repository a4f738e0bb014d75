"""Incident life cycle (接警 → 派警 → 签收 → 出警 → 到场 → 处置完毕 → 反馈 → 归档): order and projection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .clock import shown
from .errors import ValidationError


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    SIGNED = "signed"
    SET_OFF = "set_off"
    ARRIVED = "arrived"
    HANDLED = "handled"
    FED_BACK = "fed_back"
    CLOSED = "closed"


ORDER: tuple[Status, ...] = tuple(Status)
RANK = {s: i for i, s in enumerate(ORDER)}

STATUS_LABELS_ZH: dict[str, str] = {
    "received": "接警", "dispatched": "派警", "signed": "签收", "set_off": "出警",
    "arrived": "到场", "handled": "处置完毕", "fed_back": "反馈", "closed": "归档",
}
STATUS_LABELS_EN: dict[str, str] = {
    "received": "Received", "dispatched": "Dispatched", "signed": "Signed for",
    "set_off": "Set off", "arrived": "Arrived", "handled": "Handled", "fed_back": "Fed back",
    "closed": "Closed",
}


class Step(StrEnum):
    """What a dispatcher records; each is one append-only event."""

    DISPATCHED = "dispatched"
    SIGNED = "signed"
    SET_OFF = "set_off"
    ARRIVED = "arrived"
    REINFORCEMENT_ARRIVED = "reinforcement_arrived"
    CLEARED = "cleared"  # one unit leaves the scene before the incident is handled
    HANDLED = "handled"
    FED_BACK = "fed_back"
    CLOSED = "closed"


STEP_LABELS_ZH: dict[str, str] = {
    **STATUS_LABELS_ZH, "reinforcement_arrived": "增援到场", "cleared": "撤离",
    "reopened": "重开", "correction": "更正", "linked_call": "重复来电", "note": "备注",
    "amended": "修改",
}

# Steps that act on one dispatched unit (the unit's own times are kept on its dispatch).
UNIT_STEPS = frozenset({Step.SIGNED, Step.SET_OFF, Step.ARRIVED, Step.REINFORCEMENT_ARRIVED,
                        Step.CLEARED})

# Which step may follow which status. Skipping forward is allowed where practice does it
# (a dispatcher hears "on scene" without a separate sign-for; an enquiry is handled by phone
# with nobody sent), never backwards: corrections of a time are correction events instead.
ALLOWED: dict[Status, frozenset[Step]] = {
    Status.RECEIVED: frozenset({Step.DISPATCHED, Step.HANDLED}),
    Status.DISPATCHED: frozenset({Step.DISPATCHED, Step.SIGNED, Step.SET_OFF, Step.ARRIVED,
                                  Step.CLEARED, Step.HANDLED}),
    Status.SIGNED: frozenset({Step.DISPATCHED, Step.SIGNED, Step.SET_OFF, Step.ARRIVED,
                              Step.CLEARED, Step.HANDLED}),
    Status.SET_OFF: frozenset({Step.DISPATCHED, Step.SIGNED, Step.SET_OFF, Step.ARRIVED,
                               Step.CLEARED, Step.HANDLED}),
    Status.ARRIVED: frozenset({Step.DISPATCHED, Step.SIGNED, Step.SET_OFF, Step.ARRIVED,
                               Step.REINFORCEMENT_ARRIVED, Step.CLEARED, Step.HANDLED}),
    Status.HANDLED: frozenset({Step.FED_BACK, Step.CLOSED}),
    Status.FED_BACK: frozenset({Step.CLOSED}),
    Status.CLOSED: frozenset(),
}

# A recorded time may run this far ahead of the recording seat's clock (clock skew between seats).
FUTURE_TOLERANCE = timedelta(seconds=60)


def allowed_steps(status: str) -> frozenset[Step]:
    return ALLOWED[Status(status)]


def check_step(status: str, step: str) -> Step:
    """The step, if it may follow the incident's status; otherwise a message saying what may."""
    try:
        st = Step(step)
    except ValueError:
        names = ", ".join(s.value for s in Step)
        raise ValidationError(f"'{step}' is not a step (one of: {names})", field="step") from None
    current = Status(status)
    if st not in ALLOWED[current]:
        if current is Status.CLOSED:
            raise ValidationError("the incident is closed; reopen it first", field="step")
        nxt = ", ".join(sorted(s.value for s in ALLOWED[current])) or "nothing"
        raise ValidationError(
            f"cannot record '{st.value}' on an incident that is '{current.value}'; "
            f"next may be: {nxt}", field="step",
        )
    return st


def check_step_time(at: datetime, *, not_before: datetime, now: datetime, what: str) -> datetime:
    """A step's time must be aware, not before the step it follows and not in the future."""
    if at.tzinfo is None:
        raise ValidationError("must carry a time zone", field="at")
    if at < not_before:
        raise ValidationError(
            f"{shown(at)} is before {what} "
            f"({shown(not_before)})", field="at",
        )
    if at > now + FUTURE_TOLERANCE:
        raise ValidationError(f"{shown(at)} is in the future", field="at")
    return at


@dataclass(frozen=True)
class EventFact:
    """One stored event as the projection needs it."""

    id: int
    kind: str
    at: datetime
    unit_id: int | None = None
    corrects_event_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Projection:
    """The incident's columns as its events say they are."""

    status: Status
    received_at: datetime
    dispatched_at: datetime | None = None
    signed_at: datetime | None = None
    set_off_at: datetime | None = None
    arrived_at: datetime | None = None
    reinforcement_arrived_at: datetime | None = None
    handled_at: datetime | None = None
    fed_back_at: datetime | None = None
    closed_at: datetime | None = None
    # The first handling, feedback and closing, reopenings or not: the response was judged
    # there (first_handled_at); a reopening drops the closing steps above, not these.
    first_handled_at: datetime | None = None
    first_fed_back_at: datetime | None = None
    first_closed_at: datetime | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "status": self.status.value, "received_at": self.received_at,
            "dispatched_at": self.dispatched_at, "signed_at": self.signed_at,
            "set_off_at": self.set_off_at, "arrived_at": self.arrived_at,
            "reinforcement_arrived_at": self.reinforcement_arrived_at,
            "handled_at": self.handled_at, "fed_back_at": self.fed_back_at,
            "closed_at": self.closed_at, "first_handled_at": self.first_handled_at,
            "first_fed_back_at": self.first_fed_back_at, "first_closed_at": self.first_closed_at,
        }


def effective_events(events: Iterable[EventFact]) -> list[EventFact]:
    """Events in recorded order with corrections applied: a corrected time, or voided entirely."""
    evs = sorted(events, key=lambda e: e.id)
    fixes: dict[int, EventFact] = {}
    for e in evs:
        if e.kind == "correction" and e.corrects_event_id is not None:
            fixes[e.corrects_event_id] = e  # the latest correction of an event wins
    out: list[EventFact] = []
    for e in evs:
        if e.kind == "correction":
            continue
        fix = fixes.get(e.id)
        if fix is not None:
            if fix.payload.get("void"):
                continue
            e = EventFact(e.id, e.kind, fix.at, e.unit_id, None, e.payload)
        out.append(e)
    return out


_FIRST_WINS = ("dispatched", "signed", "set_off", "arrived", "reinforcement_arrived")
_CLOSING = ("handled", "fed_back", "closed")


def project(events: Iterable[EventFact]) -> Projection:
    """Status and step times from the events: the earliest time of each response step (the
    first unit counts for the timers), the latest closing steps since the last reopening."""
    evs = effective_events(events)
    received = [e.at for e in evs if e.kind == "received"]
    if not received:
        raise ValueError("an incident needs its 'received' event")
    times: dict[str, datetime | None] = {k: None for k in _FIRST_WINS + _CLOSING}
    last_reopen = max((e.id for e in evs if e.kind == "reopened"), default=0)
    for e in evs:
        if e.kind in _FIRST_WINS:
            cur = times[e.kind]
            times[e.kind] = e.at if cur is None or e.at < cur else cur
        elif e.kind in _CLOSING and e.id > last_reopen:
            times[e.kind] = e.at
    status = Status.RECEIVED
    for s in ORDER[1:]:
        if times.get(s.value) is not None:
            status = s
    if times["reinforcement_arrived"] is not None and RANK[status] < RANK[Status.ARRIVED]:
        status = Status.ARRIVED  # someone is on scene, even if the first unit is not yet
    first = {k: min((e.at for e in evs if e.kind == k), default=None) for k in _CLOSING}
    return Projection(status, min(received), **{f"{k}_at": v for k, v in times.items()},
                      **{f"first_{k}_at": v for k, v in first.items()})


def first_handled_at(events: Iterable[EventFact]) -> datetime | None:
    """When the incident was first handled, reopenings or not (corrections applied).

    A reopening drops the closing steps from the projection, but the 1-3-5 response ended at
    the first handling: what a target was then (met, breached, not applicable) it stays.
    """
    return min((e.at for e in effective_events(events) if e.kind == "handled"), default=None)


_CHAIN = ("received", "dispatched", "signed", "set_off", "arrived")
_CLOSE_CHAIN = ("handled", "fed_back", "closed")


def check_order(p: Projection) -> None:
    """Step times must not run backwards (after a correction, say): names the first that does."""
    cols = p.columns()
    for chain in (_CHAIN, ("received", *_CLOSE_CHAIN), ("reinforcement_arrived",)):
        prev_name, prev = "received", p.received_at
        for name in chain:
            at = cols.get(f"{name}_at")
            if at is None:
                continue
            if at < prev:
                raise ValidationError(
                    f"{STEP_LABELS_ZH.get(name, name)} ({shown(at)}) would "
                    f"come before {STEP_LABELS_ZH.get(prev_name, prev_name)} "
                    f"({shown(prev)})", field="at",
                )
            prev_name, prev = name, at


def status_label(status: str, lang: str = "zh") -> str:
    return (STATUS_LABELS_ZH if lang == "zh" else STATUS_LABELS_EN).get(status, status)


def is_open(status: str) -> bool:
    return status != Status.CLOSED.value
