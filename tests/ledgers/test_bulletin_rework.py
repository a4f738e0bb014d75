"""The weekly bulletin judges a task returned for rework against its rework deadline."""

from __future__ import annotations

from datetime import timedelta

from precinct_console.domain.permissions import Role
from precinct_console.services.bulletin import render_html, weekly_bulletin
from precinct_console.services.ledgers.periods import parse_week
from precinct_console.storage.models import Task

from .conftest import cst


def test_a_returned_task_past_its_rework_deadline_is_listed_overdue(db, seeded, make_ctx, clock, station):
    sent, back = cst(2026, 11, 16, 9, 0), cst(2026, 11, 17, 10, 30)
    with db.sessions() as s:
        common = dict(station_id=station.id, created_at=sent, sign_due_at=sent + timedelta(minutes=30),
                      signed_at=sent + timedelta(minutes=5), returned_at=back,
                      feedback_due_at=back + timedelta(hours=9), rule="manual", feedback={})
        # Fed back in time on Monday, returned on Tuesday, no new feedback by Tuesday 19:30.
        s.add(Task(number="T204", title="回访T204", status="returned",
                   fed_back_at=sent + timedelta(hours=3), **common))
        # The same, but the rework came back at 15:00, inside its window: on time.
        s.add(Task(number="T205", title="回访T205", status="fed_back",
                   fed_back_at=back + timedelta(hours=4, minutes=30), **common))
        s.commit()
    clock.now = cst(2026, 11, 23, 9, 0)  # the week is over
    b = weekly_bulletin(make_ctx(Role.STATION_CHIEF), parse_week("2026-W47"))
    # The board shows T204 overdue since Tuesday 19:30; the bulletin's list and count agree
    # (its Monday feedback was on time, but it was rejected and answers no rework deadline).
    assert {t.number: t.state for t in b.overdue_tasks} == {"T002": "超期签收、超期反馈", "T204": "超期反馈"}
    html = render_html(b)
    assert "<b>2</b><small>超期指令</small>" in html
    assert "回访T204" in html and "回访T205" not in html
