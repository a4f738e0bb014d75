"""1-3-5 minute response profiles: targets by category, priority and place, evaluated at `now`.

There is no single national definition (DOMAIN.md), so a profile is data: a list of targets,
each "from receipt to <milestone> within N seconds", with overrides by category, priority and
place tier. Evaluation is pure: stored step times and `now` in, timer states out, so a restart
loses nothing and tests move a clock instead of sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .errors import ValidationError

# The step times a target can measure, as stored on the incident.
MILESTONES: dict[str, str] = {
    "dispatched": "派警", "signed": "签收", "set_off": "出警", "arrived": "到场",
    "reinforcement_arrived": "增援到场", "handled": "处置完毕", "fed_back": "反馈",
}
PLACE_TIERS: dict[str, str] = {"key_site": "重点部位", "key_zone": "重点区域", "other": "其他区域"}
DEFAULT_NEAR_FRACTION = 0.8


class TimerState(StrEnum):
    """Same names as the task countdowns, so the theme's colours and symbols apply unchanged."""

    PENDING = "pending"
    NEAR = "near"
    BREACHED = "breached"
    MET = "met"
    NA = "na"


@dataclass(frozen=True)
class Target:
    """From receipt to `milestone` within `seconds` (or per place tier with `seconds_by_place`)."""

    key: str
    label_zh: str
    label_en: str
    milestone: str
    seconds: int
    seconds_by_place: Mapping[str, int] = field(default_factory=dict)
    only_if_reinforcement: bool = False


@dataclass(frozen=True)
class Override:
    """Change or drop one target (or all with target "*") for matching incidents.

    A rule matches when every given condition holds: the category code starts with one of
    `categories`, the priority is one of `priorities`, the place tier is one of `places`.
    `seconds=None` makes the target not applicable (e.g. an invalid call has no arrival target).
    """

    target: str
    seconds: int | None
    categories: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    places: tuple[str, ...] = ()

    def matches(self, category_code: str, priority: int, place: str) -> bool:
        if self.categories and not any(category_code.startswith(c) for c in self.categories):
            return False
        if self.priorities and priority not in self.priorities:
            return False
        return not (self.places and place not in self.places)


@dataclass(frozen=True)
class ResponseProfile:
    key: str
    name_zh: str
    name_en: str
    targets: tuple[Target, ...]
    overrides: tuple[Override, ...] = ()
    near_fraction: float = DEFAULT_NEAR_FRACTION
    # An incident within this distance of a key site counts as at the key site.
    key_site_radius_m: float = 150.0

    def target(self, key: str) -> Target:
        for t in self.targets:
            if t.key == key:
                return t
        raise KeyError(key)

    def longest_seconds(self) -> int:
        """The longest limit any incident can be given: a call older than this has no timer left."""
        limits = [t.seconds for t in self.targets]
        limits += [s for t in self.targets for s in t.seconds_by_place.values()]
        limits += [o.seconds for o in self.overrides if o.seconds is not None]
        return max(limits, default=0)

    def limit_seconds(self, target: Target, facts: IncidentFacts) -> int | None:
        """The target's limit for this incident, or None when it does not apply."""
        if target.only_if_reinforcement and not facts.needs_reinforcement:
            return None
        seconds: int | None = target.seconds_by_place.get(facts.place_tier, target.seconds)
        for o in self.overrides:  # later rules win, so specific rules go last
            if o.target in (target.key, "*") and o.matches(
                facts.category_code, facts.priority, facts.place_tier
            ):
                seconds = o.seconds
        return seconds


# Categories with nothing to respond to: invalid calls and enquiries answered on the phone.
_NO_RESPONSE = Override("*", None, categories=("10", "0901"))

TIERS_OF_FORCE = ResponseProfile(
    "force", "力量梯次（1、3、5分钟）", "Tiers of force (1-3-5 minutes)",
    (
        Target("on_way", "1分钟出警", "On the way in 1 min", "set_off", 60),
        Target("on_scene", "3分钟到场", "On scene in 3 min", "arrived", 180),
        Target("reinforcement", "5分钟增援", "Reinforcement in 5 min", "reinforcement_arrived",
               300, only_if_reinforcement=True),
    ),
    (_NO_RESPONSE,),
)

