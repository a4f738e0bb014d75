"""What every service call carries: the database, the acting user and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from ..domain.clock import system_clock
from ..domain.errors import DatabaseUnavailable, KnownError
from ..domain.permissions import PERMISSIONS, Actor, Role, ensure_permitted
from ..storage.database import Database
from ..storage.outage import is_outage, unavailable
from ..storage.uow import UnitOfWork, refuse_a_changed_account

P = ParamSpec("P")
R = TypeVar("R")

# The actor of a running service action that not every role may take (the accounts list, a ledger
# with phone numbers unmasked), until its first read session has made sure an administrator has
# not since disabled the account or given it a role that may not: the permission was checked
# against the role it signed in with. Writes are checked at commit (storage/uow.py) in any case.
_unchecked: ContextVar[Actor | None] = ContextVar("unchecked_actor", default=None)


@dataclass(frozen=True)
class ServiceContext:
    db: Database
    actor: Actor
    clock: Callable[[], datetime] = field(default=system_clock)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, self.actor, self.clock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session (no write lock on SQLite)."""
        try:
            with self.db.sessions() as session:
                actor = _unchecked.get()
                if actor is not None:
                    _unchecked.set(None)  # once a call: one read by primary key
                    refuse_a_changed_account(session, actor)
                yield session
        except Exception as exc:
            if is_outage(exc):
                raise unavailable(exc, saving=False) from exc
            raise

    def as_actor(self, actor: Actor) -> ServiceContext:
        return replace(self, actor=actor)

    @property
    def station_id(self) -> int:
        if self.actor.station_id is None:
            raise DatabaseUnavailable("this account belongs to no station; pick one first")
        return self.actor.station_id


def known_error(exc: BaseException) -> KnownError | None:
    """The error as the officer should hear it, or None for a defect (the crash handler's).

    Reads that open their own session (reference data, sign-in) may still meet a driver
    error from an outage: it is the database being away, not a bug.
    """
    if isinstance(exc, KnownError):
        return exc
    if is_outage(exc):
        return unavailable(exc, saving=False)
    return None


# Every function decorated with @service_action, by action name: the permission test walks it.
SERVICE_ACTIONS: dict[str, list[Callable[..., Any]]] = {}


def service_action(
    action: str,
) -> Callable[[Callable[Concatenate[ServiceContext, P], R]], Callable[Concatenate[ServiceContext, P], R]]:
    """Check the actor's permission before the service runs (the UI hiding a button is not enough)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action '{action}': add it to domain.permissions.PERMISSIONS")

    # An action every role may take stays allowed whatever role the account was given since.
    restricted = PERMISSIONS[action] != frozenset(Role)

    def decorate(
        fn: Callable[Concatenate[ServiceContext, P], R],
    ) -> Callable[Concatenate[ServiceContext, P], R]:
        @wraps(fn)
        def wrapper(ctx: ServiceContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
            ensure_permitted(ctx.actor, action)
            if not restricted or ctx.actor.user_id is None:
                return fn(ctx, *args, **kwargs)
            token = _unchecked.set(ctx.actor)
            try:
                return fn(ctx, *args, **kwargs)
            finally:
                _unchecked.reset(token)

        wrapper.action = action  # type: ignore[attr-defined]
        SERVICE_ACTIONS.setdefault(action, []).append(wrapper)
        return wrapper

    return decorate
