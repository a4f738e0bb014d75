"""The station's catalogue of standard follow-up tasks (派单目录), edited by an administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.deadlines import SIGN_MINUTES, check_feedback_hours
from ..domain.errors import NotFound, ValidationError
from ..domain.task_fields import FieldDef, parse_fields
from ..storage.models import TaskTemplate
from .context import ServiceContext, service_action

RECIPIENT_ROLES = ("community_officer", "auxiliary", "grid_leader", "grid_worker")


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    code: str
    name: str
    section: str
    description: str
    sign_minutes: int
    feedback_hours: int
    fields: tuple[FieldDef, ...]
    recipient_role: str
    active: bool
    version: int


def template_info(t: TaskTemplate) -> TemplateInfo:
    return TemplateInfo(t.id, t.code, t.name, t.section, t.description, t.sign_minutes,
                        t.feedback_hours, parse_fields(t.fields), t.recipient_role, t.active,
                        t.version)


def find_template(session: Session, station_id: int, code: str) -> TaskTemplate:
    t = session.scalar(select(TaskTemplate).where(TaskTemplate.station_id == station_id,
                                                  TaskTemplate.code == code))
    if t is None:
        raise ValidationError(f"the catalogue has no task '{code}'", field="template")
    return t


@service_action("read")
def list_templates(ctx: ServiceContext, *, include_inactive: bool = False) -> list[TemplateInfo]:
    with ctx.read() as s:
        q = select(TaskTemplate).where(TaskTemplate.station_id == ctx.station_id)
        if not include_inactive:
            q = q.where(TaskTemplate.active.is_(True))
        return [template_info(t) for t in s.scalars(q.order_by(TaskTemplate.section, TaskTemplate.code))]


def check_template_values(code: str, name: str, sign_minutes: int, feedback_hours: int,
                          fields: list[Any], recipient_role: str) -> tuple[str, str]:
    code, name = code.strip(), name.strip()
    if not code or len(code) > 32:
        raise ValidationError("must be 1-32 characters", field="code")
    if not name or len(name) > 120:
        raise ValidationError("must be 1-120 characters", field="name")
    if not 5 <= sign_minutes <= 24 * 60:
        raise ValidationError("must be between 5 minutes and 24 hours", field="sign_minutes")
    check_feedback_hours(feedback_hours)
    if recipient_role not in RECIPIENT_ROLES:
        raise ValidationError(f"must be one of {', '.join(RECIPIENT_ROLES)}", field="recipient_role")
    parse_fields(fields)
    return code, name


@service_action("catalogue.edit")
def save_template(
    ctx: ServiceContext,
    code: str,
    name: str,
    *,
    feedback_hours: int,
    fields: list[dict[str, Any]],
    sign_minutes: int = SIGN_MINUTES,
    section: str = "",
    description: str = "",
    recipient_role: str = "community_officer",
    active: bool = True,
    template_id: int | None = None,
    expected_version: int | None = None,
) -> TemplateInfo:
    """Add a catalogue entry, or change one (template_id + the version the editor loaded)."""
    code, name = check_template_values(code, name, sign_minutes, feedback_hours, fields,
                                       recipient_role)
    values = dict(code=code, name=name, sign_minutes=sign_minutes, feedback_hours=feedback_hours,
                  fields=list(fields), section=section.strip(), description=description.strip(),
                  recipient_role=recipient_role, active=active)
    with ctx.uow() as uow:
        clash = uow.session.scalar(select(TaskTemplate.id).where(
            TaskTemplate.station_id == ctx.station_id, TaskTemplate.code == code))
        if clash is not None and clash != template_id:
            raise ValidationError(f"code '{code}' is already used by another task", field="code")
        if template_id is None:
            t = uow.add("catalogue.add", "task_template",
                        TaskTemplate(station_id=ctx.station_id, **values))
        else:
            if expected_version is None:
                raise ValidationError("the version you loaded is needed to change a task",
                                      field="version")
            t = uow.get(TaskTemplate, template_id, expected_version=expected_version)
            uow.update("catalogue.edit", "task_template", t, **values)
        uow.commit()
        return template_info(t)


@service_action("read")
def get_template(ctx: ServiceContext, template_id: int) -> TemplateInfo:
    with ctx.read() as s:
        t = s.get(TaskTemplate, template_id)
        if t is None or t.station_id != ctx.station_id:
            raise NotFound(f"catalogue task {template_id} does not exist")
        return template_info(t)