TIERS_OF_PLACE = ResponseProfile(
    "place", "区域梯次（重点部位1分钟/重点区域3分钟/其他5分钟）",
    "Tiers of place (key sites 1, key zones 3, elsewhere 5 min)",
    (
        Target("on_way", "1分钟出警", "On the way in 1 min", "set_off", 60),
        Target("on_scene", "按区域到场", "On scene by place", "arrived", 300,
               {"key_site": 60, "key_zone": 180, "other": 300}),
        Target("reinforcement", "5分钟增援", "Reinforcement in 5 min", "reinforcement_arrived",
               300, only_if_reinforcement=True),
    ),
    (_NO_RESPONSE,),
)

# The console measures the police side: the order goes out at once (the on-site guards are
# called with it), police set off within 3 and are on scene within 5 minutes.
SELF_RESCUE = ResponseProfile(
    "self_rescue", "自救互救（1分钟自救/3分钟互救/5分钟警力到场）",
    "Self-rescue (guards 1, neighbours 3, police on scene 5 min)",
    (
        Target("alerted", "1分钟派警", "Order out in 1 min", "dispatched", 60),
        Target("on_way", "3分钟出警", "On the way in 3 min", "set_off", 180),
        Target("on_scene", "5分钟到场", "Police on scene in 5 min", "arrived", 300),
    ),
    (_NO_RESPONSE,),
)

# Compliance bands some command centres rank stations by.
TIME_BANDS = ResponseProfile(
    "bands", "时限考核（30秒签收/5分钟出警/30分钟反馈）",
    "Time bands (sign 30 s, set off 5 min, feed back 30 min)",
    (
        Target("signed", "30秒签收", "Signed in 30 s", "signed", 30),
        Target("on_way", "5分钟出警", "Set off in 5 min", "set_off", 300),
        Target("fed_back", "30分钟反馈", "Fed back in 30 min", "fed_back", 1800),
    ),
    (_NO_RESPONSE,),
)

PRESETS: dict[str, ResponseProfile] = {
    p.key: p for p in (TIERS_OF_FORCE, TIERS_OF_PLACE, SELF_RESCUE, TIME_BANDS)
}
DEFAULT_PROFILE = TIERS_OF_FORCE


@dataclass(frozen=True)
class IncidentFacts:
    """What the timers of one incident depend on (all times aware)."""

    received_at: datetime
    category_code: str
    priority: int
    place_tier: str = "other"
    needs_reinforcement: bool = False
    milestones: Mapping[str, datetime | None] = field(default_factory=dict)
    handled_at: datetime | None = None  # after this no unit step can still happen
    closed_at: datetime | None = None  # after this not even feedback can
    # The first handling of a reopened incident (lifecycle.first_handled_at): the response
    # ended there, so steps after it (a unit sent once the caller rang back) are follow-up.
    first_handled_at: datetime | None = None
    # Likewise its first feedback and closing: the feedback target was decided by them.
    first_fed_back_at: datetime | None = None
    first_closed_at: datetime | None = None


# Milestones that still count after the incident is handled.
_AFTER_HANDLING = frozenset({"handled", "fed_back"})
# A unit's steps in their order. The life cycle lets a dispatcher skip one (he hears "on scene"
# without a separate "set off"), and a later step proves the skipped one happened no later.
_UNIT_CHAIN = ("dispatched", "signed", "set_off", "arrived")


def reached_at(milestone: str, milestones: Mapping[str, datetime | None]) -> datetime | None:
    """When a milestone was reached: its own time, else the earliest later unit step on record."""
    at = milestones.get(milestone)
    if at is None and milestone in _UNIT_CHAIN:
        later = (milestones.get(m) for m in _UNIT_CHAIN[_UNIT_CHAIN.index(milestone) + 1:])
        at = min((t for t in later if t is not None), default=None)
    return at


@dataclass(frozen=True)
class Timer:
    key: str
    label_zh: str
    label_en: str
    state: TimerState
    limit_s: int | None
    elapsed_s: float  # receipt to milestone (or to now while running)
    remaining_s: float | None  # negative once breached; None when not applicable
    due_at: datetime | None
    # When the milestone (or a later unit step implying it) was reached; None while running
    # or when the incident was handled without it.
    reached_at: datetime | None = None


