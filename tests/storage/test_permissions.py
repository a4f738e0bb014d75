"""Every service action checks its permission in the service layer, for every role.

The test walks all services modules, so an action added anywhere is covered without editing
this file: a denied role gets PermissionDenied before anything is written; an allowed role is
never refused by the permission check.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import sqlalchemy as sa

import precinct_console.services as services_pkg
from precinct_console.domain.errors import PermissionDenied
from precinct_console.domain.permissions import PERMISSIONS, Role, is_permitted
from precinct_console.services.context import SERVICE_ACTIONS
from precinct_console.storage.models import AuditEntry, ChangeRecord


def _load_all_services() -> None:
    for module in pkgutil.walk_packages(services_pkg.__path__, services_pkg.__name__ + "."):
        importlib.import_module(module.name)


_load_all_services()
CASES = [
    (action, fn, role)
    for action, fns in sorted(SERVICE_ACTIONS.items())
    for fn in fns
    for role in Role
]


def test_every_action_in_use_is_in_the_permission_table():
    assert set(SERVICE_ACTIONS) <= set(PERMISSIONS)
    assert len(SERVICE_ACTIONS) >= 5


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("action", "fn", "role"), CASES,
    ids=[f"{a}-{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}-{r.value}" for a, f, r in CASES],
)
def test_service_checks_permission(db, make_ctx, action, fn, role):
    ctx = make_ctx(role)
    with db.sessions() as s:
        audit_before = s.scalar(sa.select(sa.func.count(AuditEntry.id)))
        feed_before = s.scalar(sa.select(sa.func.count(ChangeRecord.id)))
    if not is_permitted(role, action):
        with pytest.raises(PermissionDenied):
            fn(ctx)
        with db.sessions() as s:
            assert s.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_before
            assert s.scalar(sa.select(sa.func.count(ChangeRecord.id))) == feed_before
    else:
        # Called without its arguments the service fails somewhere, but never on permission.
        try:
            fn(ctx)
        except PermissionDenied as exc:  # pragma: no cover - the failure we look for
            pytest.fail(f"{role.value} was refused '{action}': {exc}")
        except Exception:
            pass
