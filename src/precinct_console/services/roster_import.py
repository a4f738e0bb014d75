"""Importing a station's staff list (花名册): a preview of whom it adds and what it changes, then all
of it in one audited transaction or nothing. Officers on the roll the file leaves out stay on it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.changes import Change
from ..domain.errors import ConflictError, ValidationError, ValidationErrors
from ..domain.shifts import team_sort_key
from ..storage.duplicates import broken_unique
from ..storage.models import Officer
from .context import ServiceContext, service_action
from .roster import OFFICER_KINDS, OFFICER_ROLES, lock_roll
from .roster_file import RollRow, read_roll_file

# The fields a row may change, in the order the preview lists them (the badge is who it is).
FIELDS = ("name", "kind", "rank", "role", "team", "phone", "skills", "licences", "active")
# What a new officer is given for a field the file has no column for, as the officer form does.
_DEFAULTS: dict[str, Any] = {"kind": "officer", "rank": "", "role": "patrol", "team": "",
                             "phone": "", "skills": [], "licences": []}


@dataclass(frozen=True)
class ImportedOfficer:
    """One row of the file against the roll: a new officer, or one on it with what would change."""

    row: int
    badge: str
    name: str
    values: tuple[tuple[str, Any], ...]  # every field the row sets
    officer_id: int | None = None  # the officer on the roll with this badge
    version: int | None = None  # as the preview read them
    changes: tuple[tuple[str, Any, Any], ...] = ()  # (field, on the roll, in the file)
    same_name: tuple[str, ...] = ()  # badges of officers on the roll with the new one's name


@dataclass(frozen=True)
class RollImportPreview:
    file_name: str
    new: tuple[ImportedOfficer, ...]
    changed: tuple[ImportedOfficer, ...]
    unchanged: tuple[ImportedOfficer, ...]
    not_in_file: tuple[tuple[str, str], ...]  # (name, badge) on the roll, not in the file: kept
    ignored_columns: tuple[str, ...]
    other_sheets: tuple[str, ...]  # sheets with a 花名册 header after the one read: not read
    problems: tuple[ValidationError, ...]
    example_row: int | None = None  # the template's example row, skipped
    sheet: str = ""  # the sheet read

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.new or self.changed)

    def refusal(self) -> ValidationError | ValidationErrors:
        """The file's problems as one error to raise: every one of them, nothing imported."""
        return self.problems[0] if len(self.problems) == 1 else ValidationErrors(list(self.problems))


@dataclass(frozen=True)
class RollImportResult:
    added: int
    updated: int
    unchanged: int
    change: Change


def shown_value(field: str, value: Any) -> str:
    """A field's value as the roll shows it (民警, 巡逻防控, 急救、调解); empty is ""."""
    if field == "kind":
        return OFFICER_KINDS.get(value, value)
    if field == "role":
        return OFFICER_ROLES.get(value, value)
    if isinstance(value, list | tuple):
        return "、".join(value)
    return str(value)


def _stored(o: Officer, field: str) -> Any:
    value = getattr(o, field)
    return list(value or ()) if field in ("skills", "licences") else value


def _leading_zeros_lost(badge: str, known: dict[str, str]) -> str | None:
    """The badge on the roll this one is with its leading zeros dropped (a number cell in Excel
    turns 010001 into 10001): importing it as new would put the officer on the roll twice."""
    other = known.get(badge.lstrip("0"))
    return other if other is not None and other != badge else None