def evaluate_target(
    profile: ResponseProfile, target: Target, facts: IncidentFacts, now: datetime
) -> Timer:
    limit = profile.limit_seconds(target, facts)
    reached = reached_at(target.milestone, facts.milestones)
    if target.milestone in _AFTER_HANDLING:
        # A reopening drops the closing steps; the target stays what the first round made it
        # (fed back in 10 minutes, reopened the next day: met, not a day late).
        first = facts.first_fed_back_at if target.milestone == "fed_back" else facts.first_handled_at
        reached = first or reached
        gave_up = facts.first_closed_at or facts.closed_at
        if reached is not None and gave_up is not None and reached > gave_up:
            reached = None  # first given only after a reopening: the closing decided it
    else:
        gave_up = facts.first_handled_at or facts.handled_at
        if reached is not None and gave_up is not None and reached > gave_up:
            reached = None  # reached only after a reopening: not part of the response
    end = reached or gave_up or now
    # Judged on whole seconds elapsed (floored), as every board and ledger shows the time:
    # a set-off at 60.4 s reads 0:01:00 and is met, not 超时 beside the same 0:01:00.
    elapsed = float(max(0, math.floor((end - facts.received_at).total_seconds())))
    if limit is None:
        return Timer(target.key, target.label_zh, target.label_en, TimerState.NA, None,
                     elapsed, None, None, reached)
    due = facts.received_at + timedelta(seconds=limit)
    remaining = limit - elapsed
    if reached is not None:
        state = TimerState.MET if remaining >= 0 else TimerState.BREACHED
    elif gave_up is not None:
        # Handled without reaching the milestone (e.g. settled on the phone): it only counts
        # against the station if the incident was left past the target first.
        state = TimerState.BREACHED if remaining < 0 else TimerState.NA
    elif remaining < 0:
        state = TimerState.BREACHED
    elif elapsed >= limit * profile.near_fraction:
        state = TimerState.NEAR
    else:
        state = TimerState.PENDING
    return Timer(target.key, target.label_zh, target.label_en, state, limit, elapsed,
                 remaining, due, reached)


def evaluate(profile: ResponseProfile, facts: IncidentFacts, now: datetime) -> tuple[Timer, ...]:
    """Every timer of the profile for one incident at `now`, in the profile's order."""
    return tuple(evaluate_target(profile, t, facts, now) for t in profile.targets)


def worst_state(timers: Iterable[Timer]) -> TimerState:
    """The state a row shows at a glance: breached beats near beats running."""
    order = (TimerState.BREACHED, TimerState.NEAR, TimerState.PENDING, TimerState.MET)
    states = {t.state for t in timers}
    for s in order:
        if s in states:
            return s
    return TimerState.NA


def next_change(timers: Iterable[Timer], profile: ResponseProfile, now: datetime) -> datetime | None:
    """When the next running timer turns near or breached (to schedule the next alert check)."""
    soonest: datetime | None = None
    for t in timers:
        if t.state not in (TimerState.PENDING, TimerState.NEAR) or t.due_at is None or t.limit_s is None:
            continue
        # On whole seconds a timer turns near at the first whole second past the threshold and
        # breached one second after its due time (at the due time itself it is still met).
        start = t.due_at - timedelta(seconds=t.limit_s)
        near_at = start + timedelta(seconds=math.ceil(t.limit_s * profile.near_fraction))
        at = near_at if t.state is TimerState.PENDING else t.due_at + timedelta(seconds=1)
        if at > now and (soonest is None or at < soonest):
            soonest = at
    return soonest


# -- compliance -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ComplianceFigure:
    key: str
    label_zh: str
    label_en: str
    met: int
    breached: int
    running: int

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def share_met(self) -> float | None:
        return self.met / self.decided if self.decided else None


def compliance(
    profile: ResponseProfile, incidents: Iterable[IncidentFacts], now: datetime
) -> tuple[ComplianceFigure, ...]:
    """Share of incidents that met each target (running and not-applicable ones left out)."""
    counts = {t.key: [0, 0, 0] for t in profile.targets}
    for facts in incidents:
        for timer in evaluate(profile, facts, now):
            c = counts[timer.key]
            if timer.state is TimerState.MET:
                c[0] += 1
            elif timer.state is TimerState.BREACHED:
                c[1] += 1
            elif timer.state in (TimerState.PENDING, TimerState.NEAR):
                c[2] += 1
    return tuple(
        ComplianceFigure(t.key, t.label_zh, t.label_en, *counts[t.key]) for t in profile.targets
    )


# -- storage as a settings value --------------------------------------------------------------
def profile_to_dict(p: ResponseProfile) -> dict[str, Any]:
    return {
        "key": p.key, "name_zh": p.name_zh, "name_en": p.name_en,
        "near_fraction": p.near_fraction, "key_site_radius_m": p.key_site_radius_m,
        "targets": [
            {"key": t.key, "label_zh": t.label_zh, "label_en": t.label_en,
             "milestone": t.milestone, "seconds": t.seconds,
             "seconds_by_place": dict(t.seconds_by_place),
             "only_if_reinforcement": t.only_if_reinforcement}
            for t in p.targets
        ],
        "overrides": [
            {"target": o.target, "seconds": o.seconds, "categories": list(o.categories),
             "priorities": list(o.priorities), "places": list(o.places)}
            for o in p.overrides
        ],
    }


