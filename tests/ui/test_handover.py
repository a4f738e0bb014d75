"""Handover: the report lists the shift's open incidents and breaches, two officers sign, a PDF prints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.services import accounts
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.ui.context import AppContext
from precinct_console.ui.forms import qdatetime
from precinct_console.ui.handover.dialog import HandoverDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_report_is_compiled_signed_by_both_officers_and_saved_as_pdf(qtbot, make_ctx, clock, tmp_path):
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0202", address="夜市路口",
                                           lon=116.401, lat=39.901))
    accounts.add_user(make_ctx("admin"), "duty.li", "incoming-pass", "duty_officer", display_name="李警官")
    clock.advance(minutes=10)
    dialog = HandoverDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.end.setDateTime(qdatetime(clock()))  # the shift up to now (the incident came at 09:00)
    dialog.compile()
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)
    dialog.notes.setFocus()
    dialog.notes.insertPlainText("夜市路口待复查")  # (QTest cannot type CJK keys)
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Tab)  # on to the sign buttons, no tab typed in
    assert not dialog.notes.hasFocus() and dialog.notes.toPlainText() == "夜市路口待复查"
    text = dialog.report.toPlainText()
    assert "未结警情（1）" in text and "夜市路口" in text
    assert "超时（" in text and "超时（0）" not in text  # the fight was never dispatched
    assert not dialog.sign_in.isEnabled()
    dialog.notes.setPlainText("夜市路口警情待增援")
    dialog.sign_outgoing()
    qtbot.waitUntil(lambda: dialog.view.outgoing_signed_at is not None, timeout=10000)
    assert dialog.notes.isReadOnly() and dialog.view.notes == "夜市路口警情待增援"
    dialog.sign_incoming("duty.li", "wrong")
    qtbot.waitUntil(lambda: dialog.state.text().startswith("✖"), timeout=10000)
    assert "wrong user name or password" in dialog.state.text()
    dialog.sign_incoming("duty.li", "incoming-pass")
    qtbot.waitUntil(lambda: dialog.view.complete, timeout=10000)
    assert dialog.view.incoming_by == "李警官"
    assert "接班人：李警官" in dialog.report.toPlainText()
    pdf = dialog.save_pdf(tmp_path / "handover.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    app.runner.wait(5000)


def test_the_current_shifts_report_is_there_on_opening_and_a_signed_one_stays_signed(
        qtbot, make_ctx, clock):
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0202", address="夜市路口",
                                           lon=116.401, lat=39.901))
    clock.advance(hours=12)  # 21:00: the shift that began at 08:30 is running
    dialog = HandoverDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    # No F5: the officer opened the dialog to hand over the shift that is running.
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)
    assert "夜市路口" in dialog.report.toPlainText()
    dialog.sign_outgoing()
    qtbot.waitUntil(lambda: dialog.view.outgoing_signed_at is not None, timeout=10000)
    again = HandoverDialog(app)
    qtbot.addWidget(again)
    again.show()
    # Opened again, the signed report is shown as it was signed (it can no longer be rebuilt).
    qtbot.waitUntil(lambda: again.view is not None, timeout=10000)
    app.runner.wait(5000)
    qtbot.wait(50)
    assert again.view.id == dialog.view.id and again.view.outgoing_signed_at is not None
    assert "Waiting for the incoming officer" in again.state.text()
    assert not again.state.text().startswith("✖")


def test_a_pdf_that_cannot_be_written_says_where_and_why(qtbot, make_ctx, tmp_path):
    """Not "Saved …" for a file that was never written (a folder that is gone, a drive lost)."""
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    notes: list[tuple[str, str]] = []
    app.notified.connect(lambda text, level: notes.append((level, text)))
    dialog = HandoverDialog(app)
    qtbot.addWidget(dialog)
    dialog.compile()
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)
    gone = tmp_path / "gone" / "交接班.pdf"
    dialog.export_pdf(gone)
    assert not gone.exists()
    assert notes and notes[-1][0] == "error" and str(gone) in notes[-1][1]
    assert "no such folder" in notes[-1][1]
    fine = tmp_path / "交接班.pdf"
    dialog.export_pdf(fine)
    assert fine.read_bytes().startswith(b"%PDF") and notes[-1] == ("info", f"Saved {fine}")
    app.runner.wait(5000)


def test_an_incident_number_stays_on_one_line_on_paper(qapp):
    """A4 with its margins (and the 2 cm QTextDocument.print_ adds) leaves a narrow number column:
    "20261207-00" over "67" read as two numbers."""
    from PySide6.QtGui import QTextDocument

    from precinct_console.services.handover import HandoverView
    from precinct_console.ui.handover.report import handover_html
    from precinct_console.ui.printing import a4_printer

    at = datetime(2026, 12, 7, 12, 30, tzinfo=UTC)
    content = {"received": 1, "closed": 0, "by_category": {}, "breaches": [], "pending_tasks": [],
               "notable": [], "open_incidents": [
                   {"number": "20261207-0067", "time": "12-07 20:26", "category": "纠纷/家庭纠纷",
                    "address": "长青街647号阳光苑22号楼4单元", "status": "反馈", "units": "巡04（已收队）"}]}
    view = HandoverView(1, at, at, at, content, "", "", None, "", None, 1)
    doc = QTextDocument()
    doc.setHtml(handover_html(view, "城关派出所"))
    doc.setTextWidth(a4_printer().pageLayout().paintRectPixels(96).width() - 2 * 2 / 2.54 * 96)
    doc.size()  # lay it out
    block = doc.begin()
    while block.isValid() and block.text() != "20261207-0067":
        block = block.next()
    assert block.isValid() and block.layout().lineCount() == 1


def test_the_dialog_opens_on_the_stations_own_shift_not_the_handover_setting(qtbot, make_ctx, clock):
    from datetime import date

    from precinct_console.domain.clock import CHINA_TZ
    from precinct_console.services import roster
    from precinct_console.ui.forms import china_datetime

    roster.add_pattern_with_shifts(
        make_ctx("station_chief"), "三班二运转", "three_two",
        {"teams": ["甲", "乙", "丙"], "shifts": [{"name": "白班", "start": "08:00", "hours": 12},
                                                {"name": "夜班", "start": "20:00", "hours": 12}]},
        date(2026, 11, 19), date(2026, 11, 21))
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings(handover_time="08:30"))
    clock.advance(hours=13, minutes=30)  # 22:30: the night shift from 20:00 is running
    dialog = HandoverDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)
    night = (datetime(2026, 11, 20, 20, 0, tzinfo=CHINA_TZ), datetime(2026, 11, 21, 8, 0, tzinfo=CHINA_TZ))
    assert (china_datetime(dialog.start.dateTime()), china_datetime(dialog.end.dateTime())) == night
    assert (dialog.view.shift_start, dialog.view.shift_end) == night
    app.runner.wait(5000)


def _two_shifts(make_ctx) -> None:
    from datetime import date

    from precinct_console.services import roster

    roster.add_pattern_with_shifts(
        make_ctx("station_chief"), "三班二运转", "three_two",
        {"teams": ["甲", "乙", "丙"], "shifts": [{"name": "白班", "start": "08:00", "hours": 12},
                                                {"name": "夜班", "start": "20:00", "hours": 12}]},
        date(2026, 11, 19), date(2026, 11, 21))


def _opened(qtbot, app) -> HandoverDialog:
    dialog = HandoverDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view is not None and dialog.build.isEnabled(), timeout=10000)
    return dialog


def test_after_twenty_the_night_duty_sees_its_shift_and_the_day_duty_can_still_write_up(
        qtbot, make_ctx, clock):
    from precinct_console.domain.clock import CHINA_TZ
    from precinct_console.services.handover import build_handover, sign_handover

    _two_shifts(make_ctx)
    app = AppContext(make_ctx("duty_officer", "duty1"), Settings(handover_time="08:30"))
    day = (datetime(2026, 11, 20, 8, 0, tzinfo=CHINA_TZ), datetime(2026, 11, 20, 20, 0, tzinfo=CHINA_TZ))
    night = (datetime(2026, 11, 20, 20, 0, tzinfo=CHINA_TZ), datetime(2026, 11, 21, 8, 0, tzinfo=CHINA_TZ))
    clock.advance(hours=12)  # 21:00: the night shift is on since 20:00
    dialog = _opened(qtbot, app)
    # The night duty's own shift, not the day shift that ended an hour ago.
    assert (dialog.view.shift_start, dialog.view.shift_end) == night
    items = [dialog.shift_box.itemText(i) for i in range(dialog.shift_box.count())]
    assert items == ["This shift, 11-20 20:00 – 11-21 08:00",
                     "Just handed over, 11-20 08:00 – 20:00 (write-up)"]
    assert dialog.shift_box.currentIndex() == 0
    # The day duty picks its shift and finds its report, with its own notes.
    dialog.notes.setPlainText("夜班注意夜市")
    dialog.shift_box.setCurrentIndex(1)
    dialog.shift_box.activated.emit(1)
    qtbot.waitUntil(lambda: dialog.view is not None and (dialog.view.shift_start, dialog.view.shift_end) == day,
                    timeout=10000)
    assert dialog.notes.toPlainText() == ""  # the night's notes stay with the night
    # Times set by hand name no offered shift.
    dialog.start.setDateTime(qdatetime(datetime(2026, 11, 20, 7, 0, tzinfo=CHINA_TZ)))
    assert dialog.shift_box.currentIndex() == -1
    app.runner.wait(5000)
    dialog.close()

    # With the day's handover under way (signed by the outgoing officer, the incoming not yet),
    # the dialog opens on it: the incoming officer is about to sign it.
    report = build_handover(app.ctx, *day)
    sign_handover(app.ctx, report.id, "outgoing")
    again = _opened(qtbot, app)
    assert (again.view.shift_start, again.view.shift_end) == day and again.shift_box.currentIndex() == 1
    assert "Waiting for the incoming officer" in again.state.text()
    app.runner.wait(5000)
    # At 22:01 the day's write-up time is over: the night shift alone.
    clock.advance(minutes=61)
    late = _opened(qtbot, app)
    assert (late.view.shift_start, late.view.shift_end) == night and late.shift_box.count() == 1
    app.runner.wait(5000)
