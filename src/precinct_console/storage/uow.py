"""Unit of work: one transaction per user action, with its audit rows and change-feed rows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import desc, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..domain.changes import Change, ChangeItem
from ..domain.clock import local
from ..domain.errors import AccountDisabled, ConflictError, KnownError, NotFound, RoleChanged
from ..domain.permissions import Actor, role_label
from .database import Database
from .duplicates import broken_unique
from .engine import WRITE_OPTION
from .models import AuditEntry, ChangeRecord, Officer, Shift, User
from .outage import is_outage, unavailable
from .serialize import diff, snapshot

log = logging.getLogger("precinct_console.db")

NOTIFY_CHANNEL = "precinct_changes"
# Serialises change-feed inserts on PostgreSQL so outbox ids become visible in commit order;
# a listener reading "id > last seen" can then never skip a row committed late.
FEED_LOCK_KEY = 0x50524543  # "PREC"

T = TypeVar("T")


class UnitOfWork:
    """Collects audit and change-feed rows and writes them in the same transaction as the data."""

    def __init__(self, db: Database, actor: Actor, clock: Callable[[], datetime]):
        self.db = db
        self.actor = actor
        self.clock = clock
        self.session: Session = db.sessions()
        self.now = clock()
        self._audit: list[AuditEntry] = []
        self._items: list[ChangeItem] = []
        self._pending_station: list[int | None] = []
        # (model, id, version it was read at) of versioned rows this unit of work updated.
        self._touched: list[tuple[Any, int, int]] = []
        self.change = Change()

    def __enter__(self) -> UnitOfWork:
        try:
            self.session.connection(execution_options={WRITE_OPTION: True})
        except Exception as exc:
            self.session.close()
            if is_outage(exc):  # the officer was about to change something: it was not saved
                raise unavailable(exc, saving=True) from exc
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.session.close()
            return
        try:
            self.session.rollback()
            self.session.close()
        except Exception:  # the link is gone: the server rolls the transaction back itself
            log.warning("rollback after %s failed", exc_type.__name__, exc_info=True)
        # Any statement of the action may meet the outage (a read, a flush, the feed lock),
        # not only the commit: the officer hears "not saved", never a driver traceback.
        if exc is not None and is_outage(exc):
            raise unavailable(exc, saving=True) from exc

    # -- recording -------------------------------------------------------------------------
    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        *,
        station_id: int | None = None,
    ) -> None:
        self._audit.append(
            AuditEntry(
                station_id=station_id if station_id is not None else self.actor.station_id,
                at=self.now,
                user_id=self.actor.user_id,
                username=self.actor.username,
                workstation=self.actor.workstation,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        )

    def changed(
        self, entity: str, entity_id: int | None, action: str = "updated",
        *, station_id: int | None = None,
    ) -> None:
        self._items.append(ChangeItem(entity, entity_id, action))
        self._pending_station.append(station_id if station_id is not None else self.actor.station_id)

    def add(self, action: str, entity: str, obj: Any) -> Any:
        """Insert a row, audit it as created and announce it."""
        self.session.add(obj)
        self.session.flush()
        station = getattr(obj, "station_id", None)
        self.audit(action, entity, obj.id, None, snapshot(obj), station_id=station)
        self.changed(entity, obj.id, "created", station_id=station)
        return obj

    def update(self, action: str, entity: str, obj: Any, **values: Any) -> Any:
        """Change a row, audit only what changed and announce it."""
        return self.update_as("updated", action, entity, obj, **values)

    def update_as(self, announce: str, action: str, entity: str, obj: Any, **values: Any) -> Any:
        """update, announced as `announce`: a unit's change of state is "status", which the
        roster, say, has no need to read again (domain.changes.UNIT_ACTIVITY)."""
        before = snapshot(obj)
        if hasattr(obj, "version"):
            self._touched.append((type(obj), obj.id, obj.version))
        for key, value in values.items():
            setattr(obj, key, value)
        self.flush()
        b, a = diff(before, snapshot(obj))
        station = getattr(obj, "station_id", None)
        if a:
            self.audit(action, entity, obj.id, b, a, station_id=station)
            self.changed(entity, obj.id, announce, station_id=station)
        return obj

    def get(self, model: type[T], entity_id: int, *, expected_version: int | None = None,
            lock: bool = False) -> T:
        """Load a row; with expected_version, refuse it if another seat changed it since.

        lock=True holds the row until commit (SELECT ... FOR UPDATE on PostgreSQL; a SQLite
        writer holds the whole database already): for a check-then-write on a row without a
        version, two seats then take turns and the second sees the first one's write.
        """
        obj = self.session.get(model, entity_id, with_for_update=lock or None)
        station = getattr(obj, "station_id", None)
        if obj is None and expected_version is not None:
            # Read at this seat, then removed at another: say who removed it, not "does not exist".
            removed = self._removed(model.__tablename__, entity_id)  # type: ignore[attr-defined]
            if removed is not None:
                raise removed
        if obj is None or (
            self.actor.station_id is not None and station is not None
            and station != self.actor.station_id
        ):
            raise NotFound(f"{model.__name__} {entity_id} does not exist")
        if expected_version is not None and obj.version != expected_version:  # type: ignore[attr-defined]
            label = _label(obj) or _roster_label(self.session, model.__tablename__, snapshot(obj))  # type: ignore[attr-defined]
            raise self._conflict(model.__tablename__, entity_id, label,  # type: ignore[attr-defined]
                                 version=obj.version)  # type: ignore[attr-defined]
        return obj

    def lock_station(self, kind: int, station_id: int) -> None:
        """Serialise one kind of work (numbering, raising alerts…) per station until the
        transaction ends. PostgreSQL only: on SQLite a writing unit of work holds the database's
        write lock already."""
        if not self.db.is_sqlite:
            self.session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                                 {"a": kind, "b": station_id})

    @contextmanager
    def refusing_duplicate(self, model: Any, columns: tuple[str, ...],
                           refusal: KnownError) -> Iterator[None]:
        """The refusal the service's own check gives (badge 031001 is already on the roll) when a
        row another seat saved after that check breaks the unique constraint on these columns:
        two seats adding one badge at the same moment both pass the check, and the second met
        the driver's IntegrityError."""
        try:
            yield
        except IntegrityError as exc:
            if broken_unique(exc) == (model.__tablename__, frozenset(columns)):
                raise refusal from exc
            raise

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise self._conflict_from_stale(exc) from exc

    # -- conflict messages -----------------------------------------------------------------
    def _conflict(self, table: str, entity_id: int, label: str | None = None, *,
                  version: int | None = None) -> ConflictError:
        """version: the stored one the refusal was read against, carried for the form that
        comes back with it (read before the audit named here: a later change is never in it)."""
        entity = singular(table)
        # Nothing to reload by hand: a form comes back with what was typed and OK saves over the
        # change named here (ui/forms.try_again_over); a board key shows the record as it now is
        # and pressing it again does the same.
        # Named as the officer knows it (unit 巡04, incident 20261204-0010), not by its row id.
        shown = label or entity_id
        with self.db.sessions() as s:
            last = _last_audit(s, entity, entity_id)
        if last is None:
            return ConflictError(f"{entity} {shown} was changed by another seat; your change was "
                                 "not saved: look at that change, then do yours again to put it "
                                 "over it", current=version)
        fields = ", ".join(sorted((last.after or {}).keys())) or "it"
        when = local(last.at).strftime("%H:%M:%S")  # station time, whatever the seat's zone
        return ConflictError(
            f"{entity} {shown} was changed by {last.username} at {last.workstation} "
            f"({when}: {fields}); your change was not saved: look at that change, then do yours "
            "again to put it over it",
            current=version,
        )

    def _removed(self, table: str, entity_id: int) -> ConflictError | None:
        """The refusal for a row of this station another seat removed since it was read, naming
        who and when (two seats cancelling one leave, changing a shift taken off the roster)."""
        entity = singular(table)
        with self.db.sessions() as s:
            last = _last_audit(s, entity, entity_id)
            if last is None or last.after is not None or last.station_id != self.actor.station_id:
                return None
            shown = _roster_label(s, table, last.before or {}) or entity_id
        when = local(last.at).strftime("%H:%M:%S")
        return ConflictError(
            f"{entity} {shown} was removed by {last.username} at {last.workstation} ({when}); "
            "your change was not saved"
        )

    def _conflict_from_stale(self, exc: StaleDataError) -> ConflictError:
        # Name the row whose stored version moved on since this seat read it.
        with self.db.sessions() as s:
            for model, entity_id, version in self._touched:
                stored = s.get(model, entity_id)
                if stored is None or stored.version != version:
                    return self._conflict(model.__tablename__, entity_id, None if stored is None else (
                        _label(stored) or _roster_label(s, model.__tablename__, snapshot(stored))),
                        version=None if stored is None else stored.version)
        return ConflictError(f"another seat changed this record first: {exc}")

    # -- commit ----------------------------------------------------------------------------
    def commit(self) -> Change:
        self.flush()
        # An account an administrator disabled, or gave another role, writes nothing more as it
        # was, though a seat signed in with it before stays open: its writes were saved and
        # audited under the disabled name, a demoted administrator's under the old rights.
        refuse_a_changed_account(self.session, self.actor)
        for entry in self._audit:
            self.session.add(entry)
        if self._items:
            if not self.db.is_sqlite:
                self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
            for item, station in zip(self._items, self._pending_station, strict=True):
                self.session.add(
                    ChangeRecord(
                        station_id=station,
                        at=self.now,
                        entity=item.entity,
                        entity_id=item.entity_id,
                        action=item.action,
                        username=self.actor.username,
                        workstation=self.actor.workstation,
                    )
                )
            if not self.db.is_sqlite:
                # Delivered by PostgreSQL only when (and if) the transaction commits.
                self.session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        try:
            self.session.commit()
        except StaleDataError as exc:
            raise self._conflict_from_stale(exc) from exc
        self.change = Change(tuple(self._items))
        self._audit.clear()
        self._items.clear()
        self._pending_station.clear()
        return self.change


