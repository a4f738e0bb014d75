"""The task detail pane of a task returned for rework: the rework deadline's countdown, not the
rejected feedback, next to "Feed back by"; the history keeps both."""

from __future__ import annotations

from precinct_console.config import Settings
from precinct_console.domain.changes import Change, ChangeItem
from precinct_console.domain.permissions import Role
from precinct_console.services import tasks
from precinct_console.ui.context import AppContext

from .test_task_board import community_grid


def _line(text: str, label: str) -> str:
    """A deadline row of the pane as the user reads it: its label, then what it says."""
    lines = text.splitlines()
    return f"{label} {lines[lines.index(label) + 1]}"


def _returned_task(db, station, clock, make_ctx):
    """HC-04 sent at 09:00, signed 09:05, fed back 10:00, returned at 11:00 with a reason."""
    grid_id = community_grid(db, station, clock)
    duty = make_ctx(Role.DUTY_OFFICER)
    ref = tasks.create_task(duty, "HC-04", "上级交办：核查来信", grid_id=grid_id)  # 09:00, 9 h
    clock.advance(minutes=5)
    ref = tasks.sign_task(duty, ref.id, ref.version)
    clock.advance(minutes=55)
    ref = tasks.feed_back_task(duty, ref.id, ref.version, {"situation": "已核查", "result": "已化解"})
    clock.advance(hours=1)  # 11:00: returned, the rework is due by 20:00
    ref = tasks.return_task(duty, ref.id, ref.version, "未写明核查对象")
    return duty, ref


def _open(qtbot, duty, task_id):
    from precinct_console.ui.tasks.board import TaskBoard

    board = TaskBoard(AppContext(duty, Settings()))
    qtbot.addWidget(board)
    board.resize(1400, 900)
    qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=5000)
    board.select_record(task_id)
    qtbot.waitUntil(lambda: board.detail is not None, timeout=5000)
    return board


def test_a_returned_task_shows_its_rework_countdown_in_chinese(qtbot, zh_cn, db, station, clock, make_ctx):
    duty, ref = _returned_task(db, station, clock, make_ctx)
    board = _open(qtbot, duty, ref.id)
    text = board.info.toPlainText()
    # Signing was done in time; the 10:00 feedback was rejected, so it is not "done" by 20:00.
    assert _line(text, "签收期限") == "签收期限 2026-11-20 09:30 ✓ 按时完成 · 已完成 11-20 09:05"
    assert _line(text, "反馈期限") == "反馈期限 2026-11-20 20:00 ◷ 未到期"
    # The history still tells the whole story.
    assert "已反馈" in text and "退回重办" in text and "未写明核查对象" in text
    clock.advance(hours=7, minutes=12)  # 18:12, 80 % of the rework window
    board.show_detail(board.detail)
    assert _line(board.info.toPlainText(), "反馈期限") == "反馈期限 2026-11-20 20:00 ▲ 临期"
    clock.advance(hours=2)  # 20:12: the board shows it overdue, and so does the pane
    board.show_detail(board.detail)
    assert _line(board.info.toPlainText(), "反馈期限") == "反馈期限 2026-11-20 20:00 ✖ 已逾期"
    board.app.runner.wait(5000)


def _section(text: str, heading: str) -> list[str]:
    """The lines of the pane from a heading up to the history."""
    lines = text.splitlines()
    start = lines.index(heading)
    return lines[start:lines.index("流转记录", start)]


def test_the_rejected_feedback_is_marked_until_new_feedback_replaces_it(qtbot, zh_cn, db, station,
                                                                       clock, make_ctx, tmp_path):
    duty, ref = _returned_task(db, station, clock, make_ctx)
    board = _open(qtbot, duty, ref.id)
    text = board.info.toPlainText()
    # The 10:00 feedback is still shown, but as the one the command room sent back, and why.
    assert _section(text, "反馈内容（已退回）")[:2] == [
        "反馈内容（已退回）", "11-20 11:00 退回重办，原因：未写明核查对象"]
    assert "反馈内容" not in text.splitlines()  # no heading that reads as the current feedback
    board.grab().save(str(tmp_path / "task_detail_returned_zh.png"))
    clock.advance(hours=2)  # 13:00: the officer feeds back again
    ref = tasks.feed_back_task(duty, ref.id, ref.version,
                               {"situation": "已核查来信人张某，情况属实", "result": "已化解"})
    board.app.changed.emit(Change((ChangeItem("task", ref.id, "updated"),)))  # the feed's echo
    qtbot.waitUntil(lambda: board.detail is not None and board.detail.row.status == "fed_back",
                    timeout=5000)
    text = board.info.toPlainText()
    section = _section(text, "反馈内容")
    assert not any("已退回" in line or "原因" in line for line in section), section
    assert any("已核查来信人张某，情况属实" in line for line in section), section
    assert "反馈内容（已退回）" not in text
    # The history still holds the return and its reason.
    assert "退回重办" in text and "未写明核查对象" in text
    assert _line(text, "反馈期限") == "反馈期限 2026-11-20 20:00 ✓ 按时完成 · 已完成 11-20 13:00"
    board.grab().save(str(tmp_path / "task_detail_fed_back_again_zh.png"))
    board.app.runner.wait(5000)
