"""Intake by keyboard alone: category by pinyin, address completion, repeat warning and linking."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from precinct_console.config import Settings
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.storage.models import Incident
from precinct_console.ui.context import AppContext
from precinct_console.ui.intake.dialog import IntakeDialog

# The address completer is a popup; the offscreen platform cannot raise it or grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def app(qtbot, make_ctx):
    ctx = AppContext(make_ctx("duty_officer"), Settings())
    yield ctx
    ctx.runner.wait(10000)


def open_dialog(qtbot, app):
    dialog = IntakeDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.category.setFocus()
    return dialog


def type_into(qtbot, widget, text):
    """Typed as an officer would: ASCII by keys, Chinese committed by the input method."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_a_call_is_taken_in_from_the_keyboard_alone(qtbot, app):
    dialog = open_dialog(qtbot, app)
    changes = []
    app.changed.connect(changes.append)
    # Pinyin initials of 家庭纠纷, then Tab takes the top match and moves on.
    qtbot.keyClicks(dialog.category, "jtjf")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    assert dialog.category.category.code == "0601"
    assert dialog.priority.currentData() == 2
    type_into(qtbot, dialog.address, "城关镇解放路12号")
    type_into(qtbot, dialog.caller_name, "王女士")
    type_into(qtbot, dialog.caller_phone, "13800138000")
    type_into(qtbot, dialog.content, "夫妻吵架，摔东西")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    view = dialog.result_view
    assert view.category_code == "0601" and view.address == "城关镇解放路12号"
    assert view.caller_phone == "13800138000" and view.status == "received"
    assert changes and view.id in changes[-1].ids("incident")


def test_a_missing_address_is_named_and_nothing_is_written(qtbot, app):
    dialog = open_dialog(qtbot, app)
    dialog.category.setFocus()
    qtbot.keyClicks(dialog.category, "0202")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    dialog.take_in()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "address" in dialog.error.text()
    assert dialog.result is not None and dialog.result_view is None
    assert dialog.address.hasFocus()


def test_a_place_a_thousand_km_away_is_refused_and_what_was_typed_is_kept(qtbot, app, db):
    with db.sessions() as s:
        count = s.scalar(sa.select(sa.func.count()).select_from(Incident))
    dialog = open_dialog(qtbot, app)
    dialog.category.setFocus()
    qtbot.keyClicks(dialog.category, "0202")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    type_into(qtbot, dialog.address, "jie fang lu 12")
    dialog.location.setText("121.47, 31.23")  # Shanghai: a digit typed wrong
    dialog.take_in()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "km from the station and in none of its grids" in dialog.error.text()
    assert dialog.result_view is None
    assert dialog.address.text() == "jie fang lu 12" and dialog.location.text() == "121.47, 31.23"
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Incident)) == count


def test_repeat_caller_is_warned_and_the_call_linked_to_the_open_incident(qtbot, app, clock):
    first = intake_incident(app.ctx, IncidentDraft(
        channel="110", category_code="0602", address="城关镇幸福小区3栋", caller_phone="13912345678",
        content="楼上噪音，邻居吵架"))
    clock.advance(minutes=20)
    dialog = open_dialog(qtbot, app)
    type_into(qtbot, dialog.category, "邻里")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    type_into(qtbot, dialog.address, "城关镇幸福小区3栋")
    type_into(qtbot, dialog.caller_phone, "139 1234 5678")
    qtbot.waitUntil(lambda: dialog.repeat_box.isVisible(), timeout=10000)
    assert "Repeat caller" in dialog.repeat_title.text()
    assert dialog.repeat_table.item(0, 0).text().split("/")[0] == "caller"
    assert dialog.repeat_table.item(0, 1).text() == first.number
    # Tab does not get stuck among the earlier calls' cells.
    dialog.repeat_table.setFocus()
    qtbot.keyClick(dialog.repeat_table, Qt.Key.Key_Tab)
    assert not dialog.repeat_table.hasFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_view.id == first.id
    assert dialog.result_view.linked_calls == 1


def test_past_addresses_complete_and_bring_their_location(qtbot, app):
    intake_incident(app.ctx, IncidentDraft(
        channel="110", category_code="0401", address="人民路与中山街交叉口", lon=116.401, lat=39.901))
    dialog = open_dialog(qtbot, app)
    type_into(qtbot, dialog.address, "中山街")
    popup = dialog.address.completer().popup()
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=10000)
    assert dialog.address.completer().model().stringList() == ["人民路与中山街交叉口"]
    dialog.address.completer().activated.emit("人民路与中山街交叉口")
    assert dialog.location.text() == "116.401000, 39.901000"


