"""Dispute register panel: thin model (qtmodeltester), revisit states by the day, live refresh."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from precinct_console.config import Settings
from precinct_console.domain.clock import CHINA_TZ, FixedClock
from precinct_console.domain.permissions import Role
from precinct_console.services import disputes
from precinct_console.services.disputes import DisputeInfo, Party
from precinct_console.ui.context import AppContext
from precinct_console.ui.disputes.dialogs import parse_parties
from precinct_console.ui.disputes.model import COL_REVISIT, DisputeTableModel

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 China time


def info(i: int, grade: str, revisit_day: int | None, status: str = "open") -> DisputeInfo:
    due = datetime(2026, 11, revisit_day + 1, tzinfo=CHINA_TZ) if revisit_day else None
    return DisputeInfo(i, f"JF2026112000{i}", f"纠纷{i}", "", T0, 1, "幸福里警务区", "幸福里3栋",
                       (Party("赵红梅", "申请人"), Party("钱国栋", "被申请人")), "邻里纠纷", grade,
                       "high", "排查发现", "", 7, "王建国", "人民调解", status, due, (), None, 1,
                       116.0, 39.0)


def test_model_orders_by_grade_and_shows_revisit_state_in_words(qtmodeltester, qtbot):
    clock = FixedClock(T0)
    m = DisputeTableModel(clock)
    m.set_rows([info(1, "C", 27), info(2, "A", 20), info(3, "B", 19), info(4, "D", None)])
    qtmodeltester.check(m)
    assert [m.data(m.index(r, 2)) for r in range(4)] == [
        "JF20261120002", "JF20261120003", "JF20261120001", "JF20261120004"]
    assert m.data(m.index(0, COL_REVISIT)) == "▲ today"
    assert m.data(m.index(1, COL_REVISIT)) == "✖ overdue 1 d"
    assert m.data(m.index(2, COL_REVISIT)) == "◷ in 7 d (11-27)"
    assert m.data(m.index(0, 1)) == "A major"
    m.set_filter("钱国栋", "B")
    assert m.rowCount() == 1
    qtmodeltester.check(m)
    clock.advance(days=1)
    m.tick()
    assert m.counts()["overdue"] == 2


def test_parties_are_parsed_one_a_line_with_clear_errors():
    assert parse_parties("赵红梅，申请人，13800001111\n\n钱国栋") == [
        {"name": "赵红梅", "role": "申请人", "phone": "13800001111"},
        {"name": "钱国栋", "role": "当事人", "phone": ""}]
    with pytest.raises(Exception, match="row 2, field 'parties'"):
        parse_parties("甲\n乙, 邻居")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def _panel_on_one_dispute(qtbot, ctx):
    """A duty officer's dispute panel with one registered dispute selected."""
    from precinct_console.ui.disputes.panel import DisputePanel

    d = disputes.register_dispute(ctx, "幸福里3栋楼上漏水", kind="邻里纠纷", grade="B",
                                  parties=[{"name": "赵红梅", "role": "申请人", "phone": "13800001111"}])
    app = AppContext(ctx, Settings())
    panel = DisputePanel(app)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    panel.select_record(d.id)
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=5000)
    return app, panel, d


def test_panel_shows_registered_disputes_and_follows_changes(qtbot, db, make_ctx, clock):
    ctx = make_ctx(Role.DUTY_OFFICER)
    app, panel, d = _panel_on_one_dispute(qtbot, ctx)
    text = panel.info.toPlainText()
    assert "幸福里3栋楼上漏水" in text and "138****1111" in text  # duty officer: phone masked
    assert panel.resolve_button.isEnabled() and not panel.reopen_button.isEnabled()
    panel._write(disputes.add_note, d.id, d.version, "revisit", "已回访", message="ok {number}")
    qtbot.waitUntil(lambda: "已回访" in panel.info.toPlainText(), timeout=5000)
    clock.advance(days=1, hours=20)
    app.runner.wait(5000)


def test_edit_form_sends_only_what_changed(qtbot):
    from precinct_console.ui.disputes.dialogs import RegisterDisputeDialog

    d = info(1, "C", 27)
    dialog = RegisterDisputeDialog([])
    qtbot.addWidget(dialog)
    dialog.prefill(d)
    dialog.method.setCurrentText("联合调解")
    dialog.grade.setCurrentIndex(dialog.grade.findData("B"))
    dialog.accept()
    assert dialog.changes(d) == {"mediation_method": "联合调解", "grade": "B"}


def test_a_repeat_call_is_linked_to_the_dispute_from_the_panel(qtbot, db, make_ctx, clock, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from precinct_console.services import incidents

    ctx = make_ctx(Role.DUTY_OFFICER)
    call = incidents.intake_incident(ctx, incidents.IncidentDraft(
        channel="110", category_code="0202", address="幸福里3栋"))
    app, panel, d = _panel_on_one_dispute(qtbot, ctx)
    assert panel.link_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (call.number, True))
    panel.link_incident()
    qtbot.waitUntil(lambda: panel.detail is not None and call.number in panel.detail.incident_numbers,
                    timeout=5000)
    assert call.number in panel.info.toPlainText()
    panel.link_incident()  # the same call twice: refused, the dispute keeps one link
    app.runner.wait(5000)
    qtbot.wait(50)
    assert disputes.dispute_detail(ctx, d.id).incident_numbers == (call.number,)
