"""All tables of the console; importing this package registers every model on Base.metadata."""

from .accounts import AuditEntry, ChangeRecord, Lease, SavedView, Setting, User
from .base import Base
from .incidents import Alert, Dispatch, HandoverReport, Incident, IncidentCounter, IncidentEvent
from .org import Category, Grid, GridPerson, KeySite, PatrolZone, Post, Station
from .people import (
    DutyCheck,
    MoveUpOrder,
    Officer,
    OfficerAbsence,
    PatrolLine,
    PatrolLog,
    PatrolPlan,
    PatrolPoint,
    RosterEntry,
    Shift,
    ShiftPattern,
    Unit,
)
from .tasks import Dispute, DisputeNote, Task, TaskEvent, TaskTemplate

__all__ = [
    "Alert", "AuditEntry", "Base", "Category", "ChangeRecord", "Dispatch", "Dispute",
    "DisputeNote", "DutyCheck", "Grid", "GridPerson", "HandoverReport", "Incident", "IncidentCounter",
    "IncidentEvent", "KeySite", "Lease", "MoveUpOrder", "Officer", "OfficerAbsence", "PatrolLine", "PatrolLog", "PatrolPlan", "PatrolPoint", "PatrolZone",
    "Post", "RosterEntry", "SavedView", "Setting", "Shift", "ShiftPattern", "Station", "Task",
    "TaskEvent", "TaskTemplate", "Unit", "User",
]
