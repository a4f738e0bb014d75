"""The task ledger speaks the catalogue's language: field labels, 是/否, the rule's Chinese name."""

from __future__ import annotations

from datetime import timedelta

from precinct_console.domain.permissions import Role
from precinct_console.services.exports import export_ledger
from precinct_console.services.ledgers import LEDGERS
from precinct_console.storage.models import Task, TaskTemplate

from .conftest import cst
from .test_ledgers import WEEK, data_rows

FIELDS = [
    {"key": "visited_on", "label": "走访日期", "kind": "date"},
    {"key": "met_in_person", "label": "是否见面", "kind": "bool"},
    {"key": "risk_after", "label": "风险评估", "kind": "choice", "choices": ["高", "中", "低"]},
]


def test_feedback_and_rule_are_written_in_chinese(db, seeded, make_ctx, station, tmp_path):
    with db.sessions() as s:
        template = TaskTemplate(station_id=station.id, code="JF-01", name="纠纷回访", fields=FIELDS)
        s.add(template)
        s.flush()
        created = cst(2026, 11, 19, 9, 0)
        for number, template_id, feedback, rule in (
            ("T101", template.id, {"risk_after": "高", "visited_on": "2026-12-01", "met_in_person": True,
                                   "summary": "双方已和解"}, "dispute_incident"),
            ("T102", template.id, {"visited_on": "2026-12-02", "met_in_person": False}, "repeat_place"),
            ("T103", None, {"met_in_person": True, "extra": "其他"}, "some_new_rule"),
        ):
            s.add(Task(station_id=station.id, number=number, title="纠纷回访", template_id=template_id,
                       status="fed_back", created_at=created, sign_due_at=created + timedelta(minutes=30),
                       feedback_due_at=created + timedelta(hours=24), fed_back_at=created + timedelta(hours=2),
                       feedback=feedback, rule=rule,
                       rule_reason="一地多警：同一地点7天内报警3次" if rule == "repeat_place"
                       else "纠纷类警情 J20261119001"))
        s.commit()
    out = tmp_path / "tasks.xlsx"
    export_ledger(make_ctx(Role.CLERK), "tasks", *WEEK, out)
    col = {c.header: i for i, c in enumerate(LEDGERS["tasks"].columns)}
    rows = {r[0]: r for r in data_rows(out)}
    t101, t102, t103 = rows["T101"], rows["T102"], rows["T103"]
    # The form's order, the catalogue's labels, 是/否, the remarks last.
    assert t101[col["反馈内容"]] == "走访日期：2026-12-01；是否见面：是；风险评估：高；备注：双方已和解"
    assert t101[col["派单依据"]] == "纠纷警情必回访：纠纷类警情 J20261119001"
    assert t102[col["反馈内容"]] == "走访日期：2026-12-02；是否见面：否"
    assert t102[col["派单依据"]] == "一地多警：同一地点7天内报警3次"  # the name once
    # No template: the station's catalogue still names known fields; an unknown key stays as it is.
    assert t103[col["反馈内容"]] == "是否见面：是；extra：其他"
    assert t103[col["派单依据"]] == "some_new_rule：纠纷类警情 J20261119001"
    # The seeded repeat-caller tasks are named by their rule, not its code.
    assert rows["T001"][col["派单依据"]] == "一人多警"
