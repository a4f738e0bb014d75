"""Automatic follow-up rules (dispute incidents, repeats, needs-revisit) and dispute grades.

Rules look at plain incident facts and say which tasks should exist and why; the service
creates them. Every firing carries an idempotency key, so running the rules again (every few
minutes, on several seats) never creates a second task for the same reason.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from .clock import local
from .errors import ValidationError

DISPUTE_TOP_CODE = "06"
# What Task.rule means, in the words of the ledgers and the bulletin.
RULE_LABELS_ZH = {
    "manual": "手工派单", "from_incident": "警情派单", "dispute": "纠纷回访派单",
    "dispute_incident": "纠纷警情必回访", "repeat_caller": "一人多警", "repeat_place": "一地多警",
    "repeat_matter": "一事多警", "needs_revisit": "办结需回访",
}


@dataclass(frozen=True)
class IncidentFacts:
    """What the rules need to know about one incident."""

    id: int
    number: str
    received_at: datetime
    category_code: str
    category_name: str = ""
    caller_phone: str = ""
    address: str = ""
    grid_id: int | None = None
    closed_at: datetime | None = None
    needs_revisit: bool = False


@dataclass(frozen=True)
class RuleConfig:
    """A station's follow-up rules (stored as the setting 'followup_rules'; defaults below)."""

    dispute_enabled: bool = True
    dispute_template: str = "JF-01"  # 纠纷回访
    repeat_caller_enabled: bool = True
    repeat_place_enabled: bool = True
    repeat_matter_enabled: bool = True
    repeat_threshold: int = 3  # this many incidents ...
    repeat_window_days: int = 7  # ... within this many days
    repeat_template: str = "CF-01"  # 重复警情核查
    revisit_enabled: bool = True
    revisit_template: str = "HF-01"  # 警情回访
    lookback_hours: int = 72  # how far back a run looks for dispute and closed incidents

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> RuleConfig:
        if not raw:
            return cls()
        names = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in names:
                raise ValidationError("is not a follow-up rule setting", field=key)
            default = getattr(cls(), key)
            if isinstance(default, bool):
                values[key] = bool(value)
            elif isinstance(default, int):
                try:
                    values[key] = int(value)
                except (TypeError, ValueError):
                    raise ValidationError(f"must be a whole number, not '{value}'", field=key) from None
            else:
                values[key] = str(value)
        config = replace(cls(), **values)
        config.check()
        return config

    def check(self) -> None:
        if self.repeat_threshold < 2:
            raise ValidationError("must be at least 2 incidents", field="repeat_threshold")
        if not 1 <= self.repeat_window_days <= 90:
            raise ValidationError("must be between 1 and 90 days", field="repeat_window_days")
        if not 1 <= self.lookback_hours <= 24 * 31:
            raise ValidationError("must be between 1 and 744 hours", field="lookback_hours")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def horizon(self) -> timedelta:
        """How far back incidents (and already-fired keys) must be read for one run."""
        return max(timedelta(days=self.repeat_window_days), timedelta(hours=self.lookback_hours))


@dataclass(frozen=True)
class Firing:
    """One task the rules want: which rule, why, about which incident(s)."""

    rule: str
    key: str  # idempotency key, stored on Task.rule_key
    template_code: str
    incident_id: int  # the incident the task is linked to (the latest one for repeats)
    grid_id: int | None
    title: str
    reason: str
    incident_ids: tuple[int, ...] = field(default=())


def is_dispute(category_code: str) -> bool:
    return category_code[:2] == DISPUTE_TOP_CODE


