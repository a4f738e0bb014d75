"""Seed data for the ledger, statistics, bulletin and scheduler tests, inserted through the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.storage.models import (
    Dispatch,
    Dispute,
    DisputeNote,
    Grid,
    Incident,
    MoveUpOrder,
    Officer,
    PatrolLog,
    PatrolPlan,
    PatrolZone,
    RosterEntry,
    Shift,
    Task,
    Unit,
    User,
)


def cst(*args: int) -> datetime:
    """A China-time wall clock reading as an aware datetime."""
    return datetime(*args, tzinfo=CHINA_TZ)


def _square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                [lon, lat + d], [lon, lat]]]}


@dataclass
class Seed:
    station_id: int
    districts: dict[str, int] = field(default_factory=dict)
    grids: dict[str, int] = field(default_factory=dict)
    incidents: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)


# (number, received China time, category, grid, phone, id number, set-off s, arrival s, reinforcement)
INCIDENTS = [
    ("J20261115001", cst(2026, 11, 15, 23, 59, 59), "0602", "G11", "13812345678", "", 40, 150, None),
    ("J20261116001", cst(2026, 11, 16, 0, 0, 0), "0601", "G11", "13987654321", "110101199001011234", 50, 170, None),
    ("J20261116002", cst(2026, 11, 16, 8, 30, 0), "0202", "M111", "13700001111", "", 70, 200, 280),
    ("J20261117001", cst(2026, 11, 17, 14, 5, 30), "0401", "G21", "", "", 30, 120, None),
    ("J20261118001", cst(2026, 11, 18, 21, 0, 0), "0701", "G21", "15011112222", "", 55, None, None),
    ("J20261119001", cst(2026, 11, 19, 23, 59, 59), "1001", "G11", "18800009999", "", None, None, None),
    ("J20261120001", cst(2026, 11, 20, 0, 0, 0), "0602", "G11", "13812345678", "", 45, 175, None),
    ("J20261122001", cst(2026, 11, 22, 23, 59, 59), "0105", "M111", "13600001234", "", 58, 179, 400),
    ("J20261123001", cst(2026, 11, 23, 0, 0, 0), "0602", "G11", "13812345678", "", 45, 175, None),
]


def seed_station(db: Any, station_id: int, clock_now: datetime) -> Seed:
    seed = Seed(station_id)
    with db.sessions() as s:
        def grid(code: str, name: str, level: int, parent: int | None, lon: float) -> int:
            g = Grid(station_id=station_id, code=code, name=name, level=level, parent_id=parent,
                     geometry=_square(lon, 39.9), centroid_lon=lon + 0.005, centroid_lat=39.905)
            s.add(g)
            s.flush()
            return g.id

        d1 = grid("D1", "第一警务区", 1, None, 116.40)
        d2 = grid("D2", "第二警务区", 1, None, 116.42)
        seed.districts = {"D1": d1, "D2": d2}
        g11 = grid("G11", "建设路网格", 2, d1, 116.40)
        m111 = grid("M111", "建设路3号微网格", 3, g11, 116.40)
        g21 = grid("G21", "人民路网格", 2, d2, 116.42)
        seed.grids = {"G11": g11, "M111": m111, "G21": g21}
        officers = []
        for badge, name, phone in (("010001", "王警官", "13500001111"), ("010002", "李警官", "13500002222"),
                                   ("F0003", "赵辅警", "13500003333")):
            o = Officer(station_id=station_id, badge=badge, name=name, phone=phone,
                        kind="auxiliary" if badge.startswith("F") else "officer",
                        id_number="110101198001011111")
            s.add(o)
            s.flush()
            officers.append(o.id)
        for call_sign in ("巡逻1组", "巡逻2组"):
            u = Unit(station_id=station_id, call_sign=call_sign, home_lon=116.41, home_lat=39.9)
            s.add(u)
            s.flush()
            seed.units[call_sign] = u.id
        taker = User(username="taker", display_name="接警员甲", role="duty_officer",
                     station_id=station_id, password_hash="x", created_at=clock_now)
        s.add(taker)
        s.flush()
        for n, (number, received, code, grid_code, phone, idno, t1, t3, t5) in enumerate(INCIDENTS):
            def after(sec: float | None, received: datetime = received) -> datetime | None:
                return None if sec is None else received + timedelta(seconds=sec)

            inc = Incident(
                station_id=station_id, number=number, channel="110", category_code=code,
                priority=1 if code in ("0202", "0105") else 2, status="closed",
                caller_name=f"报警人{n}", caller_phone=phone, caller_id_number=idno,
                address=f"建设路{n + 1}号", lon=116.405, lat=39.905, grid_id=seed.grids[grid_code],
                content=f"报警称第{n}起警情 & <详情>", received_at=received,
                dispatched_at=after(20 if t1 else None), signed_at=after(25 if t1 else None),
                set_off_at=after(t1), arrived_at=after(t3),
                needs_reinforcement=t5 is not None, reinforcement_arrived_at=after(t5),
                handled_at=after(1800), fed_back_at=after(2400), closed_at=after(3600),
                call_taker_id=taker.id, handling_summary="经调解双方达成一致", result="调解处理",
                people_arrested=1 if code == "0202" else 0, repeat_caller=phone == "13812345678",
            )
            s.add(inc)
            s.flush()
            seed.incidents[number] = inc.id
            if t1:
                s.add(Dispatch(station_id=station_id, incident_id=inc.id, unit_id=seed.units["巡逻1组"],
                               dispatched_at=after(20), signed_at=after(25), set_off_at=after(t1),
                               arrived_at=after(t3), officers="王警官、赵辅警", auxiliaries=1, vehicles=1))
            if t5:
                s.add(Dispatch(station_id=station_id, incident_id=inc.id, unit_id=seed.units["巡逻2组"],
                               role="reinforcement", dispatched_at=after(60), arrived_at=after(t5),
                               officers="李警官", auxiliaries=0, vehicles=1))
        # Tasks: one on time, one overdue and never signed, one outside the week.
        for number, created, signed, fed_back in (
            ("T001", cst(2026, 11, 16, 10, 0), cst(2026, 11, 16, 10, 10), cst(2026, 11, 16, 20, 0)),
            ("T002", cst(2026, 11, 18, 10, 0), None, None),
            ("T003", cst(2026, 11, 24, 10, 0), None, None),
        ):
            s.add(Task(station_id=station_id, number=number, title=f"回访{number}", detail="回访报警人",
                       incident_id=seed.incidents["J20261116001"], grid_id=g11,
                       assignee_officer_id=officers[0], status="fed_back" if fed_back else "sent",
                       created_at=created, sign_due_at=created + timedelta(minutes=30),
                       feedback_due_at=created + timedelta(hours=24), signed_at=signed,
                       fed_back_at=fed_back, feedback={"结果": "已回访"} if fed_back else {},
                       rule="repeat_caller", rule_reason="一人多警"))
        dispute = Dispute(station_id=station_id, number="MD001", title="邻里噪声纠纷", content="楼上楼下噪声",
                          occurred_at=cst(2026, 11, 17, 9, 0), grid_id=g11, address="建设路3号",
                          parties=[{"name": "张三", "phone": "13811112222"}, {"name": "李四", "phone": ""}],
                          kind="邻里纠纷", grade="C", risk="low", source="110警情", responsible_unit="社区警务队",
                          responsible_officer_id=officers[1], mediation_method="现场调解", status="mediating")
        s.add(dispute)
        s.flush()
        s.add(DisputeNote(station_id=station_id, dispute_id=dispute.id, at=cst(2026, 11, 17, 10, 0), text="初次调解"))
        s.add(DisputeNote(station_id=station_id, dispute_id=dispute.id, at=cst(2026, 11, 18, 10, 0), text="双方同意再谈"))
        zone = PatrolZone(station_id=station_id, code="Z1", name="一号巡区", geometry=_square(116.4, 39.9),
                          centroid_lon=116.405, centroid_lat=39.905)
        s.add(zone)
        s.flush()
        for day in (16, 17):
            s.add(PatrolLog(station_id=station_id, unit_id=seed.units["巡逻1组"], zone_id=zone.id,
                            starts_at=cst(2026, 11, day, 19, 0), ends_at=cst(2026, 11, day, 21, 30),
                            route="建设路-人民路", officers="王警官、赵辅警", people_checked=5,
                            vehicles_checked=2, stakeouts=1, arrests=day - 16, result="清查"))
        shift = Shift(station_id=station_id, name="白班", team="一组", starts_at=cst(2026, 11, 16, 8, 30),
                      ends_at=cst(2026, 11, 17, 8, 30))
        s.add(shift)
        s.flush()
        for oid, duty in zip(officers, ("desk", "patrol", "patrol"), strict=True):
            s.add(RosterEntry(station_id=station_id, shift_id=shift.id, officer_id=oid, duty=duty,
                              unit_id=None if duty == "desk" else seed.units["巡逻1组"]))
        # The shift's accepted plan, and the duty officer's move-up of its car and the return.
        car = seed.units["巡逻1组"]
        plan = PatrolPlan(station_id=station_id, shift_id=shift.id, starts_at=shift.starts_at,
                          ends_at=shift.ends_at, status="accepted", created_at=cst(2026, 11, 16, 7, 0),
                          decided_by="chief", decided_at=cst(2026, 11, 16, 7, 30), figures={},
                          assignments=[{"unit_id": car, "call_sign": "巡逻1组", "point_key": "post:1",
                                        "point_name": "建设路警务站", "lon": 116.40, "lat": 39.90,
                                        "pinned": False}])
        s.add(plan)
        s.flush()
        s.add_all([
            MoveUpOrder(station_id=station_id, plan_id=plan.id, unit_id=car, point_key="site:3",
                        point_name="人民路农商银行门前", lon=116.41, lat=39.91, back=False,
                        ordered_at=cst(2026, 11, 16, 20, 12), ordered_by="taker",
                        cover_before=0.52, cover_after=0.71),
            MoveUpOrder(station_id=station_id, plan_id=plan.id, unit_id=car, point_key="post:1",
                        point_name="建设路警务站", lon=116.40, lat=39.90, back=True,
                        ordered_at=cst(2026, 11, 16, 21, 5), ordered_by="taker"),
        ])
        s.commit()
    return seed


@pytest.fixture
def seeded(db, station, clock) -> Seed:
    return seed_station(db, station.id, clock())


@pytest.fixture
def week_utc() -> tuple[datetime, datetime]:
    return cst(2026, 11, 16).astimezone(UTC), cst(2026, 11, 23).astimezone(UTC)
