"""The station's response profile and repeat rules (settings table), and compliance figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.errors import ValidationError
from ...domain.repeats import RepeatRules
from ...domain.response import (
    DEFAULT_PROFILE,
    PRESETS,
    ComplianceFigure,
    ResponseProfile,
    compliance,
    profile_from_dict,
    profile_to_dict,
)
from ...storage.models import Incident, Setting
from ..context import ServiceContext, service_action
from .views import facts_of

PROFILE_KEY = "response_profile"
REPEAT_KEY = "repeat_rules"


def profile_in(session: Session, station_id: int) -> ResponseProfile:
    row = session.get(Setting, (station_id, PROFILE_KEY))
    if row is None:
        return DEFAULT_PROFILE
    try:
        return profile_from_dict(row.value)
    except ValidationError:
        # A profile that no longer reads (edited by hand in the database) must not stop the
        # board; the default applies and the settings dialog shows the stored one's problem.
        return DEFAULT_PROFILE


def repeat_rules_in(session: Session, station_id: int) -> RepeatRules:
    row = session.get(Setting, (station_id, REPEAT_KEY))
    if row is None:
        return RepeatRules()
    try:
        return RepeatRules.from_dict(row.value)
    except ValidationError:
        return RepeatRules()


@service_action("read")
def get_response_profile(ctx: ServiceContext) -> ResponseProfile:
    with ctx.read() as s:
        return profile_in(s, ctx.station_id)


@service_action("response.edit")
def set_response_profile(ctx: ServiceContext, profile: Mapping[str, Any] | str) -> ResponseProfile:
    """Store the station's profile: a preset key ("force", "place", "self_rescue", "bands") or
    a full definition (validated; a bad field is named and nothing is stored)."""
    if isinstance(profile, str):
        if profile not in PRESETS:
            raise ValidationError(f"'{profile}' is not a preset (one of: {', '.join(PRESETS)})",
                                  field="profile")
        parsed = PRESETS[profile]
    else:
        parsed = profile_from_dict(profile)
    _store(ctx, PROFILE_KEY, profile_to_dict(parsed), "response.edit")
    return parsed


@service_action("read")
def get_repeat_rules(ctx: ServiceContext) -> RepeatRules:
    with ctx.read() as s:
        return repeat_rules_in(s, ctx.station_id)


@service_action("response.edit")
def set_repeat_rules(ctx: ServiceContext, rules: Mapping[str, Any]) -> RepeatRules:
    parsed = RepeatRules.from_dict(rules)
    _store(ctx, REPEAT_KEY, parsed.to_dict(), "response.edit")
    return parsed


def _store(ctx: ServiceContext, key: str, value: dict[str, Any], action: str) -> None:
    with ctx.uow() as uow:
        row = uow.session.get(Setting, (ctx.station_id, key))
        before = dict(row.value) if row is not None else None
        if row is None:
            uow.session.add(Setting(station_id=ctx.station_id, key=key, value=value))
        else:
            row.value = value
        uow.audit(action, "setting", None, {"key": key, "value": before}, {"key": key, "value": value})
        uow.changed("setting", None)
        uow.commit()


@dataclass(frozen=True)
class ComplianceReport:
    profile: ResponseProfile
    since: datetime
    until: datetime
    incidents: int
    figures: tuple[ComplianceFigure, ...]


@service_action("read")
def response_compliance(ctx: ServiceContext, since: datetime, until: datetime) -> ComplianceReport:
    """Share of incidents received in [since, until) that met each target of the profile."""
    if until <= since:
        raise ValidationError("must be after the start", field="until")
    now = ctx.clock()
    with ctx.read() as s:
        profile = profile_in(s, ctx.station_id)
        facts = [
            facts_of(inc) for inc in s.scalars(
                select(Incident).where(Incident.station_id == ctx.station_id,
                                       Incident.received_at >= since, Incident.received_at < until)
                .execution_options(yield_per=2000)
            )
        ]
    return ComplianceReport(profile, since, until, len(facts), compliance(profile, facts, now))

