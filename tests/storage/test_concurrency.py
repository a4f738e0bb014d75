"""Optimistic concurrency: two seats editing one record never silently overwrite each other."""

from __future__ import annotations

import pytest

from precinct_console.domain.errors import ConflictError
from precinct_console.domain.permissions import Role
from precinct_console.storage.models import Officer


def _officer(ctx) -> tuple[int, int]:
    with ctx.uow() as uow:
        o = uow.add("officer.add", "officer", Officer(station_id=ctx.station_id, badge="A1", name="甲"))
        uow.commit()
        return o.id, o.version


def test_stale_version_is_refused_naming_who_changed_what(db, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    officer_id, version = _officer(chief)
    # Both seats loaded version 1; the chief saves first.
    with chief.uow() as uow:
        uow.update("officer.edit", "officer", uow.get(Officer, officer_id, expected_version=version),
                   phone="13800000000")
        uow.commit()
    with pytest.raises(ConflictError) as err, duty.uow() as uow:
        uow.update("officer.edit", "officer", uow.get(Officer, officer_id, expected_version=version),
                   rank="一级警司")
        uow.commit()
    message = str(err.value)
    assert "chief.wang" in message and "seat-1" in message and "phone" in message
    assert message.startswith("officer 甲 was changed by")  # named as people know it, not by id
    with db.sessions() as s:
        row = s.get(Officer, officer_id)
        assert row.phone == "13800000000" and row.rank == ""  # nothing of the second write landed


def test_race_between_load_and_write_is_caught_by_the_version_column(db, make_ctx):
    """Both seats pass the version check, then write: the later flush must fail, not overwrite."""
    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    officer_id, version = _officer(chief)
    first = chief.uow().__enter__()
    second = duty.uow().__enter__() if not db.is_sqlite else None
    try:
        a = first.get(Officer, officer_id, expected_version=version)
        first.update("officer.edit", "officer", a, phone="1")
        if second is None:
            # SQLite serialises writers (BEGIN IMMEDIATE), so the second seat waits and then
            # sees the new version: the explicit check catches it.
            first.commit()
            with pytest.raises(ConflictError, match="chief.wang"), duty.uow() as uow:
                uow.get(Officer, officer_id, expected_version=version)
            return
        b = second.get(Officer, officer_id, expected_version=version)
        first.commit()
        with pytest.raises(ConflictError, match="chief.wang"):
            second.update("officer.edit", "officer", b, phone="2")
            second.commit()
    finally:
        first.__exit__(None, None, None)
        if second is not None:
            second.__exit__(None, None, None)
    with db.sessions() as s:
        assert s.get(Officer, officer_id).phone == "1"