def mask_phone(phone: str) -> str:
    """138****1111: the rule's reason is read by many, the number is personal data."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


_ADDRESS_NOISE = re.compile(r"[\s,，.。;；:：()（）\-—_#/\\]+")


def normalise_address(address: str) -> str:
    return _ADDRESS_NOISE.sub("", address).lower()


def _phone_key(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return digits if len(digits) >= 7 else ""


def _stamp(dt: datetime) -> str:
    return local(dt).strftime("%m-%d %H:%M")


def evaluate(
    incidents: Iterable[IncidentFacts],
    config: RuleConfig,
    now: datetime,
    already_fired: set[str],
) -> list[Firing]:
    """Firings for incidents seen up to `now` that no earlier run produced.

    `incidents` must cover at least `config.horizon` before `now`; `already_fired` holds the
    keys of tasks created within that horizon.
    """
    window = timedelta(days=config.repeat_window_days)
    lookback = now - timedelta(hours=config.lookback_hours)
    rows = sorted((i for i in incidents if i.received_at <= now), key=lambda i: (i.received_at, i.id))
    out: list[Firing] = []

    def fire(f: Firing) -> None:
        if f.key not in already_fired:
            already_fired.update([f.key, *split_keys(f.key)])
            out.append(f)

    for inc in rows:
        if config.dispute_enabled and is_dispute(inc.category_code) and inc.received_at >= lookback:
            fire(Firing(
                "dispute_incident", f"dispute_incident:{inc.id}", config.dispute_template,
                inc.id, inc.grid_id, f"纠纷回访：{inc.category_name or inc.category_code} {inc.number}",
                f"纠纷类警情 {inc.number}（{inc.category_name or inc.category_code}，"
                f"{_stamp(inc.received_at)}接警）：每起纠纷警情均派社区民警回访化解",
                (inc.id,),
            ))
        if (config.revisit_enabled and inc.needs_revisit and inc.closed_at is not None
                and lookback <= inc.closed_at <= now):
            fire(Firing(
                "needs_revisit", f"needs_revisit:{inc.id}", config.revisit_template,
                inc.id, inc.grid_id, f"警情回访：{inc.number}",
                f"警情 {inc.number} 于{_stamp(inc.closed_at)}办结，处置民警标记“需回访”",
                (inc.id,),
            ))

    recent = [i for i in rows if i.received_at > now - window]
    groups: dict[tuple[str, str], list[IncidentFacts]] = defaultdict(list)
    for inc in recent:
        if config.repeat_caller_enabled and (phone := _phone_key(inc.caller_phone)):
            groups[("repeat_caller", phone)].append(inc)
        if config.repeat_place_enabled and (place := normalise_address(inc.address)):
            groups[("repeat_place", place)].append(inc)
        if config.repeat_matter_enabled and inc.grid_id is not None and len(inc.category_code) >= 4:
            groups[("repeat_matter", f"{inc.grid_id}:{inc.category_code}")].append(inc)
    days = config.repeat_window_days
    # The same incidents can pass several repeat rules (one caller, one address, one matter):
    # one task carries all the reasons and all the keys, so no officer gets the same visit twice.
    merged: dict[tuple[int, ...], list[Firing]] = defaultdict(list)
    for (rule, value), members in groups.items():
        if len(members) < config.repeat_threshold:
            continue
        latest = members[-1]
        numbers = "、".join(m.number for m in members[-6:])
        more = f"等{len(members)}起" if len(members) > 6 else ""
        if rule == "repeat_caller":
            who = mask_phone(value)
            title = f"重复警情核查（一人多警）：{who}"
            reason = f"一人多警：同一报警电话 {who} {days}天内报警{len(members)}次" \
                     f"（阈值{config.repeat_threshold}）：{numbers}{more}"
        elif rule == "repeat_place":
            title = f"重复警情核查（一地多警）：{latest.address}"
            reason = f"一地多警：同一地点“{latest.address}” {days}天内报警{len(members)}次" \
                     f"（阈值{config.repeat_threshold}）：{numbers}{more}"
        else:
            cat = latest.category_name or latest.category_code
            title = f"重复警情核查（一事多警）：{cat}"
            reason = f"一事多警：同一网格同类警情“{cat}” {days}天内{len(members)}起" \
                     f"（阈值{config.repeat_threshold}）：{numbers}{more}"
        # Keyed on the value, not on the incidents: a fourth call within the window joins the
        # open follow-up instead of producing another task.
        key = f"{rule}:{_short(value)}"
        if key in already_fired:
            continue
        ids = tuple(m.id for m in members)
        merged[ids].append(Firing(rule, key, config.repeat_template, latest.id, latest.grid_id,
                                  title, reason, ids))
    for same in merged.values():
        first = same[0]
        fire(replace(first, key=KEY_SEPARATOR.join(f.key for f in same),
                     reason="；".join(f.reason for f in same)))
    return out


KEY_SEPARATOR = "|"


def split_keys(stored: str) -> list[str]:
    """The idempotency keys a task's rule_key holds (several when repeat rules were merged)."""
    return [k for k in stored.split(KEY_SEPARATOR) if k]


def _short(value: str) -> str:
    """Long values (addresses) are hashed so that merged keys fit the column."""
    if len(value) <= 32:
        return value
    return "h" + hashlib.sha1(value.encode()).hexdigest()[:16]


# -- dispute grades ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Grade:
    code: str
    name_zh: str
    meaning: str
    revisit_days: int  # revisit interval while the dispute is open
    default_risk: str


GRADES: dict[str, Grade] = {
    "A": Grade("A", "重大", "may lead to a mass incident, injury or death", 1, "high"),
    "B": Grade("B", "较大", "escalating, several parties or repeated calls", 3, "high"),
    "C": Grade("C", "一般", "ordinary dispute, parties talking", 7, "medium"),
    "D": Grade("D", "轻微", "minor, resolved on the spot or nearly", 15, "low"),
}
RISKS = ("high", "medium", "low")
RISK_LABELS_ZH = {"high": "高", "medium": "中", "low": "低"}
# After a dispute is resolved it is revisited once more to confirm it stayed resolved.
RESOLVED_CHECK_DAYS = 7


def check_grade(grade: str) -> Grade:
    try:
        return GRADES[grade.strip().upper()]
    except KeyError:
        raise ValidationError(f"'{grade}' is not a grade (A, B, C or D)", field="grade") from None


def check_risk(risk: str) -> str:
    if risk not in RISKS:
        raise ValidationError(f"'{risk}' is not a risk level ({', '.join(RISKS)})", field="risk")
    return risk


def grade_from_incident(category_code: str, priority: int) -> str:
    """A first grade for a dispute registered from an incident; the officer can change it."""
    if category_code.startswith("060101"):  # domestic violence
        return "B"
    return "C" if priority <= 2 else "D"
