"""The big dialogs fit a 1366x768 screen in Chinese: 728 px above the taskbar, OK in view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from precinct_console.config import Settings
from precinct_console.demo.task_catalogue import seed_catalogue
from precinct_console.domain.permissions import Role
from precinct_console.domain.task_fields import parse_fields
from precinct_console.services import roster, tasks, unit_roll
from precinct_console.services.incidents.intake import IncidentDraft, check_repeats, intake_incident
from precinct_console.storage.models import Post
from precinct_console.ui.context import AppContext
from precinct_console.ui.theme import ui_font

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

WIDTH, HEIGHT = 1366, 728  # a 1366x768 screen less its taskbar

# Many community police rooms: every one is a post the plan dialog asks a minimum for.
POSTS = ("火车站警务站", "步行街警务站", "东关社区警务室", "西街社区警务室", "南湖社区警务室",
         "北关社区警务室", "开发区警务站", "高铁站警务站", "大学城警务室", "工业园警务室",
         "新城社区警务室", "老城社区警务室")


@pytest.fixture
def world(zh_cn, qapp, db, station, clock, make_ctx) -> Iterator[SimpleNamespace]:
    """A station with its task catalogue, officers, units and a dozen posts, in the console's own
    font (make_application sets it; the test run's default is smaller)."""
    font = qapp.font()
    qapp.setFont(ui_font())
    with db.sessions() as s:
        seed_catalogue(s, station.id, clock())
        s.add_all(Post(station_id=station.id, code=f"P{i:02d}", name=name, lon=116.38 + i / 1000,
                       lat=39.9) for i, name in enumerate(POSTS))
        s.commit()
    chief = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    duty = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    admin = AppContext(make_ctx(Role.ADMIN), Settings())
    for i, team in enumerate(("一组", "二组", "三组", "四组")):
        roster.add_officer(chief.ctx, f"03100{i}", f"民警{i}", team=team, rank="一级警长",
                           phone="13800138000", skills=["急救", "调解"], licences=["C1"])
    monday = date(2026, 11, 16)
    view = roster.roster_view(chief.ctx, monday, monday + timedelta(days=6))
    for i, (post_id, _name) in enumerate(view.posts[:6]):
        unit_roll.add_unit(chief.ctx, f"巡{i + 1:02d}", "car", post_id=post_id)
    try:
        yield SimpleNamespace(chief=chief, duty=duty, admin=admin, view=view, monday=monday)
    finally:
        for app in (chief, duty, admin):
            app.runner.wait(20000)
        qapp.setFont(font)


class _Screen:
    """What a 1366x768 screen leaves free above its taskbar (the test run's screen is 800x800)."""

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, WIDTH, HEIGHT)


def _settle(qtbot, *apps: AppContext) -> None:
    for _ in range(3):
        for app in apps:
            app.runner.wait(20000)
        qtbot.wait(20)


def handover(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """On the running shift, its report compiled (it opens doing so)."""
    from precinct_console.ui.handover.dialog import HandoverDialog

    intake_incident(w.duty.ctx, IncidentDraft(channel="110", category_code="0202", address="夜市路口"))
    monkeypatch.setattr(HandoverDialog, "screen", lambda _self: _Screen())
    dialog = HandoverDialog(w.duty)
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10000)
    return dialog


