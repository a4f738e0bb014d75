"""Patrol records (巡逻登记): checked whole, audited, announced, and in the patrol ledger."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import PermissionDenied, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import patrols, unit_roll
from precinct_console.services.exports import export_ledger
from precinct_console.storage.models import AuditEntry, ChangeRecord, PatrolLog, PatrolZone


@pytest.fixture
def town(db, station, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF)
    unit = unit_roll.add_unit(chief, "巡01", "car", 116.39, 39.90)
    with db.sessions() as s:
        zone = PatrolZone(station_id=station.id, code="XQ1", name="一号巡区",
                          geometry={"type": "Polygon", "coordinates": [[[116.38, 39.89], [116.40, 39.89],
                                                                        [116.40, 39.91], [116.38, 39.89]]]},
                          centroid_lon=116.39, centroid_lat=39.90)
        s.add(zone)
        s.commit()
        return unit, zone.id


def _draft(clock, unit, zone, **changes):
    end = clock() - timedelta(minutes=10)
    values = dict(starts_at=end - timedelta(hours=3), ends_at=end, unit_id=unit, zone_id=zone,
                  route="解放路—火车站—夜市", officers="张伟、王芳", people_checked=6,
                  vehicles_checked=3, stakeouts=1, arrests=1, result="抓获盗窃电动车嫌疑人1名")
    values.update(changes)
    return patrols.PatrolDraft(**values)


def test_a_recorded_patrol_is_audited_announced_and_in_the_patrol_ledger(db, make_ctx, clock, town, tmp_path):
    unit, zone = town
    duty = make_ctx(Role.DUTY_OFFICER)
    record = patrols.record_patrol(duty, _draft(clock, unit, zone))
    assert (record.unit, record.zone, record.arrests) == ("巡01", "一号巡区", 1)
    assert record.change.ids("patrol_log") == {record.id}
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "patrol.record", AuditEntry.entity_id == record.id)) == 1
        assert s.scalar(sa.select(sa.func.count(ChangeRecord.id)).where(
            ChangeRecord.entity == "patrol_log")) == 1
    assert [r.id for r in patrols.recent_patrols(duty)] == [record.id]
    # The clerk's patrol ledger now has the row a real station entered (not only the demo's).
    day = record.starts_at.astimezone(CHINA_TZ).date()
    out = tmp_path / "patrol.xlsx"
    export_ledger(make_ctx(Role.CLERK), "patrol", day, day, out)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "解放路—火车站—夜市" in values and "巡01" in values and "抓获盗窃电动车嫌疑人1名" in values


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"ends_at_offset": -4}, "ends_at", "ends before it starts"),
    ({"starts_at_offset": -30}, "ends_at", "more than 24 hours"),
    ({"ends_at_offset": 2}, "ends_at", "in the future"),
    ({"people_checked": -1}, "people_checked", "0-9999"),
    ({"arrests": 1.5}, "arrests", "not a whole number"),
    ({"officers": "  "}, "officers", "name the officers"),
    ({"route": "路" * 201}, "route", "at most 200"),
    ({"unit_id": 999}, "unit_id", "not one of this station's"),
    ({"zone_id": 999}, "zone_id", "not one of this station's"),
])
def test_a_bad_record_names_its_field_and_writes_nothing(db, make_ctx, clock, town, changes, field, words):
    unit, zone = town
    changes = dict(changes)
    base = _draft(clock, unit, zone)
    if "ends_at_offset" in changes:
        changes["ends_at"] = clock() + timedelta(hours=changes.pop("ends_at_offset"))
    if "starts_at_offset" in changes:
        changes["starts_at"] = base.ends_at + timedelta(hours=changes.pop("starts_at_offset"))
    with pytest.raises(ValidationError) as err:
        patrols.record_patrol(make_ctx(Role.CLERK), _draft(clock, unit, zone, **changes))
    assert err.value.field == field and words in str(err.value)
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(PatrolLog.id))) == 0
        assert s.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "patrol.record")) == 0


def test_a_community_officer_or_viewer_may_not_record_a_patrol(make_ctx, clock, town):
    unit, zone = town
    for role in (Role.COMMUNITY_OFFICER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            patrols.record_patrol(make_ctx(role), _draft(clock, unit, zone))


def test_a_mistaken_record_is_withdrawn_with_its_reason_and_the_audit_keeps_it(db, make_ctx, clock, town):
    unit, zone = town
    duty = make_ctx(Role.DUTY_OFFICER)
    record = patrols.record_patrol(duty, _draft(clock, unit, zone))
    with pytest.raises(ValidationError) as err:
        patrols.withdraw_patrol(duty, record.id, "  ")
    assert err.value.field == "reason"
    change = patrols.withdraw_patrol(duty, record.id, "录错了警组")
    assert change.ids("patrol_log") == {record.id}
    assert patrols.recent_patrols(duty) == []
    with db.sessions() as s:
        entry = s.scalar(sa.select(AuditEntry).where(AuditEntry.action == "patrol.withdraw"))
    assert entry.before["reason"] == "录错了警组" and entry.before["route"] == "解放路—火车站—夜市"
    with pytest.raises(ValidationError):
        patrols.withdraw_patrol(duty, record.id, "again")  # already gone: said, not a crash