@service_action("roster.edit")
def preview_roll_import(ctx: ServiceContext, path: str | Path) -> RollImportPreview:
    """What importing the file would do; nothing is written. File problems are listed in it."""
    roll = read_roll_file(path)
    problems = list(roll.problems)
    with ctx.read() as s:
        officers = list(s.scalars(select(Officer).where(Officer.station_id == ctx.station_id)))
    by_badge = {o.badge: o for o in officers}
    by_stripped = {o.badge.lstrip("0"): o.badge for o in officers}
    by_name: dict[str, list[str]] = {}
    for o in officers:
        by_name.setdefault(o.name, []).append(o.badge)
    new: list[ImportedOfficer] = []
    changed: list[ImportedOfficer] = []
    unchanged: list[ImportedOfficer] = []
    for r in roll.rows:
        item = _compare(r, by_badge.get(r.get("badge")))
        if item.officer_id is None:
            lost = _leading_zeros_lost(item.badge, by_stripped)
            if lost is not None:
                problems.append(ValidationError(
                    f"badge {item.badge} is {lost} on the roll with its leading 0 lost (Excel "
                    f"keeps numbers, not text): format the column as text and type {lost}",
                    field=r.badge_column, row=r.row))
                continue
            same = tuple(b for b in by_name.get(item.name, ()) if b != item.badge)
            new.append(replace(item, same_name=same))
        else:
            (changed if item.changes else unchanged).append(item)
    listed = {r.get("badge") for r in roll.rows}
    kept = sorted((o for o in officers if o.active and o.badge not in listed),
                  key=lambda o: (team_sort_key(o.team), o.badge))
    problems.sort(key=lambda p: p.row or 0)
    return RollImportPreview(Path(path).name, tuple(new), tuple(changed), tuple(unchanged),
                             tuple((o.name, o.badge) for o in kept), roll.ignored_columns,
                             roll.other_sheets, tuple(problems), roll.example_row, roll.sheet)


def _compare(r: RollRow, o: Officer | None) -> ImportedOfficer:
    values = {k: v for k, v in r.values if k != "badge"}
    if o is None:
        full = {**_DEFAULTS, **values}
        return ImportedOfficer(r.row, r.get("badge"), r.get("name"), tuple(full.items()))
    values["active"] = True  # on the station's 花名册: on its roll, back from a transfer or not
    changes = tuple((k, _stored(o, k), values[k]) for k in FIELDS
                    if k in values and _stored(o, k) != values[k])
    return ImportedOfficer(r.row, o.badge, values["name"], tuple(values.items()), o.id, o.version,
                           changes)


@service_action("roster.edit")
def commit_roll_import(ctx: ServiceContext, preview: RollImportPreview) -> RollImportResult:
    """The preview's additions and changes in one transaction, each audited, with a line for the
    import itself. Refused, with nothing written, if the file had problems, or if another seat
    has since put one of its badges on the roll or changed one of its officers: what is saved
    is what the chief saw."""
    if preview.problems:
        raise preview.refusal()
    try:
        with ctx.uow() as uow:
            lock_roll(ctx, uow)
            for item in preview.new:
                taken = uow.session.scalar(select(Officer).where(
                    Officer.station_id == ctx.station_id, Officer.badge == item.badge))
                if taken is not None:
                    raise ConflictError(
                        f"badge {item.badge} ({taken.name}) was put on the roll at another seat "
                        "since the preview; nothing was imported: import the file again")
            for item in (*preview.changed, *preview.unchanged):
                assert item.officer_id is not None and item.version is not None
                # Changed at another seat since the preview: refused, naming who (uow.get).
                o = uow.get(Officer, item.officer_id, expected_version=item.version)
                if item.changes:
                    uow.update("roster.officer_import", "officer", o,
                               **{k: new for k, _old, new in item.changes})
            for item in preview.new:
                uow.add("roster.officer_import", "officer", Officer(
                    station_id=ctx.station_id, badge=item.badge, **dict(item.values)))
            summary = {"file": preview.file_name, "added": len(preview.new),
                       "updated": len(preview.changed), "unchanged": len(preview.unchanged)}
            uow.audit("roster.roll_import", "officer", None, None, summary)
            change = uow.commit()
    except IntegrityError as exc:
        # The lock above keeps seats in turn; this is the database's own one-badge rule, should
        # anything else have added an officer meanwhile. Any other broken rule is a fault.
        if broken_unique(exc) != ("officers", frozenset({"station_id", "badge"})):
            raise
        raise ConflictError("another seat put one of the file's badges on the roll at the same "
                            "moment; nothing was imported: import the file again") from None
    return RollImportResult(len(preview.new), len(preview.changed), len(preview.unchanged), change)
