"""1-3-5 judgement of incidents for ledgers and statistics, on the station's response profile.

The rules are the domain's (domain.response: targets, overrides, place tiers); this module
turns them into what a ledger shows and adds them up: per target met / decided, mean times, and
whether every applicable target was met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ...domain.response import ResponseProfile, TimerState, evaluate
from ..incidents.profile import profile_in
from ..incidents.views import facts_of

STATE_ZH = {
    TimerState.MET: "达标", TimerState.BREACHED: "超时", TimerState.NA: "不适用",
    TimerState.PENDING: "进行中", TimerState.NEAR: "进行中",
}


@dataclass(frozen=True)
class Judged:
    states: tuple[TimerState, ...]  # one per target of the profile
    # Receipt to the milestone, when it was reached and the target applies (met or breached).
    elapsed_s: tuple[float | None, ...]

    @property
    def decided(self) -> bool:
        """Every timer has stopped and at least one applies."""
        running = {TimerState.PENDING, TimerState.NEAR}
        return not any(s in running for s in self.states) and any(
            s in (TimerState.MET, TimerState.BREACHED) for s in self.states)

    @property
    def all_met(self) -> bool:
        return self.decided and TimerState.BREACHED not in self.states


def profile_for(s: Session, station_ids: tuple[int, ...]) -> ResponseProfile:
    """The profile a scope is judged by: its (first) station's configured one, else the default."""
    return profile_in(s, station_ids[0])


def judge(profile: ResponseProfile, row: Any, now: datetime) -> Judged:
    """Judge a row carrying the incident's step columns (received_at, set_off_at, ...,
    first_handled_at: a reopened incident's response ended at its first handling)."""
    facts = facts_of(row)
    timers = evaluate(profile, facts, now)
    elapsed = []
    for t in timers:
        # Only a target that applies has a response time: an invalid call's arrival or an
        # unneeded reinforcement is not one, and would skew the means and the ledger's SUBTOTAL.
        applies = t.state in (TimerState.MET, TimerState.BREACHED)
        elapsed.append(t.elapsed_s if applies and t.reached_at is not None else None)
    return Judged(tuple(t.state for t in timers), tuple(elapsed))


@dataclass
class TargetTally:
    met: int = 0
    decided: int = 0
    elapsed_sum: float = 0.0
    elapsed_n: int = 0

    @property
    def rate(self) -> float | None:
        return self.met / self.decided if self.decided else None

    @property
    def mean_s(self) -> float | None:
        return self.elapsed_sum / self.elapsed_n if self.elapsed_n else None


@dataclass
class Tally:
    """Sums for a group of incidents (a day, a category, a district, a unit, everything)."""

    targets: int
    incidents: int = 0
    decided: int = 0
    all_met: int = 0
    per_target: list[TargetTally] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.per_target:
            self.per_target = [TargetTally() for _ in range(self.targets)]

    def add(self, j: Judged) -> None:
        self.incidents += 1
        if j.decided:
            self.decided += 1
            self.all_met += j.all_met
        for t, state, secs in zip(self.per_target, j.states, j.elapsed_s, strict=True):
            if state in (TimerState.MET, TimerState.BREACHED):
                t.decided += 1
                t.met += state is TimerState.MET
            if secs is not None:
                t.elapsed_sum += secs
                t.elapsed_n += 1

    @property
    def all_met_rate(self) -> float | None:
        return self.all_met / self.decided if self.decided else None
