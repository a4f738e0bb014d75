"""A station moving its incidents: the 警情台账 the console exports imports back into an empty station."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import CHINA_TZ, FixedClock
from precinct_console.domain.errors import ValidationErrors
from precinct_console.domain.permissions import Role
from precinct_console.services.context import Actor, ServiceContext
from precinct_console.services.exports import export_ledger
from precinct_console.services.incidents import import_ledger_file
from precinct_console.storage.models import Incident, Station, User

WEEK = (date(2026, 11, 16), date(2026, 11, 22))
KEPT = ("number", "received_at", "channel", "address", "category_code", "priority", "lon", "lat",
        "caller_name", "caller_phone", "content", "set_off_at", "arrived_at", "handled_at",
        "closed_at", "status", "handling_summary", "result")


def _empty_station(db, clock, code: str = "S02") -> ServiceContext:
    with db.sessions() as s:
        st = Station(code=code, name="新城派出所", branch="示范分局", lon=116.40, lat=39.90)
        s.add(st)
        s.flush()
        user = User(username=f"neiqin{code}", display_name="内勤乙", role=Role.CLERK.value,
                    station_id=st.id, password_hash="x", created_at=clock())
        s.add(user)
        s.commit()
        actor = Actor(user.id, user.username, Role.CLERK, st.id, "seat-2", False)
    # The new station's clock runs after the week exported (its calls are not in the future).
    return ServiceContext(db, actor, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=CHINA_TZ)))


def _incidents(db, station_id: int) -> dict[str, tuple]:
    with db.sessions() as s:
        rows = s.scalars(sa.select(Incident).where(Incident.station_id == station_id)).all()
        return {r.number: tuple(getattr(r, f) for f in KEPT) for r in rows}


def test_an_exported_incident_ledger_imports_into_an_empty_station_as_the_same_incidents(
    db, seeded, make_ctx, clock, tmp_path,
):
    out = tmp_path / "incidents.xlsx"
    export_ledger(make_ctx(Role.STATION_CHIEF), "incidents", *WEEK, out, True)
    target = _empty_station(db, clock)
    result, ignored = import_ledger_file(target, out)
    before = {n: v for n, v in _incidents(db, seeded.station_id).items() if "20261116" <= n[1:9] <= "20261122"}
    after = _incidents(db, target.station_id)
    assert result.count == len(before) == 7
    assert after == before
    # What the station's new database cannot hold from a ledger is named, not dropped silently.
    assert {"处警单位", "处警民警", "身份证号", "状态"} <= set(ignored)


def test_a_ledger_imported_twice_or_exported_masked_is_refused_naming_the_files_column(
    db, seeded, make_ctx, clock, tmp_path,
):
    out = tmp_path / "incidents.xlsx"
    export_ledger(make_ctx(Role.STATION_CHIEF), "incidents", *WEEK, out, True)
    target = _empty_station(db, clock)
    import_ledger_file(target, out)
    with pytest.raises(ValidationErrors) as err:
        import_ledger_file(target, out)
    assert "row 4, field '警情编号': incident J20261116001 is already in this station" in str(err.value)
    masked = tmp_path / "masked.xlsx"
    export_ledger(make_ctx(Role.CLERK), "incidents", *WEEK, masked)
    with pytest.raises(ValidationErrors) as err:
        import_ledger_file(_empty_station(db, clock, "S03"), masked)
    assert "field '联系电话': '139****4321' is masked" in str(err.value)