def test_ctrl_enter_pressed_again_while_saving_takes_the_call_in_once(qtbot, app, db):
    import sqlalchemy as sa

    from precinct_console.storage.models import Incident

    dialog = open_dialog(qtbot, app)
    qtbot.keyClicks(dialog.category, "jtjf")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    type_into(qtbot, dialog.address, "城关镇解放路12号")
    type_into(qtbot, dialog.content, "夫妻吵架")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        for _ in range(3):  # an impatient officer, before the first save has come back
            qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.runner.wait(10000)
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Incident)) == 1


def test_a_grid_picked_on_the_map_is_named_by_its_code_and_name(qtbot, app, db, station):
    from precinct_console.storage.models import Grid

    with db.sessions() as s:
        g = Grid(station_id=station.id, code="JWQ01-05-13", name="东润花园二期微网格", level=3,
                 geometry={"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.41, 39.9],
                                                               [116.41, 39.91], [116.4, 39.9]]]},
                 area_m2=1.0, centroid_lon=116.405, centroid_lat=39.905)
        s.add(g)
        s.commit()
        gid = g.id
    dialog = open_dialog(qtbot, app)
    app.select("grid", gid)
    qtbot.waitUntil(lambda: "JWQ01-05-13 东润花园二期微网格" in dialog.grid_label.text(), timeout=5000)
    assert dialog.grid_id == gid


def test_the_repeat_warning_is_shown_whole_not_squeezed_into_the_opening_size(qtbot, app, clock):
    for minutes in (40, 30, 20):  # three earlier calls from the same place
        intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0602",
                                               address="城关镇幸福小区3栋", content=f"噪音 {minutes}"))
        clock.advance(minutes=5)
    dialog = open_dialog(qtbot, app)
    opened = dialog.height()
    type_into(qtbot, dialog.category, "邻里")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    type_into(qtbot, dialog.address, "城关镇幸福小区3栋")
    qtbot.waitUntil(lambda: dialog.repeat_box.isVisible(), timeout=10000)
    qtbot.wait(50)
    room = dialog.screen().availableGeometry()
    assert opened < dialog.height() <= room.height()
    assert dialog.frameGeometry().bottom() <= room.bottom()  # still on the screen
    table = dialog.repeat_table
    assert table.rowCount() == 3
    # Every earlier call in view, without scrolling the list.
    assert table.viewport().height() >= sum(table.rowHeight(r) for r in range(3))
    # The address takes the width the other columns leave, also once the officer types on and the
    # warning is refreshed: no blank band right of the status.
    type_into(qtbot, dialog.content, "楼上又吵")
    app.runner.wait(10000)
    qtbot.wait(500)  # the re-check's debounce and its answer
    app.runner.wait(10000)
    qtbot.wait(50)
    header = table.horizontalHeader()
    assert sum(header.sectionSize(c) for c in range(6)) >= table.viewport().width() - 2


def test_a_mobile_number_a_digit_short_is_pointed_out_and_still_taken_in(qtbot, app):
    """The officer typed ten digits of a mobile number: the dialog says so under the phone (to
    check it with the caller), does not refuse it, and the hint goes once the number is whole."""
    dialog = open_dialog(qtbot, app)
    qtbot.keyClicks(dialog.category, "jtjf")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    type_into(qtbot, dialog.address, "城关镇解放路12号")
    type_into(qtbot, dialog.caller_phone, "1380013800")
    assert dialog.phone_hint.isVisible()
    assert "11 digits; this one has 10" in dialog.phone_hint.text()
    qtbot.keyClicks(dialog.caller_phone, "0")
    assert not dialog.phone_hint.isVisible()
    qtbot.keyClick(dialog.caller_phone, Qt.Key.Key_Backspace)
    assert dialog.phone_hint.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):  # a warning, not a refusal
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_view.caller_phone == "1380013800"


def test_the_stations_own_categories_are_found_by_path_and_shown_with_it(qtbot, app, db):
    from precinct_console.storage.models import Category

    with db.sessions() as s, s.begin():  # 其他 under 治安 beside the shipped top-level 其他
        s.add(Category(code="0299", parent_code="02", level=2, name_zh="其他", name_en="Other order",
                       default_priority=3))
    dialog = open_dialog(qtbot, app)
    assert "纠纷/家庭" in dialog.category.placeholderText()  # the officer learns a path is taken
    qtbot.waitUntil(lambda: "0299" in {c.code for c in dialog.category.tree}, timeout=10000)
    type_into(qtbot, dialog.category, "治安/其")
    assert [dialog.category.results.item(i).text() for i in range(dialog.category.results.count())] \
        == ["0299  治安/其他"]
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    assert dialog.category.category.code == "0299" and dialog.category.text() == "0299  治安/其他"
    assert dialog.priority.currentData() == 3
