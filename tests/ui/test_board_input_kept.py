"""What a duty officer types is not lost: a refused note or correction comes back in its dialog
with the input kept and the reason in it, and handover notes survive an Esc."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from precinct_console.config import Settings
from precinct_console.domain.errors import ValidationError
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.services.incidents.queries import get_incident
from precinct_console.services.incidents.steps import advance_incident, dispatch_unit
from precinct_console.storage.models import Unit
from precinct_console.ui.board.correction import CorrectionForm
from precinct_console.ui.board.panel import BoardPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.forms import submit_form
from precinct_console.ui.handover.dialog import open_handover

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

Answer = Callable[[QDialog], None]


class DialogAnswers(QObject):
    """Answers each dialog as it is shown, in turn, as the officer would: the board's dialogs run
    their own event loop (exec), so the test cannot act between the key and the dialog."""

    def __init__(self, answers: list[Answer]):
        super().__init__()
        self.answers = answers
        self.shown: list[QDialog] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(obj, QDialog):
            self.shown.append(obj)
            n = len(self.shown) - 1
            answer = self.answers[n] if n < len(self.answers) else (lambda d: d.reject())
            QTimer.singleShot(0, lambda: answer(obj))
        return False


@pytest.fixture
def answering(qapp) -> Iterator[Callable[..., DialogAnswers]]:
    made: list[DialogAnswers] = []

    def make(*answers: Answer) -> DialogAnswers:
        filt = DialogAnswers(list(answers))
        qapp.installEventFilter(filt)
        made.append(filt)
        return filt

    yield make
    for filt in made:
        qapp.removeEventFilter(filt)


def click_ok(dlg: QDialog) -> None:
    box = dlg.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def typed_text(dlg: QWidget) -> str:
    """What the officer typed, in whichever box the dialog has."""
    box = dlg.findChild(QPlainTextEdit)
    if box is not None:
        return box.toPlainText()
    line = dlg.findChild(QLineEdit)
    return line.text() if line is not None else ""


def type_into(dlg: QWidget, text: str) -> None:
    box = dlg.findChild(QPlainTextEdit)
    if box is not None:
        box.setPlainText(text)
    else:
        line = dlg.findChild(QLineEdit)
        assert line is not None
        line.setText(text)


def words_on_screen(dlg: QWidget) -> str:
    return " | ".join(label.text() for label in dlg.findChildren(QLabel) if label.isVisible())


@pytest.fixture
def app(make_ctx):
    ctx = AppContext(make_ctx("duty_officer", "duty1"), Settings())
    yield ctx
    ctx.runner.wait(10000)


def open_board(qtbot, app) -> BoardPanel:
    panel = BoardPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1500, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.state.is_loaded, timeout=10000)
    app.runner.wait(10000)
    qtbot.wait(10)
    return panel


def selected(qtbot, panel: BoardPanel, incident_id: int) -> None:
    assert panel.select_incident(incident_id)
    qtbot.waitUntil(lambda: panel.detail.detail is not None and panel.detail.detail.row.id == incident_id,
                    timeout=10000)
    panel.table.setFocus()


def settle(qtbot, app, until: Callable[[], bool]) -> None:
    qtbot.waitUntil(lambda: (app.runner.wait(50), until())[1], timeout=15000)


def test_a_note_over_the_limit_comes_back_with_the_text_and_the_limit_in_the_dialog(
        qtbot, app, answering):
    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="城关镇解放路12号", lon=116.401, lat=39.901))
    panel = open_board(qtbot, app)
    selected(qtbot, panel, inc.id)
    long_text = "报警人补充：" + "嫌疑人身穿黑色上衣，" * 250  # 2,506 characters
    seen: dict[str, Any] = {}

    def first(dlg: QDialog) -> None:
        seen["before typing"] = words_on_screen(dlg)
        seen["multi-line"] = dlg.findChild(QPlainTextEdit) is not None
        type_into(dlg, long_text)
        click_ok(dlg)
        # Refused in the dialog itself, or shown again once the service refused: either way the
        # officer sees the dialog, the text and why.
        def look(tries: int = 100) -> None:
            modal = QApplication.activeModalWidget()
            if modal is not None and modal.isVisible() and "2000" in words_on_screen(modal) \
                    and typed_text(modal):
                seen["after OK"] = (typed_text(modal), words_on_screen(modal))
                type_into(modal, long_text[:1500])  # the officer shortens it and sends it
                click_ok(modal)
            elif tries:
                QTimer.singleShot(30, lambda: look(tries - 1))
            else:
                seen["after OK"] = None
                if modal is not None:
                    modal.close()
        QTimer.singleShot(30, look)

    answering(first)
    qtbot.keyClick(panel.table, Qt.Key.Key_N)
    settle(qtbot, app, lambda: "after OK" in seen and not panel.board_actions.busy)
    assert seen["after OK"] is not None, "the note dialog did not stay or come back"
    text, words = seen["after OK"]
    assert text == long_text  # all 2,506 characters kept
    assert "2506" in words or "Too long" in words
    assert "2000" in seen["before typing"]  # the limit is said before the officer hits it
    assert seen["multi-line"]
    settle(qtbot, app, lambda: any(e.kind == "note" for e in get_incident(app.ctx, inc.id).events))
    note = next(e for e in get_incident(app.ctx, inc.id).events if e.kind == "note")
    assert note.payload["text"] == long_text[:1500].strip()


@pytest.fixture
def unit_id(db, station, clock):
    with db.sessions() as s:
        unit = Unit(station_id=station.id, call_sign="城关1号车", kind="car", seats=2, home_lon=116.40,
                    home_lat=39.90, status="available", status_since=clock())
        s.add(unit)
        s.commit()
        return unit.id


def dispatched_incident(app, clock, unit_id):  # type: ignore[no-untyped-def]
    """A call taken 40 s ago with the unit dispatched to it now."""
    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="城关镇解放路12号", lon=116.401, lat=39.901))
    clock.advance(seconds=40)
    dispatch_unit(app.ctx, inc.id, unit_id)
    return inc


def test_a_refused_correction_comes_back_with_the_entry_and_time_kept(
        qtbot, app, clock, unit_id, answering):
    inc = dispatched_incident(app, clock, unit_id)
    clock.advance(seconds=60)
    advance_incident(app.ctx, inc.id, "signed")
    clock.advance(seconds=120)
    panel = open_board(qtbot, app)
    selected(qtbot, panel, inc.id)
    seen: dict[str, Any] = {}

    def choose(dlg: QDialog) -> None:
        entry = dlg.findChild(QComboBox)
        when = dlg.findChild(QDateTimeEdit)
        assert entry is not None and when is not None and entry.count() >= 3
        entry.setCurrentIndex(1)  # not the last entry the dialog offers first: the dispatch
        seen["entry"] = entry.currentText()
        seen["time"] = when.dateTime().addSecs(-15)
        when.setDateTime(seen["time"])
        click_ok(dlg)  # no reason given

    def shown_again(dlg: QDialog) -> None:
        entry = dlg.findChild(QComboBox)
        when = dlg.findChild(QDateTimeEdit)
        seen["again"] = (entry.currentText(), when.dateTime(), words_on_screen(dlg))
        reason = dlg.findChild(QLineEdit)
        assert reason is not None
        reason.setText("派警时间按电台记录更正")
        click_ok(dlg)

    answers = answering(choose, shown_again)
    qtbot.keyClick(panel.table, Qt.Key.Key_E)
    try:  # the refusal comes back from the service off the GUI thread
        settle(qtbot, app, lambda: len(answers.shown) >= 2)
    except qtbot.TimeoutError:
        pass
    assert "again" in seen, "the correction dialog did not come back after the refusal"
    entry, when, words = seen["again"]
    assert entry == seen["entry"] and when == seen["time"]  # what was chosen is still chosen
    assert "say why" in words  # the reason for the refusal, in the dialog

    def events() -> list[Any]:
        return list(get_incident(app.ctx, inc.id).events)

    settle(qtbot, app, lambda: any(e.kind == "correction" for e in events()))
    dispatched = next(e for e in events() if e.kind == "dispatched")
    fix = next(e for e in events() if e.kind == "correction")
    assert fix.corrects_event_id == dispatched.id and fix.payload["reason"] == "派警时间按电台记录更正"
    assert fix.at == dispatched.at - timedelta(seconds=15)

def test_handover_notes_typed_then_esc_are_there_when_the_dialog_opens_again(qtbot, app):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_handover(app, parent)
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)  # compiled on opening
    dialog.notes.setFocus()
    dialog.notes.insertPlainText("夜市路口警情待增援，巡02未归队")  # as the input method commits it
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    app.runner.wait(5000)
    again = open_handover(app, parent)
    qtbot.waitUntil(lambda: again.view is not None, timeout=10000)
    app.runner.wait(5000)
    qtbot.wait(20)
    assert again.notes.toPlainText() == "夜市路口警情待增援，巡02未归队"
    # Signed, the notes are the report's own: nothing is kept as a draft past that.
    again.sign_outgoing()
    qtbot.waitUntil(lambda: again.view.outgoing_signed_at is not None, timeout=10000)
    assert again.view.notes == "夜市路口警情待增援，巡02未归队"
    again.reject()
    third = open_handover(app, parent)
    qtbot.waitUntil(lambda: third.view is not None, timeout=10000)
    assert third.notes.isReadOnly() and third.notes.toPlainText() == "夜市路口警情待增援，巡02未归队"
    third.reject()


def test_a_reopen_without_a_reason_comes_back_and_the_reason_typed_then_reopens(
        qtbot, app, answering, unit_id):
    from precinct_console.services.incidents.steps import advance_incident, dispatch_unit

    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="城关镇解放路12号", lon=116.401, lat=39.901))
    dispatch_unit(app.ctx, inc.id, unit_id)
    for step in ("set_off", "arrived", "handled", "fed_back"):
        advance_incident(app.ctx, inc.id, step)
    panel = open_board(qtbot, app)
    selected(qtbot, panel, inc.id)
    seen: dict[str, Any] = {}

    def first(dlg: QDialog) -> None:
        click_ok(dlg)  # no reason given

    def second(dlg: QDialog) -> None:  # shown again, with why
        seen["again"] = words_on_screen(dlg)
        type_into(dlg, "群众再次来电，纠纷未解决")
        click_ok(dlg)

    answering(first, second)
    qtbot.keyClick(panel.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, app, lambda: "again" in seen and not panel.board_actions.busy)
    assert "say why the incident is reopened" in seen["again"] or "重开的原因" in seen["again"]
    settle(qtbot, app, lambda: any(e.kind == "reopened" for e in get_incident(app.ctx, inc.id).events))


def test_reopening_from_the_search_keeps_a_refused_reason_form_and_reopens(
        qtbot, app, answering, unit_id):
    from precinct_console.services.incidents.steps import advance_incident, dispatch_unit
    from precinct_console.ui.board.history import HistoryDialog

    inc = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                 address="幸福小区3栋", lon=116.401, lat=39.901))
    dispatch_unit(app.ctx, inc.id, unit_id)
    for step in ("set_off", "arrived", "handled", "fed_back", "closed"):
        advance_incident(app.ctx, inc.id, step)
    panel = open_board(qtbot, app)
    dialog = HistoryDialog(app, panel.board_actions, panel)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1, timeout=10000)
    dialog.table.selectRow(0)
    seen: dict[str, Any] = {}

    def second(dlg: QDialog) -> None:
        seen["again"] = words_on_screen(dlg)
        type_into(dlg, "群众再次来电，纠纷未解决")
        click_ok(dlg)

    answering(click_ok, second)
    dialog.ask_reopen()
    settle(qtbot, app, lambda: "again" in seen and not panel.board_actions.busy)
    assert "say why the incident is reopened" in seen["again"] or "重开的原因" in seen["again"]
    settle(qtbot, app, lambda: panel.model.row(inc.id) is not None)  # back on the board


def test_a_refusal_of_several_lines_shows_whole_when_the_correction_comes_back(
        qtbot, app, clock, unit_id, answering):
    inc = dispatched_incident(app, clock, unit_id)
    owner = QWidget()
    qtbot.addWidget(owner)
    form = CorrectionForm(get_incident(app.ctx, inc.id), owner)
    reason = ("the corrected time 14:02:10 of 城关1号车's dispatch lies before the call was "
              "received at 14:02:30; a step cannot come before the call, so give a time after "
              "it or void the step instead and say why in the reason")
    refusals = [ValidationError(reason, field="at")]
    seen: dict[str, Any] = {}

    def send(values: dict[str, Any], failed: Callable[[BaseException], None]) -> None:
        if refusals:
            failed(refusals.pop())

    def look(dlg: QDialog) -> None:
        try:
            label = next(w for w in dlg.findChildren(QLabel) if "void the step" in w.text())
            seen["room"] = (label.height(), label.heightForWidth(label.width()))
            top_left = label.mapTo(dlg, label.rect().topLeft())
            seen["inside"] = dlg.rect().contains(label.rect().translated(top_left))
        finally:
            dlg.reject()

    answering(click_ok, look)
    submit_form(form, owner, lambda exc: seen.setdefault("error", exc), send)
    qtbot.waitUntil(lambda: "room" in seen or "error" in seen, timeout=10000)
    assert "error" not in seen
    height, needed = seen["room"]
    assert height >= needed, f"the reason has {height} px of the {needed} px its lines need"
    assert seen["inside"]
