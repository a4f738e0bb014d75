"""The one change object: what a write touched, announced to panels and to other seats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ChangeItem:
    entity: str  # "incident", "unit", "task", "grid", ...
    entity_id: int | None
    action: str  # "created", "updated", "deleted", ...


# What a unit does on a shift, apart from what it is (its call sign, crew, being in service):
# where it is ("moved"), its state ("status": dispatched, on scene, free), its timed duty checked
# ("duty"), its patrol or move-up orders ("orders"). The roster shows none of these.
UNIT_ACTIVITY = frozenset({"moved", "status", "duty", "orders"})


def is_unit_activity(item: ChangeItem) -> bool:
    """A unit's state, place, duty check or orders changed: all shift long, on every seat."""
    return item.entity == "unit" and item.action in UNIT_ACTIVITY


def is_position_report(item: ChangeItem) -> bool:
    """A unit's terminal reporting where it is (services.units.update_unit_position): every few
    seconds from each unit on the move; it changes the unit's place and nothing else."""
    return item.entity == "unit" and item.action == "moved"


@dataclass(frozen=True)
class Change:
    items: tuple[ChangeItem, ...] = ()

    def ids(self, entity: str) -> set[int]:
        return {i.entity_id for i in self.items if i.entity == entity and i.entity_id is not None}

    def touches(self, *entities: str) -> bool:
        return any(i.entity in entities for i in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class FeedEvent:
    """One row of the change feed as a listening seat receives it."""

    id: int
    station_id: int | None
    at: datetime
    entity: str
    entity_id: int | None
    action: str
    username: str = ""
    workstation: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "station_id": self.station_id,
            "at": self.at.isoformat(),
            "entity": self.entity,
            "entity_id": self.entity_id,
            "action": self.action,
            "username": self.username,
            "workstation": self.workstation,
        }


def change_from_events(events: list[FeedEvent]) -> Change:
    return Change(tuple(ChangeItem(e.entity, e.entity_id, e.action) for e in events))
