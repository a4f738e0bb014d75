"""The task ledger measures a reassigned or returned task over the window its officer had."""

from __future__ import annotations

from datetime import timedelta

from precinct_console.domain.permissions import Role
from precinct_console.services.exports import export_ledger
from precinct_console.services.ledgers import LEDGERS
from precinct_console.storage.models import Task, TaskEvent

from .conftest import cst
from .test_ledgers import WEEK, data_rows


def test_sign_time_counts_from_the_reassignment_and_a_late_rework_is_overdue(
        db, seeded, make_ctx, station, tmp_path):
    sent, moved = cst(2026, 11, 16, 9, 0), cst(2026, 11, 16, 20, 0)
    back = cst(2026, 11, 17, 10, 30)
    with db.sessions() as s:
        common = dict(station_id=station.id, title="回访", created_at=sent, feedback={}, rule="manual")
        handed = Task(number="T201", status="fed_back", sign_due_at=moved + timedelta(minutes=30),
                      signed_at=moved + timedelta(minutes=10), fed_back_at=moved + timedelta(hours=2),
                      feedback_due_at=sent + timedelta(hours=24), **common)
        # Fed back in time, returned, and the 3-hour rework ran out before the export (11-20).
        returned = Task(number="T202", status="returned", sign_due_at=sent + timedelta(minutes=30),
                        signed_at=sent + timedelta(minutes=5), fed_back_at=sent + timedelta(hours=1),
                        returned_at=back, feedback_due_at=back + timedelta(hours=3), **common)
        s.add_all([handed, returned])
        s.flush()
        s.add_all([TaskEvent(station_id=station.id, task_id=handed.id, kind="sent", at=sent),
                   TaskEvent(station_id=station.id, task_id=handed.id, kind="reassigned", at=moved),
                   TaskEvent(station_id=station.id, task_id=handed.id, kind="signed",
                             at=moved + timedelta(minutes=10))])
        s.commit()
    out = tmp_path / "tasks.xlsx"
    export_ledger(make_ctx(Role.CLERK), "tasks", *WEEK, out)
    col = {c.header: i for i, c in enumerate(LEDGERS["tasks"].columns)}
    rows = {r[0]: r for r in data_rows(out)}
    # The new officer signed ten minutes after he got it, not eleven hours after it was sent.
    assert rows["T201"][col["签收用时"]] == timedelta(minutes=10)
    assert rows["T201"][col["超期情况"]] == "按期"
    # The board shows the rework overdue; so does the ledger (the old feedback was in time).
    assert rows["T202"][col["超期情况"]] == "超期反馈" and rows["T202"][col["超期"]] == 1