def _seconds(value: Any, where: str, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or value > 7 * 86400:
        raise ValidationError("must be a number of seconds between 1 and 604800", field=where)
    return int(value)


def profile_from_dict(d: Mapping[str, Any]) -> ResponseProfile:
    """Read a stored or edited profile; every problem names its field, e.g. targets[1].seconds."""
    if not isinstance(d, Mapping):
        raise ValidationError("must be an object", field="profile")
    base = PRESETS.get(str(d.get("key", "")))
    targets_in = d.get("targets")
    if targets_in is None and base is not None:
        targets_in = profile_to_dict(base)["targets"]
    if not isinstance(targets_in, list) or not targets_in:
        raise ValidationError("must list at least one target", field="targets")
    targets: list[Target] = []
    for i, t in enumerate(targets_in):
        where = f"targets[{i}]"
        if not isinstance(t, Mapping):
            raise ValidationError("must be an object", field=where)
        key = str(t.get("key", "")).strip()
        if not key or key in {x.key for x in targets}:
            raise ValidationError("needs a unique key", field=f"{where}.key")
        milestone = t.get("milestone")
        if milestone not in MILESTONES:
            raise ValidationError(
                f"'{milestone}' is not a milestone (one of: {', '.join(MILESTONES)})",
                field=f"{where}.milestone",
            )
        by_place = t.get("seconds_by_place") or {}
        if not isinstance(by_place, Mapping) or any(k not in PLACE_TIERS for k in by_place):
            raise ValidationError(
                f"keys must be place tiers ({', '.join(PLACE_TIERS)})", field=f"{where}.seconds_by_place"
            )
        targets.append(Target(
            key, str(t.get("label_zh") or key), str(t.get("label_en") or key), milestone,
            _seconds(t.get("seconds"), f"{where}.seconds") or 0,
            {k: _seconds(v, f"{where}.seconds_by_place.{k}") or 0 for k, v in by_place.items()},
            bool(t.get("only_if_reinforcement", False)),
        ))
    overrides: list[Override] = []
    for i, o in enumerate(d.get("overrides") or []):
        where = f"overrides[{i}]"
        if not isinstance(o, Mapping):
            raise ValidationError("must be an object", field=where)
        target = str(o.get("target", ""))
        if target != "*" and target not in {t.key for t in targets}:
            raise ValidationError(f"'{target}' is not a target of this profile", field=f"{where}.target")
        places = tuple(str(p) for p in o.get("places") or ())
        if any(p not in PLACE_TIERS for p in places):
            raise ValidationError(f"must be among {', '.join(PLACE_TIERS)}", field=f"{where}.places")
        try:
            priorities = tuple(int(p) for p in o.get("priorities") or ())
        except (TypeError, ValueError):
            raise ValidationError("must be numbers 1-3", field=f"{where}.priorities") from None
        overrides.append(Override(
            target, _seconds(o.get("seconds"), f"{where}.seconds", allow_none=True),
            tuple(str(c) for c in o.get("categories") or ()), priorities, places,
        ))
    near = d.get("near_fraction", DEFAULT_NEAR_FRACTION)
    if isinstance(near, bool) or not isinstance(near, int | float) or not 0.1 <= near < 1.0:
        raise ValidationError("must be a fraction between 0.1 and 0.99 (e.g. 0.8)", field="near_fraction")
    radius = d.get("key_site_radius_m", 150.0)
    if isinstance(radius, bool) or not isinstance(radius, int | float) or not 0 <= radius <= 5000:
        raise ValidationError("must be 0-5000 metres", field="key_site_radius_m")
    return ResponseProfile(
        str(d.get("key") or "custom"), str(d.get("name_zh") or (base.name_zh if base else "自定义")),
        str(d.get("name_en") or (base.name_en if base else "Custom")), tuple(targets),
        tuple(overrides), float(near), float(radius),
    )


def with_near_fraction(p: ResponseProfile, fraction: float) -> ResponseProfile:
    """The same profile with another near threshold (validated like a stored one)."""
    return profile_from_dict({**profile_to_dict(p), "near_fraction": fraction})
