"""矛盾纠纷排查化解台账: the dispute ledger, one row per dispute that arose in the period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.figures import due_day
from ...storage.models import Dispute, DisputeNote
from .columns import Column, Kind, LedgerDef, Scope, Sheet
from .common import count, scoped, stream
from .lookups import DISPUTE_STATUS_ZH, RISK_ZH, Lookups
from .masking import mask_phone

C, K = Column, Kind
COLUMNS = (
    C("编号", width=18),
    C("纠纷名称", width=24, wrap=True, free_text=True),
    C("纠纷内容", width=40, wrap=True, free_text=True),
    C("发生时间", K.DATETIME, 20),
    C("警务区", width=14),
    C("所属网格", width=16),
    C("地址", width=28, wrap=True, free_text=True),
    C("当事人", width=26, wrap=True, doc="names (and phones, masked unless unmasked)"),
    C("当事人数", K.INT, 9, total="sum"),
    C("纠纷类型", width=12),
    C("等级", width=6, doc="A (most serious) to D"),
    C("风险", width=6),
    C("来源", width=12),
    C("责任单位", width=16),
    C("责任人", width=10),
    C("调解方式", width=12),
    C("化解进展", width=36, wrap=True, free_text=True, doc="latest progress note"),
    C("状态", width=10),
    C("下次回访", K.DATE, 12, doc="the day the next revisit is due, as the console shows it"),
    C("化解时间", K.DATETIME, 20),
    C("进展记录数", K.INT, 10, total="sum"),
)


def _parties(parties: list[Any], mask: bool) -> tuple[str, int]:
    names = []
    for p in parties or []:
        if isinstance(p, dict):
            name = str(p.get("name", ""))
            phone = str(p.get("phone", "") or "")
            if phone:
                name += f"（{mask_phone(phone) if mask else phone}）"
            names.append(name)
        else:
            names.append(str(p))
    return "、".join(names), len(names)


def _rows(s: Session, scope: Scope, lk: Lookups) -> Iterator[tuple[Any, ...]]:
    d = Dispute
    stmt = scoped(
        select(d.id, d.number, d.title, d.content, d.occurred_at, d.grid_id, d.address, d.parties,
               d.kind, d.grade, d.risk, d.source, d.responsible_unit, d.responsible_officer_id,
               d.mediation_method, d.status, d.next_revisit_at, d.resolved_at),
        d, d.occurred_at, scope, d.grid_id,
    ).order_by(d.occurred_at, d.id)
    for r in stream(s, stmt):
        # Progress notes are few per dispute and disputes are few per period: one small query
        # each keeps the main stream simple on both databases.
        notes = s.execute(
            select(DisputeNote.text).where(DisputeNote.dispute_id == r.id)
            .order_by(DisputeNote.at.desc(), DisputeNote.id.desc())
        ).scalars().all()
        parties, n_parties = _parties(r.parties, lk.mask)
        yield (
            r.number, r.title, r.content, r.occurred_at, lk.district_name(r.grid_id),
            lk.grid_name(r.grid_id), r.address, parties, n_parties, r.kind, r.grade,
            RISK_ZH.get(r.risk, r.risk), r.source, r.responsible_unit,
            lk.officers.get(r.responsible_officer_id, "") if r.responsible_officer_id else "",
            r.mediation_method, notes[0] if notes else "", DISPUTE_STATUS_ZH.get(r.status, r.status),
            # Stored as the midnight after the due day (an exclusive bound): show the day itself.
            None if r.next_revisit_at is None else due_day(r.next_revisit_at), r.resolved_at,
            len(notes),
        )


def build(s: Session, scope: Scope, lk: Lookups) -> list[Sheet]:
    n = count(s, Dispute, Dispute.occurred_at, scope, Dispute.grid_id)
    return [Sheet("矛盾纠纷台账", "矛盾纠纷排查化解台账", COLUMNS, _rows(s, scope, lk), n,
                  name_en="Disputes", title_en="Dispute ledger")]


LEDGER = LedgerDef(
    "disputes", "矛盾纠纷排查化解台账", "every dispute that arose in the period and how far it is resolved",
    COLUMNS, build, title_en="Dispute ledger",
)
