"""Dispute register: parties, grades and their revisit schedule, notes, resolution, grid card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.demo.task_catalogue import seed_catalogue
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import ConflictError, ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import disputes, tasks
from precinct_console.storage.models import AuditEntry, Grid, GridPerson, Incident, Officer

SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1],
                                              [116.0, 39.1], [116.0, 39.0]]]}
PARTIES = [{"name": "赵红梅", "role": "申请人", "phone": "13800001111"},
           {"name": "钱国栋", "role": "被申请人"}]


@pytest.fixture
def grids(db, station, clock):
    with db.sessions() as s:
        wang = Officer(station_id=station.id, badge="012345", name="王建国")
        s.add(wang)
        s.flush()
        district = Grid(station_id=station.id, code="D1", name="幸福里警务区", level=1,
                        geometry=SQUARE, centroid_lon=116.05, centroid_lat=39.05)
        s.add(district)
        s.flush()
        small = Grid(station_id=station.id, code="D1-01", name="幸福里一网格", level=2,
                     parent_id=district.id, geometry=SQUARE, centroid_lon=116.04, centroid_lat=39.04)
        other = Grid(station_id=station.id, code="D2", name="建设路警务区", level=1,
                     geometry=SQUARE, centroid_lon=116.2, centroid_lat=39.2)
        s.add_all([small, other])
        s.flush()
        s.add(GridPerson(station_id=station.id, grid_id=district.id, role="community_officer",
                         name="王建国", officer_id=wang.id))
        seed_catalogue(s, station.id, clock())
        s.commit()
        return {"district": district.id, "small": small.id, "other": other.id, "wang": wang.id}


def test_register_sets_the_revisit_by_grade_and_routes_to_the_grid_officer(
        db, make_ctx, clock, grids):
    ctx = make_ctx(Role.DUTY_OFFICER)
    d = disputes.register_dispute(ctx, "幸福里3栋楼上漏水", parties=PARTIES, kind="邻里纠纷",
                                  grade="B", grid_id=grids["small"], address="幸福里3栋",
                                  mediation_method="人民调解")
    assert d.number == "JF20261120001"
    assert d.risk == "high"  # B's default risk
    assert d.responsible_officer_name == "王建国"  # climbed from the small grid to its district
    # Grade B: revisit within 3 days, i.e. by the end of 23 Nov China time.
    assert d.next_revisit_at == datetime(2026, 11, 24, tzinfo=CHINA_TZ)
    assert [p.name for p in d.parties] == ["赵红梅", "钱国栋"]
    assert (d.lon, d.lat) == (116.04, 39.04)  # where the map draws it: the grid's centre


def test_bad_dispute_input_names_the_field_and_writes_nothing(db, make_ctx, grids):
    ctx = make_ctx(Role.DUTY_OFFICER)
    with pytest.raises(ValidationError, match="field 'grade'"):
        disputes.register_dispute(ctx, "x", parties=PARTIES, kind="邻里纠纷", grade="E")
    with pytest.raises(ValidationError, match="row 2, field 'parties'"):
        disputes.register_dispute(ctx, "x", parties=[PARTIES[0], {"name": " "}], kind="邻里纠纷")
    with pytest.raises(ValidationError, match="field 'parties'"):
        disputes.register_dispute(ctx, "x", parties=[], kind="邻里纠纷")
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                        .where(AuditEntry.entity == "dispute")) == 0


def test_revisit_notes_move_the_schedule_and_resolution_keeps_one_last_check(
        db, make_ctx, clock, grids):
    ctx = make_ctx(Role.COMMUNITY_OFFICER)
    d = disputes.register_dispute(ctx, "劳资纠纷", parties=PARTIES, kind="劳资纠纷", grade="A",
                                  grid_id=grids["district"])
    assert d.next_revisit_at == datetime(2026, 11, 22, tzinfo=CHINA_TZ)  # A: the next day
    clock.advance(hours=15)  # 21 Nov 00:00 China time: a new day
    d = disputes.add_note(ctx, d.id, d.version, "revisit", "双方情绪平稳，约定周五调解")
    assert d.next_revisit_at == datetime(2026, 11, 23, tzinfo=CHINA_TZ)
    d = disputes.add_note(ctx, d.id, d.version, "mediation", "人民调解员主持调解")
    assert d.status == "mediating"
    d = disputes.resolve_dispute(ctx, d.id, d.version, "达成调解协议，工资已支付")
    assert d.status == "resolved"
    assert d.next_revisit_at == datetime(2026, 11, 29, tzinfo=CHINA_TZ)  # a week later
    d = disputes.add_note(ctx, d.id, d.version, "revisit", "回访：未再发生纠纷")
    assert d.next_revisit_at is None
    detail = disputes.dispute_detail(ctx, d.id)
    assert [n.kind for n in detail.notes] == ["revisit", "mediation", "resolved", "revisit"]
    assert detail.notes[0].username == "community_officer1"


def test_a_worse_grade_brings_the_revisit_forward_and_stale_edits_conflict(
        db, make_ctx, clock, grids):
    a = make_ctx(Role.DUTY_OFFICER, "duty.a")
    b = make_ctx(Role.STATION_CHIEF, "chief.b")
    d = disputes.register_dispute(a, "物业收费争议", parties=PARTIES, kind="物业纠纷", grade="D")
    assert d.next_revisit_at == datetime(2026, 12, 6, tzinfo=CHINA_TZ)  # D: 15 days
    up = disputes.update_dispute(a, d.id, d.version, grade="B", risk="high")
    assert up.next_revisit_at == datetime(2026, 11, 24, tzinfo=CHINA_TZ)
    with pytest.raises(ConflictError, match="changed by duty.a"):
        disputes.update_dispute(b, d.id, d.version, grade="C")
    with pytest.raises(ValidationError, match="field 'status'"):
        disputes.update_dispute(a, d.id, up.version, status="resolved")


def test_register_from_incident_and_link_repeat_calls(db, station, make_ctx, clock, grids):
    ctx = make_ctx(Role.DUTY_OFFICER)
    with db.sessions() as s:
        incs = [Incident(station_id=station.id, number=f"J2026112000{n}", channel="110",
                         category_code="060101", priority=1, status="closed",
                         caller_name="孙女士", caller_phone="13900002222", address="幸福里5栋",
                         lon=116.03, lat=39.03, grid_id=grids["small"], content="丈夫酒后殴打",
                         received_at=clock() - timedelta(hours=n)) for n in (1, 2)]
        s.add_all(incs)
        s.commit()
        first, second = incs[0].id, incs[1].id
    d = disputes.register_from_incident(ctx, first)
    assert (d.grade, d.kind, d.source) == ("B", "家庭暴力", "110警情")
    assert d.parties[0].name == "孙女士" and (d.lon, d.lat) == (116.03, 39.03)
    with pytest.raises(ValidationError, match="already in the register"):
        disputes.register_from_incident(ctx, first)
    d = disputes.link_incident(ctx, d.id, d.version, second)
    assert d.incident_ids == (first, second)
    # A revisit task sent for the dispute shows on the dispute.
    tasks.create_task(ctx, "JF-03", "家暴回访", grid_id=grids["small"], dispute_id=d.id)
    detail = disputes.dispute_detail(ctx, d.id)
    assert [t.template_code for t in detail.tasks] == ["JF-03"]
    assert detail.incident_numbers == ("J20261120002", "J20261120001")


def test_grid_card_and_map_see_open_disputes_of_the_grid_and_below(db, make_ctx, grids):
    ctx = make_ctx(Role.DUTY_OFFICER)
    small = disputes.register_dispute(ctx, "甲", parties=PARTIES, kind="邻里纠纷",
                                      grid_id=grids["small"])
    disputes.register_dispute(ctx, "乙", parties=PARTIES, kind="邻里纠纷", grid_id=grids["other"])
    done = disputes.register_dispute(ctx, "丙", parties=PARTIES, kind="邻里纠纷",
                                     grid_id=grids["district"])
    disputes.resolve_dispute(ctx, done.id, done.version, "已化解")
    assert [d.title for d in disputes.disputes_for_grid(ctx, grids["district"])] == ["甲"]
    assert {d.title for d in disputes.disputes_for_grid(ctx, grids["district"],
                                                        include_resolved=True)} == {"甲", "丙"}
    assert {d.id for d in disputes.open_disputes(ctx)} == {small.id, small.id + 1}
    # The grid card's open tasks follow the same grid tree.
    sent = tasks.create_task(ctx, "JF-01", "回访", grid_id=grids["small"])
    tasks.create_task(ctx, "JF-01", "别处", grid_id=grids["other"])
    assert [t.id for t in tasks.tasks_for_grid(ctx, grids["district"])] == [sent.id]


def test_revisits_appear_on_the_officer_work_list(db, make_ctx, clock, grids):
    ctx = make_ctx(Role.DUTY_OFFICER)
    d = disputes.register_dispute(ctx, "婚恋纠纷", parties=PARTIES, kind="婚恋纠纷", grade="A",
                                  grid_id=grids["district"])
    today = tasks.daily_work_list(ctx, grids["wang"], datetime(2026, 11, 20).date())
    assert today.revisits == ()
    tomorrow = tasks.daily_work_list(ctx, grids["wang"], datetime(2026, 11, 21).date())
    assert [v.number for v in tomorrow.revisits] == [d.number]
    assert tomorrow.revisits[0].next_revisit_at == datetime(2026, 11, 22, tzinfo=CHINA_TZ)
    assert tomorrow.generated_at == datetime(2026, 11, 20, 1, tzinfo=UTC)