def singular(table: str) -> str:
    """The audit log's entity name of a table: roster_entries -> roster_entry, dispatches -> dispatch."""
    if table.endswith("ies"):
        return table[:-3] + "y"
    if table.endswith(("ches", "shes", "sses", "xes")):
        return table[:-2]
    return table[:-1] if table.endswith("s") else table


def _label(obj: object) -> str | None:
    """How people name a row: an incident's number, a unit's call sign, a person's name."""
    for attr in ("number", "call_sign", "name", "code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value.strip() and " " not in value.strip():
            return value.strip()
    return None


def _roster_label(s: Session, table: str, values: dict[str, Any]) -> str | None:
    """A roster entry or a leave as the chief knows it, 张伟·12-09·白班 or 张伟·12-17–12-18 (not
    排班 508), from the row or, for a row already removed, from its audit record."""
    if table not in ("roster_entries", "officer_absences") or not values.get("officer_id"):
        return None
    officer = s.get(Officer, values["officer_id"])
    if officer is None:
        return None
    if table == "roster_entries":
        shift = s.get(Shift, values.get("shift_id")) if values.get("shift_id") else None
        if shift is None:
            return None
        text = f"{officer.name}·{local(shift.starts_at):%m-%d}·{shift.name}"
    else:
        starts, ends = _moment(values.get("starts_at")), _moment(values.get("ends_at"))
        if starts is None or ends is None:
            return None
        last_day = local(ends - timedelta(seconds=1))  # the last day it covers
        text = f"{officer.name}·{local(starts):%m-%d}–{last_day:%m-%d}"
    return None if " " in text else text  # one token: the message catalogue reads it as one


def _moment(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else None


def _last_audit(s: Session, entity: str, entity_id: int) -> AuditEntry | None:
    """The latest audited change to a row: who changed or removed it, and when."""
    return s.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                     .order_by(desc(AuditEntry.id)).limit(1)).first()


def refuse_a_changed_account(s: Session, actor: Actor) -> None:
    """Refuse the actor whose account an administrator has disabled, or given another role, since
    it signed in: the seat acts no more as what it signed in as (a demoted administrator's seat
    kept its rights until it signed out). The console itself (jobs, migrations: no user) is never
    refused. One read by primary key."""
    if actor.user_id is None:
        return
    stored = s.execute(select(User.active, User.role).where(User.id == actor.user_id)).first()
    if stored is None:
        return
    if stored.active is False:
        raise AccountDisabled(f"the account {actor.username} has been disabled; nothing "
                              "was saved (sign in with an account in use)", username=actor.username)
    if stored.role != actor.role:
        role = role_label(stored.role)
        raise RoleChanged(f"an administrator has made the account {actor.username} {role}; nothing "
                          f"was saved (sign in again to work as {role})",
                          username=actor.username, role=stored.role)

