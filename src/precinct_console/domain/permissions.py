"""Roles and the actions each may take; every service checks these, not only the buttons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import PermissionDenied


class Role(StrEnum):
    DUTY_OFFICER = "duty_officer"
    STATION_CHIEF = "station_chief"
    CLERK = "clerk"
    ADMIN = "admin"
    VIEWER = "viewer"  # read-only branch viewer
    COMMUNITY_OFFICER = "community_officer"


# The roles' names in messages the Qt-free layers raise; the error catalogue words them in Chinese
# ({role_name}) and the window names them through ui/roles.py.
ROLE_LABELS = {
    Role.DUTY_OFFICER: "duty officer",
    Role.STATION_CHIEF: "station chief",
    Role.CLERK: "clerk",
    Role.ADMIN: "administrator",
    Role.VIEWER: "branch viewer (read-only)",
    Role.COMMUNITY_OFFICER: "community officer",
}


def role_label(role: str) -> str:
    """A stored role in a message's words ("station chief", which the error catalogue words as
    所长); the code itself for one this console does not know (a newer console's)."""
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


_ALL = frozenset(Role)
_OPS = frozenset({Role.DUTY_OFFICER, Role.STATION_CHIEF, Role.ADMIN})
_CHIEF = frozenset({Role.STATION_CHIEF, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})
_EXPORT = frozenset({Role.CLERK, Role.STATION_CHIEF, Role.ADMIN, Role.VIEWER})

# Every service action and the roles that may perform it. A test walks this table against the
# real services, so an action added without an entry fails the suite.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # reading
    "read": _ALL,
    "view.save": _ALL,  # a user's own saved board views
    # accounts and administration
    "user.add": _ADMIN,
    "user.disable": _ADMIN,
    "user.enable": _ADMIN,
    "user.change_role": _ADMIN,
    "user.reset_password": _ADMIN,
    "user.list": _CHIEF | _ADMIN,
    "user.change_password": _ALL,
    "station.setup": _ADMIN,
    "settings.edit": _ADMIN,
    "demo.load": _ADMIN,
    # incidents
    "incident.create": _OPS,
    "incident.import": _OPS | {Role.CLERK},
    "incident.advance": _OPS,
    "incident.correct": _OPS,
    "incident.reopen": _CHIEF | {Role.DUTY_OFFICER},
    "incident.dispatch": _OPS,
    "alert.acknowledge": _OPS,
    "alert.evaluate": _OPS,
    "response.edit": _CHIEF,
    "handover.create": _OPS,
    "handover.sign": _OPS,
    "unit.update": _OPS,
    "unit.move_up": _OPS,  # a move-up order (补位) between two plans
    "duty.roll_call": _OPS,  # a timed duty checked by radio or video (点名核实)
    # patrol records (巡逻登记): the duty seat as units report in, the clerk from paper slips
    "patrol.record": _OPS | {Role.CLERK},
    # geometry
    "geometry.import": _ADMIN | {Role.STATION_CHIEF},
    # roster and allocation
    "roster.edit": _CHIEF,
    "plan.propose": _CHIEF | {Role.DUTY_OFFICER},
    "plan.decide": _CHIEF,
    # tasks and disputes
    "task.create": _OPS,
    "task.act": _OPS | {Role.COMMUNITY_OFFICER},
    "task.verify": _OPS,
    "catalogue.edit": _ADMIN,
    "dispute.edit": _OPS | {Role.COMMUNITY_OFFICER},
    # ledgers
    "ledger.export": _EXPORT,
    "ledger.unmask": frozenset({Role.STATION_CHIEF, Role.ADMIN, Role.CLERK}),
    "schedule.edit": frozenset({Role.CLERK, Role.ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user (or a command-line user) at a workstation."""

    user_id: int | None
    username: str
    role: Role
    station_id: int | None
    workstation: str
    may_see_personal_data: bool = False


def is_permitted(role: Role, action: str) -> bool:
    try:
        return role in PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"unknown action '{action}': add it to PERMISSIONS") from None


def ensure_permitted(actor: Actor, action: str) -> None:
    if not is_permitted(actor.role, action):
        raise PermissionDenied(
            f"{actor.username} ({ROLE_LABELS[actor.role]}) may not perform '{action}'"
        )