def intake(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """With the repeat warning open: the same caller rang three times before."""
    from precinct_console.ui.intake.dialog import IntakeDialog

    draft = IncidentDraft(channel="110", category_code="0706", address="幸福大街423号龙湖宿舍5号楼1单元",
                          caller_name="张先生", caller_phone="17694403886",
                          content="报警人称邻居家中传出争吵声，有摔砸物品的声音，请民警到场。")
    for _ in range(3):
        intake_incident(w.duty.ctx, draft)
    dialog = IntakeDialog(w.duty)
    dialog.address.setText(draft.address)
    dialog.caller_name.setText(draft.caller_name)
    dialog.caller_phone.setText(draft.caller_phone)
    dialog.content.setPlainText(draft.content)
    dialog._show_warning(check_repeats(w.duty.ctx, draft))
    dialog._show_error("经纬度：请写成 经度, 纬度，例如 116.4012, 39.9034")
    return dialog


def plan_shifts(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """A new pattern for a station with a dozen posts."""
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    dialog = PlanShiftsDialog([], w.monday, w.monday + timedelta(days=6), posts=w.view.posts,
                              rules=w.view.rules)
    dialog.pattern.setCurrentIndex(dialog.pattern.findData("new:duty_24h"))
    dialog.teams.setText("一组")  # both limits broken: the longest warning
    dialog.accept()  # no name: the error line shows too
    return dialog


def new_task(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    from precinct_console.ui.tasks.dialogs import NewTaskDialog

    dialog = NewTaskDialog(tasks.list_templates(w.chief.ctx), tasks.list_grids(w.chief.ctx),
                           tasks.list_officers(w.chief.ctx))
    dialog.title_edit.setText("")
    dialog.accept()
    return dialog


def feedback(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """A catalogue entry asking for a dozen fields, half of them long texts."""
    from precinct_console.ui.tasks.dialogs import FeedbackDialog

    kinds = ("date", "bool", "int", "text", "longtext", "longtext", "longtext", "longtext", "choice",
             "longtext", "text", "longtext")
    fields = parse_fields([{"key": f"f{i}", "label": f"第{i + 1}项情况说明", "kind": kind,
                            **({"choices": ["已化解", "化解中", "已移交"]} if kind == "choice" else {})}
                           for i, kind in enumerate(kinds)])
    today = date(2026, 11, 20)
    dialog = FeedbackDialog("重大矛盾纠纷稳控", fields, today, {}, sent_on=today)
    dialog.accept()  # nothing filled in: the error line shows
    return dialog


def officer(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """Editing an officer: the roll's check box shows too."""
    from precinct_console.ui.roster.record_dialogs import OfficerDialog

    dialog = OfficerDialog(["一组", "二组", "三组", "四组"], None, w.view.officers[0])
    dialog.name.setText("")
    dialog.accept()
    return dialog


def units(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    dialog = UnitsDialog(w.chief, list(w.view.posts))
    _settle(qtbot, w.chief)
    assert dialog.table.rowCount() == 6
    return dialog


def catalogue(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    """On the entry with the most feedback fields."""
    from precinct_console.ui.tasks.catalogue import CatalogueDialog

    templates = tasks.list_templates(w.admin.ctx, include_inactive=True)
    dialog = CatalogueDialog(w.admin, templates)
    dialog.show_template(max(templates, key=lambda t: len(t.fields)))
    return dialog


def dispute(w: SimpleNamespace, qtbot, monkeypatch) -> QDialog:
    from precinct_console.ui.disputes.dialogs import RegisterDisputeDialog

    dialog = RegisterDisputeDialog(tasks.list_grids(w.chief.ctx))
    dialog.accept()  # no title: the error line shows
    return dialog


DIALOGS: dict[str, Callable[..., QDialog]] = {f.__name__: f for f in (
    handover, intake, plan_shifts, new_task, feedback, officer, units, catalogue, dispute)}


@pytest.mark.parametrize("name", DIALOGS)
def test_the_dialog_fits_a_1366x768_screen_in_chinese(name, world, qtbot, monkeypatch):
    """The handover opened 980x760 whatever the screen, its sign buttons below a 1366x768 one; a
    dozen posts held the plan dialog at 913 px high, a dozen feedback fields the feedback dialog
    at 798 px. It now opens within the screen's free room; the posts and the fields scroll, OK
    and Cancel stay below them."""
    dialog = DIALOGS[name](world, qtbot, monkeypatch)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _settle(qtbot, world.chief, world.duty, world.admin)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= WIDTH and hint.height() <= HEIGHT, hint
    assert dialog.width() <= WIDTH and dialog.height() <= HEIGHT, dialog.size()
    # Every button (OK, Cancel, the handover's sign buttons…) lies inside the dialog.
    buttons: list[Any] = [*dialog.findChildren(QDialogButtonBox), *dialog.findChildren(QPushButton)]
    shown = [b for b in buttons if isinstance(b, QWidget) and b.isVisibleTo(dialog)]
    assert shown
    for b in shown:
        corner = b.mapTo(dialog, b.rect().bottomRight())
        assert dialog.rect().contains(corner), (b.text() if isinstance(b, QPushButton) else b, corner)
    dialog.close()
